"""Actor dictionary and roles: aliases resolve to one canonical name; agents, targets, partners."""
from __future__ import annotations

import pytest

from pipeline.actors import ActorDictionary, assign_roles, default_actors
from pipeline.detect import segments
from pipeline.nlp import get_nlp


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.mark.parametrize("alias", ["ISIS", "ISIL", "IS", "Islamic State", "Daesh"])
def test_islamic_state_aliases(alias):
    assert default_actors().resolve(alias).name == "Islamic State"


@pytest.mark.parametrize("alias", ["US forces", "CENTCOM", "US Central Command", "US special operations forces",
                                   "the US-led coalition", "the International Coalition",
                                   "the Global Coalition against Daesh", "American troops"])
def test_us_and_coalition_are_one_actor(alias):
    assert default_actors().resolve(alias).name == "US-led Coalition"


@pytest.mark.parametrize("alias, name, inter", [
    ("SDF", "Syrian Democratic Forces", 2), ("Turkish forces", "Military Forces of Turkey", 1),
    ("Syrian government forces", "Military Forces of Syria", 1), ("Russian forces", "Military Forces of Russia", 1),
    ("Iraqi Security Forces", "Military Forces of Iraq", 1), ("PMF", "Popular Mobilization Forces", 1),
    ("Kataib Hezbollah", "Kataib Hezbollah", 3), ("Harakat al-Nujaba", "Harakat al-Nujaba", 3),
    ("HTS", "Hayat Tahrir al-Sham", 2), ("Hurras al-Din", "Hurras al-Din", 2),
    ("IRGC", "Islamic Revolutionary Guard Corps", 1), ("unidentified gunmen", "Unidentified Armed Group", 3),
])
def test_named_actors_and_inter_codes(alias, name, inter):
    actor = default_actors().resolve(alias)
    assert (actor.name, actor.inter) == (name, inter)


def test_state_forces_abroad_are_external():
    turkey = default_actors().get("Military Forces of Turkey")
    assert turkey.inter_in("SY") == 8 and turkey.inter_in("TR") == 1


def test_lowercase_is_is_not_the_islamic_state(nlp):
    doc = nlp("It is clear that the strike is over.")
    assert all(m.actor.name != "Islamic State" for m in default_actors().find(doc))


def test_unknown_organisation_is_kept_as_is(nlp):
    doc = nlp("Members of the Free Officers Movement attacked a police station in Daraa.")
    found = {m.actor.name: m for m in default_actors().find(doc)}
    assert "Free Officers Movement" in found, found
    assert not found["Free Officers Movement"].known and found["Free Officers Movement"].actor.inter is None


def roles_of(nlp, text, trigger_word):
    doc = nlp(text)
    seg = segments(doc)[0]
    trigger = next(t for t in doc if t.lower_ == trigger_word)
    actors = default_actors()
    return assign_roles(trigger, seg, actors.find(doc), actors)


def test_subject_is_actor1_object_is_actor2(nlp):
    roles = roles_of(nlp, "US forces killed a senior ISIS official in a raid.", "killed")
    assert roles.actor1.actor.name == "US-led Coalition"
    assert roles.actor2.actor.name == "Islamic State"


def test_passive_voice(nlp):
    roles = roles_of(nlp, "A Kataib Hezbollah commander was killed by US forces in Baghdad.", "killed")
    assert roles.actor1.actor.name == "US-led Coalition"
    assert roles.actor2.actor.name == "Kataib Hezbollah"


def test_partner_is_associated(nlp):
    roles = roles_of(nlp, "Coalition forces raided the house alongside Iraqi Security Forces, killing an ISIS leader.",
                     "raided")
    assert roles.actor1.actor.name == "US-led Coalition"
    assert [a.actor.name for a in roles.assoc1] == ["Military Forces of Iraq"]


def test_source_is_not_a_party(nlp):
    roles = roles_of(nlp, "Unidentified gunmen killed two SDF fighters, according to the Syrian Observatory.",
                     "killed")
    assert roles.actor1.actor.name == "Unidentified Armed Group"
    assert roles.actor2.actor.name == "Syrian Democratic Forces"


def test_dictionary_is_versioned():
    assert ActorDictionary().version
