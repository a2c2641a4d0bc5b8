"""--jobs 2 spreads extraction over two worker processes and stores exactly what --jobs 1 stores."""
from pathlib import Path

from pipeline.builder import build_into_store
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent


def rows(db):
    with Store(db) as store:
        events = store.events()
        places = store.places()
    return (sorted(map(tuple, events[["event_id", "event_date", "sub_event_type", "location", "fatalities",
                                      "actor1", "actor2", "source"]].astype(str).values)),
            len(places))


def test_two_jobs_store_the_same_as_one(settings, tmp_path):
    one = settings.with_(db_path=tmp_path / "one.sqlite")
    two = settings.with_(db_path=tmp_path / "two.sqlite")
    first = build_into_store([ROOT / "data" / "reports"], one, jobs=1)
    second = build_into_store([ROOT / "data" / "reports"], two, jobs=2)
    assert first.reports == second.reports == 11
    assert rows(one.db_path) == rows(two.db_path)
