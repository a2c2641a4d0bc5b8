"""First-level divisions' points: the places-derived point moved halfway to the ISO 3166-2 centre
of the division (iso3166-2 package), so large, unevenly settled provinces are not pulled to where
people live."""
from __future__ import annotations

import pytest
from geo_fixtures import gazetteer  # noqa: F401  (fixture)

from pipeline.gazetteer.geometry import Extent, haversine_km
from pipeline.gazetteer.pipdata import _blend_centre, division_centres


def test_iso_centres_are_read_by_country_and_name() -> None:
    centres = division_centres()
    assert len(centres) > 3000
    lat, lon = centres[("CA", "manitoba")]
    assert 50 < lat < 60 and -102 < lon < -90
    assert ("SY", "idlib") in centres or ("SY", "idlib governorate") in centres


def test_blend_is_halfway_and_ignores_a_centre_outside_the_division() -> None:
    ext = Extent(lat=50.0, lon=-97.0, south=49.0, west=-101.0, north=58.0, east=-89.0, radius_km=400.0)
    assert _blend_centre(ext, (54.0, -97.0)) == pytest.approx((52.0, -97.0))
    assert _blend_centre(ext, (10.0, 10.0)) == (50.0, -97.0)  # a wrong match is not used
    assert _blend_centre(ext, None) == (50.0, -97.0)


@pytest.mark.parametrize("name, cc, lat, lon, km", [
    # GeoNames' own points for these provinces; the places-only estimate was 420 and 270 km off.
    ("Manitoba", "CA", 55.0, -97.0, 230),
    ("Quebec", "CA", 52.0, -72.0, 161),
])
def test_large_provinces_lie_near_their_middle(gazetteer, name, cc, lat, lon, km) -> None:  # noqa: F811
    entry = next(c.entry for c in gazetteer.candidates(name) if c.entry.kind == "admin1" and c.entry.country_code == cc)
    assert haversine_km(entry.lat, entry.lon, lat, lon) < km, (entry.lat, entry.lon)
