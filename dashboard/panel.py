"""The event panel: every field of one event, why the pipeline coded it so, and its sources.

All report-derived text is untrusted: it is HTML-escaped before any markup is added, and only
http(s) URLs become links. ``st.html`` sanitises once more on the browser side.
"""
from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import streamlit as st

from .mapview import PRECISION_LABELS, safe_url, uncertainty_radius_km

REASON_FIELDS = (("geo_reason", "Place"), ("date_reason", "Date"), ("type_reason", "Type"),
                 ("actor_reason", "Actors"))
_TEXT_STYLE = ("white-space:pre-wrap;max-height:420px;overflow-y:auto;border:1px solid #ddd;"
               "border-radius:4px;padding:8px;font-size:0.9rem;line-height:1.45;")


def highlight_sentence(text: str, start: object, end: object) -> str:
    """The report text as escaped HTML with ``text[start:end]`` wrapped in <mark>."""
    text = text or ""
    try:
        begin, stop = int(start), int(end)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return html.escape(text)
    if not 0 <= begin < stop <= len(text):
        return html.escape(text)
    return (html.escape(text[:begin]) + '<mark class="opsmap-sentence">' + html.escape(text[begin:stop])
            + "</mark>" + html.escape(text[stop:]))


def link_html(url: object, label: str) -> str:
    """An <a> for an http(s) URL, else the label as plain escaped text."""
    href = safe_url(url)
    if not href:
        return html.escape(label)
    return (f'<a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(label)}</a>")


def _value(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def fields_table_html(event: pd.Series) -> str:
    """Every column of the event as an escaped two-column table."""
    rows = []
    for name, value in event.items():
        text = _value(value)
        if name == "source_url":
            cell = link_html(text, text) if text else ""
        else:
            cell = html.escape(text)
        rows.append(f"<tr><th style='text-align:left;padding-right:8px'>{html.escape(str(name))}</th>"
                    f"<td>{cell}</td></tr>")
    return "<table class='opsmap-fields' style='font-size:0.85rem'>" + "".join(rows) + "</table>"


def summary_html(event: pd.Series) -> str:
    """The few lines an analyst reads first."""
    precision = event.get("geo_precision")
    label = PRECISION_LABELS.get(int(precision), str(precision)) if pd.notna(precision) else "unknown"
    radius = uncertainty_radius_km(precision, event.get("geo_radius_km"))
    where = f"{_value(event.get('location'))} — {label}" + (f", within about {radius:g} km" if radius else "")
    actors = " vs ".join(a for a in (_value(event.get("actor1")), _value(event.get("actor2"))) if a)
    kind = " / ".join(a for a in (_value(event.get("event_type")), _value(event.get("sub_event_type"))) if a)
    fatalities = _value(event.get("fatalities")) + ("" if event.get("fatalities_known") else " (no figure reported)")
    lines = [("Date", _value(event.get("event_date"))), ("Event", kind), ("Actors", actors),
             ("Fatalities", fatalities), ("Location", where)]
    return "".join(f"<div><b>{html.escape(k)}:</b> {html.escape(v)}</div>" for k, v in lines)


def render_event_panel(event: pd.Series, sources: list[dict],
                       load_report: Callable[[str], dict | None]) -> None:
    """Draw the panel for ``event`` with its ``sources`` (from ``Store.event_sources``)."""
    st.subheader("Event " + _value(event.get("event_id")))
    st.html(f"<div class='opsmap-panel-summary'>{summary_html(event)}</div>")
    st.markdown("**Why the pipeline coded it this way**")
    reasons = "".join(
        f"<li><b>{label}:</b> {html.escape(_value(event.get(column)) or '(no reason recorded)')}</li>"
        for column, label in REASON_FIELDS)
    st.html(f"<ul class='opsmap-reasons'>{reasons}</ul>")
    if not sources:  # an event stored without a source row still has its own provenance
        sources = [{"report_id": event.get("report_id"), "source": event.get("source"), "notes": event.get("notes"),
                    "source_url": event.get("source_url"), "published": event.get("published"),
                    "sentence_start": event.get("sentence_start"), "sentence_end": event.get("sentence_end")}]
    st.markdown(f"**Sources ({len(sources)})**")
    for number, source in enumerate(sources, start=1):
        report = load_report(str(source.get("report_id") or "")) or {}
        publisher = _value(source.get("source")) or _value(report.get("publisher")) or "unknown publisher"
        published = _value(source.get("published")) or _value(report.get("published")) or "undated"
        url = _value(source.get("source_url")) or _value(report.get("url"))
        title = _value(report.get("title"))
        merge_reason = _value(source.get("merge_reason")) if len(sources) > 1 else ""
        heading = (f"<div class='opsmap-source'><b>{number}. {html.escape(publisher)}</b>, "
                   f"{html.escape(published)} — {link_html(url, url or 'no link')}"
                   + (f"<br><i>{html.escape(title)}</i>" if title else "")
                   + (f"<br><small>Joined to this event because: {html.escape(merge_reason)}</small>"
                      if merge_reason else "") + "</div>")
        st.html(heading)
        text = _value(report.get("text"))
        sentence = _value(source.get("notes"))
        if sentence:  # first, so it is seen without scrolling a long report
            st.html(f"<blockquote class='opsmap-source-sentence' style='margin:4px 0 8px 0;padding-left:8px;"
                    f"border-left:3px solid #f5c518'>{html.escape(sentence)}</blockquote>")
        if text:
            body = highlight_sentence(text, source.get("sentence_start"), source.get("sentence_end"))
            st.html(f"<div class='opsmap-report-text' style='{_TEXT_STYLE}'>{body}</div>")
        else:
            st.caption("The report's text is not in the store.")
    with st.expander("Every field"):
        st.html(fields_table_html(event))
