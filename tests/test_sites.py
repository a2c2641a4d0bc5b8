"""Opsmap's sites list (pipeline/data/sites.yaml): sane coordinates, in the gazetteer, found in text."""
from __future__ import annotations

import pytest

from pipeline import boundaries
from pipeline.gazetteer import ensure_gazetteer
from pipeline.gazetteer.geometry import haversine_km
from pipeline.gazetteer.pipdata import SITE_FEATURES
from pipeline.names import fold
from pipeline.sites import find_sites, name_forms, site_names, sites

SITES = sites()
#: A point on a border may fall this far outside a 1:10m country outline, besides its own accuracy.
BORDER_SLACK_KM = 3.0


def test_sites_are_well_formed():
    assert 60 <= len(SITES) <= 150
    seen: dict[str, str] = {}
    for site in SITES:
        assert {"name", "lat", "lon", "country", "kind", "source", "near"} <= set(site), site["name"]
        assert site["kind"] in SITE_FEATURES, site["name"]
        assert -90 <= site["lat"] <= 90 and -180 <= site["lon"] <= 180, site["name"]
        for number in (site["lat"], site["lon"]):
            assert round(number, 4) == number, f"{site['name']}: give coordinates to 4 decimals"
        for name in site_names(site):  # one name, one site
            assert seen.setdefault(fold(name), site["name"]) == site["name"], name


@pytest.mark.parametrize("site", SITES, ids=[s["name"] for s in SITES])
def test_site_lies_in_its_country(site):
    outside = boundaries.km_outside(site["country"], site["lat"], site["lon"])
    assert outside <= site.get("accuracy_km", 1) + BORDER_SLACK_KM, f"{outside:.1f} km outside {site['country']}"


@pytest.fixture(scope="module")
def gazetteer(gazetteer_path):
    return ensure_gazetteer(gazetteer_path)


@pytest.mark.parametrize("site", SITES, ids=[s["name"] for s in SITES])
def test_site_lies_near_its_neighbour_town(site, gazetteer):
    town, max_km = site["near"]
    towns = [c.entry for c in gazetteer.exact_candidates(town)
             if c.entry.kind == "place" and not c.entry.site_kind]
    assert towns, f"neighbour {town!r} is not a cities500 town"
    km = min(haversine_km(site["lat"], site["lon"], e.lat, e.lon) for e in towns)
    assert km <= max_km, f"{km:.0f} km from {town}, more than the {max_km} km stated"


def test_sites_resolve_as_named_sites(gazetteer):
    for text in ("Al-Asad Air Base", "Ain al-Asad airbase", "Atmeh", "al-Hol camp"):
        best = gazetteer.candidates(text)[0]
        assert best.entry.site_kind and best.match_score == 1.0, text
        assert "from opsmap's sites list" in best.how
    base = gazetteer.candidates("Al-Asad Air Base")[0]
    assert base.how == "named site (air base) from opsmap's sites list"
    assert base.entry.country_code == "IQ" and abs(base.entry.lat - 33.79) < 0.05


def test_air_base_is_written_open_or_closed():
    assert list(name_forms("Harir Air Base")) == ["Harir Air Base", "Harir airbase"]
    assert [fold(f) for f in name_forms("Incirlik Airbase")] == ["incirlik airbase", "incirlik air base"]


def test_site_names_are_found_in_text_but_not_in_common_words():
    text = ("Missiles were fired at Ain al-Asad airbase and at the al-Hol camp; "
            "the union 3 rule, a tower 22 metres high and a bagram of rice are not sites.")
    found = [text[s:e] for s, e in find_sites(text)]
    assert found == ["Ain al-Asad airbase", "al-Hol camp"]


def _plain_find_sites(text: str) -> list[tuple[int, int]]:
    """The obvious matcher (one alternation of every name, scanned over the whole text)."""
    import re

    from pipeline.sites import site_names, sites
    parts = []
    for form in sorted({f for s in sites() for f in site_names(s)}, key=len, reverse=True):
        words = [re.escape(w) for w in re.split(r"[\s-]+", form) if w]
        body = r"[\s-]+".join(words)
        parts.append(body if len(words) > 1 else f"(?-i:{body})")
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.I)
    return [(m.start(), m.end()) for m in pattern.finditer(text) if any(c.isupper() for c in m.group(0))]


def test_keyed_matcher_finds_what_the_plain_one_finds() -> None:
    from pipeline.sites import find_sites, site_names, sites
    forms = sorted({f for s in sites() for f in site_names(s)})
    text = " ".join(f"Near the {f}, and {f.lower()}; also {f.upper()} and ({f.replace(' ', '-')}), x{f}."
                    for f in forms)
    found = list(find_sites(text))
    assert len(found) > len(forms)  # each name at least once, in several writings
    assert found == _plain_find_sites(text)
