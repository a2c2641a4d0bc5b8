"""Country outlines and label points from the Natural Earth data pip installs."""
from __future__ import annotations

import json

import pytest
from shapely.geometry import Point, shape

from pipeline import boundaries


@pytest.mark.parametrize("code, lat, lon", [
    ("US", 39.8, -98.6),   # the towns' average lands in Idaho; the label point is mid-continent
    ("SY", 35.0, 38.5),
    ("IQ", 33.2, 43.7),
    ("FR", 46.6, 2.4),     # not Clipperton Island, which shares the code
    ("NO", 61.5, 9.5),     # ISO_A2 is -99 in Natural Earth
])
def test_label_points_are_mid_country(code, lat, lon):
    got = boundaries.label_points()[code]
    assert abs(got[0] - lat) < 2.5 and abs(got[1] - lon) < 2.5, got


def test_outlines_are_geojson_lon_first(tmp_path):
    path = boundaries.write_outline_file(tmp_path / "countries.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) > 200
    by_code = {f["properties"]["country_code"]: f for f in data["features"] if f["properties"]["country_code"]}
    syria = shape(by_code["SY"]["geometry"])
    assert syria.contains(Point(36.29, 33.51))  # Damascus, given lon first
    assert not syria.contains(Point(33.51, 36.29))
    assert shape(by_code["IQ"]["geometry"]).contains(Point(44.36, 33.31))  # Baghdad
    for f in data["features"]:
        assert f["geometry"]["type"] in {"Polygon", "MultiPolygon"} and f["properties"]["name"]
    mtime = path.stat().st_mtime_ns
    assert boundaries.write_outline_file(path) == path and path.stat().st_mtime_ns == mtime  # reused
