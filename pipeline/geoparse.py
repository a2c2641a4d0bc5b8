"""The geoparser: toponyms and region phrases of a report, each resolved to a Place.

Recognition (pipeline.toponyms) -> resolution in context (pipeline.resolve) -> region phrases
(pipeline.regions). Continents and super-regions ("the Middle East") become Places that are
never an event's location (``eventable=False``).
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from typing import IO, Iterable

from spacy.tokens import Doc

from .gazetteer import Entry, Gazetteer, ensure_gazetteer
from .names import fold
from .nlp import doc_text
from .place import Place
from .gazetteer.geometry import haversine_km, medoid
from .regions import RegionLocator, RegionPhrase, find_region_phrases, region_words, town_radius
from .resolve import Resolution, Resolver
from .settings import Settings
from .toponyms import Mention, Recognition, given_spans, is_facility, recognise

#: ACLED geo_precision by what a toponym resolved to.
PRECISION = {"place": 1, "admin2": 2, "admin1": 3, "country": 3}


class Geoparser:
    """Finds and resolves the places of a report; one instance can serve many reports."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.resolver = Resolver(gazetteer)
        self.locator = RegionLocator(gazetteer)
        self._resolve_spans = lru_cache(maxsize=50_000)(self._resolve_spans_uncached)
        self._super = {fold(name): item for item in region_words().get("super_regions", [])
                       for name in item["names"]}

    def parse(self, doc: Doc) -> list[Place]:
        """Every toponym and region phrase in ``doc``; offsets index ``doc.text``."""
        text = doc_text(doc)
        return self._places(text, recognise(doc, self.gazetteer, text), with_regions=True)

    def resolve_spans(self, text: str, spans: list[tuple[int, int]]) -> list[Place]:
        """One Place per given (start, end) span, resolved in the context of ``text``.

        Answers are memoised per (text, spans): geocoding the same query again is a dict lookup.
        """
        return [replace(p) for p in self._resolve_spans(text, tuple((int(a), int(b)) for a, b in spans))]

    def _resolve_spans_uncached(self, text: str, spans: tuple[tuple[int, int], ...]) -> tuple[Place, ...]:
        # One answer per span, in the given order, even for a name the parser drops (a street
        # with nothing to place it by): callers pair answers with spans by position.
        found = {(p.start, p.end): p for p in self._places(text, given_spans(text, list(spans)), with_regions=False)}
        return tuple(found.get((a, b)) or Place(text=text[a:b], start=a, end=b, resolved=False,
                                                 reason=f"'{text[a:b]}': not placed")
                     for a, b in spans)

    # -- internals ------------------------------------------------------------------------
    def _places(self, text: str, recognition: Recognition, with_regions: bool) -> list[Place]:
        supers: dict[int, Place] = {}
        kept: list[Mention] = []
        for mention in recognition.mentions:
            item = self._super.get(_without_article(fold(mention.text)))
            if item is not None:
                supers[id(mention)] = self._super_place(mention, item)
            else:
                kept.append(mention)
        rec = Recognition(kept, recognition.demonym_countries, recognition.dateline)
        phrases = find_region_phrases(text, kept) if with_regions else []
        prefer = {p.base for p in phrases if p.wants_division and p.base is not None}
        resolutions = self.resolver.resolve(text, rec, prefer)
        by_mention: dict[int, Place] = {}
        unknown: list[Place] = []
        for res in resolutions:
            if res.mention.source == "dateline" and res.candidate is None and not res.mention.country_hint:
                continue  # an all-caps lead-in that is not a place ("KAFTIN, Syria —" is one)
            place = self._place(res)
            if place.resolved:
                by_mention[id(res.mention)] = place
            else:
                unknown.append(place)
        self._keep_inside_possessor(text, by_mention)
        regions = list(self._region_places(text, phrases, kept, resolutions)) if with_regions else []
        places: list[Place] = []
        for mention in recognition.mentions:
            place = supers.get(id(mention)) or by_mention.get(id(mention))
            if place is not None:
                places.append(place)
        places.extend(regions)
        places.extend(self._place_unknown(text, unknown, places, resolutions))
        places.sort(key=lambda p: (p.start, -p.end))
        return places

    def _place_unknown(self, text: str, unknown: list[Place], known: list[Place],
                       resolutions: list[Resolution]) -> list[Place]:
        """Names the gazetteer lacks (villages, streets, bases, wadis), placed where the text puts
        them: in the town or division that owns them ("Toronto's Pearson International Airport"),
        else in the place or region named right after ("Kaftin in Idlib province", "Palestine
        Street in east Baghdad", "Jurf al-Sakhar south of Baghdad"), else at the report's focus.
        A name keeps one placement throughout the report, the most precise found."""
        focus = self._focus(resolutions) if unknown else None
        placed: list[Place] = []
        for place in unknown:
            owner = _possessor(text, place, known)
            container = owner or _container(text, place, known)
            if container is not None:
                placed.append(self._in_container(place, container, how="owned by it in the text" if owner
                                                 else "named right after it"))
            elif is_facility(place.text, landforms=False):
                continue  # a street or base with no town or region named with it says too little
            elif focus is not None:
                placed.append(self._at_focus(place, focus))
            else:
                placed.append(place)
        best: dict[str, Place] = {}
        for p in placed:
            key = fold(p.text)
            if p.resolved and (key not in best or _rank(p) < _rank(best[key])):
                best[key] = p
        out = []
        for p in placed:
            b = best.get(fold(p.text))
            if b is not None and b is not p:
                p = replace(b, text=p.text, start=p.start, end=p.end, is_dateline=p.is_dateline,
                            reason=b.reason + "; same name as elsewhere in the report")
            out.append(p)
        return out

    def _keep_inside_possessor(self, text: str, by_mention: dict[int, Place]) -> None:
        """'Cairo's Abbasiya', 'Giza's Haram district': a name owned by a town or division lies in
        it. When the gazetteer's reading is far away (an Abbasiya in Israel), the name is taken as
        one the gazetteer lacks and placed in its possessor."""
        known = list(by_mention.values())
        for key, place in list(by_mention.items()):
            if place.kind not in ("place", "admin2", "admin1"):
                continue
            owner = _possessor(text, place, known)
            if owner is None:
                continue
            reach = max(owner.radius_km or 10.0, 25.0) + POSSESSOR_SLACK_KM
            if haversine_km(place.latitude, place.longitude, owner.latitude, owner.longitude) <= reach:
                continue
            bare = replace(place, resolved=False, geonameid=None,
                           reason=f"'{place.text}': the gazetteer's {place.name} ({place.country}) is far from "
                                  f"'{owner.text}', which the text says it belongs to")
            by_mention[key] = self._in_container(bare, owner, how="owned by it in the text")

    def _in_container(self, place: Place, container: Place, how: str = "named right after it") -> Place:
        precision = max(2, container.precision or 3)
        return replace(place, resolved=True, name=place.text, latitude=container.latitude,
                       longitude=container.longitude, country_code=container.country_code,
                       country=container.country, admin1=container.admin1, feature="contained",
                       precision=precision, radius_km=round((container.radius_km or 10.0) + 5.0, 1),
                       score=0.2, kind="region",
                       reason=f"{place.reason}; placed in '{container.text}' ({container.name}), {how} "
                              f"(precision {precision})")

    def _focus(self, resolutions: list[Resolution]) -> tuple[float, float, str, str] | None:
        """Where the report is about: the medoid of its resolved towns and divisions, else its
        most named country. (lat, lon, country code, description)"""
        points = [(r.candidate.entry.lat, r.candidate.entry.lon) for r in resolutions
                  if r.candidate and r.candidate.entry.kind in ("place", "admin2", "admin1")]
        if points:
            lat, lon = medoid(points)
            near = self.gazetteer.nearest_place(lat, lon)
            cc = near[1].country_code if near else ""
            return lat, lon, cc, f"the middle of the report's {len(points)} resolved places"
        countries = [r.candidate.entry for r in resolutions if r.candidate and r.candidate.entry.kind == "country"]
        if countries:
            top = max(set(e.geonameid for e in countries), key=[e.geonameid for e in countries].count)
            entry = next(e for e in countries if e.geonameid == top)
            return entry.lat, entry.lon, entry.country_code, f"{entry.name}, the report's country"
        return None

    def _at_focus(self, place: Place, focus: tuple[float, float, str, str]) -> Place:
        """An unknown name placed at the report's focus, as ACLED codes a village it cannot find
        to the larger area the report is about (precision 3)."""
        lat, lon, cc, why = focus
        return replace(place, resolved=True, name=place.text, latitude=round(lat, 5), longitude=round(lon, 5),
                       country_code=cc, country=self.gazetteer.country_name(cc), feature="focus",
                       precision=3, radius_km=100.0, score=0.1, kind="region",
                       reason=f"{place.reason}; placed at {why} (precision 3)")

    def _super_place(self, mention: Mention, item: dict) -> Place:
        eventable = bool(item.get("eventable", False))
        return Place(text=mention.text, start=mention.start, end=mention.end, resolved=True,
                     name=item["names"][0], latitude=item["lat"], longitude=item["lon"],
                     country_code=item.get("country", ""), feature="super-region", precision=3,
                     radius_km=float(item["radius_km"]), score=0.9, kind="region", eventable=eventable,
                     reason=f"'{mention.text}': a named super-region" + ("" if eventable else
                                                                      "; not a location for events"),
                     is_dateline=mention.is_dateline)

    def _place(self, res: Resolution) -> Place:
        m = res.mention
        if res.candidate is None:
            return Place(text=m.text, start=m.start, end=m.end, resolved=False, reason=res.reason,
                         is_dateline=m.is_dateline)
        entry = res.candidate.entry
        kind = entry.kind
        # a named site's entry carries its stated accuracy; towns' size follows their population
        sized = kind != "place" or bool(entry.site_kind)
        radius = entry.radius_km if sized and entry.radius_km else town_radius(entry.population)
        return Place(text=m.text, start=m.start, end=m.end, resolved=True, name=entry.name,
                     geonameid=entry.real_geonameid, latitude=round(entry.lat, 5), longitude=round(entry.lon, 5),
                     country_code=entry.country_code, country=self.gazetteer.country_name(entry.country_code),
                     admin1=self._admin1(entry), admin2=entry.admin2_code if kind in ("place", "admin2") else "",
                     feature=entry.feature, precision=PRECISION.get(kind), radius_km=radius,
                     score=res.confidence, reason=res.reason, kind=kind, eventable=kind != "continent",
                     is_dateline=m.is_dateline)

    def _admin1(self, entry: Entry) -> str:
        if entry.kind == "admin1":
            return entry.name
        return self.gazetteer.admin1_name(entry.country_code, entry.admin1_code) if entry.admin1_code else ""

    def _region_places(self, text: str, phrases: list[RegionPhrase], mentions: list[Mention],
                       resolutions: list[Resolution]) -> Iterable[Place]:
        entries = [r.candidate.entry if r.candidate else None for r in resolutions]
        main_countries = self._main_countries(resolutions)
        for phrase in phrases:
            label = text[phrase.start: phrase.end]
            base = entries[phrase.base] if phrase.base is not None else None
            point = None
            if phrase.kind == "border":
                point = self._border(phrase, entries, main_countries, label)
            elif base is None or base.kind == "continent":
                continue
            elif phrase.kind == "direction":
                point = self.locator.direction(base, phrase.bearing if phrase.bearing is not None else -1, label)
            elif phrase.kind == "relative":
                point = self.locator.relative(base, phrase.bearing, phrase.distance_km, label)
            elif phrase.kind == "near":
                point = self.locator.near(base, label)
            elif phrase.kind == "countryside":
                point = self.locator.countryside(base, label)
            elif phrase.kind == "desert":
                point = self.locator.desert(base, label)
            if point is None:
                continue
            near = self.gazetteer.nearest_place(point.lat, point.lon)
            admin1 = ""
            if near is not None and near[1].country_code == point.country_code:
                admin1 = self.gazetteer.admin1_name(near[1].country_code, near[1].admin1_code)
            yield Place(text=label, start=phrase.start, end=phrase.end, resolved=True, name=label,
                        latitude=round(point.lat, 5), longitude=round(point.lon, 5),
                        country_code=point.country_code, country=self.gazetteer.country_name(point.country_code),
                        admin1=admin1, feature="region", precision=point.precision, radius_km=point.radius_km,
                        score=0.8, reason=point.reason + (f"; nearest town {near[1].name}" if near else ""),
                        kind="region", eventable=True)

    def _border(self, phrase: RegionPhrase, entries: list[Entry | None], main_countries: list[str], label: str):
        first = entries[phrase.base] if phrase.base is not None else None
        second = entries[phrase.other] if phrase.other is not None else None
        if first is None and phrase.own_country:
            first = self.gazetteer.country(phrase.own_country)
        if second is None and phrase.other_country:
            second = self.gazetteer.country(phrase.other_country)
        if first is None and second is not None:
            # "near the Turkish border" is the border of a neighbour of Turkey: the report's
            # country if it is one (a report naming the US most is still about Syria's border).
            own = next((cc for cc in main_countries if cc != second.country_code
                        and cc in self.gazetteer.neighbours(second.country_code)), "")
            first = self.gazetteer.country(own) if own else None
        if first is None or second is None or first.geonameid == second.geonameid:
            return None
        return self.locator.border(first, second, label)

    @staticmethod
    def _main_countries(resolutions: list[Resolution]) -> list[str]:
        """The report's countries, most likely first: the dateline's counts thrice."""
        counts: dict[str, float] = {}
        for res in resolutions:
            if res.candidate is None or not res.candidate.entry.country_code:
                continue
            weight = 3.0 if res.mention.is_dateline else 1.0
            cc = res.candidate.entry.country_code
            counts[cc] = counts.get(cc, 0.0) + weight
        return sorted(counts, key=lambda cc: -counts[cc])


#: An unknown name's container must start within this many characters and words after it.
CONTAINER_MAX_CHARS = 60
CONTAINER_MAX_WORDS = 8
_SENTENCE_END = re.compile(r"[.!?;:]\s|\n|—|–")


def _rank(place: Place) -> tuple:
    """A container the text names beats the report's focus; then the most precise."""
    return place.precision or 3, place.feature == "focus", place.radius_km or 0.0


def _container(text: str, place: Place, known: list[Place]) -> Place | None:
    """The first resolved place or region named after ``place`` in the same clause, close by."""
    after = [k for k in known if k.resolved and k.eventable and k.start >= place.end
             and k.start - place.end <= CONTAINER_MAX_CHARS and k.kind != "country"
             and k.latitude is not None]
    if not after:
        return None
    first = min(after, key=lambda k: (k.start, -(k.end - k.start)))
    gap = text[place.end: first.start]
    if _SENTENCE_END.search(gap) or len(gap.split()) > CONTAINER_MAX_WORDS:
        return None
    return first


#: "Toronto's Pearson International Airport", "Paris' iconic Champs-Elysees": an owner right before.
_POSSESSIVE_GAP = re.compile(r"(?:'s|’s|'|’)\s+(?:[a-z]+\s+)?")
#: How far beyond its owner's radius a name owned by it may lie before the reading is doubted.
POSSESSOR_SLACK_KM = 100.0


def _possessor(text: str, place: Place, known: list[Place]) -> Place | None:
    """The resolved town or division that owns ``place`` in the text ("Cairo's Abbasiya")."""
    for k in known:
        if (k is not place and k.resolved and k.eventable and k.kind != "country" and k.latitude is not None
                and k.end <= place.start and _POSSESSIVE_GAP.fullmatch(text, k.end, place.start)):
            return k
    return None


def _without_article(key: str) -> str:
    return key[4:] if key.startswith("the ") else key


def toponym_record(place: Place) -> dict:
    """The batch-output form of a Place (``opsmap geoparse``)."""
    return {"start": place.start, "end": place.end, "name": place.name or place.text, "text": place.text,
            "lat": place.latitude, "lon": place.longitude, "geonameid": place.geonameid,
            "country_code": place.country_code, "precision": place.precision, "score": place.score,
            "reason": place.reason, "kind": place.kind, "resolved": place.resolved}


def geoparse_jsonl(fin: IO[str], fout: IO[str], settings: Settings, spans: bool) -> int:
    """``opsmap geoparse``: JSONL {"id", "text"[, "toponyms"]} in, {"id", "toponyms"} out; returns lines."""
    from .nlp import get_nlp

    gazetteer = ensure_gazetteer(settings.gazetteer_path, progress=True)
    parser = Geoparser(gazetteer)
    nlp = None if spans else get_nlp(settings.spacy_model)
    count = 0
    for line in fin:
        if not line.strip():
            continue
        item = json.loads(line)
        text = item.get("text", "")
        if spans:
            given = [(t["start"], t["end"]) for t in item.get("toponyms", [])]
            places = parser.resolve_spans(text, given)
        else:
            places = parser.parse(nlp(text))
        fout.write(json.dumps({"id": item.get("id"), "toponyms": [toponym_record(p) for p in places]},
                              ensure_ascii=False) + "\n")
        count += 1
    return count
