"""The build's writer thread: every report saved, in the order given, and a failed save reaches the caller."""
from __future__ import annotations

import sqlite3

import pytest

from pipeline.builder import Processed, StoreWriter
from pipeline.report import Report
from pipeline.store import Store


def _reports(n: int) -> list[Report]:
    return [Report(text=f"Report number {i} about nothing in particular.", url=f"https://example.org/{i}",
                   published="2024-01-0{}".format(1 + i % 9)) for i in range(n)]


def test_saves_every_report_in_order(tmp_path):
    reports = _reports(40)
    with Store(tmp_path / "s.sqlite") as store:
        saved = 0
        with StoreWriter(store, depth=4) as writer:  # a short queue: the producer waits for the writer
            for report in reports:
                writer.put(Processed(report, [], []))
                saved += writer.take_saved()
        saved += writer.take_saved()
        assert saved == len(reports)
        assert all(store.has_report(r) for r in reports)
    con = sqlite3.connect(tmp_path / "s.sqlite")
    try:  # one transaction per report, in input order: rowids follow the order given
        ids = [row[0] for row in con.execute("SELECT report_id FROM reports ORDER BY rowid")]
    finally:
        con.close()
    assert ids == [r.report_id for r in reports]


def test_a_failed_save_is_raised_in_the_caller(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    store.close()  # every save now fails
    with pytest.raises(sqlite3.ProgrammingError):
        with StoreWriter(store) as writer:
            for report in _reports(3):
                writer.put(Processed(report, [], []))
