"""The map: one folium map whose events are drawn in the browser from a compact payload.

Why client-side: a folium ``Marker`` per event costs Python time and kilobytes of generated
JavaScript per event, which does not scale to 100,000 events. Instead the filtered events travel
as column arrays (strings factorised into lookup lists) and our script ``eventlayer.js`` clusters
the events in view per zoom level and draws the clusters and single events, with lazily built popups.

Safety: report texts are untrusted. Every string reaches the page through ``textContent`` or an
HTML-escaping function, and only ``http``/``https`` URLs become links, both here (Python drops
other URLs from the payload) and again in the browser.
"""
from __future__ import annotations

import functools

import hashlib
import json
import math
import os
import re
import tempfile
from pathlib import Path

import folium
import pandas as pd
from folium.elements import MacroElement
from folium.template import Template

from . import assets, basemap

#: ACLED's six event types, each with a colour that stays distinguishable for most readers.
EVENT_TYPE_COLOURS: dict[str, str] = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
}
_EXTRA_COLOURS = ["#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]

#: Radius drawn around a location whose place gave no radius, by ACLED geo_precision.
PRECISION_RADIUS_KM: dict[int, float] = {2: 25.0, 3: 100.0}
PRECISION_LABELS: dict[int, str] = {
    1: "precise (1: the town or village itself)",
    2: "approximate (2: near a place, or its district)",
    3: "region (3: province or region only)",
}

#: Above this many events the popup omits the source sentence (it is in the event panel), so
#: the payload stays small enough to load quickly.
NOTES_IN_POPUP_LIMIT = 20_000
#: Up to this many events the uncertainty circles are on from the start; above, on request.
CIRCLES_ON_LIMIT = 20_000
#: Views of more events than this are fetched as a static file rather than sent inline.
INLINE_LIMIT = 2_000
PAYLOAD_DIR = assets.STATIC_DIR / "data"
PAYLOAD_URL = "/app/static/data"
EVENT_LAYER_JS = Path(__file__).resolve().parent / "eventlayer.js"
TOOLTIP_ID_PATTERN = re.compile(r"\(event ([^()]*)\)\s*$")
_HTTP_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def type_colours(types: list[str]) -> dict[str, str]:
    """A colour per event type: ACLED's fixed colours, then a fallback palette."""
    colours: dict[str, str] = {}
    extra = 0
    for name in types:
        if name in EVENT_TYPE_COLOURS:
            colours[name] = EVENT_TYPE_COLOURS[name]
        else:
            colours[name] = _EXTRA_COLOURS[extra % len(_EXTRA_COLOURS)]
            extra += 1
    return colours


def safe_url(url: object) -> str:
    """The URL when it is http(s); otherwise "" so that no other scheme is ever linked."""
    text = str(url or "").strip()
    return text if _HTTP_URL.match(text) else ""


def uncertainty_radius_km(precision: object, radius_km: object) -> float:
    """How far the true location may be from the point: the place's radius, else by precision."""
    one = uncertainty_radii_km(pd.Series([precision], dtype=object), pd.Series([radius_km], dtype=object))
    return float(one.iloc[0])


def drawable(frame: pd.DataFrame) -> pd.DataFrame:
    """Events that can be one point on the map: with coordinates, and not an aggregate."""
    keep = frame["latitude"].notna() & frame["longitude"].notna()
    if "is_summary" in frame:
        keep &= ~frame["is_summary"].astype(bool)
    return frame[keep]


def _codes(series: pd.Series) -> tuple[list[int], list[str]]:
    codes, uniques = pd.factorize(series.fillna("").astype(str), sort=False)
    return codes.tolist(), [str(u) for u in uniques]


def uncertainty_radii_km(precision: pd.Series, radius_km: pd.Series | None) -> pd.Series:
    """How far the true location may be from each point, for whole columns (100,000 events in
    milliseconds): 0 for an exact place (precision 1), else the place's radius, or by precision."""
    level = pd.to_numeric(precision, errors="coerce").fillna(1).astype(int)
    default = level.map(lambda p: PRECISION_RADIUS_KM.get(p, PRECISION_RADIUS_KM[3])).astype(float)
    if radius_km is None:
        radius = pd.Series(math.nan, index=precision.index)
    else:
        radius = pd.to_numeric(radius_km, errors="coerce")
    chosen = radius.where(radius > 0, default)
    return chosen.where(level > 1, 0.0)


def map_payload(frame: pd.DataFrame, *, include_notes: bool | None = None) -> dict:
    """Column arrays the browser script draws from; strings (and dates) factorised to keep it small."""
    events = drawable(frame)
    if include_notes is None:
        include_notes = len(events) <= NOTES_IN_POPUP_LIMIT
    type_codes, types = _codes(events["event_type"])
    sub_codes, subs = _codes(events["sub_event_type"])
    date_codes, dates = _codes(events["event_date"])
    actor1 = events["actor1"].fillna("").astype(str)
    actor2 = events["actor2"].fillna("").astype(str)
    actor_codes, actor_list = pd.factorize(pd.concat([actor1, actor2]), sort=False)
    loc_codes, locs = _codes(events["location"])
    src_codes, srcs = _codes(events["source"])
    url_codes, urls = _codes(events["source_url"].map(safe_url))
    precisions = events["geo_precision"].fillna(1).astype(int)
    radii = uncertainty_radii_km(precisions, events["geo_radius_km"] if "geo_radius_km" in events else None)
    colours = type_colours(types)
    payload = {
        "id": events["event_id"].astype(str).tolist(),
        "lat": events["latitude"].astype(float).round(5).tolist(),
        "lon": events["longitude"].astype(float).round(5).tolist(),
        "date": date_codes, "dates": dates,
        "type": type_codes, "types": types, "colours": [colours[t] for t in types],
        "sub": sub_codes, "subs": subs,
        "a1": actor_codes[:len(events)].tolist(), "a2": actor_codes[len(events):].tolist(),
        "actors": [str(a) for a in actor_list],
        "fat": events["fatalities"].fillna(0).astype(int).tolist(),
        "known": events["fatalities_known"].astype(bool).astype(int).tolist()
        if "fatalities_known" in events else [1] * len(events),
        "loc": loc_codes, "locs": locs,
        "prec": precisions.tolist(), "radius": radii.round(2).tolist(),
        "src": src_codes, "srcs": srcs, "url": url_codes, "urls": urls,
        "precisionLabels": {str(k): v for k, v in PRECISION_LABELS.items()},
        "circlesOnUpTo": CIRCLES_ON_LIMIT,
    }
    if include_notes:
        payload["notes"] = events["notes"].fillna("").astype(str).tolist()
    return payload


def to_script_json(value: object) -> str:
    """JSON that is also safe inside an HTML <script> element (no "</script>" can close it)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def event_id_from_tooltip(tooltip: str | None) -> str | None:
    """The event id a clicked marker's tooltip carries ("... (event <id>)")."""
    if not tooltip:
        return None
    match = TOOLTIP_ID_PATTERN.search(tooltip)
    return match.group(1) if match else None


class EventLayer(MacroElement):
    """The map's event machinery (``eventlayer.js``): our own grid clustering of the events in
    view, type-coloured markers, uncertainty rings on a canvas, heat layer, layer control and
    legend. It draws nothing itself: an :class:`EventView` hands it a view's events, so a filter
    change swaps the events without reloading the map.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
{{ this.code }}
opsmapInstall({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "EventLayer"
        self.code = event_layer_code()


@functools.lru_cache(maxsize=1)
def event_layer_code() -> str:
    """``eventlayer.js``, preceded by the heat plugin when folium ships it (the layer does without)."""
    heat = assets.HEAT_SOURCE.read_text(encoding="utf-8") + "\n" if assets.heat_available() else ""
    return heat + EVENT_LAYER_JS.read_text(encoding="utf-8")


class EventView(MacroElement):
    """One view's events for :class:`EventLayer`: inline JSON, or the URL of a JSON file served
    from the app's static folder (which keeps big views out of Streamlit's messages)."""

    _template = Template("""
{% macro script(this, kwargs) %}
window.opsmapShow({{ this.data }}, {{ this.fit }});
{% endmacro %}
""")

    def __init__(self, payload_json: str = "", payload_url: str = "", fit: bool = True) -> None:
        super().__init__()
        self._name = "EventView"
        self.data = to_script_json(payload_url) if payload_url else payload_json
        self.fit = "true" if fit else "false"


def publish_payload(payload_json: str, folder: Path = PAYLOAD_DIR, keep: int = 64) -> str | None:
    """Write the payload as a static file named by its hash; return its URL, or None if we can't.

    Streamlit serves the app's static folder, so the browser fetches big views directly instead
    of through Streamlit's messages. The same view is written once; old views are pruned.
    """
    digest = hashlib.sha256(payload_json.encode("utf-8")).hexdigest()[:24]
    target = folder / f"{digest}.json"
    try:
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(payload_json)
            os.replace(tmp, target)
            old = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)[keep:]
            for path in old:
                path.unlink(missing_ok=True)
        else:
            target.touch()
    except OSError:
        return None  # a read-only install: fall back to sending the payload inline
    return f"{PAYLOAD_URL}/{target.name}"


def tile_layer(tiles: str, attribution: str = "") -> folium.TileLayer | None:
    """The base layer the setting asks for; None when tiles are off (offline)."""
    if tiles.strip().lower() in {"", "none", "off"}:
        return None
    if tiles.strip().lower() == "openstreetmap":
        return folium.TileLayer("OpenStreetMap", max_zoom=18)
    return folium.TileLayer(tiles=tiles, attr=attribution or "Tiles: configured tile server",
                            name="Tiles", max_zoom=18)


def base_map(tiles: str = "openstreetmap", attribution: str = "") -> folium.Map:
    """The map without events; the same for every view, so streamlit-folium never reloads it."""
    fmap = folium.Map(location=[30.0, 40.0], zoom_start=3, tiles=None, control_scale=True)
    # Clustering needs a deepest zoom even without tiles: 14 (about 10 m a pixel) is finer than any
    # event location; there a cluster is spread out instead of zoomed into.
    fmap.options["max_zoom"] = 14
    fmap.options["min_zoom"] = 1
    fmap.default_js = [("leaflet", assets.LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", assets.LEAFLET_CSS)]
    base = tile_layer(tiles, attribution)
    if base is not None:
        base.add_to(fmap)
    basemap.CountryOutlines(below_tiles=base is not None).add_to(fmap)
    EventLayer().add_to(fmap)
    return fmap


def events_group(frame: pd.DataFrame, *, payload_url: str | None = None, fit: bool = True) -> folium.FeatureGroup:
    """The events of ``frame`` as a feature group for ``st_folium(feature_group_to_add=...)``.

    ``payload_url``: where the browser fetches them (see :func:`publish_payload`); without it
    they travel inline. ``fit``: zoom the map to them.
    """
    group = folium.FeatureGroup(name="opsmap view", control=False)
    if payload_url:
        EventView(payload_url=payload_url, fit=fit).add_to(group)
    else:
        EventView(payload_json=to_script_json(map_payload(frame)), fit=fit).add_to(group)
    return group


def build_map(frame: pd.DataFrame, tiles: str = "openstreetmap", attribution: str = "") -> folium.Map:
    """A complete folium map of ``frame`` (for saving as HTML): :func:`base_map` plus the events."""
    fmap = base_map(tiles, attribution)
    events_group(frame).add_to(fmap)
    return fmap
