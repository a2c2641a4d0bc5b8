"""Region and relative phrases land inside the right part of the right country."""
from __future__ import annotations

import pytest
from geo_fixtures import gazetteer, geoparser  # noqa: F401  (fixtures)

from pipeline.gazetteer.geometry import haversine_km
from pipeline.nlp import get_nlp


def _region(geoparser, text: str, phrase: str):  # noqa: F811
    places = geoparser.parse(get_nlp()(text))
    hits = [p for p in places if p.kind == "region" and phrase in p.text]
    assert hits, [(p.text, p.kind) for p in places]
    return hits[0]


def _admin1_at(gazetteer, place) -> str:  # noqa: F811
    _dist, town = gazetteer.nearest_place(place.latitude, place.longitude)
    assert town.country_code == place.country_code
    return gazetteer.admin1_name(town.country_code, town.admin1_code)


def test_northwestern_syria(geoparser, gazetteer) -> None:  # noqa: F811
    place = _region(geoparser, "Turkish drones struck targets in northwestern Syria on Monday.", "northwestern Syria")
    assert place.precision == 3 and place.country_code == "SY"
    assert _admin1_at(gazetteer, place) in {"Idlib", "Aleppo"}


def test_eastern_deir_ez_zor(geoparser, gazetteer) -> None:  # noqa: F811
    place = _region(geoparser, "Clashes erupted in eastern Deir ez-Zor between tribal fighters and the SDF.",
                    "eastern Deir ez-Zor")
    assert place.precision == 3 and _admin1_at(gazetteer, place) == "Deir ez-Zor"
    assert place.longitude > 40.3  # east of the city of Deir ez-Zor (40.14 E)


def test_anbar_desert_is_western_iraq(geoparser, gazetteer) -> None:  # noqa: F811
    place = _region(geoparser, "Iraqi forces swept the Anbar desert for ISIS cells.", "Anbar desert")
    assert place.country_code == "IQ" and place.precision == 3
    assert place.longitude < 43.0


def test_aleppo_countryside(geoparser) -> None:  # noqa: F811
    place = _region(geoparser, "Shelling hit villages in the Aleppo countryside, Syrian media said.",
                    "Aleppo countryside")
    assert place.precision == 2 and haversine_km(place.latitude, place.longitude, 36.20, 37.16) < 40


def test_near_a_town(geoparser) -> None:  # noqa: F811
    place = _region(geoparser, "An airstrike near Manbij killed two fighters, Syrian activists said.", "near Manbij")
    assert place.precision == 2 and haversine_km(place.latitude, place.longitude, 36.53, 37.95) < 20


def test_distance_and_direction(geoparser) -> None:  # noqa: F811
    place = _region(geoparser, "The raid took place 20 km west of Mosul, Iraqi officials said.", "west of Mosul")
    assert place.precision == 2
    assert 15 < haversine_km(place.latitude, place.longitude, 36.34, 43.13) < 25
    assert place.longitude < 43.13


def test_near_the_turkish_border_in_a_syria_report(geoparser, gazetteer) -> None:  # noqa: F811
    text = "DAMASCUS, Syria — Fighting flared near the Turkish border, Syrian sources said."
    place = _region(geoparser, text, "Turkish border")
    assert place.country_code == "SY" and place.latitude > 35.9
    assert _admin1_at(gazetteer, place) in {"Aleppo", "Idlib", "Ar-Raqqah", "Al-Hasakah", "Latakia"}


def test_border_area_of_two_countries(geoparser) -> None:  # noqa: F811
    place = _region(geoparser, "Militants crossed the border area of Syria and Iraq near the river.",
                    "border area of Syria and Iraq")
    assert place.country_code == "SY" and place.longitude > 40.0


@pytest.mark.parametrize("text, phrase", [
    ("Attacks continued across the Middle East this year.", "Middle East"),
    ("Refugees travelled on to Europe.", "Europe"),
])
def test_super_regions_are_not_eventable(geoparser, text: str, phrase: str) -> None:  # noqa: F811
    places = [p for p in geoparser.parse(get_nlp()(text)) if p.text == phrase]
    assert places and not places[0].eventable
