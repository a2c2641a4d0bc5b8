"""The trained sub-event typer: learnt from our example sentences, cached on disk, and joined to the rules."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import typer
from pipeline.classify import TypeClassifier, classifier_for, default_classifier
from pipeline.knowledge import load_data
from pipeline.nlp import get_nlp
from pipeline.settings import DEFAULT_SPACY_MODEL


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.fixture(scope="module")
def trained():
    return typer.trained_typer(DEFAULT_SPACY_MODEL)


def test_examples_cover_every_sub_type():
    """Every ACLED sub-type and CASE non-event type of the typology has examples, and nothing else does."""
    examples = load_data(typer.EXAMPLES_FILE)["examples"]
    subtypes = set(load_data("event_types.yaml")["sub_event_types"])
    assert set(examples) == subtypes | {typer.NO_OPERATION}
    assert all(len(sentences) >= 10 for sentences in examples.values())
    flat = [s for sentences in examples.values() for s in sentences]
    assert len(flat) == len(set(flat)), "an example is listed twice"


@pytest.mark.parametrize("text, label", [
    # sentences written for this test, not in the examples file
    ("Masked gunmen kidnapped four nurses from a clinic and demanded a ransom.", "abduction"),
    ("A landmine exploded under a minibus, killing six passengers.", "remote_explosive"),
    ("The rebels and the army signed a ceasefire deal on Sunday.", "agreement"),
    ("Inflation rose again in October, the statistics office said.", "no_operation"),
    ("A strong earthquake shook the coastal towns overnight.", "natural_disaster"),
])
def test_typer_reads_unseen_sentences(nlp, trained, text, label):
    assert trained.predict(nlp(text)).label == label


def test_probabilities_are_a_distribution(nlp, trained):
    probs = trained.probabilities(nlp("Police arrested three men."))
    assert set(probs) == set(load_data(typer.EXAMPLES_FILE)["examples"])
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-4)


def test_features_drop_stop_words_and_numbers(nlp):
    assert typer.features(nlp("The soldiers killed 12 of the militants.")) == ["soldier", "kill", "militant"]


def test_weights_are_cached_and_reloaded(nlp, trained):
    """A second process loads the cached weights instead of training, and predicts the same."""
    where = typer.cache_dir(nlp)
    assert where.is_dir() and Path(os.environ["OPSMAP_CACHE"]) in where.parents
    reloaded = typer.TrainedTyper(__import__("spacy").load(where))
    doc = nlp("Insurgents overran an army outpost and seized its weapons.")
    assert reloaded.probabilities(doc) == pytest.approx(trained.probabilities(doc))


def test_training_is_deterministic(nlp):
    examples = {"a": ["Soldiers shelled the village.", "Artillery pounded the town."],
                "b": ["Teachers marched peacefully.", "Students held a rally."]}
    doc = nlp("Artillery shelled the town.")
    p1 = typer.TrainedTyper(typer.train(examples, nlp)).probabilities(doc)
    p2 = typer.TrainedTyper(typer.train(examples, nlp)).probabilities(doc)
    assert p1 == p2 and p1["a"] > p1["b"]


def test_typer_chooses_between_the_rules_proposals(nlp, trained):
    """With a large weight the typer decides among the sub-types the rules proposed, never outside them."""
    data = load_data("event_types.yaml")
    data["typer_weight"] = 100.0
    clf = TypeClassifier(data, typer=trained)
    doc = nlp("Police detained dozens of people in the capital after a protest.")
    rules_only = default_classifier().classify(doc)
    result = clf.classify(doc)
    assert len(rules_only.scores) > 1
    probs = trained.probabilities(doc)
    assert result.subtype.key == max(rules_only.scores, key=lambda k: probs.get(k, 0.0))
    assert "trained typer p=" in result.reason


def test_sure_rules_do_not_ask_the_typer(nlp, trained):
    clf = TypeClassifier(typer=trained)
    result = clf.classify(nlp("A suicide bomber blew himself up at a checkpoint in Mogadishu."))
    assert result.subtype.key == "suicide_bomb"
    assert "trained typer" not in result.reason


def test_setting_switches_the_typer(settings):
    assert classifier_for(settings).typer is not None
    assert classifier_for(settings.with_(event_typer=False)).typer is None


def test_typer_alone_types_a_text_without_cues(nlp, trained):
    """A whole text with no rule cue ("took away") is typed by the typer when it is sure; when events
    are sought sentence by sentence (factual_only) such a sentence stays no event."""
    doc = nlp("Armed men took away three women from the village at night.")
    assert default_classifier().classify(doc).subtype is None
    clf = TypeClassifier(typer=trained)
    result = clf.classify(doc)
    assert result.subtype.key == "abduction" and "trained typer alone" in result.reason
    assert clf.classify(doc, factual_only=True).subtype is None


def test_first_sentence_counts_twice_in_a_longer_text(nlp):
    """The first sentence of a report says what happened: its words count twice when others follow;
    a single sentence (as when events are sought sentence by sentence) is read once."""
    one = nlp("Gunmen kidnapped four nurses.")
    assert typer.features(one) == ["gunman", "kidnap", "nurse"]
    two = nlp("Gunmen kidnapped four nurses. The clinic closed.")
    assert typer.features(two) == ["gunman", "kidnap", "nurse"] * typer.FIRST_SENTENCE_WEIGHT + ["clinic", "close"]
    assert typer.features(two[6:]) == ["clinic", "close"]  # a span of one sentence


def test_named_places_are_not_features(nlp):
    """A place says where, not what happened: the typer does not see it."""
    doc = nlp("Rebels shelled the outskirts of the city of Homs on Monday.")
    assert any(e.label_ == "GPE" for e in doc.ents)
    words = typer.features(doc)
    assert "homs" not in words and "shell" in words and "city" in words
