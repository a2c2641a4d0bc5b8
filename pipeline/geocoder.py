"""A geopy geocoder over the offline gazetteer, with an optional, cached, rate-limited online fallback.

``OfflineGeocoder`` works wherever geopy's geocoders do (``geocode``/``reverse`` return
``geopy.location.Location``). Our fields - geonameid, country_code, admin1, feature, precision,
radius_km, score and reason - travel in ``Location.raw``. The online fallback is off unless the
``online_geocoding`` setting (or ``online=True``) switches it on; it wraps any geopy geocoder
(Nominatim by default) in geopy's ``RateLimiter`` and caches every answer in SQLite.
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from .gazetteer import Gazetteer, ensure_gazetteer
from .geoparse import Geoparser
from .place import Place
from .settings import Settings, load_settings

_CACHE_SCHEMA = """CREATE TABLE IF NOT EXISTS geocode_cache (
    provider TEXT NOT NULL, query TEXT NOT NULL, result TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (provider, query))"""


class GeocodeCache:
    """Answers of online geocoders, kept in SQLite so each query goes out at most once."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False)
        self._conn.execute(_CACHE_SCHEMA)
        self._conn.commit()
        self._lock = threading.Lock()

    def get(self, provider: str, query: str) -> list[dict] | None:
        with self._lock:
            row = self._conn.execute("SELECT result FROM geocode_cache WHERE provider = ? AND query = ?",
                                     (provider, query)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, provider: str, query: str, result: list[dict]) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO geocode_cache VALUES (?, ?, ?, ?)",
                               (provider, query, json.dumps(result, ensure_ascii=False),
                                time.strftime("%Y-%m-%dT%H:%M:%S")))
            self._conn.commit()

    def close(self) -> None:
        self._conn.close()


class OfflineGeocoder(Geocoder):
    """geopy geocoder backed by the opsmap gazetteer (offline), optionally falling back online."""

    def __init__(self, gazetteer_path: Path | str | None = None, *, settings: Settings | None = None,
                 online: bool | None = None, online_geocoder: Geocoder | None = None,
                 cache_path: Path | str | None = None, user_agent: str | None = None,
                 min_delay_seconds: float = 1.0, timeout: float | None = None):
        settings = settings or load_settings()
        super().__init__(user_agent=user_agent or settings.user_agent,
                         timeout=timeout if timeout is not None else settings.request_timeout)
        path = Path(gazetteer_path) if gazetteer_path is not None else settings.gazetteer_path
        self.gazetteer: Gazetteer = ensure_gazetteer(path)
        self._parser = Geoparser(self.gazetteer)
        self.online = settings.online_geocoding if online is None else online
        self._online_geocoder = online_geocoder
        self._online_call = None
        self._provider = ""
        self._settings = settings
        self._min_delay = min_delay_seconds
        self._user_agent_value = user_agent or settings.user_agent
        self._cache_path = Path(cache_path) if cache_path else path.parent / "geocode_cache.sqlite"
        self._cache: GeocodeCache | None = None

    # -- geopy API -------------------------------------------------------------------------
    def geocode(self, query: str, *, exactly_one: bool = True, limit: int = 5, country_codes: Any = None,
                online: bool | None = None, **_: Any) -> Location | list[Location] | None:
        """Locations for a place name ('Aleppo', 'Holeb, Syria', 'Paris, Texas'), best first."""
        query = (query or "").strip()
        if not query:
            return None
        wanted = {c.upper() for c in ([country_codes] if isinstance(country_codes, str) else country_codes or [])}
        places = self._offline(query, wanted, limit)
        if places:
            locations = [self._location(p) for p in places]
            return locations[0] if exactly_one else locations
        if online if online is not None else self.online:
            return self._online(query, exactly_one, limit)
        return None

    def reverse(self, query: Any, *, exactly_one: bool = True, **_: Any) -> Location | list[Location] | None:
        """The nearest gazetteer place to a point ('36.2, 37.16', (lat, lon) or a geopy Point)."""
        point = self._coerce_point(query)
        hit = self.gazetteer.nearest_place(point.latitude, point.longitude)
        if hit is None:
            return None
        distance, entry = hit
        admin1 = self.gazetteer.admin1_name(entry.country_code, entry.admin1_code) if entry.admin1_code else ""
        country = self.gazetteer.country_name(entry.country_code)
        raw = {"geonameid": entry.real_geonameid, "name": entry.name, "country_code": entry.country_code,
               "country": country, "admin1": admin1, "feature": entry.feature, "precision": 1,
               "radius_km": round(distance, 2), "distance_km": round(distance, 2), "score": 1.0,
               "reason": f"nearest gazetteer place, {distance:.1f} km away", "source": "offline"}
        location = Location(_address(entry.name, admin1, country), (entry.lat, entry.lon, 0), raw)
        return location if exactly_one else [location]

    # -- offline -----------------------------------------------------------------------------
    def _offline(self, query: str, wanted: set[str], limit: int) -> list[Place]:
        name_end = query.find(",") if "," in query else len(query)
        place = self._parser.resolve_spans(query, [(0, name_end)])[0]
        if not place.resolved:
            return []
        places = [place]
        # Alternatives: the other candidates, as plain places, for exactly_one=False.
        for cand in self.gazetteer.candidates(query[:name_end]):
            if len(places) >= limit:
                break
            if cand.entry.real_geonameid == place.geonameid and cand.entry.lat == place.latitude:
                continue
            e = cand.entry
            places.append(Place(text=query[:name_end], start=0, end=name_end, resolved=True, name=e.name,
                                geonameid=e.real_geonameid, latitude=e.lat, longitude=e.lon,
                                country_code=e.country_code, country=self.gazetteer.country_name(e.country_code),
                                admin1=self.gazetteer.admin1_name(e.country_code, e.admin1_code),
                                feature=e.feature, precision={"admin1": 3, "country": 3, "admin2": 2}.get(e.kind, 1),
                                radius_km=e.radius_km, score=0.0, reason=f"alternative: {cand.how}", kind=e.kind))
        if wanted:
            places = [p for p in places if p.country_code in wanted]
        return places

    @staticmethod
    def _location(place: Place) -> Location:
        raw = {"geonameid": place.geonameid, "name": place.name, "country_code": place.country_code,
               "country": place.country, "admin1": place.admin1, "feature": place.feature,
               "precision": place.precision, "radius_km": place.radius_km, "score": place.score,
               "reason": place.reason, "kind": place.kind, "source": "offline"}
        return Location(_address(place.name, place.admin1, place.country),
                        (place.latitude, place.longitude, 0), raw)

    # -- online fallback ----------------------------------------------------------------------
    def _online_geocode(self):
        if self._online_call is None:
            geocoder = self._online_geocoder
            if geocoder is None:
                parts = urlsplit(self._settings.nominatim_url)
                geocoder = Nominatim(user_agent=self._user_agent_value, domain=parts.netloc or parts.path,
                                     scheme=parts.scheme or "https", timeout=self._settings.request_timeout)
            self._provider = type(geocoder).__name__.lower()
            self._online_call = RateLimiter(geocoder.geocode, min_delay_seconds=self._min_delay)
        return self._online_call

    def _online(self, query: str, exactly_one: bool, limit: int) -> Location | list[Location] | None:
        call = self._online_geocode()
        if self._cache is None:
            self._cache = GeocodeCache(self._cache_path)
        key = re.sub(r"\s+", " ", query.lower())
        cached = self._cache.get(self._provider, key)
        if cached is None:
            found = call(query, exactly_one=False, limit=limit) or []
            cached = [{"address": loc.address, "lat": loc.latitude, "lon": loc.longitude, "raw": loc.raw}
                      for loc in found]
            self._cache.put(self._provider, key, cached)
        locations = [self._online_location(item) for item in cached]
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def _online_location(self, item: dict) -> Location:
        raw = dict(item.get("raw") or {})
        raw.update({"geonameid": None, "country_code": "", "admin1": "", "feature": "online",
                    "precision": _online_precision(raw), "radius_km": None, "score": 0.5,
                    "reason": f"online fallback ({self._provider})", "source": self._provider})
        return Location(item["address"], (float(item["lat"]), float(item["lon"]), 0), raw)

    @staticmethod
    def _coerce_point(query: Any) -> Point:
        if isinstance(query, Point):
            return query
        if isinstance(query, (tuple, list)):
            return Point(float(query[0]), float(query[1]))
        return Point(str(query))


def _online_precision(raw: dict) -> int:
    """ACLED precision from a Nominatim class/type: towns 1, districts 2, larger areas 3."""
    kind = str(raw.get("addresstype") or raw.get("type") or "")
    if kind in {"city", "town", "village", "hamlet", "suburb", "neighbourhood", "quarter"}:
        return 1
    if kind in {"county", "municipality", "district"}:
        return 2
    return 3


def _address(name: str, admin1: str, country: str) -> str:
    parts = [name]
    for part in (admin1, country):
        if part and part != parts[-1]:
            parts.append(part)
    return ", ".join(p for p in parts if p)
