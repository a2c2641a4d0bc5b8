"""The timeline: events per day or week, stacked by type, with a brush that picks a period.

Counts are aggregated in pandas first, so the chart carries a few hundred rows however many
events there are.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import altair as alt
import pandas as pd

from .mapview import type_colours

SELECTION_NAME = "period"
#: Longer spans are counted per week, shorter ones per day.
DAILY_SPAN_DAYS = 120


def period_counts(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Events per period and type, and the period's name ("day" or "week")."""
    dates = pd.to_datetime(frame["event_date"], errors="coerce")
    valid = frame.assign(_date=dates).dropna(subset=["_date"])
    if valid.empty:
        return pd.DataFrame(columns=["period", "event_type", "events"]), "day"
    span = (valid["_date"].max() - valid["_date"].min()).days
    unit = "day" if span <= DAILY_SPAN_DAYS else "week"
    start = valid["_date"] if unit == "day" else valid["_date"] - pd.to_timedelta(valid["_date"].dt.weekday, "D")
    counts = (valid.assign(period=start.dt.normalize(), event_type=valid["event_type"].fillna("").replace("", "(no type)"))
              .groupby(["period", "event_type"]).size().rename("events").reset_index())
    return counts, unit


def timeline_chart(counts: pd.DataFrame, unit: str) -> alt.Chart:
    """A stacked bar chart of :func:`period_counts`'s output, with the period brush."""
    types = sorted(counts["event_type"].unique().tolist())
    colours = type_colours(types)
    brush = alt.selection_interval(encodings=["x"], name=SELECTION_NAME)
    return (alt.Chart(counts)
            .mark_bar()
            .encode(x=alt.X("period:T", title=f"Event date (per {unit})"),
                    y=alt.Y("sum(events):Q", title="Events"),
                    color=alt.Color("event_type:N", title="Event type",
                                    scale=alt.Scale(domain=types, range=[colours[t] for t in types])),
                    tooltip=[alt.Tooltip("period:T", title=unit.capitalize()), "event_type:N", "events:Q"])
            .add_params(brush)
            .properties(height=220))


def _as_date(value: object) -> date | None:
    if isinstance(value, (int, float)):  # Vega-Lite sends temporal brushes as epoch milliseconds
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc).date()
    try:
        return pd.Timestamp(str(value)).date()
    except (TypeError, ValueError):
        return None


def selected_period(selection: object) -> tuple[date, date] | None:
    """The brushed dates from ``st.altair_chart``'s selection state, if a period is brushed."""
    try:
        brushed = selection["selection"][SELECTION_NAME]  # type: ignore[index]
        values = brushed.get("period") if isinstance(brushed, dict) else None
    except (KeyError, TypeError, AttributeError):
        return None
    if not values or len(values) != 2:
        return None
    start, end = _as_date(values[0]), _as_date(values[1])
    if start is None or end is None:
        return None
    return (start, end) if start <= end else (end, start)
