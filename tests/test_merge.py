"""One operation, one event: merging across reports in a real store."""
from pipeline.event import Event
from pipeline.merge import same_operation
from pipeline.report import Report
from pipeline.store import Store


def account(report_id, publisher, *, date="2023-04-17", lat=36.20, lon=37.16, precision=1,
            fatalities=1, known=True, actor1="US-led Coalition", actor2="Islamic State", n=0,
            location="Aleppo", radius=None, published="2023-04-17"):
    return Event(event_id=f"{report_id}-e{n}", event_date=date, time_precision=1,
                 disorder_type="Political violence", event_type="Battles", sub_event_type="Armed clash",
                 actor1=actor1, actor2=actor2, latitude=lat, longitude=lon, geo_precision=precision,
                 geo_radius_km=radius, location=location, fatalities=fatalities, fatalities_known=known,
                 source=publisher, source_url=f"https://{publisher.lower().replace(' ', '')}.example/{report_id}",
                 published=published, report_id=report_id, notes=f"{publisher} says a raid happened.",
                 confidence=0.8)


def report(report_id, publisher, published="2023-04-17"):
    return Report(text=f"{publisher} text", report_id=report_id, publisher=publisher, published=published,
                  url=f"https://{publisher.lower().replace(' ', '')}.example/{report_id}")


def test_three_outlets_one_event_with_acled_values(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.save_report(report("a", "Outlet A"), [], [account("a", "Outlet A", fatalities=3, precision=3,
                                                                lat=36.0, lon=36.9, location="northwestern Syria")])
        store.save_report(report("b", "Outlet B", "2023-04-18"),
                          [], [account("b", "Outlet B", fatalities=1, date="2023-04-18", published="2023-04-18")])
        store.save_report(report("c", "Outlet C"), [], [account("c", "Outlet C", known=False, fatalities=0)])
        events = store.events()
        assert len(events) == 1
        event = events.iloc[0]
        assert event.fatalities == 1  # the lowest reported figure; "unknown" does not count as 0
        assert event.location == "Aleppo" and event.geo_precision == 1  # the most precise place
        assert event.source == "Outlet A; Outlet C; Outlet B"
        sources = store.event_sources(event.event_id)
        assert sorted(s["report_id"] for s in sources) == ["a", "b", "c"]
        assert sorted(s["fatalities"] for s in sources) == [0, 1, 3]  # each claim kept per source


def test_separate_operations_on_the_same_day_stay_separate(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        # al-Bab and Aleppo are ~40 km apart, both named towns
        store.save_report(report("a", "Outlet A"), [], [account("a", "Outlet A", lat=36.37, lon=37.52, location="al-Bab")])
        store.save_report(report("b", "Outlet B"), [], [account("b", "Outlet B")])
        # a different actor pair at the same place is another operation
        store.save_report(report("c", "Outlet C"), [], [account("c", "Outlet C", actor1="Turkish Armed Forces",
                                                                actor2="SDF")])
        # two operations in one report are never merged with each other
        store.save_report(report("d", "Outlet D"), [], [account("d", "Outlet D", n=0, date="2023-05-01"),
                                                        account("d", "Outlet D", n=1, date="2023-05-01")])
        assert len(store.events()) == 5


def test_changed_report_replaces_its_accounts(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.save_report(report("a", "Outlet A"), [], [account("a", "Outlet A", fatalities=1)])
        store.save_report(report("b", "Outlet B"), [], [account("b", "Outlet B", fatalities=2)])
        assert store.events().fatalities.tolist() == [1]
        # outlet A corrects its story: now a different day and place, so the operation splits
        store.save_report(report("a", "Outlet A"), [], [account("a", "Outlet A", date="2023-03-01", lat=34.4, lon=40.9)])
        events = store.events().sort_values("event_date")
        assert events.event_date.tolist() == ["2023-03-01", "2023-04-17"]
        assert events.fatalities.tolist() == [1, 2]
        # and a report that no longer reports anything leaves no orphan event
        store.save_report(report("a", "Outlet A"), [], [])
        assert store.events().report_id.tolist() == ["b"]


def test_match_reasons_are_readable():
    ok, why = same_operation(account("a", "A"), account("b", "B", date="2023-04-20"))
    assert not ok and "too far apart" in why
    ok, why = same_operation(account("a", "A"), account("b", "B", lat=36.25, lon=37.2))
    assert ok and "km apart" in why


def test_merging_leaves_the_accounts_unchanged():
    """The store reuses the accounts it decoded from their records (a memo), so merging must not
    change them."""
    import copy

    from pipeline.merge import merge_sources

    sources = [account("a", "Outlet A", fatalities=3, precision=3, actor1=""),
               account("b", "Outlet B", known=False, published="2023-04-16"),
               account("c", "Outlet C", fatalities=1, date="2023-04-18")]
    sources[0].evidence = {"type": [[0, 4, "raid"]]}
    before = copy.deepcopy(sources)
    merged = merge_sources("m", sources)
    assert merged.event_id == "m" and merged.fatalities == 1 and merged.actor1 == "US-led Coalition"
    assert sources == before
