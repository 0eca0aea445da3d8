"""Trial 12's fault kinds in titles and deadlines, on sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from tests.forecasts.briefings.parsing import judgments

PLACEHOLDER = "2027-05-27"  # ON + the six-month default: never named in a title


# ---------------------------------------------------- 1, 2. deadlines named, shared or left open

@pytest.mark.parametrize(("sentence", "phrase"), [
    ("Kenyan tea exports will probably recover before the long rains.", "before the long rains"),
    ("The ferry operator is likely to restore the Tallinn route by the end of the strike.",
     "by the end of the strike"),
    ("We judge that Quito will almost certainly not repay the bond before the audit ends.",
     "before the audit ends"),
])
def test_an_undated_deadline_stays_in_the_title_as_written_and_is_flagged(sentence, phrase):
    [draft] = judgments(sentence)
    assert draft.date_needed and draft.horizon == phrase
    assert draft.title.endswith(f" {phrase}?")
    assert PLACEHOLDER not in draft.title and PLACEHOLDER not in draft.resolution_criteria


@pytest.mark.parametrize(("sentence", "closes"), [
    ("Ankara is unlikely to lift the grain levy in 2027, and a deal with Kyiv is almost "
     "certainly not going to happen.", date(2028, 1, 1)),
    ("Rabat will probably sign the gas accord before June, but an Algerian pipeline deal is "
     "unlikely.", date(2027, 6, 1)),
    ("A Serbian veto is unlikely, while Hungary will probably block the package before "
     "March.", date(2027, 3, 1)),
])
def test_a_judgment_without_its_own_deadline_shares_its_sentences(sentence, closes):
    drafts = judgments(sentence)
    assert len(drafts) == 2
    for draft in drafts:
        assert (draft.closes_at, draft.date_needed) == (closes, False), draft.title
        assert draft.title.endswith(f"before {closes.isoformat()}?")


@pytest.mark.parametrize("sentence", [
    "A veto by Slovakia is very unlikely.",
    "Ankara is unlikely to lift the grain levy, and a deal with Kyiv is almost certainly not "
    "going to happen.",
])
def test_no_deadline_anywhere_is_flagged_not_invented(sentence):
    for draft in judgments(sentence):
        assert draft.date_needed and draft.horizon is None
        assert PLACEHOLDER not in draft.title and "before" not in draft.title
        assert "before the close date" in draft.resolution_criteria


# ------------------------------------------------------------------------ 5. malformed titles

@pytest.mark.parametrize(("sentence", "title"), [
    ("Wheat yields in Moldova will probably rise in 2027, although we doubt Romania's will.",
     "Will Romania's wheat yields rise before 2028-01-01?"),
    ("Chile's lithium exports will likely grow in 2027, while Bolivia's almost certainly "
     "will not.", "Will Bolivia's lithium exports grow before 2028-01-01?"),
    ("Latvia is likely to open its new LNG terminal by June, but Estonia will probably not "
     "finish its own before 2028.", "Will Estonia finish its own LNG terminal before 2028-01-01?"),
    ("Denmark will likely publish its defence review in 2027, and Norway will probably publish "
     "its own too.", "Will Norway publish its own defence review before 2028-01-01?"),
])
def test_a_noun_left_out_after_an_owner_is_recovered(sentence, title):
    assert judgments(sentence)[-1].title == title


@pytest.mark.parametrize(("sentence", "title"), [
    ("We give odds of 4 to 1 against the Croatian ruling alliance splitting before 1 May 2027.",
     "Will the Croatian ruling alliance split before 2027-05-01?"),
    ("The probability of renewed shelling near the Dnipro dam in the next three months is low.",
     "Will there be renewed shelling near the Dnipro dam before 2027-02-27?"),
    ("The odds are 3 to 1 against the governing party winning the Tartu by-election before "
     "April.", "Will the governing party win the Tartu by-election before 2027-04-01?"),
    ("The likelihood of Riga hosting the summit before July is high.",
     "Will Riga host the summit before 2027-07-01?"),
])
def test_a_participle_inside_a_noun_phrase_is_not_its_verb(sentence, title):
    [draft] = judgments(sentence)
    assert draft.title == title


@pytest.mark.parametrize(("sentence", "title"), [
    ("We judge that the strike will likely end before March, and that wages are likely to rise "
     "by June.", "Will wages rise before 2027-07-01?"),
    ("We assess that Nairobi will probably hold the vote before May, and that EU observers are "
     "unlikely to attend.", "Will EU observers attend before 2027-05-01?"),
])
def test_a_second_clauses_that_is_not_part_of_its_subject(sentence, title):
    assert judgments(sentence)[-1].title == title


@pytest.mark.parametrize(("line", "title"), [
    ("Snap parliamentary election in Moldova before July 2027: 20%",
     "Will there be a snap parliamentary election in Moldova before 2027-07-01?"),
    ("Armed incursion into Transnistria before June 2027: 5%",
     "Will there be an armed incursion into Transnistria before 2027-06-01?"),
    ("Renewed unrest in Yerevan before March: 30%",
     "Will there be renewed unrest in Yerevan before 2027-03-01?"),
    ("Port closures in Constanța before March: 30%",
     "Will there be port closures in Constanța before 2027-03-01?"),
])
def test_a_bare_noun_phrase_gets_its_article_only_when_it_takes_one(line, title):
    [draft] = judgments(f"Notes\n\n{line}\n\nMore notes follow.")
    assert draft.title == title


# --------------------------------------------------------------------- 6. one entry for surprise

@pytest.mark.parametrize(("surprised", "surprise"), [
    ("We would be surprised if Sofia joined the scheme before 1 May 2027.",
     "It would surprise us if Sofia joined the scheme before 1 May 2027."),
    ("We would be very surprised if the regulator fined Gazprom before March.",
     "It would greatly surprise us if the regulator fined Gazprom before March."),
    ("We would not be surprised if Vilnius delayed the tender before March.",
     "It would not surprise us if Vilnius delayed the tender before March."),
])
def test_both_phrasings_of_surprise_are_one_reading(surprised, surprise):
    [first], [second] = judgments(surprised), judgments(surprise)
    assert (first.title, first.term, first.probability, first.low, first.high) == (
        second.title, second.term, second.probability, second.low, second.high)
