"""Issue 2's 'Required on the seed': the whole pipeline over ../shared/seed/, into a real store."""
from __future__ import annotations

import math

import pytest

import pipeline
from pipeline.store import Store


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def seed_store(shared_dir, gazetteer_path, tmp_path_factory):
    from pipeline.settings import load_settings

    tmp = tmp_path_factory.mktemp("seed")
    settings = load_settings(data_dir=tmp, gazetteer_path=gazetteer_path)
    events = pipeline.build([shared_dir / "seed"], settings)
    store = Store(settings.db_path)
    yield events, store
    store.close()


def test_holeb_is_aleppo_as_a_spelling_variant(seed_store):
    _, store = seed_store
    places = store.places()
    holeb = places[places.text.str.upper() == "HOLEB"]
    assert len(holeb) >= 1
    row = holeb.iloc[0]
    assert row.geonameid == 170063
    assert km(row.latitude, row.longitude, 36.20, 37.16) <= 10
    assert "variant" in row.reason.lower()
    assert bool(row.is_dateline)


def test_northwestern_syria_is_a_region_point_in_the_north_west(seed_store):
    _, store = seed_store
    places = store.places()
    region = places[places.text.str.lower().str.contains("northwestern syria")]
    assert len(region) >= 1
    row = region.iloc[0]
    assert row.precision == 3
    assert row.country_code == "SY"
    assert row.admin1 in {"Idlib", "Aleppo"}, row.admin1
    # inside the north-west: north of Hama, west of the Euphrates
    assert 35.5 <= row.latitude <= 36.9 and 35.8 <= row.longitude <= 38.0


def test_exactly_one_event_coded_as_the_raid(seed_store):
    events, _ = seed_store
    assert len(events) == 1, events[["event_date", "sub_event_type", "notes"]].to_string()
    event = events.iloc[0]
    assert event.event_date == "2023-04-17"
    assert "coalition" in event.actor1.lower()
    assert event.actor2 == "Islamic State"
    assert event.fatalities >= 1
    assert event.source_url.startswith("https://syriacpress.com/blog/2023/04/17/")
    assert event.source == "Syriac Press"
    assert event.latitude is not None and event.longitude is not None


def test_background_sentences_are_not_events(seed_store):
    events, _ = seed_store
    notes = " ".join(events.notes)
    assert "for several years" not in notes
    assert "relentless campaign" not in notes
    assert "numerous attacks" not in notes


def test_running_again_adds_nothing(seed_store, shared_dir, gazetteer_path):
    _, store = seed_store
    from pipeline.builder import build_into_store
    from pipeline.settings import load_settings

    before = store.counts()
    summary = build_into_store([shared_dir / "seed"], load_settings(
        db_path=store.path, gazetteer_path=gazetteer_path))
    assert summary.unchanged == 1 and summary.reports == 0
    assert store.counts() == before
