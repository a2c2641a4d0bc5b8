"""An offline basemap: country outlines and names, whether or not a tile server is set or reachable.

Without tiles the events float on a grey square and an analyst cannot tell Syria from Iraq. The
outlines come from Natural Earth through :mod:`pipeline.boundaries`, are written once as a static
file beside the vendored Leaflet, and are drawn on a canvas below the events. With tiles they lie
under the tiles, so a laptop that cannot reach the tile server still shows where things are.
"""
from __future__ import annotations

from pathlib import Path

from folium.elements import MacroElement
from folium.template import Template

from pipeline import boundaries

from . import assets

OUTLINE_FILE = f"basemap/countries-{boundaries.OUTLINE_FORMAT}.json"
OUTLINE_URL = f"{assets.VENDOR_URL}/{OUTLINE_FILE}"


def ensure_outline_file(vendor_dir: Path = assets.VENDOR_DIR) -> Path | None:
    """Write the outline file under ``vendor_dir`` once; None if the data package is missing."""
    try:
        return boundaries.write_outline_file(vendor_dir / OUTLINE_FILE)
    except boundaries.BoundariesUnavailable:
        return None


class CountryOutlines(MacroElement):
    """Land, borders and country names, fetched from :data:`OUTLINE_URL` after the map is up."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  map.getContainer().style.background = "#dbe7f0";
  var pane = map.createPane("opsmap-basemap");
  // without tiles: above the (empty) tile pane; with tiles: under them, showing where they fail
  pane.style.zIndex = {{ 150 if this.below_tiles else 250 }};
  pane.style.pointerEvents = "none";
  var labels = [];
  // Drawn after the events' first view: fitting the map to the events moves the view, and a
  // basemap drawn before that would be drawn twice while the events wait.
  // (If the events never come, it is drawn after a few seconds all the same.)
  function afterFirstView(draw) {
    if (!window.opsmap || window.opsmap.shown > 0) { draw(); return; }
    var done = false;
    function once() { if (!done) { done = true; draw(); } }
    window.addEventListener("opsmap-first-view", once, {once: true});
    setTimeout(once, 3000);
  }
  fetch({{ this.url|tojson }}).then(function (r) { return r.json(); }).then(function (data) {
    afterFirstView(function () { drawOutlines(data); });
  });
  function drawOutlines(data) {
    L.geoJSON(data, {
      pane: "opsmap-basemap", interactive: false, renderer: L.canvas({pane: "opsmap-basemap"}),
      style: {color: "#8c8c8c", weight: 0.8, fillColor: "#f6f4ee", fillOpacity: 1}
    }).addTo(map);
    data.features.forEach(function (f) {
      var at = f.properties.label;
      if (!at || !f.properties.country_code) { return; }  // no names for base areas and reefs
      var marker = L.marker([at[1], at[0]], {
        pane: "opsmap-basemap", interactive: false, keyboard: false,
        icon: L.divIcon({className: "opsmap-country-label", html: "", iconSize: null})
      }).on("add", function (e) { e.target.getElement().textContent = f.properties.name; });
      labels.push([Math.max(3, Math.floor(f.properties.label_zoom)), marker]);
    });
    function showLabels() {  // each name from the zoom Natural Earth gives it
      var z = map.getZoom();
      labels.forEach(function (l) {
        if (z >= l[0]) { if (!map.hasLayer(l[1])) { l[1].addTo(map); } } else { l[1].remove(); }
      });
    }
    map.on("zoomend", showLabels);
    showLabels();
    window.opsmapBasemap = {countries: data.features.length};
  }
  var css = document.createElement("style");
  css.textContent = ".opsmap-country-label{color:#6b6b6b;font:11px sans-serif;white-space:nowrap;" +
    "transform:translate(-50%,-50%);text-shadow:0 0 2px #fff}";
  document.head.appendChild(css);
})();
{% endmacro %}
""")

    def __init__(self, url: str = OUTLINE_URL, below_tiles: bool = False) -> None:
        super().__init__()
        self._name = "CountryOutlines"
        self.url = url
        self.below_tiles = below_tiles
