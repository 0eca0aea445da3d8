"""The yardsticks and the phrase table: numbers as SCORING.md gives them, negation as the mirror."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasts.briefings import estimative
from forecasts.briefings.estimative import (
    OUT_OF_SCALE,
    PHRASES,
    VAGUE_HEDGES,
    YARDSTICKS,
    Term,
    UnknownTermError,
    UnknownYardstickError,
    band_for,
    complement,
    known_phrases,
    lookup,
    yardstick,
)

# (yardstick, band term, low, high) exactly as SCORING.md "Words of estimative probability".
PUBLISHED_BANDS = [
    ("icd203", "almost no chance", 0.01, 0.05),
    ("icd203", "very unlikely", 0.05, 0.20),
    ("icd203", "unlikely", 0.20, 0.45),
    ("icd203", "roughly even chance", 0.45, 0.55),
    ("icd203", "likely", 0.55, 0.80),
    ("icd203", "very likely", 0.80, 0.95),
    ("icd203", "almost certain", 0.95, 0.99),
    ("phia", "remote chance", 0.0, 0.05),
    ("phia", "highly unlikely", 0.10, 0.20),
    ("phia", "unlikely", 0.25, 0.35),
    ("phia", "realistic possibility", 0.40, 0.50),
    ("phia", "likely", 0.55, 0.75),
    ("phia", "highly likely", 0.80, 0.90),
    ("phia", "almost certain", 0.95, 1.0),
    ("nato", "highly unlikely", 0.0, 0.10),
    ("nato", "unlikely", 0.10, 0.40),
    ("nato", "even chance", 0.40, 0.60),
    ("nato", "likely", 0.60, 0.90),
    ("nato", "highly likely", 0.90, 1.0),
]


@pytest.mark.parametrize(("name", "term", "low", "high"), PUBLISHED_BANDS)
def test_each_band_has_the_published_range_and_its_midpoint(name, term, low, high):
    found = lookup(term, name)
    assert found == Term(term, low, high, pytest.approx((low + high) / 2), name)


def test_every_yardstick_is_fully_listed_in_order():
    for name, scale in YARDSTICKS.items():
        published = [row[1] for row in PUBLISHED_BANDS if row[0] == name]
        assert [band.term for band in scale.bands] == published
        assert scale.source  # the citation travels with the numbers


def test_every_point_value_is_a_usable_probability():
    for scale in YARDSTICKS.values():
        for band in scale.bands:
            assert 0.0 < band.point < 1.0
            assert band.low <= band.point <= band.high


@pytest.mark.parametrize("name", list(YARDSTICKS))
def test_every_band_term_and_synonym_reads_as_its_own_band(name):
    for band in YARDSTICKS[name].bands:
        for phrase in (band.term, *band.synonyms):
            assert lookup(phrase, name).term == band.term


@pytest.mark.parametrize(
    ("phrase", "icd203", "phia", "nato"),
    [
        ("remote", "almost no chance", "remote chance", "highly unlikely"),
        ("highly improbable", "very unlikely", "highly unlikely", "highly unlikely"),
        ("a realistic possibility", "roughly even chance", "realistic possibility", "even chance"),
        ("roughly even odds", "roughly even chance", "realistic possibility", "even chance"),
        ("probable", "likely", "likely", "likely"),
        ("highly likely", "very likely", "highly likely", "highly likely"),
        ("nearly certain", "almost certain", "almost certain", "highly likely"),
    ],
)
def test_a_phrase_means_the_same_rung_on_every_yardstick(phrase, icd203, phia, nato):
    readings = [lookup(phrase, name).term for name in ("icd203", "phia", "nato")]
    assert readings == [icd203, phia, nato]


@pytest.mark.parametrize(
    ("phrase", "band"),
    [
        ("will", "almost certain"),
        ("will continue to", "almost certain"),
        ("is expected to", "likely"),
        ("probably", "likely"),
        ("will probably", "likely"),
        ("will likely", "likely"),
        ("most likely", "likely"),
        ("certainly", "almost certain"),
        ("extremely unlikely", "almost no chance"),
        ("more likely than not", "likely"),
    ],
)
def test_phrases_outside_the_scales_have_one_decided_reading(phrase, band):
    assert lookup(phrase).term == band


def test_every_out_of_scale_reading_says_why():
    for phrase, (rung, reason) in OUT_OF_SCALE.items():
        assert PHRASES[phrase] == rung
        assert len(reason) > 10, phrase


@pytest.mark.parametrize(
    ("phrase", "band"),
    [
        ("will not", "almost no chance"),
        ("won't", "almost no chance"),
        ("almost certainly not", "almost no chance"),
        ("will almost certainly not", "almost no chance"),
        ("not likely", "unlikely"),
        ("is not likely to", "unlikely"),
        ("probably not", "unlikely"),
        ("will probably not", "unlikely"),
        ("is not expected to", "unlikely"),
        ("not unlikely", "likely"),
        ("very unlikely", "very unlikely"),
        ("is unlikely to", "unlikely"),
    ],
)
def test_negation_reads_the_mirror_band_but_negative_words_do_not(phrase, band):
    assert lookup(phrase).term == band


def test_will_not_is_remote_on_every_yardstick():
    assert [lookup("will not", name).term for name in YARDSTICKS] == [
        "almost no chance", "remote chance", "highly unlikely",
    ]


def test_complement_of_a_symmetric_scale_is_one_minus_the_point():
    for name in ("icd203", "nato"):
        for band in YARDSTICKS[name].bands:
            mirrored = complement(band.term, name)
            assert mirrored.point == pytest.approx(1 - band.point)
            assert (mirrored.low, mirrored.high) == pytest.approx((1 - band.high, 1 - band.low))


def test_complement_keeps_the_terms_own_yardstick():
    assert complement(lookup("likely", "phia")) == lookup("unlikely", "phia")
    assert complement("likely", "nato").yardstick == "nato"


@given(st.sampled_from([(name, band.term) for name, s in YARDSTICKS.items() for band in s.bands]))
def test_complement_twice_is_the_identity(pair):
    name, term = pair
    assert complement(complement(term, name)) == lookup(term, name)


@given(st.sampled_from(sorted(PHRASES)), st.sampled_from(sorted(PHRASES)),
       st.sampled_from(sorted(YARDSTICKS)))
def test_a_stronger_phrase_never_gets_a_smaller_number(first, second, name):
    if PHRASES[first] < PHRASES[second]:  # NATO's five bands merge rungs, so not strictly
        assert lookup(first, name).point <= lookup(second, name).point
    if PHRASES[first] < PHRASES[second] and name != "nato":
        assert lookup(first, name).point < lookup(second, name).point
    elif PHRASES[first] == PHRASES[second]:
        assert lookup(first, name) == lookup(second, name)


@pytest.mark.parametrize(
    ("probability", "name", "band"),
    [
        (0.03, "icd203", "almost no chance"),
        (0.7, "icd203", "likely"),
        (0.5, "nato", "even chance"),
        (0.52, "phia", "realistic possibility"),  # in the gap between 50 and 55 %: nearest band
        (0.06, "phia", "remote chance"),
        (0.09, "phia", "highly unlikely"),
        (0.0, "phia", "remote chance"),
        (1.0, "nato", "highly likely"),
    ],
)
def test_band_for_finds_the_band_holding_a_number(probability, name, band):
    assert band_for(probability, name).term == band


def test_band_for_refuses_a_number_outside_zero_to_one():
    with pytest.raises(ValueError, match="outside"):
        band_for(1.2)


@pytest.mark.parametrize("phrase", [*VAGUE_HEDGES, "banana", ""])
def test_hedges_and_nonsense_have_no_number(phrase):
    with pytest.raises(UnknownTermError):
        lookup(phrase)


@pytest.mark.parametrize(("given_name", "name"),
                         [("ICD 203", "icd203"), ("PHIA", "phia"), ("NATO", "nato"),
                          ("AJP-2.1", "nato"), ("icd203", "icd203")])
def test_yardstick_names_are_forgiving_about_case_and_punctuation(given_name, name):
    assert yardstick(given_name).name == name


def test_an_unknown_yardstick_is_refused_with_the_choices():
    with pytest.raises(UnknownYardstickError, match="icd203, phia, nato"):
        lookup("likely", "kent")


def test_default_yardstick_is_icd203():
    assert estimative.DEFAULT_YARDSTICK == "icd203"
    assert lookup("likely") == lookup("likely", "icd203")


def test_known_phrases_put_longer_phrases_first_so_regexes_match_whole_phrases():
    phrases = known_phrases()
    assert set(phrases) == set(PHRASES)
    assert phrases.index("very unlikely") < phrases.index("unlikely")
    assert phrases.index("almost certainly") < phrases.index("certainly")
