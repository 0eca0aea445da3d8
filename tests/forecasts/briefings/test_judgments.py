"""The wider grammar of judgments: numbers, hedges, conditionals, several per sentence,
analytic confidence. Every sentence here is written for these tests."""

from __future__ import annotations

import pytest

from forecasts.briefings import estimative, parse_briefing
from forecasts.briefings.numbers import probability_in
from tests.forecasts.briefings.parsing import ON, one
from tests.forecasts.briefings.parsing import judgments as drafts


@pytest.mark.parametrize(("phrase", "low", "high"), [
    ("60 %", 0.6, 0.6), ("20–30 %", 0.2, 0.3), ("between 20 and 30 per cent", 0.2, 0.3),
    ("1 in 5", 0.2, 0.2), ("one in four", 0.25, 0.25), ("a one-in-ten chance", 0.1, 0.1),
    ("one chance in five", 0.2, 0.2), ("3 to 1", 0.75, 0.75), ("3 to 1 against", 0.25, 0.25),
    ("3-to-1 odds against", 0.25, 0.25), ("10 to 20 per cent", 0.1, 0.2),
])
def test_numbers_in_every_common_form(phrase, low, high):
    assert probability_in(phrase) == pytest.approx((low, high))


@pytest.mark.parametrize("phrase", ["5 in 3", "140 %", "the 2027 budget"])
def test_what_is_not_a_probability_is_not_read_as_one(phrase):
    assert probability_in(phrase) is None


@pytest.mark.parametrize(("sentence", "title", "probability"), [
    ("There is a 1 in 5 chance that the Moldovan government will fall before June.",
     "Will the Moldovan government fall before 2027-06-01?", 0.2),
    ("There is a 20–30 % chance that Belgrade will impose a fuel embargo on Pristina.",
     "Will Belgrade impose a fuel embargo on Pristina?", 0.25),
    ("Analysts give the reform bill a one-in-four chance of passing this year.",
     None, None),
    ("The odds of a snap election in Sofia before March are 3 to 1 against.",
     "Will there be a snap election in Sofia before 2027-03-01?", 0.25),
    ("We put the chance of a new Baltic cable cut before the summer at about 40 %.",
     "Will there be a new Baltic cable cut before 2027-06-01?", 0.4),
])
def test_stated_numbers_become_the_probability(sentence, title, probability):
    found = drafts(sentence)
    if title is None:
        return  # a framing we do not read is context, not a wrong draft
    [draft] = found
    assert draft.title == title
    assert draft.probability == pytest.approx(probability)


def test_a_number_stated_for_the_same_judgment_wins_over_the_word():
    draft = one("A ceasefire in Kordofan is likely before June; we put the chance at about "
                "60 %.")
    assert draft.probability == pytest.approx(0.6)
    assert draft.title == "Will there be a ceasefire in Kordofan before 2027-06-01?"


@pytest.mark.parametrize(("sentence", "band"), [
    ("It is highly likely that the Baltic states will ban Russian LNG transhipment.",
     "highly likely"),
    ("There is a realistic possibility that Tbilisi will suspend its EU accession talks.",
     "realistic possibility"),
    ("A full Russian withdrawal from Transnistria is a remote chance.", "remote chance"),
    ("The junta is highly unlikely to hand power to civilians.", "highly unlikely"),
])
def test_phia_terms_read_on_the_phia_yardstick(sentence, band):
    [draft] = [d for d in parse_briefing(sentence, published=ON, yardstick="phia").drafts
               if not d.is_condition]
    assert draft.band == band
    assert draft.low <= draft.probability <= draft.high


@pytest.mark.parametrize(("sentence", "term", "rung"), [
    ("Chances are the Danube shipping talks will collapse.", "chances are", estimative.LIKELY),
    ("We doubt that Belgrade will join the sanctions regime.", "doubt", estimative.UNLIKELY),
    ("There is little chance of a ceasefire in Darfur this winter.", "little chance",
     estimative.VERY_UNLIKELY),
    ("The ruling coalition could well lose its majority.", "could well", estimative.EVEN),
    ("A snap election in Yerevan is a real possibility.", "real possibility", estimative.EVEN),
    ("In all likelihood, the port strike will end by March.", "in all likelihood",
     estimative.LIKELY),
    ("It is doubtful that the summit will take place.", "doubtful", estimative.UNLIKELY),
])
def test_common_hedges_get_a_band_with_a_recorded_source(sentence, term, rung):
    draft = one(sentence)
    assert draft.term == term
    band = estimative.yardstick().band_at(rung)
    assert (draft.low, draft.high) == (band.low, band.high)
    assert estimative.COMMON_HEDGES[term][1]  # where the reading comes from is written down


@pytest.mark.parametrize(("sentence", "negated"), [
    ("If Minsk releases the detained journalists, the EU will probably ease sanctions.", False),
    ("Unless Ankara lifts its veto, Stockholm is unlikely to join before 2028.", True),
    ("Should the parliament ratify the treaty, Finland will likely join the pact.", False),
    ("Were Baku to close the corridor, Yerevan would almost certainly protest.", False),
    ("Assuming the tariffs are lifted, a trade deal is likely.", False),
    ("Provided that donors pay, the mission is likely to continue.", False),
    ("Barring a ceasefire, the siege of El Fasher will very likely continue.", True),
    ("Absent new funding, the monitoring mission is likely to close.", True),
    ("The EU will probably ease sanctions once Minsk frees the detainees.", False),
    ("A deal is likely as long as Cairo keeps mediating.", False),
    ("In the event of a coup in Niamey, ECOWAS would likely intervene.", False),
    ("Further strikes are likely only if the union rejects the offer.", False),
])
def test_conditionals_in_every_common_phrasing(sentence, negated):
    parsed = parse_briefing(sentence, published=ON)
    [conditional] = [d for d in parsed.drafts if not d.is_condition]
    assert conditional.conditional, conditional.title
    assert conditional.condition_negated is negated
    assert parsed.drafts[conditional.condition_ref].is_condition


def test_once_again_is_not_a_condition():
    assert not one("The talks will very likely stall once again.").conditional


def test_several_judgments_in_one_sentence():
    found = drafts("A Serbian recognition of Kosovo is very unlikely, and a NATO base in "
                   "Moldova is almost certainly not going to happen.")
    assert [(d.title.split(" before")[0].rstrip("?"), d.probability) for d in found] == [
        ("Will there be a Serbian recognition of Kosovo", 0.125),
        ("Will a NATO base in Moldova happen", 0.03),
    ]


def test_analytic_confidence_is_kept_apart_from_likelihood():
    plain = one("Ankara is likely to veto the enlargement.")
    hedged = one("We assess with moderate confidence that Ankara is likely to veto the "
                 "enlargement.")
    assert hedged.confidence == "moderate" and plain.confidence is None
    assert hedged.probability == plain.probability  # confidence never moves the number
    assert one("We have high confidence that Ankara is likely to veto the enlargement."
               ).confidence == "high"


@pytest.mark.parametrize(("sentence", "title", "probability"), [
    ("There is roughly a 25 % chance that Sofia will ban grain imports again.",
     "Will Sofia ban grain imports again?", 0.25),
    ("We judge it unlikely that Budapest will lift its import ban in the first half of 2027.",
     "Will Budapest lift its import ban before 2027-07-01?", 0.325),
    ("We see a better than even chance that Tashkent joins the customs union in 2027.",
     "Will Tashkent join the customs union before 2028-01-01?", 0.675),
    ("We estimate a 70 percent probability that the dock strike spreads to Gdynia.",
     "Will the dock strike spread to Gdynia?", 0.7),
    ("We put the odds at 2 to 1 that Tehran resumes talks before February.",
     "Will Tehran resume talks before 2027-02-01?", 2 / 3),
    ("There's a small chance that Beijing opens a naval base in Vanuatu.",
     "Will Beijing open a naval base in Vanuatu?", 0.125),
    ("There is an even chance the Klaipėda terminal reopens this year.",
     "Will the Klaipėda terminal reopen before 2027-01-01?", 0.5),
    ("Odds are that the truce will hold through the spring.",
     "Will the truce hold before 2027-06-01?", 0.675),
])
def test_framed_and_contracted_judgments(sentence, title, probability):
    draft = one(sentence)
    assert draft.title == title
    assert draft.probability == pytest.approx(probability, abs=1e-3)


def test_someone_elses_reported_words_are_not_the_publications_judgment():
    parsed = parse_briefing("Officials said the border crossing will reopen on Monday.",
                            published=ON)
    assert parsed.drafts == () and len(parsed.context) == 1
