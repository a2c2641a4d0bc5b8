"""The seed article: HOLEB in the dateline is Aleppo; "northwestern Syria" is a region in Idlib/Aleppo."""
from __future__ import annotations

from pathlib import Path

import pytest
from geo_fixtures import gazetteer, geoparser  # noqa: F401  (fixtures)

from pipeline.gazetteer.geometry import haversine_km
from pipeline.nlp import get_nlp

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "syriacpress-2023-04-17.txt"


@pytest.fixture(scope="module")
def seed_places(geoparser):  # noqa: F811
    if not SEED.is_file():
        pytest.skip(f"{SEED} is absent")
    return geoparser.parse(get_nlp()(SEED.read_text(encoding="utf-8")))


def test_holeb_is_aleppo(seed_places) -> None:
    holeb = [p for p in seed_places if p.text == "HOLEB"]
    assert len(holeb) == 1
    place = holeb[0]
    assert place.is_dateline and place.resolved
    assert place.geonameid == 170063
    assert haversine_km(place.latitude, place.longitude, 36.20, 37.16) < 10
    assert "spelling variant" in place.reason
    assert place.precision == 1


def test_northwestern_syria_is_a_region_in_idlib_or_aleppo(seed_places, gazetteer) -> None:  # noqa: F811
    regions = [p for p in seed_places if p.text == "northwestern Syria"]
    assert regions, [p.text for p in seed_places]
    for place in regions:
        assert place.kind == "region" and place.precision == 3 and place.country_code == "SY"
        dist, town = gazetteer.nearest_place(place.latitude, place.longitude)
        assert town.country_code == "SY" and dist < 30
        assert gazetteer.admin1_name("SY", town.admin1_code) in {"Idlib", "Aleppo"}


def test_middle_east_and_europe_are_not_event_locations(seed_places) -> None:
    vague = [p for p in seed_places if p.text in {"Middle East", "Europe"}]
    assert vague and all(not p.eventable for p in vague)


def test_only_one_dateline_and_offsets_index_the_text(seed_places) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert sum(p.is_dateline for p in seed_places) == 1
    for place in seed_places:
        assert text[place.start:place.end] == place.text
