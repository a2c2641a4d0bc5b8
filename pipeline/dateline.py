"""Finding a news dateline: "HOLEB, Syria — In a pre-dawn raid ..." or "BAGHDAD (Reuters) -".

The dateline names where the report was filed; its place and country are strong context for
every other toponym in the report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# An all-caps place (letters, spaces, hyphens, apostrophes, dots), optionally ", Country" or
# ", STATE", optionally "(Agency)", then a dash or a colon that starts the story.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'’\.\-]*(?:[ \-][A-Z][A-Z'’\.\-]*){0,4})"
    r"(?:,\s*(?P<region>[A-Z][A-Za-z'’\.\-]*(?:\s[A-Z][A-Za-z'’\.\-]*){0,3}))?"
    r"(?:\s*\((?P<agency>[^)]{1,40})\))?"
    r"\s*(?:[—–]|-{1,2}|:)\s")

#: How far into the text a dateline may start (the headline line may come first).
MAX_OFFSET = 600


@dataclass(frozen=True)
class Dateline:
    """The dateline's place (character offsets into the text) and its optional region part."""

    start: int
    end: int
    place: str
    region: str
    region_start: int
    region_end: int


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the start of a paragraph in the first lines of ``text``, if any."""
    # At the start of a paragraph, or after the headline on the same line ("... debt. MANSFIELD —")
    # or a byline's date ("March 24, 2009 MANSFIELD --").
    for match in re.finditer(r"(?:^|\n)[ \t]*|(?<=[.!?\d])[ \t]+(?=[A-Z]{3})", text[:MAX_OFFSET]):
        start = match.end()
        found = _DATELINE.match(text, start)
        if not found:
            continue
        place = found.group("place").rstrip(".")
        letters = [ch for ch in place if ch.isalpha()]
        if len(letters) < 3 or not place.isupper():
            continue
        region = found.group("region") or ""
        rs, re_ = (found.start("region"), found.end("region")) if region else (-1, -1)
        return Dateline(found.start("place"), found.start("place") + len(place), place, region, rs, re_)
    return None
