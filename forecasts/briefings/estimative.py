"""Words of estimative probability: what an analyst's phrase means as a number.

One table holds every yardstick the service knows, each band with its low/high range and point
value (the midpoint), and one table maps phrases to a common seven-rung ladder, so every yardstick
reads the same phrase the same way. The facts come from ``SCORING.md`` ("Words of estimative
probability"):

- ``icd203`` (default): US Intelligence Community Directive 203, "Analytic Standards", as quoted
  in public copies: almost no chance / remote 1-5 %, very unlikely / highly improbable 5-20 %,
  unlikely / improbable 20-45 %, roughly even chance / roughly even odds 45-55 %, likely /
  probable 55-80 %, very likely / highly probable 80-95 %, almost certain(ly) / nearly certain
  95-99 %.
- ``phia``: the UK Professional Head of Intelligence Assessment probability yardstick
  ("Explaining uncertainty in UK intelligence assessment"; verify against the government's page
  before citing it in the product): remote chance 0-5 %, highly unlikely 10-20 %, unlikely
  25-35 %, realistic possibility 40-50 %, likely / probably 55-75 %, highly likely 80-90 %, almost
  certain 95-100 %. The official scale leaves gaps between bands; :func:`band_for` picks the
  nearest band for a number in a gap.
- ``nato``: NATO AJP-2.1 (Allied Joint Doctrine for Intelligence Procedures), as commonly quoted
  (verify): highly unlikely < 10 %, unlikely 10-40 %, even chance 40-60 %, likely 60-90 %,
  highly likely > 90 %.

Phrases outside every scale ("will", "will continue to", "is expected to", "probably", "will
not" ...) are decided once, in ``OUT_OF_SCALE``, each with its reason. A negated phrase reads as
the mirror band of its positive form: "will not" is the remote band, "not likely" the unlikely band.
Hedges analysts write outside the yardsticks ("chances are", "we doubt", "a real possibility",
"little chance" ...) are put on the ladder once, in ``COMMON_HEDGES``, each with its source. Bare
hedges with no likelihood ("could", "may", "might") are listed in ``VAGUE_HEDGES``.

Public API::

    yardstick(name) -> Yardstick
    lookup(term, yardstick="icd203") -> Term        # "not likely", "will not" ... handled
    complement(term, yardstick="icd203") -> Term    # the mirrored band, for negation
    band_for(probability, yardstick="icd203") -> Term
    known_phrases() -> tuple[str, ...]              # every phrase lookup() accepts, longest first

``lookup`` raises :class:`UnknownTermError` and ``yardstick`` raises :class:`UnknownYardstickError`
(both ``ValueError``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_YARDSTICK = "icd203"

# Rungs of the common ladder: ICD 203's seven bands, the finest of the three scales.
REMOTE, VERY_UNLIKELY, UNLIKELY, EVEN, LIKELY, VERY_LIKELY, ALMOST_CERTAIN = range(1, 8)
TOP_RUNG = ALMOST_CERTAIN


class UnknownYardstickError(ValueError):
    """The yardstick name is not one of ``icd203``, ``phia`` or ``nato``."""


class UnknownTermError(ValueError):
    """The phrase carries no likelihood the service can put a number on."""


@dataclass(frozen=True)
class Band:
    """One band of a yardstick: its own wording, its range and the ladder rungs it covers."""

    term: str
    low: float
    high: float
    rungs: tuple[int, ...]
    synonyms: tuple[str, ...] = ()

    @property
    def point(self) -> float:
        return round((self.low + self.high) / 2, 4)


@dataclass(frozen=True)
class Yardstick:
    """A named scale of bands, ordered from least to most likely."""

    name: str
    title: str
    source: str
    bands: tuple[Band, ...]

    def band_at(self, rung: int) -> Band:
        """The band covering a ladder rung (1 = remote ... 7 = almost certain)."""
        for band in self.bands:
            if rung in band.rungs:
                return band
        raise ValueError(f"rung {rung} is outside the ladder 1-{TOP_RUNG}")


@dataclass(frozen=True)
class Term:
    """An estimative phrase read on one yardstick: the band's wording, range and point value."""

    term: str
    low: float
    high: float
    point: float
    yardstick: str


YARDSTICKS: dict[str, Yardstick] = {
    "icd203": Yardstick(
        name="icd203",
        title="ICD 203 (US Intelligence Community)",
        source="Intelligence Community Directive 203, Analytic Standards, as quoted in public "
        "copies",
        bands=(
            Band("almost no chance", 0.01, 0.05, (REMOTE,), ("remote",)),
            Band("very unlikely", 0.05, 0.20, (VERY_UNLIKELY,), ("highly improbable",)),
            Band("unlikely", 0.20, 0.45, (UNLIKELY,), ("improbable",)),
            Band("roughly even chance", 0.45, 0.55, (EVEN,), ("roughly even odds",)),
            Band("likely", 0.55, 0.80, (LIKELY,), ("probable",)),
            Band("very likely", 0.80, 0.95, (VERY_LIKELY,), ("highly probable",)),
            Band("almost certain", 0.95, 0.99, (ALMOST_CERTAIN,), ("almost certainly",
                                                                  "nearly certain")),
        ),
    ),
    "phia": Yardstick(
        name="phia",
        title="UK PHIA probability yardstick",
        source="UK Professional Head of Intelligence Assessment, 'Explaining uncertainty in UK "
        "intelligence assessment' (verify before citing)",
        bands=(
            Band("remote chance", 0.0, 0.05, (REMOTE,)),
            Band("highly unlikely", 0.10, 0.20, (VERY_UNLIKELY,)),
            Band("unlikely", 0.25, 0.35, (UNLIKELY,)),
            Band("realistic possibility", 0.40, 0.50, (EVEN,)),
            Band("likely", 0.55, 0.75, (LIKELY,), ("probably",)),
            Band("highly likely", 0.80, 0.90, (VERY_LIKELY,)),
            Band("almost certain", 0.95, 1.0, (ALMOST_CERTAIN,)),
        ),
    ),
    "nato": Yardstick(
        name="nato",
        title="NATO AJP-2.1",
        source="NATO AJP-2.1 Allied Joint Doctrine for Intelligence Procedures, as commonly quoted "
        "(verify before citing)",
        bands=(
            Band("highly unlikely", 0.0, 0.10, (REMOTE, VERY_UNLIKELY)),
            Band("unlikely", 0.10, 0.40, (UNLIKELY,)),
            Band("even chance", 0.40, 0.60, (EVEN,)),
            Band("likely", 0.60, 0.90, (LIKELY,)),
            Band("highly likely", 0.90, 1.0, (VERY_LIKELY, ALMOST_CERTAIN)),
        ),
    ),
}

_YARDSTICK_ALIASES = {"icd": "icd203", "ic": "icd203", "uk": "phia", "ajp21": "nato"}

# Every phrase the scales themselves use (with ICD 203's and PHIA's synonyms), on the common ladder.
# A phrase means the same rung on every yardstick; the yardstick decides the numbers.
SCALE_PHRASES: dict[str, int] = {
    "almost no chance": REMOTE,
    "remote": REMOTE,
    "remote chance": REMOTE,
    "remote possibility": REMOTE,
    "very unlikely": VERY_UNLIKELY,
    "highly unlikely": VERY_UNLIKELY,
    "highly improbable": VERY_UNLIKELY,
    "unlikely": UNLIKELY,
    "improbable": UNLIKELY,
    "roughly even chance": EVEN,
    "roughly even odds": EVEN,
    "even chance": EVEN,
    "realistic possibility": EVEN,
    "likely": LIKELY,
    "probable": LIKELY,
    "probably": LIKELY,
    "very likely": VERY_LIKELY,
    "highly likely": VERY_LIKELY,
    "highly probable": VERY_LIKELY,
    "almost certain": ALMOST_CERTAIN,
    "almost certainly": ALMOST_CERTAIN,
    "nearly certain": ALMOST_CERTAIN,
}

# Phrases outside every scale, decided once here. Each entry: (rung, why).
OUT_OF_SCALE: dict[str, tuple[int, str]] = {
    "will": (
        ALMOST_CERTAIN,
        "an unhedged future is the analyst's strongest claim; ICD 203 tops out at 99 %",
    ),
    "will continue to": (ALMOST_CERTAIN, "a current state persisting, asserted without a hedge"),
    "would": (ALMOST_CERTAIN, "conditional form of 'will'; read only when a condition is named"),
    "certain": (ALMOST_CERTAIN, "analysts do not claim 100 %; read as the top band"),
    "certainly": (ALMOST_CERTAIN, "as 'certain'"),
    "virtually certain": (ALMOST_CERTAIN, "synonym of 'almost certain'"),
    "very probably": (VERY_LIKELY, "adverb of 'highly probable'"),
    "very probable": (VERY_LIKELY, "synonym of 'highly probable'"),
    "expected": (LIKELY, "'is expected to' asserts more likely than not, with a hedge: Kent's "
                 "'probable'"),
    "more likely than not": (LIKELY, "above 50 % by definition, the likely band's floor"),
    "most likely": (LIKELY, "names the leading outcome, not a degree above 'likely'"),
    "extremely unlikely": (REMOTE, "stronger than 'very unlikely'; IPCC reads it as 0-5 %"),
    "even odds": (EVEN, "synonym of 'roughly even odds'"),
    "about even": (EVEN, "Kent's 'chances about even'"),
    "fifty-fifty": (EVEN, "an even chance in words"),
    "toss-up": (EVEN, "an even chance in words"),
}

# Hedges analysts commonly write outside the yardsticks, each put on the ladder once, with where
# the reading comes from. "Kent" is Sherman Kent, "Words of Estimative Probability" (1964), whose
# table groups these wordings with his bands (as commonly quoted; verify before citing).
COMMON_HEDGES: dict[str, tuple[int, str]] = {
    "chances are": (LIKELY, "Kent lists 'chances are good' with 'probable' (about 75 %)"),
    "good chance": (LIKELY, "Kent: 'chances are good' sits with 'probable'"),
    "strong chance": (LIKELY, "as 'good chance'"),
    "better than even": (LIKELY, "above 50 % by definition; the likely band's floor"),
    "in all likelihood": (LIKELY, "as 'probably'"),
    "in all probability": (LIKELY, "as 'probably'"),
    "very good chance": (VERY_LIKELY, "stronger than 'good chance'; ICD 203's 'very likely'"),
    "high probability": (VERY_LIKELY, "ICD 203's 'highly probable'"),
    "high likelihood": (VERY_LIKELY, "as 'high probability'"),
    "real possibility": (EVEN, "a live possibility not favoured either way; PHIA's 'realistic "
                         "possibility' (40-50 %)"),
    "serious possibility": (EVEN, "as 'real possibility'"),
    "distinct possibility": (EVEN, "as 'real possibility'"),
    "could well": (EVEN, "a hedge stronger than 'could'; read as a realistic possibility"),
    "may well": (EVEN, "as 'could well'"),
    "might well": (EVEN, "as 'could well'"),
    "doubtful": (UNLIKELY, "Kent groups 'we doubt' and 'doubtful' with 'probably not' (about "
                 "30 %)"),
    "doubt": (UNLIKELY, "'we doubt that X' as Kent's 'probably not'"),
    "highly doubtful": (VERY_UNLIKELY, "Kent groups it with 'almost certainly not' (about 7 %)"),
    "slight chance": (VERY_UNLIKELY, "Kent: 'chances are slight' sits with 'almost certainly "
                      "not'"),
    "little chance": (VERY_UNLIKELY, "as 'slight chance'"),
    "small chance": (VERY_UNLIKELY, "as 'slight chance'"),
    "low probability": (VERY_UNLIKELY, "ICD 203's 'highly improbable'"),
    "low likelihood": (VERY_UNLIKELY, "as 'low probability'"),
    "long shot": (VERY_UNLIKELY, "an outside chance; as 'slight chance'"),
    "outside chance": (VERY_UNLIKELY, "as 'long shot'"),
    "slim chance": (VERY_UNLIKELY, "as 'slight chance'"),
    "little prospect": (VERY_UNLIKELY, "as 'little chance'"),
    # One entry for "we would be surprised if X" and "it would surprise us if X" (judgments
    # reads both to this phrase). Not in Kent's table: read as his "we doubt". Labelled
    # briefings put it in 20-45 %; one reader put it lower (5-30 %): the unlikely band is
    # where the two agree most (its point, 32.5 %, sits just above that reader's 30 %).
    "would be surprised": (UNLIKELY, "'we would be surprised if X' / 'it would surprise us if "
                           "X' states doubt: Kent's 'we doubt' (about 30 %)"),
    "would be very surprised": (VERY_UNLIKELY, "stronger doubt: Kent's 'almost certainly not'"),
    "strong likelihood": (LIKELY, "as 'strong chance'"),
    "strong possibility": (LIKELY, "a possibility called strong is favoured: as 'good chance'"),
    "safe bet": (VERY_LIKELY, "a bet one expects to win; ICD 203's 'very likely'"),
    "virtually impossible": (REMOTE, "Kent groups it with 'almost certainly not'; the remote "
                             "band"),
    "all but certain": (ALMOST_CERTAIN, "synonym of 'almost certain'"),
    "near certain": (ALMOST_CERTAIN, "synonym of 'nearly certain'"),
    "near-certain": (ALMOST_CERTAIN, "synonym of 'nearly certain'"),
    "odds-on": (LIKELY, "betting usage: odds-on is better than even, the favourite; the likely "
                "band"),
    "odds against": (UNLIKELY, "'the odds are against X': less likely than not, Kent's 'probably "
                     "not'"),
    "odds heavily against": (VERY_UNLIKELY, "'the odds are heavily (stacked) against X': as "
                             "'little chance'"),
    "odds in favour": (LIKELY, "'the odds favour X': more likely than not, Kent's 'probable'"),
    "odds heavily in favour": (VERY_LIKELY, "'the odds are heavily in favour of X': as 'very "
                               "good chance'"),
    "coin toss": (EVEN, "an even chance in words, as 'toss-up'"),
    "coin flip": (EVEN, "as 'coin toss'"),
    "next to no chance": (REMOTE, "as ICD 203's 'almost no chance'"),
    "virtually no chance": (REMOTE, "as ICD 203's 'almost no chance'"),
    "no chance": (REMOTE, "analysts do not claim 0 %: the remote band"),
    "odds on": (LIKELY, "as 'odds-on'"),
    "evens": (EVEN, "betting usage: evens is 1 to 1, an even chance"),
    "even money": (EVEN, "as 'evens'"),
    "would not be surprised": (EVEN, "'we would not be surprised if X' keeps X open without "
                               "favouring it: as 'real possibility'"),
    "would not be at all surprised": (LIKELY, "stronger than 'would not be surprised'; as "
                                      "'good chance'"),
}

# Hedges that carry no likelihood at all: a sentence resting on one is context, not a forecast.
VAGUE_HEDGES: tuple[str, ...] = ("could", "may", "might", "can", "possibly", "perhaps", "possible")

PHRASES: dict[str, int] = {**SCALE_PHRASES,
                           **{k: rung for k, (rung, _) in OUT_OF_SCALE.items()},
                           **{k: rung for k, (rung, _) in COMMON_HEDGES.items()}}

_NEGATIONS = re.compile(r"\b(?:not|never)\b")
_LEADING_FRAME = re.compile(r"^(?:(?:it|there)\s+is\s+|is\s+|are\s+|a\s+|an\s+)+")
_TRAILING_FRAME = re.compile(r"\s+(?:to|that|chance|odds)$")


def yardstick(name: str = DEFAULT_YARDSTICK) -> Yardstick:
    """The yardstick called ``name`` ("icd203", "phia", "nato"; case and punctuation ignored).

    Raises UnknownYardstickError for any other name.
    """
    return _scale(name)


def _scale(name: str) -> Yardstick:
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    key = _YARDSTICK_ALIASES.get(key, key)
    if key not in YARDSTICKS:
        known = ", ".join(YARDSTICKS)
        raise UnknownYardstickError(f"Unknown yardstick {name!r}; choose one of {known}.")
    return YARDSTICKS[key]


def known_phrases() -> tuple[str, ...]:
    """Every positive phrase lookup() knows, longest first (so a regex alternation is greedy)."""
    return tuple(sorted(PHRASES, key=lambda phrase: (-len(phrase), phrase)))


def lookup(term: str, yardstick: str = DEFAULT_YARDSTICK) -> Term:
    """Read an estimative phrase on a yardstick.

    Negated phrases ("not likely", "almost certainly not", "will not", "won't") give the mirrored
    band of their positive form. Raises UnknownTermError for a phrase with no likelihood ("could",
    "may") and UnknownYardstickError for an unknown yardstick.
    """
    scale = _scale(yardstick)
    phrase, negated = _normalise(term)
    rung = _rung(phrase)
    if rung is None:
        raise UnknownTermError(f"{term!r} is not an estimative phrase the service knows.")
    if negated:
        rung = TOP_RUNG + 1 - rung
    return _term(scale.band_at(rung), scale)


def complement(term: Term | str, yardstick: str = DEFAULT_YARDSTICK) -> Term:
    """The band mirroring ``term`` on its yardstick: what "not <term>" means.

    A Term keeps its own yardstick; a phrase is first read on ``yardstick``.
    """
    found = term if isinstance(term, Term) else lookup(term, yardstick)
    scale = _scale(found.yardstick)
    names = [band.term for band in scale.bands]
    index = names.index(found.term)
    return _term(scale.bands[len(names) - 1 - index], scale)


def band_for(probability: float, yardstick: str = DEFAULT_YARDSTICK) -> Term:
    """The band a number falls in; in a gap between bands (PHIA), the nearest band.

    Raises ValueError for a probability outside [0, 1].
    """
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability {probability!r} is outside [0, 1]")
    scale = _scale(yardstick)

    def distance(band: Band) -> tuple[float, float]:
        outside = max(band.low - probability, probability - band.high, 0.0)
        return outside, abs(band.point - probability)

    return _term(min(scale.bands, key=distance), scale)


def _term(band: Band, scale: Yardstick) -> Term:
    return Term(band.term, band.low, band.high, band.point, scale.name)


def _normalise(term: str) -> tuple[str, bool]:
    """Lower-case, drop framing words and report whether the phrase was negated."""
    phrase = " ".join(term.lower().replace("’", "'").split())
    phrase = phrase.replace("won't", "will not").replace("wouldn't", "would not")
    phrase = phrase.replace("n't", " not")
    if _rung(_LEADING_FRAME.sub("", phrase)) is not None:  # "more likely than not" is one phrase
        return _LEADING_FRAME.sub("", phrase), False
    negations = len(_NEGATIONS.findall(phrase))
    phrase = " ".join(_NEGATIONS.sub(" ", phrase).split())
    return _LEADING_FRAME.sub("", phrase).strip(), negations % 2 == 1


def _rung(phrase: str) -> int | None:
    """The ladder rung for a phrase; "will probably" reads as its adverb, which hedges the will."""
    for candidate in (phrase, _TRAILING_FRAME.sub("", phrase)):
        if candidate in PHRASES:
            return PHRASES[candidate]
        modal, _, rest = candidate.partition(" ")
        if modal in ("will", "would") and rest in PHRASES:
            return PHRASES[rest]
    return None

