"""The dashboard in headless Chromium, offline: markers, popups, the event panel, filters, the URL,
exports and hostile report content. One Streamlit server serves the whole module."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from browser import (assert_map_shows, block_outside, choose_option, chromium_available, chromium_browser, click_marker,
                     open_page, open_tab, run_number, serve_dashboard, shown_count, wait_for_app,
                     wait_for_markers, wait_for_rerun)
from pipeline.event import Event
from pipeline.report import Report
from pipeline.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright_api = pytest.importorskip("playwright.sync_api")
if not chromium_available():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

EVIL = '<script>window.__xss=1;alert(1)</script><img src=x onerror="window.__xss=2;alert(2)">'
HOLEB_TEXT = ("HOLEB, Syria — US-led coalition forces killed an Islamic State leader in a raid near Holeb "
              "on Monday. The coalition has been conducting operations in Syria for several years.")
HOLEB_SENTENCE = "US-led coalition forces killed an Islamic State leader in a raid near Holeb on Monday."


def write_sample_store(path: Path) -> None:
    """Three reports through the real Store API; one of them hostile in every text field."""
    start = HOLEB_TEXT.index(HOLEB_SENTENCE)
    holeb = Report(text=HOLEB_TEXT, title="Coalition raid kills IS leader", url="https://example.org/holeb",
                   published="2023-04-18", publisher="Example News")
    evil_text = f"MOSUL, Iraq — Iraqi forces struck a hideout {EVIL} near Mosul, killing 3. More text."
    evil = Report(text=evil_text, title="Title " + EVIL, url="javascript:alert(3)", published="2023-05-02",
                  publisher="Pub " + EVIL)
    kunar_text = "KABUL — A drone strike hit a compound in Kunar province. No casualties were reported."
    kunar = Report(text=kunar_text, title="Drone strike", url="https://example.com/kunar",
                   published="2023-06-10", publisher="Other Wire")
    with Store(path) as store:
        store.save_report(holeb, [], [Event(
            event_id="ev-holeb", event_date="2023-04-17", year=2023, event_type="Battles",
            sub_event_type="Armed clash", actor1="US-led coalition", actor2="Islamic State",
            location="Aleppo", latitude=36.2, longitude=37.16, geo_precision=2, geo_radius_km=10,
            country="Syria", admin1="Aleppo", fatalities=1, fatalities_known=True, notes=HOLEB_SENTENCE,
            source="Example News", source_url="https://example.org/holeb", published="2023-04-18",
            report_id=holeb.report_id, sentence_start=start, sentence_end=start + len(HOLEB_SENTENCE),
            geo_reason="HOLEB matched Aleppo as a spelling variant", date_reason="'Monday' before 2023-04-18",
            type_reason="'raid'", actor_reason="'US-led coalition' alias")])
        store.save_report(evil, [], [Event(
            event_id="ev-mosul", event_date="2023-05-01", year=2023, event_type="Battles",
            sub_event_type="Armed clash", actor1="Iraqi Security Forces", actor2="Islamic State",
            assoc_actor_1="Militia " + EVIL, location="Mosul " + EVIL, latitude=36.34, longitude=43.13,
            geo_precision=1, country="Iraq", admin1="Nineveh", fatalities=3, fatalities_known=True,
            notes="Iraqi forces struck a hideout " + EVIL, source="Pub " + EVIL,
            source_url="javascript:alert(4)", published="2023-05-02", report_id=evil.report_id,
            sentence_start=0, sentence_end=evil_text.index("More text."), geo_reason="Reason " + EVIL)])
        start = kunar_text.index("A drone")
        store.save_report(kunar, [], [Event(
            event_id="ev-kunar", event_date="2023-06-09", year=2023,
            event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
            actor1="Unidentified military forces", location="Kunar", latitude=34.85, longitude=71.1,
            geo_precision=3, country="Afghanistan", admin1="Kunar", notes=kunar_text[start:56],
            source="Other Wire", source_url="https://example.com/kunar", published="2023-06-10",
            report_id=kunar.report_id, sentence_start=start, sentence_end=56)])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("dashboard")
    store = folder / "events.sqlite"
    write_sample_store(store)
    with serve_dashboard(store, tiles="none", log_path=folder / "streamlit.log") as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture
def page(browser, server):
    page = open_page(browser, server)
    wait_for_app(page)
    yield page
    page.context.close()


def map_frame_handle(page):
    return page.wait_for_selector("iframe[title='streamlit_folium.st_folium']").content_frame()


def no_javascript_links(page, frame) -> None:
    for where in (page, frame):
        hrefs = where.evaluate("() => [...document.querySelectorAll('[href]')].map(a => a.getAttribute('href'))")
        assert not [h for h in hrefs if h and h.strip().lower().startswith("javascript:")], hrefs


def test_map_shows_every_event_offline(page) -> None:
    frame = wait_for_markers(page)
    assert frame.evaluate("() => window.opsmap.count") == 3
    assert shown_count(page) == 3
    assert_map_shows(frame, ["ev-holeb", "ev-mosul", "ev-kunar"])
    legend = frame.locator(".opsmap-legend").inner_text()
    assert "Battles" in legend and "Explosions/Remote violence" in legend
    overlays = frame.locator(".leaflet-control-layers-overlays").inner_text()
    assert "Events" in overlays and "Location uncertainty" in overlays and "Heat map" in overlays
    assert frame.evaluate("() => typeof L.heatLayer") == "function"  # the offline heat plugin loaded
    # the view fits the events: all three are inside the map's bounds
    assert frame.evaluate("() => window.opsmap.ids().every("
                          "id => window.map.getBounds().contains(window.opsmap.latLng(id)))")
    assert page.blocked_requests == []  # every script, style and font came from 127.0.0.1


def test_marker_click_shows_popup_and_panel(page) -> None:
    frame = click_marker(page, "ev-holeb")
    popup = frame.locator(".leaflet-popup-content")
    text = popup.inner_text()
    for expected in ("2023-04-17", "US-led coalition", "Islamic State", "Aleppo", "approximate", HOLEB_SENTENCE):
        assert expected in text
    assert popup.locator("a").get_attribute("href") == "https://example.org/holeb"
    mark = page.locator("mark.opsmap-sentence")
    assert mark.inner_text() == HOLEB_SENTENCE
    panel = page.locator("[data-testid='stMain']").inner_text()
    assert "HOLEB matched Aleppo as a spelling variant" in panel
    assert "Example News" in panel and "2023-04-18" in panel
    assert page.locator("a[href='https://example.org/holeb']").count() >= 1


def test_actor_filter_changes_count_markers_and_url(page) -> None:
    choose_option(page, "Actor (actor 1, actor 2 or associated)", "Iraqi Security Forces")
    assert shown_count(page) == 1
    frame = wait_for_markers(page, count=1)
    assert_map_shows(frame, ["ev-mosul"])
    assert "actor=Iraqi+Security+Forces" in page.url or "actor=Iraqi%20Security%20Forces" in page.url
    before = run_number(page)
    page.get_by_role("button", name="Reset filters").click()
    wait_for_rerun(page, before)
    assert shown_count(page) == 3
    assert_map_shows(wait_for_markers(page, count=3), ["ev-holeb", "ev-mosul", "ev-kunar"])
    assert "actor=" not in page.url


def test_copied_url_restores_the_view(browser, server) -> None:
    url = f"{server}/?actor={quote('Islamic State')}&type=Battles&from=2023-04-20"
    page = open_page(browser, url)
    try:
        wait_for_app(page)
        assert shown_count(page) == 1
        frame = wait_for_markers(page)
        assert_map_shows(frame, ["ev-mosul"])
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "Islamic State" in sidebar and "Battles" in sidebar
    finally:
        page.context.close()


def test_hostile_report_content_never_runs(page) -> None:
    frame = click_marker(page, "ev-mosul")
    page.get_by_text("Every field").click()
    page.wait_for_timeout(500)
    assert "<script>window.__xss=1" in frame.locator(".leaflet-popup-content").inner_text()
    assert "<script>window.__xss=1" in page.locator("[data-testid='stMain']").inner_text()
    frame.locator("path.opsmap-ev-ev-mosul").hover()  # the tooltip is rendered too
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.evaluate("() => window.__xss") is None
    assert frame.evaluate("() => window.__xss") is None
    no_javascript_links(page, frame)


def download(page, label: str) -> bytes:
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=label).click()
    return Path(info.value.path()).read_bytes()


def test_exports_hold_exactly_the_filtered_rows(page) -> None:
    choose_option(page, "Actor (actor 1, actor 2 or associated)", "Islamic State")
    assert shown_count(page) == 2
    open_tab(page, "Export")
    wanted = {"ev-holeb", "ev-mosul"}

    rows = list(csv.DictReader(io.StringIO(download(page, "CSV (ACLED columns first)").decode("utf-8"))))
    assert {r["event_id"] for r in rows} == wanted and len(rows) == 2
    assert list(rows[0])[:3] == ["event_id", "event_date", "year"]

    collection = json.loads(download(page, "GeoJSON (RFC 7946)"))
    assert {f["properties"]["event_id"] for f in collection["features"]} == wanted
    holeb = next(f for f in collection["features"] if f["id"] == "ev-holeb")
    assert holeb["geometry"]["coordinates"] == [37.16, 36.2]  # longitude first

    kml = ET.fromstring(download(page, "KML (Google Earth)"))
    ns = "{http://www.opengis.net/kml/2.2}"
    placemarks = kml.findall(f"{ns}Document/{ns}Placemark")
    assert {p.get("id") for p in placemarks} == {f"event-{e}" for e in wanted}
    assert all(p.findtext(f"{ns}TimeStamp/{ns}when") for p in placemarks)


def test_table_row_opens_the_panel(page) -> None:
    open_tab(page, "Table")
    grid = page.locator("[data-testid='stDataFrame']")
    grid.wait_for()
    box = grid.bounding_box()
    # the row selector column sits at the left edge; rows are about 35 px high below the header
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 35 * 2 + 17)  # third row: ev-kunar (sorted by date)
    page.get_by_role("heading", name="Event ev-kunar").wait_for(timeout=15_000)
    assert "Kunar" in page.locator("mark.opsmap-sentence").inner_text()
    frame = map_frame_handle(page)  # the map is centred on the event
    frame.wait_for_function("() => window.map.getZoom() === 11"
                            " && window.map.getCenter().distanceTo([34.85, 71.1]) < 1000", timeout=15_000)


def test_missing_store_shows_a_message_not_a_traceback(browser, tmp_path) -> None:
    with serve_dashboard(tmp_path / "absent.sqlite") as base_url:
        page = open_page(browser, base_url)
        try:
            wait_for_app(page, events=False)
            main = page.locator("[data-testid='stMain']").inner_text()
            assert "opsmap build" in main
            assert page.locator("[data-testid='stException']").count() == 0
        finally:
            page.context.close()


ORDER_PROBE = """() => {
  window.__order = [];
  const tick = () => {
    const frame = document.querySelector("iframe[title='streamlit_folium.st_folium']");
    const win = frame && frame.contentWindow;
    if (!window.__order.includes("map") && win && win.opsmap && win.opsmap.ready) { window.__order.push("map"); }
    if (!window.__order.includes("timeline") && document.querySelector("[data-testid='stVegaLiteChart']")) {
      window.__order.push("timeline");
    }
    if (window.__order.length < 2) { setTimeout(tick, 5); }
  };
  tick();
}"""


def test_timeline_is_drawn_once_the_map_is_up(browser, server) -> None:
    """On load the map comes first (Vega-Lite would compete with it); then the app reruns once and
    draws the timeline, with no further reruns."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(f"({ORDER_PROBE})()")
    page = context.new_page()
    blocked = block_outside(page)
    try:
        page.goto(server)
        wait_for_app(page)  # includes the rerun that follows the map's first drawing
        page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
        assert page.evaluate("window.__order") == ["map", "timeline"]
        assert run_number(page) == "2"  # the first run, and the one the map's report started
        assert page.get_by_text("The timeline is drawn as soon as the map is up.").count() == 0
        assert blocked == []
    finally:
        context.close()


def test_brushing_the_timeline_sets_the_date_filter(browser, server) -> None:
    page = open_page(browser, server, viewport={"width": 1400, "height": 1600})  # chart in view
    try:
        wait_for_app(page)
        chart = page.locator("[data-testid='stVegaLiteChart'] svg.marks").first
        chart.wait_for()
        page.wait_for_function(  # the brush's own rect plus one bar per event
            "() => document.querySelectorAll(\"[data-testid='stVegaLiteChart'] svg.marks .mark-rect path\").length >= 4")
        page.wait_for_timeout(1000)  # Streamlit re-embeds the chart once it knows its width
        box = chart.bounding_box()
        y = box["y"] + box["height"] * 0.5
        before = run_number(page)
        # from just right of the y axis to about the middle: April and early May, not June
        page.mouse.move(box["x"] + 90, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=12)
        page.mouse.up()
        wait_for_rerun(page, before)
        page.wait_for_function("() => window.location.search.includes('to=')", timeout=15_000)
        assert 1 <= shown_count(page) < 3
    finally:
        page.context.close()
