"""A first-level division named outside the toponyms (an agency, a university) tells a local
report's state; a street named after a division does not. Also the dev / held-out halves that
`opsmap eval geo --half` scores."""
from __future__ import annotations

import json
from pathlib import Path

from geo_fixtures import gazetteer, geoparser  # noqa: F401  (fixtures)

from pipeline.evaluation.geo import read_corpus
from pipeline.gazetteer.geometry import haversine_km


def _albany(geoparser, text: str):  # noqa: F811
    start = text.index("Albany")
    return geoparser.resolve_spans(text, [(start, start + len("Albany"))])[0]


def test_a_state_named_in_an_organisation_picks_the_town_there(geoparser) -> None:  # noqa: F811
    plain = _albany(geoparser, "Police in Albany arrested a man on Friday after a week-long search.")
    hinted = _albany(geoparser, "Police in Albany arrested a man on Friday after agents of the Georgia "
                                "Bureau of Investigation joined the week-long search.")
    assert plain.country_code == hinted.country_code == "US"
    assert plain.admin1 != "Georgia"  # without the hint the larger Albany (New York) wins
    assert hinted.admin1 == "Georgia", hinted.reason


def test_a_street_named_after_a_state_is_no_hint(geoparser) -> None:  # noqa: F811
    plain = _albany(geoparser, "Police in Albany arrested a man on Friday after a week-long search.")
    street = _albany(geoparser, "Police in Albany arrested a man on Friday at a house on Georgia Avenue "
                                "after a week-long search.")
    assert street.geonameid == plain.geonameid


def test_a_division_name_inside_a_toponym_is_not_counted_twice(gazetteer, geoparser) -> None:  # noqa: F811
    names = gazetteer.division_names()
    assert ("US", "GA") in names["georgia"] and len(names["georgia"]) == 1
    text = "Georgia Avenue and Albany"
    place = geoparser.resolve_spans(text, [(0, 14), (19, 25)])[1]
    assert place.admin1 != "Georgia"


def test_halves_split_a_corpus_by_line(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": str(i), "text": "", "toponyms": []}) + "\n" for i in range(7)),
                      encoding="utf-8")
    dev = [d["id"] for d in read_corpus(corpus, half="dev")]
    held = [d["id"] for d in read_corpus(corpus, half="heldout")]
    assert dev == ["0", "2", "4", "6"] and held == ["1", "3", "5"]
    assert sorted(dev + held, key=int) == [d["id"] for d in read_corpus(corpus)]


def _resolve(geoparser, text: str, names: list[str]):  # noqa: F811
    spans = []
    for name in names:
        start = text.index(name)
        spans.append((start, start + len(name)))
    return geoparser.resolve_spans(text, spans)


def test_a_town_in_a_county_the_report_names(geoparser) -> None:  # noqa: F811
    alone = _resolve(geoparser, "The Athens Police Department arrested a 30-year-old man.", ["Athens"])[0]
    text = "The Athens Police Department arrested a 30-year-old man, who was taken to the Henderson County jail."
    athens, county = _resolve(geoparser, text, ["Athens", "Henderson County"])
    assert alone.admin1 != "Texas"
    assert athens.admin1 == "Texas" and athens.kind == "place", athens.reason
    assert county.admin1 == "Texas" and county.kind == "admin2"


def test_a_county_of_the_same_name_is_no_second_clue(geoparser) -> None:  # noqa: F811
    # The town of DeKalb (Illinois) lies in a DeKalb County, but "DeKalb" and "DeKalb County" are
    # one clue: the largest DeKalb County (Georgia) stays the answer for both.
    text = "DeKalb commissioners met on Tuesday. The plan for unincorporated DeKalb was approved, and " \
           "DeKalb County will pay."
    bare, county = _resolve(geoparser, text, ["DeKalb", "DeKalb County"])
    assert county.kind == "admin2" and county.admin1 == "Georgia", county.reason
    assert bare.admin1 == "Georgia", bare.reason


def test_a_town_cue_after_the_name(geoparser) -> None:  # noqa: F811
    plain = _resolve(geoparser, "Officials in Delta met on Monday to testify.", ["Delta"])[0]
    cued = _resolve(geoparser, "A Delta police officer was called to testify on Monday.", ["Delta"])[0]
    assert plain.kind == "admin1"  # Delta State, Nigeria, by population
    assert cued.kind == "place", cued.reason  # its police: a town


def test_a_county_holding_a_town_the_report_names(geoparser) -> None:  # noqa: F811
    alone = _resolve(geoparser, "The Henry County rescue squad will send letters.", ["Henry County"])[0]
    paris, county = _resolve(geoparser, "Residents of Paris and Henry County will receive a letter from the "
                                        "rescue squad.", ["Paris", "Henry County"])
    assert alone.admin1 != "Tennessee"
    assert county.kind == "admin2" and county.admin1 == "Tennessee", county.reason
    assert paris.kind == "place" and paris.admin1 == "Tennessee", paris.reason


def test_a_qualifier_ending_a_sentence(geoparser) -> None:  # noqa: F811
    text = "He was taken to a hospital in Columbia, Mo. Police said he was unhurt."
    place = _resolve(geoparser, text, ["Columbia"])[0]
    assert place.admin1 == "Missouri", place.reason


def test_resolve_spans_answers_every_span(geoparser) -> None:  # noqa: F811
    # A street with no town named with it is dropped by the parser; given spans still get one
    # answer each, in order, or scoring would pair answers with the wrong spans.
    text = "Shops on Qasr Street were closed on Friday. In Mosul the market stayed open."
    street, mosul = _resolve(geoparser, text, ["Qasr Street", "Mosul"])
    assert (street.text, street.resolved) == ("Qasr Street", False)
    assert mosul.text == "Mosul" and mosul.resolved and mosul.country_code == "IQ"


def test_a_name_owned_by_a_town_lies_in_it(geoparser) -> None:  # noqa: F811
    far = _resolve(geoparser, "The bomb hit a church in the Abbasiya district on Sunday.", ["Abbasiya"])[0]
    cairo, owned = _resolve(geoparser, "The bomb hit a church in Cairo's Abbasiya district on Sunday.",
                            ["Cairo", "Abbasiya"])
    assert far.country_code != "EG"  # alone, the gazetteer's Abbasiya is an old name of Yehud, Israel
    assert owned.country_code == "EG" and owned.precision == 2, owned.reason
    assert haversine_km(owned.latitude, owned.longitude, cairo.latitude, cairo.longitude) < 30


def test_an_owner_before_wins_over_a_place_after(geoparser) -> None:  # noqa: F811
    text = "Flights were cancelled at Toronto's Pearson International Airport, while Ottawa's airport had delays."
    toronto, airport, _ottawa = _resolve(geoparser, text, ["Toronto", "Pearson International Airport", "Ottawa"])
    assert "owned by it" in airport.reason
    assert haversine_km(airport.latitude, airport.longitude, toronto.latitude, toronto.longitude) < 30


def test_a_bare_dateline_naming_the_capital(geoparser) -> None:  # noqa: F811
    text = ("WASHINGTON — The House passed a bill on Thursday to tax bonuses paid by firms in Connecticut "
            "and New York that took federal money.")
    place = _resolve(geoparser, text, ["WASHINGTON", "Connecticut"])[0]
    assert place.admin1 == "District of Columbia", place.reason  # not Washington, Connecticut


def test_the_capital_of_a_named_country(geoparser) -> None:  # noqa: F811
    text = ("The Georgetown, Ky., couple were in Paris on Thursday when a gunman opened fire. France has "
            "raised its alert level. They will return to Kentucky next week.")
    places = _resolve(geoparser, text, ["Georgetown", "Paris", "France", "Kentucky"])
    assert places[0].admin1 == "Kentucky"
    assert places[1].country_code == "FR", places[1].reason  # not Paris, Kentucky


def test_a_state_name_is_the_state_unless_qualified(geoparser) -> None:  # noqa: F811
    text = "Sen. Marco Rubio of Florida met the President-elect in New York on Saturday."
    florida = _resolve(geoparser, text, ["Florida", "New York"])[0]
    assert florida.kind == "admin1" and florida.admin1 == "Florida", florida.reason  # not Florida, N.Y.
    town = _resolve(geoparser, "The fire destroyed a barn in Florida, New York, on Saturday.", ["Florida"])[0]
    assert town.kind == "place" and town.admin1 == "New York", town.reason
