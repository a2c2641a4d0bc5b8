"""Place-name folding and transliteration keys.

Reports spell one place many ways (Holeb, Haleb, Halab; Deir ez-Zor, Dayr az Zawr). Two keys make
those spellings meet in an index: :func:`fold` (case, diacritics, script, punctuation) for exact
lookups and :func:`variant_key`, a consonant skeleton built with the rules in
``pipeline/data/geo_variants.yaml``, for spelling variants.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from .knowledge import load_data

_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bb\u02bc\u02bd\u02be\u02bf\u0060\u00b4\u2032]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class VariantRules:
    """The transliteration rules of one version of ``geo_variants.yaml``."""

    version: int
    articles: frozenset[str]
    words: dict[str, str]
    letters: tuple[tuple[str, str], ...]
    final_h_after_vowel: bool
    vowels: str


@lru_cache(maxsize=1)
def variant_rules() -> VariantRules:
    """Rules loaded once from the versioned data file."""
    raw = load_data("geo_variants.yaml")
    return VariantRules(
        version=int(raw["version"]),
        articles=frozenset(raw["articles"]),
        words={str(k): str(v) for k, v in raw["words"].items()},
        letters=tuple((str(a), str(b)) for a, b in raw["letters"]),
        final_h_after_vowel=bool(raw.get("final_h_after_vowel", True)),
        vowels=str(raw["vowels"]),
    )


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    """Lower-case ASCII with single spaces: 'Ḩalab' -> 'halab', 'Ra’s al ‘Ayn' -> 'ras al ayn'."""
    text = _APOSTROPHES.sub("", name)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = anyascii(text)
        text = _APOSTROPHES.sub("", text)
    text = _NON_ALNUM.sub(" ", text.lower())
    return " ".join(text.split())


def strip_articles(folded: str) -> str:
    """Drop Arabic-style articles ('al', 'ash', 'ez' ...) unless the name is nothing else."""
    articles = variant_rules().articles
    words = folded.split()
    kept = [w for w in words if w not in articles]
    if not kept:
        return folded
    # "al-Bab" written as one word after an article: "albab" stays; "al bab" -> "bab".
    return " ".join(kept)


@lru_cache(maxsize=200_000)
def variant_key(name: str) -> str:
    """Consonant skeleton shared by transliteration variants: 'Dayr az Zawr' == 'Deir Ezzor'."""
    rules = variant_rules()
    folded = fold(name)
    words = strip_articles(folded).split()
    words = [rules.words.get(w, w) for w in words]
    # Assimilated articles glued to the next word: "ezzor" -> "zor", "ash-sham" handled above.
    words = [_drop_glued_article(w, rules.articles) for w in words]
    joined = "".join(words)
    for old, new in rules.letters:
        joined = joined.replace(old, new)
    if rules.final_h_after_vowel and len(joined) > 2 and joined.endswith("h") and joined[-2] in "aeiou":
        joined = joined[:-1]
    skeleton = "".join(ch for ch in joined if ch not in rules.vowels)
    return _collapse_doubles(skeleton)


def _drop_glued_article(word: str, articles: frozenset[str]) -> str:
    """'ezzor' -> 'zor', 'azzawr' -> 'zawr': an article assimilated to a doubled sun letter."""
    if len(word) >= 5 and word[0] in "ae" and word[1] == word[2] and word[:2] in articles:
        return word[2:]
    return word


def _collapse_doubles(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def is_all_caps(text: str) -> bool:
    """True for 'HOLEB' or 'DEIR EZ-ZOR' (datelines), False for 'Aleppo' or 'US' (two letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)
