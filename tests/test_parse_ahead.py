"""spaCy parsing in a thread ahead of extraction: same docs, same order, errors and early stops handled."""
from __future__ import annotations

import threading

import pytest

from pipeline.builder import parse_ahead
from pipeline.nlp import get_nlp


def test_same_docs_in_the_same_order():
    nlp = get_nlp()
    texts = [f"Report {i}: forces raided a house in Mosul on Monday." for i in range(40)]
    got = [d.text for d in parse_ahead(nlp, texts, batch_size=4)]
    assert got == texts
    ahead = [[(t.text, t.dep_, t.ent_type_) for t in d] for d in parse_ahead(nlp, texts[:5], batch_size=4)]
    assert ahead == [[(t.text, t.dep_, t.ent_type_) for t in d] for d in nlp.pipe(texts[:5])]


def test_an_error_in_spacy_reaches_the_caller():
    nlp = get_nlp()
    with pytest.raises(ValueError):
        list(parse_ahead(nlp, ["A fine text.", 42], batch_size=1))  # not a str: spaCy refuses it


def test_stopping_early_ends_the_thread():
    nlp = get_nlp()
    docs = parse_ahead(nlp, [f"Text number {i}." for i in range(200)], batch_size=2)
    next(docs)
    docs.close()
    assert not any(t.name == "opsmap-spacy" and t.is_alive() for t in threading.enumerate())
