"""Casualty counts under ACLED's rules: the lowest reported figure, vague words as fixed numbers.

"killed a senior official" is 1, "and his two sons" adds 2, "dozens" is 12 and "several" 3.
No figure at all is *unknown* (``None``), kept apart from an explicit 0 ("no casualties").
Injured and detained people are counted the same way in their own columns.
Vocabulary: data/numbers.yaml.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Span, Token

from .knowledge import load_data
from .detect import CueIndex, lemma_positions


NUMERIC, VAGUE, IMPLIED = 2, 1, 0


@dataclass
class Count:
    value: int | None = None  # None: nothing said
    strength: int = IMPLIED  # NUMERIC "15", VAGUE "dozens", IMPLIED "killed the leader"
    evidence: list = field(default_factory=list)  # [[start_char, end_char, text], ...]
    reason: str = ""

    @property
    def explicit(self) -> bool:
        return self.strength > IMPLIED


@dataclass
class Casualties:
    fatalities: Count = field(default_factory=Count)
    injured: Count = field(default_factory=Count)
    detained: Count = field(default_factory=Count)


@dataclass(frozen=True)
class _Lexicon:
    numbers: dict[str, int]
    multipliers: dict[str, int]
    vague: dict[str, int]
    singular: frozenset[str]
    figure_nouns: frozenset[str]
    figure_preps: frozenset[str]
    kill: CueIndex
    injury: CueIndex
    detention: CueIndex
    zero: CueIndex


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = load_data("numbers.yaml")
    indexes = {}
    for name in ("kill_words", "injury_words", "detention_words", "zero_phrases"):
        idx: CueIndex[str] = CueIndex()
        for phrase in raw[name]:
            idx.add(str(phrase).lower(), name)
        indexes[name] = idx
    return _Lexicon(
        numbers={str(k).lower(): int(v) for k, v in raw["numbers"].items()},
        multipliers={str(k).lower(): int(v) for k, v in raw["multipliers"].items()},
        vague={str(k).lower(): int(v) for k, v in raw["vague"].items()},
        singular=frozenset(str(w).lower() for w in raw["singular_victims"]),
        figure_nouns=frozenset(str(w).lower() for w in raw["figure_nouns"]),
        figure_preps=frozenset(str(w).lower() for w in raw["figure_preps"]),
        kill=indexes["kill_words"], injury=indexes["injury_words"], detention=indexes["detention_words"],
        zero=indexes["zero_phrases"],
    )


def is_vague(token: Token) -> bool:
    return token.lower_ in _lexicon().vague and not token.like_num


def number_value(token: Token) -> int | None:
    """The integer a token says: "15", "1,200", "fifteen", "a dozen", "dozens"."""
    lex = _lexicon()
    text = token.lower_.replace(",", "")
    if text.isdigit():
        return int(text)
    if text in lex.vague and text not in {"some", "many", "few"}:
        return lex.vague[text]
    if text in lex.numbers and text not in {"a", "an", "no", "none", "both"}:
        base = lex.numbers[text]
        for child in token.children:  # "twenty-five", "two hundred"
            if child.dep_ in {"compound", "quantmod"} and child.lower_ in lex.numbers:
                base += lex.numbers[child.lower_]
        head = token.head
        if head.lower_ in lex.multipliers and head is not token:
            base *= lex.multipliers[head.lower_]
        return base
    return None


def _count_noun(noun: Token) -> tuple[int | None, int, Token | None]:
    """How many people a victim noun phrase names; (value, strength, token that said it)."""
    lex = _lexicon()
    for child in noun.children:
        if child.dep_ in {"nummod", "quantmod", "amod", "det"}:
            value = number_value(child)
            if value is not None:
                return value, VAGUE if is_vague(child) else NUMERIC, child
            if child.lower_ in lex.vague and child.dep_ in {"amod", "det"}:
                return lex.vague[child.lower_], VAGUE, child
    value = number_value(noun)  # "dozens (of people)", "15 (were killed)"
    if value is not None:
        return value, VAGUE if is_vague(noun) else NUMERIC, noun
    for child in noun.children:  # "a dozen", "dozens of"
        if child.dep_ == "prep" and child.lower_ == "of" and noun.lower_ in lex.vague:
            return lex.vague[noun.lower_], VAGUE, noun
    if noun.tag_ in {"NN", "NNP"} and (noun.lower_ in lex.singular or noun.ent_type_ == "PERSON"
                                       or noun.lemma_.lower() in lex.singular):
        return 1, IMPLIED, noun
    if noun.lower_ in {"himself", "herself"}:
        return 1, IMPLIED, noun
    return None, IMPLIED, None


def _along_with(noun: Token) -> list[Token]:
    """Victims added by "along with" / "together with" ("killed X, ..., along with another member")."""
    out = []
    heads = [noun, noun.head] if noun.dep_ in {"dobj", "nsubjpass"} else [noun]
    for head in heads:
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ == "with" and prep.i > 0 and \
                    prep.doc[prep.i - 1].lower_ in {"along", "together"}:
                out.extend(c for c in prep.children if c.dep_ == "pobj")
            elif prep.dep_ in {"prep", "advmod"} and prep.lower_ == "along":
                for w in prep.children:
                    if w.lower_ == "with":
                        out.extend(c for c in w.children if c.dep_ == "pobj")
    return out


def _victim_count(noun: Token) -> tuple[int | None, int, list[Token]]:
    """Count a victim phrase with its conjuncts: "the leader and his two sons" = 3."""
    total: int | None = None
    strength = IMPLIED
    toks: list[Token] = []
    parts = [noun, *[c for c in noun.conjuncts if c.i > noun.i], *_along_with(noun)]
    if noun.dep_ == "dobj":  # the parser often hangs a second object on the verb: "killed X, ..., and another operative"
        parts += [c for c in noun.head.children if c.dep_ == "conj" and c.i > noun.i and c.pos_ in {"NOUN", "PROPN"}
                  and not any(g.dep_ in {"nsubj", "nsubjpass", "dobj"} for g in c.children)]
    for part in parts:
        value, strong, tok = _count_noun(part)
        if value is None:
            continue
        total = (total or 0) + value
        strength = max(strength, strong)
        if tok is not None:
            toks.append(tok)
    return total, strength, toks


def _victims_of(word: Token) -> list[Token]:
    """The noun(s) naming who was killed/injured/detained by ``word``."""
    out: list[Token] = []
    if word.pos_ in {"VERB", "AUX"} or word.tag_.startswith("VB"):
        for child in word.children:
            if child.dep_ in {"dobj", "nsubjpass"}:
                out.append(child)
        if word.dep_ in {"acl", "amod"} and word.head.pos_ in {"NOUN", "PROPN", "NUM"}:
            out.append(word.head)  # "the individual killed in ...", "two wounded soldiers"
        if not out and word.dep_ == "conj":
            for child in word.head.children:
                if child.dep_ == "nsubjpass":
                    out.append(child)
        if not out:
            for child in word.children:
                if child.dep_ == "nsubj" and word.lemma_.lower() in {"die", "perish"}:
                    out.append(child)
    else:  # nouns and adjectives: "death of X", "13 dead", "15 deaths", "X were dead"
        for child in word.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                out.extend(c for c in child.children if c.dep_ == "pobj")
            if child.dep_ in {"nummod", "quantmod"}:
                out.append(word)
        if word.dep_ in {"acomp", "attr"}:
            for child in word.head.children:
                if child.dep_ == "nsubj":
                    out.append(child)
        if word.dep_ == "amod" and word.head.pos_ in {"NOUN", "PROPN"}:
            out.append(word.head)
    return out


def _count_with(index: CueIndex, seg: Span, label: str) -> Count:
    doc = seg.doc
    figures: list[tuple[int, int, list[Token], Token]] = []
    for m in index.find(seg):
        word = doc[m.start]
        for victim in _victims_of(word):
            value, strength, toks = _victim_count(victim)
            if value is not None:
                figures.append((value, strength, toks, word))
    if not figures:
        return Count()
    strongest = max(f[1] for f in figures)
    pool = [f for f in figures if f[1] == strongest]  # a stated number beats "dozens" beats "the leader"
    value, strength, toks, word = min(pool, key=lambda f: f[0])  # ACLED: the lowest reported figure
    ev = [[word.idx, word.idx + len(word.text), word.text]]
    ev += [[t.idx, t.idx + len(t.text), t.text] for t in toks]
    how = {NUMERIC: "stated", VAGUE: "vague quantity",
           IMPLIED: "implied by a single named victim" if value == 1 else "implied by the named victims"}[strength]
    return Count(value, strength, ev, f"{label} {value} ({how}: '{' '.join(t.text for t in toks)} ... {word.text}')")


def _figure_value(noun: Token) -> Token | None:
    """The number a figure noun is given: "the number ... at 15", "a figure of 14", "the number
    of dead was 30", "the toll rose to 21" (the number is a preposition's object, or the copula's)."""
    lex = _lexicon()
    scope = list(noun.subtree)
    if noun.dep_ in {"dobj", "nsubj", "nsubjpass"}:
        verb = noun.head  # "put [the number] at 15", "[the toll] rose to 21", "[the number] was 30"
        scope += [t for c in verb.children if c.i != noun.i and c.dep_ in {"prep", "attr"} for t in c.subtree]
    for tok in scope:
        if not tok.like_num or number_value(tok) is None or any(c.dep_ == "compound" for c in tok.children):
            continue
        if tok.dep_ == "pobj" and tok.head.lower_ in lex.figure_preps:
            return tok
        if tok.dep_ == "attr" and tok.head.lemma_ == "be":
            return tok
    return None


def _stated_figure(seg: Span, anaphoric: bool) -> Count:
    """A fatality count stated as a figure: "put the number of fighters killed at 15", "the death
    toll rose to 21". With ``anaphoric`` (the sentence before gave a fatality figure for the same
    event) a bare "gave a figure of 14" counts too: another source's figure for the same deaths.
    The lowest such figure (ACLED)."""
    lex = _lexicon()
    doc = seg.doc
    # only the figure nouns' tokens are read (from the lemmas kept on the doc), not every word
    figures = lemma_positions(doc, lex.figure_nouns)
    figures = figures[bisect_left(figures, seg.start):bisect_left(figures, seg.end)]
    if not figures:
        return Count()
    killing = {i for m in lex.kill.find(seg) for i in range(m.start, m.end)}
    others = [m for idx in (lex.injury, lex.detention) for m in idx.find(seg)]
    best: tuple[int, Token, Token] | None = None
    for i in figures:
        noun = doc[i]
        if noun.pos_ != "NOUN":
            continue
        about_deaths = any(t.i in killing for t in noun.subtree)  # "death toll", "number ... killed"
        of_something = any(c.dep_ == "prep" and c.lower_ == "of" and any(
            g.dep_ == "pobj" and not g.like_num for g in c.children) for c in noun.children)
        if not about_deaths and not (anaphoric and not killing and not others and not of_something):
            continue  # "the number of attacks rose to 30" counts attacks, not the deaths just given
        value_tok = _figure_value(noun)
        if value_tok is None:
            continue
        value = number_value(value_tok)
        if best is None or value < best[0]:
            best = (value, noun, value_tok)
    if best is None:
        return Count()
    value, noun, tok = best
    ev = [[noun.idx, noun.idx + len(noun.text), noun.text], [tok.idx, tok.idx + len(tok.text), tok.text]]
    how = "another source's figure for the same deaths" if not killing else "stated figure"
    return Count(value, NUMERIC, ev, f"killed {value} ({how}: '{noun.text} ... {tok.text}')")


def count_casualties(seg: Span, after_figure: bool = False) -> Casualties:
    """Fatalities, injured and detained people that ``seg`` reports.

    ``after_figure``: the sentence before gave a fatality figure for the same event, so a bare
    "a figure of 14" here is another count of the same deaths.
    """
    lex = _lexicon()
    out = Casualties(
        fatalities=_count_with(lex.kill, seg, "killed"),
        injured=_count_with(lex.injury, seg, "injured"),
        detained=_count_with(lex.detention, seg, "detained"),
    )
    figure = _stated_figure(seg, after_figure)
    if figure.value is not None:
        current = out.fatalities
        if current.value is None or current.strength < NUMERIC or figure.value < current.value:
            out.fatalities = figure  # a stated number beats vague words; the lowest number wins
    if out.fatalities.value is None:
        for m in lex.zero.find(seg):
            span = seg.doc[m.start:m.end]
            if any(w in m.phrase for w in ("kill", "death", "fatalit", "loss of life", "casualt")):
                out.fatalities = Count(0, NUMERIC, [[span.start_char, span.end_char, span.text]],
                                       f"explicit zero: '{span.text}'")
                break
    return out
