"""Exports: CSV with ACLED's names first, RFC 7946 GeoJSON (lon, lat), KML with a TimeStamp each."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from pipeline.event import ACLED_COLUMNS, EVENT_COLUMNS, Event
from pipeline.export import export
from pipeline.store import normalise_event_frame

KML = "{http://www.opengis.net/kml/2.2}"


def frame_of(*events: Event) -> pd.DataFrame:
    return normalise_event_frame(pd.DataFrame([e.to_row() for e in events], columns=EVENT_COLUMNS))


@pytest.fixture
def events() -> pd.DataFrame:
    return frame_of(
        Event(event_id="e1", event_date="2023-04-17", event_type="Battles", actor1="A <b>", latitude=36.2,
              longitude=37.16, geo_precision=2, notes='He said "go" & left, <script>x</script>',
              fatalities=2, fatalities_known=True, evidence={"actor1": [[0, 3, "A"]]}),
        Event(event_id="e2", event_date="2023-05-01", time_precision=3, event_type="Riots",
              latitude=None, longitude=None, notes="no place\x01 here"),
    )


def test_csv_has_acled_columns_first_and_every_row(events: pd.DataFrame) -> None:
    rows = list(csv.DictReader(io.StringIO(export(events, "csv").decode("utf-8"))))
    header = list(rows[0].keys())
    assert header[: len(ACLED_COLUMNS)] == ACLED_COLUMNS
    assert header == EVENT_COLUMNS
    assert [r["event_id"] for r in rows] == ["e1", "e2"]
    assert rows[0]["notes"] == 'He said "go" & left, <script>x</script>'
    assert json.loads(rows[0]["evidence"]) == {"actor1": [[0, 3, "A"]]}


def test_geojson_is_lon_first_with_null_geometry_for_unplaced(events: pd.DataFrame) -> None:
    doc = json.loads(export(events, "geojson"))
    assert doc["type"] == "FeatureCollection"
    first, second = doc["features"]
    assert first["geometry"] == {"type": "Point", "coordinates": [37.16, 36.2]}
    assert first["properties"]["event_id"] == "e1"
    assert first["properties"]["fatalities"] == 2
    assert second["geometry"] is None
    assert second["properties"]["latitude"] is None  # NaN never leaks into JSON


def test_kml_parses_with_timestamps_and_coordinates(events: pd.DataFrame) -> None:
    root = ET.fromstring(export(events, "kml"))
    placemarks = root.findall(f"{KML}Document/{KML}Placemark")
    assert len(placemarks) == 2
    assert placemarks[0].findtext(f"{KML}TimeStamp/{KML}when") == "2023-04-17"
    assert placemarks[1].findtext(f"{KML}TimeStamp/{KML}when") == "2023-05"  # month precision
    assert placemarks[0].findtext(f"{KML}Point/{KML}coordinates") == "37.16,36.2"
    assert placemarks[1].find(f"{KML}Point") is None
    assert "<script>" in placemarks[0].findtext(f"{KML}description")  # text, escaped by XML
    assert placemarks[1].findtext(f"{KML}description") == "no place here"


def test_empty_frame_and_unknown_format() -> None:
    empty = frame_of()
    assert json.loads(export(empty, "geojson"))["features"] == []
    assert ET.fromstring(export(empty, "kml")).find(f"{KML}Document/{KML}Placemark") is None
    assert export(empty, "CSV").decode().strip().split(",") == EVENT_COLUMNS
    with pytest.raises(ValueError, match="unknown export format"):
        export(empty, "xlsx")


def test_csv_defuses_spreadsheet_formulas_from_reports() -> None:
    frame = frame_of(Event(event_id="f", notes='=HYPERLINK("http://evil.example","x")', actor1="+cmd",
                           location="-2+3", source="@SUM(A1)", admin1="-North", latitude=-33.5, longitude=-70.1))
    row = next(csv.DictReader(io.StringIO(export(frame, "csv").decode("utf-8"))))
    assert row["notes"].startswith("'=") and row["actor1"] == "'+cmd" and row["source"] == "'@SUM(A1)"
    assert row["admin1"] == "'-North" and row["location"] == "-2+3"  # a number-like text stays
    assert row["latitude"] == "-33.5" and row["longitude"] == "-70.1"  # numbers untouched
    assert json.loads(export(frame, "geojson"))["features"][0]["properties"]["notes"].startswith("=")
