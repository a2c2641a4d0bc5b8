"""ACLED counting: lowest figure, number words, implied single victims, unknown kept apart from 0."""
from __future__ import annotations

import pytest

from pipeline.extract import extract_events
from pipeline.fatalities import count_casualties
from pipeline.report import Report
from pipeline.nlp import get_nlp


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def fatalities(nlp, text):
    doc = nlp(text)
    return count_casualties(doc[:]).fatalities


@pytest.mark.parametrize("text, expected", [
    ("The strike killed 6 civilians, including 2 women.", 6),
    ("Gunmen killed fifteen soldiers at the checkpoint.", 15),
    ("Forces killed a senior official of the Islamic State.", 1),
    ("The raid killed the leader and his two sons.", 3),
    ("Dozens of people were killed in the attack.", 12),
    ("Several fighters were killed in the clashes.", 3),
    ("At least 13 people were killed, officials said.", 13),
    ("The raid resulted in the death of a key figure in the group.", 1),
    ("A drone strike killed two Islamic State fighters near the city.", 2),
    ("Militants killed a dozen villagers.", 12),
    # the parser hangs the second victim on the verb
    ("A US airstrike on Thursday killed an Islamic State leader known as Abu Yusif, also called Mahmud, "
     "and another operative of the group, the US military said.", 2),
    ("The strike killed a commander and wounded two guards.", 1),
])
def test_fatality_counts(nlp, text, expected):
    got = fatalities(nlp, text)
    assert got.value == expected, got.reason


def test_no_figure_is_unknown_not_zero(nlp):
    got = fatalities(nlp, "Coalition aircraft struck a weapons depot near the border.")
    assert got.value is None


def test_explicit_zero(nlp):
    got = fatalities(nlp, "The command said there were no casualties.")
    assert got.value == 0 and got.explicit


def test_lowest_stated_figure_wins(nlp):
    got = fatalities(nlp, "The army said 15 militants were killed while local sources said 14 militants were killed.")
    assert got.value == 14


def test_injured_and_detained_have_their_own_columns(nlp):
    doc = nlp("The raid killed one militant and wounded three others. Two associates were detained.")
    counts = count_casualties(doc[:])
    assert counts.fatalities.value == 1
    assert counts.injured.value == 3
    assert counts.detained.value == 2


def test_evidence_offsets(nlp):
    text = "Gunmen killed 4 police officers in the ambush."
    doc = nlp(text)
    got = count_casualties(doc[:]).fatalities
    assert got.evidence
    for start, end, said in got.evidence:
        assert text[start:end] == said


@pytest.mark.parametrize("text, expected", [
    ("US Central Command put the number of Islamic State fighters killed at 15.", 15),
    ("Police put the death toll at 9.", 9),
    ("The death toll rose to 21, officials said.", 21),
    ("The ministry said the number of dead was 30.", 30),
    ("The number of attacks rose to 30 this year.", None),
])
def test_a_count_stated_as_a_figure(nlp, text, expected):
    assert count_casualties(nlp(text)[:]).fatalities.value == expected


def test_another_sources_figure_right_after_a_fatality_figure(nlp):
    text = "The army gave a figure of 14."
    assert count_casualties(nlp(text)[:], after_figure=True).fatalities.value == 14
    assert count_casualties(nlp(text)[:]).fatalities.value is None  # alone it says nothing of deaths
    assert count_casualties(nlp("The number of arrests rose to 4.")[:], after_figure=True).fatalities.value is None


def test_figures_from_two_sources_give_the_lowest(nlp):
    # ACLED: the lowest reported figure; stated numbers beat "more than a dozen"
    text = ("US and Iraqi forces raided militant hideouts in the desert on Thursday, killing more than a "
            "dozen militants. The US command put the number of fighters killed at 15. The Iraqi military, "
            "which said the operation took place east of the river, gave a figure of 14.")
    events = extract_events(nlp(text), Report(text=text, published="2024-08-31"), [])
    assert [e.fatalities for e in events] == [14]
