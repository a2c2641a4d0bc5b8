"""Screenshots of the dashboard's main views for docs/screenshots/ (offline: tiles "none").

    opsmap build data/reports --db /tmp/demo.sqlite
    python benchmarks/dashboard_screenshots.py /tmp/demo.sqlite [EVENT_ID]

EVENT_ID (default: the first event in Aleppo governorate, else the first event) is the marker clicked
for event-panel.png; the docs use the HOLEB raid of the demo corpus.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import (click_marker, launch_chromium, open_page, serve_dashboard, wait_for_app,  # noqa: E402
                     wait_for_markers)
from pipeline.store import Store  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1500, "height": 1150}


def pick_event(store_path: Path) -> str:
    with Store(store_path, readonly=True) as store:
        frame = store.events()
    aleppo = frame[frame["admin1"].fillna("").str.contains("Aleppo") | frame["location"].fillna("").str.contains("Aleppo")]
    return str((aleppo if not aleppo.empty else frame).iloc[0]["event_id"])


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    store_path = Path(argv[0])
    event_id = argv[1] if len(argv) > 1 else pick_event(store_path)
    OUT.mkdir(parents=True, exist_ok=True)
    with serve_dashboard(store_path, tiles="none") as base_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = open_page(browser, base_url, viewport=VIEWPORT)
        wait_for_app(page)
        frame = wait_for_markers(page)
        page.wait_for_timeout(800)  # let the layout settle
        page.screenshot(path=str(OUT / "dashboard.png"))
        click_marker(page, event_id)
        page.wait_for_timeout(500)
        page.screenshot(path=str(OUT / "event-panel.png"))
        assert page.blocked_requests == [], page.blocked_requests
        browser.close()
    print(f"wrote {OUT / 'dashboard.png'} and {OUT / 'event-panel.png'} (event {event_id})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
