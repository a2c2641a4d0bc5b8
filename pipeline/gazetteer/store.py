"""Reading the gazetteer: entries, candidates for a name, places inside a country or division.

Opening is cheap (one SQLite connection); hot lookups are memoised per process and the heavier
in-memory indices (places per country, the reverse-geocoding grid) load on first use.
"""
from __future__ import annotations

import math
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path

from .entry import Candidate, Entry
from .geometry import haversine_km
from ..names import fold
from .matching import _ENTRY_SQL, NameMatcher, entry_from_row
from .schema import connect


class GazetteerMissing(FileNotFoundError):
    """No gazetteer at the configured path (build one with `opsmap gazetteer build`)."""


class Gazetteer:
    """The offline GeoNames gazetteer. Use :meth:`open` or :func:`ensure_gazetteer`."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()
        # Per-instance memos: hot names and entries are looked up once per process.
        self._candidates_memo = lru_cache(maxsize=100_000)(self._candidates)
        self._exact_memo = lru_cache(maxsize=100_000)(self._exact_candidates)
        self._get_memo = lru_cache(maxsize=100_000)(self._get)
        self._matcher = NameMatcher(conn, self.get)
        self._places_in = lru_cache(maxsize=512)(self._load_places_in)
        self._nearest_memo = lru_cache(maxsize=100_000)(self._nearest_place)
        self._division_names: dict[str, tuple[tuple[str, str], ...]] | None = None

    @classmethod
    def open(cls, path: Path | str) -> "Gazetteer":
        """Open an existing gazetteer read-only; raises GazetteerMissing when there is none."""
        path = Path(path)
        if not path.exists():
            raise GazetteerMissing(f"no gazetteer at {path}; run `opsmap gazetteer build`")
        conn = connect(path, readonly=True)
        try:
            conn.execute("SELECT 1 FROM places LIMIT 1").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise GazetteerMissing(f"{path} is not a gazetteer ({exc})") from None
        return cls(conn, path)

    def close(self) -> None:
        self._conn.close()

    # -- lookups ---------------------------------------------------------------------------
    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def candidates(self, text: str) -> tuple[Candidate, ...]:
        """Entries ``text`` may name, best match first, each saying how it matched."""
        return self._candidates_memo(text)

    def exact_candidates(self, text: str) -> tuple[Candidate, ...]:
        """Like :meth:`candidates` but exact and alternate names only (cheap; for recognition)."""
        return self._exact_memo(text)

    def _candidates(self, text: str) -> tuple[Candidate, ...]:
        with self._lock:
            return tuple(self._matcher.candidates(text))

    def _exact_candidates(self, text: str) -> tuple[Candidate, ...]:
        with self._lock:
            return tuple(self._matcher.exact_candidates(text))

    def _get(self, geonameid: int) -> Entry | None:
        rows = self._query(f"SELECT {_ENTRY_SQL} FROM places p WHERE p.geonameid = ?", (geonameid,))
        return entry_from_row(rows[0]) if rows else None

    def get(self, geonameid: int) -> Entry | None:
        """The entry with this id (negative ids are divisions derived from pip data)."""
        return self._get_memo(geonameid)

    @lru_cache(maxsize=1024)
    def country(self, country_code: str) -> Entry | None:
        """The country entry for an ISO code."""
        rows = self._query("SELECT geonameid FROM countries WHERE country_code = ?", (country_code,))
        return self.get(rows[0][0]) if rows else None

    @lru_cache(maxsize=4096)
    def admin1(self, country_code: str, admin1_code: str) -> Entry | None:
        """The first-level division entry, if the gazetteer knows it."""
        rows = self._query("SELECT geonameid FROM admin1 WHERE country_code = ? AND admin1_code = ?",
                           (country_code, admin1_code))
        return self.get(rows[0][0]) if rows and rows[0][0] is not None else None

    def division_names(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Folded first-level division name -> the (country, admin1 code) pairs bearing it."""
        if self._division_names is None:
            out: dict[str, list[tuple[str, str]]] = {}
            for cc, code, name in self._query("SELECT country_code, admin1_code, name FROM admin1"):
                key = fold(name)
                if key:
                    out.setdefault(key, []).append((cc, code))
            self._division_names = {k: tuple(v) for k, v in out.items()}
        return self._division_names

    @lru_cache(maxsize=1024)
    def neighbours(self, country_code: str) -> frozenset[str]:
        """ISO codes of the countries bordering this one (GeoNames' country info)."""
        rows = self._query("SELECT neighbours FROM countries WHERE country_code = ?", (country_code,))
        return frozenset(c for c in (rows[0][0] or "").split(",") if c) if rows else frozenset()

    def country_name(self, country_code: str) -> str:
        entry = self.country(country_code)
        return entry.name if entry else ""

    def admin1_name(self, country_code: str, admin1_code: str) -> str:
        entry = self.admin1(country_code, admin1_code) if admin1_code else None
        return entry.name if entry else ""

    def places_in(self, country_code: str, admin1_code: str | None = None) -> list[tuple[float, float, int, int]]:
        """(lat, lon, geonameid, population) of the populated places in a country or division."""
        return self._places_in(country_code, admin1_code)

    def _load_places_in(self, country_code: str, admin1_code: str | None) -> list[tuple[float, float, int, int]]:
        if admin1_code is None:
            return self._query("SELECT lat, lon, geonameid, population FROM places WHERE country_code = ? "
                               "AND feature_class = 'P'", (country_code,))
        return self._query("SELECT lat, lon, geonameid, population FROM places WHERE country_code = ? "
                           "AND admin1_code = ? AND feature_class = 'P'", (country_code, admin1_code))

    def nearest_place(self, lat: float, lon: float) -> tuple[float, Entry] | None:
        """The nearest populated place to a point (distance km, entry), by widening box queries.

        Memoised: region phrases ("north of Aleppo") put the same points in many reports."""
        return self._nearest_memo(lat, lon)

    def _nearest_place(self, lat: float, lon: float) -> tuple[float, Entry] | None:
        for box in (0.25, 1.0, 4.0):
            wide = box / max(0.1, math.cos(math.radians(lat)))
            rows = self._query("SELECT lat, lon, geonameid FROM places WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? "
                               "AND ? AND feature_class = 'P'", (lat - box, lat + box, lon - wide, lon + wide))
            if not rows:
                continue
            dist, gid = min((haversine_km(lat, lon, la, lo), g) for la, lo, g in rows)
            if dist <= box * 111 or box == 4.0:
                entry = self.get(gid)
                return (dist, entry) if entry else None
        return None

    def meta(self) -> dict[str, str]:
        """Provenance and versions recorded by builds and imports."""
        return dict(self._query("SELECT key, value FROM meta"))

    def stats(self) -> dict:
        """What the gazetteer holds: counts by feature kind, names, provenance."""
        counts = dict(self._query("SELECT feature_class || '.' || feature_code, COUNT(*) FROM places "
                                  "WHERE feature_class != 'P' GROUP BY 1"))
        populated = self._query("SELECT COUNT(*) FROM places WHERE feature_class = 'P'")[0][0]
        names = self._query("SELECT COUNT(*) FROM names")[0][0]
        meta = dict(self._query("SELECT key, value FROM meta"))
        return {"path": str(self.path), "populated_places": populated, "divisions_and_other": counts,
                "names": names, "countries": self._query("SELECT COUNT(*) FROM countries")[0][0], **meta}
