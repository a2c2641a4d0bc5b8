"""Filter state: what the analyst asked to see, how it maps to the URL, and how it cuts the table.

Kept free of Streamlit so the rules are unit-testable and the URL format is defined in one place.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date

import pandas as pd

ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
#: ACLED separates several associated actors in one cell with "; ".
ACTOR_SEPARATOR = ";"


@dataclass
class Filters:
    """One view of the event table. Empty lists and None mean "no restriction"."""

    actors: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    sub_types: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    countries: list[str] = field(default_factory=list)
    admin1: list[str] = field(default_factory=list)
    precisions: list[int] = field(default_factory=list)
    min_fatalities: int = 0
    publishers: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    text: str = ""

    def is_default(self) -> bool:
        return self == Filters()


#: URL parameter name for each filter field.
QUERY_KEYS: dict[str, str] = {
    "actors": "actor", "event_types": "type", "sub_types": "subtype", "date_from": "from",
    "date_to": "to", "countries": "country", "admin1": "admin1", "precisions": "precision",
    "min_fatalities": "minfat", "publishers": "source", "datasets": "dataset", "text": "q",
}
#: A merged event lists its sources' publishers in one cell, separated by "; ".
SOURCE_SEPARATOR = ";"


def split_actors(cell: object) -> list[str]:
    """The names in one cell (associated-actor and source cells may hold several)."""
    if not isinstance(cell, str) or not cell.strip():
        return []
    return [part.strip() for part in cell.split(ACTOR_SEPARATOR) if part.strip()]


def publisher_options(frame: pd.DataFrame) -> list[str]:
    """Every publisher, also those listed together in a merged event's source cell."""
    names: set[str] = set()
    if "source" in frame:
        for cell in frame["source"].dropna().unique():
            names.update(split_actors(cell))
    return sorted(names, key=str.casefold)


def actor_options(frame: pd.DataFrame) -> list[str]:
    """Every actor named as actor1, actor2 or an associated actor, sorted."""
    names: set[str] = set()
    for column in ACTOR_COLUMNS:
        if column in frame:
            for cell in frame[column].dropna().unique():
                names.update(split_actors(cell))
    return sorted(names, key=str.casefold)


def options(frame: pd.DataFrame, column: str) -> list[str]:
    """Sorted distinct non-empty values of a text column."""
    if column not in frame:
        return []
    values = frame[column].dropna().astype(str)
    return sorted({v for v in values if v.strip()}, key=str.casefold)


def date_bounds(frame: pd.DataFrame) -> tuple[date, date] | None:
    dates = pd.to_datetime(frame["event_date"], errors="coerce").dropna()
    if dates.empty:
        return None
    return dates.min().date(), dates.max().date()


@dataclass(frozen=True)
class FilterOptions:
    """What the widgets offer: computed once per store version, not on every rerun."""

    actors: list[str]
    event_types: list[str]
    sub_types: list[str]
    countries: list[str]
    admin1: list[str]
    publishers: list[str]
    date_bounds: tuple[date, date] | None
    datasets: list[str] = field(default_factory=list)


def filter_options(frame: pd.DataFrame) -> FilterOptions:
    return FilterOptions(
        actors=actor_options(frame), event_types=options(frame, "event_type"),
        sub_types=options(frame, "sub_event_type"), countries=options(frame, "country"),
        admin1=options(frame, "admin1"), publishers=publisher_options(frame),
        date_bounds=date_bounds(frame), datasets=options(frame, "source_dataset"))


def _names_any(frame: pd.DataFrame, columns: tuple[str, ...], wanted: set[str]) -> pd.Series:
    """Rows where any of ``columns`` names one of ``wanted`` (cells may hold several names)."""
    hit = pd.Series(False, index=frame.index)
    for column in columns:
        if column in frame:
            hit |= frame[column].map(lambda cell: bool(wanted.intersection(split_actors(cell))))
    return hit


def apply_filters(frame: pd.DataFrame, filters: Filters,
                  report_texts: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The rows of ``frame`` that ``filters`` keeps. Free text searches notes and report texts."""
    if filters.is_default():
        return frame
    keep = pd.Series(True, index=frame.index)
    if filters.actors:
        keep &= _names_any(frame, ACTOR_COLUMNS, set(filters.actors))
    if filters.publishers:
        keep &= _names_any(frame, ("source",), set(filters.publishers))
    for column, wanted in (("event_type", filters.event_types), ("sub_event_type", filters.sub_types),
                           ("country", filters.countries), ("admin1", filters.admin1),
                           ("source_dataset", filters.datasets)):
        if wanted:
            keep &= frame[column].isin(wanted)
    if filters.date_from or filters.date_to:
        dates = pd.to_datetime(frame["event_date"], errors="coerce")
        if filters.date_from:
            keep &= dates >= pd.Timestamp(filters.date_from)
        if filters.date_to:
            keep &= dates <= pd.Timestamp(filters.date_to)
    if filters.precisions:
        keep &= frame["geo_precision"].isin(filters.precisions)
    if filters.min_fatalities > 0:
        keep &= frame["fatalities"].fillna(0) >= filters.min_fatalities
    if filters.text.strip():
        keep &= _text_match(frame, filters.text.strip(), report_texts or {})
    return frame[keep]


def _text_match(frame: pd.DataFrame, needle: str, report_texts: Mapping[str, str]) -> pd.Series:
    """Case-insensitive plain substring match (not a regex: analysts type punctuation)."""
    lowered = needle.casefold()
    in_notes = frame["notes"].fillna("").str.casefold().str.contains(lowered, regex=False)
    matching_reports = {rid for rid, text in report_texts.items() if lowered in (text or "").casefold()}
    in_reports = frame["report_id"].isin(matching_reports)
    return in_notes | in_reports


# ---- URL query string ----
def to_query(filters: Filters) -> dict[str, str | list[str]]:
    """Only the fields that differ from the default, so a plain link stays plain."""
    default = Filters()
    query: dict[str, str | list[str]] = {}
    for f in fields(Filters):
        value = getattr(filters, f.name)
        if value == getattr(default, f.name):
            continue
        key = QUERY_KEYS[f.name]
        if isinstance(value, list):
            query[key] = [str(v) for v in value]
        elif isinstance(value, date):
            query[key] = value.isoformat()
        else:
            query[key] = str(value)
    return query


def view_key(filters: Filters) -> str:
    """A stable text key for a filter state (for caches); :func:`from_view_key` reverses it."""
    query = {k: v if isinstance(v, list) else [v] for k, v in to_query(filters).items()}
    return json.dumps(query, sort_keys=True, ensure_ascii=False)


def from_view_key(key: str) -> Filters:
    return from_query(json.loads(key))


def from_query(params: Mapping[str, list[str]]) -> Filters:
    """Filters from URL parameters (each key to its list of values); bad values are ignored."""
    def values(name: str) -> list[str]:
        return [v for v in params.get(QUERY_KEYS[name], []) if v != ""]

    def one(name: str) -> str | None:
        found = values(name)
        return found[-1] if found else None

    def as_date(raw: str | None) -> date | None:
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    def as_int(raw: str | None, default: int = 0) -> int:
        try:
            return int(raw) if raw else default
        except ValueError:
            return default

    return Filters(
        actors=values("actors"), event_types=values("event_types"), sub_types=values("sub_types"),
        date_from=as_date(one("date_from")), date_to=as_date(one("date_to")),
        countries=values("countries"), admin1=values("admin1"),
        precisions=[p for p in (as_int(v, -1) for v in values("precisions")) if p in (1, 2, 3)],
        min_fatalities=max(0, as_int(one("min_fatalities"))), publishers=values("publishers"),
        datasets=values("datasets"), text=one("text") or "",
    )
