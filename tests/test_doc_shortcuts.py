"""The per-doc shortcuts of extraction give what the plain parse walks they replace give.

``has_key`` lets ``linking._deictic`` skip reports without "this"; ``_background_marker`` keeps a
subtree's background marker on the doc; ``fatalities._stated_figure`` reads only the figure nouns
that ``lemma_positions`` finds, and ``actors._sources`` only the words that can name a source. Each is compared with the plain computation over every token of the
demo reports.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.actors import _SOURCE_NOUNS, _sources, _subtree, default_actors
from pipeline.detect import _background_marker, has_key, lemma_positions, modality, segments
from pipeline.fatalities import _lexicon
from pipeline.frontmatter import split_front_matter
from pipeline.nlp import get_nlp

DEMO_REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"


@pytest.fixture(scope="module")
def docs():
    texts = [split_front_matter(p.read_text(encoding="utf-8"))[1] for p in sorted(DEMO_REPORTS.glob("*.md"))]
    assert texts
    return list(get_nlp().pipe(texts))


def test_has_key_is_any_word_spelt_lowercased_or_lemmatised(docs):
    for doc in docs:
        words = {w for t in doc if not t.is_space and t.text not in {"-", "–"}
                 for w in (t.text, t.lower_, t.lemma_.lower())}
        for key in words | {"this", "zzz-never", "This"}:
            assert has_key(doc, key) == (key in words)
        assert has_key(doc, "this") == any(t.lower_ == "this" for t in doc)


def test_background_marker_matches_the_plain_scan(docs):
    markers = modality().background_markers
    found = 0
    for doc in docs:
        doc.user_data.pop("opsmap_background_markers", None)
        for _ in range(2):  # the second pass reads the memo
            for tok in doc:
                phrase = " ".join(t.lower_ for t in tok.subtree)
                expected = next((m for m in markers if m in phrase), None)
                assert _background_marker(tok) == expected
                found += expected is not None
    assert found > 0


def test_figure_nouns_from_lemma_positions_are_every_such_noun(docs):
    figure_nouns = _lexicon().figure_nouns
    found = 0
    for doc in docs:
        expected = [t.i for t in doc if t.pos_ == "NOUN" and t.lemma_.lower() in figure_nouns]
        for _ in range(2):  # the second call reads the memo
            assert [i for i in lemma_positions(doc, figure_nouns) if doc[i].pos_ == "NOUN"] == expected
        found += len(expected)
    assert found > 0


def _plain_sources(seg) -> set[int]:
    """``actors._sources`` as it was: every word of the sentence read."""
    out: set[int] = set()
    mod = modality()
    for tok in seg:
        if tok.lower_ == "according" and tok.i + 1 < seg.end:
            out |= _subtree(tok)
        elif tok.lemma_.lower() in _SOURCE_NOUNS and tok.dep_ in {"pobj", "nsubj"}:
            if tok.dep_ == "pobj" and tok.head.lower_ in {"to", "by", "from"}:
                out |= _subtree(tok)
        elif tok.pos_ == "VERB" and tok.lemma_.lower() in mod.reporting_verbs:
            if any(c.dep_ in {"ccomp", "parataxis"} for c in tok.children) or tok.head.dep_ in {"ccomp"}:
                for c in tok.children:
                    if c.dep_ in {"nsubj", "agent"}:
                        out |= _subtree(c)
    return out


def test_sources_read_from_candidate_words_equal_the_full_scan(docs):
    actors = default_actors()
    found = 0
    for doc in docs:
        for seg in [*segments(doc), doc[:]]:
            expected = _plain_sources(seg)
            assert _sources(seg, actors) == expected
            found += len(expected)
    assert found > 0
