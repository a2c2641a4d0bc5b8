"""Choosing among a toponym's gazetteer candidates using the rest of the report.

Evidence, weighed in a linear score: how the name matched, population and feature type, the
dateline's country, the countries the report names (and its demonyms), cue words around the
mention ("X province", "the village of X", "X, Ga."), and - in a second pass - coherence with the
other places resolved in the report (same first-level division, short distances).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple


from .gazetteer import Candidate, Gazetteer
from .gazetteer.geometry import haversine_km
from .names import fold
from .toponyms import Mention, Recognition
from .knowledge import load_data

#: Weights of the evidence (kept together so tuning is one place).
W_POPULATION = 0.12  # per decade of population
W_COUNTRY_SHARE = 0.9
W_COUNTRY_PRESENT = 0.3
#: What one demonym ("Turkish") adds to its country's cues (a name adds 1).
DEMONYM_WEIGHT = 0.5
#: A country not named but bordering one where the report happens.
W_NEIGHBOUR = 0.5
W_ADMIN1 = 0.5
#: A first-level division named anywhere in the text, outside the toponyms ("the Georgia Bureau
#: of Investigation", "Texas A&M"): a town in it is likelier the one meant.
W_TEXT_ADMIN1 = 1.0
W_DISTANCE = 0.6
DISTANCE_SCALE_KM = 250.0
W_DATELINE_COUNTRY = 2.0
W_DATELINE_CAPITAL = 1.5
W_ADMIN_CUE = 0.9
W_PLACE_CUE = 0.4
#: What a town cue after the name ("Berea police", "a Lebanon woman") takes from a state or a
#: country (a country would be named by its demonym); a county has police and residents too.
W_TOWN_CUE = {"admin1": 0.6, "country": 1.5}
W_QUALIFIER = 1.6
FEATURE_BONUS = {"country": 0.7, "admin1": 0.35, "admin2": 0.05, "continent": 0.5}
CAPITAL_BONUS = 0.3
#: The capital of a country the report names.
W_NAMED_COUNTRY_CAPITAL = 1.0
W_SUPPORT = 0.5
#: A town inside a county (second-level division) that the report names.
W_NAMED_COUNTY = 0.8
#: A county holding a town the report names.
W_COUNTY_HOLDS_TOWN = 0.8
MAX_SUPPORT = 3.0
CELL_DEG = 1.0
#: A division loses this much against a same-named town in its country unless a cue says division.
SAME_NAME_DIVISION_PENALTY = 0.6
SAME_NAME_TOWN_SHARE = 0.25
COUNTRY_NAME_PENALTY = 0.8
#: What a town loses for bearing the exact name of a first-level division more than
#: STATE_NAME_TOWN_RATIO times as populous ("Florida", New York), unless qualified or cued.
STATE_NAME_PENALTY = 0.8
STATE_NAME_TOWN_RATIO = 100
#: With no country cue at all, a loose match must be at least this good (a close spelling
#: variant, or a fuzzy match of ~94 % and more).
LOOSE_WITHOUT_CONTEXT = 0.47


_QUALIFIER = re.compile(r",\s*([A-Z][A-Za-z]*\.?(?:\s[A-Z][A-Za-z]*\.?)?)")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'&.-]*(?: [A-Z][\w'&.-]*)*")
_WORD = re.compile(r"[^ ]+")
MAX_DIVISION_WORDS = 3


@lru_cache(maxsize=1)
def _cues() -> dict:
    return load_data("geo_regions.yaml")


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, tuple[str, str]]:
    """Folded state/province abbreviation ('ga', 'calif') -> (country code, admin1 code)."""
    raw = load_data("geo_admin_abbreviations.yaml")
    out: dict[str, tuple[str, str]] = {}
    for cc, table in raw["abbreviations"].items():
        for code, words in table.items():
            for word in words:
                out[fold(word)] = (cc, str(code))
    return out


@dataclass
class Footprint:
    """Where the candidates of one distinct name lie, and how much one of them counts."""

    key: str
    divisions: set[tuple[str, str]]
    cells: set[tuple[int, int]]
    weight: float
    #: (country, admin1, admin2 name) of its second-level division candidates ("Walker County").
    counties: set[tuple[str, str, str]] = field(default_factory=set)
    #: (country, admin1, admin2 name) of its town candidates: the counties it may lie in.
    towns: set[tuple[str, str, str]] = field(default_factory=set)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)


def _footprints(mentions: list[Mention], cands: list[tuple[Candidate, ...]]) -> list[Footprint]:
    """Spatial footprints of the report's distinct names (countries and continents left out)."""
    out: dict[str, Footprint] = {}
    for mention, found in zip(mentions, cands):
        key = fold(mention.text)
        local = [c.entry for c in found if c.entry.kind in ("place", "admin2", "admin1")]
        if key in out or not local:
            continue
        out[key] = Footprint(key, {(e.country_code, e.admin1_code) for e in local if e.admin1_code},
                             {_cell(e.lat, e.lon) for e in local}, 1.0 / math.sqrt(len(local)),
                             {(e.country_code, e.admin1_code, e.admin2_code) for e in local
                              if e.kind == "admin2" and e.admin2_code},
                             {(c.entry.country_code, c.entry.admin1_code, c.entry.admin2_code) for c in found
                              if c.entry.kind == "place" and c.entry.admin2_code and c.match_score >= 0.9})
    return list(out.values())


def _support(entry, key: str, footprints: list[Footprint]) -> float:
    """How many other names could lie in the same division or next to this candidate (weighted).

    This is the joint 'spatial minimality' evidence: Gainesville, Georgia is supported by
    'Hall County' because one Hall County is in Georgia, whichever one the first pass chose.
    """
    division = (entry.country_code, entry.admin1_code)
    ci, cj = _cell(entry.lat, entry.lon)
    near = {(ci + di, cj + dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)}
    total = 0.0
    for fp in footprints:
        if fp.key == key:
            continue
        if (entry.admin1_code and division in fp.divisions) or near & fp.cells:
            total += fp.weight
    return total


def _in_named_county(entry, key: str, footprints: list[Footprint]) -> bool:
    """The town lies in a second-level division that another name of the report may be:
    'Athens' with 'Henderson County' is the Athens of Henderson County, Texas (and the county
    is the one holding a town the report names)."""
    if entry.kind not in ("place", "admin2") or not entry.admin2_code:
        return False
    county = (entry.country_code, entry.admin1_code, entry.admin2_code)
    if entry.kind == "admin2":  # and the other way round: Henry County, Tennessee holds a Paris
        return any(not key.startswith(fp.key) and county in fp.towns for fp in footprints)
    # Not the county of the same name ("DeKalb" and "DeKalb County" are one clue, not two).
    return any(not fp.key.startswith(key) and county in fp.counties for fp in footprints)


def _towns_by_country(found: tuple[Candidate, ...], key: str) -> dict[str, int]:
    """Largest town per country that bears the name itself (a capital counts as very large).

    A town whose own name is the name plus a word ("New York City" for "New York") does not
    outrank the division that bears the name itself.
    """
    out: dict[str, int] = {}
    divisions = {c.entry.country_code for c in found if c.entry.is_division and c.match_score >= 1.0}
    for c in found:
        if c.entry.kind == "place":
            own = fold(c.entry.name)
            if c.entry.country_code in divisions and own != key and own.startswith(key + " "):
                continue
            size = 10**12 if c.entry.feature_code == "PPLC" else c.entry.population
            out[c.entry.country_code] = max(out.get(c.entry.country_code, -1), size)
    return out


class _NameFacts(NamedTuple):
    """What all the candidates of one name say, worked out once before each candidate is scored."""

    key: str  # the folded name
    towns_by_country: dict[str, int]
    names_a_country: bool
    state_population: int  # of the most populous first-level division bearing the name exactly


def _names_a_country(found: tuple[Candidate, ...]) -> bool:
    return any(c.entry.kind == "country" and c.match_score >= 0.95 for c in found)


def _nearest_other(lat: float, lon: float, points: list[tuple[int, float, float]], index: int) -> float | None:
    """Distance to the nearest place chosen for another mention (cheap planar pre-filter)."""
    best: float | None = None
    coslat = math.cos(math.radians(lat))
    best_planar = float("inf")
    nearest: tuple[float, float] | None = None
    for i, plat, plon in points:
        if i == index:
            continue
        planar = (plat - lat) ** 2 + ((plon - lon) * coslat) ** 2
        if planar < best_planar:
            best_planar, nearest = planar, (plat, plon)
    if nearest is not None:
        best = haversine_km(lat, lon, nearest[0], nearest[1])
    return best


@dataclass
class Resolution:
    """The chosen candidate (or None) for one mention, with a readable reason."""

    mention: Mention
    candidate: Candidate | None
    confidence: float
    reason: str
    considered: int = 0


@dataclass
class Context:
    """What the report as a whole says about where it is."""

    countries: Counter = field(default_factory=Counter)
    admin1s: list[tuple[int, tuple[str, str]]] = field(default_factory=list)  # (mention index, division)
    dateline_country: str = ""
    points: list[tuple[int, float, float]] = field(default_factory=list)  # (mention index, lat, lon)
    #: Per distinct name: where its candidates could be (divisions, grid cells) and a weight.
    footprints: list["Footprint"] = field(default_factory=list)
    #: Countries the report names ("France"), not merely inferred from its places.
    named_countries: set[str] = field(default_factory=set)
    #: First-level divisions named in the text outside the mentions (unambiguous names only).
    text_admin1s: set[tuple[str, str]] = field(default_factory=set)
    #: Countries of names that match exactly and lie in one country only ("Idlib"): unlike a
    #: named country ("US strike"), they say where the report happens.
    place_countries: Counter = field(default_factory=Counter)
    #: What :meth:`Resolver._score_parts` worked out per (candidate, name, dateline, cue, qualifier):
    #: the same in both passes and for every mention of a name, so each candidate's is computed once.
    score_parts: dict[tuple, tuple[float, float | None, float | None]] = field(default_factory=dict)
    #: The facts of each name's candidates (by the name as written, whose candidates they are).
    name_facts: dict[str, _NameFacts] = field(default_factory=dict)
    _division_counts: tuple[int, Counter, Counter] | None = field(default=None, init=False, repr=False,
                                                                   compare=False)

    def chosen_elsewhere(self, division: tuple[str, str], index: int) -> bool:
        """Whether a mention other than ``index`` is in ``division`` in :attr:`admin1s`, from counts
        (kept until the list grows) rather than a scan of every mention for every candidate."""
        if self._division_counts is None or self._division_counts[0] != len(self.admin1s):
            self._division_counts = (len(self.admin1s), Counter(d for _, d in self.admin1s), Counter(self.admin1s))
        _, by_division, by_mention = self._division_counts
        return by_division[division] > by_mention[(index, division)]

    def focus_countries(self) -> set[str]:
        """Where the report happens: the dateline's country and those of its unambiguous places;
        without either, the countries it names."""
        focus = set(self.place_countries)
        if self.dateline_country:
            focus.add(self.dateline_country)
        return focus or self.mentioned()

    def country_share(self, cc: str) -> float:
        total = sum(self.countries.values())
        return self.countries[cc] / total if total else 0.0

    def mentioned(self) -> set[str]:
        """Countries named, holding a place of the report, or referred to by a demonym."""
        return {cc for cc, n in self.countries.items() if n > 0}


class Resolver:
    """Resolves the mentions of one report in context (stateless between reports)."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        cues = _cues()
        # No "^": ``match(text, pos)`` anchors at pos, while "^" would only match at 0.
        self._admin_after = re.compile(r"\s+(" + "|".join(map(re.escape, cues["admin_cues_after"])) + r")\b",
                                       re.I)
        self._named_after = frozenset(fold(w) for w in cues.get("named_after_words", ()))
        self._place_after = re.compile(r"(?:'s)?\s+(" + "|".join(map(re.escape, sorted(
            cues.get("place_cues_after", ()), key=len, reverse=True))) + r")\b", re.I)
        self._place_before = re.compile(r"\b(" + "|".join(map(re.escape, cues["place_cues_before"])) + r")\s+$",
                                        re.I)

    def resolve(self, text: str, recognition: Recognition, prefer_division: set[int] | None = None
                ) -> list[Resolution]:
        """One resolution per mention, in mention order."""
        mentions = recognition.mentions
        prefer_division = prefer_division or set()
        cands = [self.gazetteer.candidates(m.text) for m in mentions]
        cues = [self._cue(text, m, i in prefer_division) for i, m in enumerate(mentions)]
        qualifiers = [self._qualifier(text, m, mentions) for m in mentions]
        ctx = self._context(recognition, cands)
        ctx.footprints = _footprints(mentions, cands)
        ctx.text_admin1s = self._divisions_in_text(text, mentions)
        # First pass: a name said again in the same way gets the same answer (reports repeat names).
        first: list[Resolution] = []
        seen: dict[tuple, Resolution] = {}
        for m, c, cue, q in zip(mentions, cands, cues, qualifiers):
            key = (m.text, m.is_dateline, cue, q)
            if key not in seen:
                seen[key] = self._choose(m, c, ctx, cue, q)
            first.append(replace(seen[key], mention=m))
        # Second pass: coherence with the other places chosen in the first.
        for i, res in enumerate(first):
            if res.candidate is None:
                continue
            entry = res.candidate.entry
            if entry.kind in ("place", "admin2", "admin1"):
                ctx.points.append((i, entry.lat, entry.lon))
                if entry.admin1_code:
                    ctx.admin1s.append((i, (entry.country_code, entry.admin1_code)))
        final = [self._choose(m, c, ctx, cue, q, index=i)
                 for i, (m, c, cue, q) in enumerate(zip(mentions, cands, cues, qualifiers))]
        return self._one_sense_per_report(final)

    # -- evidence -------------------------------------------------------------------------
    def _context(self, recognition: Recognition, cands: list[tuple[Candidate, ...]]) -> Context:
        ctx = Context()
        for cc, n in recognition.demonym_countries.items():
            ctx.countries[cc] += DEMONYM_WEIGHT * n
        for mention, found in zip(recognition.mentions, cands):
            if not found:
                continue
            top = found[0]
            # "UK" is first of all a village in Russia by its exact name, but a country reading
            # of the name ("United Kingdom") is what a report means by it.
            # Not when a division bears the name ("Georgia" the state is no hint of the country).
            named = next((c for c in found if c.entry.kind == "country" and c.match_score >= 0.9), None) \
                if top.entry.kind in ("country", "place") else None
            if named is not None:
                ctx.countries[named.entry.country_code] += 1.0
                ctx.named_countries.add(named.entry.country_code)
            elif len({c.entry.country_code for c in found}) == 1 and top.entry.country_code:
                ctx.countries[top.entry.country_code] += 0.5
            exact = {c.entry.country_code for c in found if c.match_score >= 0.95}
            if len(exact) == 1 and not any(c.entry.kind == "country" for c in found) and top.entry.kind in ("place", "admin2", "admin1") and top.entry.country_code:
                ctx.place_countries[top.entry.country_code] += 1
            if mention.is_dateline and mention.country_hint:
                hint = self.gazetteer.candidates(mention.country_hint)
                hint_country = next((h.entry for h in hint if h.entry.kind == "country"), None)
                if hint_country is not None:
                    ctx.dateline_country = hint_country.country_code
                    ctx.countries[hint_country.country_code] += 3.0
        return ctx

    def _divisions_in_text(self, text: str, mentions: list[Mention]) -> set[tuple[str, str]]:
        """Divisions whose name (borne by one division only) appears in a capitalised run of
        words outside every mention: organisations and titles say where a local report is."""
        names = self.gazetteer.division_names()
        named_after = self._named_after
        taken = [(m.start, m.end) for m in mentions]
        out: set[tuple[str, str]] = set()
        for run in _CAPITALISED_RUN.finditer(text):
            words = [(run.start() + w.start(), run.start() + w.end()) for w in _WORD.finditer(run.group())]
            for i in range(len(words)):
                for j in range(i, min(len(words), i + MAX_DIVISION_WORDS)):
                    start, end = words[i][0], words[j][1]
                    hits = names.get(fold(text[start:end]))
                    if not hits or len(hits) != 1 or any(a < end and start < b for a, b in taken):
                        continue
                    if j + 1 < len(words) and fold(text[words[j + 1][0]:words[j + 1][1]]) in named_after:
                        continue
                    out.add(hits[0])
        return out

    def _cue(self, text: str, mention: Mention, prefer_division: bool) -> str:
        if prefer_division or self._admin_after.match(text, mention.end):
            return "division"
        if self._place_before.search(text, max(0, mention.start - 25), mention.start):
            return "place"
        if self._place_after.match(text, mention.end):
            return "town"
        return ""

    def _qualifier(self, text: str, mention: Mention, mentions: list[Mention]) -> tuple[str, str] | None:
        """'Springfield, Ill.' or 'Paris, Texas': the division or country right after a comma."""
        tail = text[mention.end: mention.end + 40]
        match = _QUALIFIER.match(tail)
        if not match:
            return None
        words = match.group(1)
        # "W. Va." or "New Mexico" is two words; "Missouri. Kody ..." is one and a new sentence.
        for word in (words, words.split()[0]) if " " in words else (words,):
            abbrev = _abbreviations().get(fold(word))
            if abbrev:
                return abbrev
            for cand in self.gazetteer.candidates(word):
                if cand.match_score >= 0.9 and cand.entry.kind == "admin1":
                    return cand.entry.country_code, cand.entry.admin1_code
                if cand.match_score >= 0.9 and cand.entry.kind == "country":
                    return cand.entry.country_code, ""
        return None

    def _score(self, cand: Candidate, mention: Mention, facts: _NameFacts, ctx: Context,
               cue: str, qualifier: tuple[str, str] | None, index: int | None) -> float:
        key = (id(cand), mention.text, mention.is_dateline, cue, qualifier)
        parts = ctx.score_parts.get(key)
        if parts is None:
            parts = ctx.score_parts[key] = self._score_parts(cand, mention, facts, ctx, cue, qualifier)
        score, county, support = parts
        entry = cand.entry
        if index is not None and entry.kind in ("place", "admin2", "admin1"):
            division = (entry.country_code, entry.admin1_code)
            if entry.admin1_code and ctx.chosen_elsewhere(division, index):
                score += W_ADMIN1
            nearest = _nearest_other(entry.lat, entry.lon, ctx.points, index)
            if nearest is not None:
                score += W_DISTANCE * math.exp(-nearest / DISTANCE_SCALE_KM)
        if county is not None:
            score += county
        if support is not None:
            score += support
        return score

    def _score_parts(self, cand: Candidate, mention: Mention, facts: _NameFacts, ctx: Context,
                     cue: str, qualifier: tuple[str, str] | None) -> tuple[float, float | None, float | None]:
        """The evidence that does not depend on the second pass's choices, as (the score before the
        coherence terms, the named-county bonus, the support bonus), the two bonuses None when they
        do not apply: :meth:`_score` adds them in the original order, so sums are the same."""
        entry = cand.entry
        score = cand.match_score + W_POPULATION * math.log10(entry.population + 1)
        score += FEATURE_BONUS.get(entry.kind, 0.0)
        if entry.feature_code == "PPLC":
            score += CAPITAL_BONUS
            if entry.country_code in ctx.named_countries:
                score += W_NAMED_COUNTRY_CAPITAL  # "France" ... "Paris": the capital, not Paris, Ky.
        if entry.is_division and entry.kind != "country" and cue != "division":
            # "Aleppo" is the city, "Florida" the state: a town wins only when it is a big part
            # of the same-named division.
            floor = max(1000, SAME_NAME_TOWN_SHARE * entry.population)
            if facts.towns_by_country.get(entry.country_code, -1) >= floor:
                score -= SAME_NAME_DIVISION_PENALTY
        if entry.kind != "country" and qualifier is None and facts.names_a_country:
            score -= COUNTRY_NAME_PENALTY  # "Russia" is the country unless qualified ("Russia, Ohio")
        if (entry.kind == "place" and qualifier is None and cue not in ("place", "town")
                and entry.population * STATE_NAME_TOWN_RATIO < facts.state_population):
            # "Florida" is the state, not Florida, New York (2,899 people), unless qualified or cued.
            score -= STATE_NAME_PENALTY
        if cue == "division":
            score += W_ADMIN_CUE if entry.kind in ("admin1", "admin2") else -0.3 if entry.kind == "place" else 0
        elif cue == "place":
            score += W_PLACE_CUE if entry.kind == "place" else -0.3
        elif cue == "town":
            # "Lebanon woman", "Berea police": a town, all the more not a country.
            # A county has police and residents too: only states and countries lose.
            score += W_PLACE_CUE if entry.kind == "place" else -W_TOWN_CUE.get(entry.kind, 0.0)
            if entry.kind != "country" and facts.names_a_country:
                score += COUNTRY_NAME_PENALTY  # the cue outweighs "Lebanon is the country"
        if entry.country_code:
            score += W_COUNTRY_SHARE * ctx.country_share(entry.country_code)
            if ctx.countries[entry.country_code]:
                score += W_COUNTRY_PRESENT
            elif cand.match_score >= 0.9 and not self.gazetteer.neighbours(entry.country_code).isdisjoint(
                    ctx.mentioned()):
                score += W_NEIGHBOUR  # "Gaza" in a report on Israel and Iraq: next door, not Mozambique
        if mention.is_dateline and ctx.dateline_country and entry.country_code == ctx.dateline_country:
            score += W_DATELINE_COUNTRY
        if (mention.is_dateline and qualifier is None and entry.feature_code == "PPLC"
                and ctx.countries[entry.country_code] > 0):
            # A bare "WASHINGTON —" over a report on the US is the capital, not a namesake town.
            score += W_DATELINE_CAPITAL
        if qualifier is not None and entry.country_code == qualifier[0]:
            if not qualifier[1] or entry.admin1_code == qualifier[1]:
                score += W_QUALIFIER
        if entry.kind in ("place", "admin2") and (entry.country_code, entry.admin1_code) in ctx.text_admin1s:
            score += W_TEXT_ADMIN1
        county = None
        if cand.match_score >= 0.9 and _in_named_county(entry, facts.key, ctx.footprints):
            county = W_NAMED_COUNTY if entry.kind == "place" else W_COUNTY_HOLDS_TOWN
        support = None
        if entry.kind in ("place", "admin2", "admin1"):
            support = W_SUPPORT * min(MAX_SUPPORT, _support(entry, facts.key, ctx.footprints))
        return score, county, support

    def _choose(self, mention: Mention, found: tuple[Candidate, ...], ctx: Context, cue: str,
                qualifier: tuple[str, str] | None, index: int | None = None) -> Resolution:
        if not found:
            return Resolution(mention, None, 0.0,
                              f"unresolved: no gazetteer name matches '{mention.text}' (exact, variant or fuzzy)")
        facts = ctx.name_facts.get(mention.text)
        if facts is None:
            key = fold(mention.text)
            facts = ctx.name_facts[mention.text] = _NameFacts(
                key, _towns_by_country(found, key), _names_a_country(found),
                max((c.entry.population for c in found if c.entry.kind == "admin1" and c.match_score >= 1.0),
                    default=0))
        scored = sorted(((self._score(c, mention, facts, ctx, cue, qualifier, index), c) for c in found),
                        key=lambda sc: -sc[0])
        best_score, best = scored[0]
        if best.match_score < 0.9:
            # A spelling variant or fuzzy match is weak evidence: far from where the report
            # happens it is likelier an unknown local name ("Kaftin" in Idlib is not Cavetown, MD).
            focus = ctx.focus_countries()
            if focus and best.entry.country_code not in focus:
                return Resolution(mention, None, 0.0,
                                  f"unresolved: '{mention.text}' only loosely matches {best.entry.name} "
                                  f"({best.how}), outside the report's countries ({', '.join(sorted(focus))})",
                                  len(found))
            if not focus and best.match_score < LOOSE_WITHOUT_CONTEXT:
                return Resolution(mention, None, 0.0,
                                  f"unresolved: '{mention.text}' only loosely matches {best.entry.name} "
                                  f"({best.how}) and nothing in the report says where it is", len(found))
        top = max(s for s, _ in scored)
        confidence = math.exp(best_score - top) / sum(math.exp(s - top) for s, _ in scored)
        return Resolution(mention, best, round(confidence, 3), self._reason(mention, best, scored, ctx, cue, qualifier),
                          len(found))

    def _reason(self, mention: Mention, best: Candidate, scored: list, ctx: Context, cue: str,
                qualifier: tuple[str, str] | None) -> str:
        entry = best.entry
        parts = [f"'{mention.text}': {best.how}"]
        where = self.gazetteer.country_name(entry.country_code)
        if entry.kind != "country" and where:
            parts.append(f"in {where}")
        if mention.is_dateline:
            parts.append("dateline" + (f" ({mention.country_hint})" if mention.country_hint else ""))
        if cue == "division" and entry.kind in ("admin1", "admin2"):
            parts.append("cue says a division")
        elif cue == "place":
            parts.append("cue says a town")
        if qualifier is not None and entry.country_code == qualifier[0]:
            parts.append("qualified by the division after the comma")
        if entry.country_code and ctx.countries[entry.country_code] and entry.kind != "country":
            parts.append(f"{where or entry.country_code} is named in the report")
        if entry.population:
            parts.append(f"population {entry.population:,}")
        if len(scored) > 1:
            parts.append(f"chosen over {len(scored) - 1} other candidate{'s' if len(scored) > 2 else ''}")
        return "; ".join(parts)

    @staticmethod
    def _one_sense_per_report(resolutions: list[Resolution]) -> list[Resolution]:
        """The same name means the same place throughout a report: the most confident choice wins."""
        best: dict[str, Resolution] = {}
        for res in resolutions:
            if res.candidate is None:
                continue
            key = fold(res.mention.text)
            if key not in best or res.confidence > best[key].confidence:
                best[key] = res
        out = []
        for res in resolutions:
            winner = best.get(fold(res.mention.text))
            # "Aleppo governorate" ... "northeast of Aleppo": the division and the town share a
            # name; a cue chose the kind at each mention, so only same-kind choices are unified.
            if winner is not None and res.candidate is not None and winner.candidate is not res.candidate \
                    and not res.mention.is_dateline and winner.candidate.entry.kind == res.candidate.entry.kind:
                res = Resolution(res.mention, winner.candidate, winner.confidence, winner.reason
                                 + "; same name as elsewhere in the report", winner.considered)
            out.append(res)
        return out
