"""Sub-event typing: one clear example per family, precedence rules, and the typology file."""
from __future__ import annotations

import pytest

from pipeline.classify import TypeClassifier, default_classifier
from pipeline.nlp import get_nlp


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.mark.parametrize("text, sub_event_type", [
    ("Turkish warplanes bombed positions of the SDF near Kobani, killing three fighters.", "Air/drone strike"),
    ("A US drone strike killed two Islamic State fighters near Deir ez-Zor.", "Air/drone strike"),
    ("Regime artillery shelled the town of Ariha overnight.", "Shelling/artillery/missile attack"),
    ("A roadside bomb exploded under an army patrol vehicle near Kirkuk.", "Remote explosive/landmine/IED"),
    ("A suicide bomber blew himself up at a checkpoint in Mogadishu.", "Suicide bomb"),
    ("Militants threw a hand grenade at a police station.", "Grenade"),
    ("Taliban fighters clashed with Afghan soldiers in Kunduz for several hours.", "Armed clash"),
    ("Government troops recaptured the town of Palmyra from Islamic State militants.", "Government regains territory"),
    ("Al-Shabaab militants seized control of the town of Bulo Burde after government troops left.",
     "Non-state actor overtakes territory"),
    ("Gunmen abducted eight villagers from their homes on Tuesday night.", "Abduction/forced disappearance"),
    ("Gunmen opened fire on worshippers leaving a mosque, killing five civilians.", "Attack"),
    ("Thousands of people staged a peaceful protest in the capital against rising prices.", "Peaceful protest"),
    ("Police fired tear gas to disperse protesters who had gathered outside parliament.", "Protest with intervention"),
    ("Protesters threw stones and petrol bombs at police and set fire to cars.", "Violent demonstration"),
    ("Security forces opened fire on protesters with live ammunition, killing four demonstrators.",
     "Excessive force against protesters"),
    ("An angry mob lynched a man accused of stealing a motorcycle.", "Mob violence"),
    ("Police arrested twelve suspected militants in a dawn raid on Sunday.", "Arrests"),
    ("The warring parties signed a ceasefire agreement on Friday.", "Agreement"),
    ("Security forces found a weapons cache and defused two bombs near the border.", "Disrupted weapons use"),
    ("Russian forces set up a new military base in the village of Kalta.", "Headquarters or base established"),
    ("Dozens of shops were looted and torched by a crowd.", "Looting/property destruction"),
])
def test_types(nlp, text, sub_event_type):
    result = default_classifier().classify(nlp(text))
    assert result.is_operation, result.reason
    assert result.subtype.sub_event_type == sub_event_type, result.reason


@pytest.mark.parametrize("text", [
    "A magnitude 6.1 earthquake struck the province, killing 12 people.",
    "A fire broke out at a textile factory after a short circuit.",
    "The foreign minister met his counterpart for talks on trade.",
    "Police seized 200 kilograms of cocaine from drug traffickers.",
])
def test_not_operations(nlp, text):
    result = default_classifier().classify(nlp(text))
    assert not result.is_operation, result.reason


def test_every_sub_type_has_acled_and_plover_columns():
    clf = TypeClassifier()
    operations = [s for s in clf.subtypes.values() if s.operation]
    assert len(operations) == 25
    assert {s.disorder_type for s in operations} == {"Political violence", "Demonstrations", "Strategic developments"}
    assert len({s.event_type for s in operations}) == 6
    assert all(s.plover_category and s.case_label for s in operations)


def test_reason_names_the_cues(nlp):
    result = default_classifier().classify(nlp("Israeli jets carried out airstrikes on Hezbollah positions."))
    assert "airstrike" in result.reason


@pytest.mark.parametrize("text, sub_event_type", [
    # ACLED precedence: a bomb its carrier sets off is a suicide bomb, whatever the device
    ("Militants detonated a suicide vehicle-borne improvised explosive device (SVBIED) at a hotel gate.",
     "Suicide bomb"),
    # the codebook's example of an agreement
    ("Rebels and government forces exchanged prisoners near the divided city on Tuesday.", "Agreement"),
    # violence as what a protest is about is not violence by the protesters
    ("Thousands of students held rallies against gun violence in several cities.", "Peaceful protest"),
    ("Activists marched in the capital to condemn police violence.", "Peaceful protest"),
])
def test_rules_of_this_round(nlp, text, sub_event_type):
    result = default_classifier().classify(nlp(text))
    assert result.subtype is not None and result.subtype.sub_event_type == sub_event_type, result.reason


@pytest.mark.parametrize("text, sub_event_type", [
    # "non-violent" says the protest was not violent
    ("Security forces broke up a non-violent demonstration with live bullets, wounding ten protesters.",
     "Excessive force against protesters"),
    # a protest as the reason for an arrest is not the scene of one (ACLED: Arrests)
    ("Police detained three students who organised the protests against the new law.", "Arrests"),
    ("Security services arrested several opposition activists ahead of a planned rally in the capital.", "Arrests"),
    # ... but protesters arrested, or people arrested at a protest, are a protest with intervention
    ("Police arrested dozens of protesters who blocked the highway.", "Protest with intervention"),
    ("Police arrested dozens of people during a protest outside parliament.", "Protest with intervention"),
    # a date is not a march
    ("A civilian was killed and two were wounded on 16 March when militants threw a grenade at a shop.", "Grenade"),
    ("Thousands marched through the capital on Saturday against the new law.", "Peaceful protest"),
])
def test_protest_scene_rules(nlp, text, sub_event_type):
    result = default_classifier().classify(nlp(text))
    assert result.subtype is not None and result.subtype.sub_event_type == sub_event_type, result.reason


def test_month_march_is_no_protest(nlp):
    result = default_classifier().classify(nlp("An army officer was killed on March 7 when gunmen attacked his car."))
    assert result.subtype is not None and result.subtype.event_type not in {"Protests", "Riots"}, result.reason


@pytest.mark.parametrize("text, case_label", [
    # ACLED codes a demonstration whatever it is about: an accident or a crime as its topic stays a protest
    ("Protests demanding justice for three pupils killed in a road accident spread to several towns.", "PEACE_PROTEST"),
    ("Demonstrators marched to the police headquarters to demand action against drug trafficking gangs.",
     "PEACE_PROTEST"),
    ("Hundreds of people protested outside the factory after a gas leak poisoned dozens of workers.", "PEACE_PROTEST"),
    # ... while the accident or crime itself is no operation
    ("A bus accident killed twelve passengers on the highway.", "MAN_MADE_DISASTER"),
    ("Police seized two kilos of heroin from a smuggler at the border.", "ORG_CRIME"),
    # people displaced by violence: the flight is what is reported
    ("Thousands of families have fled their villages because of attacks by armed groups, aid agencies said.", "OTHER"),
    ("More than 20,000 people have been displaced by fighting in the province this month, the UN said.", "OTHER"),
    # survivors who fled an attack do not make it a displacement
    ("Gunmen attacked a village, killing ten residents, and survivors fled to the nearby town.", "ATTACK"),
])
def test_protest_topics_and_displacement(nlp, text, case_label):
    result = default_classifier().classify(nlp(text))
    assert result.subtype is not None and result.subtype.case_label == case_label, result.reason


@pytest.mark.parametrize("text, case_label", [
    # seizing weapons is disrupted weapons use, seizing a place a change of territory
    ("Soldiers seized four revolvers and a shotgun from a house in the district on Sunday.", "DISR_WEAP"),
    ("Troops seized several firearms during a search operation in the province.", "DISR_WEAP"),
    ("Soldiers seized the hilltop village from the rebels on Sunday.", "GOV_REGAINS_TERIT"),
])
def test_seized_weapons_are_no_territory(nlp, text, case_label):
    result = default_classifier().classify(nlp(text))
    assert result.subtype is not None and result.subtype.case_label == case_label, result.reason
