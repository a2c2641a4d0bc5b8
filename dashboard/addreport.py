"""The "add a report" form: pasted text or an uploaded file goes through the pipeline into the store.

Only pipeline's public functions do the work (decoding, front matter, HTML extraction, extraction
and saving); this module turns form fields into their arguments and reports the outcome.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from pipeline.frontmatter import FrontMatterError, split_front_matter
from pipeline.ingest import IngestError, decode, html_report, report_from_meta
from pipeline.report import Report
from pipeline.settings import Settings

FORM_KEY = "add_report_form"
RESULT_KEY = "_add_report_result"
UPLOAD_TYPES = ["txt", "md", "markdown", "html", "htm"]


def report_from_form(text: str, upload_name: str | None, upload_bytes: bytes | None, *, url: str,
                     published: date | None, publisher: str, title: str) -> Report:
    """A Report from the form: the upload's own metadata, overridden by whatever the user typed."""
    typed = {"url": url.strip(), "publisher": publisher.strip(), "title": title.strip(),
             "published": published.isoformat() if published else ""}
    typed = {k: v for k, v in typed.items() if v}
    if upload_bytes is not None:
        source = upload_name or "uploaded file"
        content = decode(upload_bytes, source)
        if source.lower().endswith((".html", ".htm")):
            return html_report(content, source=source, path=source, url=typed.get("url", ""), meta=typed)
        try:
            meta, body = split_front_matter(content)
        except FrontMatterError as exc:
            raise IngestError(source, str(exc)) from None
        return report_from_meta({**meta, **typed}, body, source=source, path=source, raw=content)
    if not text.strip():
        raise IngestError("pasted report", "paste the report's text or upload a file")
    return report_from_meta(typed, text, source="pasted report", path="pasted report")


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
        report = report_from_form(text, upload.name if upload else None, upload.getvalue() if upload else None,
                                  url=url, published=published, publisher=publisher, title=title)
        with st.spinner("Extracting events (the first report loads the language model)…"):
            processed = add_report(report, settings)
    except (IngestError, ValueError, OSError) as exc:
        st.session_state[RESULT_KEY] = ("error", f"The report was not added: {exc}")
    else:
        found = len(processed.events)
        st.session_state[RESULT_KEY] = (
            "ok", f"Added “{report.title or report.report_id}”: {found} event{'s' if found != 1 else ''} found.")
        if processed.events:
            st.session_state["selected_event"] = processed.events[0].event_id
    st.rerun()
