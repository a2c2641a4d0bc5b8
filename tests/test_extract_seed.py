"""The seed article: one operation, told three times, among background sentences."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract import extract_events
from pipeline.nlp import get_nlp
from pipeline.report import Report

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"
TEXT = SEED / "syriacpress-2023-04-17.txt"
META = SEED / "syriacpress-2023-04-17.json"

pytestmark = pytest.mark.skipif(not TEXT.exists(), reason="../shared/seed is not available")


@pytest.fixture(scope="module")
def seed():
    meta = json.loads(META.read_text(encoding="utf-8"))
    text = TEXT.read_text(encoding="utf-8")
    report = Report(text=text, title=meta["title"], url=meta["url"], published=meta["published"],
                    publisher=meta["publisher"])
    doc = get_nlp()(text)
    return report, doc, extract_events(doc, report, [])


def test_exactly_one_event(seed):
    _, _, events = seed
    assert len(events) == 1


def test_date_actors_fatalities_source(seed):
    report, _, (event,) = seed
    assert event.event_date == "2023-04-17"
    assert event.year == 2023 and event.time_precision == 1
    assert event.actor1 == "US-led Coalition"
    assert event.actor2 == "Islamic State"
    assert event.fatalities >= 1 and event.fatalities_known
    assert event.source_url == report.url
    assert event.source == "Syriac Press"
    assert event.report_id == report.report_id
    assert event.disorder_type == "Political violence"
    assert event.event_type and event.sub_event_type


def test_partner_forces_are_associated(seed):
    _, _, (event,) = seed
    assert "Local Partner Forces" in event.assoc_actor_1


def test_provenance_points_into_the_text(seed):
    report, _, (event,) = seed
    text = report.text
    assert text[event.sentence_start:event.sentence_end].strip() == event.notes
    assert "raid" in event.notes
    for role in ("actor1", "actor2", "date", "type", "fatalities"):
        assert event.evidence.get(role), role
        for start, end, said in event.evidence[role]:
            assert text[start:end] == said
    assert event.date_reason and event.type_reason and event.actor_reason
    assert 0.0 < event.confidence <= 1.0


def test_headline_lead_and_restatement_merge(seed):
    report, _, (event,) = seed
    merged = {start for start, _end, kind in event.evidence["sentences"] if kind != "support"}
    headline_end = report.text.index("\n")
    death = report.text.index("resulted in the death")
    assert 0 in merged  # the headline's "announces likely killing"
    assert event.sentence_start in merged  # the lead's raid
    assert any(start <= death for start in merged if start > event.sentence_start) or \
        any(start < death < end for start, end, _ in event.evidence["sentences"])
    assert headline_end < event.sentence_start


@pytest.mark.parametrize("phrase", [
    "has been conducting operations",
    "We will continue the relentless campaign",
    "has been responsible for numerous attacks",
    "it will continue to take decisive action",
])
def test_background_is_not_an_event(seed, phrase):
    report, doc, _ = seed
    start = report.text.index(phrase)
    sent = next(s for s in doc.sents if s.start_char <= start < s.end_char)
    alone = Report(text=sent.text, published=report.published, url=report.url)
    assert extract_events(get_nlp()(sent.text), alone, []) == []
