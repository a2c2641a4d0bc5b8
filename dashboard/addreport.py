"""The "add a report" form: pasted text or an uploaded file goes through the pipeline into the store.

Only pipeline's public functions do the work (``ingest.read_bytes`` reads the text or file with the
typed metadata, ``builder.add_report`` extracts and saves); this module turns form fields into their
arguments and reports the outcome.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from pipeline.ingest import IngestError, read_bytes
from pipeline.report import Report
from pipeline.settings import Settings

FORM_KEY = "add_report_form"
RESULT_KEY = "_add_report_result"
UPLOAD_TYPES = ["txt", "md", "markdown", "html", "htm", "json", "jsonl"]
PASTED_NAME = "pasted report.txt"


def reports_from_form(text: str, upload_name: str | None, upload_bytes: bytes | None, settings: Settings, *,
                      url: str, published: date | None, publisher: str, title: str) -> list[Report]:
    """The reports in the upload (or the pasted text), with the typed fields as their metadata."""
    typed = {"url": url.strip(), "publisher": publisher.strip(), "title": title.strip(),
             "published": published.isoformat() if published else ""}
    meta = {k: v for k, v in typed.items() if v}
    if upload_bytes is not None:
        return read_bytes(upload_name or "upload.txt", upload_bytes, settings, meta=meta)
    if not text.strip():
        raise IngestError("pasted report", "paste the report's text or upload a file")
    return read_bytes(PASTED_NAME, text.encode("utf-8"), settings, source="pasted report", meta=meta)


def render_add_report(settings: Settings) -> None:
    """Draw the form; on submit run the pipeline on the report and remember the outcome."""
    result = st.session_state.pop(RESULT_KEY, None)
    if result:
        (st.success if result[0] == "ok" else st.error)(result[1])
    with st.form(FORM_KEY, clear_on_submit=False):
        text = st.text_area("Report text", height=180, placeholder="Paste the article here, dateline first…")
        upload = st.file_uploader("…or upload a file", type=UPLOAD_TYPES)
        left, right = st.columns(2)
        url = left.text_input("URL")
        publisher = right.text_input("Publisher")
        title = left.text_input("Title")
        published = right.date_input("Published", value=None)
        submitted = st.form_submit_button("Add the report")
    if not submitted:
        return
    from pipeline.builder import add_report  # loads spaCy on first use: import only when needed

    try:
        reports = reports_from_form(text, upload.name if upload else None,
                                    upload.getvalue() if upload else None, settings,
                                    url=url, published=published, publisher=publisher, title=title)
        with st.spinner("Extracting events (the first report loads the language model)…"):
            processed = [add_report(report, settings) for report in reports]
    except (IngestError, ValueError, OSError) as exc:
        st.session_state[RESULT_KEY] = ("error", f"The report was not added: {exc}")
    else:
        events = [event for item in processed for event in item.events]
        names = ", ".join(f"“{item.report.title or item.report.report_id}”" for item in processed)
        st.session_state[RESULT_KEY] = (
            "ok", f"Added {names}: {len(events)} event{'s' if len(events) != 1 else ''} found.")
        if events:
            st.session_state["selected_event"] = events[0].event_id
    st.rerun()
