"""CueIndex's word tries give exactly the matches of trying every phrase at every word.

The reference below is the plain matcher the tries replaced (each phrase starting with a doc word
compared word by word); both run over the shipped cue vocabularies and the demo reports.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc

from pipeline.actors import default_actors
from pipeline.classify import default_classifier
from pipeline.detect import CueIndex, CueMatch, segments
from pipeline.fatalities import _lexicon
from pipeline.frontmatter import split_front_matter
from pipeline.nlp import get_nlp

DEMO_REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def _reference(index: CueIndex, doc: Doc, longest: bool) -> list[CueMatch]:
    word_idx, keys, positions = index._doc_keys(doc)
    ranked = []
    for first in index._by_first.keys() & positions.keys():
        for i in positions[first]:
            token_keys = keys[i]
            for order, (words, phrase, payload, exact) in enumerate(index._by_first[first]):
                n = len(words)
                if i + n > len(word_idx):
                    continue
                if exact:
                    ok = token_keys[0] == words[0] and all(keys[i + k][0] == words[k] for k in range(1, n))
                else:
                    ok = words[0] in token_keys[1:] and all(words[k] in keys[i + k][1:] for k in range(1, n))
                if ok:
                    ranked.append((i, token_keys.index(first), order,
                                   CueMatch(word_idx[i], word_idx[i + n - 1] + 1, phrase, payload)))
    ranked.sort(key=lambda r: r[:3])
    found = [r[3] for r in ranked]
    if not longest or not found:
        return found
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    taken: set[int] = set()
    kept = []
    for m in found:
        if any(i in taken for i in range(m.start, m.end)):
            continue
        taken.update(range(m.start, m.end))
        kept.append(m)
    kept.sort(key=lambda m: m.start)
    return kept


def _shipped_indexes() -> list[CueIndex]:
    clf = default_classifier()
    lex = _lexicon()
    return [clf.cue_index, clf.generic_index, clf.group_index, default_actors().index,
            lex.kill, lex.injury, lex.detention, lex.zero]


def _demo_docs(nlp) -> list[Doc]:
    texts = [split_front_matter(p.read_text(encoding="utf-8"))[1] for p in sorted(DEMO_REPORTS.glob("*.md"))]
    return list(nlp.pipe(texts))


def test_shipped_vocabularies_over_the_demo_reports(nlp):
    docs = _demo_docs(nlp)
    assert docs
    total = 0
    for index in _shipped_indexes():
        for doc in docs:
            for longest in (True, False):
                expected = _reference(index, doc, longest)
                doc.user_data.pop("opsmap_cue_matches", None)
                assert index.find(doc, longest=longest) == expected
                for seg in segments(doc):  # a span gets the doc's matches that lie inside it
                    inside = [m for m in expected if seg.start <= m.start and m.end <= seg.end]
                    assert index.find(seg, longest=longest) == inside
                total += len(expected)
    assert total > 100


def test_prefixes_spellings_and_lemmas(nlp):
    index: CueIndex[str] = CueIndex()
    for phrase in ("strike", "air strike", "air strikes", "drone strike", "strike on", "killed"):
        index.add(phrase, phrase)
    index.add("IS", "acronym", exact=True)
    index.add("IS fighters", "acronym phrase", exact=True)
    index.add("kill", "lemma")
    doc = nlp("IS fighters killed two people before air strikes and a drone-strike on Raqqa; "
              "is it over? Strike on.")
    for longest in (True, False):
        doc.user_data.pop("opsmap_cue_matches", None)
        assert index.find(doc, longest=longest) == _reference(index, doc, longest)
    doc.user_data.pop("opsmap_cue_matches", None)
    phrases = [m.phrase for m in index.find(doc, longest=False)]
    assert "IS fighters" in phrases and "kill" in phrases and "killed" in phrases
    assert phrases.count("IS") == 1  # "is it over" is not the acronym


def test_phrases_added_after_a_match_are_found(nlp):
    index: CueIndex[str] = CueIndex()
    index.add("raid", "raid")
    doc = nlp("The night raid on the village.")
    assert [m.phrase for m in index.find(doc)] == ["raid"]
    index.add("night raid", "night raid")
    doc.user_data.pop("opsmap_cue_matches", None)
    assert [m.phrase for m in index.find(doc)] == ["night raid"]
