"""A report: one article or press release, as read from a file, URL or feed."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class Report:
    """The unit the pipeline reads. ``text`` is what offsets in places and events point into."""

    text: str
    title: str = ""
    url: str = ""
    published: str = ""  # ISO date (YYYY-MM-DD) or "" when unknown
    publisher: str = ""
    language: str = "en"
    path: str = ""  # where it was read from (file path or URL)
    fetched_at: str = ""
    raw: str = ""  # the content as read, before cleaning
    report_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.report_id:
            self.report_id = make_report_id(self.url or self.path, self.text)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


def make_report_id(locator: str, text: str) -> str:
    """A stable id: from the URL (or path) when there is one, so an edited report keeps its id."""
    basis = locator if locator else text
    return "r" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]
