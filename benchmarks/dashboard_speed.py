"""Dashboard speed with many events: time to interactive and filter latency in headless Chromium.

    python benchmarks/dashboard_speed.py                 # 10,000 and 100,000 events
    python benchmarks/dashboard_speed.py --sizes 10000   # one size

For each size: synthetic events are written into a temporary store with the real Store API, the
dashboard is served by ``streamlit run`` (static serving on, tiles "none", as offline users run it),
and Chromium (outside requests blocked) measures
  * cold load: page opened right after the server started (empty caches) until the map holds the
    view's events and has drawn its markers and clusters (``window.opsmap.ready``: it can be panned,
    zoomed and clicked from then on), and until the app's script run has finished too;
  * warm load: the same in a new browser context (Streamlit's caches warm, as for a second analyst
    whose browser has never opened the dashboard: nothing in its HTTP cache);
  * return visit: a new tab in the browser context of the last warm load (its HTTP cache holds
    Streamlit's and the map's scripts, as for an analyst opening the dashboard again);
  * filter latency: from choosing an event type in the sidebar until the new map has drawn exactly
    the filtered events;
  * for reference, in the same conditions: an empty Streamlit page (a title and one line) served
    the same way, from ``page.goto`` until its script run has finished and the line is shown.

Chromium cannot reach anything outside 127.0.0.1 (``launch_chromium(offline=True)``), and requests
are not intercepted by Playwright, which would add a round trip to this process per request (about
0.3 s over a page load that no analyst pays); outside requests are recorded and must be none.
``--intercept`` times with Playwright's interception instead, as the browser tests run.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import (MAP_IFRAME, launch_chromium, open_page, record_outside, run_number,  # noqa: E402
                     serve_dashboard, sidebar_multiselect, wait_for_app, wait_for_rerun)
from pipeline.event import Event  # noqa: E402
from pipeline.report import Report  # noqa: E402
from pipeline.store import Store  # noqa: E402

EVENT_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians",
               "Strategic developments", "Protests", "Riots"]
ACTORS = [f"Actor {i:02d}" for i in range(60)]
PUBLISHERS = [f"Wire {i}" for i in range(20)]
EVENTS_PER_REPORT = 100


def make_store(path: Path, count: int, seed: int = 7) -> None:
    """``count`` synthetic events over the Levant and Iraq, 100 per report, two years of dates.

    Written with the real Store API; each event row keeps its report and sentence offsets.
    """
    rng = random.Random(seed)
    with Store(path) as store:
        for first in range(0, count, EVENTS_PER_REPORT):
            n = min(EVENTS_PER_REPORT, count - first)
            sentences = [f"Sentence {first + i}: forces of {rng.choice(ACTORS)} struck a position near "
                         f"town {rng.randrange(5000)} and reported {rng.randrange(6)} killed." for i in range(n)]
            text = " ".join(sentences)
            publisher = rng.choice(PUBLISHERS)
            report = Report(text=text, title=f"Synthetic report {first // EVENTS_PER_REPORT}",
                            url=f"https://example.org/report/{first}", published="2024-01-01",
                            publisher=publisher)
            events, offset = [], 0
            for i, sentence in enumerate(sentences):
                day = rng.randrange(730)
                precision = rng.choice([1, 1, 1, 2, 3])
                events.append(Event(
                    event_id=f"syn-{first + i}", event_date=f"{2023 + day // 365}-{(day % 365) // 31 + 1:02d}-"
                                                           f"{(day % 31) % 28 + 1:02d}",
                    year=2023 + day // 365, event_type=rng.choice(EVENT_TYPES), sub_event_type="Armed clash",
                    actor1=rng.choice(ACTORS), actor2=rng.choice(ACTORS), location=f"Town {i}",
                    latitude=round(rng.uniform(31.0, 37.5), 4), longitude=round(rng.uniform(35.5, 46.0), 4),
                    geo_precision=precision, geo_radius_km=None if precision == 1 else rng.choice([5.0, 30.0]),
                    country="Syria", admin1=f"Province {rng.randrange(14)}", fatalities=rng.randrange(6),
                    fatalities_known=True, notes=sentence, source=publisher, source_url=report.url,
                    published="2024-01-01", report_id=report.report_id, sentence_start=offset,
                    sentence_end=offset + len(sentence)))
                offset += len(sentence) + 1
            # Reports are saved as reports; their events go in as rows (save_reference: no
            # cross-report merging, which would take minutes for synthetic data and is not
            # what this benchmark measures).
            store.save_report(report, [], [])
            store.save_reference(events)


def wait_for_map(page, expected: int, *, drawn: bool = False, timeout: float = 120_000) -> None:
    """Until the map iframe holds exactly ``expected`` events and is ready (``window.opsmap.ready``);
    with ``drawn=True`` also until markers or clusters are in its DOM."""
    page.wait_for_function(
        """([selector, expected, drawn]) => {
             const frame = document.querySelector(selector);
             const win = frame && frame.contentWindow;
             if (!(win && win.opsmap && win.opsmap.count === expected)) { return false; }
             if (win.opsmap.ready !== true) { return false; }
             return !drawn || expected === 0
                    || !!win.document.querySelector("path.opsmap-event, .opsmap-cluster");
           }""", arg=[MAP_IFRAME, expected, drawn], timeout=timeout, polling=50)


INTERCEPT = False  # set by --intercept


def timed_load(browser, base_url: str, expected: int, context=None) -> tuple[float, float, object]:
    """Seconds until the markers show (the map is usable) and until the app's run has finished;
    in a new browser context, or in a new tab of ``context`` (whose HTTP cache is warm)."""
    started = time.perf_counter()
    if context is None:
        page = open_page(browser, base_url, intercept=INTERCEPT)
    else:
        page = context.new_page()
        page.blocked_requests = record_outside(page)
        page.goto(base_url)
    wait_for_map(page, expected, drawn=True)
    first = time.perf_counter() - started
    wait_for_map(page, expected)
    wait_for_app(page, timeout=120_000)
    return first, time.perf_counter() - started, page


def timed_filter(page, event_type: str, expected: int) -> float:
    sidebar_multiselect(page, "Event type").locator("input").click()
    option = page.get_by_role("option", name=event_type, exact=True)
    option.wait_for()
    before = run_number(page)
    started = time.perf_counter()
    option.click()
    wait_for_rerun(page, before, timeout=120_000)
    wait_for_map(page, expected)
    elapsed = time.perf_counter() - started
    page.keyboard.press("Escape")
    return elapsed


EMPTY_APP = """import streamlit as st
st.title("opsmap")
st.markdown("<span data-testid='opsmap-count'>an empty page</span>", unsafe_allow_html=True)
"""


def measure_empty_page(repeats: int) -> dict[str, float]:
    """Cold and warm (median) seconds until an empty Streamlit page is shown and idle."""
    from playwright.sync_api import sync_playwright

    def load(browser, base_url: str) -> float:
        started = time.perf_counter()
        page = open_page(browser, base_url, intercept=INTERCEPT)
        page.wait_for_selector("[data-testid='opsmap-count']", timeout=60_000)
        wait_for_app(page, timeout=60_000, events=False)
        seconds = time.perf_counter() - started
        page.context.close()
        return seconds

    with tempfile.TemporaryDirectory() as folder:
        app = Path(folder) / "empty_app.py"
        app.write_text(EMPTY_APP, encoding="utf-8")
        with serve_dashboard(Path(folder) / "none.sqlite", app=app) as base_url, sync_playwright() as playwright:
            browser = launch_chromium(playwright, offline=True)
            cold = load(browser, base_url)
            warm = [load(browser, base_url) for _ in range(repeats)]
            browser.close()
    return {"cold": cold, "warm": statistics.median(warm), "warm_min": min(warm), "warm_max": max(warm)}


def measure(count: int, repeats: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "bench.sqlite"
        started = time.perf_counter()
        make_store(store, count)
        build_seconds = time.perf_counter() - started
        with Store(store, readonly=True) as reader:
            frame = reader.events()
        by_type = frame["event_type"].value_counts()
        with serve_dashboard(store, tiles="none", log_path=Path(folder) / "streamlit.log") as base_url, \
                sync_playwright() as playwright:
            browser = launch_chromium(playwright, offline=True)
            cold_first, cold, page = timed_load(browser, base_url, count)
            page.context.close()
            firsts, warm_runs, filter_runs, returns = [], [], [], []
            for i in range(repeats):
                first, seconds, page = timed_load(browser, base_url, count)
                firsts.append(first)
                warm_runs.append(seconds)
                event_type = EVENT_TYPES[i % len(EVENT_TYPES)]
                filter_runs.append(timed_filter(page, event_type, int(by_type[event_type])))
                assert page.blocked_requests == [], page.blocked_requests
                page.close()
                again, _, page = timed_load(browser, base_url, count, context=page.context)
                returns.append(again)
                assert page.blocked_requests == [], page.blocked_requests
                page.context.close()
            browser.close()
    return {"events": count, "store_seconds": build_seconds, "cold_first": cold_first, "cold_load": cold,
            "warm_first": statistics.median(firsts), "warm_load": statistics.median(warm_runs),
            "warm_first_range": (min(firsts), max(firsts)),
            "filter": statistics.median(filter_runs), "filter_max": max(filter_runs),
            "return": statistics.median(returns), "return_range": (min(returns), max(returns))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3, help="warm loads and filter changes per size")
    parser.add_argument("--no-reference", action="store_true", help="skip the empty-page reference")
    parser.add_argument("--intercept", action="store_true",
                        help="block outside requests with Playwright's interception (slower pages)")
    args = parser.parse_args(argv)
    global INTERCEPT
    INTERCEPT = args.intercept
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    print(f"requests intercepted by Playwright: {'yes' if INTERCEPT else 'no'}")
    print("| events | cold: markers shown / app done (s) | warm: markers shown / app done (s, median)"
          " | return visit: markers shown (s, median) | filter change (s, median / max) |")
    print("|---:|---:|---:|---:|---:|")
    for count in args.sizes:
        result = measure(count, args.repeats)
        print(f"| {result['events']:,} | {result['cold_first']:.2f} / {result['cold_load']:.2f} | "
              f"{result['warm_first']:.2f} / {result['warm_load']:.2f} | {result['return']:.2f} | "
              f"{result['filter']:.2f} / {result['filter_max']:.2f} |", flush=True)
        low, high = result["warm_first_range"]
        back_low, back_high = result["return_range"]
        print(f"|   | | (range {low:.2f}-{high:.2f}) | (range {back_low:.2f}-{back_high:.2f}) | |", flush=True)
    if not args.no_reference:
        empty = measure_empty_page(args.repeats)
        print(f"| empty Streamlit page (reference) | {empty['cold']:.2f} | {empty['warm']:.2f} "
              f"(range {empty['warm_min']:.2f}-{empty['warm_max']:.2f}) | | |", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
