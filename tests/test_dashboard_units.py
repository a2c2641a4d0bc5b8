"""Dashboard logic without a browser: filters, the URL format, the map payload, escaping."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd

from dashboard import filters as flt
from dashboard import mapview
from dashboard.assets import VENDOR_SOURCES, ensure_vendor_assets
from dashboard.panel import highlight_sentence, link_html
from pipeline.event import EVENT_COLUMNS, Event
from pipeline.store import normalise_event_frame


def frame_of(*events: Event) -> pd.DataFrame:
    return normalise_event_frame(pd.DataFrame([e.to_row() for e in events], columns=EVENT_COLUMNS))


EVENTS = frame_of(
    Event(event_id="a", event_date="2023-01-05", event_type="Battles", sub_event_type="Armed clash",
          actor1="Army", actor2="Rebels", assoc_actor_1="Militia X; Militia Y", country="Syria",
          admin1="Idlib", latitude=35.9, longitude=36.6, geo_precision=1, fatalities=4, source="Wire",
          notes="Clashes near Idlib.", report_id="r1", source_url="https://example.org/a"),
    Event(event_id="b", event_date="2023-02-10", event_type="Explosions/Remote violence",
          actor1="Air Force", country="Iraq", admin1="Nineveh", latitude=36.3, longitude=43.1,
          geo_precision=3, geo_radius_km=None, fatalities=0, source="Agency", notes="An air strike.",
          report_id="r2", source_url="javascript:alert(1)"),
    Event(event_id="c", event_date="2023-03-01", event_type="Battles", actor1="Rebels", country="Syria",
          admin1="Aleppo", latitude=None, longitude=None, is_summary=True, notes="37 operations."),
)


def test_actor_filter_matches_any_role_including_associated() -> None:
    assert flt.actor_options(EVENTS) == ["Air Force", "Army", "Militia X", "Militia Y", "Rebels"]
    shown = flt.apply_filters(EVENTS, flt.Filters(actors=["Rebels"]))
    assert shown["event_id"].tolist() == ["a", "c"]
    shown = flt.apply_filters(EVENTS, flt.Filters(actors=["Militia Y"]))
    assert shown["event_id"].tolist() == ["a"]


def test_other_filters() -> None:
    apply = lambda **kw: flt.apply_filters(EVENTS, flt.Filters(**kw))["event_id"].tolist()  # noqa: E731
    assert apply(date_from=date(2023, 2, 1)) == ["b", "c"]
    assert apply(date_to=date(2023, 2, 10)) == ["a", "b"]
    assert apply(event_types=["Battles"], countries=["Syria"], admin1=["Idlib"]) == ["a"]
    assert apply(precisions=[3]) == ["b"]
    assert apply(min_fatalities=1) == ["a"]
    assert apply(publishers=["Agency"]) == ["b"]
    assert apply(text="AIR strike") == ["b"]
    assert apply(text="(") == []  # not a regex
    texts = {"r1": "Long report mentioning Jisr al-Shughur."}
    assert flt.apply_filters(EVENTS, flt.Filters(text="jisr"), texts)["event_id"].tolist() == ["a"]


def test_merged_sources_and_reference_datasets() -> None:
    frame = frame_of(
        Event(event_id="m", event_date="2023-04-17", source="Outlet A; Outlet B", source_dataset="opsmap"),
        Event(event_id="r", event_date="2023-04-17", source="CENTCOM", source_dataset="acled"),
    )
    options = flt.filter_options(frame)
    assert options.publishers == ["CENTCOM", "Outlet A", "Outlet B"]
    assert options.datasets == ["acled", "opsmap"]
    apply = lambda **kw: flt.apply_filters(frame, flt.Filters(**kw))["event_id"].tolist()  # noqa: E731
    assert apply(publishers=["Outlet B"]) == ["m"]
    assert apply(datasets=["acled"]) == ["r"]
    wanted = flt.Filters(datasets=["acled", "ucdp"])
    params = {k: v if isinstance(v, list) else [v] for k, v in flt.to_query(wanted).items()}
    assert params == {"dataset": ["acled", "ucdp"]} and flt.from_query(params) == wanted


def test_query_string_round_trip_and_plain_default() -> None:
    assert flt.to_query(flt.Filters()) == {}
    wanted = flt.Filters(actors=["Army", "Rebels"], date_from=date(2023, 1, 1), precisions=[1, 2],
                         min_fatalities=3, text="raid")
    query = flt.to_query(wanted)
    assert query["actor"] == ["Army", "Rebels"] and query["from"] == "2023-01-01"
    params = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    assert flt.from_query(params) == wanted
    assert flt.from_query({"from": ["not a date"], "minfat": ["x"], "precision": ["9"]}) == flt.Filters()
    assert flt.from_view_key(flt.view_key(wanted)) == wanted


def test_payload_drops_unsafe_urls_and_summaries() -> None:
    payload = mapview.map_payload(EVENTS)
    assert payload["id"] == ["a", "b"]  # c is an aggregate without a point
    assert payload["urls"][payload["url"][1]] == ""  # javascript: never reaches the browser
    assert payload["radius"] == [0.0, mapview.PRECISION_RADIUS_KM[3]]
    assert payload["colours"][payload["type"][0]] == mapview.EVENT_TYPE_COLOURS["Battles"]
    assert "notes" not in mapview.map_payload(EVENTS, include_notes=False)


def test_script_json_cannot_close_a_script_element() -> None:
    text = mapview.to_script_json({"x": "</script><script>alert(1)</script>\u2028"})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"x": "</script><script>alert(1)</script>\u2028"}


def test_tooltip_carries_the_event_id() -> None:
    assert mapview.event_id_from_tooltip("2023-01-05 · Battles · Idlib (event ev-1)") == "ev-1"
    assert mapview.event_id_from_tooltip("no id here") is None
    assert mapview.event_id_from_tooltip(None) is None


def test_highlight_escapes_before_marking() -> None:
    text = "Intro <b>. They said <script>alert(1)</script> today. End."
    start = text.index("They")
    end = text.index("today.") + len("today.")
    out = highlight_sentence(text, start, end)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count("<mark") == 1 and "&lt;b&gt;" in out
    assert highlight_sentence(text, None, None) == highlight_sentence(text, 5, 999)  # bad offsets: no mark


def test_links_only_for_http() -> None:
    assert link_html("javascript:alert(1)", "x") == "x"
    assert link_html("https://example.org/?a=1&b=\"2\"", "<src>") == "&lt;src&gt;"  # quote: not a URL
    assert link_html("https://example.org/?a=1&b=2", "<src>").startswith('<a href="https://example.org/?a=1&amp;b=2"')


def test_build_map_uses_only_local_assets(tmp_path) -> None:
    ensure_vendor_assets(tmp_path)
    ensure_vendor_assets(tmp_path)  # idempotent
    assert all((tmp_path / rel).exists() for rel in VENDOR_SOURCES)
    html = mapview.build_map(EVENTS, tiles="none").get_root().render()
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "cdn" not in html.lower() and "http://" not in html
    assert "maxZoom" in html
