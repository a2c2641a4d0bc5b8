import sqlite3

import pytest

from pipeline.event import EVENT_COLUMNS, Event
from pipeline.place import Place
from pipeline.report import Report
from pipeline.store import SCHEMA_VERSION, Store, StoreError


def sample(report_id="r1", n_events=2, date="2022-02-03"):
    report = Report(text="ATMEH, Syria — A raid killed two. Later text.", title="Raid",
                    url="https://example.org/raid", published="2022-02-03", publisher="Example",
                    report_id=report_id)
    places = [Place(text="ATMEH", start=0, end=5, resolved=True, name="Atmeh", geonameid=170000,
                    latitude=36.3, longitude=36.6, precision=1, reason="exact name", is_dateline=True)]
    events = [Event(event_id=f"{report_id}-{i}", event_date=date, event_type="Battles",
                    actor1="US-led Coalition", actor2="Islamic State", fatalities=2, fatalities_known=True,
                    latitude=36.3, longitude=36.6, geo_precision=1, report_id=report_id,
                    notes="A raid killed two.", sentence_start=15, sentence_end=33,
                    evidence={"type": [[17, 21, "raid"]]}) for i in range(n_events)]
    return report, places, events


def test_round_trip(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        store.save_report(*sample())
        df = store.events()
        assert list(df.columns) == EVENT_COLUMNS
        assert len(df) == 2
        assert df.loc[0, "fatalities_known"] == True  # noqa: E712 (numpy bool)
        assert store.report("r1")["text"].startswith("ATMEH")
        assert store.places("r1").loc[0, "name"] == "Atmeh"
        assert [s["report_id"] for s in store.event_sources("r1-0")] == ["r1"]
        assert store.counts() == {"reports": 1, "events": 2, "places": 1, "unresolved": 0, "errors": 0}
    # plain sqlite3 opens it, WAL mode and schema version are set
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_saving_again_replaces_a_reports_rows(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.save_report(*sample(n_events=3))
        store.save_report(*sample(n_events=1))
        store.save_report(*sample(report_id="r2", n_events=1, date="2022-06-01"))
        assert store.counts()["events"] == 2
        assert store.counts()["places"] == 2


def test_has_report_tracks_the_text(tmp_path):
    report, places, events = sample()
    with Store(tmp_path / "s.sqlite") as store:
        assert not store.has_report(report)
        store.save_report(report, places, events)
        assert store.has_report(report)
        report.text += " An update."
        assert not store.has_report(report)


def test_not_a_store_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not an opsmap store"):
        Store(bad)
    with pytest.raises(StoreError, match="run `opsmap build` first"):
        Store(tmp_path / "missing.sqlite", readonly=True)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.sqlite"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer than this opsmap"):
        Store(path)


def test_errors_are_recorded(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.record_error("a.md", "file is empty")
        assert store.errors()[["input", "problem"]].values.tolist() == [["a.md", "file is empty"]]


def test_a_second_writer_is_refused_and_a_waiting_one_gets_through(tmp_path):
    import threading
    import time

    from pipeline.store import StoreBusy, writer_lock

    db = tmp_path / "s.sqlite"
    with writer_lock(db):
        with pytest.raises(StoreBusy, match="another opsmap run .*pid"):
            with writer_lock(db):
                pass
    released = threading.Event()

    def hold():
        with writer_lock(db):
            time.sleep(0.5)
        released.set()

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(0.1)
    with writer_lock(db, wait=5):
        assert released.is_set()
    thread.join()


def test_readers_see_committed_data_while_a_writer_holds_the_lock(tmp_path):
    from pipeline.store import writer_lock

    db = tmp_path / "s.sqlite"
    with Store(db) as store:
        store.save_report(*sample())
    with writer_lock(db), Store(db) as writer:
        writer.conn.execute("BEGIN IMMEDIATE")
        writer.conn.execute("DELETE FROM events")
        with Store(db, readonly=True) as reader:  # WAL: the reader still sees the last commit
            assert len(reader.events()) == 2
        writer.conn.rollback()
