"""One operation, one event: deciding when two reports describe the same operation, and merging them.

Pure functions over :class:`Event` records; the store calls them when it saves a report. The merged
event follows ACLED's rules: the lowest reported fatality figure, the most precise credible place,
every source listed. Each source's own claims stay in ``event_sources``.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from .event import Event
from .gazetteer.geometry import haversine_km

#: How far apart two reported locations may be and still be one operation, by the coarser
#: of their ACLED geo-precisions (1 town, 2 near a town / part of a region, 3 a larger region).
MATCH_RADIUS_KM = {1: 25.0, 2: 60.0, 3: 200.0}
MAX_MATCH_KM = 250.0
UNKNOWN_ACTORS = {"", "unidentified armed group", "unknown"}


def _days_apart(a: str, b: str) -> int | None:
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except ValueError:
        return None


def _date_window(a: Event, b: Event) -> int:
    """Allowed gap in days: adjacent days for day precision, wider for week or month precision."""
    coarse = max(a.time_precision or 1, b.time_precision or 1)
    return {1: 1, 2: 7, 3: 31}.get(coarse, 1)


def _compatible(x: str, y: str) -> bool:
    x, y = x.strip().lower(), y.strip().lower()
    return x == y or x in UNKNOWN_ACTORS or y in UNKNOWN_ACTORS


def match_distance(a: Event, b: Event) -> float:
    """How far apart two accounts are, for choosing the closest of several matching events."""
    gap = _days_apart(a.event_date, b.event_date) or 0
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) + 50.0 * gap


def same_operation(a: Event, b: Event) -> tuple[bool, str]:
    """Whether two event records describe one operation, and why (or why not)."""
    if a.is_summary or b.is_summary:
        return False, "summaries are never merged"
    gap = _days_apart(a.event_date, b.event_date)
    if gap is None or gap > _date_window(a, b):
        return False, f"dates {a.event_date} and {b.event_date} too far apart"
    if a.disorder_type and b.disorder_type and a.disorder_type != b.disorder_type:
        return False, "different disorder types"
    if a.event_type and b.event_type and a.event_type != b.event_type:
        return False, f"different event types ({a.event_type} / {b.event_type})"
    if not (_compatible(a.actor1, b.actor1) and _compatible(a.actor2, b.actor2)):
        return False, "different actors"
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return False, "a location is missing"
    coarse = max(a.geo_precision or 3, b.geo_precision or 3)
    # vague places (a whole country) widen the window, but never beyond MAX_MATCH_KM
    spread = min((a.geo_radius_km or 0) + (b.geo_radius_km or 0), MAX_MATCH_KM)
    limit = max(MATCH_RADIUS_KM.get(coarse, 200.0), spread)
    km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)
    if km > limit:
        return False, f"places {km:.0f} km apart (limit {limit:.0f} km)"
    return True, f"same operation: dates {gap} day(s) apart, places {km:.0f} km apart, compatible actors"


def _place_rank(e: Event) -> tuple:
    return (e.geo_precision or 9, e.geo_radius_km if e.geo_radius_km is not None else 1e9, -e.confidence)


def merge_sources(event_id: str, sources: list[Event]) -> Event:
    """The event that a cluster of per-source records stands for."""
    by_date = sorted(sources, key=lambda e: (e.published or "9999", e.report_id))
    best_place = min(sources, key=_place_rank)
    best_date = min(sources, key=lambda e: (e.time_precision or 9, e.event_date))
    known = [e.fatalities for e in sources if e.fatalities_known]
    lead = by_date[0]
    merged = replace(lead, event_id=event_id)
    merged.event_date, merged.year, merged.time_precision, merged.date_reason = (
        best_date.event_date, best_date.year, best_date.time_precision, best_date.date_reason)
    for column in ("location", "latitude", "longitude", "geo_precision", "geonameid", "country",
                   "country_code", "iso", "region", "admin1", "admin2", "admin3", "geo_radius_km",
                   "geo_reason"):
        setattr(merged, column, getattr(best_place, column))
    merged.fatalities_known = bool(known)
    merged.fatalities = min(known) if known else 0
    merged.injured = min((e.injured for e in sources if e.injured is not None), default=None)
    merged.detained = min((e.detained for e in sources if e.detained is not None), default=None)
    for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        if not getattr(merged, column) or getattr(merged, column).lower() in UNKNOWN_ACTORS:
            setattr(merged, column, next((getattr(e, column) for e in by_date if getattr(e, column)), ""))
    merged.source = "; ".join(dict.fromkeys(e.source for e in by_date if e.source))
    merged.source_scale = "; ".join(dict.fromkeys(e.source_scale for e in by_date if e.source_scale))
    merged.confidence = max(e.confidence for e in sources)
    if len(sources) > 1:
        publishers = len({e.source for e in sources if e.source}) or len(sources)
        merged.tags = "; ".join(t for t in (lead.tags, f"{len(sources)} sources ({publishers} publishers)") if t)
    return merged
