"""Real spellings of places in Syria and Iraq, each resolved to the right place."""
from __future__ import annotations

import pytest
from geo_fixtures import gazetteer, geoparser  # noqa: F401  (fixtures)

from pipeline.gazetteer.geometry import haversine_km

# (spelling, latitude, longitude) of the real place; a resolution within 10 km passes.
ALEPPO, DEIR, ABU_KAMAL = (36.20, 37.16), (35.34, 40.14), (34.45, 40.92)
VARIANTS = [
    ("Holeb", *ALEPPO), ("Haleb", *ALEPPO), ("Halab", *ALEPPO), ("Aleppo", *ALEPPO),
    ("Deir ez-Zor", *DEIR), ("Dayr az Zawr", *DEIR), ("Deir Ezzor", *DEIR), ("Deir al-Zour", *DEIR),
    ("Abu Kamal", *ABU_KAMAL), ("Albu Kamal", *ABU_KAMAL), ("Al-Bukamal", *ABU_KAMAL),
    ("Qamishli", 37.05, 41.23), ("Al Qamishli", 37.05, 41.23),
    ("Raqqa", 35.95, 39.01), ("Ar Raqqah", 35.95, 39.01),
    ("Mosul", 36.34, 43.13), ("Al Mawsil", 36.34, 43.13),
    ("Fallujah", 33.35, 43.78), ("Falluja", 33.35, 43.78),
    ("Ramadi", 33.42, 43.30), ("Ar Ramadi", 33.42, 43.30),
    ("Tikrit", 34.61, 43.68), ("Kirkuk", 35.47, 44.39),
    ("Hasakah", 36.50, 40.75), ("Al-Hasakah", 36.50, 40.75), ("Hasaka", 36.50, 40.75),
    ("Manbij", 36.53, 37.95), ("Menbij", 36.53, 37.95),
    ("Idlib", 35.93, 36.63), ("Idleb", 35.93, 36.63),
    ("Homs", 34.73, 36.72), ("Hims", 34.73, 36.72),
    ("Hama", 35.13, 36.75), ("Hamah", 35.13, 36.75),
    ("Latakia", 35.52, 35.79), ("Lattakia", 35.52, 35.79), ("Al Ladhiqiyah", 35.52, 35.79),
    ("Tal Afar", 36.38, 42.45), ("Tall Afar", 36.38, 42.45), ("Sinjar", 36.32, 41.88),
    ("Baqubah", 33.75, 44.64), ("Baquba", 33.75, 44.64), ("Samarra", 34.20, 43.87),
    ("Haditha", 34.14, 42.38), ("Hadithah", 34.14, 42.38),
    ("Al-Qaim", 34.38, 41.05), ("Al Qa'im", 34.38, 41.05),
    ("Mayadin", 35.02, 40.45), ("Al Mayadin", 35.02, 40.45),
    ("Jarablus", 36.82, 38.01), ("Azaz", 36.59, 37.04), ("A'zaz", 36.59, 37.04), ("al-Bab", 36.37, 37.52),
    ("Kobani", 36.89, 38.35), ("Kobane", 36.89, 38.35), ("Ayn al Arab", 36.89, 38.35),
    ("Tabqa", 35.84, 38.55), ("Al Thawrah", 35.84, 38.55),
    ("Ras al-Ain", 36.85, 40.07), ("Ra's al 'Ayn", 36.85, 40.07),
    ("Erbil", 36.19, 44.01), ("Arbil", 36.19, 44.01), ("Hawler", 36.19, 44.01),
    ("Sulaymaniyah", 35.56, 45.44), ("Slemani", 35.56, 45.44),
    ("Nasiriyah", 31.05, 46.26), ("Basra", 30.51, 47.78), ("Al Basrah", 30.51, 47.78),
    ("Najaf", 32.03, 44.35), ("Karbala", 32.62, 44.02), ("Hit", 33.64, 42.83),
    ("Rutba", 33.04, 40.28), ("Ar Rutbah", 33.04, 40.28),
    ("Shaddadi", 36.06, 40.73), ("Ash Shaddadah", 36.06, 40.73),
]


def test_table_is_large_enough() -> None:
    assert len(VARIANTS) >= 40


@pytest.mark.parametrize("spelling, lat, lon", VARIANTS)
def test_variant_resolves_to_the_right_place(geoparser, spelling: str, lat: float, lon: float) -> None:  # noqa: F811
    text = f"Clashes in {spelling} were reported by Syrian and Iraqi sources."
    place = geoparser.resolve_spans(text, [(11, 11 + len(spelling))])[0]
    assert place.resolved, place.reason
    assert place.kind == "place", (place.name, place.kind, place.reason)
    assert haversine_km(place.latitude, place.longitude, lat, lon) < 10, (place.name, place.reason)
    assert place.reason.startswith(f"'{spelling}':")


def test_variant_match_says_so(gazetteer) -> None:  # noqa: F811
    hows = {c.how for c in gazetteer.candidates("Deir Ezzor")}
    assert any(h.startswith("spelling variant of Deir ez-Zor") for h in hows)


def test_loose_match_outside_the_report_is_unresolved(geoparser) -> None:  # noqa: F811
    text = "Shelling hit Xqzvbrt in Syria, Syrian sources said."
    place = geoparser.resolve_spans(text, [(13, 20)])[0]
    assert not place.resolved and place.reason.startswith("unresolved")
