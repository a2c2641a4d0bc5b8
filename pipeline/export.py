"""Export an event table as CSV, GeoJSON or KML, for the tools analysts already use.

CSV keeps ACLED's column names first (so ACLED-reading scripts work), then opsmap's; report text that
a spreadsheet would run as a formula gets a leading apostrophe. GeoJSON follows
RFC 7946 (WGS 84, longitude first). KML carries a TimeStamp per event so Google Earth's time slider
works. Every function takes the frame it is given: the dashboard passes its filtered view.
"""
from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pandas as pd

from .event import EVENT_COLUMNS

FORMATS = ("csv", "geojson", "kml")
MEDIA_TYPES = {"csv": "text/csv", "geojson": "application/geo+json",
               "kml": "application/vnd.google-earth.kml+xml"}
KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
#: Fields shown in a KML placemark's ExtendedData (the whole row would clutter Google Earth).
KML_FIELDS = ("event_id", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
              "fatalities", "location", "geo_precision", "source", "source_url")


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Known columns in the event table's order, unknown ones after them."""
    known = [c for c in EVENT_COLUMNS if c in frame.columns]
    return frame[known + [c for c in frame.columns if c not in known]]


def _plain(value: object) -> object:
    """A JSON-ready value: NaN and NA become None, numpy scalars become Python ones."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return _plain(value.item())
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


#: A text cell starting like this is a formula to Excel or LibreOffice (CSV injection).
_FORMULA_START = re.compile(r"^(?:[=+@\t\r]|-(?![\d.]))")


def _defuse_formula(value: object) -> object:
    """Prefix an apostrophe to report text that a spreadsheet would run as a formula (OWASP)."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> bytes:
    out = _ordered(frame).copy()
    if "evidence" in out:
        out["evidence"] = out["evidence"].map(
            lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(_defuse_formula)
    return out.to_csv(index=False).encode("utf-8")


def to_geojson(frame: pd.DataFrame) -> bytes:
    """A FeatureCollection; an event without coordinates keeps a null geometry (RFC 7946 3.2)."""
    features = []
    for row in _ordered(frame).to_dict(orient="records"):
        props = {key: _plain(value) for key, value in row.items()}
        lat, lon = props.get("latitude"), props.get("longitude")
        geometry = None
        if lat is not None and lon is not None:
            geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        features.append({"type": "Feature", "id": props.get("event_id"), "geometry": geometry,
                         "properties": props})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, allow_nan=False).encode("utf-8")


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: object) -> str:
    """Text XML 1.0 can hold: control characters from scraped pages would make the file invalid."""
    plain = _plain(value)
    return "" if plain is None else _XML_INVALID.sub("", str(plain))


def _kml_when(row: dict) -> str:
    """The TimeStamp value: the day, or only the month when the date is month-precise."""
    event_date = str(row.get("event_date") or "")
    if _plain(row.get("time_precision")) == 3 and len(event_date) >= 7:
        return event_date[:7]
    return event_date


def to_kml(frame: pd.DataFrame) -> bytes:
    ET.register_namespace("", KML_NAMESPACE)
    ns = f"{{{KML_NAMESPACE}}}"
    root = ET.Element(f"{ns}kml")
    document = ET.SubElement(root, f"{ns}Document")
    ET.SubElement(document, f"{ns}name").text = "opsmap events"
    for row in _ordered(frame).to_dict(orient="records"):
        placemark = ET.SubElement(document, f"{ns}Placemark", id=_xml_text(f"event-{row.get('event_id', '')}"))
        title = " · ".join(str(x) for x in (row.get("event_date"), row.get("event_type"),
                                             row.get("location")) if _plain(x))
        ET.SubElement(placemark, f"{ns}name").text = _xml_text(title)
        ET.SubElement(placemark, f"{ns}description").text = _xml_text(row.get("notes"))
        when = _kml_when(row)
        if when:
            stamp = ET.SubElement(placemark, f"{ns}TimeStamp")
            ET.SubElement(stamp, f"{ns}when").text = when
        extended = ET.SubElement(placemark, f"{ns}ExtendedData")
        for name in KML_FIELDS:
            data = ET.SubElement(extended, f"{ns}Data", name=name)
            ET.SubElement(data, f"{ns}value").text = _xml_text(row.get(name))
        lat, lon = _plain(row.get("latitude")), _plain(row.get("longitude"))
        if lat is not None and lon is not None:
            point = ET.SubElement(placemark, f"{ns}Point")
            ET.SubElement(point, f"{ns}coordinates").text = f"{float(lon)},{float(lat)}"
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


_WRITERS: dict[str, Callable[[pd.DataFrame], bytes]] = {
    "csv": to_csv, "geojson": to_geojson, "kml": to_kml}


def export(frame: pd.DataFrame, fmt: str) -> bytes:
    """``frame`` in format ``fmt`` ("csv", "geojson" or "kml"), as bytes ready to write."""
    try:
        writer = _WRITERS[fmt.lower()]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return writer(frame)
