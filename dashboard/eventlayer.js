// opsmap's event layer: draws a view's events on a Leaflet map from column arrays.
//
// Why our own clustering: Leaflet.markercluster builds a Leaflet object per event and indexes
// them all at every zoom level (about 2 s for 100,000 events). Here the events stay in arrays;
// on every move the events in view are binned into a grid of CELL-pixel squares (global pixel
// coordinates, so a pan does not reshuffle them), close neighbouring squares are joined, and
// only the few hundred resulting clusters and single events become Leaflet markers. That costs a
// few milliseconds per move for 100,000 events.
//
// Safety: report texts are untrusted. Every string reaches the page through textContent or
// esc(), and only http(s) URLs become links.
function opsmapInstall(map) {
  "use strict";
  var CELL = 60;             // px: events closer than about this share a cluster
  var JOIN = 45;             // px: neighbouring squares whose centres are closer are joined
  var SPREAD_LIMIT = 2000;   // a cluster spread out at the deepest zoom shows at most this many
  var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  function safeUrl(u) { return (typeof u === "string" && /^https?:\/\/[^\s<>"']+$/i.test(u)) ? u : null; }
  function cssId(s) { return String(s).replace(/[^A-Za-z0-9_-]/g, "_"); }

  var style = document.createElement("style");
  style.textContent =
    ".opsmap-cluster{border-radius:50%;background:rgba(38,50,56,.82);color:#fff;" +
    "border:2px solid rgba(255,255,255,.9);box-shadow:0 0 0 1px rgba(0,0,0,.35);" +
    "font:bold 12px/1 sans-serif;display:flex;align-items:center;justify-content:center;}" +
    ".opsmap-cluster:hover{background:rgba(21,101,192,.9);}";
  document.head.appendChild(style);

  var d = null, n = 0;
  var mx = null, my = null;  // Web Mercator x, y in [0, 1] (times 256 * 2^zoom = Leaflet's pixels)
  var index = null;          // event id -> position in the arrays, built when first needed
  var api = window.opsmap = {count: 0, ready: false, shown: 0};

  // Added now, filled later: streamlit-folium wires its click reporting to the layers present
  // when this script has run, and our handlers run before its own.
  var events = L.featureGroup();
  map.addLayer(events);
  var singles = new Map();   // event index -> its circle marker, while drawn
  var clusterMarkers = [];
  var last = null;           // the grouping currently drawn
  var spread = null;         // {zoom, anchor}: the cluster holding event `anchor` is spread out

  function project() {
    mx = new Float64Array(n);
    my = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var lat = Math.max(-85.0511, Math.min(85.0511, d.lat[i]));
      var s = Math.sin(lat * Math.PI / 180);
      mx[i] = (d.lon[i] + 180) / 360;
      my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
  }

  // Bin the events whose grid square is in (or next to) the pixel bounds at zoom z, then join
  // neighbouring squares whose centres are closer than JOIN pixels (largest squares first).
  function group(z, bounds) {
    var scale = 256 * Math.pow(2, z);
    var cx0 = Math.floor(bounds.min.x / CELL) - 1, cy0 = Math.floor(bounds.min.y / CELL) - 1;
    var w = Math.floor(bounds.max.x / CELL) + 2 - cx0, h = Math.floor(bounds.max.y / CELL) + 2 - cy0;
    var cells = w * h;
    var count = new Int32Array(cells), first = new Int32Array(cells);
    var sx = new Float64Array(cells), sy = new Float64Array(cells);
    var x0 = new Float64Array(cells), y0 = new Float64Array(cells);
    var x1 = new Float64Array(cells), y1 = new Float64Array(cells);
    var cellOf = new Int32Array(n);
    for (var i = 0; i < n; i++) {
      var x = mx[i] * scale, y = my[i] * scale;
      var cx = Math.floor(x / CELL) - cx0, cy = Math.floor(y / CELL) - cy0;
      if (cx < 0 || cy < 0 || cx >= w || cy >= h) { cellOf[i] = -1; continue; }
      var c = cx * h + cy;
      cellOf[i] = c;
      if (count[c] === 0) {
        first[c] = i; x0[c] = x1[c] = x; y0[c] = y1[c] = y;
      } else {
        if (x < x0[c]) { x0[c] = x; } else if (x > x1[c]) { x1[c] = x; }
        if (y < y0[c]) { y0[c] = y; } else if (y > y1[c]) { y1[c] = y; }
      }
      count[c]++; sx[c] += x; sy[c] += y;
    }
    var order = [];
    for (var k = 0; k < cells; k++) { if (count[k]) { order.push(k); } }
    order.sort(function (a, b) { return count[b] - count[a] || a - b; });
    var owner = new Int32Array(cells).fill(-1), groups = [];
    for (var o = 0; o < order.length; o++) {
      var cell = order[o];
      if (owner[cell] >= 0) { continue; }
      var g = {id: groups.length, count: count[cell], sx: sx[cell], sy: sy[cell], first: first[cell],
               x0: x0[cell], y0: y0[cell], x1: x1[cell], y1: y1[cell]};
      owner[cell] = g.id;
      var ccx = Math.floor(cell / h), ccy = cell % h;
      for (var dx = -1; dx <= 1; dx++) {
        for (var dy = -1; dy <= 1; dy++) {
          var nx = ccx + dx, ny = ccy + dy;
          if ((dx === 0 && dy === 0) || nx < 0 || ny < 0 || nx >= w || ny >= h) { continue; }
          var nb = nx * h + ny;
          if (!count[nb] || owner[nb] >= 0) { continue; }
          var ex = sx[nb] / count[nb] - g.sx / g.count, ey = sy[nb] / count[nb] - g.sy / g.count;
          if (ex * ex + ey * ey < JOIN * JOIN) {
            owner[nb] = g.id;
            g.count += count[nb]; g.sx += sx[nb]; g.sy += sy[nb];
            g.x0 = Math.min(g.x0, x0[nb]); g.y0 = Math.min(g.y0, y0[nb]);
            g.x1 = Math.max(g.x1, x1[nb]); g.y1 = Math.max(g.y1, y1[nb]);
          }
        }
      }
      groups.push(g);
    }
    return {zoom: z, scale: scale, groups: groups, owner: owner, cellOf: cellOf};
  }

  function groupOf(grouping, i) {
    var c = grouping.cellOf[i];
    return c < 0 ? null : grouping.groups[grouping.owner[c]];
  }
  function members(grouping, g) {
    var found = [];
    for (var i = 0; i < n; i++) {
      var c = grouping.cellOf[i];
      if (c >= 0 && grouping.owner[c] === g.id) { found.push(i); }
    }
    return found;
  }

  function pointMarker(i) {
    var colour = d.colours[d.type[i]];
    var exact = d.radius[i] <= 0;
    var marker = L.circleMarker([d.lat[i], d.lon[i]], {
      radius: 7, color: exact ? "#222" : colour, weight: exact ? 1 : 2, bubblingMouseEvents: false,
      dashArray: exact ? null : "3 3", fillColor: colour, fillOpacity: exact ? 0.9 : 0.4,
      className: "opsmap-event opsmap-ev-" + cssId(d.id[i])
    });
    marker.opsmapIndex = i;
    return marker;
  }
  function clusterMarker(g, z) {
    var size = g.count < 10 ? 28 : g.count < 100 ? 34 : g.count < 1000 ? 40 : 48;
    var label = g.count < 10000 ? String(g.count) : Math.round(g.count / 1000) + "k";
    var marker = L.marker(map.unproject([g.sx / g.count, g.sy / g.count], z), {
      icon: L.divIcon({html: "<span data-count=\"" + g.count + "\">" + label + "</span>",
                       className: "opsmap-cluster", iconSize: [size, size]}),
      title: g.count + " events: click to zoom in", keyboard: false, riseOnHover: true
    });
    marker.opsmapGroup = g;
    return marker;
  }
  // Spread a cluster's events around its centre (golden-angle spiral) at the deepest zoom.
  function spreadPositions(g, z, list) {
    var centre = [g.sx / g.count, g.sy / g.count], out = [];
    for (var k = 0; k < list.length && k < SPREAD_LIMIT; k++) {
      var r = list.length <= 8 ? 30 : 14 + 9 * Math.sqrt(k), a = list.length <= 8 ? 2 * Math.PI * k / list.length : k * 2.39996;
      out.push(map.unproject([centre[0] + r * Math.cos(a), centre[1] + r * Math.sin(a)], z));
    }
    return out;
  }

  // Draw what is in view: clusters anew, single events reused (an open popup stays open).
  function redraw() {
    if (!d) { return; }
    var z = map.getZoom();
    var grouping = group(z, map.getPixelBounds());
    if (spread && spread.zoom !== z) { spread = null; }
    var spreadGroup = spread ? groupOf(grouping, spread.anchor) : null;
    var wanted = new Map();
    for (var c = 0; c < clusterMarkers.length; c++) { events.removeLayer(clusterMarkers[c]); }
    clusterMarkers = [];
    for (var j = 0; j < grouping.groups.length; j++) {
      var g = grouping.groups[j];
      if (g.count === 1) {
        wanted.set(g.first, null);
      } else if (g === spreadGroup) {
        var list = members(grouping, g), spots = spreadPositions(g, z, list);
        for (var s = 0; s < spots.length; s++) { wanted.set(list[s], spots[s]); }
      } else {
        var marker = clusterMarker(g, z);
        clusterMarkers.push(marker);
        events.addLayer(marker);
      }
    }
    singles.forEach(function (marker, i) {
      if (!wanted.has(i)) { events.removeLayer(marker); singles.delete(i); }
    });
    wanted.forEach(function (spot, i) {
      var marker = singles.get(i);
      if (!marker) { marker = pointMarker(i); singles.set(i, marker); events.addLayer(marker); }
      marker.setLatLng(spot || [d.lat[i], d.lon[i]]);
    });
    last = grouping;
    redraws += 1;
  }
  var redraws = 0;
  map.on("moveend", redraw);
  map.on("click", function () { if (spread) { spread = null; redraw(); } });
  events.on("add", redraw);

  // A cluster click zooms to its events, or spreads them out when zooming cannot part them.
  function expand(g) {
    var z = map.getZoom(), deepest = map.getMaxZoom();
    var spanAtDeepest = Math.max(g.x1 - g.x0, g.y1 - g.y0) * Math.pow(2, deepest - z);
    if (z < deepest && spanAtDeepest >= CELL / 2) {
      var bounds = L.latLngBounds(map.unproject([g.x0, g.y1], z), map.unproject([g.x1, g.y0], z));
      var target = Math.min(deepest, Math.max(z + 1, map.getBoundsZoom(bounds, false, L.point(80, 80))));
      map.setView(bounds.getCenter(), target);
    } else {
      spread = {zoom: deepest, anchor: g.first};
      if (z < deepest) { map.setView(map.unproject([g.sx / g.count, g.sy / g.count], z), deepest); } else { redraw(); }
    }
  }

  function line(box, label, value) {
    if (value === "" || value === null || value === undefined) { return; }
    var div = document.createElement("div");
    var b = document.createElement("b");
    b.textContent = label + ": ";
    div.appendChild(b);
    div.appendChild(document.createTextNode(String(value)));
    box.appendChild(div);
  }
  function dateOf(i) { return d.dates ? d.dates[d.date[i]] : d.date[i]; }
  function popupFor(i) {
    var box = document.createElement("div");
    box.className = "opsmap-popup";
    box.setAttribute("data-event-id", d.id[i]);
    var type = d.types[d.type[i]], sub = d.subs[d.sub[i]];
    line(box, "Date", dateOf(i));
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
  // Tooltip and popup are bound when a marker is first hovered or clicked, not up front. The
  // tooltip ends with "(event <id>)": the app reads the clicked event from it.
  function describe(marker) {
    var i = marker.opsmapIndex;
    if (i === undefined || marker.getTooltip()) { return; }
    // A string tooltip is parsed as HTML (by Leaflet and by streamlit-folium): escape it all.
    marker.bindTooltip(esc(dateOf(i) + " \u00b7 " + d.types[d.type[i]] + " \u00b7 " + d.locs[d.loc[i]])
                       + " (event " + esc(d.id[i]) + ")");
    marker.bindPopup(function () { return popupFor(i); }, {maxWidth: 380});
  }
  events.on("mouseover", function (e) { if (e.layer.opsmapIndex !== undefined) { describe(e.layer); e.layer.openTooltip(); } });
  events.on("click", function (e) {
    var marker = e.layer;
    if (marker.opsmapGroup) { expand(marker.opsmapGroup); return; }
    if (!marker.getPopup()) { describe(marker); marker.openPopup(); }
  });

  // Uncertainty rings on one canvas, redrawn for the view after every move (only rings that
  // reach into the view are drawn; during a zoom animation the canvas is hidden).
  map.createPane("opsmapRings").style.zIndex = 350;
  map.getPane("opsmapRings").style.pointerEvents = "none";
  var Rings = L.Layer.extend({
    onAdd: function () {
      this._canvas = L.DomUtil.create("canvas", "opsmap-rings", map.getPane("opsmapRings"));
      map.on("moveend resize viewreset", this.draw, this);
      map.on("zoomstart", this.hide, this);
      this.draw();
    },
    onRemove: function () {
      L.DomUtil.remove(this._canvas);
      map.off("moveend resize viewreset", this.draw, this);
      map.off("zoomstart", this.hide, this);
    },
    hide: function () { this._canvas.style.visibility = "hidden"; },
    draw: function () {
      var canvas = this._canvas, size = map.getSize(), ratio = window.devicePixelRatio || 1;
      canvas.width = size.x * ratio; canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.style.visibility = "";
      if (!d) { return; }
      var ctx = canvas.getContext("2d");
      ctx.scale(ratio, ratio);
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      var scale = 256 * Math.pow(2, map.getZoom()), origin = map.getPixelBounds().min;
      var metresPerPixel = 40075016.686 / scale;
      // One path per event type, filled and stroked once: thousands of separate dashed strokes
      // cost tens of milliseconds. (Overlapping rings of a type share one faint fill.)
      for (var t = 0; t < d.types.length; t++) {
        ctx.beginPath();
        var any = false;
        for (var i = 0; i < n; i++) {
          if (d.type[i] !== t || !(d.radius[i] > 0)) { continue; }
          var x = mx[i] * scale - origin.x, y = my[i] * scale - origin.y;
          var r = d.radius[i] * 1000 / (metresPerPixel * Math.cos(d.lat[i] * Math.PI / 180));
          if (x + r < 0 || y + r < 0 || x - r > size.x || y - r > size.y) { continue; }
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, 2 * Math.PI);
          any = true;
        }
        if (!any) { continue; }
        ctx.strokeStyle = d.colours[t];
        ctx.fillStyle = d.colours[t] + "10";  // #rrggbbaa: about 6 % opaque
        ctx.fill();
        ctx.stroke();
      }
    }
  });
  var rings = new Rings();

  var heat = L.heatLayer ? L.heatLayer([], {radius: 18, blur: 15, maxZoom: 9}) : null;
  var heatFilled = false;
  function fillHeat() {
    if (heatFilled || !d) { return; }
    heatFilled = true;
    var points = new Array(n);
    for (var i = 0; i < n; i++) { points[i] = [d.lat[i], d.lon[i]]; }
    heat.setLatLngs(points);
  }
  var overlays = {"Events": events, "Location uncertainty": rings};
  if (heat) { overlays["Heat map"] = heat; heat.on("add", fillHeat); }
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
    legendBox.style.display = n ? "" : "none";
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
    note.textContent = "dashed ring: approximate location; dark discs: clusters (click to zoom in)";
    note.style.cssText = "margin-top:3px;color:#555;";
    legendBox.appendChild(note);
  }

  // Replace the drawn events with a view's (the map itself stays: no reload on a filter change).
  function show(data, fit) {
    d = data;
    n = d.id.length;
    index = null;
    spread = null;
    singles.forEach(function (marker) { events.removeLayer(marker); });
    singles.clear();
    project();
    api.count = n;
    var first = !api.shown, before = redraws;
    if (fit && n > 0) {
      var south = 90, west = 180, north = -90, east = -180;
      for (var i = 0; i < n; i++) {
        if (d.lat[i] < south) { south = d.lat[i]; }
        if (d.lat[i] > north) { north = d.lat[i]; }
        if (d.lon[i] < west) { west = d.lon[i]; }
        if (d.lon[i] > east) { east = d.lon[i]; }
      }
      map.fitBounds([[south, west], [north, east]], {padding: [30, 30], maxZoom: 9, animate: false});
    }
    if (redraws === before) {  // the view did not move (a move has redrawn events and rings)
      redraw();
      if (map.hasLayer(rings)) { rings.draw(); }
    }
    if (first && n <= d.circlesOnUpTo) { map.addLayer(rings); }  // drawn as it is added
    heatFilled = false;
    if (heat && map.hasLayer(heat)) { fillHeat(); }
    fillLegend();
    api.shown += 1;
    api.ready = true;
    if (api.shown === 1) {
      announceDrawn();
      window.dispatchEvent(new Event("opsmap-first-view"));  // the basemap waits for it
    }
  }
  // Tell the app once that the map has drawn its first view: the app holds back the timeline
  // until then, so that Vega-Lite's bundle does not compete with the map for the page's main
  // thread while the page loads. Sent with Streamlit's component protocol (what
  // streamlit-folium's own reports use), as a value streamlit-folium's reports never carry.
  function announceDrawn() {
    if (window.parent === window) { return; }
    window.parent.postMessage({isStreamlitMessage: true, type: "streamlit:setComponentValue",
                               value: {opsmap_drawn: true}, dataType: "json"}, "*");
  }
  var latest = 0;
  window.opsmapShow = function (data, fit) {
    var ticket = ++latest;  // a slow fetch for an older view must not overwrite a newer one
    api.ready = false;
    if (typeof data === "string") {
      fetch(data).then(function (r) { return r.json(); }).then(function (loaded) {
        if (ticket === latest) { show(loaded, fit); }
      });
    } else {
      show(data, fit);
    }
  };

  function indexOf(id) {
    if (!index) {
      index = new Map();
      for (var i = 0; i < n; i++) { index.set(d.id[i], i); }
    }
    return index.has(id) ? index.get(id) : -1;
  }
  // For tests and the benchmark: the view's event ids, each event's position, and which events
  // the drawn markers stand for (a single marker or a cluster that counts it).
  api.ids = function () { return d ? d.id.slice() : []; };
  api.latLng = function (id) { var i = indexOf(id); return i < 0 ? null : L.latLng(d.lat[i], d.lon[i]); };
  api.drawn = function () {
    var ids = [], counted = 0;
    if (!last) { return {singles: 0, clusters: 0, counted: 0, ids: ids}; }
    for (var i = 0; i < n; i++) {
      var g = groupOf(last, i);
      if (g && (singles.has(i) || g.count > 1)) { ids.push(d.id[i]); }
    }
    for (var c = 0; c < clusterMarkers.length; c++) { counted += clusterMarkers[c].opsmapGroup.count; }
    return {singles: singles.size, clusters: clusterMarkers.length, counted: counted + singles.size, ids: ids};
  };
  // The deepest zoom at which an event's uncertainty circle still fits the map: zooming further
  // into an approximate location would pretend a precision the source does not give.
  function fittingZoom(i, size) {
    if (!(d.radius[i] > 0)) { return map.getMaxZoom(); }
    var across = 0.8 * Math.min(size.x, size.y);
    var metres = 40075016.686 * Math.cos(d.lat[i] * Math.PI / 180);
    var z = Math.floor(Math.log2(across * metres / (2000 * d.radius[i]))) - 8;
    return Math.max(map.getMinZoom(), Math.min(map.getMaxZoom(), z));
  }
  // Bring one event out of its cluster: zoom to the shallowest level where it stands alone (or
  // spread its cluster at the deepest zoom its precision allows); done(true) once its marker is on the map.
  api.reveal = function (id, done) {
    var i = indexOf(id);
    if (i < 0) { if (done) { done(false); } return; }
    var target = L.latLng(d.lat[i], d.lon[i]), size = map.getSize();
    var deepest = Math.max(map.getZoom(), fittingZoom(i, size));
    var z = map.getZoom();
    for (; z <= deepest; z++) {
      var centre = map.project(target, z);
      var g = groupOf(group(z, L.bounds(centre.subtract(size.divideBy(2)), centre.add(size.divideBy(2)))), i);
      if (g && g.count === 1) { break; }
    }
    if (z > deepest) {
      z = deepest;
      spread = {zoom: deepest, anchor: i};
    }
    map.setView(target, z, {animate: false});
    redraw();
    var marker = singles.get(i);
    if (marker) { marker.bringToFront(); }
    if (done) { done(!!marker); }
  };
  return api;
}
