"""Gazetteer records as Python objects: an entry and a name candidate."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


#: The ``source`` of an entry from opsmap's sites list (pipeline/data/sites.yaml); its kind follows.
SITE_SOURCE = "opsmap sites: "


@dataclass(frozen=True)
class Entry:
    """One gazetteer feature: a populated place, a division, a country or a continent."""

    geonameid: int
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country_code: str
    admin1_code: str
    admin2_code: str
    population: int
    south: float | None = None
    west: float | None = None
    north: float | None = None
    east: float | None = None
    radius_km: float | None = None
    source: str = ""

    @property
    def feature(self) -> str:
        return f"{self.feature_class}.{self.feature_code}"

    @cached_property
    def kind(self) -> str:
        """The ``Place.kind`` this entry resolves to (asked for every candidate of every mention)."""
        code = self.feature_code
        if code.startswith("PCL"):
            return "country"
        if code == "ADM1":
            return "admin1"
        if code == "ADM2":
            return "admin2"
        if code == "CONT":
            return "continent"
        return "place"

    @property
    def site_kind(self) -> str:
        """'air base', 'camp', ... for a named site of opsmap's sites list, else ''."""
        return self.source[len(SITE_SOURCE):] if self.source.startswith(SITE_SOURCE) else ""

    @property
    def is_division(self) -> bool:
        return self.feature_class == "A"

    @property
    def real_geonameid(self) -> int | None:
        """The GeoNames id, or None for a division derived from pip data (negative id)."""
        return self.geonameid if self.geonameid > 0 else None


@dataclass(frozen=True)
class Candidate:
    """A gazetteer entry a name may refer to, with how the name matched it."""

    entry: Entry
    matched_name: str
    how: str  # a readable phrase: "exact name", "alternate name", "spelling variant of ..."
    match_score: float  # 1.0 exact ... lower for variants and fuzzy matches
