"""A build gives each doc the text it was parsed from instead of rebuilding it from the tokens."""
from __future__ import annotations

import pytest

from pipeline.nlp import doc_text, get_nlp, keep_text

TEXTS = ["ALEPPO, Syria — Two strikes hit the city.\n\nLocal  sources said   nothing more. ",
         "  leading spaces\tand tabs\n", "é ü — “quotes” 10km", ""]


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.mark.parametrize("text", TEXTS)
def test_the_kept_text_is_the_docs_text(nlp, text):
    doc = nlp(text)
    keep_text(doc, text)
    assert doc_text(doc) == doc.text == text


def test_a_text_that_does_not_fit_the_doc_is_not_kept(nlp):
    doc = nlp("Two strikes hit the city.")
    keep_text(doc, "Two strikes hit the city. And more")
    assert doc_text(doc) == "Two strikes hit the city."
