"""Demonyms and person titles are only looked for where a capitalised word starts: the matches must
be exactly those of the plain alternation tried at every character."""
from __future__ import annotations

import random
from pathlib import Path

from pipeline import toponyms

DEMO_REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"


def _both(text: str) -> tuple[list, list]:
    toponyms.demonym_counts("")  # compiles the pattern
    plain = [(m.start(), m.end(), m.group(1)) for m in toponyms._DEMONYM_RE.finditer(text)]
    fast = [(m.start(), m.end(), m.group(1)) for m in toponyms._demonym_matches(text)]
    return plain, fast


def test_the_shipped_demonyms_take_the_fast_path():
    toponyms.demonym_counts("")
    assert toponyms._DEMONYM_FIRST_WORDS and "South" in toponyms._DEMONYM_FIRST_WORDS


def test_same_matches_over_the_demo_reports():
    found = 0
    for path in sorted(DEMO_REPORTS.glob("*.md")):
        plain, fast = _both(path.read_text(encoding="utf-8"))
        assert fast == plain
        found += len(plain)
    assert found > 10


def test_same_matches_at_awkward_boundaries():
    toponyms.demonym_counts("")
    words = sorted(toponyms._DEMONYM_FIRST_WORDS) + ["South Sudanese", "South  Sudanese", "SouthAfrican",
                                                      "Syrians", "Sudanese", "North Koreans"]
    glue = ["", " ", "-", "é", "s", ".", "\n", "_", "1", "’s "]
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice(words) + rng.choice(glue) for _ in range(12))
        plain, fast = _both(text)
        assert fast == plain, text


def test_counts_by_country():
    counts = toponyms.demonym_counts("Syrian and Iraqi forces met South Sudanese envoys; Syrians said")
    assert counts["SY"] == 2 and counts["IQ"] == 1 and counts["SS"] == 1


def test_titled_names_same_matches_as_finditer():
    pattern = toponyms._titled_names()
    assert toponyms._titles_capitalised()
    texts = [p.read_text(encoding="utf-8") for p in sorted(DEMO_REPORTS.glob("*.md"))]
    rng = random.Random(9)
    words = ["President", "Vice President", "Mr.", "Mr", "Gen.", "General", "Sen.", "Ali", "Mikheil Saakashvili",
             "mr.", "Président", "xPresident", "Dr. Jane Doe", "King", "Kingdom", "Omar"]
    glue = ["", " ", "  ", "-", "é", ".", "\n", "_", "1", "’s "]
    texts += ["".join(rng.choice(words) + rng.choice(glue) for _ in range(12)) for _ in range(2000)]
    for text in texts:
        plain = [(m.start(), m.end(), m.group(1)) for m in pattern.finditer(text)]
        fast = [(m.start(), m.end(), m.group(1)) for m in toponyms._titled_name_matches(text)]
        assert fast == plain, text
