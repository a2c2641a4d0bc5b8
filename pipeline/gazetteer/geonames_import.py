"""Importing GeoNames dump files into the gazetteer (adds and updates, never duplicates).

Formats (tab-separated, UTF-8, as on download.geonames.org/export/dump/):
``allCountries.zip`` / ``XX.zip`` / ``XX.txt`` (the geoname table, 19 columns),
``alternateNamesV2.zip`` / ``alternateNamesV2.txt`` / ``alternateNames.txt``,
``admin1CodesASCII.txt`` (``CC.A1``, name, ascii name, geonameid) and ``admin2Codes.txt``
(``CC.A1.A2``, ...). A division derived from pip data is merged into the real GeoNames entry
(its id, code and our extra names move over) when the dump names it.
"""
from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path
from typing import Iterator

from ..names import fold
from .entry import SITE_SOURCE
from .geometry import haversine_km
from .pipdata import short_division_names, useful_alternate
from .progress import Progress
from .schema import connect, name_row, stamp_versions, write_meta

#: alternateNames "languages" that are codes or links, not names.
_SKIP_LANGUAGES = {"link", "post", "iata", "icao", "faac", "fr_1793", "unlc", "wkdt", "tcid", "abbr"}
_BATCH = 20_000


def import_files(path: Path, files: list[Path], progress: bool = True) -> dict:
    """Import each file by its name's kind; returns counts per kind."""
    conn = connect(path)
    stats = {"geonames_rows": 0, "alternate_names": 0, "admin1": 0, "admin2": 0, "merged_divisions": 0,
             "files": []}
    # Geoname rows first, then codes, then alternate names (which need their features present).
    ordered = sorted(files, key=_order)
    try:
        for file in ordered:
            if not file.is_file():
                raise FileNotFoundError(f"no such GeoNames file: {file}")
            kind = _kind(file)
            bar = Progress(f"import {file.name}", enabled=progress)
            if kind == "geonames":
                stats["geonames_rows"] += _import_geonames(conn, _lines(file), bar, stats)
            elif kind == "alternate":
                stats["alternate_names"] += _import_alternates(conn, _lines(file), bar)
            elif kind == "admin1":
                stats["admin1"] += _import_admin_codes(conn, _lines(file), 1, stats)
            elif kind == "admin2":
                stats["admin2"] += _import_admin_codes(conn, _lines(file), 2, stats)
            bar.close()
            stats["files"].append(file.name)
            conn.commit()
        stats["sites_superseded"] = _retire_site_towns(conn)
        stamp_versions(conn)
        write_meta(conn, last_import=", ".join(stats["files"]))
        conn.commit()
    finally:
        conn.close()
    return stats


def _kind(file: Path) -> str:
    name = file.name.lower()
    if name.startswith("alternatenames"):
        return "alternate"
    if name.startswith("admin1codes"):
        return "admin1"
    if name.startswith("admin2codes"):
        return "admin2"
    if name.endswith((".zip", ".txt")):
        return "geonames"
    raise ValueError(f"not a GeoNames dump file: {file.name}")


def _order(file: Path) -> int:
    return {"geonames": 0, "admin1": 1, "admin2": 2, "alternate": 3}.get(_kind(file), 9)


def _lines(file: Path) -> Iterator[list[str]]:
    """Tab-separated rows of a dump (inside its zip when zipped); comment lines skipped."""
    if file.suffix.lower() == ".zip":
        with zipfile.ZipFile(file) as archive:
            inner = [n for n in archive.namelist() if n.lower().endswith(".txt") and "readme" not in n.lower()
                     and "iso-languagecodes" not in n.lower()]
            if not inner:
                raise ValueError(f"{file.name} holds no .txt table")
            with archive.open(inner[0]) as raw:
                yield from _rows(io.TextIOWrapper(raw, encoding="utf-8"))
    else:
        with open(file, encoding="utf-8") as fh:
            yield from _rows(fh)


def _rows(fh) -> Iterator[list[str]]:
    for line in fh:
        if not line.strip() or line.startswith("#"):
            continue
        yield line.rstrip("\n").split("\t")


def _import_geonames(conn: sqlite3.Connection, rows: Iterator[list[str]], bar: Progress, stats: dict) -> int:
    count = 0
    places: list[tuple] = []
    names: list[tuple] = []
    divisions: list[tuple[int, str, str, str, str]] = []
    for row in rows:
        if len(row) < 15:
            raise ValueError(f"a geoname row has {len(row)} columns, expected 19: {row[:3]}")
        gid = int(row[0])
        fclass, fcode, cc = row[6], row[7], row[8]
        places.append((gid, row[1], float(row[4]), float(row[5]), fclass or "P", fcode or "PPL", cc,
                       row[10], row[11], int(row[14] or 0), None, None, None, None, None, "geonames"))
        for kind, name in [("name", row[1]), ("alt", row[2])] + [("alt", a) for a in row[3].split(",")]:
            if kind == "name" or useful_alternate(name):
                names.append(name_row(name, gid, kind))
        if fclass == "A" and fcode in ("ADM1", "ADM2"):
            divisions.append((gid, fcode, cc, row[10], row[11]))
        count += 1
        if len(places) >= _BATCH:
            _flush(conn, places, names)
            bar.step(f"{count:,} rows", _BATCH)
    _flush(conn, places, names)
    for gid, fcode, cc, a1, a2 in divisions:
        if fcode == "ADM1":
            stats["merged_divisions"] += _adopt_admin1(conn, cc, a1, gid, None)
        else:
            stats["merged_divisions"] += _adopt_admin2(conn, cc, a1, a2, gid, None)
    bar.step(f"{count:,} rows", 0)
    return count


def _flush(conn: sqlite3.Connection, places: list[tuple], names: list[tuple]) -> None:
    conn.executemany(f"INSERT OR REPLACE INTO places VALUES ({','.join('?' * 16)})", places)
    conn.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?)", [n for n in names if n])
    places.clear()
    names.clear()


def _import_alternates(conn: sqlite3.Connection, rows: Iterator[list[str]], bar: Progress) -> int:
    known = {gid for (gid,) in conn.execute("SELECT geonameid FROM places WHERE geonameid > 0")}
    count = 0
    batch: list[tuple] = []
    for row in rows:
        if len(row) < 4:
            continue
        gid, lang, name = int(row[1]), row[2], row[3]
        if gid not in known or lang in _SKIP_LANGUAGES or not useful_alternate(name):
            continue
        entry = name_row(name, gid, "alt")
        if entry:
            batch.append(entry)
            count += 1
        if len(batch) >= _BATCH:
            conn.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?)", batch)
            bar.step(f"{count:,} names", len(batch))
            batch.clear()
    conn.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?)", batch)
    return count


def _import_admin_codes(conn: sqlite3.Connection, rows: Iterator[list[str]], level: int, stats: dict) -> int:
    count = 0
    for row in rows:
        if len(row) < 4:
            continue
        code_parts = row[0].split(".")
        gid = int(row[3]) if row[3].strip() else None
        if gid is None:
            continue
        if level == 1 and len(code_parts) == 2:
            stats["merged_divisions"] += _adopt_admin1(conn, code_parts[0], code_parts[1], gid, row[1])
        elif level == 2 and len(code_parts) == 3:
            stats["merged_divisions"] += _adopt_admin2(conn, code_parts[0], code_parts[1], code_parts[2], gid, row[1])
        else:
            continue
        for name in {row[1], row[2]}:
            entry = name_row(name, gid, "name" if name == row[1] else "alt")
            if entry:
                conn.execute("INSERT OR IGNORE INTO names VALUES (?,?,?,?,?)", entry)
        count += 1
    return count


def _adopt_admin1(conn: sqlite3.Connection, cc: str, code: str, gid: int, name: str | None) -> int:
    """Give the (cc, code) division its GeoNames id; merge a derived entry into it. Returns merges."""
    old = conn.execute("SELECT geonameid, name FROM admin1 WHERE country_code = ? AND admin1_code = ?",
                       (cc, code)).fetchone()
    merged = 0
    if old is not None and old[0] is not None and old[0] < 0:
        merged = _merge_entry(conn, old[0], gid)
    display = name or (old[1] if old else None) or _place_name(conn, gid) or code
    conn.execute("INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?)", (cc, code, gid, display))
    return merged


def _adopt_admin2(conn: sqlite3.Connection, cc: str, a1: str, code: str, gid: int, name: str | None) -> int:
    """As for admin1; a derived admin2 (keyed by name) is found by its folded name."""
    display = name or _place_name(conn, gid) or code
    merged = 0
    derived = conn.execute("SELECT admin2_code, geonameid, name FROM admin2 WHERE country_code = ? AND "
                           "admin1_code = ? AND geonameid < 0", (cc, a1)).fetchall()
    for old_code, old_gid, old_name in derived:
        if fold(old_name) == fold(display) or _strip_division_word(old_name) == _strip_division_word(display):
            merged += _merge_entry(conn, old_gid, gid)
            conn.execute("DELETE FROM admin2 WHERE country_code = ? AND admin1_code = ? AND admin2_code = ?",
                         (cc, a1, old_code))
            conn.execute("UPDATE places SET admin2_code = ? WHERE country_code = ? AND admin1_code = ? AND "
                         "admin2_code = ?", (code, cc, a1, old_code))
    conn.execute("INSERT OR REPLACE INTO admin2 VALUES (?,?,?,?,?)", (cc, a1, code, gid, display))
    return merged


#: A town of opsmap's sites list gives way to an imported GeoNames town of its name this close.
SITE_SUPERSEDED_KM = 15.0


def _retire_site_towns(conn: sqlite3.Connection) -> int:
    """Drop the towns of opsmap's sites list that an imported GeoNames town now covers (same name,
    same country, within SITE_SUPERSEDED_KM): GeoNames' own entry, with its id and alternate
    names, replaces our stand-in. Bases, camps and crossings stay (cities500 and the dumps' towns
    are not them)."""
    sites = conn.execute("SELECT geonameid, lat, lon, country_code FROM places WHERE feature_class = 'P' "
                         "AND source LIKE ?", (SITE_SOURCE + "%",)).fetchall()
    retired = 0
    for gid, lat, lon, cc in sites:
        keys = [k for (k,) in conn.execute("SELECT key FROM names WHERE geonameid = ?", (gid,))]
        for key in keys:
            hits = conn.execute("SELECT p.lat, p.lon FROM names n JOIN places p USING (geonameid) WHERE n.key = ? "
                                "AND p.source = 'geonames' AND p.feature_class = 'P' AND p.country_code = ?",
                                (key, cc)).fetchall()
            if any(haversine_km(lat, lon, la, lo) <= SITE_SUPERSEDED_KM for la, lo in hits):
                conn.execute("DELETE FROM names WHERE geonameid = ?", (gid,))
                conn.execute("DELETE FROM places WHERE geonameid = ?", (gid,))
                retired += 1
                break
    conn.commit()
    return retired


def _strip_division_word(name: str) -> str:
    shorts = list(short_division_names(name))
    return fold(shorts[0] if shorts else name)


def _merge_entry(conn: sqlite3.Connection, old: int, new: int) -> int:
    """Move a derived entry's names to ``new``; keep its point only if ``new`` has none."""
    conn.execute("UPDATE OR IGNORE names SET geonameid = ? WHERE geonameid = ?", (new, old))
    conn.execute("DELETE FROM names WHERE geonameid = ?", (old,))
    if conn.execute("SELECT 1 FROM places WHERE geonameid = ?", (new,)).fetchone():
        # Keep the derived extent, which GeoNames rows do not carry.
        conn.execute("UPDATE places SET south = (SELECT south FROM places WHERE geonameid = ?), "
                     "west = (SELECT west FROM places WHERE geonameid = ?), "
                     "north = (SELECT north FROM places WHERE geonameid = ?), "
                     "east = (SELECT east FROM places WHERE geonameid = ?), "
                     "radius_km = COALESCE(radius_km, (SELECT radius_km FROM places WHERE geonameid = ?)) "
                     "WHERE geonameid = ? AND south IS NULL", (old, old, old, old, old, new))
        conn.execute("DELETE FROM places WHERE geonameid = ?", (old,))
    else:
        conn.execute("UPDATE places SET geonameid = ? WHERE geonameid = ?", (new, old))
    return 1


def _place_name(conn: sqlite3.Connection, gid: int) -> str | None:
    row = conn.execute("SELECT name FROM places WHERE geonameid = ?", (gid,)).fetchone()
    return row[0] if row else None
