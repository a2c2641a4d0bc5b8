"""The event store: one SQLite file, the system of record.

Plain SQLite (WAL mode) so that the ``sqlite3`` shell and Datasette open it unchanged. A report
is saved with its places and events in one transaction, so a crash never leaves half a report.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .event import EVENT_COLUMNS, Event
from .place import Place
from .report import Report

SCHEMA_VERSION = 1

_EVENT_TYPES = {
    "year": "INTEGER", "time_precision": "INTEGER", "inter1": "INTEGER", "inter2": "INTEGER",
    "interaction": "INTEGER", "iso": "INTEGER", "latitude": "REAL", "longitude": "REAL",
    "geo_precision": "INTEGER", "fatalities": "INTEGER", "timestamp": "INTEGER",
    "fatalities_known": "INTEGER", "injured": "INTEGER", "detained": "INTEGER",
    "is_summary": "INTEGER", "confidence": "REAL", "sentence_start": "INTEGER",
    "sentence_end": "INTEGER", "geonameid": "INTEGER", "geo_radius_km": "REAL",
}
_BOOL_COLUMNS = ("fatalities_known", "is_summary")

PLACE_COLUMNS = [
    "report_id", "text", "start", "end", "resolved", "name", "geonameid", "latitude", "longitude",
    "country_code", "country", "admin1", "admin2", "feature", "precision", "radius_km", "score",
    "reason", "kind", "eventable", "is_dateline",
]

_MIGRATIONS: dict[int, str] = {
    1: f"""
    CREATE TABLE IF NOT EXISTS reports (
        report_id TEXT PRIMARY KEY, url TEXT, title TEXT, publisher TEXT, published TEXT,
        language TEXT, path TEXT, fetched_at TEXT, content_hash TEXT, text TEXT, raw TEXT,
        status TEXT, ingested_at TEXT
    );
    CREATE TABLE IF NOT EXISTS events (
        {", ".join(f'"{c}" {_EVENT_TYPES.get(c, "TEXT")}' + (" PRIMARY KEY" if c == "event_id" else "")
                   for c in EVENT_COLUMNS)}
    );
    CREATE INDEX IF NOT EXISTS events_report ON events(report_id);
    CREATE INDEX IF NOT EXISTS events_date ON events(event_date);
    CREATE TABLE IF NOT EXISTS event_sources (
        event_id TEXT NOT NULL, report_id TEXT NOT NULL, source TEXT, source_url TEXT,
        published TEXT, notes TEXT, sentence_start INTEGER, sentence_end INTEGER,
        fatalities INTEGER, location TEXT, latitude REAL, longitude REAL, geo_precision INTEGER,
        PRIMARY KEY (event_id, report_id, sentence_start)
    );
    CREATE TABLE IF NOT EXISTS places (
        report_id TEXT NOT NULL, text TEXT, start INTEGER, "end" INTEGER, resolved INTEGER,
        name TEXT, geonameid INTEGER, latitude REAL, longitude REAL, country_code TEXT,
        country TEXT, admin1 TEXT, admin2 TEXT, feature TEXT, precision INTEGER,
        radius_km REAL, score REAL, reason TEXT, kind TEXT, eventable INTEGER, is_dateline INTEGER
    );
    CREATE INDEX IF NOT EXISTS places_report ON places(report_id);
    CREATE TABLE IF NOT EXISTS ingest_errors (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, input TEXT, problem TEXT
    );
    CREATE TABLE IF NOT EXISTS geocode_cache (
        provider TEXT, query TEXT, result TEXT, at TEXT, PRIMARY KEY (provider, query)
    );
    """,
}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class StoreError(RuntimeError):
    """The store file cannot be used (not SQLite, or written by a newer opsmap)."""


class Store:
    """Open (and create or migrate) the store at ``path``."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly:
            if not self.path.exists():
                raise StoreError(f"{self.path}: no event store here; run `opsmap build` first")
            uri = f"file:{self.path.resolve()}?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self.conn.row_factory = sqlite3.Row
        try:
            if not readonly:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self._migrate()
            self.version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(f"{self.path}: not an opsmap store ({exc})") from None
        if self.version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {self.version} is newer than this opsmap "
                f"({SCHEMA_VERSION}); upgrade opsmap")

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for target in sorted(v for v in _MIGRATIONS if v > version):
            with self.conn:
                self.conn.executescript("BEGIN;" + _MIGRATIONS[target] + f"PRAGMA user_version={target};")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing ----
    def has_report(self, report: Report) -> bool:
        """True when this report, with this exact text, is stored already."""
        row = self.conn.execute(
            "SELECT content_hash FROM reports WHERE report_id=?", (report.report_id,)).fetchone()
        return row is not None and row["content_hash"] == report.content_hash

    def save_report(self, report: Report, places: Iterable[Place], events: Iterable[Event],
                    status: str = "ok") -> None:
        """Store a report with its places and events, replacing what it had before, atomically."""
        places, events = list(places), list(events)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self._delete_report_rows(report.report_id)
            self.conn.execute(
                "INSERT OR REPLACE INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (report.report_id, report.url, report.title, report.publisher, report.published,
                 report.language, report.path, report.fetched_at, report.content_hash, report.text,
                 report.raw, status, _now()))
            self.conn.executemany(
                f"INSERT INTO places VALUES ({','.join('?' * len(PLACE_COLUMNS))})",
                [[report.report_id] + [_sql_value(getattr(p, c)) for c in PLACE_COLUMNS[1:]]
                 for p in places])
            quoted = ",".join(f'"{c}"' for c in EVENT_COLUMNS)
            self.conn.executemany(
                f"INSERT OR REPLACE INTO events ({quoted}) VALUES ({','.join('?' * len(EVENT_COLUMNS))})",
                [[_sql_value(v) for v in e.to_row().values()] for e in events])
            self.conn.executemany(
                "INSERT OR REPLACE INTO event_sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(e.event_id, report.report_id, e.source, e.source_url, e.published, e.notes,
                  e.sentence_start, e.sentence_end, e.fatalities, e.location, e.latitude,
                  e.longitude, e.geo_precision) for e in events])

    def _delete_report_rows(self, report_id: str) -> None:
        self.conn.execute("DELETE FROM places WHERE report_id=?", (report_id,))
        self.conn.execute("DELETE FROM event_sources WHERE report_id=?", (report_id,))
        self.conn.execute("DELETE FROM events WHERE report_id=?", (report_id,))

    def record_error(self, input_name: str, problem: str) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO ingest_errors (at, input, problem) VALUES (?,?,?)",
                              (_now(), input_name, problem))

    # ---- reading ----
    def events(self) -> pd.DataFrame:
        """The event table, columns in :data:`EVENT_COLUMNS` order."""
        quoted = ",".join(f'"{c}"' for c in EVENT_COLUMNS)
        df = pd.read_sql_query(f"SELECT {quoted} FROM events ORDER BY event_date, event_id", self.conn)
        return normalise_event_frame(df)

    def places(self, report_id: str | None = None) -> pd.DataFrame:
        sql, args = "SELECT * FROM places", ()
        if report_id is not None:
            sql, args = sql + " WHERE report_id=?", (report_id,)
        return pd.read_sql_query(sql + ' ORDER BY report_id, start', self.conn, params=args)

    def reports(self) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT report_id, url, title, publisher, published, language, path, status "
            "FROM reports ORDER BY published, report_id", self.conn)

    def report(self, report_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM reports WHERE report_id=?", (report_id,)).fetchone()
        return dict(row) if row else None

    def event_sources(self, event_id: str) -> list[dict]:
        rows = self.conn.execute(
            "SELECT * FROM event_sources WHERE event_id=? ORDER BY published, report_id",
            (event_id,)).fetchall()
        return [dict(r) for r in rows]

    def errors(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM ingest_errors ORDER BY id", self.conn)

    def counts(self) -> dict[str, int]:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "reports": one("SELECT COUNT(*) FROM reports"),
            "events": one("SELECT COUNT(*) FROM events"),
            "places": one("SELECT COUNT(*) FROM places"),
            "unresolved": one("SELECT COUNT(*) FROM places WHERE resolved=0"),
            "errors": one("SELECT COUNT(*) FROM ingest_errors"),
        }


def _sql_value(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def normalise_event_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Give an event frame read from SQL or built in memory the same dtypes."""
    for col in _BOOL_COLUMNS:
        if col in df:
            df[col] = df[col].fillna(0).astype(bool)
    for col in ("fatalities",):
        if col in df:
            df[col] = df[col].fillna(0).astype(int)
    return df
