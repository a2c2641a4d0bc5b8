"""The map with a view too big for one marker per event, in headless Chromium: clusters that count
every event, split when zoomed into and spread out where events share one point; clicking a
single event still opens its panel; panning and zooming do not rerun the app."""
from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import (assert_map_shows, choose_option, chromium_available, chromium_browser, click_marker, css_id,
                     drawn_markers, open_page, run_number, serve_dashboard, shown_count, wait_for_app,
                     wait_for_markers)
from pipeline.event import Event
from pipeline.report import Report
from pipeline.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright_api = pytest.importorskip("playwright.sync_api")
if not chromium_available():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

SPREAD_OUT = 2_960   # events scattered over northern Syria and Iraq
STACKED = 40         # events placed on one and the same point (as when a town is all we know)
STACK_POINT = (36.2021, 37.1343)
TYPES = ["Battles", "Explosions/Remote violence", "Protests"]
PER_REPORT = 100


def make_events(seed: int = 11) -> list[Event]:
    rng = random.Random(seed)
    events = []
    for i in range(SPREAD_OUT + STACKED):
        stacked = i >= SPREAD_OUT
        lat, lon = STACK_POINT if stacked else (round(rng.uniform(33.0, 37.0), 4), round(rng.uniform(36.5, 44.5), 4))
        precision = 1 if stacked else rng.choice([1, 1, 2, 3])
        events.append(Event(
            event_id=f"{'stack' if stacked else 'many'}-{i}", event_date=f"2024-{rng.randrange(1, 13):02d}-10",
            year=2024, event_type=TYPES[i % len(TYPES)], sub_event_type="Armed clash",
            actor1=f"Actor {i % 7}", location="Stack town" if stacked else f"Place {i}", latitude=lat,
            longitude=lon, geo_precision=precision, geo_radius_km=None if precision == 1 else 15.0,
            country="Syria", admin1="Aleppo", fatalities=i % 4, fatalities_known=True,
            notes=f"Sentence {i}.", source="Cluster Wire"))
    return events


def write_store(path: Path, events: list[Event]) -> None:
    """One report per PER_REPORT events, each event pointing at its own sentence in it."""
    with Store(path) as store:
        for first in range(0, len(events), PER_REPORT):
            chunk = events[first:first + PER_REPORT]
            text = " ".join(e.notes for e in chunk)
            report = Report(text=text, title=f"Report {first}", url=f"https://example.org/r/{first}",
                            published="2024-12-31", publisher="Cluster Wire")
            offset = 0
            for event in chunk:
                event.report_id, event.source_url, event.published = report.report_id, report.url, report.published
                event.sentence_start, event.sentence_end = offset, offset + len(event.notes)
                offset += len(event.notes) + 1
            store.save_report(report, [], [])
            store.save_reference(chunk)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Event]]]:
    folder = tmp_path_factory.mktemp("clusters")
    events = make_events()
    write_store(folder / "events.sqlite", events)
    with serve_dashboard(folder / "events.sqlite", tiles="none", log_path=folder / "streamlit.log") as base_url:
        yield base_url, events


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture
def page(browser, served):
    page = open_page(browser, served[0])
    wait_for_app(page, timeout=60_000)
    yield page
    page.context.close()


def map_state(frame) -> dict:
    return frame.evaluate("() => ({zoom: window.map.getZoom(), maxZoom: window.map.getMaxZoom()})")


def click_cluster_near_centre(page, frame) -> int:
    """Click the cluster closest to the map's centre; return the count it showed."""
    boxes = frame.evaluate(
        """() => { const r = window.map.getContainer().getBoundingClientRect();
                   const cx = r.width / 2, cy = r.height / 2;
                   return [...document.querySelectorAll('.opsmap-cluster')].map(c => {
                     const b = c.getBoundingClientRect();
                     return {x: b.x + b.width / 2, y: b.y + b.height / 2, count: +c.firstChild.dataset.count,
                             d: Math.hypot(b.x + b.width / 2 - cx, b.y + b.height / 2 - cy)}; })
                   .sort((a, b) => a.d - b.d); }""")
    assert boxes, "no cluster on the map"
    frame_box = page.locator("iframe[title='streamlit_folium.st_folium']").bounding_box()
    page.mouse.click(frame_box["x"] + boxes[0]["x"], frame_box["y"] + boxes[0]["y"])
    return boxes[0]["count"]


def test_large_view_is_clustered_and_every_event_counted(page, served) -> None:
    _, events = served
    frame = wait_for_markers(page, count=len(events))
    assert shown_count(page) == len(events)
    singles, clusters = drawn_markers(frame)
    assert clusters and len(singles) + len(clusters) < 400  # a few hundred markers, not 3,000
    assert_map_shows(frame, [e.event_id for e in events])
    # uncertainty rings are drawn (on one canvas) for a view of this size
    assert frame.evaluate("""() => { const c = document.querySelector('canvas.opsmap-rings');
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 4) { if (px[i]) { return true; } } return false; }""")


def test_cluster_click_zooms_in_and_splits_it(page, served) -> None:
    _, events = served
    frame = wait_for_markers(page, count=len(events))
    before = map_state(frame)["zoom"]
    clicked = click_cluster_near_centre(page, frame)
    frame.wait_for_function(f"() => window.map.getZoom() > {before}", timeout=10_000)
    page.wait_for_timeout(500)  # the zoom animation ends, then the view is redrawn
    singles, clusters = drawn_markers(frame)
    assert max(clusters, default=0) < clicked
    # every event now in view is still drawn: as a single marker or inside a cluster
    in_view = frame.evaluate("() => window.opsmap.ids().filter(id => window.map.getBounds().contains(window.opsmap.latLng(id)))")
    drawn = set(frame.evaluate("() => window.opsmap.drawn().ids"))
    assert in_view and set(in_view) <= drawn
    assert len(singles) + sum(clusters) == len(drawn)


def test_events_on_one_point_spread_out_at_the_deepest_zoom(page, served) -> None:
    _, events = served
    frame = wait_for_markers(page, count=len(events))
    frame.evaluate(f"() => {{ window.map.setView({list(STACK_POINT)}, 12, {{animate: false}}); }}")
    stacked = {css_id(e.event_id) for e in events if e.event_id.startswith("stack-")}
    for _ in range(4):  # each click zooms in, until zooming cannot part them and they spread out
        click_cluster_near_centre(page, frame)
        page.wait_for_timeout(600)
        if stacked <= set(drawn_markers(frame)[0]):
            break
    assert map_state(frame)["zoom"] == map_state(frame)["maxZoom"]
    assert stacked <= set(drawn_markers(frame)[0])


def test_clicking_one_event_in_a_large_view_opens_its_panel(page, served) -> None:
    _, events = served
    wait_for_markers(page, count=len(events))
    for event in (events[1234], events[-3]):  # one among many, one of the stacked
        frame = click_marker(page, event.event_id)
        popup = frame.locator(".leaflet-popup-content .opsmap-popup")
        assert popup.get_attribute("data-event-id") == event.event_id
        assert event.location in popup.inner_text()
        assert page.locator("mark.opsmap-sentence").inner_text() == event.notes


def test_panning_and_zooming_do_not_rerun_the_app(page, served) -> None:
    _, events = served
    frame = wait_for_markers(page, count=len(events))
    before = run_number(page)
    box = page.locator("iframe[title='streamlit_folium.st_folium']").bounding_box()
    x, y = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.3
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y + 80, steps=8)
    page.mouse.up()
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(400)
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1500)  # streamlit-folium reports moves after 250 ms; a rerun would follow
    assert run_number(page) == before
    assert page.locator("[data-testid='stApp']").get_attribute("data-test-script-state") == "notRunning"


def test_filter_in_a_large_view_redraws_exactly_the_filtered_events(page, served) -> None:
    _, events = served
    wait_for_markers(page, count=len(events))
    choose_option(page, "Event type", "Protests", timeout=60_000)
    wanted = [e.event_id for e in events if e.event_type == "Protests"]
    assert shown_count(page) == len(wanted)
    assert_map_shows(wait_for_markers(page, count=len(wanted)), wanted)


def test_layer_control_toggles_events_and_heat(page, served) -> None:
    _, events = served
    frame = wait_for_markers(page, count=len(events))
    control = frame.locator(".leaflet-control-layers")
    control.hover()
    frame.locator(".leaflet-control-layers-overlays label").filter(has_text="Events").click()
    frame.wait_for_function("() => !document.querySelector('path.opsmap-event, .opsmap-cluster')", timeout=10_000)
    frame.locator(".leaflet-control-layers-overlays label").filter(has_text="Events").click()
    frame.wait_for_function("() => !!document.querySelector('.opsmap-cluster')", timeout=10_000)
    assert_map_shows(frame, [e.event_id for e in events])
    frame.locator(".leaflet-control-layers-overlays label").filter(has_text="Heat map").click()
    frame.wait_for_selector("canvas.leaflet-heatmap-layer", timeout=10_000)
    assert frame.evaluate("""() => { const c = document.querySelector('canvas.leaflet-heatmap-layer');
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 4) { if (px[i]) { return true; } } return false; }""")
