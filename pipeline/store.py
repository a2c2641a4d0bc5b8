"""The event store: one SQLite file, the system of record.

Plain SQLite (WAL mode) so that the ``sqlite3`` shell and Datasette open it unchanged. A report
is saved with its places and events in one transaction, so a crash never leaves half a report.
"""
from __future__ import annotations

import fcntl
import json
import math
import operator
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
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

#: What :func:`pipeline.merge.same_operation` looks at: all a stored event needs for matching.
_MATCH_COLUMNS = ", ".join([
    "event_id", "event_date", "time_precision", "disorder_type", "event_type", "actor1", "actor2",
    "latitude", "longitude", "geo_precision", "geo_radius_km", "is_summary", "confidence"])

PLACE_COLUMNS = [
    "report_id", "text", "start", "end", "resolved", "name", "geonameid", "latitude", "longitude",
    "country_code", "country", "admin1", "admin2", "feature", "precision", "radius_km", "score",
    "reason", "kind", "eventable", "is_dateline",
]

#: A place's values in PLACE_COLUMNS order (after report_id), read in one call.
_place_values = operator.attrgetter(*PLACE_COLUMNS[1:])

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
        event_id TEXT NOT NULL, report_id TEXT NOT NULL, mention_id TEXT NOT NULL,
        source TEXT, source_url TEXT, published TEXT, notes TEXT, sentence_start INTEGER,
        sentence_end INTEGER, event_date TEXT, fatalities INTEGER, location TEXT, latitude REAL,
        longitude REAL, geo_precision INTEGER, merge_reason TEXT, record TEXT,
        PRIMARY KEY (report_id, mention_id)
    );
    CREATE INDEX IF NOT EXISTS event_sources_event ON event_sources(event_id);
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


class StoreBusy(StoreError):
    """Another opsmap process is writing to the store."""


@contextmanager
def writer_lock(db_path: str | Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the store's writer lock (a lock file beside it) for a whole ingest.

    SQLite serialises single transactions; this lock makes whole runs exclusive, so two
    ``opsmap build`` runs never interleave. With ``wait`` = 0 a second writer is refused at once.
    """
    path = Path(f"{db_path}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise StoreBusy(f"{db_path}: another opsmap run ({holder}) is writing to this "
                                    "store; try again when it has finished") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


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
        """Store a report with its places and events, replacing what it had before, atomically.

        Each event is a source's account of an operation: it joins the stored event for the same
        operation (see :mod:`pipeline.merge`) or starts a new one.
        """
        places, events = list(places), list(events)
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            affected = {r[0] for r in self.conn.execute(
                "SELECT DISTINCT event_id FROM event_sources WHERE report_id=?", (report.report_id,))}
            self.conn.execute("DELETE FROM places WHERE report_id=?", (report.report_id,))
            self.conn.execute("DELETE FROM event_sources WHERE report_id=?", (report.report_id,))
            self.conn.execute(
                "INSERT OR REPLACE INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (report.report_id, report.url, report.title, report.publisher, report.published,
                 report.language, report.path, report.fetched_at, report.content_hash, report.text,
                 report.raw, status, _now()))
            self.conn.executemany(
                f"INSERT INTO places VALUES ({','.join('?' * len(PLACE_COLUMNS))})",
                [(report.report_id, *map(_sql_value, _place_values(p))) for p in places])
            taken: set[str] = set()  # one account per report per event
            for mention in events:
                event_id, reason = self._matching_event(mention, affected, taken)
                taken.add(event_id)
                affected.add(event_id)
                self.conn.execute(
                    "INSERT OR REPLACE INTO event_sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (event_id, report.report_id, mention.event_id, mention.source, mention.source_url,
                     mention.published, mention.notes, mention.sentence_start, mention.sentence_end,
                     mention.event_date, mention.fatalities, mention.location, mention.latitude,
                     mention.longitude, mention.geo_precision, reason,
                     json.dumps(mention.to_row(), ensure_ascii=False)))
            for event_id in affected:
                self._remerge(event_id)

    def save_reference(self, events: Iterable[Event]) -> None:
        """Insert or replace reference-dataset rows (ACLED, UCDP) as they are; no merging."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self._insert_events(events)

    def _insert_events(self, events: Iterable[Event]) -> None:
        quoted = ",".join(f'"{c}"' for c in EVENT_COLUMNS)
        self.conn.executemany(
            f"INSERT OR REPLACE INTO events ({quoted}) VALUES ({','.join('?' * len(EVENT_COLUMNS))})",
            [[_sql_value(v) for v in e.to_row().values()] for e in events])

    def _matching_event(self, mention: Event, skip: set[str], taken: set[str]) -> tuple[str, str]:
        """The stored event this account belongs to, or the account's own id for a new event."""
        from .merge import MAX_MATCH_KM, match_distance, same_operation

        if mention.event_date and mention.latitude is not None and mention.longitude is not None:
            # only events that could match: within a month and within MAX_MATCH_KM (a box in degrees)
            dlat = MAX_MATCH_KM / 111.0
            dlon = min(180.0, dlat / max(0.1, math.cos(math.radians(mention.latitude))))
            rows = self.conn.execute(
                f"SELECT {_MATCH_COLUMNS} FROM events "
                "WHERE event_date BETWEEN date(?, '-31 day') AND date(?, '+31 day') "
                "AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? "
                "AND (event_type = ? OR event_type = '' OR ? = '') "
                "AND event_id != ? AND source_dataset = 'opsmap' ORDER BY event_date, event_id",
                (mention.event_date, mention.event_date, mention.latitude - dlat, mention.latitude + dlat,
                 mention.longitude - dlon, mention.longitude + dlon, mention.event_type,
                 mention.event_type, mention.event_id)).fetchall()
            matches = []
            for row in rows:
                if row["event_id"] in taken:
                    continue
                stored = event_from_row(dict(row))
                ok, reason = same_operation(mention, stored)
                if ok:
                    matches.append((match_distance(mention, stored), row["event_id"], reason))
            if matches:
                _, event_id, reason = min(matches)
                return event_id, reason
        new_id, n = mention.event_id, 1
        while self.conn.execute("SELECT 1 FROM event_sources WHERE event_id=? LIMIT 1", (new_id,)).fetchone() \
                or new_id in taken:
            new_id, n = f"{mention.event_id}.{n}", n + 1  # the id is still held by other reports' accounts
        return new_id, "first report of this operation"

    def _remerge(self, event_id: str) -> None:
        from .merge import merge_sources

        records = [_account(r[0]) for r in self.conn.execute(
            "SELECT record FROM event_sources WHERE event_id=? ORDER BY published, report_id", (event_id,))]
        self.conn.execute("DELETE FROM events WHERE event_id=?", (event_id,))
        if records:
            self._insert_events([merge_sources(event_id, records)])

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

    def stored_reports(self) -> list[Report]:
        """Every stored report as a :class:`Report`, for re-extraction."""
        rows = self.conn.execute("SELECT * FROM reports ORDER BY report_id").fetchall()
        return [Report(text=r["text"], title=r["title"] or "", url=r["url"] or "",
                       published=r["published"] or "", publisher=r["publisher"] or "",
                       language=r["language"] or "en", path=r["path"] or "",
                       fetched_at=r["fetched_at"] or "", raw=r["raw"] or "", report_id=r["report_id"])
                for r in rows]

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


_EVENT_COLUMN_SET = frozenset(EVENT_COLUMNS)


def event_from_row(row: dict) -> Event:
    """An Event from a stored row (SQL types back to Python ones)."""
    values = {c: v for c, v in row.items() if c in _EVENT_COLUMN_SET}
    evidence = values.get("evidence")
    if isinstance(evidence, str):
        values["evidence"] = json.loads(evidence) if evidence else {}
    for col in _BOOL_COLUMNS:
        if col in values:
            values[col] = bool(values[col])
    for col in ("fatalities", "time_precision"):  # NULL in SQL: keep the dataclass default
        if values.get(col) is None:
            values.pop(col, None)
    return Event(**values)


@lru_cache(maxsize=20_000)
def _account(record: str) -> Event:
    """A source's account from its stored JSON record. Memoised: an event with many sources is merged
    again at each new one, reading every record each time. The events are shared, so only read
    (:func:`pipeline.merge.merge_sources` copies before it changes anything)."""
    return event_from_row(json.loads(record))


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
