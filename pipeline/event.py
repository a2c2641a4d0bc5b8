"""An event: one operation, coded the way ACLED codes it, with its provenance.

The field order is the column order of the event table. ACLED's own columns come first
(names as in ACLED's exports), then opsmap's provenance and confidence columns.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields


@dataclass
class Event:
    # --- ACLED columns ---
    event_id: str = ""
    event_date: str = ""  # YYYY-MM-DD
    year: int | None = None
    time_precision: int = 1  # 1 day, 2 week, 3 month
    disorder_type: str = ""
    event_type: str = ""
    sub_event_type: str = ""
    actor1: str = ""
    assoc_actor_1: str = ""
    inter1: int | None = None
    actor2: str = ""
    assoc_actor_2: str = ""
    inter2: int | None = None
    interaction: int | None = None
    civilian_targeting: str = ""
    iso: int | None = None
    region: str = ""
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    source: str = ""  # publisher(s)
    source_scale: str = ""
    notes: str = ""  # the source sentence(s)
    fatalities: int = 0
    tags: str = ""
    timestamp: int | None = None
    # --- opsmap columns ---
    fatalities_known: bool = False  # False: no figure reported (ACLED codes 0)
    injured: int | None = None
    detained: int | None = None
    plover_category: str = ""
    plover_mode: str = ""
    is_summary: bool = False  # an aggregate ("37 operations in March"): never drawn as one event
    confidence: float = 0.0
    source_url: str = ""
    published: str = ""
    report_id: str = ""
    sentence_start: int | None = None
    sentence_end: int | None = None
    geonameid: int | None = None
    country_code: str = ""
    geo_radius_km: float | None = None
    geo_reason: str = ""
    date_reason: str = ""
    type_reason: str = ""
    actor_reason: str = ""
    evidence: dict = field(default_factory=dict)  # role -> [[start, end, text], ...] in the report
    source_dataset: str = "opsmap"

    def to_row(self) -> dict:
        # A shallow copy: ``asdict`` deep-copies the evidence lists only for them to be dumped to
        # JSON, and took half of a report's save time.
        row = {name: getattr(self, name) for name in _FIELD_NAMES}
        row["evidence"] = json.dumps(self.evidence, ensure_ascii=False)
        return row


EVENT_COLUMNS: list[str] = [f.name for f in fields(Event)]
_FIELD_NAMES: tuple[str, ...] = tuple(EVENT_COLUMNS)

#: Columns that an analyst would recognise from an ACLED export, in ACLED's order.
ACLED_COLUMNS: list[str] = EVENT_COLUMNS[: EVENT_COLUMNS.index("timestamp") + 1]
