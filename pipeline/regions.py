"""Region and relative phrases: "northwestern Syria", "the Anbar desert", "near the Turkish border".

Finding them is pattern work around the toponym mentions (words from
``pipeline/data/geo_regions.yaml``); locating them uses the gazetteer's places inside the named
area, so the point is a real place in the named part and the radius reflects its spread.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from statistics import median


from .gazetteer import Entry, Gazetteer
from .gazetteer.geometry import GridIndex, haversine_km, medoid, offset_point
from .names import fold
from .toponyms import Mention, demonyms
from .knowledge import load_data

#: "Eastern X" is made of X's settled grid cells (this size, so a crowd of villages counts
#: as much as the desert town next to it) ...
CELL_DEG = 0.5
#: ... that lie within this many degrees of east, seen from the middle of X's cells ...
SECTOR_DEG = 45.0
#: ... and at least this share of the farthest cell's distance out that way.
OUTER_SHARE = 0.3
_KM_PER_UNIT = {"km": 1.0, "kilometers": 1.0, "kilometres": 1.0, "kilometer": 1.0, "kilometre": 1.0,
                "miles": 1.609, "mile": 1.609, "mi": 1.609}


@lru_cache(maxsize=1)
def region_words() -> dict:
    """The versioned region vocabulary (directions, near words, super-regions)."""
    return load_data("geo_regions.yaml")


@dataclass
class RegionPhrase:
    """A phrase that names part of, or a place relative to, one or two toponyms."""

    start: int
    end: int
    kind: str  # direction | relative | near | countryside | desert | border
    base: int | None  # index of the mention it is built on
    other: int | None = None  # second mention (border of X and Y)
    bearing: float | None = None  # degrees; -1 for "central"
    distance_km: float | None = None
    other_country: str = ""  # "near the Turkish border": TR
    own_country: str = ""  # "the Syrian-Turkish border": SY

    @property
    def wants_division(self) -> bool:
        """Directional and desert phrases name part of a division, not of a town."""
        return self.kind in ("direction", "desert")


@dataclass
class RegionPoint:
    lat: float
    lon: float
    radius_km: float
    precision: int
    country_code: str
    name: str
    reason: str


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    words = region_words()
    dirs = _alternation(list(words["directions"]))
    near = _alternation(words["near_words"])
    dem = _alternation(sorted({w for w in _demonym_words()}))
    return {
        # A direction word, which the four direction patterns each need (when every direction starts
        # on a letter or digit): mentions without one are spared those searches.
        "any_direction": re.compile(rf"\b(?:{dirs})", re.I) if all(
            re.match(r"\w", w) for w in words["directions"]) else re.compile(""),
        "dir_adj": re.compile(rf"(?:\bthe\s+)?\b({dirs})[\s-]+$", re.I),
        "dir_of_inside": re.compile(rf"\bthe\s+({dirs})(?:ern)?\s+(?:part\s+|parts\s+|region\s+)?of\s+(?:the\s+)?$",
                                    re.I),
        "dist_dir_of": re.compile(rf"\b(\d+(?:\.\d+)?)[\s-]*(km|kilometers|kilometres|kilometer|kilometre|miles|mile|mi)"
                                  rf"\s+(?:\([^)]*\)\s+)?\(?({dirs})\)?\s+of\s+(?:the\s+)?$", re.I),
        "dir_of": re.compile(rf"\b({dirs})\s+of\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$", re.I),
        "near": re.compile(rf"\b({near})\s+(?:the\s+)?(?:(?:town|city|village|area)\s+of\s+)?$", re.I),
        "countryside": re.compile(r"^(?:['’]s)?\s+(countryside|outskirts|suburbs|rural\s+areas?)\b", re.I),
        "desert": re.compile(r"^\s+(desert|badia|steppe)\b", re.I),
        "border_of": re.compile(r"\bborder(?:\s+(?:area|areas|region|zone|strip))?\s+(?:of|between)\s+(?:the\s+)?$",
                                re.I),
        "and": re.compile(r"^\s+and\s+(?:the\s+)?$", re.I),
        "dash": re.compile(r"^\s*[-–/]\s*$"),
        "border_after": re.compile(r"^(?:\s+|['’]s\s+)?border\b", re.I),
        "border_with": re.compile(r"\bborder\s+with\s+(?:the\s+)?$", re.I),
        "demonym_border": re.compile(rf"\b(?:the\s+)?({dem})(?:\s*[-–/]\s*({dem}))?\s+(?:border|frontier)\b"),
    }


def _demonym_words() -> list[str]:
    raw = load_data("geo_demonyms.yaml")
    return [w for ws in raw["demonyms"].values() for w in ws]


def find_region_phrases(text: str, mentions: list[Mention]) -> list[RegionPhrase]:
    """Region and relative phrases built on the given mentions (and demonym border phrases)."""
    pats = _patterns()
    directions = {fold(k): v for k, v in region_words()["directions"].items()}
    phrases: list[RegionPhrase] = []
    for i, m in enumerate(mentions):
        before = text[max(0, m.start - 60): m.start]
        after = text[m.end: m.end + 40]
        offset = m.start - len(before)
        directional = pats["any_direction"].search(before) is not None
        if directional and (hit := pats["dist_dir_of"].search(before)):
            km = float(hit.group(1)) * _KM_PER_UNIT[hit.group(2).lower()]
            phrases.append(RegionPhrase(offset + hit.start(), m.end, "relative", i,
                                        bearing=directions.get(fold(hit.group(3))), distance_km=km))
            continue
        if directional and (hit := pats["dir_of_inside"].search(before)):
            phrases.append(RegionPhrase(offset + hit.start(), m.end, "direction", i,
                                        bearing=_bearing(directions, hit.group(1))))
            continue
        if directional and (hit := pats["dir_of"].search(before)):
            phrases.append(RegionPhrase(offset + hit.start(), m.end, "relative", i,
                                        bearing=_bearing(directions, hit.group(1))))
            continue
        if directional and (hit := pats["dir_adj"].search(before)):
            end = m.end
            extra = pats["countryside"].match(after) or pats["desert"].match(after)
            if extra:
                end = m.end + extra.end()
            phrases.append(RegionPhrase(offset + hit.start(1), end, "direction", i,
                                        bearing=_bearing(directions, hit.group(1))))
            continue
        if (hit := pats["countryside"].match(after)):
            phrases.append(RegionPhrase(m.start, m.end + hit.end(), "countryside", i))
            continue
        if (hit := pats["desert"].match(after)):
            start = m.start - 4 if text[max(0, m.start - 4): m.start].lower() == "the " else m.start
            phrases.append(RegionPhrase(start, m.end + hit.end(), "desert", i))
            continue
        if (hit := pats["border_of"].search(before)) and i + 1 < len(mentions):
            nxt = mentions[i + 1]
            if pats["and"].match(text[m.end: nxt.start]):
                phrases.append(RegionPhrase(offset + hit.start(), nxt.end, "border", i, other=i + 1))
                continue
        if i + 1 < len(mentions) and pats["dash"].match(text[m.end: mentions[i + 1].start]):
            nxt = mentions[i + 1]
            if pats["border_after"].match(text[nxt.end: nxt.end + 12]):
                phrases.append(RegionPhrase(m.start, nxt.end + pats["border_after"].match(
                    text[nxt.end: nxt.end + 12]).end(), "border", i, other=i + 1))
                continue
        if (hit := pats["border_with"].search(before)):
            phrases.append(RegionPhrase(offset + hit.start(), m.end, "border", None, other=i))
            continue
        if (hit := pats["near"].search(before)):
            phrases.append(RegionPhrase(offset + hit.start(), m.end, "near", i))
    dem = demonyms()
    # the pattern ends on "border" or "frontier": most reports have neither, and trying its
    # alternation of demonyms at every character was most of this function's time
    border_words = "border" in text or "frontier" in text
    for hit in pats["demonym_border"].finditer(text) if border_words else ():
        first = dem.get(fold(hit.group(1)), "")
        second = dem.get(fold(hit.group(2) or ""), "")
        start = hit.start(1)
        if (near := pats["near"].search(text[max(0, start - 40): start])):
            start = max(0, start - 40) + near.start()
        if second:
            phrases.append(RegionPhrase(start, hit.end(), "border", None, other_country=second, own_country=first))
        else:
            phrases.append(RegionPhrase(start, hit.end(), "border", None, other_country=first))
    return phrases


def _directional_part(points: list[tuple[float, float]], bearing: float
                      ) -> tuple[float, float, list[tuple[float, float]]]:
    """The point and the settled cells of the part of an area in one direction ('eastern Syria').

    Cells, not places: places crowd in some parts of a country (western Syria, Hasakah's
    villages), which pulled a medoid of "the east third of the places" 250 km west. The point is
    the middle of the chosen cells' spread, so a part that is mostly desert (western Iraq) is
    drawn in its middle, not at its biggest cluster.
    """
    by_cell: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for lat, lon in points:
        by_cell.setdefault((math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)), []).append((lat, lon))
    cells = [medoid(v) for v in by_cell.values()]
    coslat = math.cos(math.radians(median(p[0] for p in cells)))
    mid_x = median(p[1] for p in cells) * coslat
    mid_y = median(p[0] for p in cells)
    dx, dy = math.sin(math.radians(bearing)), math.cos(math.radians(bearing))

    def along(p: tuple[float, float]) -> float:
        return (p[1] * coslat - mid_x) * dx + (p[0] - mid_y) * dy

    def off_bearing(p: tuple[float, float]) -> float:
        angle = math.degrees(math.atan2(p[1] * coslat - mid_x, p[0] - mid_y)) % 360
        return abs((angle - bearing + 180) % 360 - 180)

    far = max(along(p) for p in cells)
    chosen = [p for p in cells if along(p) >= OUTER_SHARE * far and off_bearing(p) <= SECTOR_DEG]
    if len(chosen) < 3:
        chosen = sorted(cells, key=lambda p: -along(p))[:3]
    lat = (min(p[0] for p in chosen) + max(p[0] for p in chosen)) / 2
    lon = (min(p[1] for p in chosen) + max(p[1] for p in chosen)) / 2
    return lat, lon, chosen


def _bearing(directions: dict[str, float], word: str) -> float | None:
    key = fold(word)
    if key in directions:
        return float(directions[key])
    return float(directions[key + "ern"]) if key + "ern" in directions else None


class RegionLocator:
    """Computes a representative point, radius and ACLED precision for region phrases."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self._border_cache: dict[tuple, RegionPoint | None] = {}
        self._direction_cache: dict[tuple, RegionPoint] = {}

    def area_points(self, entry: Entry) -> list[tuple[float, float]]:
        """Populated places inside a country or first-level division."""
        if entry.kind == "country":
            rows = self.gazetteer.places_in(entry.country_code)
        elif entry.kind == "admin1":
            rows = self.gazetteer.places_in(entry.country_code, entry.admin1_code)
        else:
            return []
        return [(lat, lon) for lat, lon, _gid, _pop in rows]

    def direction(self, entry: Entry, bearing: float, label: str) -> RegionPoint:
        """The medoid of the places in the named third of an area ('north-western Syria')."""
        key = (entry.geonameid, bearing)
        if key not in self._direction_cache:
            self._direction_cache[key] = self._direction(entry, bearing)
        cached = self._direction_cache[key]
        return RegionPoint(cached.lat, cached.lon, cached.radius_km, cached.precision, cached.country_code, label,
                           f"{label}: {cached.reason}")

    def _direction(self, entry: Entry, bearing: float) -> RegionPoint:
        label = f"{_compass(bearing)} {entry.name}"
        points = self.area_points(entry)
        if len(points) < 6:
            radius = entry.radius_km or _town_radius(entry.population)
            lat, lon = (entry.lat, entry.lon) if bearing < 0 else offset_point(entry.lat, entry.lon, bearing,
                                                                               max(3.0, radius * 0.5))
            return RegionPoint(lat, lon, round(max(5.0, radius * 0.6), 1), 2, entry.country_code, label,
                               f"offset from {entry.name} towards the {_compass(bearing)}")
        lats = sorted(p[0] for p in points)
        lons = sorted(p[1] for p in points)
        lo_lat, hi_lat = lats[0], lats[-1]
        lo_lon, hi_lon = lons[0], lons[-1]
        def norm(p: tuple[float, float]) -> tuple[float, float]:
            return ((p[1] - lo_lon) / ((hi_lon - lo_lon) or 1) - 0.5, (p[0] - lo_lat) / ((hi_lat - lo_lat) or 1) - 0.5)
        if bearing < 0:
            ranked = sorted(points, key=lambda p: math.hypot(*norm(p)))
            chosen = ranked[: max(3, len(ranked) // 3)]
            lat, lon = medoid(chosen)
            why = f"the central third of {entry.name}'s {len(points)} gazetteer places; point is their medoid"
        else:
            lat, lon, chosen = _directional_part(points, bearing)
            why = (f"the {_compass(bearing)} part of {entry.name}: the middle of the {len(chosen)} settled "
                   f"{CELL_DEG}° cells lying that way from its middle (within {SECTOR_DEG:.0f}°, in the "
                   f"outer {1 - OUTER_SHARE:.0%} of the distance)")
        dists = sorted(haversine_km(lat, lon, p[0], p[1]) for p in chosen)
        # A directional part's cells are its extent: the radius reaches (nearly) all of them.
        radius = round(_pct(dists, 0.75 if bearing < 0 else 0.95) + 10, 1)
        precision = 3 if entry.kind in ("country", "admin1") else 2
        return RegionPoint(lat, lon, radius, precision, entry.country_code, label, why)

    def near(self, entry: Entry, label: str) -> RegionPoint:
        radius = (entry.radius_km if entry.kind != "place" and entry.radius_km else _town_radius(entry.population)) + 10
        precision = 2 if entry.kind in ("place", "admin2") else 3
        return RegionPoint(entry.lat, entry.lon, round(radius, 1), precision, entry.country_code, label,
                           f"{label}: around {entry.name}")

    def relative(self, entry: Entry, bearing: float | None, distance_km: float | None, label: str) -> RegionPoint:
        if bearing is None or bearing < 0:
            return self.near(entry, label)
        if distance_km is None:
            if entry.kind != "place":
                return self.direction(entry, bearing, label)
            distance_km = max(8.0, _town_radius(entry.population) * 1.5)
            why = f"about {distance_km:.0f} km"
        else:
            why = f"{distance_km:.0f} km"
        lat, lon = offset_point(entry.lat, entry.lon, bearing, distance_km)
        return RegionPoint(lat, lon, round(max(5.0, distance_km * 0.4), 1), 2, entry.country_code, label,
                           f"{label}: {why} {_compass(bearing)} of {entry.name}")

    def countryside(self, entry: Entry, label: str) -> RegionPoint:
        if entry.kind == "place":
            return RegionPoint(entry.lat, entry.lon, 30.0, 2, entry.country_code, label,
                               f"{label}: rural surroundings of {entry.name}")
        return RegionPoint(entry.lat, entry.lon, entry.radius_km or 50.0, 3, entry.country_code, label,
                           f"{label}: rural parts of {entry.name}")

    def desert(self, entry: Entry, label: str) -> RegionPoint:
        """The middle of a division's extent: deserts lie away from the towns that anchor its point."""
        area = entry
        if entry.kind == "place" and entry.admin1_code:
            area = self.gazetteer.admin1(entry.country_code, entry.admin1_code) or entry
        if area.south is None or area.north is None:
            return self.countryside(entry, label)
        lat = (area.south + area.north) / 2
        lon = (area.west + area.east) / 2
        radius = haversine_km(area.south, area.west, area.north, area.east) / 2
        return RegionPoint(lat, lon, round(radius, 1), 3, area.country_code, label,
                           f"{label}: the middle of {area.name}'s extent")

    def border(self, first: Entry, second: Entry, label: str) -> RegionPoint | None:
        """Places of ``first`` close to ``second``; for two towns, their midpoint."""
        key = (first.geonameid, second.geonameid)
        if key in self._border_cache:
            return self._border_cache[key]
        result: RegionPoint | None
        if first.kind == "place" and second.kind == "place":
            lat, lon = (first.lat + second.lat) / 2, (first.lon + second.lon) / 2
            d = haversine_km(first.lat, first.lon, second.lat, second.lon)
            result = RegionPoint(lat, lon, round(d / 2 + 5, 1), 2, first.country_code, label,
                                 f"{label}: between {first.name} and {second.name}")
        else:
            mine = self.area_points(first) or [(first.lat, first.lon)]
            theirs = self.area_points(second) or [(second.lat, second.lon)]
            grid = GridIndex(((la, lo, None) for la, lo in theirs), cell_deg=0.5)
            dists = []
            for p in mine:
                hit = grid.nearest(p[0], p[1], max_rings=2)
                dists.append((hit[0] if hit else 1e9, p))
            dists.sort(key=lambda dp: dp[0])
            close = [p for d, p in dists if d <= 30.0]
            if len(close) < 3:  # sparse data: the few places nearest the other side
                close = [p for _d, p in dists[: max(3, len(dists) // 30)]]
            lat, lon = medoid(close)
            spread = sorted(haversine_km(lat, lon, p[0], p[1]) for p in close)
            radius = round(_pct(spread, 0.75) + 10, 1)
            result = RegionPoint(lat, lon, radius, 3 if radius > 40 else 2, first.country_code, label,
                                 f"{label}: {len(close)} places of {first.name} nearest to {second.name}; "
                                 f"point is their medoid")
        self._border_cache[key] = result
        return result


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))]


def _town_radius(population: int) -> float:
    """A rough radius of a town from its population (km)."""
    return round(max(2.0, 1.0 + math.sqrt(max(population, 0)) / 150.0), 1)


def town_radius(population: int) -> float:
    """Public form of the population-based town radius (also used for resolved towns)."""
    return _town_radius(population)


def _compass(bearing: float | None) -> str:
    if bearing is None or bearing < 0:
        return "centre"
    names = ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"]
    return names[int(((bearing % 360) + 22.5) // 45) % 8]
