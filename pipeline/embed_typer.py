"""A sub-event typer over sentence embeddings: WordLlama's static 256-dimension token embeddings
(MIT, installed from PyPI with its weights inside the wheel) averaged over a text, and a multinomial
logistic regression learnt in numpy from the example sentences we wrote in ``data/event_examples.yaml``.

Why: the bag-of-words typer (``typer``) only knows the words of its ~800 examples; an embedding
also places words it never saw ("warplanes", "jets") near the ones it did ("aircraft"). It is asked
exactly where the bag-of-words typer is (see ``classify.TypeClassifier.classify``), and by default the
two vote together (``EnsembleTyper``: a weighted mean of their probabilities, the embedding typer's
share set in ``event_types.yaml``).

Offline: WordLlama's own ``WordLlama.load`` looks for the tokenizer under a folder the wheel does not
have and would then download it from Hugging Face, so the bundled weight and tokenizer files are
opened directly; nothing here reaches the network. The import is lazy (only when the typer is first
asked for), training takes well under a second and is deterministic, and the learnt weights are
cached under $OPSMAP_CACHE like the bag-of-words typer's.
"""
from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Span

from .typer import FIRST_SENTENCE_WEIGHT, Guess, _examples, cache_path, first_sentence

log = logging.getLogger(__name__)

#: WordLlama's default model, bundled in the wheel: its token embeddings and its (Llama 2) tokenizer.
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
#: L2 penalty of the logistic regression, and its full-batch gradient steps.
L2 = 1e-3
STEPS = 300
LEARNING_RATE = 0.5
#: Changes whenever the features or the learner change, so that cached weights are retrained.
VERSION = 1


class EmbeddingUnavailable(RuntimeError):
    """wordllama (or its bundled weights) is not installed."""


@lru_cache(maxsize=1)
def embedder():
    """WordLlama's inference object over the weight and tokenizer files inside its wheel."""
    try:
        import wordllama
        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference
    except ImportError as exc:
        raise EmbeddingUnavailable(f"wordllama is not installed ({exc})") from exc
    root = resources.files(wordllama)
    weights, tokenizer = root.joinpath(WEIGHTS), root.joinpath(TOKENIZER)
    if not (weights.is_file() and tokenizer.is_file()):
        raise EmbeddingUnavailable(f"wordllama {getattr(wordllama, '__version__', '?')} has no bundled "
                                   f"{WEIGHTS} / {TOKENIZER}")
    with safe_open(str(weights), framework="np", device="cpu") as f:
        table = f.get_tensor("embedding.weight")
    return WordLlamaInference(table, Tokenizer.from_file(str(tokenizer)))


def _wordllama_version() -> str:
    try:
        from importlib.metadata import version
        return version("wordllama")
    except Exception:  # noqa: BLE001 - only part of a cache key
        return "?"


def embed_texts(texts: list[str]) -> np.ndarray:
    """One unit-length row per text: WordLlama's ``embed(texts, norm=True)``, computed text by text.

    Its own ``embed`` tokenizes with ``encode_batch``, whose thread pool costs about 0.1 ms a call:
    more than the rest of the embedding when a build asks for one sentence at a time. Tokenizing
    each text alone gives the same ids without padding, and the same pooling and normalisation give
    the same numbers (tests/test_embed_typer.py compares them).
    """
    model = embedder()
    table, tokenizer = model.embedding, model.tokenizer
    out = np.empty((len(texts), table.shape[1]), dtype=np.float32)
    for row, text in enumerate(texts):
        encoded = tokenizer.encode(text, add_special_tokens=False)
        ids = np.array([encoded.ids], dtype=np.int32)
        np.clip(ids, 0, table.shape[0] - 1, out=ids)
        pooled = model.avg_pool(table[ids], np.array([encoded.attention_mask], dtype=np.float32))
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        out[row] = pooled[0]
    return out.astype(np.float64)


def _parts(span: Span | Doc) -> tuple[str, str]:
    """The first sentence's text and the others' (empty for a single sentence)."""
    first, rest = first_sentence(span)
    return first.text, " ".join(s.text for s in rest)


def vectors(spans: list[Span | Doc]) -> np.ndarray:
    """The typer's input for each span: its embedding; in a text of several sentences the first one
    counts ``FIRST_SENTENCE_WEIGHT`` times (as in the bag-of-words typer)."""
    parts = [_parts(s) for s in spans]
    with_rest = [i for i, part in enumerate(parts) if part[1]]
    # one call for every text (the per-call overhead is most of an embedding's cost in a build,
    # where spans are single sentences and have no rest to embed)
    rows = embed_texts([part[0] for part in parts] + [parts[i][1] for i in with_rest])
    out = FIRST_SENTENCE_WEIGHT * rows[:len(parts)]
    out[with_rest] += rows[len(parts):]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit(x: np.ndarray, y: np.ndarray, n_labels: int, l2: float = L2, steps: int = STEPS,
        rate: float = LEARNING_RATE) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Multinomial logistic regression on standardised inputs, full-batch gradient descent with
    Nesterov momentum from zero weights (so deterministic). Returns (mean, scale, W, b)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    xs = (x - mean) / scale
    n, d = xs.shape
    onehot = np.zeros((n, n_labels))
    onehot[np.arange(n), y] = 1.0
    w = np.zeros((d, n_labels))
    b = np.zeros(n_labels)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    for _ in range(steps):
        lw, lb = w + 0.9 * vw, b + 0.9 * vb
        grad = (_softmax(xs @ lw + lb) - onehot) / n
        vw = 0.9 * vw - rate * (xs.T @ grad + l2 * lw)
        vb = 0.9 * vb - rate * grad.sum(axis=0)
        w, b = w + vw, b + vb
    return mean, scale, w, b


class EmbeddingTyper:
    """Logistic regression over WordLlama embeddings; the same interface as ``typer.TrainedTyper``."""

    def __init__(self, labels: list[str], mean: np.ndarray, scale: np.ndarray, w: np.ndarray, b: np.ndarray) -> None:
        self.labels, self.mean, self.scale, self.w, self.b = list(labels), mean, scale, w, b

    def probabilities_of(self, x: np.ndarray) -> np.ndarray:
        return _softmax(((x - self.mean) / self.scale) @ self.w + self.b)

    def probabilities(self, span: Span | Doc) -> dict[str, float]:
        """Each label's probability for ``span`` (they sum to 1)."""
        p = self.probabilities_of(vectors([span]))[0]
        return {label: float(v) for label, v in zip(self.labels, p)}

    def predict(self, span: Span | Doc) -> Guess:
        return Guess.best(self.probabilities(span))


class EnsembleTyper:
    """Typers voting together: each label's probability is the weighted mean of theirs."""

    def __init__(self, *weighted: tuple[object, float]) -> None:
        total = sum(w for _, w in weighted)
        self.typers = [(t, w / total) for t, w in weighted]

    def probabilities(self, span: Span | Doc) -> dict[str, float]:
        out: dict[str, float] = {}
        for typer, weight in self.typers:
            for label, p in typer.probabilities(span).items():
                out[label] = out.get(label, 0.0) + weight * p
        return out

    def predict(self, span: Span | Doc) -> Guess:
        return Guess.best(self.probabilities(span))


def train(examples: dict[str, list[str]], parser) -> EmbeddingTyper:
    """The typer learnt from ``examples`` (label -> texts); ``parser`` splits them into sentences."""
    labels = sorted(examples)
    pairs = [(text, i) for i, label in enumerate(labels) for text in examples[label]]
    docs = list(parser.pipe([t for t, _ in pairs], batch_size=64))
    x = vectors(docs)
    y = np.array([i for _, i in pairs])
    return EmbeddingTyper(labels, *fit(x, y, len(labels)))


def cache_file(parser) -> Path:
    """$OPSMAP_CACHE (or ~/.cache/opsmap)/embed-typer-<hash>.npz, keyed by everything training reads."""
    return cache_path("embed-typer", [L2, STEPS, LEARNING_RATE, VERSION, FIRST_SENTENCE_WEIGHT, WEIGHTS,
                                      _wordllama_version()], parser, ".npz")


@lru_cache(maxsize=2)
def embedding_typer(model: str) -> EmbeddingTyper:
    """The embedding typer (sentences split by the spaCy model ``model``): loaded from the cache, else
    trained and cached. Raises ``EmbeddingUnavailable`` when wordllama is missing."""
    from .nlp import get_nlp

    embedder()  # fail early, before any training, when wordllama is missing
    parser = get_nlp(model)
    where = cache_file(parser)
    if where.exists():
        try:
            with np.load(where, allow_pickle=False) as z:
                return EmbeddingTyper([str(s) for s in z["labels"]], z["mean"], z["scale"], z["w"], z["b"])
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache: train again
    typer = train(_examples()[1], parser)
    _save(typer, where)
    return typer


def _save(typer: EmbeddingTyper, where: Path) -> None:
    """Write the weights atomically (a parallel process may be doing the same)."""
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where.parent, prefix=".embed-typer-", suffix=".npz")
    except OSError:
        return  # a read-only home: the model lives in memory for this process only
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, labels=np.array(typer.labels), mean=typer.mean, scale=typer.scale, w=typer.w, b=typer.b)
        os.replace(tmp, where)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
