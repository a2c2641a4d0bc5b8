"""Issue 7's bad inputs through a whole run: each gives a one-line error naming the input, is recorded
in ingest_errors, and the rest of the run goes on."""
import json

import pytest

from pipeline.builder import build_into_store
from pipeline.ingest import IngestError, normalise_date, read_file
from pipeline.store import Store

GOOD = ("---\ntitle: Raid\nurl: https://x.example/{n}\npublished: 2024-08-31\npublisher: Wire\n---\n"
        "RAMADI, Iraq — Iraqi forces killed four Islamic State fighters in a raid near Ramadi on Thursday, "
        "the military said.\n")


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD.format(n=1))
    (folder / "same-id-1.md").write_text(GOOD.format(n=2).replace("Ramadi on", "Fallujah on"))
    (folder / "same-id-2.md").write_text(GOOD.format(n=2))  # another file, same URL: same id
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "latin1.txt").write_bytes("Raid pr\xe8s de Mossoul".encode("latin-1"))
    (folder / "utf16.txt").write_bytes("MOSUL, Iraq — Iraqi forces arrested two suspects on Friday.".encode("utf-16"))
    (folder / "broken.html").write_text("<html><body><div><p>Unclosed <b>tags <i>everywhere")
    (folder / "nofence.md").write_text("---\ntitle: x\nbody without a closing fence\n")
    (folder / "baddate.md").write_text("---\npublished: the day after tomorrow\n---\nSome text here.")
    (folder / "noevents.md").write_text("---\ntitle: Weather\nurl: https://x.example/w\n---\n"
                                        "The weather in Baghdad was sunny and warm all week, forecasters said.\n")
    (folder / "records.jsonl").write_text(json.dumps({"id": "j1", "text": "Quiet day."}) + "\n{broken\n")
    return folder


def test_a_run_over_bad_inputs_goes_on(inputs, settings):
    summary = build_into_store([inputs], settings)
    problems = dict(summary.failed)
    sources = {src.split("/")[-1]: p for src, p in summary.failed}
    assert sources["empty.txt"] == "file is empty"
    assert "binary file" in sources["binary.txt"]
    assert "not valid UTF-8" in sources["latin1.txt"]
    assert sources.get("broken.html", "no article text found").startswith("no article text found")
    assert "no closing" in sources["nofence.md"]
    assert "not a date" in sources["baddate.md"]
    assert "not valid JSON" in sources["records.jsonl:2"]
    assert "duplicate report id" in sources["same-id-2.md"]
    assert all("\n" not in p for p in problems.values())
    with Store(settings.db_path) as store:
        recorded = store.errors()
        reports = store.reports()
    assert len(recorded) == len(summary.failed)
    # the good, the UTF-16, the first of the duplicates, the eventless and the JSONL's good line are stored
    assert {"good.md", "same-id-1.md", "utf16.txt", "noevents.md", "records.jsonl:1"} <= \
        {p.split("/")[-1] for p in reports.path}
    assert summary.events >= 2


def test_fifty_megabytes_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written to disk
    with pytest.raises(IngestError, match=r"52,428,800 bytes, over the limit"):
        read_file(big)


@pytest.mark.parametrize("value, expected", [
    ("2023-04-17", "2023-04-17"), ("17 April 2023", "2023-04-17"), ("April 17, 2023", "2023-04-17"),
    ("Mon, 17 Apr 2023 06:00:00 +0300", "2023-04-17"), ("2023-04-17T22:10:00Z", "2023-04-17"),
    ("17.04.2023", "2023-04-17"), ("20230417", "2023-04-17"), ("Apr. 17 2023", "2023-04-17"),
])
def test_dates_in_odd_formats(value, expected):
    assert normalise_date(value, "x") == expected
