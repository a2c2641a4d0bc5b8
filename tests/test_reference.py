"""ACLED and UCDP GED exports as reference layers in the same event table."""
import pytest

from pipeline.ingest import IngestError
from pipeline.reference import import_reference
from pipeline.settings import load_settings
from pipeline.store import Store

ACLED_CSV = """event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp
SYR100001,2023-04-17,2023,1,Political violence,Battles,Armed clash,Military Forces of the United States (2021-),,8,Islamic State (Syria),,2,28,,760,Middle East,Syria,Aleppo,Jebel Saman,,Aleppo,36.2021,37.1343,2,CENTCOM,International,"On 17 April 2023, US forces raided a house.",1,,1682000000
SYR100002,16 April 2023,2023,1,Political violence,Explosions/Remote violence,Air/drone strike,Military Forces of Russia (2000-),,8,HTS: Hayat Tahrir al Sham,,2,28,,760,Middle East,Syria,Idleb,Idleb,,Idleb,35.9306,36.6339,1,SOHR,Other,"Russian jets struck Idleb.",,,1682000001
"""

UCDP_CSV = """id,relid,year,type_of_violence,side_a,side_b,source_office,source_headline,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,country,region,date_prec,date_start,date_end,best,high,low
501,SYR-2023-1-1,2023,1,Government of United States of America,IS,CENTCOM,US raid in Syria,4,Aleppo governorate,Aleppo governorate,,36.2,37.15,Syria,Middle East,1,2023-04-17 00:00:00.000,2023-04-17 00:00:00.000,1,2,1
502,SYR-2023-1-2,2023,3,IS,Civilians,SOHR,Attack on truffle hunters,1,Kawm,Homs governorate,,35.2,38.8,Syria,Middle East,4,2023-04-10 00:00:00.000,2023-04-16 00:00:00.000,15,20,12
"""


def test_acled_and_ucdp_exports_sit_beside_opsmap_events(tmp_path):
    settings = load_settings(db_path=tmp_path / "s.sqlite")
    (tmp_path / "acled.csv").write_text(ACLED_CSV)
    (tmp_path / "ged.csv").write_text(UCDP_CSV)
    assert import_reference(tmp_path / "acled.csv", settings) == (2, "acled")
    assert import_reference(tmp_path / "ged.csv", settings) == (2, "ucdp")
    assert import_reference(tmp_path / "acled.csv", settings) == (2, "acled")  # again: no duplicates
    with Store(settings.db_path) as store:
        events = store.events().set_index("event_id")
    assert sorted(events.source_dataset) == ["acled", "acled", "ucdp", "ucdp"]
    acled = events.loc["acled-SYR100002"]
    assert acled.event_date == "2023-04-16" and acled.sub_event_type == "Air/drone strike"
    assert not acled.fatalities_known  # an empty cell is unknown, not zero
    ucdp = events.loc["ucdp-502"]
    assert (ucdp.event_type, ucdp.fatalities, ucdp.time_precision, ucdp.geo_precision) == \
        ("Violence against civilians", 15, 3, 1)
    assert events.loc["ucdp-501"].geo_precision == 3


def test_unknown_csv_is_a_clear_error(tmp_path):
    f = tmp_path / "other.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(IngestError, match="neither an ACLED export"):
        import_reference(f, load_settings(db_path=tmp_path / "s.sqlite"))
    with pytest.raises(IngestError, match="missing columns"):
        import_reference(f, load_settings(db_path=tmp_path / "s.sqlite"), dataset="ucdp")
