"""Finding event mentions: cue phrases in the text and whether the text asserts them.

A cue word ("raid", "killed") is only an event when the sentence says it happened. The
dependency parse decides: the trigger's governing verb and its auxiliaries ("will", "has been
-ing"), negation, conditional clauses, intention verbs above it ("plans to strike") and
generic quantifiers ("numerous attacks"). The vocabulary lives in data/event_modality.yaml.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH
from spacy.tokens import Doc, Span, Token

from .knowledge import load_data
from .nlp import span_text


T = TypeVar("T")


@lru_cache(maxsize=1)
def _tokenizer():
    """spaCy's English tokenizer rules, so cue phrases split exactly as report text does."""
    import spacy

    return spacy.blank("en").tokenizer


def phrase_words(phrase: str) -> tuple[str, ...]:
    """A phrase as the lowercase tokens the matcher compares ("drone-strike" -> drone, strike)."""
    return tuple(t.lower_ for t in _tokenizer()(phrase) if t.text not in {"-", "–"} and not t.is_space)


@dataclass(frozen=True)
class CueMatch(Generic[T]):
    start: int  # token index in the doc
    end: int  # exclusive
    phrase: str
    payload: T


#: Where this module keeps work per doc in ``doc.user_data`` while a report is read; dropped by
#: :func:`forget_doc_work` when its events have been extracted (they are not part of the doc).
_CUE_KEYS, _CUE_MATCHES, _LEMMA_POSITIONS = "opsmap_cue_keys", "opsmap_cue_matches", "opsmap_lemma_positions"
_FACTUALITY, _BACKGROUND_MARKERS = "opsmap_factuality", "opsmap_background_markers"
_DOC_WORK = (_CUE_KEYS, _CUE_MATCHES, _LEMMA_POSITIONS, _FACTUALITY, _BACKGROUND_MARKERS)


def forget_doc_work(doc: Doc) -> None:
    """Drop what this module kept on ``doc`` while its report was read."""
    for key in _DOC_WORK:
        doc.user_data.pop(key, None)


#: (orth, lower, lemma) string ids -> a word's match keys and their distinct values (None: a dash,
#: skipped); shared by all docs of the process, since the same vocabulary recurs; emptied when it
#: grows past the limit.
_TOKEN_KEYS: dict[tuple[int, int, int], tuple[tuple[str, ...], tuple[str, ...]] | None] = {}
_TOKEN_KEYS_MAX = 500_000


class CueIndex(Generic[T]):
    """Longest-match lookup of many phrases over tokens, by surface form or lemma.

    Built once from a data file; matching is one dict lookup per token, so it costs little
    next to the parser. ``exact`` phrases compare the original spelling (acronyms like "IS").
    """

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, T, bool]]] = {}
        self._tries: dict[str, tuple[_Node | None, _Node | None]] | None = None

    def add(self, phrase: str, payload: T, exact: bool = False) -> None:
        words = tuple(t.text for t in _tokenizer()(phrase) if t.text not in {"-", "–"}) if exact \
            else phrase_words(phrase)
        if not words:
            return
        self._by_first.setdefault(words[0], []).append((words, phrase, payload, exact))
        self._tries = None

    def _first_word_tries(self) -> dict[str, tuple[_Node | None, _Node | None]]:
        """Per first word, its phrases as two tries of their later words (compared by lowercase or
        lemma, and by exact spelling; None when it has none), built on first use: a doc's word then
        follows only the phrases that can still match instead of trying each phrase in turn."""
        if self._tries is None:
            tries: dict[str, tuple[_Node | None, _Node | None]] = {}
            for first, entries in self._by_first.items():
                loose, exact_root = _Node(), _Node()
                for order, (words, _phrase, _payload, exact) in enumerate(entries):
                    node = exact_root if exact else loose
                    for word in words[1:]:
                        node = node.children.setdefault(word, _Node())
                    node.ends.append(order)
                tries[first] = (loose if loose.ends or loose.children else None,
                                exact_root if exact_root.ends or exact_root.children else None)
            self._tries = tries
        return self._tries

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_first.values())

    @classmethod
    def _doc_keys(cls, doc: Doc) -> tuple[list[int], list[tuple[str, ...]], dict[str, list[int]]]:
        """Token indices, match keys and where each key occurs, computed once and kept on the doc."""
        cached = doc.user_data.get(_CUE_KEYS)
        if cached is None:
            # attribute arrays instead of a Token object per word: this runs for every report
            strings = doc.vocab.strings
            columns = doc.to_array([ORTH, LOWER, LEMMA, IS_SPACE]).T.tolist() if len(doc) else [[], [], [], []]
            orths, lowers, lemmas, spaces = columns
            word_idx: list[int] = []
            keys: list[tuple[str, ...]] = []
            positions: dict[str, list[int]] = {}
            if len(_TOKEN_KEYS) > _TOKEN_KEYS_MAX:
                _TOKEN_KEYS.clear()
            known = _TOKEN_KEYS
            for i, word, is_space in zip(range(len(spaces)), zip(orths, lowers, lemmas), spaces):
                if is_space:
                    continue
                entry = known.get(word, False)
                if entry is False:  # words recur across reports: their keys are worked out once
                    orth, lower_id, lemma_id = word
                    text = strings[orth]
                    lower, lemma = strings[lower_id], strings[lemma_id].lower()
                    token_keys = (text, lower) if lemma == lower else (text, lower, lemma)
                    entry = None if text in {"-", "–"} else (token_keys, tuple(dict.fromkeys(token_keys)))
                    known[word] = entry
                if entry is None:
                    continue
                token_keys, distinct = entry
                n = len(keys)
                for key in distinct:
                    found = positions.get(key)
                    if found is None:
                        positions[key] = [n]
                    else:
                        found.append(n)
                word_idx.append(i)
                keys.append(token_keys)
            cached = (word_idx, keys, positions)
            doc.user_data[_CUE_KEYS] = cached
        return cached

    def find(self, tokens: Span | Doc, longest: bool = True) -> list[CueMatch[T]]:
        """All matches in ``tokens``; with ``longest`` overlapping shorter matches are dropped.

        The whole doc is matched once per index and kept on the doc; a span gets the matches inside it.
        """
        doc = tokens.doc if isinstance(tokens, Span) else tokens
        cache = doc.user_data.setdefault(_CUE_MATCHES, {})
        key = (id(self), longest)
        found = cache.get(key)
        if found is None:
            matches = self._find_all(doc, longest)
            found = cache[key] = (matches, [m.start for m in matches])
        matches, starts = found
        if isinstance(tokens, Doc):
            return list(matches)
        # matches come in token order: those starting inside the span are one slice of them
        first, stop = bisect_left(starts, tokens.start), bisect_left(starts, tokens.end)
        return [m for m in matches[first:stop] if m.end <= tokens.end]

    def _find_all(self, doc: Doc, longest: bool) -> list[CueMatch[T]]:
        """Only the doc's words that start some phrase are tried (the doc's key positions are shared
        by all indexes), in token order, so results do not depend on dict order."""
        word_idx, keys, positions = self._doc_keys(doc)
        tries = self._first_word_tries()
        ranked: list[tuple[int, int, int, CueMatch[T]]] = []
        ends: list[tuple[int, int]] = []  # (phrase order, words) of the phrases matched at one word
        for first in tries.keys() & positions.keys():
            entries = self._by_first[first]
            loose, exact = tries[first]
            for i in positions[first]:
                token_keys = keys[i]
                if loose is not None and first in token_keys[1:]:  # a loose phrase's first word is the
                    _walk(loose, keys, i, 1, 1, ends)  # lowercase or the lemma
                if exact is not None and token_keys[0] == first:  # an exact phrase's, the spelling
                    _walk(exact, keys, i, 1, 0, ends)
                if not ends:
                    continue
                rank = token_keys.index(first)
                for order, n in ends:
                    _words, phrase, payload, _exact = entries[order]
                    ranked.append((i, rank, order, CueMatch(word_idx[i], word_idx[i + n - 1] + 1, phrase, payload)))
                ends.clear()
        ranked.sort(key=lambda r: r[:3])
        found = [r[3] for r in ranked]
        if not longest or not found:
            return found
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: set[int] = set()
        kept: list[CueMatch[T]] = []
        for m in found:
            if any(i in taken for i in range(m.start, m.end)):
                continue
            taken.update(range(m.start, m.end))
            kept.append(m)
        kept.sort(key=lambda m: m.start)
        return kept


def lemma_positions(doc: Doc, lemmas: frozenset[str]) -> list[int]:
    """Indices (ascending) of the doc's tokens whose lowercased lemma is one of ``lemmas``, read from
    the match keys kept on the doc (no Token object per word) and kept per set of lemmas, as each
    sentence asks again. Spaces and dashes are never found."""
    memo = doc.user_data.setdefault(_LEMMA_POSITIONS, {})
    found = memo.get(lemmas)
    if found is None:
        word_idx, keys, _positions = CueIndex._doc_keys(doc)
        found = memo[lemmas] = [word_idx[k] for k, token_keys in enumerate(keys) if token_keys[-1] in lemmas]
    return found


def has_key(doc: Doc, key: str) -> bool:
    """Whether some word of ``doc`` is spelt, lowercases or lemmatises to ``key`` (from the match keys
    kept on the doc): a cheap test before walking the parse for that word."""
    return key in CueIndex._doc_keys(doc)[2]


class _Node:
    """A trie node of :class:`CueIndex`: the next words, and the phrases (by order) ending here."""

    __slots__ = ("children", "ends")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.ends: list[int] = []


def _walk(node: _Node, keys: list[tuple[str, ...]], i: int, depth: int, first_key: int,
          ends: list[tuple[int, int]]) -> None:
    """Follow ``node`` along the words after ``keys[i]``, adding (order, length) of each phrase that
    ends on the way. ``first_key`` 1 compares a word's lowercase and lemma (the keys from 1 on), 0 its
    spelling only (key 0), as :meth:`CueIndex.add` stored loose and exact phrases."""
    for order in node.ends:
        ends.append((order, depth))
    children = node.children
    if not children or i + depth >= len(keys):
        return
    alternatives = keys[i + depth][first_key:] if first_key else keys[i + depth][:1]
    for word in alternatives:
        child = children.get(word)
        if child is not None:
            _walk(child, keys, i, depth + 1, first_key, ends)


def _breaks_here(tok: Token) -> bool:
    """A line break that ends a unit: a blank line, or a single newline after a headline-like line
    (the next line starts with a capital and the line does not end on a function word)."""
    if tok.text.count("\n") >= 2:
        return True
    doc = tok.doc
    prev = doc[tok.i - 1] if tok.i > 0 else None
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if prev is None or nxt is None:
        return True
    if prev.text in {".", "!", "?", ":", '"', "”"}:
        return True
    return nxt.text[:1].isupper() and not prev.is_stop and prev.text not in {",", "-", "—", "–"}


def segments(doc: Doc) -> list[Span]:
    """Sentences, further cut at paragraph and headline line breaks (soft-wrapped lines stay whole).

    Reads the space and punctuation flags as arrays: only whitespace tokens become Token objects."""
    flags = doc.to_array([IS_SPACE, IS_PUNCT]).tolist() if len(doc) else []
    out: list[Span] = []
    for sent in doc.sents:
        start = sent.start
        for i in range(sent.start, sent.end):
            if not flags[i][0]:
                continue
            tok = doc[i]
            if "\n" in tok.text and _breaks_here(tok):
                if i > start:
                    out.append(doc[start:i])
                start = i + 1
        if start < sent.end:
            out.append(doc[start:sent.end])
    return [s for s in out if any(not space and not punct for space, punct in flags[s.start:s.end])]


# ---------------------------------------------------------------------------------------------
# Factuality
# ---------------------------------------------------------------------------------------------

ASSERTED = "asserted"
HEDGED = "hedged"
NEGATED = "negated"
IRREALIS = "irrealis"  # future, intention, threat, ability, hypothesis
BACKGROUND = "background"  # history, habitual, ongoing campaign
GENERIC = "generic"  # numerous attacks, a campaign of violence

FACTUAL = {ASSERTED, HEDGED}


@dataclass
class Modality:
    irrealis_aux: frozenset[str]
    irrealis_heads: frozenset[str]
    negators: frozenset[str]
    conditional_marks: frozenset[str]
    generic_quantifiers: frozenset[str]
    background_markers: tuple[str, ...]
    summary_markers: frozenset[str]
    summary_frames: tuple[str, ...]
    reporting_verbs: frozenset[str]
    hedges: frozenset[str]
    habitual_adverbs: frozenset[str]
    generic_heads: frozenset[str]
    response_words: frozenset[str]
    distributive_cues: frozenset[str]


@lru_cache(maxsize=1)
def modality() -> Modality:
    raw = load_data("event_modality.yaml")
    return Modality(
        irrealis_aux=frozenset(raw["irrealis_aux"]),
        irrealis_heads=frozenset(raw["irrealis_heads"]),
        negators=frozenset(raw["negators"]),
        conditional_marks=frozenset(raw["conditional_marks"]),
        generic_quantifiers=frozenset(raw["generic_quantifiers"]),
        background_markers=tuple(raw["background_markers"]),
        summary_markers=frozenset(raw["summary_markers"]),
        summary_frames=tuple(raw["summary_frames"]),
        reporting_verbs=frozenset(raw["reporting_verbs"]),
        hedges=frozenset(raw["hedges"]),
        habitual_adverbs=frozenset(raw["habitual_adverbs"]),
        generic_heads=frozenset(raw["generic_heads"]),
        response_words=frozenset(raw["response_words"]),
        distributive_cues=frozenset(raw["distributive_cues"]),
    )


def governing_verb(token: Token, limit: Span | None = None) -> Token:
    """The verb whose tense and modality decide a trigger: itself if a verb, else the nearest verb above."""
    cur = token
    for _ in range(6):
        if cur.pos_ in {"VERB", "AUX"}:
            return cur
        if cur.head is cur or (limit is not None and not (limit.start <= cur.head.i < limit.end)):
            return cur
        cur = cur.head
    return cur


_EMBEDDING_DEPS = {"xcomp", "ccomp", "prep", "pcomp", "acomp", "dobj", "pobj", "advcl", "attr", "oprd", "acl"}
_EMBEDDING_OR_CONJ = frozenset(_EMBEDDING_DEPS | {"conj"})


@dataclass
class Factuality:
    status: str
    reason: str
    verb: Token


def factuality(trigger: Token, seg: Span) -> Factuality:
    """Whether ``seg`` asserts that the event named by ``trigger`` happened, and why (or why not).

    Kept on the doc per (trigger, segment): the classifier asks it of every cue, and the extractor
    again of the cue it chose, each sentence being read once or twice (a third of the calls)."""
    memo = seg.doc.user_data.setdefault(_FACTUALITY, {})
    key = (trigger.i, seg.start, seg.end)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _factuality(trigger, seg)
    return found


def _factuality(trigger: Token, seg: Span) -> Factuality:
    mod = modality()
    verb = governing_verb(trigger, seg)
    # each read several times below (spaCy builds the children anew on every access)
    trigger_children = list(trigger.children)
    verb_children = trigger_children if verb is trigger else list(verb.children)
    # generic: "numerous attacks", "a campaign of attacks"
    for child in trigger_children:
        if child.dep_ in {"amod", "det", "nummod", "quantmod"} and child.lower_ in mod.generic_quantifiers:
            return Factuality(GENERIC, f"generic quantifier '{child.text}'", verb)
    if trigger.dep_ == "pobj" and trigger.head.head.lower_ in {"series", "campaign", "wave", "spate", "string"}:
        return Factuality(GENERIC, f"part of a {trigger.head.head.lower_}", verb)
    clause_heads = [verb] + ([verb.head] if verb.dep_ in {"xcomp", "conj"} and verb.head is not verb else [])
    for head in clause_heads:  # "no civilians were killed", "few governments have agreed to take back"
        for child in (verb_children if head is verb else head.children):
            if child.dep_ in {"nsubj", "nsubjpass", "dobj"}:
                if child.lower_ in {"nobody", "none", "nothing", "noone"} or any(
                        g.dep_ in {"det", "amod"} and g.lower_ in {"no", "few"} for g in child.children):
                    return Factuality(NEGATED, f"negated by '{child.text}' with no/few", verb)
    chain = [verb]
    cur = verb
    for _ in range(7):  # the verb's own clause and the clauses that embed it
        if cur.head is cur or not (seg.start <= cur.head.i < seg.end):
            break
        if cur.dep_ not in _EMBEDDING_OR_CONJ:
            break
        cur = cur.head
        chain.append(cur)
    for level, v in enumerate(chain):
        for child in (verb_children if v is verb else v.children):
            low = child.lower_
            if child.dep_ == "neg" or (child.dep_ in {"advmod", "det", "preconj"} and low in {"never", "no"}):
                if level == 0 or v.lemma_ not in mod.reporting_verbs:
                    return Factuality(NEGATED, f"negated by '{child.text}'", verb)
            if child.dep_ in {"aux", "auxpass"} and low in mod.irrealis_aux and level <= 1:
                return Factuality(IRREALIS, f"modal '{child.text}' on '{v.text}'", verb)
            if child.dep_ == "mark" and low in mod.conditional_marks and level <= 1:
                return Factuality(IRREALIS, f"conditional '{child.text}'", verb)
        if level > 0 and v.lemma_.lower() in mod.irrealis_heads:
            return Factuality(IRREALIS, f"embedded under '{v.text}'", verb)
        if level == 0 and trigger is not v and v.lemma_.lower() in mod.irrealis_heads \
                and trigger.dep_ in {"dobj", "pobj", "xcomp", "attr"}:
            return Factuality(IRREALIS, f"object of '{v.text}'", verb)
    # "has been conducting operations ... for several years"
    auxes = [c.lower_ for c in verb_children if c.dep_ in {"aux", "auxpass"}]
    if verb.tag_ == "VBG" and "been" in auxes and ({"has", "have", "had"} & set(auxes)):
        return Factuality(BACKGROUND, f"ongoing '{' '.join(auxes)} {verb.text}'", verb)
    # a time adjunct after coordinated verbs covers all of them: "has killed civilians and attacked
    # targets ... for a decade"
    sharing = [verb] + [c for c in verb.conjuncts if c.pos_ in {"VERB", "AUX"}]
    for child in (c for v in sharing for c in (verb_children if v is verb else v.children)):
        if child.dep_ == "advmod" and child.lower_ in mod.habitual_adverbs:
            return Factuality(BACKGROUND, f"habitual '{child.text}'", verb)
        if child.dep_ in {"prep", "advmod", "npadvmod", "advcl"}:
            marker = _background_marker(child)
            if marker is not None:
                return Factuality(BACKGROUND, f"background '{marker}'", verb)
    if trigger.lemma_.lower() in {"fight", "war", "campaign", "struggle", "battle", "offensive", "operations"} and any(
            c.dep_ == "prep" and c.lower_ in {"against", "on"} for c in trigger_children) and any(
            c.dep_ in {"det", "poss"} for c in trigger_children):
        return Factuality(GENERIC, f"'the {trigger.text} against ...' names a conflict, not an event", verb)
    cur = trigger
    for _ in range(3):  # "responsible for (planning) attacks", "the campaign of strikes"
        if cur.head is cur or cur.dep_ not in {"pobj", "pcomp", "prep", "dobj"}:
            break
        cur = cur.head
        if cur.lemma_.lower() in mod.generic_heads and cur is not trigger:
            return Factuality(GENERIC, f"described as '{cur.text} ...'", verb)
    for children in (trigger_children, verb_children):
        for child in children:
            if child.lower_ in mod.hedges:
                return Factuality(HEDGED, f"hedged by '{child.text}'", verb)
    return Factuality(ASSERTED, f"asserted by '{verb.text}' ({verb.tag_})", verb)


def _background_marker(child: Token) -> str | None:
    """The first background marker in the lowercased words of ``child``'s subtree, or None; kept on
    the doc per token, since the triggers of a sentence share its verbs' adjuncts."""
    memo = child.doc.user_data.setdefault(_BACKGROUND_MARKERS, {})
    i = child.i
    if i in memo:
        return memo[i]
    phrase = " ".join(t.lower_ for t in child.subtree)
    found = memo[i] = next((m for m in modality().background_markers if m in phrase), None)
    return found


def is_earlier_event(trigger: Token) -> bool:
    """The trigger names what another event answered ("the strikes answered an attack on Tuesday")."""
    words = modality().response_words
    below = trigger
    for depth, anc in enumerate(trigger.ancestors):
        if depth >= 5:
            break
        if anc.lemma_.lower() in words:
            return below.dep_ not in {"nsubj", "nsubjpass", "csubj"}  # the answer itself is not earlier
        below = anc
    return False


def is_summary(trigger: Token, seg: Span) -> bool:
    """An aggregate of many operations ("37 operations in March, killing 9")."""
    mod = modality()
    if trigger.lower_ not in mod.summary_markers and trigger.lemma_.lower() + "s" not in mod.summary_markers:
        return False
    if trigger.tag_ not in {"NNS", "NNPS"}:
        return False
    from .fatalities import number_value  # fatalities builds on this module

    count = None
    for tok in trigger.subtree:  # "37 operations", "well over a hundred rocket and drone attacks"
        if tok.i < trigger.i and tok.like_num:
            count = max(count or 0, number_value(tok) or 2)
    if count is None or count < 2:
        return False
    text = span_text(seg).lower()
    return count >= 5 or any(frame in text for frame in mod.summary_frames)


def in_an_earlier_year(trigger: Token, verb: Token, published: str) -> bool:
    """History: the event's clause names a year before publication ("formed in 2014", "since 2015")."""
    if len(published) < 4 or not published[:4].isdigit():
        return False
    year = int(published[:4])
    for head in {trigger, verb}:
        for child in head.children:
            if child.dep_ not in {"prep", "npadvmod", "advmod", "pobj"}:
                continue
            for tok in child.subtree:
                if tok.like_num and len(tok.text) == 4 and tok.text.isdigit() and 1900 < int(tok.text) < year:
                    return True
    return False


def is_headline(seg: Span, index: int) -> bool:
    """The report's first line when it reads as a headline (no final full stop): present tense there
    reports a past event ("US strike kills ISIS leader")."""
    if index != 0:
        return False
    text = span_text(seg)
    return not text.rstrip().endswith((".", "!", "?", '"', "”")) and len(text) < 250


def present_state(verb: Token) -> bool:
    """Present simple outside a headline describes a state or habit ("forces are stationed",
    "the SDF, who fight ..."), not an operation."""
    auxes = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if verb.tag_ in {"VBZ", "VBP"} and not auxes:
        return verb.lemma_.lower() not in {"say", "be", "have"}
    return verb.tag_ == "VBN" and any(a.lower_ in {"is", "are", "am"} for a in auxes)
