"""opsmap dashboard: the event table on a map, with filters, sources, timeline, table and exports.

Run with static serving on, so the map's JavaScript and CSS come from this machine:
``streamlit run dashboard/app.py --server.enableStaticServing true`` (``opsmap serve`` does this).
The dashboard only reads the store and calls pipeline's public API; it holds no extraction logic.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

if __package__ in (None, ""):  # `streamlit run dashboard/app.py` runs this file as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import assets, basemap, filters as flt, mapview, timeline  # noqa: E402
from dashboard.addreport import render_add_report  # noqa: E402
from dashboard.panel import render_event_panel  # noqa: E402
from pipeline import export as exporter  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.store import Store, StoreError  # noqa: E402

GEONAMES_CREDIT = ("Place data: [GeoNames](https://www.geonames.org/), licensed under "
                   "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/).")
DIVISION_CREDIT = ("Province centres: [iso3166-2](https://pypi.org/project/iso3166-2/), from "
                   "© [OpenStreetMap](https://www.openstreetmap.org/copyright) contributors (ODbL).")
NATURAL_EARTH_CREDIT = "Borders: [Natural Earth](https://www.naturalearthdata.com/) (public domain)."
OSM_CREDIT = "Map tiles © [OpenStreetMap](https://www.openstreetmap.org/copyright) contributors."
MAP_HEIGHT = 560
#: st.dataframe ships every row to the browser; beyond this the table shows the first rows only.
TABLE_ROW_LIMIT = 10_000
TABLE_COLUMNS = ["event_date", "event_type", "sub_event_type", "actor1", "actor2", "location",
                 "geo_precision", "fatalities", "source", "notes", "event_id"]
FOCUS_ZOOM = 11
MAP_KEY = "events_map"
#: session_state flag: this session's map has drawn its first view (see ``eventlayer.js``)
MAP_DRAWN = "_map_drawn"

#: session_state key of each filter widget
WIDGET_KEYS = {
    "actors": "f_actors", "event_types": "f_types", "sub_types": "f_subtypes", "dates": "f_dates",
    "countries": "f_countries", "admin1": "f_admin1", "precisions": "f_precisions",
    "min_fatalities": "f_minfat", "publishers": "f_publishers", "datasets": "f_datasets", "text": "f_text",
}


def store_version(path: Path) -> float:
    """Changes whenever the store is written (WAL mode writes the -wal file first)."""
    stamps = [p.stat().st_mtime for p in (path, Path(f"{path}-wal")) if p.exists()]
    return max(stamps, default=0.0)


@st.cache_resource(show_spinner="Reading the event store…", max_entries=2)
def load_events(db_path: str, version: float) -> pd.DataFrame:
    """The whole event table, shared by all sessions (treat it as read-only: no copy per rerun)."""
    with Store(db_path, readonly=True) as store:
        return store.events()


@st.cache_data(show_spinner=False, max_entries=2)
def load_options(db_path: str, version: float) -> flt.FilterOptions:
    return flt.filter_options(load_events(db_path, version))


@dataclass(frozen=True)
class View:
    """One filtered view of the store, with what the map needs from it."""

    events: pd.DataFrame
    drawn: int


@st.cache_resource(show_spinner=False, max_entries=16)
def load_view(db_path: str, version: float, view_key: str) -> View:
    """The events a filter state keeps (cached: analysts flip between a few views)."""
    wanted = flt.from_view_key(view_key)
    texts = load_report_texts(db_path, version) if wanted.text.strip() else {}
    events = flt.apply_filters(load_events(db_path, version), wanted, texts)
    return View(events, len(mapview.drawable(events)))


@st.cache_data(show_spinner=False, max_entries=16)
def timeline_counts(db_path: str, version: float, view_key: str) -> tuple[pd.DataFrame, str]:
    return timeline.period_counts(load_view(db_path, version, view_key).events)


@st.cache_data(show_spinner=False, max_entries=4)
def load_report_texts(db_path: str, version: float) -> dict[str, str]:
    """Report texts for the free-text search, read once per store version."""
    with Store(db_path, readonly=True) as store:
        ids = store.reports()["report_id"].tolist()
        return {rid: (store.report(rid) or {}).get("text") or "" for rid in ids}


@st.cache_resource(show_spinner=False)
def open_store(db_path: str, version: float) -> Store:
    return Store(db_path, readonly=True)


@st.cache_data(show_spinner=False, max_entries=8)
def export_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    return exporter.export(frame, fmt)


@st.cache_data(show_spinner=False, max_entries=32)
def published_payload(db_path: str, version: float, view_key: str, _shown: pd.DataFrame) -> str | None:
    """The URL of this view's events as a static JSON file (one file per store version and view)."""
    return mapview.publish_payload(mapview.to_script_json(mapview.map_payload(_shown)))


def payload_url_for(db_path: str, version: float, view_key: str, shown: pd.DataFrame) -> str | None:
    """Big views go to the browser as a file; small ones inline (None)."""
    if len(shown) <= mapview.INLINE_LIMIT:
        return None
    url = published_payload(db_path, version, view_key, shown)
    if url and not (mapview.PAYLOAD_DIR / url.rsplit("/", 1)[-1]).exists():  # pruned meanwhile
        published_payload.clear()
        url = published_payload(db_path, version, view_key, shown)
    return url


def init_filters_from_url(options: flt.FilterOptions) -> None:
    """On a session's first run, set the widgets from the query string (a shared link)."""
    if st.session_state.get("_filters_initialised"):
        return
    st.session_state["_filters_initialised"] = True
    params = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    set_widgets(flt.from_query(params), options)


def set_widgets(wanted: flt.Filters, options: flt.FilterOptions) -> None:
    """Put ``wanted`` into the widgets' state, dropping values the data does not offer."""
    state = st.session_state
    for name in ("actors", "event_types", "sub_types", "countries", "admin1", "publishers", "datasets"):
        allowed = set(getattr(options, name))
        state[WIDGET_KEYS[name]] = [v for v in getattr(wanted, name) if v in allowed]
    if options.date_bounds:
        lo, hi = options.date_bounds
        start = min(max(wanted.date_from or lo, lo), hi)
        end = max(min(wanted.date_to or hi, hi), start)
        state[WIDGET_KEYS["dates"]] = (start, end)
    state[WIDGET_KEYS["precisions"]] = list(wanted.precisions)
    state[WIDGET_KEYS["min_fatalities"]] = int(wanted.min_fatalities)
    state[WIDGET_KEYS["text"]] = wanted.text


def reset_filters(options: flt.FilterOptions) -> None:
    set_widgets(flt.Filters(), options)
    st.session_state.pop("selected_event", None)


def sidebar_filters(options: flt.FilterOptions) -> flt.Filters:
    """Draw the filter widgets and return what they say."""
    side = st.sidebar
    side.header("Filters")
    actors = side.multiselect("Actor (actor 1, actor 2 or associated)", options.actors,
                              key=WIDGET_KEYS["actors"])
    bounds = options.date_bounds
    date_from = date_to = None
    if bounds:
        picked = side.date_input("Date range", min_value=bounds[0], max_value=bounds[1],
                                 key=WIDGET_KEYS["dates"])
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            date_from = picked[0] if picked[0] != bounds[0] else None
            date_to = picked[1] if picked[1] != bounds[1] else None
        elif isinstance(picked, (tuple, list)) and len(picked) == 1:  # half-picked range
            date_from = picked[0]
    event_types = side.multiselect("Event type", options.event_types, key=WIDGET_KEYS["event_types"])
    sub_types = side.multiselect("Sub-event type", options.sub_types, key=WIDGET_KEYS["sub_types"])
    countries = side.multiselect("Country", options.countries, key=WIDGET_KEYS["countries"])
    admin1 = side.multiselect("Province (admin1)", options.admin1, key=WIDGET_KEYS["admin1"])
    precisions = side.multiselect("Location precision", [1, 2, 3], key=WIDGET_KEYS["precisions"],
                                  format_func=lambda p: mapview.PRECISION_LABELS.get(p, str(p)))
    min_fatalities = side.number_input("Minimum fatalities", min_value=0, step=1,
                                       key=WIDGET_KEYS["min_fatalities"])
    publishers = side.multiselect("Source / publisher", options.publishers, key=WIDGET_KEYS["publishers"])
    datasets = side.multiselect("Dataset", options.datasets, key=WIDGET_KEYS["datasets"],
                                help="opsmap's own extraction, or reference layers imported with "
                                     "`opsmap import-reference` (ACLED, UCDP GED)")
    text = side.text_input("Search notes and report texts", key=WIDGET_KEYS["text"])
    side.button("Reset filters", on_click=reset_filters, args=(options,), key="reset_filters")
    return flt.Filters(actors=actors, event_types=event_types, sub_types=sub_types, date_from=date_from,
                       date_to=date_to, countries=countries, admin1=admin1, precisions=list(precisions),
                       min_fatalities=int(min_fatalities or 0), publishers=publishers,
                       datasets=datasets, text=text)


def sync_url(current: flt.Filters) -> None:
    """Write the filters into the query string so that a copied link restores this view."""
    wanted = flt.to_query(current)
    present = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    normalised = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if present != normalised:
        st.query_params.from_dict(wanted)


def on_timeline_select(options: flt.FilterOptions) -> None:
    """A brushed period on the timeline becomes the date filter."""
    period = timeline.selected_period(st.session_state.get("timeline"))
    bounds = options.date_bounds
    if period and bounds:
        start = min(max(period[0], bounds[0]), bounds[1])
        end = max(min(period[1], bounds[1]), start)
        st.session_state[WIDGET_KEYS["dates"]] = (start, end)


def on_table_select(table: pd.DataFrame) -> None:
    """A row picked in the table opens its event panel and centres the map on it."""
    rows = st.session_state.get("table", {}).get("selection", {}).get("rows", [])
    if not rows or rows[0] >= len(table):
        return
    event = table.iloc[rows[0]]
    st.session_state["selected_event"] = str(event["event_id"])
    if pd.notna(event["latitude"]) and pd.notna(event["longitude"]):
        st.session_state["map_focus"] = (float(event["latitude"]), float(event["longitude"]))


def render_timeline(db_path: str, version: float, view_key: str, options: flt.FilterOptions) -> None:
    """Events per period by type; a brushed period becomes the date filter."""
    if not st.session_state.get(MAP_DRAWN):
        # Held back until the map has drawn its first view: Vega-Lite's bundle would compete with
        # the map for the browser's main thread and delay the first usable map by about 0.5 s.
        st.caption("The timeline is drawn as soon as the map is up.")
        return
    st.caption("Drag across the chart to set the date filter to that period.")
    chart = timeline.timeline_chart(*timeline_counts(db_path, version, view_key))
    st.altair_chart(chart, key="timeline", on_select=lambda: on_timeline_select(options),
                    selection_mode=timeline.SELECTION_NAME, width="stretch")


def render_table(shown: pd.DataFrame) -> None:
    table = shown.head(TABLE_ROW_LIMIT).reset_index(drop=True)
    if len(shown) > TABLE_ROW_LIMIT:
        st.caption(f"The first {TABLE_ROW_LIMIT:,} of {len(shown):,} events; export the view for all of them.")
    st.dataframe(table[TABLE_COLUMNS + ["latitude", "longitude"]], key="table", hide_index=True,
                 on_select=lambda: on_table_select(table), selection_mode="single-row",
                 column_order=TABLE_COLUMNS, width="stretch")


def render_exports(shown: pd.DataFrame) -> None:
    st.caption(f"Download the {len(shown):,} events of the current view.")
    columns = st.columns(3)
    for column, (fmt, label) in zip(columns, (("csv", "CSV (ACLED columns first)"),
                                             ("geojson", "GeoJSON (RFC 7946)"), ("kml", "KML (Google Earth)"))):
        column.download_button(label, data=lambda fmt=fmt: export_bytes(shown, fmt),
                               file_name=f"opsmap-events.{fmt}", mime=exporter.MEDIA_TYPES[fmt],
                               key=f"export_{fmt}", on_click="ignore")


def footer(tiles: str) -> None:
    credits = [GEONAMES_CREDIT, DIVISION_CREDIT, NATURAL_EARTH_CREDIT]
    if tiles.strip().lower() == "openstreetmap":
        credits.append(OSM_CREDIT)
    st.divider()
    st.caption(" ".join(credits))


def note_map_report() -> None:
    """The map reports once that it has drawn; from then on the timeline is drawn too."""
    if (st.session_state.get(MAP_KEY) or {}).get("opsmap_drawn"):
        st.session_state[MAP_DRAWN] = True


def selected_from_map(result: dict | None) -> str | None:
    """The event id of the marker clicked last, once per click."""
    tooltip = (result or {}).get("last_object_clicked_tooltip")
    if tooltip and tooltip != st.session_state.get("_last_map_tooltip"):
        st.session_state["_last_map_tooltip"] = tooltip
        return mapview.event_id_from_tooltip(tooltip)
    return None


def main() -> None:
    st.set_page_config(page_title="opsmap", page_icon="🗺️", layout="wide")
    settings = load_settings()
    assets.ensure_vendor_assets()
    basemap.ensure_outline_file()
    st.title("opsmap")
    db_path = Path(settings.db_path)
    version = store_version(db_path)
    try:
        frame = load_events(str(db_path), version)
    except StoreError as exc:
        st.info(f"No event store to show: {exc}. Build one with `opsmap build` "
                f"(or point OPSMAP_DB at an existing store), or add a report below.")
        with st.expander("Add a report"):
            render_add_report(settings)
        footer(settings.tiles)
        return
    if frame.empty:
        st.info(f"The event store at `{db_path}` holds no events yet. Run `opsmap build` to read the "
                "reports in data/reports/ and extract their events, or add a report below.")
        with st.expander("Add a report"):
            render_add_report(settings)
        footer(settings.tiles)
        return

    options = load_options(str(db_path), version)
    init_filters_from_url(options)
    current = sidebar_filters(options)
    sync_url(current)
    if st.session_state.get("_last_filters") != current:  # a new view fits its events again
        st.session_state["_last_filters"] = current
        st.session_state.pop("map_focus", None)
    view_key = flt.view_key(current)
    view = load_view(str(db_path), version, view_key)
    shown = view.events
    not_drawn = len(shown) - view.drawn
    runs = st.session_state["_runs"] = st.session_state.get("_runs", 0) + 1  # lets tests see a rerun end
    drawn = "drawn" if st.session_state.get(MAP_DRAWN) else "pending"
    # st.html, not st.markdown with raw HTML: the page then never loads the raw-HTML Markdown plugin.
    st.html(f"<p style='margin:0'><span data-testid='opsmap-count' data-run='{runs}' data-map='{drawn}'>"
            f"<b>{len(shown):,}</b> of {len(frame):,} events shown</span>"
            + (f" ({not_drawn:,} without a single point — aggregates or unplaced — are in the table only)"
               if not_drawn else "") + "</p>")

    map_column, panel_column = st.columns([3, 2], gap="medium")
    focus = st.session_state.get("map_focus")
    with map_column:
        # The base map never changes, so streamlit-folium keeps it; the view's events come in a
        # feature group that it swaps in place when the filters change.
        fmap = mapview.base_map(settings.tiles, settings.tiles_attribution)
        events = mapview.events_group(shown, fit=focus is None,
                                      payload_url=payload_url_for(str(db_path), version, view_key, shown))
        result = st_folium(fmap, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                           returned_objects=["last_object_clicked_tooltip"], feature_group_to_add=events,
                           center=focus, zoom=FOCUS_ZOOM if focus else None, on_change=note_map_report)
    clicked = selected_from_map(result)
    if clicked:
        st.session_state["selected_event"] = clicked
    with panel_column:
        selected = st.session_state.get("selected_event")
        match = frame[frame["event_id"] == selected] if selected else frame.iloc[0:0]
        if match.empty:
            st.info("Click a marker to read the event, why it was coded so, and its sources.")
        else:
            store = open_store(str(db_path), version)
            render_event_panel(match.iloc[0], store.event_sources(str(selected)), store.report)

    # Only the open tab is drawn (a 10,000-row table costs the browser a second to lay out).
    timeline_tab, table_tab, export_tab, add_tab = st.tabs(
        ["Timeline", "Table", "Export", "Add a report"], key="tab", on_change="rerun")
    if timeline_tab.open:
        with timeline_tab:
            render_timeline(str(db_path), version, view_key, options)
    if table_tab.open:
        with table_tab:
            render_table(shown)
    if export_tab.open:
        with export_tab:
            render_exports(shown)
    if add_tab.open:
        with add_tab:
            render_add_report(settings)
    footer(settings.tiles)


main()
