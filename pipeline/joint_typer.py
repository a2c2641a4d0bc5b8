"""One sub-event typer over both views of a text: a multinomial logistic regression in numpy over the
WordLlama embedding (``embed_typer.vectors``) joined to a bag of the lemmas the spaCy typer reads
(``typer.features``), learnt from the example sentences of ``data/event_examples.yaml``.

EXPERIMENT, NOT WIRED IN (rejected, see docs/accuracy.md): it was tried as a replacement for the two
typers that vote together (``embed_typer.EnsembleTyper``: the spaCy bag-of-words textcat and the
embedding typer, averaged). It is faster per consult (0.145 ms against 0.25 ms) but typed CASE worse
(held-out half 0.7911 against 0.8079). To try it: ``TypeClassifier(load_data("event_types.yaml"),
joint_typer(model), embeddings=True)``.

Features: the embedding (unit length; the first sentence counted ``FIRST_SENTENCE_WEIGHT`` times)
standardised per dimension, times ``EMBED_WEIGHT``; and the counts of the vocabulary's lemmas
(``typer.features``, so the first sentence counts twice there too), scaled to unit length, times
``BOW_WEIGHT``. The vocabulary is every lemma of the examples. Training is full-batch gradient
descent from zero weights (deterministic, under a second); the weights are cached under
$OPSMAP_CACHE keyed by everything training reads.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Span

from . import embed_typer
from .typer import FEATURES_VERSION, FIRST_SENTENCE_WEIGHT, Guess, _examples, features

#: Weight of each block of features (they trade off against the L2 penalty).
EMBED_WEIGHT = 0.5
BOW_WEIGHT = 5.0
L2 = 3e-4
STEPS = 1000
LEARNING_RATE = 0.5
#: Changes whenever the features or the learner change, so that cached weights are retrained.
VERSION = 1


def _bow(words_per_text: list[list[str]], vocabulary: dict[str, int]) -> np.ndarray:
    out = np.zeros((len(words_per_text), len(vocabulary)))
    for row, words in enumerate(words_per_text):
        for w in words:
            i = vocabulary.get(w)
            if i is not None:
                out[row, i] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


def fit(x: np.ndarray, y: np.ndarray, n_labels: int, l2: float = L2, steps: int = STEPS,
        rate: float = LEARNING_RATE) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression on ``x`` as given; Nesterov momentum from zero weights."""
    n, d = x.shape
    onehot = np.zeros((n, n_labels))
    onehot[np.arange(n), y] = 1.0
    w = np.zeros((d, n_labels))
    b = np.zeros(n_labels)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    for _ in range(steps):
        lw, lb = w + 0.9 * vw, b + 0.9 * vb
        grad = (embed_typer._softmax(x @ lw + lb) - onehot) / n
        vw = 0.9 * vw - rate * (x.T @ grad + l2 * lw)
        vb = 0.9 * vb - rate * grad.sum(axis=0)
        w, b = w + vw, b + vb
    return w, b


class JointTyper:
    """Logistic regression over embedding ⊕ bag of lemmas; the interface of ``typer.TrainedTyper``.

    The embedding's standardisation and weight are folded into ``w_embed`` and ``b`` at load time, so
    a call is one embedding, a 256 x labels product and a sum of the bag's rows of ``w_bow``."""

    def __init__(self, labels: list[str], vocabulary: list[str], mean: np.ndarray, scale: np.ndarray,
                 w: np.ndarray, b: np.ndarray, embed_weight: float = EMBED_WEIGHT,
                 bow_weight: float = BOW_WEIGHT) -> None:
        self.labels, self.vocabulary = list(labels), list(vocabulary)
        self.mean, self.scale, self.w, self.b = mean, scale, w, b
        self.embed_weight, self.bow_weight = embed_weight, bow_weight
        self.index = {word: i for i, word in enumerate(self.vocabulary)}
        dim = len(mean)
        folded = w[:dim] * (embed_weight / scale)[:, None]
        self._w_embed = folded
        self._b = b - mean @ folded
        self._w_bow = w[dim:] * bow_weight

    def scores(self, embedding: np.ndarray, words: list[str]) -> np.ndarray:
        z = embedding @ self._w_embed + self._b
        counts: dict[int, int] = {}
        for word in words:
            i = self.index.get(word)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        if counts:
            rows = np.fromiter(counts, dtype=np.intp, count=len(counts))
            c = np.fromiter(counts.values(), dtype=float, count=len(counts))
            z = z + (c / np.sqrt(c @ c)) @ self._w_bow[rows]
        return z

    def probabilities(self, span: Span | Doc) -> dict[str, float]:
        """Each label's probability for ``span`` (they sum to 1)."""
        z = self.scores(embed_typer.vectors([span])[0], features(span))
        e = np.exp(z - z.max())
        p = e / e.sum()
        return {label: float(v) for label, v in zip(self.labels, p)}

    def predict(self, span: Span | Doc) -> Guess:
        cats = self.probabilities(span)
        label = max(cats, key=cats.__getitem__)
        return Guess(label, cats[label])


def train(examples: dict[str, list[str]], parser, embed_weight: float = EMBED_WEIGHT,
          bow_weight: float = BOW_WEIGHT, l2: float = L2, steps: int = STEPS) -> JointTyper:
    """The typer learnt from ``examples`` (label -> texts); ``parser`` gives lemmas and sentences."""
    labels = sorted(examples)
    pairs = [(text, i) for i, label in enumerate(labels) for text in examples[label]]
    docs = list(parser.pipe([t for t, _ in pairs], batch_size=64))
    emb = embed_typer.vectors(docs)
    words = [features(d) for d in docs]
    vocabulary = sorted({w for ws in words for w in ws})
    mean, scale = emb.mean(axis=0), emb.std(axis=0) + 1e-6
    x = np.hstack([embed_weight * (emb - mean) / scale,
                   bow_weight * _bow(words, {w: i for i, w in enumerate(vocabulary)})])
    w, b = fit(x, np.array([i for _, i in pairs]), len(labels), l2, steps)
    return JointTyper(labels, vocabulary, mean, scale, w, b, embed_weight, bow_weight)


def cache_file(parser) -> Path:
    """$OPSMAP_CACHE (or ~/.cache/opsmap)/joint-typer-<hash>.npz, keyed by everything training reads."""
    version, examples = _examples()
    key = json.dumps([version, examples, EMBED_WEIGHT, BOW_WEIGHT, L2, STEPS, LEARNING_RATE, VERSION,
                      FEATURES_VERSION, FIRST_SENTENCE_WEIGHT, embed_typer.WEIGHTS, embed_typer._wordllama_version(),
                      parser.meta.get("name"), parser.meta.get("version")], sort_keys=True)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    root = Path(os.environ.get("OPSMAP_CACHE") or Path.home() / ".cache" / "opsmap")
    return root / f"joint-typer-{digest}.npz"


@lru_cache(maxsize=2)
def joint_typer(model: str) -> JointTyper:
    """The joint typer over the spaCy model ``model``'s lemmas: loaded from the cache, else trained and
    cached. Raises ``embed_typer.EmbeddingUnavailable`` when wordllama is missing."""
    from .nlp import get_nlp

    embed_typer.embedder()  # fail early, before any training, when wordllama is missing
    parser = get_nlp(model)
    where = cache_file(parser)
    if where.exists():
        try:
            with np.load(where, allow_pickle=False) as z:
                return JointTyper([str(s) for s in z["labels"]], [str(s) for s in z["vocabulary"]],
                                  z["mean"], z["scale"], z["w"], z["b"], float(z["embed_weight"]),
                                  float(z["bow_weight"]))
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache: train again
    typer = train(_examples()[1], parser)
    _save(typer, where)
    return typer


def _save(typer: JointTyper, where: Path) -> None:
    """Write the weights atomically (a parallel process may be doing the same)."""
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where.parent, prefix=".joint-typer-", suffix=".npz")
    except OSError:
        return  # a read-only home: the model lives in memory for this process only
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, labels=np.array(typer.labels), vocabulary=np.array(typer.vocabulary), mean=typer.mean,
                     scale=typer.scale, w=typer.w, b=typer.b, embed_weight=typer.embed_weight,
                     bow_weight=typer.bow_weight)
        os.replace(tmp, where)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
