"""The kinds of judgment a fresh trial found missed or mis-read: odds in any word order, hedges
over a negated clause, inverted "only if", labels with numbers, second judgments after
"although", stated-number clauses and subjunctives in titles, analytic confidence per judgment,
and numbers that are not terms (deadlines: test_deadline_kinds.py). Every sentence is written
here."""

from __future__ import annotations

import pytest

from forecasts.briefings.numbers import probability_in, words_only
from tests.forecasts.briefings.parsing import judgments, one

DEFAULT = "2027-05-27"


# ------------------------------------------------------------------------------- 1. odds

@pytest.mark.parametrize(("sentence", "title", "probability"), [
    ("The odds are 3 to 1 against the Latvian coalition surviving the budget vote.",
     "Will the Latvian coalition survive the budget vote?", 0.25),
    ("The odds are 4 to 1 against Hungary vetoing the sanctions package.",
     "Will Hungary veto the sanctions package?", 0.2),
    ("We give odds of 3 to 1 against a snap election in Prague before June.",
     "Will there be a snap election in Prague before 2027-06-01?", 0.25),
    ("We give odds of 4 to 1 that Vilnius will close the border crossing.",
     "Will Vilnius close the border crossing?", 0.8),
    ("We give odds of 4 to 1 that Vilnius will not close the border crossing.",
     "Will Vilnius close the border crossing?", 0.2),
    ("The odds are 2-to-1 on that the strike spreads to Gdańsk.",
     "Will the strike spread to Gdańsk?", 2 / 3),
    ("The odds now stand at 3 to 1 in favour of Tirana joining the scheme.",
     "Will Tirana join the scheme?", 0.75),
    ("Analysts quote 5-to-1 odds against a Slovak veto.",
     "Will there be a Slovak veto?", 1 / 6),
    ("A snap poll in Zagreb is 3-to-1 against.",
     "Will there be a snap poll in Zagreb?", 0.25),
    ("The odds of Skopje adopting the euro are 5 to 1 on.",
     "Will Skopje adopt the euro?", 5 / 6),
])
def test_odds_in_every_word_order(sentence, title, probability):
    draft = one(sentence)
    assert draft.title == title
    assert draft.probability == pytest.approx(probability, abs=1e-4)
    assert draft.term is None  # a number, not a word: no term record


@pytest.mark.parametrize(("sentence", "title", "low", "high"), [
    ("A deal on the port lease is odds-on.",
     "Will there be a deal on the port lease?", 0.55, 0.80),
    ("It is odds-on that Ankara will extend the grain corridor.",
     "Will Ankara extend the grain corridor?", 0.55, 0.80),
    ("The odds are even that Chisinau will hold a referendum before June.",
     "Will Chisinau hold a referendum before 2027-06-01?", 0.45, 0.55),
    ("It is evens whether the tariff is lifted.",
     "Will the tariff be lifted?", 0.45, 0.55),
    ("We see even odds that the parliament will ratify the treaty.",
     "Will the parliament ratify the treaty?", 0.45, 0.55),
    ("The odds are even that Riga will not renew the licence.",
     "Will Riga renew the licence?", 0.45, 0.55),
])
def test_odds_in_words_are_hedges_on_the_ladder(sentence, title, low, high):
    draft = one(sentence)
    assert draft.title == title
    assert low <= draft.probability <= high


@pytest.mark.parametrize(("sentence", "title", "low", "high"), [
    ("The odds are against a Syrian return to the Arab League.",
     "Will there be a Syrian return to the Arab League?", 0.20, 0.45),
    ("The odds are heavily against a breakthrough in the Cyprus talks.",
     "Will there be a breakthrough in the Cyprus talks?", 0.05, 0.20),
    ("The odds are stacked against Kosovo joining the Council of Europe.",
     "Will Kosovo join the Council of Europe?", 0.05, 0.20),
    ("The odds favour a Likud-led coalition.",
     "Will there be a Likud-led coalition?", 0.55, 0.80),
    ("The odds are strongly in favour of Tirana hosting the summit.",
     "Will Tirana host the summit?", 0.80, 0.95),
    ("We give the merger a one-in-five chance of clearing the regulator.",
     "Will the merger clear the regulator?", 0.20, 0.20),
    ("We give the reform little chance of passing the senate.",
     "Will the reform pass the senate?", 0.05, 0.20),
    ("It is a coin toss whether the strike ends before Christmas.",
     "Will the strike end before 2026-12-25?", 0.45, 0.55),
    ("There is next to no chance that Pyongyang will denuclearise.",
     "Will Pyongyang denuclearise?", 0.01, 0.05),
    ("Prospects for a deal by the end of this quarter are slim.",
     "Will there be a deal before 2027-01-01?", 0.05, 0.20),
])
def test_odds_and_chances_in_words(sentence, title, low, high):
    draft = one(sentence)
    assert draft.title == title
    assert low - 1e-9 <= draft.probability <= high + 1e-9


@pytest.mark.parametrize(("phrase", "p"), [
    ("3-to-1 on", 0.75), ("3 to 1 in favour", 0.75), ("4 to 1 against", 0.2),
    ("odds of 9 to 1 against", 0.1), ("two-to-one against", 1 / 3),
])
def test_odds_sides_read_both_ways(phrase, p):
    assert probability_in(phrase) == pytest.approx((p, p))


def test_odds_that_are_not_a_judgment_are_not_read():
    assert judgments("The ministers were at odds with each other over the grain levy.") == []


# ------------------------------------------------------------------ 2. negated hedges

@pytest.mark.parametrize(("sentence", "title", "low", "high"), [
    # "chances are" is the likely band (55-80 %): over "will not" it is its complement
    ("Chances are that Yerevan will not sign the accord before March.",
     "Will Yerevan sign the accord before 2027-03-01?", 0.20, 0.45),
    ("Chances are the pipeline will not reopen this winter.",
     "Will the pipeline reopen before 2027-03-01?", 0.20, 0.45),
    ("In all likelihood the ferry service will not resume before April.",
     "Will the ferry service resume before 2027-04-01?", 0.20, 0.45),
    # "we doubt" is unlikely: doubting a "not" is the likely band
    ("We doubt that Baku will not retaliate.",
     "Will Baku retaliate?", 0.55, 0.80),
    ("Likely: the regulator will not approve the merger.",
     "Will the regulator approve the merger?", 0.20, 0.45),
    ("We would be surprised if Minsk did not free the journalists before June.",
     "Will Minsk free the journalists before 2027-06-01?", 0.55, 0.80),
    ("We estimate a 70 % probability that the dockers will not return to work.",
     "Will the dockers return to work?", 0.30, 0.30),
    ("There is a 1 in 4 chance that the mill does not reopen.",
     "Will the mill reopen?", 0.75, 0.75),
])
def test_a_hedge_over_a_negated_clause_asks_the_positive_question_inverted(sentence, title,
                                                                           low, high):
    draft = one(sentence)
    assert draft.title == title
    assert low - 1e-9 <= draft.probability <= high + 1e-9
    assert draft.negated is True


# ------------------------------------------------------------- 3. missed phrasings

@pytest.mark.parametrize(("sentence", "condition", "title"), [
    ("Only if Belgrade recognises Kosovo is an EU accession deal likely.",
     "Belgrade recognises Kosovo",
     "If Belgrade recognises Kosovo, will there be an EU accession deal?"),
    ("Only if the tariff is lifted are exports likely to recover before June.",
     "the tariff is lifted",
     "If the tariff is lifted, will exports recover before 2027-06-01?"),
    ("Only if Minsk releases the prisoners will Brussels probably ease sanctions.",
     "Minsk releases the prisoners",
     "If Minsk releases the prisoners, will Brussels ease sanctions?"),
    ("Not unless the talks resume is a ceasefire likely.", "the talks resume",
     "If the talks resume, will there be a ceasefire?"),
])
def test_an_inverted_only_if_is_a_conditional(sentence, condition, title):
    draft = one(sentence)
    assert draft.conditional and draft.condition == condition
    assert draft.title == title
    assert 0.55 <= draft.probability <= 0.80


@pytest.mark.parametrize(("sentence", "title", "probability"), [
    ("A 1-in-4 chance exists that the Bulgarian cabinet collapses before June.",
     "Will the Bulgarian cabinet collapse before 2027-06-01?", 0.25),
    ("A 30 % chance remains that the smelter closes.",
     "Will the smelter close?", 0.30),
])
def test_a_chance_that_exists(sentence, title, probability):
    draft = one(sentence)
    assert (draft.title, draft.probability) == (title, pytest.approx(probability))


LABELLED = """Outlook for the region

Snap election in Sofia: 40%

Probability that the Romanian central bank cuts rates before March: 0.4

Chance of a border closure at Ruse — 1 in 5

Inflation: 4%

Turnout in the last vote: 55 %

Growth forecast for 2027: 2.1 %
"""


@pytest.mark.parametrize(("line", "title", "probability"), [
    ("Snap vote in Varna (40%).", "Will there be a snap vote in Varna?", 0.4),
    ("40%: snap vote in Varna.", "Will there be a snap vote in Varna?", 0.4),
    ("Snap vote in Varna — 40 per cent.", "Will there be a snap vote in Varna?",
     0.4),
    ("Snap vote in Varna: 40-50%.", "Will there be a snap vote in Varna?",
     0.45),
    ("Snap vote in Varna: likely (60%).",
     "Will there be a snap vote in Varna?", 0.6),
    ("Snap vote in Varna before March: 1 in 4.",
     "Will there be a snap vote in Varna before 2027-03-01?", 0.25),
    ("Probability of Bulgaria joining Schengen by June: 85%.",
     "Will Bulgaria join Schengen before 2027-07-01?", 0.85),
    ("Risk of a coup in Bamako — high.", "Will there be a coup in Bamako?",
     0.875),
    ("Likelihood of a debt default in 2027: low.",
     "Will there be a debt default before 2028-01-01?", 0.125),
    ("Russia is likely to hold Kherson (70 %).", "Will Russia hold Kherson?",
     0.7),
    ("The port will probably reopen (60%).", "Will the port reopen?", 0.6),
    ("Likely (60%): Hamas release the hostages before March.",
     "Will Hamas release the hostages before 2027-03-01?", 0.6),
])
def test_labels_in_every_order(line, title, probability):
    draft = one(f"Notes\n\n{line}\n\nMore notes follow.")
    assert (draft.title, draft.probability) == (title, pytest.approx(probability))


def test_a_label_and_its_number_is_a_judgment_but_a_statistic_is_not():
    found = {d.title: d.probability for d in judgments(LABELLED)}
    assert found == {
        "Will there be a snap election in Sofia?": pytest.approx(0.4),
        "Will the Romanian central bank cut rates before 2027-03-01?": pytest.approx(0.4),
        "Will there be a border closure at Ruse?": pytest.approx(0.2),
    }


@pytest.mark.parametrize(("sentence", "first", "second"), [
    ("A rate cut is unlikely, although a freeze probably will.",
     ("Will there be a rate cut?", 0.325),
     ("Will there be a freeze?", 0.675)),
    ("A Hungarian veto is unlikely, although Slovakia probably will abstain.",
     ("Will there be a Hungarian veto?", 0.325),
     ("Will Slovakia abstain?", 0.675)),
    ("Tallinn is likely to expel the attaché, though Riga almost certainly will not.",
     ("Will Tallinn expel the attaché?", 0.675),
     ("Will Riga expel the attaché?", 0.03)),
    ("Vilnius will very likely extend the ban, whereas Warsaw probably will not.",
     ("Will Vilnius extend the ban?", 0.875),
     ("Will Warsaw extend the ban?", 0.325)),
    ("Ferries are unlikely to resume while the strike lasts, but freight probably will.",
     None, ("Will freight resume?", 0.675)),
])
def test_the_second_judgment_after_although_is_kept(sentence, first, second):
    found = [(d.title, d.probability) for d in judgments(sentence)]
    if first is not None:
        assert found[0] == first
    assert found[-1] == second


# -------------------------------------------------------------------- 4. clean titles

@pytest.mark.parametrize("sentence", [
    "The coalition will probably collapse before March, we put the chance at about 60%.",
    "The coalition will probably collapse before March, and we put the chance at about 60%.",
    "The coalition will probably collapse before March (we put the chance at about 60%).",
    "The coalition will probably collapse before March — we put it at about 60%.",
    "We put the chance at about 60% that the coalition collapses before March.",
])
def test_a_stated_number_clause_never_reaches_the_title(sentence):
    draft = one(sentence)
    assert draft.title == "Will the coalition collapse before 2027-03-01?"
    assert draft.probability == pytest.approx(0.6)


@pytest.mark.parametrize(("sentence", "title", "low", "high"), [
    ("We would be surprised if Minsk freed the detained journalists before June.",
     "Will Minsk free the detained journalists before 2027-06-01?", 0.20, 0.45),
    ("We would be very surprised if the junta handed power to civilians.",
     "Will the junta hand power to civilians?", 0.05, 0.20),
    ("We would not be surprised if Tbilisi suspended the talks before March.",
     "Will Tbilisi suspend the talks before 2027-03-01?", 0.45, 0.55),
    ("We would not be surprised if the regulator fined the operator.",
     "Will the regulator fine the operator?", 0.45, 0.55),
    ("We would be surprised if Pristina were to lift the fuel embargo.",
     "Will Pristina lift the fuel embargo?", 0.20, 0.45),
    ("We would be surprised if Kyiv cut the tariff.",
     "Will Kyiv cut the tariff?", 0.20, 0.45),
    ("We would be surprised if the mayor stepped down.",
     "Will the mayor step down?", 0.20, 0.45),
])
def test_a_subjunctive_after_surprised_if_is_asked_in_the_present(sentence, title, low, high):
    draft = one(sentence)
    assert draft.title == title
    assert low <= draft.probability <= high


# --------------------------------------------------------------- 5. analytic confidence

def test_confidence_attaches_to_the_judgment_it_governs():
    found = judgments(
        "Kyiv is likely to mobilise more reservists; we assess with high confidence that "
        "Moscow will almost certainly escalate strikes. The port will probably reopen. "
        "Riga is unlikely to expel the envoy, though we have low confidence in this. "
        "We have moderate confidence in our judgment that Yerevan will likely leave the CSTO. "
        "Baku will probably sign. We hold this judgment with low confidence.")
    confidence = {d.title.split(" before ")[0].rstrip("?"): d.confidence for d in found}
    assert confidence == {
        "Will Kyiv mobilise more reservists": None,
        "Will Moscow escalate strikes": "high",
        "Will the port reopen": None,
        "Will Riga expel the envoy": "low",
        "Will Yerevan leave the CSTO": "moderate",
        "Will Baku sign": "low",
    }


@pytest.mark.parametrize(("text", "confidence"), [
    ("The ferry will probably resume. Our confidence in this judgment is low.", ["low"]),
    ("Skopje is likely to join the scheme (confidence: moderate).", ["moderate"]),
    ("Skopje is likely to join the scheme. Confidence: high.", ["high"]),
    ("We have high confidence that Tirana will join the scheme, but only moderate confidence "
     "that Skopje will.", ["high", "moderate"]),
    ("We judge, with high confidence, that the embargo will very likely continue.", ["high"]),
])
def test_confidence_in_its_other_common_forms(text, confidence):
    found = judgments(text)
    assert [d.confidence for d in found] == confidence
    assert all("confidence" not in d.title for d in found)


def test_confidence_never_changes_the_probability():
    plain = one("Serbia will probably not join the sanctions.")
    hedged = one("We assess with low confidence that Serbia will probably not join the "
                 "sanctions.")
    assert (hedged.probability, hedged.title, hedged.confidence) == (
        plain.probability, plain.title, "low")


# ---------------------------------------------------------------- 8. numbers not terms

@pytest.mark.parametrize(("term", "words"), [
    ("probably (60%)", "probably"), ("likely (60–70 %)", "likely"), ("60%", None),
    ("1 in 5", None), ("1 in 5 chance", None), ("odds of 3 to 1", None),
    ("3 to 1 against", None), ("30% chance", None), ("unlikely", "unlikely"),
    ("chances are … not", "chances are … not"), (None, None),
])
def test_a_term_keeps_its_words_only(term, words):
    assert words_only(term) == words


def test_a_bulleted_label_and_number_is_its_own_line():
    found = judgments("Outlook\n\n- Snap vote in Tallinn: 30%\n- Strike at Muuga port: 1 in 5\n"
                      "- We doubt that the Narva bridge will reopen.\n")
    assert [(d.title, d.probability) for d in found] == [
        ("Will there be a snap vote in Tallinn?", pytest.approx(0.3)),
        ("Will there be a strike at Muuga port?", pytest.approx(0.2)),
        ("Will the Narva bridge reopen?", 0.325),
    ]


@pytest.mark.parametrize(("sentence", "title", "probability"), [
    ("We'd give odds of 2 to 1 on a port strike in Constanța before April.",
     "Will there be a port strike in Constanța before 2027-04-01?", 2 / 3),
    ("We rate a devaluation as a 3-to-1 shot.",
     "Will there be a devaluation?", 0.25),
    ("A Slovenian exit from the pact is a 9-to-1 shot.",
     "Will there be a Slovenian exit from the pact?", 0.1),
    ("We reckon the odds are roughly 4 to 1 against a second referendum in Scotland.",
     "Will there be a second referendum in Scotland?", 0.2),
    ("Odds are 3 to 1 that the governor resigns before the summer.",
     "Will the governor resign before 2027-06-01?", 0.75),
    ("The strike will probably end before Easter, with the chance put at 60%.",
     "Will the strike end before 2027-03-28?", 0.6),
    ("The strike will probably end, the probability estimated at 55 %.",
     "Will the strike end?", 0.55),
    ("Strike at Rotterdam — 60%", "Will there be a strike at Rotterdam?", 0.6),
])
def test_more_odds_and_stated_numbers(sentence, title, probability):
    draft = one(sentence)
    assert (draft.title, draft.probability) == (title, pytest.approx(probability, abs=1e-4))
    assert draft.term in (None, "probably")  # numbers never become terms


@pytest.mark.parametrize(("sentence", "title", "low", "high"), [
    ("A deal is at even odds.", "Will there be a deal?", 0.45, 0.55),
    ("Most likely, the cabinet will not survive the winter.",
     "Will the cabinet survive the winter?", 0.20, 0.45),
    ("Almost certainly, the quota will be renewed.",
     "Will the quota be renewed?", 0.95, 0.99),
    ("We would be astonished if the junta held elections before June.",
     "Will the junta hold elections before 2027-06-01?", 0.05, 0.20),
    ("We'd be surprised if Kyiv agreed to the ceasefire terms.",
     "Will Kyiv agree to the ceasefire terms?", 0.20, 0.45),
    ("It is highly unlikely that Minsk will not retaliate.",
     "Will Minsk retaliate?", 0.80, 0.95),
    ("There is a good chance that the strike will not end before March.",
     "Will the strike end before 2027-03-01?", 0.20, 0.45),
])
def test_more_hedges_fronted_contracted_and_negated(sentence, title, low, high):
    draft = one(sentence)
    assert draft.title == title
    assert low <= draft.probability <= high


@pytest.mark.parametrize(("sentence", "second", "low", "high"), [
    ("A tariff hike is likely, while a full ban is not.",
     "Will there be a full ban?", 0.20, 0.45),
    ("Zagreb is likely to adopt the levy, whereas Ljubljana is not.",
     "Will Ljubljana adopt the levy?", 0.20, 0.45),
    ("Romania will probably extend the levy, but Bulgaria likely won't.",
     "Will Bulgaria extend the levy?", 0.20, 0.45),
    ("Tunisia will probably not sign the loan, and Libya almost certainly won't sign it either.",
     "Will Libya sign it?", 0.01, 0.05),
])
def test_an_elided_second_judgment_takes_the_first_ones_words(sentence, second, low, high):
    [_, draft] = judgments(sentence)
    assert draft.title == second
    assert low <= draft.probability <= high


def test_a_parenthetical_confidence_governs_only_its_own_part():
    first, second = judgments("Tirana will likely join the scheme (high confidence), but Skopje "
                              "probably will not.")
    assert (first.confidence, second.confidence) == ("high", None)
    both = judgments("We assess with moderate confidence that Tirana will likely join the "
                     "scheme and Skopje will probably leave it.")
    assert [d.confidence for d in both] == ["moderate", "moderate"]


@pytest.mark.parametrize("sentence", [
    "The two ministers remain at odds over the levy.",
    "Odds and ends from the summit follow below.",
    "Turnout: 55%",
    "Ukraine's wheat exports to the EU: 40%",
    "Share of renewables in 2025: 40%",
    "Gas storage fill level: 82%",
    "Exports to China rose sharply (40%).",
    "Chances are we will publish again next week.",
    "The union's leaders give odds of 3 to 1 that the strike spreads.",
    "The strike lasted until Christmas last year.",
])
def test_what_states_no_judgment_of_ours_is_context(sentence):
    assert judgments(f"Notes\n\n{sentence}\n\nMore notes follow.") == []


@pytest.mark.parametrize(("text", "title", "confidence"), [
    ("In all likelihood Brussels will not propose a storage target at the March Council, and "
     "we have low confidence in this.", "Will Brussels propose a storage target before "
     "2027-04-01?", "low"),
    ("Probability that the EU gas price cap is extended: 0.65",
     "Will the EU gas price cap be extended?", None),
    ("Notes\n\nDanish approval of the pipeline expansion: 70%.\n\nMore notes.",
     "Will there be Danish approval of the pipeline expansion?", None),
    ("The Dutch regulator will likely fine the operator by 31/03/2027, whereas the Belgian "
     "regulator almost certainly won't.",
     "Will the Belgian regulator fine the operator before 2027-04-01?", None),
])
def test_a_trailing_confidence_an_auxiliary_and_an_elided_deadline(text, title, confidence):
    draft = judgments(text)[-1]
    assert (draft.title, draft.confidence) == (title, confidence)


@pytest.mark.parametrize(("sentence", "title", "probability"), [
    ("Odds: we give it 2 to 1 against that Haifa port workers strike before Christmas.",
     "Will Haifa port workers strike before 2026-12-25?", 1 / 3),
    ("Bottom line: the refinery will probably not restart before March.",
     "Will the refinery restart before 2027-03-01?", 0.325),
])
def test_a_rubric_before_the_judgment_is_read_past(sentence, title, probability):
    draft = one(sentence)
    assert (draft.title, draft.probability) == (title, pytest.approx(probability, abs=1e-4))


@pytest.mark.parametrize(("sentence", "title", "low", "high"), [
    ("We expect Minsk not to release the prisoners.",
     "Will Minsk release the prisoners?", 0.20, 0.45),
    ("The odds that Riga will not renew the licence are about even.",
     "Will Riga renew the licence?", 0.45, 0.55),
    ("The likelihood that the port does not reopen is low.",
     "Will the port reopen?", 0.80, 0.95),
    ("We put the chance that the bank does not cut rates at 70%.",
     "Will the bank cut rates?", 0.30, 0.30),
    ("Probably not: a Serbian recognition of Kosovo before June.",
     "Will there be a Serbian recognition of Kosovo before 2027-06-01?", 0.20, 0.45),
    ("Unlikely: the ceasefire will not hold.",
     "Will the ceasefire hold?", 0.55, 0.80),
    ("The ceasefire will not hold — Likely.",
     "Will the ceasefire hold?", 0.20, 0.45),
    ("It seems unlikely that the Baltic states won't close the border.",
     "Will the Baltic states close the border?", 0.55, 0.80),
    ("EU member states will probably not agree the levy.",
     "Will EU member states agree the levy?", 0.20, 0.45),
    ("It is almost certain that Orbán will not lift the veto.",
     "Will Orbán lift the veto?", 0.01, 0.05),
])
def test_every_frame_over_a_negated_clause_gives_the_complement(sentence, title, low, high):
    draft = one(sentence)
    assert draft.title == title
    assert low - 1e-9 <= draft.probability <= high + 1e-9
    assert words_only(draft.term) == draft.term  # no number in a term


@pytest.mark.parametrize(("sentence", "title", "probability"), [
    ("We assess it likely, at about 70%, that Vučić calls a snap election before summer.",
     "Will Vučić call a snap election before 2027-06-01?", 0.7),
    ("There is a small chance, perhaps 10%, that the dam fails.",
     "Will the dam fail?", 0.1),
    ("It would surprise us if the junta held elections before June.",
     "Will the junta hold elections before 2027-06-01?", 0.325),
    ("It would not surprise us if the junta postponed the vote.",
     "Will the junta postpone the vote?", 0.5),
    ("Most likely the EU will not extend the tariff exemption.",
     "Will the EU extend the tariff exemption?", 0.325),
    ("Whatever happens, the port will probably reopen.",
     "Will the port reopen?", 0.675),
])
def test_numbers_in_asides_and_other_hedge_shapes(sentence, title, probability):
    draft = one(sentence)
    assert (draft.title, draft.probability) == (title, pytest.approx(probability))
