"""Finding the gazetteer entries a name may refer to, and saying how it matched.

Order of trust: exact (folded) name, alternate name, a division's short name, our own extra
names (reported as spelling variants), transliteration variants (same consonant skeleton),
and last a guarded fuzzy match. Each step only runs when the ones before found nothing.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Callable

from rapidfuzz import fuzz, process

from ..names import fold, strip_articles, variant_key
from .entry import Candidate, Entry

_ENTRY_SQL = ("p.geonameid, p.name, p.lat, p.lon, p.feature_class, p.feature_code, p.country_code, "
              "p.admin1_code, p.admin2_code, p.population, p.south, p.west, p.north, p.east, "
              "p.radius_km, p.source")

MAX_CANDIDATES = 60
#: Fuzzy matching only considers well-known features and needs this similarity (0-100).
FUZZY_CUTOFF = 88.0
FUZZY_MIN_POPULATION = 15000
FUZZY_MIN_LENGTH = 5
#: Alternate names of smaller features count less when another feature bears the name itself.
ALT_STRONG_POPULATION = 100_000
ALT_WEAK_SCORE = 0.8
#: A transliteration variant must also look similar; short skeletons need more (len -> min ratio).
_VARIANT_MIN_SIMILARITY = {2: 85, 3: 75}
VARIANT_MIN_SIMILARITY = 70


def _lookup_key(text: str) -> str:
    """The folded form names are looked up by ("The Hague" and "Hague" are one key)."""
    key = fold(text)
    return key[4:] if key.startswith("the ") else key


def _ranked(found: list[Candidate]) -> list[Candidate]:
    """Best match first, then the most populous; at most MAX_CANDIDATES."""
    found.sort(key=lambda c: (-c.match_score, -c.entry.population))
    return found[:MAX_CANDIDATES]


def entry_from_row(row: tuple) -> Entry:
    return Entry(*row)


class NameMatcher:
    """Candidate lookup over the ``names`` table (SQL on indexed keys, fuzzy index in memory)."""

    def __init__(self, conn: sqlite3.Connection, get_entry: Callable[[int], Entry | None]):
        self._conn = conn
        self._get_entry = get_entry
        self._fuzzy: dict[tuple[str, int], tuple[list[str], list[int]]] | None = None

    def exact_candidates(self, text: str) -> list[Candidate]:
        """Only exact and alternate names (no variants, no fuzzy): cheap checks in recognition."""
        return _ranked(self._exact_forms(_lookup_key(text), text))

    def candidates(self, text: str) -> list[Candidate]:
        key = _lookup_key(text)
        found = self._exact_forms(key, text)
        if key and not found:
            found = self._variants(text, key)
        if key and not found:
            found = self._fuzzy_matches(key)
        return _ranked(found)

    def _exact_forms(self, key: str, text: str) -> list[Candidate]:
        """Exact and alternate names for ``key``, then for it without its Arabic article."""
        if not key:
            return []
        found = self._exact(key, text)
        if not found:
            bare = strip_articles(key)
            if bare != key:
                found = self._exact(bare, text)
        return found

    def _exact(self, key: str, text: str) -> list[Candidate]:
        rows = self._conn.execute(
            f"SELECT n.name, n.kind, {_ENTRY_SQL} FROM names n JOIN places p USING (geonameid) "
            "WHERE n.key = ?", (key,)).fetchall()
        best: dict[int, Candidate] = {}
        # When some feature bears the name itself, another's alternate (often historic) name
        # is weaker evidence: "Washington" is not first of all an old name of Piqua, Ohio.
        has_name = any(kind == "name" for _m, kind, *_r in rows)
        for matched, kind, *entry_row in rows:
            entry = entry_from_row(tuple(entry_row))
            cand = _exact_candidate(entry, matched, kind)
            if has_name and kind == "alt" and entry.population < ALT_STRONG_POPULATION:
                cand = Candidate(cand.entry, cand.matched_name, cand.how, ALT_WEAK_SCORE)
            old = best.get(entry.geonameid)
            if old is None or old.match_score < cand.match_score:
                best[entry.geonameid] = cand
        return list(best.values())

    def _variants(self, text: str, key: str) -> list[Candidate]:
        vkey = variant_key(text)
        if len(vkey) < 2:
            return []
        rows = self._conn.execute(
            f"SELECT n.name, n.key, {_ENTRY_SQL} FROM names n JOIN places p USING (geonameid) "
            "WHERE n.vkey = ?", (vkey,)).fetchall()
        bare = strip_articles(key).replace(" ", "")
        best: dict[int, Candidate] = {}
        for matched, matched_key, *entry_row in rows:
            other = strip_articles(matched_key).replace(" ", "")
            similarity = fuzz.ratio(bare, other)
            if similarity < _VARIANT_MIN_SIMILARITY.get(len(vkey), VARIANT_MIN_SIMILARITY):
                continue
            entry = entry_from_row(tuple(entry_row))
            score = round(0.6 + 0.3 * similarity / 100, 6)  # a perfect variant is 0.9, not 0.8999...
            old = best.get(entry.geonameid)
            if old is None or old.match_score < score:
                best[entry.geonameid] = Candidate(entry, matched, _variant_phrase(entry, matched), score)
        return list(best.values())

    def _fuzzy_matches(self, key: str) -> list[Candidate]:
        if len(key) < FUZZY_MIN_LENGTH:
            return []
        index = self._fuzzy_index()
        keys: list[str] = []
        ids: list[int] = []
        for length in (len(key) - 1, len(key), len(key) + 1):
            bucket = index.get((key[0], length))
            if bucket:
                keys.extend(bucket[0])
                ids.extend(bucket[1])
        if not keys:
            return []
        hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
        out: dict[int, Candidate] = {}
        for matched_key, score, pos in hits:
            entry = self._get_entry(ids[pos])
            if entry is None or entry.geonameid in out:
                continue
            out[entry.geonameid] = Candidate(
                entry, matched_key, f"fuzzy match ({score:.0f}%) to {entry.name}", 0.5 * score / 100)
        return list(out.values())

    def _fuzzy_index(self) -> dict[tuple[str, int], tuple[list[str], list[int]]]:
        """Keys of well-known features bucketed by first letter and length, loaded on first use."""
        if self._fuzzy is None:
            index: dict[tuple[str, int], tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
            rows = self._conn.execute(
                "SELECT n.key, n.geonameid FROM names n JOIN places p USING (geonameid) "
                "WHERE p.population >= ? OR p.feature_class = 'A'", (FUZZY_MIN_POPULATION,))
            for key, gid in rows:
                bucket = index[(key[0], len(key))]
                bucket[0].append(key)
                bucket[1].append(gid)
            self._fuzzy = dict(index)
        return self._fuzzy


def _exact_candidate(entry: Entry, matched: str, kind: str) -> Candidate:
    if entry.site_kind:
        return Candidate(entry, matched, f"named site ({entry.site_kind}) from opsmap's sites list", 1.0)
    if kind == "name":
        return Candidate(entry, matched, "exact name", 1.0)
    if kind == "alt":
        return Candidate(entry, matched, f"alternate name of {entry.name}", 0.95)
    if kind == "short":
        return Candidate(entry, matched, f"short form of {entry.name}", 0.9)
    return Candidate(entry, matched, _variant_phrase(entry, matched), 0.9)


def _variant_phrase(entry: Entry, matched: str) -> str:
    if fold(matched) == fold(entry.name):
        return f"spelling variant of {entry.name}"
    return f"spelling variant of {entry.name} ({matched})"
