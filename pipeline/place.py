"""A place mention in a report and what it resolved to."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Place:
    """One toponym or region phrase found in a report, with its resolution.

    ``precision`` follows ACLED's geo_precision: 1 a named town, 2 near a town or a small
    part of a region, 3 a larger region. ``eventable`` is False for continents and vague
    super-regions ("the Middle East"): recorded, never an event's location.
    """

    text: str
    start: int
    end: int
    resolved: bool = False
    name: str = ""
    geonameid: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    country_code: str = ""
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    feature: str = ""  # GeoNames "class.code", e.g. "P.PPLA", or "region"
    precision: int | None = None
    radius_km: float | None = None
    score: float = 0.0
    reason: str = ""
    kind: str = "place"  # place | admin1 | admin2 | country | region | continent
    eventable: bool = True
    is_dateline: bool = False

    def to_dict(self) -> dict:
        return asdict(self)
