"""Helpers for browser tests: serve the dashboard for a store, open pages that cannot reach out.

Reusable from any test module (``from browser import serve_dashboard, launch_chromium, open_page``):

    with serve_dashboard(store_path, tiles="none") as base_url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_page(browser, base_url)
        wait_for_app(page)
        frame = click_marker(page, event_id)   # popup open, event panel shown
        popup = frame.locator(".leaflet-popup-content").inner_text()
        choose_option(page, "Event type", "Battles")   # a sidebar filter, waits for the rerun
        frame = wait_for_markers(page, count=shown_count(page))
        assert_map_shows(frame, expected_ids)   # single markers + cluster counts = the view

Every request that does not go to 127.0.0.1/localhost is aborted and recorded in
``page.blocked_requests`` (a list of URLs), so a test can assert the page stayed offline.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "dashboard" / "app.py"
CHROMIUM = os.environ.get("OPSMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(port: int, app: Path = APP) -> list[str]:
    """The exact command the tests run (static serving on: the map's JS/CSS are local files)."""
    return [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false", "--server.enableStaticServing", "true",
            "--server.fileWatcherType", "none"]


def wait_for_health(base_url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"streamlit did not answer {base_url}/_stcore/health within {timeout:.0f} s")


@contextlib.contextmanager
def serve_dashboard(db_path: str | os.PathLike, *, tiles: str = "none", env: dict[str, str] | None = None,
                    log_path: Path | None = None, app: Path = APP) -> Iterator[str]:
    """Run ``streamlit run dashboard/app.py`` (or ``app``) on a free port for ``db_path``; yield its
    base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    child_env = dict(os.environ, OPSMAP_DB=str(db_path), OPSMAP_TILES=tiles, PYTHONUNBUFFERED="1")
    child_env.update(env or {})
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(streamlit_command(port, app), cwd=REPO, env=child_env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        wait_for_health(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()  # type: ignore[union-attr]


#: Chromium sends every request that does not go to this machine to a closed local port, so it
#: fails in the browser itself (no round trip through Playwright, unlike ``page.route``).
OFFLINE_ARGS = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost;[::1]"]


def launch_chromium(playwright, *, offline: bool = False, **kwargs):
    """Debian's Chromium, headless, with the flags that keep it from calling home; with
    ``offline=True`` it also cannot reach anything outside 127.0.0.1 (see :data:`OFFLINE_ARGS`)."""
    args = CHROMIUM_ARGS + (OFFLINE_ARGS if offline else [])
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True, **kwargs)


@contextlib.contextmanager
def chromium_browser() -> Iterator[object]:
    """A headless Chromium for a whole test module (pages get their own contexts)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"data", "blob", "about"}:
        return True
    return parsed.hostname in LOCAL_HOSTS


def block_outside(page) -> list[str]:
    """Abort every request leaving 127.0.0.1; return the (live) list of blocked URLs."""
    blocked: list[str] = []

    def handle(route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return blocked


def record_outside(page) -> list[str]:
    """Record (without holding up any request) the URLs the page asks for outside 127.0.0.1."""
    outside: list[str] = []
    page.on("request", lambda request: None if is_local(request.url) else outside.append(request.url))
    return outside


def open_page(browser, url: str, *, viewport: dict | None = None, accept_downloads: bool = True,
              intercept: bool = True):
    """A new page at ``url`` with outside requests blocked, dialogs recorded and dismissed.

    The page gets ``blocked_requests`` (URLs aborted) and ``dialogs`` (messages of alert/confirm/
    prompt dialogs: a test for injected script asserts it stays empty). ``intercept=False`` is for
    timings: every request passing through Playwright's route handler costs a round trip to this
    process (about 0.3 s over a page load), so outside requests are only recorded, and the browser
    must be one that cannot reach them (``launch_chromium(..., offline=True)``).
    """
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000},
                                  accept_downloads=accept_downloads)
    page = context.new_page()
    page.blocked_requests = block_outside(page) if intercept else record_outside(page)
    page.dialogs = []

    def on_dialog(dialog) -> None:
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url)
    return page


def wait_for_app(page, timeout: float = 30_000, *, events: bool = True) -> None:
    """Wait until the Streamlit script has finished a run and shown its page: with ``events`` the
    event count, once the rerun that follows the map's first drawing (it draws the timeline) has
    finished too; without, a message (no store, no events). An error page ends the wait as well.

    (Elements can appear out of script order while their code loads, so the wait names what the
    page must show rather than trusting the first element seen.)"""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        "events => { const app = document.querySelector(\"[data-testid='stApp']\");"
        " if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') { return false; }"
        " if (document.querySelector(\"[data-testid='stException']\")) { return true; }"
        " const count = document.querySelector(\"[data-testid='opsmap-count']\");"
        " if (events) { return !!count && count.getAttribute('data-map') !== 'pending'; }"
        " return !!count || !!document.querySelector(\"[data-testid='stAlert']\"); }",
        arg=events, timeout=timeout)


def map_frame(page):
    """The frame of the folium map (streamlit-folium draws it in an iframe)."""
    page.wait_for_selector(MAP_IFRAME, timeout=30_000)
    return page.frame_locator(MAP_IFRAME).first


def wait_for_markers(page, count: int | None = None, timeout: float = 30_000):
    """Wait until the map holds a view's events and has drawn them (``count`` of them, if given:
    after a filter change the map stays and swaps its events, so the count tells the new view
    from the old); return the map frame."""
    handle = page.wait_for_selector(MAP_IFRAME, timeout=timeout)
    frame = handle.content_frame()
    frame.wait_for_function(
        "count => window.opsmap && window.opsmap.ready === true"
        " && (count === null || window.opsmap.count === count)", arg=count, timeout=timeout)
    return frame


def drawn_markers(frame) -> tuple[list[str], list[int]]:
    """What the map shows, read from its DOM: the class ids (:func:`css_id`) of the single event
    markers, and the event count written on each cluster."""
    singles = frame.evaluate(
        "() => [...document.querySelectorAll('path.opsmap-event')].map(p =>"
        " [...p.classList].find(c => c.startsWith('opsmap-ev-')).slice('opsmap-ev-'.length))")
    clusters = frame.evaluate(
        "() => [...document.querySelectorAll('.opsmap-cluster [data-count]')].map(c => c.dataset.count)")
    return sorted(singles), [int(count) for count in clusters]


def assert_map_shows(frame, event_ids) -> None:
    """The drawn markers stand for exactly ``event_ids`` (the view must be fitted to them): each
    event is a single marker or counted by a cluster, and nothing else is drawn."""
    wanted = sorted(str(e) for e in event_ids)
    assert sorted(frame.evaluate("() => window.opsmap.ids()")) == wanted
    singles, clusters = drawn_markers(frame)
    assert len(singles) + sum(clusters) == len(wanted), (singles, clusters, len(wanted))
    assert set(singles) <= {css_id(e) for e in wanted}, singles
    assert len(set(singles)) == len(singles)
    assert sorted(frame.evaluate("() => window.opsmap.drawn().ids")) == wanted


def shown_count(page) -> int:
    """The "N of M events shown" figure."""
    text = page.locator("[data-testid='opsmap-count']").first.inner_text()
    return int(text.split(" of ")[0].replace(",", "").replace("*", "").strip())


def run_number(page) -> str:
    """The app's run counter for this session (changes on every completed rerun)."""
    return page.locator("[data-testid='opsmap-count']").first.get_attribute("data-run") or ""


def wait_for_rerun(page, before: str, timeout: float = 30_000) -> None:
    """Wait until a rerun that started after ``before = run_number(page)`` has finished."""
    page.wait_for_function(
        "before => { const el = document.querySelector(\"[data-testid='opsmap-count']\");"
        " return el && el.getAttribute('data-run') !== before; }", arg=before, timeout=timeout)
    wait_for_app(page, timeout)


def sidebar_multiselect(page, label: str):
    """The sidebar multiselect whose label is exactly ``label``."""
    return page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(
        has=page.get_by_text(label, exact=True))


def choose_option(page, label: str, option: str, timeout: float = 30_000) -> None:
    """Pick ``option`` in the sidebar multiselect ``label`` and wait for the app's rerun to end."""
    before = run_number(page)
    sidebar_multiselect(page, label).locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_for_rerun(page, before, timeout)


def click_marker(page, event_id: str, timeout: float = 30_000):
    """Bring an event's marker out of its cluster (``window.opsmap.reveal`` zooms until it stands
    alone), click it, and wait until its popup is open and the event panel shows it; return the
    map frame (the popup is ``.leaflet-popup-content``)."""
    frame = wait_for_markers(page, timeout=timeout)
    if not frame.evaluate("id => new Promise(done => window.opsmap.reveal(id, done))", event_id):
        raise AssertionError(f"no marker for event {event_id!r} on the map")
    frame.locator(f"path.opsmap-ev-{css_id(event_id)}").click()
    frame.wait_for_selector(".leaflet-popup-content .opsmap-popup", timeout=timeout)
    page.get_by_role("heading", name=f"Event {event_id}").wait_for(timeout=timeout)
    wait_for_app(page, timeout)
    return frame


def css_id(event_id: str) -> str:
    """The class suffix a marker carries for its event (``path.opsmap-ev-<css_id>``)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in event_id)


def open_tab(page, name: str, timeout: float = 30_000) -> None:
    """Open a tab under the map (tabs are drawn when opened: wait for that rerun)."""
    before = run_number(page)
    page.get_by_role("tab", name=name).click()
    wait_for_rerun(page, before, timeout)
