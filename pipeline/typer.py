"""A small trained sub-event typer: a spaCy bag-of-words text classifier learnt from the example
sentences we wrote in ``data/event_examples.yaml``.

Why: the weighted rules of ``classify`` are precise when a text names a method (airstrike,
grenade, tear gas) but say nothing, or guess, when it does not ("took five people from their
homes"). The typer reads every word of the text, so it is asked when the rules are unsure
(see ``classify.TypeClassifier.classify``). It sees lowercase lemmas, so "killed" in a report
matches "kill" in an example. Training takes a few seconds on CPU and is deterministic; the
trained weights are cached on disk, keyed by the examples' content and the spaCy version, so a
process normally only loads them.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from .knowledge import load_data

EXAMPLES_FILE = "event_examples.yaml"
NO_OPERATION = "no_operation"
#: Bag of words; a hashed table of this many rows per class keeps the model small.
TEXTCAT_CONFIG = {"model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True,
                            "ngram_size": 1, "no_output_layer": False, "length": 2 ** 15}}
EPOCHS = 30
BATCH = 16
DROPOUT = 0.1
SEED = 7


#: In a text of several sentences the first one's words count this many times: the first sentence
#: of a report says what happened, the others add background (as ``later_sentence_weight`` in the rules).
FIRST_SENTENCE_WEIGHT = 2


#: Named places are left out: they say where, not what happened, and with a few hundred examples a
#: town named in one example would pull every report from it towards that example's type.
PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})
#: Changes whenever what ``features`` returns changes, so that cached weights are retrained.
FEATURES_VERSION = 3


def _content_words(tokens) -> list[str]:
    return [t.lemma_.lower() or t.lower_ for t in tokens
            if not (t.is_punct or t.is_space or t.like_num or t.is_stop or t.ent_type_ in PLACE_ENTITIES)]


def first_sentence(span: Span | Doc) -> tuple[Span | Doc, list[Span]]:
    """The first sentence of ``span`` and the others; a single sentence (or a text without sentence
    boundaries) is its own first sentence, with no others. The typers weigh the first one more
    (``FIRST_SENTENCE_WEIGHT``): the first sentence of a report says what happened."""
    doc = span.doc if isinstance(span, Span) else span
    if not doc.has_annotation("SENT_START"):
        return span, []
    sents = list(span.sents)
    if len(sents) < 2:
        return span, []
    return sents[0], sents[1:]


def features(span: Span | Doc) -> list[str]:
    """The words the typer sees: lowercase lemmas of content words. Stop words are left out: with
    a few hundred examples, "the" and "of" would otherwise carry as much weight as "rape"; so are
    named places (``PLACE_ENTITIES``). In a text of several sentences the first sentence counts
    ``FIRST_SENTENCE_WEIGHT`` times; a single sentence (every sentence when events are sought in
    reports) is read as it is."""
    first, rest = first_sentence(span)
    if not rest:
        return _content_words(first)
    return _content_words(first) * FIRST_SENTENCE_WEIGHT + [w for s in rest for w in _content_words(s)]


@dataclass(frozen=True)
class Guess:
    label: str  # a sub-type key of event_types.yaml, or "no_operation"
    probability: float

    @classmethod
    def best(cls, cats: dict[str, float]) -> "Guess":
        """The most likely label of a typer's probabilities, and its probability."""
        label = max(cats, key=cats.__getitem__)
        return cls(label, float(cats[label]))


class TrainedTyper:
    """The text classifier and the blank pipeline whose vocabulary it reads."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.textcat = nlp.get_pipe("textcat")

    def probabilities(self, span: Span | Doc) -> dict[str, float]:
        """Each label's probability for ``span`` (they sum to 1)."""
        return dict(self.textcat(Doc(self.nlp.vocab, words=features(span) or ["."])).cats)

    def predict(self, span: Span | Doc) -> Guess:
        """The most likely label of ``span`` and its probability."""
        return Guess.best(self.probabilities(span))


def _examples() -> tuple[str, dict[str, list[str]]]:
    data = load_data(EXAMPLES_FILE)
    return str(data.get("version", "")), {k: list(v) for k, v in data["examples"].items()}


def train(examples: dict[str, list[str]], parser: Language) -> Language:
    """A blank English pipeline with a textcat trained on ``examples`` (label -> sentences);
    ``parser`` is the spaCy model whose lemmas the features are made of."""
    spacy.util.fix_random_seed(SEED)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config=TEXTCAT_CONFIG)
    labels = sorted(examples)
    for label in labels:
        textcat.add_label(label)
    pairs = [(sentence, label) for label in labels for sentence in examples[label]]
    docs = parser.pipe([s for s, _ in pairs], batch_size=64)
    train_set = []
    for doc, (_, label) in zip(docs, pairs):
        words = Doc(nlp.vocab, words=features(doc) or ["."])
        train_set.append(Example.from_dict(words, {"cats": {k: float(k == label) for k in labels}}))
    nlp.initialize(lambda: train_set)
    rng = random.Random(SEED)
    for _ in range(EPOCHS):
        rng.shuffle(train_set)
        for start in range(0, len(train_set), BATCH):
            nlp.update(train_set[start:start + BATCH], drop=DROPOUT)
    return nlp


def cache_path(prefix: str, inputs: list, parser: Language, suffix: str = "") -> Path:
    """$OPSMAP_CACHE (or ~/.cache/opsmap)/<prefix>-<hash><suffix>: where a typer's trained weights are
    kept, keyed by everything its training reads (``inputs``, the examples, the spaCy model)."""
    version, examples = _examples()
    key = json.dumps([version, examples, *inputs, parser.meta.get("name"), parser.meta.get("version")],
                     sort_keys=True)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    root = Path(os.environ.get("OPSMAP_CACHE") or Path.home() / ".cache" / "opsmap")
    return root / f"{prefix}-{digest}{suffix}"


def cache_dir(parser: Language) -> Path:
    """Where the trained textcat is kept: one folder per training input."""
    return cache_path("typer", [TEXTCAT_CONFIG, EPOCHS, BATCH, DROPOUT, SEED, FEATURES_VERSION,
                                FIRST_SENTENCE_WEIGHT, spacy.__version__], parser)


@lru_cache(maxsize=2)
def trained_typer(model: str) -> TrainedTyper:
    """The typer for the spaCy model ``model``: loaded from the cache, else trained and cached."""
    from .nlp import get_nlp

    parser = get_nlp(model)
    where = cache_dir(parser)
    if (where / "meta.json").exists():
        try:
            return TrainedTyper(spacy.load(where))
        except (OSError, ValueError):
            pass  # a damaged cache: train again
    nlp = train(_examples()[1], parser)
    _save(nlp, where)
    return TrainedTyper(nlp)


def _save(nlp: Language, where: Path) -> None:
    """Write the trained pipeline to ``where`` atomically (a parallel process may be doing the same)."""
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=where.parent, prefix=".typer-"))
    except OSError:
        return  # a read-only home: the model lives in memory for this process only
    try:
        nlp.to_disk(tmp)
        os.replace(tmp, where)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process got there first
