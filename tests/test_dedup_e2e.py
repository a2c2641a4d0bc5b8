"""The seed's raid told by three outlets in different words becomes one event with three sources;
another operation on the same day stays separate. Texts written for this test."""
import pytest

import pipeline
from pipeline.store import Store

REPORTS = {
    "outlet-a.md": """---
title: Coalition kills ISIS official in Syria
url: https://outlet-a.example/2023/04/17/raid
published: 2023-04-17
publisher: Outlet A
---
ALEPPO, Syria — US-led coalition forces killed a senior Islamic State official in a raid early on Monday
in northwestern Syria, US Central Command said in a statement.

The coalition has fought the group in Syria and Iraq since 2014.
""",
    "outlet-b.md": """---
title: Senior IS figure dies in pre-dawn operation
url: https://outlet-b.example/news/20230418
published: 2023-04-18
publisher: Outlet B
---
WASHINGTON — A senior ISIS leader was killed on April 17 in a pre-dawn raid carried out by the
International Coalition in Syria's north-west, CENTCOM announced on Tuesday. Local partner forces
took part in the operation.
""",
    "outlet-c.md": """---
title: Raid in Turkish-held north-west Syria
url: https://outlet-c.example/a/7781
published: 2023-04-17
publisher: Outlet C
---
HOLEB, Syria — Coalition troops backed by local partners killed an Islamic State commander in a
predawn raid on Monday in the Turkish-held north-west of Syria, according to CENTCOM.
""",
    "outlet-d.md": """---
title: Drone strike near Deir ez-Zor
url: https://outlet-d.example/deir-strike
published: 2023-04-17
publisher: Outlet D
---
DEIR EZ-ZOR, Syria — A US drone strike killed two Islamic State fighters near the city of Deir ez-Zor
on Monday, a monitoring group said.
""",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory, gazetteer_path):
    from pipeline.settings import load_settings

    tmp = tmp_path_factory.mktemp("dedup")
    folder = tmp / "in"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = load_settings(db_path=tmp / "s.sqlite", gazetteer_path=gazetteer_path)
    pipeline.build([folder], settings)
    with Store(settings.db_path) as s:
        yield s


def test_one_raid_three_sources(store):
    events = store.events()
    raids = events[events.source.str.contains("Outlet A")]
    assert len(raids) == 1, events[["event_date", "location", "source", "notes"]].to_string()
    raid = raids.iloc[0]
    assert raid.source.count(";") == 2 and "Outlet B" in raid.source and "Outlet C" in raid.source
    assert raid.event_date == "2023-04-17"
    sources = store.event_sources(raid.event_id)
    assert sorted(s["source"] for s in sources) == ["Outlet A", "Outlet B", "Outlet C"]


def test_the_other_operation_that_day_stays_separate(store):
    events = store.events()
    assert len(events) == 2, events[["event_date", "location", "source", "notes"]].to_string()
    strike = events[events.source == "Outlet D"].iloc[0]
    assert strike.fatalities == 2
    assert strike.sub_event_type == "Air/drone strike"
