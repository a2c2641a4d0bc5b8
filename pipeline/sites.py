"""Opsmap's list of named conflict-relevant sites (``pipeline/data/sites.yaml``).

Military bases, camps, border crossings, dams and oil fields, and a few small towns that GeoNames'
cities500 lacks. The gazetteer build adds them as entries (pipeline/gazetteer/pipdata.py); this
module gives their names in every written form and finds them in a report's text, so a
multi-word name ("Ain al-Asad airbase") is a toponym even when spaCy's NER misses it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from .knowledge import load_data
from .wordscan import matches_at_starts

#: Words a site's name may be written with either way ("Air Base" / "Airbase").
_SPLIT_WORDS = {"air base": "airbase", "air field": "airfield"}


def sites() -> list[dict]:
    """The entries of ``pipeline/data/sites.yaml`` (a fresh copy)."""
    return list(load_data("sites.yaml").get("sites", ()))


def sites_version() -> str:
    return str(load_data("sites.yaml").get("version", ""))


def name_forms(name: str) -> Iterator[str]:
    """The name as written, and with 'Air Base' closed up to 'Airbase' or the other way round."""
    yield name
    low = name.lower()
    for open_form, closed in _SPLIT_WORDS.items():
        for old, new in ((open_form, closed), (closed, open_form)):
            at = low.find(old)
            if at >= 0 and (at == 0 or not low[at - 1].isalpha()):
                yield name[:at] + new + name[at + len(old):]


def site_names(site: dict) -> list[str]:
    """Every form of a site's canonical name and aliases, without repeats."""
    out: list[str] = []
    for name in (site["name"], *site.get("aliases", ())):
        for form in name_forms(name):
            if form not in out:
                out.append(form)
    return out


#: Where a site's name can begin: a word not glued to the one before by a hyphen.
_WORD = re.compile(r"(?<![\w-])\w+")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    """Site-name patterns keyed by the lowercase first word of the names they match.

    One alternation of every name scanned over a whole report costs about a millisecond (Python's
    regex engine tries every alternative at every character); keyed by first word, a name is only
    tried where a word that can start it stands. Longest names first; words may be joined by
    spaces or hyphens.
    """
    by_first: dict[str, list[str]] = {}
    for form in {form for site in sites() for form in site_names(site)}:
        words = [w for w in re.split(r"[\s-]+", form) if w]
        first = re.match(r"\w+", words[0]) if words else None
        if first is None:
            continue
        by_first.setdefault(first.group(0).lower(), []).append(form)
    patterns = {}
    for key, forms in by_first.items():
        parts = []
        for form in sorted(forms, key=len, reverse=True):
            words = [re.escape(w) for w in re.split(r"[\s-]+", form) if w]
            body = r"[\s-]+".join(words)
            # a one-word name must be written as listed ("Bagram", "ZNPP"); longer names in any case
            parts.append(body if len(words) > 1 else f"(?-i:{body})")
        patterns[key] = re.compile(r"(?:" + "|".join(parts) + r")(?![\w-])", re.I)
    return patterns


def find_sites(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each site name in the text that is written with a capital letter somewhere."""
    patterns = _patterns()
    if not patterns:
        return
    for hit in matches_at_starts(text, _WORD, lambda word: patterns.get(word.lower())):
        if any(ch.isupper() for ch in hit.group(0)):
            yield hit.start(), hit.end()
