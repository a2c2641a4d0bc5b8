"""The map: one folium map whose events are drawn in the browser from a compact payload.

Why client-side: a folium ``Marker`` per event costs Python time and kilobytes of generated
JavaScript per event, which does not scale to 100,000 events. Instead the filtered events travel
as column arrays (strings factorised into lookup lists) and a small script draws them as clustered
circle markers with lazily built popups.

Safety: report texts are untrusted. Every string reaches the page through ``textContent`` or an
HTML-escaping function, and only ``http``/``https`` URLs become links, both here (Python drops
other URLs from the payload) and again in the browser.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from pathlib import Path

import folium
import pandas as pd
from folium.elements import JSCSSMixin, MacroElement
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
    try:
        radius = float(radius_km)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        radius = math.nan
    try:
        level = int(precision)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        level = 1
    if level <= 1:
        return 0.0
    if not math.isnan(radius) and radius > 0:
        return radius
    return PRECISION_RADIUS_KM.get(level, PRECISION_RADIUS_KM[3])


def drawable(frame: pd.DataFrame) -> pd.DataFrame:
    """Events that can be one point on the map: with coordinates, and not an aggregate."""
    keep = frame["latitude"].notna() & frame["longitude"].notna()
    if "is_summary" in frame:
        keep &= ~frame["is_summary"].astype(bool)
    return frame[keep]


def _codes(series: pd.Series) -> tuple[list[int], list[str]]:
    codes, uniques = pd.factorize(series.fillna("").astype(str), sort=False)
    return codes.tolist(), [str(u) for u in uniques]


def map_payload(frame: pd.DataFrame, *, include_notes: bool | None = None) -> dict:
    """Column arrays the browser script draws from; strings factorised to keep it small."""
    events = drawable(frame)
    if include_notes is None:
        include_notes = len(events) <= NOTES_IN_POPUP_LIMIT
    type_codes, types = _codes(events["event_type"])
    sub_codes, subs = _codes(events["sub_event_type"])
    actors = pd.concat([events["actor1"], events["actor2"]]).fillna("").astype(str)
    actor_list = list(dict.fromkeys(actors.tolist()))
    actor_index = {name: i for i, name in enumerate(actor_list)}
    loc_codes, locs = _codes(events["location"])
    src_codes, srcs = _codes(events["source"])
    url_codes, urls = _codes(events["source_url"].map(safe_url))
    precisions = events["geo_precision"].fillna(1).astype(int).tolist()
    radius_column = events["geo_radius_km"] if "geo_radius_km" in events else [None] * len(events)
    radii = [round(uncertainty_radius_km(p, r), 2) for p, r in zip(precisions, radius_column)]
    colours = type_colours(types)
    payload = {
        "id": events["event_id"].astype(str).tolist(),
        "lat": events["latitude"].astype(float).round(5).tolist(),
        "lon": events["longitude"].astype(float).round(5).tolist(),
        "date": events["event_date"].fillna("").astype(str).tolist(),
        "type": type_codes, "types": types, "colours": [colours[t] for t in types],
        "sub": sub_codes, "subs": subs,
        "a1": [actor_index[a] for a in events["actor1"].fillna("").astype(str)],
        "a2": [actor_index[a] for a in events["actor2"].fillna("").astype(str)],
        "actors": actor_list,
        "fat": events["fatalities"].fillna(0).astype(int).tolist(),
        "known": events["fatalities_known"].astype(bool).astype(int).tolist()
        if "fatalities_known" in events else [1] * len(events),
        "loc": loc_codes, "locs": locs,
        "prec": precisions, "radius": radii,
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


class EventLayer(JSCSSMixin):
    """The map's event machinery: clustered type-coloured markers, uncertainty circles, heat
    layer, layer control and legend. It draws nothing itself: an :class:`EventView` hands it a
    view's events, so a filter change swaps the markers without reloading the map.

    Tooltips and popups are bound when a marker is first hovered or clicked, not up front.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  function safeUrl(u) { return (typeof u === "string" && /^https?:\\/\\/[^\\s<>"']+$/i.test(u)) ? u : null; }
  function cssId(s) { return String(s).replace(/[^A-Za-z0-9_-]/g, "_"); }
  var d = null, byId = {}, loading = false;
  window.opsmap = {count: 0, ready: false, byId: byId};

  // Added now, filled later: streamlit-folium wires its click reporting to the layers present
  // when this script has run, and our handlers run before its own.
  var cluster = L.markerClusterGroup({
    chunkedLoading: true, chunkInterval: 150, chunkDelay: 10, showCoverageOnHover: false,
    maxClusterRadius: 40, chunkProgress: function (done, total) {
      if (loading && done >= total) { loading = false; window.opsmap.ready = true; }
    }
  });
  map.addLayer(cluster);
  cluster.on("mouseover", function (e) { describe(e.layer); e.layer.openTooltip(); });
  cluster.on("click", function (e) {
    if (e.layer.getPopup && !e.layer.getPopup()) { describe(e.layer); e.layer.openPopup(); }
  });

  function line(box, label, value) {
    if (value === "" || value === null || value === undefined) { return; }
    var div = document.createElement("div");
    var b = document.createElement("b");
    b.textContent = label + ": ";
    div.appendChild(b);
    div.appendChild(document.createTextNode(String(value)));
    box.appendChild(div);
  }
  function popupFor(i) {
    var box = document.createElement("div");
    box.className = "opsmap-popup";
    box.setAttribute("data-event-id", d.id[i]);
    var type = d.types[d.type[i]], sub = d.subs[d.sub[i]];
    line(box, "Date", d.date[i]);
    line(box, "Event", sub ? type + " / " + sub : type);
    line(box, "Actor 1", d.actors[d.a1[i]]);
    line(box, "Actor 2", d.actors[d.a2[i]]);
    line(box, "Fatalities", d.known[i] ? d.fat[i] : d.fat[i] + " (no figure reported)");
    var precision = d.precisionLabels[String(d.prec[i])] || ("precision " + d.prec[i]);
    if (d.radius[i] > 0) { precision += ", within about " + d.radius[i] + " km"; }
    line(box, "Location", d.locs[d.loc[i]] + " \u2014 " + precision);
    if (d.notes) {
      var quote = document.createElement("blockquote");
      quote.className = "opsmap-notes";
      quote.textContent = d.notes[i];
      box.appendChild(quote);
    } else {
      line(box, "Source sentence", "in the event panel next to the map");
    }
    var url = safeUrl(d.urls[d.url[i]]);
    var publisher = d.srcs[d.src[i]];
    if (url) {
      var a = document.createElement("a");
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.className = "opsmap-source-link";
      a.textContent = "Source: " + (publisher || url);
      box.appendChild(a);
    } else {
      line(box, "Source", publisher);
    }
    return box;
  }
  function describe(layer) {
    var i = layer.opsmapIndex;
    if (i === undefined || layer.getTooltip()) { return; }
    // A string tooltip is parsed as HTML (by Leaflet and by streamlit-folium): escape it all.
    layer.bindTooltip(esc(d.date[i] + " \u00b7 " + d.types[d.type[i]] + " \u00b7 " + d.locs[d.loc[i]])
                      + " (event " + esc(d.id[i]) + ")");
    layer.bindPopup(function () { return popupFor(i); }, {maxWidth: 380});
  }

  var circles = L.layerGroup(), circlesDrawn = false, canvas = L.canvas({padding: 0.5});
  function drawCircles() {
    if (circlesDrawn || !d) { return; }
    circlesDrawn = true;
    for (var j = 0; j < d.id.length; j++) {
      if (d.radius[j] > 0) {
        L.circle([d.lat[j], d.lon[j]], {
          radius: d.radius[j] * 1000, renderer: canvas, interactive: false,
          color: d.colours[d.type[j]], weight: 1, dashArray: "4 4", fillOpacity: 0.06
        }).addTo(circles);
      }
    }
  }
  circles.on("add", drawCircles);  // drawn when first displayed
  var overlays = {"Events": cluster, "Location uncertainty": circles};
  var heat = L.heatLayer ? L.heatLayer([], {radius: 18, blur: 15, maxZoom: 9}) : null;
  if (heat) { overlays["Heat map"] = heat; }
  L.control.layers(null, overlays, {collapsed: true}).addTo(map);
  var legendBox = null;
  var legend = L.control({position: "bottomleft"});
  legend.onAdd = function () {
    legendBox = L.DomUtil.create("div", "opsmap-legend");
    legendBox.style.cssText = "background:rgba(255,255,255,.9);padding:6px 8px;border-radius:4px;font:12px sans-serif;";
    return legendBox;
  };
  legend.addTo(map);
  function fillLegend() {
    legendBox.textContent = "";
    legendBox.style.display = d.id.length ? "" : "none";
    for (var t = 0; t < d.types.length; t++) {
      var item = document.createElement("div");
      var swatch = document.createElement("span");
      swatch.style.cssText = "display:inline-block;width:10px;height:10px;border-radius:50%;" +
        "margin-right:5px;border:1px solid #222;background:" + d.colours[t];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(d.types[t] || "(no type)"));
      legendBox.appendChild(item);
    }
    var note = document.createElement("div");
    note.textContent = "dashed ring: approximate location";
    note.style.cssText = "margin-top:3px;color:#555;";
    legendBox.appendChild(note);
  }

  // Replace the drawn events with a view's (the map itself stays: no reload on a filter change).
  function show(data, fit) {
    d = data;
    var n = d.id.length;
    loading = false;
    cluster.clearLayers();
    circles.clearLayers();
    circlesDrawn = false;
    byId = {};
    window.opsmap.byId = byId;
    window.opsmap.ready = false;
    window.opsmap.count = n;
    var markers = new Array(n), points = new Array(n);
    var south = 90, west = 180, north = -90, east = -180;
    for (var i = 0; i < n; i++) {
      var colour = d.colours[d.type[i]];
      var exact = d.radius[i] <= 0;
      var marker = L.circleMarker([d.lat[i], d.lon[i]], {
        radius: 7, color: exact ? "#222" : colour, weight: exact ? 1 : 2,
        dashArray: exact ? null : "3 3", fillColor: colour, fillOpacity: exact ? 0.9 : 0.4,
        className: "opsmap-event opsmap-ev-" + cssId(d.id[i])
      });
      marker.opsmapIndex = i;
      markers[i] = marker;
      byId[d.id[i]] = marker;
      points[i] = [d.lat[i], d.lon[i]];
      south = Math.min(south, d.lat[i]); north = Math.max(north, d.lat[i]);
      west = Math.min(west, d.lon[i]); east = Math.max(east, d.lon[i]);
    }
    if (fit && n > 0) {  // before clustering, so the clusters are computed once, at the final zoom
      map.fitBounds([[south, west], [north, east]], {padding: [30, 30], maxZoom: 9, animate: false});
    }
    if (n === 0) { window.opsmap.ready = true; } else { loading = true; cluster.addLayers(markers); }
    if (heat) { heat.setLatLngs(points); }
    if (!window.opsmap.shown && n <= d.circlesOnUpTo) { map.addLayer(circles); }
    if (map.hasLayer(circles)) { drawCircles(); }
    window.opsmap.shown = (window.opsmap.shown || 0) + 1;
    fillLegend();
  }
  var latest = 0;
  window.opsmapShow = function (data, fit) {
    var ticket = ++latest;  // a slow fetch for an older view must not overwrite a newer one
    if (typeof data === "string") {
      fetch(data).then(function (r) { return r.json(); }).then(function (loaded) {
        if (ticket === latest) { show(loaded, fit); }
      });
    } else {
      show(data, fit);
    }
  };

  // Bring one event's marker out of its cluster (used by tests and the table's "focus").
  window.opsmap.reveal = function (id, done) {
    var target = byId[id];
    if (!target) { if (done) { done(false); } return; }
    var waited = 0;
    function check() {  // circle markers never fire the cluster's own callback: poll instead
      if (map.hasLayer(target)) { if (done) { done(true); } return; }
      waited += 100;
      if (waited > 5000) { if (done) { done(false); } return; }
      setTimeout(check, 100);
    }
    cluster.zoomToShowLayer(target, function () {});
    setTimeout(check, 100);
  };
  window.opsmap.cluster = cluster;

})();
{% endmacro %}
""")

    default_js = [
        ("markerclusterjs", assets.MARKERCLUSTER_JS),
        ("leaflet_heat", assets.HEAT_JS),
    ]
    default_css = [
        ("markerclustercss", assets.MARKERCLUSTER_CSS),
        ("markerclusterdefaultcss", assets.MARKERCLUSTER_DEFAULT_CSS),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._name = "EventLayer"


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
    # Clusters need a maxZoom even without tiles. 14 (about 10 m a pixel) is finer than any event
    # location; each level above it would cost markercluster ~10 % more indexing time.
    fmap.options["max_zoom"] = 14
    fmap.options["min_zoom"] = 1
    fmap.default_js = [("leaflet", assets.LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", assets.LEAFLET_CSS)]
    base = tile_layer(tiles, attribution)
    if base is not None:
        base.add_to(fmap)
    else:
        basemap.CountryOutlines().add_to(fmap)
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
