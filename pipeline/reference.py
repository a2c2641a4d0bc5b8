"""Reference layers: ACLED and UCDP GED exports set beside opsmap's own extraction.

The user downloads a CSV export (ACLED's or UCDP GED's); these rows go into the same event table
with ``source_dataset`` set to ``acled`` or ``ucdp``, so the map can show them side by side and
filter by dataset. They are never merged with opsmap's events.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .event import EVENT_COLUMNS, Event
from .ingest import IngestError, normalise_date
from .settings import Settings, load_settings
from .store import Store, writer_lock

ACLED_REQUIRED = {"event_date", "event_type", "actor1", "latitude", "longitude"}
UCDP_REQUIRED = {"id", "date_start", "side_a", "side_b", "latitude", "longitude", "best"}
_UCDP_VIOLENCE = {1: ("Battles", "Armed clash", "State-based conflict"),
                  2: ("Battles", "Armed clash", "Non-state conflict"),
                  3: ("Violence against civilians", "Attack", "One-sided violence")}


def _int(value: object) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _float(value: object) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(number) else number


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def detect_dataset(columns: set[str]) -> str | None:
    if UCDP_REQUIRED <= columns:
        return "ucdp"
    if ACLED_REQUIRED <= columns:
        return "acled"
    return None


def acled_events(frame: pd.DataFrame, source: str) -> list[Event]:
    events = []
    for number, row in enumerate(frame.to_dict("records"), 2):
        values = {c: row[c] for c in EVENT_COLUMNS if c in row}
        event_id = _text(row.get("event_id_cnty") or row.get("event_id")) or f"line{number}"
        lat, lon = _float(row.get("latitude")), _float(row.get("longitude"))
        if lat is None or lon is None:
            raise IngestError(f"{source}:{number}", "latitude/longitude missing or not a number")
        event = Event(
            **{k: _text(v) for k, v in values.items() if k in {
                "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2",
                "assoc_actor_2", "civilian_targeting", "region", "country", "admin1", "admin2",
                "admin3", "location", "source", "source_scale", "notes", "tags"}},
            event_id=f"acled-{event_id}",
            event_date=normalise_date(row.get("event_date"), f"{source}:{number}"),
            latitude=lat, longitude=lon,
            fatalities=_int(row.get("fatalities")) or 0,
            fatalities_known=_int(row.get("fatalities")) is not None,
            time_precision=_int(row.get("time_precision")) or 1,
            geo_precision=_int(row.get("geo_precision")),
            inter1=_int(row.get("inter1")), inter2=_int(row.get("inter2")),
            interaction=_int(row.get("interaction")), iso=_int(row.get("iso")),
            timestamp=_int(row.get("timestamp")), source_dataset="acled", report_id="",
        )
        event.year = int(event.event_date[:4])
        events.append(event)
    return events


def ucdp_events(frame: pd.DataFrame, source: str) -> list[Event]:
    events = []
    for number, row in enumerate(frame.to_dict("records"), 2):
        violence = _UCDP_VIOLENCE.get(_int(row.get("type_of_violence")) or 1, _UCDP_VIOLENCE[1])
        date_prec = _int(row.get("date_prec")) or 1
        where_prec = _int(row.get("where_prec")) or 3
        lat, lon = _float(row.get("latitude")), _float(row.get("longitude"))
        if lat is None or lon is None:
            raise IngestError(f"{source}:{number}", "latitude/longitude missing or not a number")
        date = normalise_date(_text(row.get("date_start"))[:10], f"{source}:{number}")
        events.append(Event(
            event_id=f"ucdp-{_text(row.get('id'))}", event_date=date, year=int(date[:4]),
            time_precision=1 if date_prec == 1 else 2 if date_prec <= 3 else 3,
            disorder_type="Political violence", event_type=violence[0], sub_event_type=violence[1],
            actor1=_text(row.get("side_a")), actor2=_text(row.get("side_b")),
            country=_text(row.get("country")), admin1=_text(row.get("adm_1")),
            admin2=_text(row.get("adm_2")), region=_text(row.get("region")),
            location=_text(row.get("where_coordinates")), latitude=lat, longitude=lon,
            geo_precision=1 if where_prec == 1 else 2 if where_prec == 2 else 3,
            fatalities=_int(row.get("best")) or 0, fatalities_known=_int(row.get("best")) is not None,
            source=_text(row.get("source_office")), notes=_text(row.get("source_headline")),
            tags=f"UCDP {violence[2]}; best estimate; low {_text(row.get('low'))}, high {_text(row.get('high'))}",
            source_dataset="ucdp",
        ))
    return events


def import_reference(path: str | Path, settings: Settings | None = None,
                     dataset: str | None = None) -> tuple[int, str]:
    """Import one CSV export; returns (rows imported, dataset). Re-importing replaces, never duplicates."""
    settings = settings or load_settings()
    source = str(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise IngestError(source, "no such file") from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise IngestError(source, f"not a readable CSV file ({exc.__class__.__name__})") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    dataset = dataset or detect_dataset(set(frame.columns))
    if dataset is None:
        raise IngestError(source, "columns match neither an ACLED export (event_date, event_type, actor1, "
                                  "latitude, longitude) nor a UCDP GED export (id, date_start, side_a, side_b, ...)")
    required = ACLED_REQUIRED if dataset == "acled" else UCDP_REQUIRED
    missing = sorted(required - set(frame.columns))
    if missing:
        raise IngestError(source, f"not a {dataset.upper()} export: missing columns {', '.join(missing)}")
    events = (acled_events if dataset == "acled" else ucdp_events)(frame, source)
    with writer_lock(settings.db_path), Store(settings.db_path) as store:
        store.save_reference(events)
    return len(events), dataset
