"""Detection, merging, place linking and the JSONL interface on texts written for these tests."""
from __future__ import annotations

import io
import json

import pytest

from pipeline.extract import extract_events, extract_jsonl
from pipeline.nlp import get_nlp
from pipeline.place import Place
from pipeline.report import Report


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def run(nlp, text, published="2024-05-10", places=None):
    report = Report(text=text, published=published, url="https://example.org/a", publisher="Example")
    return extract_events(nlp(text), report, places or [])


def place(text, full, name, lat, lon, precision=1, kind="place", dateline=False, cc="SY"):
    start = full.index(text)
    return Place(text=text, start=start, end=start + len(text), resolved=True, name=name, latitude=lat,
                 longitude=lon, country_code=cc, country="Syria", admin1="Idlib", precision=precision,
                 kind=kind, reason="test", is_dateline=dateline)


@pytest.mark.parametrize("text", [
    "The coalition has been conducting raids against the group for several years.",
    "Officials said forces will strike the group's hideouts if it attacks again.",
    "The army did not shell the village, the ministry said.",
    "No civilians were killed in the operation.",
    "The group has been responsible for numerous bombings across the region.",
    "The militants plan to attack the base next month.",
    "US troops are stationed at the base near the border.",
    # the time adjunct after the second verb covers the first one too
    "The group has killed civilians and attacked military targets across the region for a decade.",
])
def test_not_events(nlp, text):
    assert run(nlp, text) == []


def test_one_event_with_everything(nlp):
    text = "Turkish drones struck a car near Qamishli on Tuesday, killing two SDF fighters, a monitor said."
    (e,) = run(nlp, text, published="2024-05-10")
    assert e.sub_event_type == "Air/drone strike" and e.event_type == "Explosions/Remote violence"
    assert e.actor1 == "Military Forces of Turkey" and e.actor2 == "Syrian Democratic Forces"
    assert e.event_date == "2024-05-07" and e.fatalities == 2 and e.fatalities_known
    assert e.plover_category == "ASSAULT"
    assert e.notes == text and e.sentence_start == 0
    assert e.event_id.endswith("-0")


def test_unknown_fatalities_are_not_zero(nlp):
    (e,) = run(nlp, "US aircraft struck a weapons depot near Albu Kamal on Friday.")
    assert e.fatalities == 0 and not e.fatalities_known


def test_two_operations_two_rows(nlp):
    text = ("Israeli jets bombed a Hezbollah depot near Damascus on Monday, killing three fighters. "
            "On Wednesday, Turkish drones struck an SDF vehicle near Kobani, killing two.")
    events = run(nlp, text)
    assert len(events) == 2
    assert {e.actor1 for e in events} == {"Military Forces of Israel", "Military Forces of Turkey"}
    assert len({e.event_id for e in events}) == 2


def test_restatements_merge(nlp):
    text = ("US forces kill ISIS commander in Syria\n\n"
            "US special operations forces killed an Islamic State commander in a raid in Atmeh on Thursday. "
            "The raid was carried out by helicopter-borne troops. "
            "The commander killed in the operation had planned attacks in Europe.")
    events = run(nlp, text, published="2022-02-04")
    assert len(events) == 1
    e = events[0]
    assert e.event_date == "2022-02-03" and e.actor1 == "US-led Coalition" and e.actor2 == "Islamic State"
    assert e.fatalities == 1


def test_summary_is_flagged(nlp):
    (e,) = run(nlp, "CENTCOM said its forces conducted 37 operations against ISIS in March, killing 9 fighters.")
    assert e.is_summary


def test_passive_and_unidentified_actor(nlp):
    (e,) = run(nlp, "A police officer was shot dead by unidentified gunmen in Daraa on Sunday.")
    assert e.actor1 == "Unidentified Armed Group"
    assert e.fatalities == 1


def test_place_in_the_clause_beats_the_dateline(nlp):
    text = "ALEPPO, Syria — A drone strike hit a car in Atmeh on Monday, killing a commander."
    places = [place("ALEPPO", text, "Aleppo", 36.2, 37.16, dateline=True),
              place("Syria", text, "Syria", 35.0, 38.0, precision=3, kind="country"),
              place("Atmeh", text, "Atmeh", 36.31, 36.64)]
    (e,) = run(nlp, text, places=places)
    assert e.location == "Atmeh" and e.geo_precision == 1
    assert e.iso == 760 and e.region == "Middle East" and e.country_code == "SY"
    assert "clause" in e.geo_reason
    assert e.evidence["place"] == [[text.index("Atmeh"), text.index("Atmeh") + 5, "Atmeh"]]


def test_dateline_only_when_nothing_else(nlp):
    text = "ALEPPO, Syria — Gunmen killed two soldiers at a checkpoint on Monday."
    places = [place("ALEPPO", text, "Aleppo", 36.2, 37.16, dateline=True)]
    (e,) = run(nlp, text, places=places)
    assert e.location == "Aleppo" and "dateline" in e.geo_reason


def test_not_eventable_places_are_skipped(nlp):
    text = "Gunmen killed two soldiers in the Middle East on Monday."
    mideast = place("Middle East", text, "Middle East", 29.0, 41.0, precision=3, kind="region")
    mideast.eventable = False
    (e,) = run(nlp, text, places=[mideast])
    assert e.latitude is None


def test_jsonl_interface(tmp_path, gazetteer_path):
    from pipeline.settings import load_settings

    settings = load_settings(data_dir=tmp_path, gazetteer_path=gazetteer_path)
    lines = [{"id": "a", "text": "Russian jets bombed Ariha on Monday, killing four civilians.",
              "published": "2023-06-27", "url": "https://example.org/x"},
             {"id": "b", "text": "The ministry said talks would continue next week."}]
    out = io.StringIO()
    extract_jsonl(io.StringIO("\n".join(json.dumps(x) for x in lines)), out, settings)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    (e,) = rows[0]["events"]
    assert e["sub_event_type"] == "Air/drone strike" and e["event_date"] == "2023-06-26"
    assert e["source_url"] == "https://example.org/x" and e["fatalities"] == 4
    assert e["civilian_targeting"] == "Civilian targeting"
    assert rows[1]["events"] == []


def test_one_sentence_two_places_two_rows(nlp):
    text = ("American aircraft struck two militia sites on Tuesday, one at Jurf al-Sakhar and the other in "
            "Anbar province, killing five fighters.")
    places = [place("Jurf al-Sakhar", text, "Jurf al-Sakhar", 32.87, 44.17, cc="IQ"),
              place("Anbar province", text, "Anbar", 33.4, 42.0, precision=3, kind="admin1", cc="IQ")]
    events = run(nlp, text, places=places)
    assert [e.location for e in events] == ["Jurf al-Sakhar", "Anbar"]
    assert [e.fatalities for e in events] == [3, 2]
    assert len({e.event_id for e in events}) == 2


def test_the_event_answered_is_a_different_event(nlp):
    text = ("US jets struck a militia depot near Qaim on Wednesday. "
            "The Pentagon said the strikes answered an attack on Monday, when rockets were fired at a US base.")
    events = run(nlp, text, published="2023-11-23")
    assert sorted(e.event_date for e in events) == ["2023-11-20", "2023-11-22"]


def test_security_forces_take_the_country_of_the_event(nlp):
    text = "Security forces killed three militants in a raid in Kirkuk on Monday."
    kirkuk = place("Kirkuk", text, "Kirkuk", 35.47, 44.39, cc="IQ")
    kirkuk.country = "Iraq"
    (e,) = run(nlp, text, places=[kirkuk])
    assert e.actor1 == "Military Forces of Iraq" and e.inter1 == 1


def test_protest_and_the_force_used_on_it_are_one_event(nlp):
    text = ("Hundreds of protesters rallied in Baghdad's Tahrir Square on Friday to demand jobs. "
            "Security forces fired tear gas to disperse them.")
    (e,) = run(nlp, text, published="2024-06-10")
    assert e.sub_event_type == "Protest with intervention" and e.actor1 == "Protesters"


def test_pronoun_agent_is_the_speaker(nlp):
    (e,) = run(nlp, "The SDF said it had captured 7 ISIS fighters in a joint raid with coalition forces.")
    assert e.actor1 == "Syrian Democratic Forces" and e.actor2 == "Islamic State"
    assert "US-led Coalition" in e.assoc_actor_1 and e.detained == 7


def test_associated_target(nlp):
    text = ("Two American F-16 fighter jets bombed a weapons depot near Albu Kamal early Friday, striking sites "
            "used by Iran's Islamic Revolutionary Guard Corps and Iran-backed militias.")
    (e,) = run(nlp, text, published="2023-10-27")
    assert e.actor1 == "US-led Coalition"
    assert e.actor2 == "Islamic Revolutionary Guard Corps" and e.assoc_actor_2 == "Iran-backed Militias"


def test_actor_named_with_a_place_inside_it(nlp):
    """'US' inside 'the US-led International Coalition' is a place, yet the coalition is the actor."""
    text = ("HOLEB, Syria — Forces of the US-led International Coalition killed a senior Islamic State "
            "official in a raid on Monday, the command said.")
    us = place("US", text, "United States", 39.76, -98.5, precision=3, kind="country", cc="US")
    (e,) = run(nlp, text, places=[us])
    assert e.actor1 == "US-led Coalition" and e.actor2 == "Islamic State"


def test_partner_that_helped_is_associated(nlp):
    text = ("Coalition forces killed a senior Islamic State official in a raid near Al-Bab on Monday. "
            "Local partner forces helped carry out the operation, the command said.")
    (e,) = run(nlp, text)
    assert e.actor1 == "US-led Coalition" and e.assoc_actor_1 == "Local Partner Forces"


def test_background_sentences_do_not_join_the_operation(nlp):
    """In the demo HOLEB report, no evidence for the raid comes from its closing history sentences."""
    from pathlib import Path
    from pipeline.frontmatter import split_front_matter
    raw = (Path(__file__).resolve().parents[1] / "data/reports/2023-04-17-holeb-raid.md").read_text("utf-8")
    _meta, text = split_front_matter(raw)
    (e,) = run(nlp, text, published="2023-04-17")
    history = text.index("The group has killed civilians")
    cited = [span for spans in e.evidence.values() for span in spans]
    assert cited and all(span[0] < history for span in cited)
    assert e.actor1 == "US-led Coalition" and e.sub_event_type == "Armed clash"


def test_this_town_before_a_conjoined_trigger_is_the_dateline(nlp):
    # "flew into this town ... and raided": the conjoined verbs share the deictic phrase, which
    # names the dateline's town, not the province that follows it
    text = ("KAFRANBEL, Syria — Special forces flew into this town in Idlib province by helicopter early "
            "Monday and raided the house where a militant commander had been living.")
    places = [place("KAFRANBEL", text, "Kafr Nubl", 35.61, 36.56, dateline=True),
              place("Syria", text, "Syria", 35.0, 38.0, precision=3, kind="country"),
              place("Idlib", text, "Idlib", 35.85, 36.59, precision=3, kind="admin1")]
    (e,) = run(nlp, text, places=places)
    assert e.location == "Kafr Nubl" and e.geo_precision == 1, e.geo_reason
    assert "dateline" in e.geo_reason


def test_a_country_that_is_the_subject_is_a_party_not_the_place(nlp):
    # "X and Iraq have agreed": Iraq is a party to the agreement; the event is drawn at the dateline
    text = ("BAGHDAD, Iraq — The United States and Iraq have agreed that the coalition's mission will end "
            "in two phases, the two governments said in a joint statement.")
    places = [place("BAGHDAD", text, "Baghdad", 33.34, 44.40, dateline=True, cc="IQ"),
              place("Iraq", text, "Iraq", 33.0, 43.7, precision=3, kind="country", cc="IQ")]
    places.append(Place(text="Iraq", start=text.index("Iraq", 20), end=text.index("Iraq", 20) + 4, resolved=True,
                        name="Iraq", latitude=33.0, longitude=43.7, country_code="IQ", country="Iraq",
                        precision=3, kind="country", reason="test"))
    (e,) = run(nlp, text, places=places)
    assert e.sub_event_type == "Agreement"
    assert e.location == "Baghdad" and "dateline" in e.geo_reason


def test_the_country_agreeing_with_actor1_is_actor2(nlp):
    # ACLED Agreement: the parties named together as the subject are actor1 and actor2
    text = ("ISTANBUL, Turkey — Russia and Ukraine have agreed to exchange prisoners of war, "
            "the two governments said in a joint statement.")
    places = [place("ISTANBUL", text, "Istanbul", 41.01, 28.95, dateline=True, cc="TR"),
              place("Turkey", text, "Turkey", 39.0, 35.0, precision=3, kind="country", cc="TR"),
              place("Russia", text, "Russia", 61.0, 98.0, precision=3, kind="country", cc="RU"),
              place("Ukraine", text, "Ukraine", 49.0, 32.0, precision=3, kind="country", cc="UA")]
    for p in places[2:]:
        p.country = p.name
    (e,) = run(nlp, text, places=places)
    assert e.sub_event_type == "Agreement"
    assert e.actor2 == "Military Forces of Ukraine", (e.actor1, e.actor2, e.actor_reason)
    assert e.location == "Istanbul"


def test_an_attack_an_operation_answered_was_made_by_the_operations_target(nlp):
    # no attacker named: the answering operation's actor1 was the attack's target, so its own
    # named target made the attack
    text = ("US aircraft struck a weapons depot of Harakat al-Nujaba north of Baghdad on Sunday, officials said. "
            "The Pentagon said the strike answered an attack on Friday, when rockets were fired at a base where "
            "American troops are stationed.")
    events = run(nlp, text, published="2024-02-05")
    attack = [e for e in events if e.event_date == "2024-02-02"]
    assert len(events) == 2 and len(attack) == 1, [(e.event_date, e.actor1, e.actor2) for e in events]
    assert attack[0].actor2 == "US-led Coalition"
    assert attack[0].actor1 == next(e.actor2 for e in events if e is not attack[0]), attack[0].actor_reason
    assert "answered this attack" in attack[0].actor_reason
