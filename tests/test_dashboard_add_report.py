"""A report pasted into the dashboard goes through the real pipeline and appears on the map.

The server runs with tests/nonet on PYTHONPATH, so any outbound connection from the dashboard
(or the pipeline it calls) fails and is logged; the test asserts the log stays empty.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import (assert_map_shows, chromium_available, launch_chromium, open_page, run_number, serve_dashboard,
                     shown_count, wait_for_app, wait_for_markers, wait_for_rerun)
from test_dashboard_browser import write_sample_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright_api = pytest.importorskip("playwright.sync_api")
if not chromium_available():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

NONET = Path(__file__).resolve().parent / "nonet"
ROOT = Path(__file__).resolve().parent.parent
PASTED = ("MOSUL, Iraq — Iraqi army units killed five Islamic State militants in an air strike on a "
          "hideout near Mosul on Tuesday, the military said. The army has fought the group for years.")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, gazetteer_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("dashboard_add")
    store, log = folder / "events.sqlite", folder / "outbound.log"
    write_sample_store(store)
    env = {"OPSMAP_GAZETTEER": str(gazetteer_path), "OPSMAP_NONET_LOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(NONET), str(ROOT)])}
    with serve_dashboard(store, tiles="none", env=env, log_path=folder / "streamlit.log") as base_url:
        yield base_url, log


def test_pasted_report_adds_a_marker(served) -> None:
    base_url, outbound_log = served
    with playwright_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = open_page(browser, base_url, viewport={"width": 1400, "height": 1600})
        try:
            wait_for_app(page)
            assert shown_count(page) == 3
            before = run_number(page)
            page.get_by_role("tab", name="Add a report").click()
            wait_for_rerun(page, before)
            form = page.locator("[data-testid='stForm']")
            form.get_by_label("Report text", exact=True).fill(PASTED)
            form.get_by_label("URL", exact=True).fill("https://example.net/mosul-strike")
            form.get_by_label("Publisher", exact=True).fill("Test Wire")
            form.get_by_label("Title", exact=True).fill("Strike near Mosul")
            before = run_number(page)
            page.get_by_role("button", name="Add the report").click()
            wait_for_rerun(page, before, timeout=120_000)  # the first report loads spaCy
            page.get_by_text("1 event found").wait_for(timeout=60_000)
            assert shown_count(page) == 4
            frame = wait_for_markers(page)
            ids = frame.evaluate("() => window.opsmap.ids()")
            assert len(ids) == 4
            assert_map_shows(frame, ids)
            new_id = next(i for i in ids if not i.startswith("ev-"))
            page.get_by_role("heading", name=f"Event {new_id}").wait_for()  # its panel is open
            wait_for_app(page)  # the panel finishes drawing after its heading appears
            page.wait_for_function(
                "() => document.querySelector(\"[data-testid='stMain']\").innerText.includes('Test Wire')",
                timeout=30_000)
            assert page.blocked_requests == [] and page.dialogs == []
        finally:
            browser.close()
    assert not outbound_log.exists() or outbound_log.read_text() == ""
