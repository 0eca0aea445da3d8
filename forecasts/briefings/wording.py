"""Wording: from a reading to a yes/no question title and its resolution criteria."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from forecasts.briefings.gazetteer import gazetteer
from forecasts.briefings.judgments import Condition
from forecasts.briefings.sentences import ABBREVIATIONS

CONTINUING = re.compile(r"^(?:continue|remain|stay|keep|persist|endure|last|hold\s+out)\b",
                        re.IGNORECASE)

_VERBS = frozenset((
    "accept", "achieve", "acquire", "advance", "agree", "align", "allow", "annex", "announce",
    "approve", "arm", "arrest", "attack", "attempt", "back", "ban", "become", "begin", "block",
    "bomb", "borrow", "boycott", "break", "bring", "build", "call", "cancel", "cap", "capture",
    "cease", "change", "clash", "close", "collapse", "commit", "complete", "conduct", "confront",
    "continue", "control", "cooperate", "coordinate", "cross", "cut", "deal", "declare", "default",
    "defeat", "defend", "deliver", "deny", "deploy", "destroy", "deteriorate", "detonate",
    "devalue", "die", "disrupt", "dissolve", "do", "drop", "ease", "elect", "embargo", "emerge",
    "end", "enforce", "engage", "enter", "erupt", "escalate", "establish", "evacuate", "exit",
    "expand", "expel", "extend", "face", "fail", "fall", "fight", "fire", "flee", "follow", "form",
    "fracture", "free", "freeze", "gain", "give", "go", "grant", "grow", "halt", "hand", "have",
    "hike", "hit", "hold", "host", "impose", "improve", "increase", "intensify", "intervene",
    "introduce",
    "invade", "invest", "invoke", "join", "kill", "launch", "lead", "leave", "lift", "loosen",
    "lose", "maintain", "make", "meet", "merge", "mobilise", "mobilize", "move", "nationalise",
    "nationalize", "negotiate", "normalise", "normalize", "occupy", "offer", "open", "order",
    "oust", "overthrow", "pass", "pay", "permit", "prompt", "protest", "provide", "provoke", "pull",
    "push", "quit", "raise", "ratify", "reach", "rebel", "recapture", "recognise", "recognize",
    "reconcile", "recover", "reduce", "reform", "reject", "rejoin", "release", "remain", "remove",
    "renew", "reopen", "replace", "resign", "resist", "respond", "restart", "restore", "restrict",
    "resume", "retake", "retaliate", "retreat", "return", "revoke", "riot", "rise", "sanction",
    "secure", "seize", "sell", "send", "sever", "shift", "shoot", "shut", "sign", "sink", "split",
    "spread", "stabilise", "stabilize", "stage", "start", "stay", "step", "stop", "strike",
    "succeed", "supply", "support", "surrender", "suspend", "take", "target", "test", "threaten",
    "tighten", "topple", "trade", "trigger", "unite", "use", "utilise", "utilize", "veto",
    "violate", "vote", "wage", "win", "withdraw", "worsen", "yield",
))
# Verbs ending in a silent e that briefings often put in the past ("postponed", "declined"):
# their -ed form cannot be told from one without an e ("opened") by spelling alone.
_VERBS = _VERBS | frozenset((
    "postpone", "cede", "combine", "decline", "define", "determine", "examine", "finalise",
    "finalize", "include", "indicate", "invite", "legalise", "legalize", "legislate", "oppose",
    "persuade", "privatise", "privatize", "promote", "pursue", "retire", "revise", "sabotage",
    "subside", "terminate", "waive", "welcome", "outline", "underline", "undermine", "provoke",
    "engage", "reshuffle", "devolve", "resolve", "involve", "evolve", "conclude", "delegate",
))
_IRREGULAR = {
    "took": "take", "struck": "strike", "fell": "fall", "began": "begin", "broke": "break",
    "held": "hold", "left": "leave", "lost": "lose", "made": "make", "sent": "send",
    "shot": "shoot", "withdrew": "withdraw", "became": "become", "brought": "bring",
    "built": "build",
    "fought": "fight", "gave": "give", "grew": "grow", "led": "lead", "met": "meet", "paid": "pay",
    "rose": "rise", "sold": "sell", "sank": "sink", "went": "go", "did": "do", "does": "do",
    "has": "have", "had": "have", "won": "win", "goes": "go", "froze": "freeze", "fled": "flee",
    "sought": "seek", "spoke": "speak", "wrote": "write", "bought": "buy", "caught": "catch",
    "chose": "choose", "drove": "drive", "overthrew": "overthrow", "threw": "throw",
    "forgave": "forgive", "rode": "ride", "stood": "stand", "told": "tell", "thought": "think",
}
_AUX_BE = {"is", "are", "was", "were"}
_AUXILIARIES = _AUX_BE | {"has", "have", "had", "will", "would", "can", "could", "may", "might"}
_DEFINITE = re.compile(r"^(?:the|this|that|these|those|its|their|his|her|our)\b|^\S+['’]s\b",
                       re.IGNORECASE)


def trim(text: str) -> str:
    """The text without surrounding spaces, clause punctuation or a closing full stop."""
    return text.strip().strip(",;:").strip().rstrip(".!?").strip()


def _base_form(word: str) -> str | None:
    """The base form of a known verb in -s, -es, -ies, -ed or -ing form (or already base)."""
    lower = word.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    candidates = [lower]
    if lower.endswith("ing"):
        stem = lower[:-3]
        candidates += [stem, stem + "e", stem[:-1]]
    elif lower.endswith("ied"):
        candidates.append(lower[:-3] + "y")
    elif lower.endswith("ed"):
        candidates += [lower[:-2], lower[:-1], lower[:-3]]
    elif lower.endswith("ies"):
        candidates.append(lower[:-3] + "y")
    elif lower.endswith("s"):
        candidates += [lower[:-1], lower[:-2]]
    return next((c for c in candidates if c in _VERBS), None)


def clause_question(clause: str) -> tuple[str, str | None] | None:
    """(subject, base-form verb phrase) for a finite clause such as 'Russia uses WMDs'."""
    words = clause.split()
    will = next((i for i, w in enumerate(words) if w.lower() == "will"), None)
    if will:
        return " ".join(words[:will]), " ".join(words[will + 1:])
    for index in range(1, len(words)):
        word = words[index]
        if not word[:1].islower():
            continue
        if word in ("were", "was") and index + 1 < len(words) and words[index + 1] == "to":
            # "if Minsk were to free them": the subjunctive asks "Will Minsk free them"
            return " ".join(words[:index]), " ".join(words[index + 2:])
        if word in _AUX_BE:
            return " ".join(words[:index]), " ".join(["be", *words[index + 1:]])
        if words[index - 1].lower() in _DETERMINERS:  # "the strike spreads": a noun after "the"
            continue
        base = _base_form(word)
        following = words[index + 1] if index + 1 < len(words) else ""
        if base is None and _unlisted_present(words, index):
            # "the coalition survives until the vote": an unlisted verb in -s before any listed
            # one, followed by a function word, is the clause's verb.
            return _guessed_clause(words)
        # "drone strikes hit ports": the noun-like "strikes" is not the verb; "remains open" is.
        noun_like = word.endswith("s") and _base_form(following) == following.lower() \
            and base not in _COPULAR
        # "the price cap is extended": a bare form before the clause's own auxiliary is a noun
        noun_like = noun_like or (base == word.lower() and following.lower() in _AUXILIARIES)
        # "Snap vote in Varna": one singular word and a bare form is a noun phrase, not a clause
        noun_like = noun_like or _noun_after_one_word(words, index)
        # "the dock strike spreads": a bare form before an inflected verb is part of the noun.
        following_base = _base_form(following)
        noun_like = noun_like or (base == word.lower() and following_base is not None
                                  and following_base != following.lower()
                                  and following.lower().endswith("s"))
        if base and not noun_like:
            return " ".join(words[:index]), " ".join([base, *words[index + 1:]])
    return _guessed_clause(words)


_DETERMINERS = frozenset(("the", "a", "an", "this", "that", "these", "those", "its", "their",
                          "his", "her", "our", "any", "some", "no", "every", "each"))
_COPULAR = frozenset(("remain", "stay", "become", "grow", "turn", "prove", "keep"))
_NOT_VERBS = frozenset((
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "with", "and", "or", "new", "more",
    "its", "their", "his", "her", "our", "this", "that", "these", "those", "other", "further",
    "main", "local", "foreign", "armed", "ruling", "national", "federal", "regional", "own",
))


_FUNCTION_WORDS = frozenset(("until", "before", "by", "after", "during", "from", "into", "over",
                             "within", "through", "in", "on", "at", "to", "for", "with", "the",
                             "a", "an", "its", "their", "his", "her", "our", "this", "that",
                             "again", "soon", "later"))


def _unlisted_present(words: list[str], index: int) -> bool:
    """Whether ``words[index]`` reads as a present-tense verb the list does not know: an -s form
    after a singular word, before a function word ("fines the", "survives until")."""
    word, before = words[index], words[index - 1]
    following = words[index + 1].lower() if index + 1 < len(words) else ""
    return (word.isalpha() and word.endswith("s") and not word.endswith("ss")
            and not before.endswith("s") and before.lower() not in _DETERMINERS
            and (following in _FUNCTION_WORDS or not following))


def _noun_after_one_word(words: list[str], index: int) -> bool:
    """"Snap vote in Varna": after one singular word a bare form followed by a preposition (or
    nothing) is a noun, not a verb (a singular subject's present verb ends in -s). "Hamas
    release the hostages", with an object, stays a clause."""
    word, first = words[index].lower(), words[0].lower()
    following = words[index + 1].lower() if index + 1 < len(words) else ""
    return index == 1 and not word.endswith(("s", "ed")) and word not in _IRREGULAR \
        and following in ("", "in", "on", "at", "of", "for", "over", "by", "from", "with") \
        and word not in _SAME_IN_THE_PAST and not first.endswith("s") \
        and first not in ("they", "we", "you", "i")


# Verbs whose past is their base form: "if Kyiv cut the tariff" is a clause.
_SAME_IN_THE_PAST = frozenset(("cut", "put", "hit", "set", "let", "shut", "quit", "spread", "bid",
                               "cast", "split", "shed", "cost", "hurt", "upset", "broadcast"))


# Endings of nouns, not of verbs: "a Serbian recognition of Kosovo" has no verb to guess.
_NOUN_SUFFIX = re.compile(r"(?:tions?|sions?|ness|ity|ities|ances?|ences?|ships?|isms?)$")


def _guessed_clause(words: list[str]) -> tuple[str, str] | None:
    """An unlisted verb: the first lower-case word after the subject ("donors fund the
    mission", "Yerevan amends its constitution"), in its base form."""
    for index in range(1, len(words)):
        word = words[index]
        if not word[:1].islower() or word.lower() in _NOT_VERBS or not word.isalpha() \
                or _NOUN_SUFFIX.search(word) or _noun_after_one_word(words, index):
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        # "the regulator fines them": a word after a determiner is a noun; "the new coalition
        # survives": a singular word before an -s word is the noun, the -s word its verb.
        if words[index - 1].lower() in _DETERMINERS or (
                not word.endswith("s") and not words[index - 1].endswith("s")
                and following[:1].islower() and following.isalpha() and following.endswith("s")
                and following.lower() not in _NOT_VERBS):
            continue
        if word.endswith("s") and following[:1].islower() and following.isalpha() \
                and not following.endswith("s") and following.lower() not in _NOT_VERBS \
                and following.lower() not in _FUNCTION_WORDS and not _NOUN_SUFFIX.search(following):
            continue  # "factions raid the base": a plural noun, then its verb
        base = _unlisted_past(word) if word.endswith("ed") else \
            word[:-3] + "y" if word.endswith("ies") else \
            word[:-2] if re.search(r"(?:ss|sh|ch|x|z|o)es$", word) else \
            word[:-1] if word.endswith("s") and not word.endswith("ss") else word
        return " ".join(words[:index]), " ".join([base, *words[index + 1:]])
    return None


def _unlisted_past(word: str) -> str:
    """The base form of an unlisted verb in the past ("freed", "stopped", "escalated"): a
    question asks in the present what a subjunctive past ("we would be surprised if X freed
    them") or a condition ("if X stopped") says."""
    lower = word.lower()
    if lower.endswith("ied"):
        return lower[:-3] + "y"
    if lower.endswith("eed"):
        return lower[:-1]
    stem = lower[:-2]
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    if stem[-1:] in ("c", "s", "v", "z", "u", "g") or re.search(r"[^aeiou]at$", stem):
        return stem + "e"
    # one syllable ending consonant-vowel-consonant drops a silent e: "fined", "ruled", "timed"
    if len(re.findall(r"[aeiou]+", stem)) == 1 and re.search(r"[^aeiou][aeiou][^aeiouwxy]$", stem):
        return stem + "e"
    return stem


_NEGATED_VP = re.compile(r"^(?P<aux>(?:do|did|does|be|have|has|had)\s+)?(?:not|never)\s+"
                         r"(?P<rest>\S.*)$", re.IGNORECASE)


def positive_vp(vp: str) -> tuple[str, bool]:
    """(the positive verb phrase, whether it was negated): "not sign the accord", "do not
    reopen", "be not lifted", "have not signed" ask whether X signs, reopens, is lifted."""
    match = _NEGATED_VP.match(vp.strip())
    if match is None:
        return vp, False
    aux, rest = (match["aux"] or "").strip().lower(), match["rest"]
    if aux == "be":
        return f"be {rest}", True
    if aux in ("have", "has", "had"):
        first, _, tail = rest.partition(" ")
        base = _base_form(first) or (_unlisted_past(first) if first.endswith("ed") else first)
        return f"{base} {tail}".strip(), True
    return rest, True


def gerund_question(phrase: str) -> tuple[str, str | None]:
    """(subject, verb phrase) for 'Russia utilising WMDs'; (phrase, None) for a noun phrase."""
    words = trim(phrase).split()
    for index in range(1, len(words)):
        if _modifier_participle(words, index):
            continue
        if words[index].lower().endswith("ing") and (base := _base_form(words[index])
                                                      or _unlisted_gerund(words, index)):
            return " ".join(words[:index]), " ".join([base, *words[index + 1:]])
    return phrase, None


# Words that modify a gerund as a noun ("renewed fighting", "heavy shelling"): no subject.
_GERUND_MODIFIERS = frozenset(("new", "fresh", "further", "more", "heavy", "heavier", "major",
                               "large-scale", "widespread", "sustained", "open", "direct"))


def _modifier_participle(words: list[str], index: int) -> bool:
    """Whether the -ing word at ``index`` is part of a noun phrase, not its verb: a participle
    before its noun while a later -ing word is the verb ("the governing coalition collapsing"),
    or a gerund after modifiers only ("renewed fighting on the border")."""
    word = words[index].lower()
    if not word.endswith("ing"):
        return False
    following = words[index + 1] if index + 1 < len(words) else ""
    later_gerund = any(w.lower().endswith("ing") for w in words[index + 2:])
    if later_gerund and following[:1].islower() and following.isalpha() \
            and following.lower() not in _FUNCTION_WORDS:
        return True
    return all(w.lower().endswith("ed") or w.lower() in _GERUND_MODIFIERS
               for w in words[:index])


def _unlisted_gerund(words: list[str], index: int) -> str | None:
    """The base form of an -ing verb the list does not know, right after a named subject
    ("Denmark awarding", "Riga's mayor hosting"): doubled consonants undone ("stopping"), an
    "e" restored after c, s, v or z ("raising", "forcing"), which English verbs do not end in."""
    word, before = words[index].lower(), words[index - 1]
    if not (word.isalpha() and len(word) > 5 and (before[:1].isupper() or index > 1)
            and before.lower() not in _DETERMINERS and before.lower() not in _NOT_VERBS):
        return None
    stem = word[:-3]
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    return stem + "e" if stem[-1] in "csvz" else stem


@dataclass(frozen=True)
class Casing:
    """Proper nouns seen mid-sentence in the briefing keep their capital at a question's start."""

    proper: frozenset[str]

    def lower_first(self, text: str) -> str:
        first, _, rest = text.partition(" ")
        keep = (first in self.proper or (len(first) > 1 and first.isupper())
                or first.lower().rstrip(".") in ABBREVIATIONS
                or bool(gazetteer()[0].match(text)) or any(ch.isupper() for ch in first[1:])
                # "Gdańsk", "Świnoujście": English common words do not carry diacritics
                or (first[:1].isupper() and not first.isascii()))
        return text if keep or not first else f"{first[0].lower()}{first[1:]} {rest}".rstrip()


def casing_of(text: str) -> Casing:
    """The words ``text`` capitalises mid-sentence: its proper nouns."""
    found = re.findall(r"(?<=[a-z,;:] )([A-Z][\w'’-]+)", text)
    return Casing(frozenset(found))


def question_title(subject: str, vp: str | None, rest: str, deadline: str) -> str:
    """'Will X do Y before D?', or about a noun phrase 'Will there be X before D?'"""
    if vp is not None:
        body = f"{subject} {vp}".strip()
    elif _DEFINITE.match(subject):
        body = f"{subject}{rest} happen".strip()
    else:
        body = f"there be {with_article(subject)}{rest}".strip()
    # "Will there be X, including Y and Z, before D?": close an NP's aside before the deadline.
    joiner = ", " if vp is None and "," in subject else " "
    # No deadline at all (a draft whose date a manager sets): the question ends at its body.
    return f"Will {trim(body)}{joiner}{deadline}?" if deadline else f"Will {trim(body)}?"


# Nouns that take no article ("there be unrest"): mass nouns briefings name as events.
_MASS_NOUNS = frozenset(("unrest", "violence", "progress", "inflation", "aid", "support",
                         "funding", "evidence", "peace", "famine", "fighting", "shelling",
                         "flooding", "action", "escalation", "intervention", "recognition",
                         "agreement", "consensus", "interference", "disruption", "damage",
                         "sabotage", "trade", "growth", "investment", "debt", "repression",
                         "fraud", "conscription", "mobilisation", "mobilization", "rationing",
                         "looting", "piracy", "terrorism", "bloodshed", "instability"))
_HEAD_END = re.compile(r"\s(?:of|in|on|at|for|with|between|among|from|by|over|against|into|"
                       r"across|to|near|along|around|within|after|before|during)\s", re.IGNORECASE)


def with_article(noun_phrase: str) -> str:
    """A bare singular noun phrase with its indefinite article, as a label drops it ("Snap
    presidential vote in X: 10%" asks whether there will be *a* snap presidential vote); a
    plural, a mass noun, a name or a phrase with its own determiner is left as it is."""
    words = noun_phrase.split()
    if not words or not words[0][:1].islower() or words[0].lower() in _DETERMINERS \
            or words[0][:1].isdigit() or words[0].lower() in ("another", "both", "all", "two"):
        return noun_phrase
    head = _HEAD_END.split(f" {noun_phrase} ", maxsplit=1)[0].split()
    noun = head[-1].lower().strip(",;:") if head else ""
    if not noun.isalpha() or noun.endswith(("s", "ing")) or noun in _MASS_NOUNS \
            or any(w[:1].isupper() for w in head[1:]):
        return noun_phrase
    article = "an" if words[0][0].lower() in "aeio" else "a"
    return f"{article} {noun_phrase}"


def deadline_phrase(vp: str | None, closes_at: date) -> str:
    """"until D" for a state that continues ("remain", "last"), else "before D"."""
    word = "until" if vp and CONTINUING.match(vp) else "before"
    return f"{word} {closes_at.isoformat()}"


def criteria_for(question: str, source: str | None, quote: str, closes_at: date,
                condition: Condition | None, continuing: bool, horizon: str | None = None, *,
                publication: str | None = None, dated: bool = True) -> str:
    """Resolution criteria for a drafted question: what counts as YES by when, the question,
    the quoted sentence (the publication's own words, ``source`` only what it drew from), the
    condition that annuls it, and the horizon phrase as written when it named no computable
    date. ``dated`` False: the close date is still to be set, so the criteria name no date."""
    when = closes_at.isoformat() if dated else "the close date"
    test = (f"the state it describes still holds on {when}" if continuing
            else f"the event it describes happens before {when}")
    criteria = (f"Resolves YES if credible public reporting shows that {test}; otherwise NO. "
                f"Question: {question} Prefilled from {prefilled_from(publication, source)}: "
                f"\u201c{quote}\u201d")
    if condition is not None:
        met = "happens" if condition.negated else "has not happened"
        criteria += (f" Conditional: annulled if the condition "
                     f"(\u201c{condition.text}\u201d) {met} before {when}.")
    if horizon:
        criteria += (f" The briefing's horizon was \u201c{horizon}\u201d: check the close date "
                     "matches it.")
    return criteria


def prefilled_from(publication: str | None, source: str | None) -> str:
    """Whose words a quoted judgment is: the publication's, drawing from the cited source
    ("The Baltic Ledger (drawing from Yle)"); the cited source never speaks for it."""
    who = publication or "the briefing"
    return f"{who} (drawing from {source})" if source else who
