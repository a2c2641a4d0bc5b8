"""Offline JavaScript and CSS for the map.

folium loads Leaflet and its plugins from CDNs, which an air-gapped analyst cannot reach. We copy
Leaflet from the pip-installed ``xstatic-leaflet`` wheel into ``dashboard/static/vendor/``, which
Streamlit serves at ``/app/static/vendor/`` when it runs with ``--server.enableStaticServing
true``. The small leaflet.heat plugin that folium bundles goes into the page with our own event
layer (:data:`HEAT_SOURCE`): streamlit-folium loads script files one after the other, so each file
costs the map a round trip before it can draw.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import folium
import xstatic.pkg.leaflet

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
#: Where the browser finds VENDOR_DIR (Streamlit's app static route).
VENDOR_URL = "/app/static/vendor"

_FOLIUM_TEMPLATES = Path(folium.__file__).resolve().parent / "templates"

#: destination (relative to VENDOR_DIR) -> source file or folder
VENDOR_SOURCES: dict[str, Path] = {
    "leaflet/leaflet.js": Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.js",
    "leaflet/leaflet.css": Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.css",
    "leaflet/images": Path(xstatic.pkg.leaflet.BASE_DIR) / "images",
}
#: folium's copy of the leaflet.heat plugin (BSD 2-clause, Vladimir Agafonkin)
HEAT_SOURCE = _FOLIUM_TEMPLATES / "leaflet_heat.min.js"

LEAFLET_JS = f"{VENDOR_URL}/leaflet/leaflet.js"
LEAFLET_CSS = f"{VENDOR_URL}/leaflet/leaflet.css"


def _copy_file(source: Path, target: Path) -> None:
    """Copy via a temporary file and rename, so a concurrent server never serves half a file."""
    if target.exists() and target.stat().st_size == source.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    os.close(fd)
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def ensure_vendor_assets(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy the vendor files into ``vendor_dir`` unless they are there already (idempotent)."""
    for relative, source in VENDOR_SOURCES.items():
        if not source.exists():
            raise FileNotFoundError(f"offline map asset missing: {source} (reinstall opsmap's dependencies)")
        target = vendor_dir / relative
        if source.is_dir():
            for item in sorted(source.rglob("*")):
                if item.is_file():
                    _copy_file(item, target / item.relative_to(source))
        else:
            _copy_file(source, target)
    return vendor_dir


def heat_available() -> bool:
    """Whether the offline heat-map plugin ships with the installed folium."""
    return HEAT_SOURCE.exists()
