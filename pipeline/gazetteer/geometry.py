"""Distances and representative points computed from sets of places.

The pip data gives points, not polygons; a division's or a country's point and extent are
estimated from the places inside it (occupied grid cells, so dense cities do not drag the point).
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from statistics import median
from typing import Iterable, Sequence

EARTH_RADIUS_KM = 6371.0088
#: Half the Earth's circumference: the largest possible error, used to normalise error AUC.
MAX_ERROR_KM = 20039.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def offset_point(lat: float, lon: float, bearing_deg: float, distance_km: float) -> tuple[float, float]:
    """The point ``distance_km`` from (lat, lon) along ``bearing_deg`` (0 = north)."""
    d = distance_km / EARTH_RADIUS_KM
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


@dataclass(frozen=True)
class Extent:
    """A representative point inside a set of places, with a bounding box and a radius."""

    lat: float
    lon: float
    south: float
    west: float
    north: float
    east: float
    radius_km: float


def extent_of(points: Sequence[tuple[float, float]], cell_deg: float | None = None) -> Extent:
    """Point and extent of the main connected body of ``points`` (lat, lon).

    The cell size adapts to the spread (about 4 cells across) unless given, so that a coastal
    strip of dense towns does not outweigh a sparsely settled interior.

    Points are binned into grid cells; the largest 8-connected group of occupied cells is the
    body (so overseas territories do not pull a country's point into the sea); its cell-mean
    is snapped to the nearest occupied cell when it falls outside the body (concave shapes).
    """
    if not points:
        raise ValueError("extent_of needs at least one point")
    if len(points) == 1:
        lat, lon = points[0]
        return Extent(lat, lon, lat, lon, lat, lon, 5.0)
    if cell_deg is None:
        lats = sorted(p[0] for p in points)
        lons = sorted(p[1] for p in points)
        k = max(0, int(len(points) * 0.02))
        span = max(lats[-1 - k] - lats[k], lons[-1 - k] - lons[k])
        cell_deg = min(4.0, max(0.05, span / 4))
    cells: dict[tuple[int, int], int] = defaultdict(int)
    for lat, lon in points:
        cells[(math.floor(lat / cell_deg), math.floor(lon / cell_deg))] += 1
    body = _largest_component(set(cells))
    if len(body) * 4 < len(cells) and len(body) < 3:
        body = set(cells)  # scattered islands: no main body, use all
    centres = [((i + 0.5) * cell_deg, (j + 0.5) * cell_deg) for i, j in body]
    mean_lat = sum(c[0] for c in centres) / len(centres)
    mean_lon = sum(c[1] for c in centres) / len(centres)
    inside = [p for p in points if (math.floor(p[0] / cell_deg), math.floor(p[1] / cell_deg)) in body]
    # Blend with the middle of the body's extent: settled cells lean towards coasts and the
    # south, a division's own point (its geographic middle) does not.
    mean_lat = (mean_lat + (min(p[0] for p in inside) + max(p[0] for p in inside)) / 2) / 2
    mean_lon = (mean_lon + (min(p[1] for p in inside) + max(p[1] for p in inside)) / 2) / 2
    key = (math.floor(mean_lat / cell_deg), math.floor(mean_lon / cell_deg))
    if key not in body:
        mean_lat, mean_lon = min(inside, key=lambda p: (p[0] - mean_lat) ** 2 + (p[1] - mean_lon) ** 2)
    lats = sorted(p[0] for p in inside)
    lons = sorted(p[1] for p in inside)
    dists = sorted(haversine_km(mean_lat, mean_lon, c[0], c[1]) for c in centres)
    radius = dists[min(len(dists) - 1, int(len(dists) * 0.9))] + cell_deg * 55
    return Extent(mean_lat, mean_lon, lats[0], lons[0], lats[-1], lons[-1], round(radius, 1))


def _largest_component(cells: set[tuple[int, int]]) -> set[tuple[int, int]]:
    seen: set[tuple[int, int]] = set()
    best: set[tuple[int, int]] = set()
    for start in cells:
        if start in seen:
            continue
        group = {start}
        stack = [start]
        seen.add(start)
        while stack:
            i, j = stack.pop()
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    n = (i + di, j + dj)
                    if n in cells and n not in seen:
                        seen.add(n)
                        group.add(n)
                        stack.append(n)
        if len(group) > len(best):
            best = group
    return best


def medoid(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """The given point nearest the coordinate-wise median: always a real point of the set."""
    pts = list(points)
    mlat = median(p[0] for p in pts)
    mlon = median(p[1] for p in pts)
    return min(pts, key=lambda p: (p[0] - mlat) ** 2 + ((p[1] - mlon) * math.cos(math.radians(mlat))) ** 2)


class GridIndex:
    """Points bucketed in degree cells for 'nearest point' queries without a KD-tree."""

    def __init__(self, points: Iterable[tuple[float, float, object]], cell_deg: float = 0.5):
        self.cell_deg = cell_deg
        self.cells: dict[tuple[int, int], list[tuple[float, float, object]]] = defaultdict(list)
        for lat, lon, item in points:
            self.cells[self._key(lat, lon)].append((lat, lon, item))

    def _key(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.cell_deg), math.floor(lon / self.cell_deg)

    def nearest(self, lat: float, lon: float, max_rings: int = 4) -> tuple[float, object] | None:
        """(distance km, item) of the nearest point within ``max_rings`` cells, or None."""
        ci, cj = self._key(lat, lon)
        best: tuple[float, object] | None = None
        for ring in range(max_rings + 1):
            for i in range(ci - ring, ci + ring + 1):
                for j in range(cj - ring, cj + ring + 1):
                    if max(abs(i - ci), abs(j - cj)) != ring:
                        continue
                    for plat, plon, item in self.cells.get((i, j), ()):
                        d = haversine_km(lat, lon, plat, plon)
                        if best is None or d < best[0]:
                            best = (d, item)
            if best is not None and best[0] < ring * self.cell_deg * 111 * 0.7:
                break
        return best
