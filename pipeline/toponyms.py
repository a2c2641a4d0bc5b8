"""Toponym recognition: which spans of a report name places.

Sources, merged without overlaps: spaCy's entities (GPE, LOC, FAC; NORP only when the span is a
known place and not a demonym), an ALL-CAPS dateline, the names of opsmap's sites list
(pipeline/sites.py), and capitalised spans that the gazetteer knows well. Demonyms ("Syrian", "Iraqi") are not toponyms but are returned as country cues.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator

from spacy.attrs import IDX, LENGTH, POS
from spacy.symbols import PROPN as PROPN_ID
from spacy.tokens import Doc

from .dateline import Dateline, find_dateline
from .gazetteer import Gazetteer
from .names import fold
from .nlp import doc_entities
from .knowledge import load_data
from .sites import find_sites
from .wordscan import matches_at_starts

PLACE_LABELS = {"GPE", "LOC", "FAC"}
#: Entity labels that are sometimes places the small model mislabels ("near Manbij" -> PRODUCT).
RELABEL_CANDIDATES = {"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "NORP"}
#: A gazetteer-only span (no NER label) must be this well known to count as a toponym ...
GAZETTEER_ONLY_MIN_POPULATION = 200_000
#: ... or this well known right after a locative word ("in", "near").
AFTER_LOCATIVE_MIN_POPULATION = 5_000
#: A place named inside an organisation's name ("Gainesville Police Department").
INSIDE_NAME_MIN_POPULATION = 10_000
INSIDE_NAME_SINGLE_MIN_POPULATION = 30_000


@lru_cache(maxsize=1)
def _name_words() -> frozenset[str]:
    """Words that start institutions' names without being places ("University of ...")."""
    raw = load_data("geo_regions.yaml")
    return frozenset(w.lower() for w in raw["institution_words"])


@lru_cache(maxsize=1)
def locative_words() -> frozenset[str]:
    raw = load_data("geo_regions.yaml")
    return frozenset(w.lower() for w in raw["locative_words"])


def _after_locative(doc: Doc, token_index: int) -> bool:
    return token_index > 0 and doc[token_index - 1].lower_ in locative_words()


@dataclass
class Mention:
    """A span of the text that names a place (before resolution)."""

    start: int
    end: int
    text: str
    source: str  # ner | dateline | site | gazetteer | given
    label: str = ""
    is_dateline: bool = False
    country_hint: str = ""  # from "HOLEB, Syria —": the name after the comma


@dataclass
class Recognition:
    """What recognition found in one text: mentions and country cues from demonyms."""

    mentions: list[Mention]
    demonym_countries: dict[str, int] = field(default_factory=dict)
    dateline: Dateline | None = None


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Folded demonym -> ISO country code, from pipeline/data/geo_demonyms.yaml."""
    raw = load_data("geo_demonyms.yaml")
    return {fold(word): cc for cc, words in raw["demonyms"].items() for word in words}


_DEMONYM_RE: re.Pattern | None = None
#: The first words of the demonyms, when every demonym is capitalised words ("Syrian", "South
#: Sudanese"): the alternation is then only tried where such a word starts. None: tried everywhere.
_DEMONYM_FIRST_WORDS: frozenset[str] | None = None
_CAPITALISED_WORD = re.compile(r"\b[A-Z][a-z]+")


def demonym_counts(text: str) -> dict[str, int]:
    """Country code -> how often the text uses one of its demonyms ("Syrian", "Iraqi")."""
    global _DEMONYM_RE, _DEMONYM_FIRST_WORDS
    if _DEMONYM_RE is None:
        raw = load_data("geo_demonyms.yaml")
        words = sorted({w for ws in raw["demonyms"].values() for w in ws}, key=len, reverse=True)
        if all(re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", w) for w in words):
            _DEMONYM_FIRST_WORDS = frozenset(w.split(" ")[0] for w in words)
        _DEMONYM_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
    counts: dict[str, int] = {}
    table = demonyms()
    for match in _demonym_matches(text):
        cc = table.get(fold(match.group(1)))
        if cc:
            counts[cc] = counts.get(cc, 0) + 1
    return counts


def _demonym_matches(text: str) -> Iterator[re.Match]:
    """``_DEMONYM_RE.finditer(text)``, trying the alternation of all demonyms only where a word
    that begins one starts (tried at every character, it cost as much as the rest of recognition)."""
    if _DEMONYM_FIRST_WORDS is None:
        return _DEMONYM_RE.finditer(text)
    first_words = _DEMONYM_FIRST_WORDS
    return matches_at_starts(text, _CAPITALISED_WORD, lambda word: _DEMONYM_RE if word in first_words else None)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading article and a trailing possessive or punctuation from a span.

    A final dot stays when it belongs to an abbreviation we know ("Kan.", "U.S.").
    """
    span = text[start:end]
    for article in ("the ", "The ", "THE "):
        if span.startswith(article) and len(span) > len(article) + 1:
            start += len(article)
            span = span[len(article):]
    for suffix in ("'s", "’s"):
        if span.endswith(suffix):
            end -= len(suffix)
            span = span[: -len(suffix)]
    if end < len(text) and text[end] == "." and span and span[-1].isalpha() and fold(span + ".") in _dotted():
        end += 1
        span += "."
    while span and span[-1] in ".,;:-–—'’\"”)":
        if span.endswith(".") and (fold(span) in _dotted() or (len(span) <= 6 and "." in span[:-1])):
            break
        end -= 1
        span = span[:-1]
    return start, end


@lru_cache(maxsize=1)
def _dotted() -> frozenset[str]:
    """Folded abbreviations written with dots ("kan", "u s") from our data files."""
    raw = load_data("geo_admin_abbreviations.yaml")
    forms = {f for table in raw["abbreviations"].values() for fs in table.values() for f in fs if "." in f}
    return frozenset(fold(f) for f in forms)


@lru_cache(maxsize=1)
def _compass_words() -> frozenset[str]:
    raw = load_data("geo_regions.yaml")
    return frozenset(fold(w) for w in raw["directions"]) | {"far", "mid", "upper", "lower", "greater"}


@lru_cache(maxsize=1)
def _facility_words() -> tuple[frozenset[str], frozenset[str]]:
    raw = load_data("geo_regions.yaml")
    return frozenset(raw["facility_last_words"]), frozenset(raw["facility_first_words"])


def is_facility(span: str, landforms: bool = True) -> bool:
    """'Palestine Street', 'Al-Asad Air Base', 'Wadi al-Ghadaf': a named facility or landform
    (capitalised words), a place even when the gazetteer lacks it."""
    words = span.split()
    if len(words) < 2 or not all(w[:1].isupper() or w[:3].lower() in ("al-", "el-") or w.islower()
                                 and len(w) <= 3 for w in words):
        return False
    last, first = _facility_words()
    return words[-1].lower() in last or (landforms and fold(words[0]) in first)


@lru_cache(maxsize=1)
def _span_affixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    raw = load_data("geo_regions.yaml")
    return tuple(raw["span_prefixes"]), tuple(raw["span_suffixes"])


def _core_span(gazetteer: Gazetteer, text: str, start: int, end: int) -> tuple[int, int]:
    """The toponym inside 'Northeast Georgia', 'Sichuan province', 'City of Montreal'.

    Leading compass words go (the region phrase keeps them); a leading 'City of' or a trailing
    'province'/'City' goes when what is left is a known place and the whole is not.
    """
    span = text[start:end]
    if span.endswith(" City") and _city_word_is_extra(gazetteer, span, span[:-5]):
        return start, end - 5  # "Dublin City" council, but "Kansas City" and "Boulder City" stay
    if _exact_name(gazetteer, span):  # "West Virginia", "South Africa" are names themselves
        return start, end
    words = span.split(" ")
    lead = 0
    while lead < len(words) - 1 and fold(words[lead]) in _compass_words():
        lead += 1
    if lead:
        rest_start = start + len(" ".join(words[:lead])) + 1
        if _well_known(gazetteer, text[rest_start:end], 0):
            return rest_start, end
    prefixes, suffixes = _span_affixes()
    for prefix in prefixes:
        if span.lower().startswith(prefix + " ") and _well_known(gazetteer, span[len(prefix) + 1:], 0):
            return start + len(prefix) + 1, end
    for suffix in suffixes:
        if span.lower().endswith(" " + suffix) and _well_known(gazetteer, span[: -len(suffix) - 1], 0):
            return start, end - len(suffix) - 1
    return start, end


def _city_word_is_extra(gazetteer: Gazetteer, span: str, stem: str) -> bool:
    """'X City' names the town X when no town is called 'X City' and X is a bigger town."""
    full = [c.entry for c in gazetteer.exact_candidates(span) if c.match_score >= 0.95]
    if any(e.kind == "place" for e in full):
        return False
    towns = [c.entry.population for c in gazetteer.exact_candidates(stem)
             if c.match_score >= 0.95 and c.entry.kind == "place"]
    return bool(towns) and max(towns) > max((e.population for e in full), default=-1)


def _exact_name(gazetteer: Gazetteer, span: str) -> bool:
    return any(c.match_score >= 0.95 for c in gazetteer.exact_candidates(span))


def _is_division_name(gazetteer: Gazetteer, span: str) -> bool:
    """A country or first-level division named exactly ('Kentucky') or by a short or curated form
    ('Salahuddin'), or a named county ('Walker County')."""
    for cand in gazetteer.exact_candidates(span):
        if cand.entry.kind in ("country", "admin1") and cand.match_score >= 0.9:
            return True
        if cand.entry.kind == "admin2" and " " in span and cand.match_score >= 0.95:
            return True
    return False


def _inside_name(ent, text: str, gazetteer: Gazetteer) -> tuple[int, int] | None:
    """A place at the start of an organisation's name, or after its 'of' ('Gainesville Police
    Department', 'University of Georgia')."""
    tokens = list(ent)
    if len(tokens) < 2:
        return None
    if tokens[0].lower_ == "the":
        tokens = tokens[1:]
    for size in range(len(tokens) - 1, 0, -1):
        head = tokens[:size]
        if not all(t.text[:1].isupper() for t in head):
            continue
        if size == 1 and (len(head[0].text) < 4 or head[0].text.isupper()
                          or head[0].lower_ in _name_words()):
            continue
        start, end = head[0].idx, head[-1].idx + len(head[-1].text)
        floor = INSIDE_NAME_MIN_POPULATION if size > 1 else INSIDE_NAME_SINGLE_MIN_POPULATION
        if _well_known(gazetteer, text[start:end], floor):
            return start, end
    for i, token in enumerate(tokens[:-1]):
        if token.lower_ == "of":
            tail = tokens[i + 1:]
            start, end = tail[0].idx, tail[-1].idx + len(tail[-1].text)
            if all(t.text[:1].isupper() for t in tail) and _well_known(
                    gazetteer, text[start:end], INSIDE_NAME_MIN_POPULATION):
                return start, end
    return None


def recognise(doc: Doc, gazetteer: Gazetteer, text: str | None = None) -> Recognition:
    """Toponym mentions in a parsed document, with demonym cues and the dateline.

    ``text`` is ``doc.text`` when the caller has it already (spaCy rebuilds it on every access).
    """
    text = doc.text if text is None else text
    dem = demonyms()
    mentions: list[Mention] = []
    dateline = find_dateline(text)
    if dateline is not None:
        mentions.append(Mention(dateline.start, dateline.end, dateline.place, "dateline", "GPE", True,
                                dateline.region))
    ents = list(doc_entities(doc))
    for ent in ents:
        label = ent.label_
        if label not in PLACE_LABELS and label not in RELABEL_CANDIDATES:
            continue
        start, end = _trim(text, ent.start_char, ent.end_char)
        if end <= start:
            continue
        span = text[start:end]
        if fold(span) in dem or fold(span) in _compass_words():
            continue
        if label in PLACE_LABELS:
            start, end = _core_span(gazetteer, text, start, end)
            span = text[start:end]
            if label == "FAC" and not is_facility(span) and not gazetteer.candidates(span):
                continue
            mentions.append(Mention(start, end, span, "ner", label))
            continue
        if label == "ORG" and is_facility(span):
            mentions.append(Mention(start, end, span, "ner", "FAC"))
            continue
        # Other labels: a place the model mislabelled, or a place inside a name.
        if label != "NORP" and _is_division_name(gazetteer, span):
            mentions.append(Mention(start, end, span, "ner", label))
            continue
        after_locative = _after_locative(doc, ent.start)
        if (label == "NORP" or after_locative) and _well_known(
                gazetteer, span, AFTER_LOCATIVE_MIN_POPULATION if after_locative else 50_000):
            mentions.append(Mention(start, end, span, "ner", label))
            continue
        if label in ("ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"):
            inside = _inside_name(ent, text, gazetteer)
            if inside is not None:
                mentions.append(Mention(inside[0], inside[1], text[inside[0]:inside[1]], "ner", label))
    # Named sites of opsmap's list ("Ain al-Asad airbase"), whatever the model made of them.
    mentions.extend(Mention(start, end, text[start:end], "site", "FAC") for start, end in find_sites(text))
    mentions.extend(_gazetteer_spans(doc, text, ents, gazetteer, mentions))
    mentions = [_extended(text, gazetteer, m) for m in mentions]
    mentions = _one_reading_per_report(text, ents, gazetteer, _without_overlaps(mentions))
    return Recognition(mentions, demonym_counts(text), dateline)


@lru_cache(maxsize=1)
def _titled_names() -> re.Pattern:
    """'President Saakashvili', 'Mr. Nelson': the capitalised word after a person's title."""
    raw = load_data("geo_regions.yaml")
    titles = "|".join(re.escape(t) for t in sorted(raw["person_titles"], key=len, reverse=True))
    return re.compile(rf"\b(?:{titles})\s+(?:[A-Z][a-z]+\s+)?([A-Z][\w'’-]+)")


@lru_cache(maxsize=1)
def _titles_capitalised() -> bool:
    raw = load_data("geo_regions.yaml")
    return all(re.match(r"[A-Z]", t) for t in raw["person_titles"])


_CAPITAL_START = re.compile(r"\b[A-Z]")


def _titled_name_matches(text: str) -> Iterator[re.Match]:
    """``_titled_names().finditer(text)``, the titles only tried where a capitalised word starts
    (as every title is): tried at every character, they cost a fifth of recognition."""
    pattern = _titled_names()
    if not _titles_capitalised():
        return pattern.finditer(text)
    return matches_at_starts(text, _CAPITAL_START, lambda _capital: pattern)


def _one_reading_per_report(text: str, ents: list, gazetteer: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """A name reads the same way throughout a report.

    A word that is part of a person's full name elsewhere ("Mikheil Saakashvili" ... "Saakashvili")
    is a person, not a place; and a place found once is a place at its other occurrences too,
    whatever label the model gave them there ("Alexandria woman charged" ... "of Alexandria").
    """
    people = {fold(tok.text) for e in ents if e.label_ == "PERSON" and len(e) >= 2 for tok in e}
    people |= {fold(m.group(1)) for m in _titled_name_matches(text)}
    person_spans = [(e.start_char, e.end_char) for e in ents if e.label_ == "PERSON" and len(e) >= 2]
    kept = [m for m in mentions if m.is_dateline or fold(m.text) not in people
            or _is_division_name(gazetteer, m.text)]
    kept = [m for m in kept if fold(m.text) not in _compass_words()]
    # "Mushtaq Jawad Kazim al-Jawari": an unknown name right before a person's name is its first name.
    person_starts = {s for s, _e in person_spans}
    kept = [m for m in kept if m.is_dateline or not (m.end + 1 in person_starts and text[m.end: m.end + 1] == " ")
            or gazetteer.candidates(m.text)]
    taken = [(m.start, m.end) for m in kept]
    extra: list[Mention] = []
    sure = {m.text for m in kept if len(m.text) >= 4 and m.text[:1].isupper() and not m.is_dateline
            and _exact_name(gazetteer, m.text)}
    for surface in sure:
        for hit in re.finditer(r"(?<![\w-])" + re.escape(surface) + r"(?![\w-])", text):
            start, end = hit.start(), hit.end()
            if any(s < end and start < e for s, e in taken) or _inside_person(start, end, person_spans):
                continue
            extra.append(Mention(start, end, surface, "propagated", ""))
            taken.append((start, end))
    kept = _dateline_elsewhere(text, gazetteer, kept + extra, person_spans)
    return sorted(kept, key=lambda m: m.start)


def _inside_person(start: int, end: int, person_spans: list[tuple[int, int]]) -> bool:
    """The span is part of a longer person's name ("Jordan" in "Michael Jordan")."""
    return any(s <= start and end <= e and (s, e) != (start, end) for s, e in person_spans)


def _dateline_elsewhere(text: str, gazetteer: Gazetteer, mentions: list[Mention],
                        person_spans: list[tuple[int, int]]) -> list[Mention]:
    """The dateline's place named again in the body ("ATMEH, Syria —" ... "Atmeh lies") is a
    mention there too, whatever the model labelled it; a shorter mention inside it ("Dayr" of
    "Dayr az Zawr") gives way. Only datelines that say their country, or are known names."""
    dateline = next((m for m in mentions if m.is_dateline), None)
    if dateline is None or not (dateline.country_hint or _exact_name(gazetteer, dateline.text)):
        return mentions
    out = list(mentions)
    pattern = r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", dateline.text))) + r"(?![\w-])"
    for hit in re.finditer(pattern, text, re.I):
        start, end = hit.start(), hit.end()
        if start == dateline.start:
            continue
        inside = [m for m in out if start <= m.start and m.end <= end]
        if any(m.start < end and start < m.end and m not in inside for m in out):
            continue
        if _inside_person(start, end, person_spans):
            continue
        out = [m for m in out if m not in inside]
        out.append(Mention(start, end, text[start:end], "propagated", "dateline"))
    return out


_NEXT_WORDS = re.compile(r"(?:[ -](?:[a-z]{1,3}|[A-Z][\w’']*)){1,3}")
_NEXT_WORD_PARTS = re.compile(r"[ -][^ -]+")


def _extended(text: str, gazetteer: Gazetteer, mention: Mention) -> Mention:
    """'Dayr' + ' az Zawr': the model often cuts a transliterated name short; the longest run of
    up to three following words (capitalised, or short particles) that makes a known name wins."""
    if mention.is_dateline:
        return mention
    run = _NEXT_WORDS.match(text, mention.end)
    if not run:
        return mention
    words = _NEXT_WORD_PARTS.findall(run.group(0))
    for n in range(len(words), 0, -1):
        end = mention.end + sum(len(w) for w in words[:n])
        if not text[end - 1].isupper() and not words[n - 1][1:2].isupper():
            continue  # a name does not end on a particle
        span = text[mention.start: end]
        if _exact_name(gazetteer, span):
            return Mention(mention.start, end, span, mention.source, mention.label, mention.is_dateline,
                           mention.country_hint)
    return mention


def _well_known(gazetteer: Gazetteer, span: str, min_population: int) -> bool:
    for cand in gazetteer.exact_candidates(span):
        if cand.match_score < 0.95:
            continue
        entry = cand.entry
        if entry.kind in ("country", "admin1", "continent") or entry.population >= min_population:
            return True
    return False


def _gazetteer_spans(doc: Doc, text: str, ents: list, gazetteer: Gazetteer, known: list[Mention]
                     ) -> Iterable[Mention]:
    """Capitalised proper-noun runs outside entities that name a well-known place.

    Works on the doc's attribute arrays: creating a Token per word costs more than the rest of
    geoparsing together.
    """
    taken = [(e.start_char, e.end_char) for e in ents] + [(m.start, m.end) for m in known]
    table = doc.to_array([POS, IDX, LENGTH])
    propn = [i for i in range(len(table)) if table[i, 0] == PROPN_ID and text[table[i, 1]].isupper()]
    runs: list[tuple[int, int]] = []
    for i in propn:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    for first, last in runs:
        start, end = int(table[first, 1]), int(table[last, 1] + table[last, 2])
        if any(s < end and start < e for s, e in taken):
            continue
        span = text[start:end]
        if len(span) < 3 or fold(span) in demonyms():
            continue
        threshold = (AFTER_LOCATIVE_MIN_POPULATION if _after_locative(doc, first)
                     else GAZETTEER_ONLY_MIN_POPULATION)
        if _well_known(gazetteer, span, threshold):
            yield Mention(start, end, span, "gazetteer", "")


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the first of overlapping mentions in priority order (dateline, ner, gazetteer)."""
    priority = {"dateline": 0, "given": 0, "site": 0, "ner": 1, "gazetteer": 2, "propagated": 3}
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (priority.get(m.source, 3), m.start)):
        if any(k.start < mention.end and mention.start < k.end for k in kept):
            continue
        kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def given_spans(text: str, spans: list[tuple[int, int]]) -> Recognition:
    """Mentions for spans someone else found (resolution only), plus the text's cues."""
    dateline = find_dateline(text)
    mentions = []
    for start, end in spans:
        is_dl = dateline is not None and start == dateline.start and end == dateline.end
        mentions.append(Mention(start, end, text[start:end], "given", "", is_dl,
                                dateline.region if is_dl and dateline else ""))
    return Recognition(mentions, demonym_counts(text), dateline)
