"""OfflineGeocoder: a geopy geocoder over the gazetteer, and its cached, rate-limited online fallback
(tested against a stub Nominatim on 127.0.0.1)."""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from pipeline.gazetteer.geometry import haversine_km
from pipeline.geocoder import OfflineGeocoder
from pipeline.settings import load_settings


@pytest.fixture(scope="module")
def offline(gazetteer_path: Path) -> OfflineGeocoder:
    return OfflineGeocoder(gazetteer_path, settings=load_settings(gazetteer_path=gazetteer_path))


def test_is_a_geopy_geocoder(offline: OfflineGeocoder) -> None:
    assert isinstance(offline, Geocoder)


def test_geocode_variant_spelling(offline: OfflineGeocoder) -> None:
    loc = offline.geocode("Holeb, Syria")
    assert isinstance(loc, Location)
    assert loc.raw["geonameid"] == 170063 and loc.raw["country_code"] == "SY"
    assert loc.raw["precision"] == 1 and "spelling variant" in loc.raw["reason"]
    assert haversine_km(loc.latitude, loc.longitude, 36.20, 37.16) < 10
    assert loc.address.startswith("Aleppo")


def test_geocode_qualified_us_town(offline: OfflineGeocoder) -> None:
    loc = offline.geocode("Alexandria, La.")
    assert loc.raw["country_code"] == "US" and loc.raw["admin1"] == "Louisiana"


def test_geocode_many_and_country_filter(offline: OfflineGeocoder) -> None:
    many = offline.geocode("Paris", exactly_one=False)
    assert len(many) >= 2 and {m.raw["country_code"] for m in many} >= {"FR"}
    us = offline.geocode("Paris", exactly_one=False, country_codes=["us"])
    assert us and all(m.raw["country_code"] == "US" for m in us)


def test_unknown_is_none_offline(offline: OfflineGeocoder) -> None:
    assert offline.geocode("Xqzvbrtplk") is None


def test_reverse(offline: OfflineGeocoder) -> None:
    loc = offline.reverse("36.21, 37.15")
    assert loc.raw["geonameid"] == 170063 and loc.raw["distance_km"] < 5
    assert offline.reverse((33.34, 44.40)).raw["country_code"] == "IQ"


class _StubNominatim(BaseHTTPRequestHandler):
    requests: list[tuple[float, str]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        query = parse_qs(urlsplit(self.path).query)
        _StubNominatim.requests.append((time.monotonic(), self.headers.get("User-Agent", "")))
        body = []
        if query.get("q", [""])[0].startswith("Tell Stub"):
            body = [{"place_id": 1, "lat": "36.5", "lon": "40.5", "display_name": "Tell Stub, Syria",
                     "class": "place", "type": "village", "importance": 0.3}]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def stub_url():
    _StubNominatim.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_online_fallback_is_off_by_default(gazetteer_path: Path, stub_url: str, tmp_path: Path) -> None:
    settings = load_settings(gazetteer_path=gazetteer_path, nominatim_url=stub_url)
    geocoder = OfflineGeocoder(gazetteer_path, settings=settings, cache_path=tmp_path / "cache.sqlite")
    assert geocoder.geocode("Tell Stub") is None
    assert _StubNominatim.requests == []


def test_online_fallback_cached_and_rate_limited(gazetteer_path: Path, stub_url: str, tmp_path: Path) -> None:
    settings = load_settings(gazetteer_path=gazetteer_path, nominatim_url=stub_url, online_geocoding=True,
                             user_agent="opsmap-test/1.0")
    cache = tmp_path / "cache.sqlite"
    geocoder = OfflineGeocoder(gazetteer_path, settings=settings, cache_path=cache)
    loc = geocoder.geocode("Tell Stub")
    assert (loc.latitude, loc.longitude) == (36.5, 40.5)
    assert loc.raw["source"] == "nominatim" and loc.raw["precision"] == 1
    assert geocoder.geocode("tell  stub").address == "Tell Stub, Syria"  # from the cache
    assert len(_StubNominatim.requests) == 1
    assert _StubNominatim.requests[0][1] == "opsmap-test/1.0"
    assert geocoder.geocode("Tell Stub Two") is not None
    assert geocoder.geocode("Nowhere At All Xq") is None
    times = [t for t, _ in _StubNominatim.requests]
    # RateLimiter spaces call starts by 1 s; server receive times jitter a little under load.
    assert len(times) == 3 and all(b - a >= 0.8 for a, b in zip(times, times[1:]))
    with sqlite3.connect(cache) as conn:
        rows = conn.execute("SELECT provider, query FROM geocode_cache ORDER BY query").fetchall()
    assert ("nominatim", "nowhere at all xq") in rows and len(rows) == 3
    # A new geocoder on the same cache does not go out again.
    again = OfflineGeocoder(gazetteer_path, settings=settings, cache_path=cache)
    assert again.geocode("Tell Stub").latitude == 36.5
    assert len(_StubNominatim.requests) == 3
