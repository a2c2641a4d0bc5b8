"""A small language guess for reports whose metadata does not name their language.

Only English reports go through the English extractor; the rest are stored and flagged. The guess
needs no model: the share of each language's function words (Latin script) or the script itself.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .knowledge import load_data

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _profiles() -> tuple[dict[str, frozenset[str]], dict[str, re.Pattern[str]]]:
    data = load_data("languages.yaml")
    scripts = {lang: re.compile(f"[{chars}]") for lang, chars in data.pop("scripts").items()}
    return {lang: frozenset(words) for lang, words in data.items()}, scripts


def guess_language(text: str, sample: int = 4000) -> str:
    """An ISO 639-1 code, or "und" when there is too little text to tell."""
    words_by_lang, scripts = _profiles()
    head = text[:sample]
    letters = [c for c in head if c.isalpha()]
    if len(letters) < 20:
        return "und"
    non_latin = {lang: len(pattern.findall(head)) for lang, pattern in scripts.items()}
    if non_latin.get("fa", 0) and non_latin.get("ar", 0):
        non_latin["ar"] -= non_latin["fa"]  # Persian letters are in the Arabic block too
    lang, count = max(non_latin.items(), key=lambda kv: kv[1])
    if count > len(letters) / 2:
        return lang
    words = [w.lower() for w in _WORD.findall(head)]
    if not words:
        return "und"
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in words_by_lang.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= max(2, len(words) * 0.05) else "und"
