"""Importing GeoNames dumps (our own small files in GeoNames' exact formats) and downloading them."""
from __future__ import annotations

import functools
import shutil
import sqlite3
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline.gazetteer import Gazetteer, download_geonames, import_geonames


def _geoname(gid, name, ascii_, alts, lat, lon, fclass, fcode, cc, a1, a2, pop) -> str:
    cols = [str(gid), name, ascii_, alts, str(lat), str(lon), fclass, fcode, cc, "", a1, a2, "", "",
            str(pop), "", "350", "Asia/Damascus", "2024-01-01"]
    assert len(cols) == 19
    return "\t".join(cols)


SY_ROWS = [
    _geoname(9990001, "Aţimah", "Atimah", "Atme,Atimah,أطمة", 36.3197, 36.6606, "P", "PPL", "SY", "12", "", 31000),
    _geoname(170063, "Aleppo", "Aleppo", "Halab,Haleb", 36.20124, 37.16117, "P", "PPLA", "SY", "09", "", 2100000),
    _geoname(169388, "Idlib Governorate", "Idlib Governorate", "Muhafazat Idlib", 35.83333, 36.58333, "A", "ADM1",
             "SY", "12", "", 1500000),
]
ADMIN1 = "SY.12\tIdlib\tIdlib\t169388\nSY.09\tAleppo\tAleppo\t170062\n"
ADMIN2 = "US.LA.079\tRapides Parish\tRapides Parish\t4338356\n"
ALTERNATES = ("1\t9990001\ten\tAtmeh\t1\t\t\t\t\t\n"
              "2\t9990001\tlink\thttps://en.wikipedia.org/wiki/Atmeh\t\t\t\t\t\t\n"
              "3\t170063\tsyc\tHoleb\t\t\t\t\t\t\n")


@pytest.fixture
def dumps(tmp_path: Path) -> Path:
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "SY.txt").write_text("\n".join(SY_ROWS) + "\n", encoding="utf-8")
    with zipfile.ZipFile(folder / "SY.zip", "w") as archive:
        archive.writestr("SY.txt", "\n".join(SY_ROWS) + "\n")
        archive.writestr("readme.txt", "GeoNames country dump\n")
    (folder / "admin1CodesASCII.txt").write_text(ADMIN1, encoding="utf-8")
    (folder / "admin2Codes.txt").write_text(ADMIN2, encoding="utf-8")
    with zipfile.ZipFile(folder / "alternateNamesV2.zip", "w") as archive:
        archive.writestr("alternateNamesV2.txt", ALTERNATES)
    return folder


@pytest.fixture
def gazetteer_copy(gazetteer_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "gazetteer.sqlite"
    shutil.copy(gazetteer_path, target)
    return target


def _counts(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as conn:
        return (conn.execute("SELECT COUNT(*) FROM places").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM names").fetchone()[0])


def _import_all(path: Path, dumps: Path, archive: str = "SY.zip") -> dict:
    files = [dumps / archive, dumps / "admin1CodesASCII.txt", dumps / "admin2Codes.txt",
             dumps / "alternateNamesV2.zip"]
    return import_geonames(path, [str(f) for f in files], progress=False)


def test_import_adds_places_names_and_codes(gazetteer_copy: Path, dumps: Path) -> None:
    stats = _import_all(gazetteer_copy, dumps)
    assert stats["geonames_rows"] == 3 and stats["admin1"] == 2 and stats["admin2"] == 1
    assert stats["alternate_names"] == 2  # the link row is skipped
    gaz = Gazetteer.open(gazetteer_copy)
    atmeh = {c.entry.geonameid: c.how for c in gaz.candidates("Atmeh")}
    # GeoNames' own Atmeh replaces the stand-in town of opsmap's sites list; bases stay
    assert atmeh == {9990001: "alternate name of Aţimah"} and stats["sites_superseded"] == 1
    assert gaz.candidates("Al-Asad Air Base")[0].entry.site_kind == "air base"
    assert gaz.get(170063).population == 2100000  # updated, not duplicated
    assert gaz.get(170063).feature_code == "PPLA"


def test_import_merges_derived_divisions(gazetteer_copy: Path, dumps: Path) -> None:
    _import_all(gazetteer_copy, dumps)
    gaz = Gazetteer.open(gazetteer_copy)
    assert gaz.admin1("SY", "12").geonameid == 169388
    idleb = {c.entry.geonameid for c in gaz.candidates("Idleb")}  # our extra name moved over
    assert 169388 in idleb
    assert all(c.entry.geonameid > 0 for c in gaz.candidates("Idlib") if c.entry.kind == "admin1")
    rapides = [c.entry for c in gaz.candidates("Rapides Parish") if c.entry.kind == "admin2"]
    assert [e.geonameid for e in rapides] == [4338356]
    assert gaz.get(4314550).admin2_code == "079"  # Alexandria, Louisiana now carries the real code


def test_import_twice_changes_nothing(gazetteer_copy: Path, dumps: Path) -> None:
    _import_all(gazetteer_copy, dumps)
    once = _counts(gazetteer_copy)
    _import_all(gazetteer_copy, dumps, archive="SY.txt")
    assert _counts(gazetteer_copy) == once


def test_import_into_a_new_file(tmp_path: Path, dumps: Path) -> None:
    path = tmp_path / "fresh.sqlite"
    _import_all(path, dumps)
    gaz = Gazetteer.open(path)
    assert gaz.stats()["populated_places"] == 2
    assert {c.entry.geonameid for c in gaz.candidates("Holeb")} == {170063}


def test_rejects_unknown_files(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.csv"
    bogus.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError):
        import_geonames(tmp_path / "g.sqlite", [str(bogus)], progress=False)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture
def dump_server(dumps: Path):
    handler = functools.partial(_QuietHandler, directory=str(dumps))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_download_fetches_and_imports(dump_server: str, gazetteer_copy: Path) -> None:
    stats = download_geonames(gazetteer_copy, ["sy"], base_url=dump_server, timeout=5, progress=False)
    assert stats["downloaded"] == ["SY.zip", "admin1CodesASCII.txt", "admin2Codes.txt"]
    assert (gazetteer_copy.parent / "geonames" / "SY.zip").is_file()
    gaz = Gazetteer.open(gazetteer_copy)
    assert 9990001 in {c.entry.geonameid for c in gaz.candidates("Atimah")}


def test_download_failure_is_an_oserror(dump_server: str, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        download_geonames(tmp_path / "g.sqlite", ["ZZ"], base_url=dump_server, timeout=5, progress=False)
    with pytest.raises(ValueError):
        download_geonames(tmp_path / "g.sqlite", ["../etc"], base_url=dump_server, timeout=5, progress=False)
