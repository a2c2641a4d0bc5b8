"""The gazetteer's SQLite schema and the rows every source writes into it."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from ..names import fold, variant_key, variant_rules

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS places (
    geonameid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    feature_class TEXT NOT NULL DEFAULT 'P',
    feature_code TEXT NOT NULL DEFAULT 'PPL',
    country_code TEXT NOT NULL DEFAULT '',
    admin1_code TEXT NOT NULL DEFAULT '',
    admin2_code TEXT NOT NULL DEFAULT '',
    population INTEGER NOT NULL DEFAULT 0,
    south REAL, west REAL, north REAL, east REAL,
    radius_km REAL,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS places_admin ON places(country_code, admin1_code, admin2_code);
CREATE INDEX IF NOT EXISTS places_lat ON places(lat, lon);
CREATE TABLE IF NOT EXISTS names (
    key TEXT NOT NULL,
    vkey TEXT NOT NULL,
    geonameid INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (key, geonameid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS names_vkey ON names(vkey);
CREATE INDEX IF NOT EXISTS names_id ON names(geonameid);
CREATE TABLE IF NOT EXISTS countries (
    country_code TEXT PRIMARY KEY,
    geonameid INTEGER,
    name TEXT NOT NULL,
    iso3 TEXT, continent TEXT, capital TEXT,
    population INTEGER, area_km2 REAL, neighbours TEXT
);
CREATE TABLE IF NOT EXISTS admin1 (
    country_code TEXT NOT NULL, admin1_code TEXT NOT NULL, geonameid INTEGER, name TEXT NOT NULL,
    PRIMARY KEY (country_code, admin1_code)
);
CREATE TABLE IF NOT EXISTS admin2 (
    country_code TEXT NOT NULL, admin1_code TEXT NOT NULL, admin2_code TEXT NOT NULL,
    geonameid INTEGER, name TEXT NOT NULL,
    PRIMARY KEY (country_code, admin1_code, admin2_code)
);
"""

#: Name kinds, best first: how a lookup matched is reported from these.
NAME_KINDS = ("name", "alt", "short", "extra")

PLACE_COLUMNS = ("geonameid", "name", "lat", "lon", "feature_class", "feature_code", "country_code",
                 "admin1_code", "admin2_code", "population", "south", "west", "north", "east",
                 "radius_km", "source")


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the pragmas the gazetteer wants (fast bulk writes, shared reads)."""
    if readonly:
        conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, check_same_thread=False)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.executescript(SCHEMA)
    conn.execute("PRAGMA cache_size=-65536")
    return conn


def derived_id(*parts: str) -> int:
    """A stable negative id for an entry GeoNames gives no id for (a derived division)."""
    digest = hashlib.blake2b("|".join(parts).encode("utf-8"), digest_size=6).digest()
    return -int.from_bytes(digest, "big") - 1


def name_row(name: str, geonameid: int, kind: str) -> tuple[str, str, int, str, str] | None:
    """A ``names`` row (key, vkey, geonameid, name, kind), or None for an empty key."""
    key = fold(name)
    if not key:
        return None
    return key, variant_key(name), geonameid, name, kind


def write_meta(conn: sqlite3.Connection, **values: object) -> None:
    conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                     [(k, str(v)) for k, v in values.items()])


def stamp_versions(conn: sqlite3.Connection) -> None:
    """Record the schema and variant-rule versions the name keys were built with."""
    write_meta(conn, schema_version=SCHEMA_VERSION, variant_rules_version=variant_rules().version)
