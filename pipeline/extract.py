"""Reports -> ACLED-coded events: detection, typing, actors, dates, casualties, place, provenance.

``extract_events`` is a pure function of the parsed report and its places. It finds event
mentions sentence by sentence (pipeline.detect), types them (pipeline.classify), reads actors,
dates and casualties from the same sentence, links a place, and then merges mentions of one
operation (headline, lead, later restatements) into one row while keeping distinct operations
apart: mentions merge when their types are compatible, their actors do not conflict and their
dates and places do not contradict each other.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import IO, Iterable

from spacy.tokens import Doc, Span, Token

from .actors import ActorDictionary, ActorMention, Roles, assign_roles, default_actors
from .nlp import doc_text, span_text
from .classify import Classification, SubType, TypeClassifier, classifier_for, default_classifier
from .dates import DateResolution, fallback_date, resolve_date
from .detect import (FACTUAL, HEDGED, factuality, forget_doc_work, in_an_earlier_year, is_earlier_event,
                     is_headline, is_summary, lemma_positions, modality, present_state, segments)
from .event import Event
from .fatalities import NUMERIC, Casualties, Count, count_casualties
from .linking import (PlaceLink, acled_region, party_countries, compatible as places_compatible, dateline_spans,
                      distance_km, iso_numeric, link_place)
from .place import Place
from .report import Report

SPECIFIC, GENERIC_KIND, SUPPORT = "specific", "generic", "support"
ARMED = {1, 2, 3, 4, 8}


@dataclass
class _Mention:
    """What one sentence says about one event, before mentions of the same operation are merged."""

    seg: Span
    trigger: Token
    verb: Token
    kind: str
    subtype: SubType | None
    classification: Classification
    status: str
    status_reason: str
    summary: bool
    roles: Roles
    date: DateResolution
    casualties: Casualties
    link: PlaceLink
    headline: bool = False
    distinct: bool = False  # an earlier event this one answered: never a restatement
    parties: list = field(default_factory=list)  # countries named as the verb's subjects ("X and Iraq agreed")


@dataclass
class _Cluster:
    """The mentions of one operation in a report: they become one row."""

    mentions: list[_Mention] = field(default_factory=list)
    answered_by: "_Cluster | None" = None  # for an earlier attack: the operation said to answer it

    @property
    def specific(self) -> list[_Mention]:
        return [m for m in self.mentions if m.kind == SPECIFIC]

    def actor1(self) -> ActorMention | None:
        """Who acted: a named actor from the parse first, descriptions ("partner forces") last."""
        ranked = []
        for order, m in enumerate(self.mentions):
            a = m.roles.actor1
            if a is not None:
                ranked.append(((a.actor.generic, not m.roles.syntactic, m.kind != SPECIFIC, order), a))
        return min(ranked, key=lambda r: r[0])[1] if ranked else None

    def best_date(self) -> DateResolution:
        return min((m.date for m in self.mentions), key=lambda d: d.rank)

    def best_link(self) -> PlaceLink:
        links = [(m.link.rank, order, m.link) for order, m in enumerate(self.mentions) if m.link.place is not None]
        if not links:
            return self.mentions[0].link
        return min(links, key=lambda l: l[:2])[2]  # the place said with the earliest, closest mention


def _types_compatible(a: SubType | None, b: SubType | None) -> bool:
    if a is None or b is None:
        return True
    if a.disorder_type == b.disorder_type:  # a protest and the force used on it are one event
        return a.disorder_type in {"Political violence", "Demonstrations"} or a.key == b.key
    pair = {a.key, b.key}
    return "arrests" in pair and "Political violence" in {a.disorder_type, b.disorder_type}


def _compatible(cluster: _Cluster, m: _Mention) -> bool:
    if any(x.summary != m.summary for x in cluster.mentions):
        return False
    for x in cluster.specific:
        if m.kind == SPECIFIC and not _types_compatible(x.subtype, m.subtype):
            return False
    a1 = cluster.actor1()
    a1_syntactic = any(x.roles.syntactic for x in cluster.mentions)
    if a1 and m.roles.actor1 and (a1_syntactic or m.roles.syntactic) and a1.actor.name != m.roles.actor1.actor.name \
            and a1.known and m.roles.actor1.known and not (a1.actor.generic or m.roles.actor1.actor.generic):
        return False  # two named actors each doing something: two events
    if _anaphoric(m):  # "the raid", "the strike": a restatement, wherever the sentence places it
        return True
    for x in cluster.mentions:
        if x.date.rank <= 1 and m.date.rank <= 1 and x.date.date and m.date.date:
            gap = abs((date.fromisoformat(x.date.date) - date.fromisoformat(m.date.date)).days)
            if gap > 1:
                return False
        if x.link.rank <= 1 and m.link.rank <= 1 and not places_compatible(x.link.place, m.link.place):
            return False
    return True


def _definite(trigger: Token) -> bool:
    return any(c.dep_ in {"det", "poss"} and c.lower_ in {"the", "this", "that", "these", "those", "its", "their"}
               for c in trigger.children)


def _anaphoric(m: _Mention) -> bool:
    """A definite restatement ("The raid was ...", "announced the strikes on Thursday")."""
    if not _definite(m.trigger):
        return False
    under_report = m.trigger.dep_ in {"dobj", "nsubjpass"} and m.verb.lemma_.lower() in modality().reporting_verbs
    return m.date.rank > 1 or under_report


def _cue_root(doc: Doc, start: int, end: int) -> Token:
    return doc[start:end].root


def _earlier_event_tokens(seg: Span, responders: list[int]) -> set[int]:
    """Tokens naming an event that this sentence's event answered ("... answered an attack on Tuesday,
    when missiles were fired at the base"): read as a second, separate event. ``responders``: the doc's
    tokens whose lemma is a response word."""
    out: set[int] = set()
    for i in responders:
        if not seg.start <= i < seg.end:
            continue
        tok = seg.doc[i]
        for child in tok.children:
            if child.dep_ in {"dobj", "prep", "pobj", "advcl"} and child.i > tok.i:
                out.update(t.i for t in child.subtree if seg.start <= t.i < seg.end)
    return out


def _masked(seg: Span, hidden: set[int]) -> str:
    """The sentence with some tokens blanked (offsets kept), so dates are read from one event's words."""
    chars = list(span_text(seg))
    for i in hidden:
        tok = seg.doc[i]
        for k in range(tok.idx - seg.start_char, tok.idx - seg.start_char + len(tok.text)):
            chars[k] = " "
    return "".join(chars)


def _find_mentions(doc: Doc, report: Report, places: list[Place], clf: TypeClassifier,
                   actors: ActorDictionary, actor_mentions: list[ActorMention],
                   segs: list[Span] | None = None) -> list[_Mention]:
    out: list[_Mention] = []
    not_places = [(a.start_char, a.end_char) for a in actor_mentions if a.known]
    not_places += dateline_spans(doc_text(doc), places)
    names = {i for a in actor_mentions if a.known
             and all(t.pos_ == "PROPN" for t in doc[a.start:a.end] if t.is_alpha)
             for i in range(a.start, a.end)}
    segs = segs if segs is not None else segments(doc)
    response_words = modality().response_words
    responders = lemma_positions(doc, response_words)
    previous_groups: dict = {}
    for index, seg in enumerate(segs):
        # context carries over one sentence: "Protesters rallied ... Police fired tear gas to disperse them."
        own_groups = clf.groups_in(seg)
        groups = {**previous_groups, **own_groups}
        previous_groups = {g: ms for g, ms in own_groups.items() if g in clf.carried_groups}
        earlier = _earlier_event_tokens(seg, responders)
        readings = [(names | earlier, earlier)]  # (tokens whose cues are ignored, tokens hidden from dates)
        if earlier:
            rest = {t.i for t in seg} - earlier
            readings.append((names | rest, rest))
        for ignored, hidden in readings:
            mention = _read_mention(seg, index, report, places, clf, actors, actor_mentions, groups, ignored,
                                    hidden, not_places)
            if mention is not None:
                out.append(mention)
    return out


def _read_mention(seg: Span, index: int, report: Report, places: list[Place], clf: TypeClassifier,
                  actors: ActorDictionary, actor_mentions: list[ActorMention], groups: dict, ignored: set[int],
                  hidden: set[int], not_places: list[tuple[int, int]]) -> _Mention | None:
    """The event a sentence (or the part of it not in ``ignored``) asserts, if any."""
    doc = seg.doc
    result = clf.classify(seg, factual_only=True, names=ignored, groups=groups)
    if result.is_operation:
        kind = SPECIFIC
        best = max(zip(result.cues, result.weights), key=lambda cw: (cw[1], -cw[0].start))[0]
        trigger = _cue_root(doc, best.start, best.end)
    elif result.subtype is None and result.generic:
        standing = [g for g in result.generic if g.phrase not in clf.support_only]
        chosen = standing[0] if standing else result.generic[0]
        kind = GENERIC_KIND if standing else SUPPORT
        trigger = _cue_root(doc, chosen.start, chosen.end)
    else:
        return None
    fact = factuality(trigger, seg)
    if fact.status not in FACTUAL:
        return None
    if not is_headline(seg, index) and present_state(fact.verb):
        return None
    if in_an_earlier_year(trigger, fact.verb, report.published):
        return None
    summary = any(is_summary(_cue_root(doc, c.start, c.end), seg) for c in result.cues + result.generic)
    roles = assign_roles(trigger, seg, actor_mentions, actors)
    when = resolve_date(_masked(seg, hidden) if hidden else span_text(seg), report.published)
    if when.evidence:
        s, e, t = when.evidence
        when.evidence = [seg.start_char + s, seg.start_char + e, t]
    parties = party_countries(trigger, fact.verb, places)
    return _Mention(seg, trigger, fact.verb, kind, result.subtype if kind == SPECIFIC else None, result,
                    fact.status, fact.reason, summary, roles, when, count_casualties(seg),
                    link_place(seg, trigger, fact.verb, places, not_places, parties), is_headline(seg, index),
                    is_earlier_event(trigger), _acting_countries(parties, not_places))


def _acting_countries(parties: list[Place], not_places: list[tuple[int, int]]) -> list[Place]:
    """The event's country parties outside the dateline and actors' names, resolved: those that act
    ("The United States and Iraq have agreed")."""
    return [p for p in parties if p.resolved and p.country_code and not p.is_dateline
            and not any(s < p.end and p.start < e for s, e in not_places)]


def _cluster(mentions: list[_Mention]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    for m in mentions:
        if m.distinct and m.kind != SUPPORT:
            clusters.append(_Cluster([m]))
            continue
        target = next((c for c in reversed(clusters) if _compatible(c, m) and not c.mentions[0].distinct), None)
        if target is not None:
            target.mentions.append(m)
        elif m.kind != SUPPORT:
            clusters.append(_Cluster([m]))
    return [c for c in clusters if any(x.kind != SUPPORT for x in c.mentions)]


def _interaction(i1: int | None, i2: int | None) -> int | None:
    if i1 is None:
        return None
    if i2 is None:
        return i1 * 10
    a, b = sorted((i1, i2))
    return a * 10 + b


def _pick_count(counts: Iterable[Count]) -> Count:
    """ACLED: the lowest figure among the strongest kind said (numbers, then vague words, then implied)."""
    known = [c for c in counts if c.value is not None]
    if not known:
        return Count()
    strongest = max(c.strength for c in known)
    return min((c for c in known if c.strength == strongest), key=lambda c: c.value)


def _choose_type(cluster: _Cluster, clf: TypeClassifier, actor2: ActorMention | None,
                 actor1: ActorMention | None) -> tuple[SubType, str, list]:
    specific = cluster.specific
    civilian_target = actor2 is not None and actor2.actor.inter == 7
    if specific:
        best = max(specific, key=lambda m: m.classification.score)
        st = best.subtype
        reason = best.classification.reason
        cues = [[best.seg.doc[c.start:c.end].start_char, best.seg.doc[c.start:c.end].end_char,
                 best.seg.doc[c.start:c.end].text] for c in best.classification.cues]
        if st.key == "armed_clash" and civilian_target:
            st = clf.generic_civilian_target
            reason += "; the target is civilian, so an attack on civilians"
        elif st.key == "attack" and actor2 is not None and actor2.actor.inter in ARMED and (
                actor1 is None or actor1.actor.inter in ARMED):
            st = clf.generic_default
            reason += "; the target is an armed actor, so a battle"
        return st, reason, cues
    first = cluster.mentions[0]
    st = clf.generic_civilian_target if civilian_target else clf.generic_default
    why = "civilian target" if civilian_target else "between armed actors"
    cues = [[first.trigger.idx, first.trigger.idx + len(first.trigger.text), first.trigger.text]]
    return st, f"{st.sub_event_type} from '{first.trigger.text}' ({why}; no more specific cue)", cues


def _confidence(cluster: _Cluster, roles_ok: bool, actor2: bool, when: DateResolution, link: PlaceLink) -> float:
    specific = cluster.specific
    score = 0.35
    if specific:
        score += min(max(m.classification.score for m in specific), 10.0) / 10.0 * 0.25
    else:
        score += 0.08
    score += 0.15 if roles_ok else 0.0
    score += 0.05 if actor2 else 0.0
    score += 0.1 if when.explicit else 0.0
    score += 0.1 if link.rank <= 1 else (0.05 if link.place is not None else 0.0)
    score += 0.05 if len(cluster.mentions) > 1 else 0.0
    if all(m.status == HEDGED for m in cluster.mentions):
        score -= 0.1
    return round(max(0.0, min(1.0, score)), 3)


def _event(cluster: _Cluster, report: Report, clf: TypeClassifier, actors: ActorDictionary) -> Event:
    # the first full sentence that types the operation (a headline is a last resort)
    pool = cluster.specific or cluster.mentions
    primary = next((m for m in pool if not m.headline), pool[0])
    actor1 = cluster.actor1()
    targets = [((m.roles.actor2.actor.generic, m.kind != SPECIFIC, order), m.roles.actor2)
               for order, m in enumerate(cluster.mentions)
               if m.roles.actor2 and (not actor1 or m.roles.actor2.actor.name != actor1.actor.name)]
    actor2 = min(targets, key=lambda t: t[0])[1] if targets else None
    assoc1: list[ActorMention] = []
    for m in cluster.mentions:
        # a partner said to have acted in the same operation ("local partner forces helped carry out
        # the operation") is associated with actor1, not a rival actor1
        helper = [m.roles.actor1] if m.roles.actor1 and m.kind == SUPPORT else []
        for a in m.roles.assoc1 + helper:
            if all(a.actor.name != b.actor.name for b in assoc1) and (not actor1 or a.actor.name != actor1.actor.name) \
                    and (not actor2 or a.actor.name != actor2.actor.name):
                assoc1.append(a)
    assoc2: list[ActorMention] = []
    for m in cluster.mentions:
        if actor2 is None or m.roles.actor2 is None or m.roles.actor2.actor.name != actor2.actor.name:
            continue
        for a in m.roles.assoc2:
            if all(a.actor.name != b.actor.name for b in assoc2) and a.actor.name not in {
                    actor2.actor.name, actor1.actor.name if actor1 else ""}:
                assoc2.append(a)
    inferred1 = ""
    if actor1 is None:
        actor1 = _retaliation_target(cluster, actor2)
        if actor1 is not None:
            inferred1 = (f"actor1 '{actor1.text}': no attacker named; the operation that answered this attack "
                         f"targeted it")
    st, type_reason, type_cues = _choose_type(cluster, clf, actor2, actor1)
    if actor2 is None and st.key in actors.reciprocal_subtypes:
        actor2 = _counterparty(cluster, actors, actor1)
    when = cluster.best_date()
    if not when.date:
        when = fallback_date(report.published)
    link = cluster.best_link()
    place = link.place
    cc = place.country_code if place else ""
    fatal = _pick_count(m.casualties.fatalities for m in cluster.mentions)
    injured = _pick_count(m.casualties.injured for m in cluster.mentions)
    detained = _pick_count(m.casualties.detained for m in cluster.mentions)
    country = place.country if place else ""
    a1 = actors.localise(actor1.actor, cc, country) if actor1 else None
    a2 = actors.localise(actor2.actor, cc, country) if actor2 else None
    inter1 = a1.inter_in(cc) if a1 else None
    inter2 = a2.inter_in(cc) if a2 else None
    actor_reasons = [m.roles.reason for m in cluster.mentions if m.roles.reason and m.kind != SUPPORT]
    if inferred1:
        actor_reasons.append(inferred1)
    evidence: dict[str, list] = {"type": type_cues}
    if actor1:
        evidence["actor1"] = [actor1.evidence]
    if actor2:
        evidence["actor2"] = [actor2.evidence]
    if assoc1:
        evidence["assoc_actor_1"] = [a.evidence for a in assoc1]
    if assoc2:
        evidence["assoc_actor_2"] = [a.evidence for a in assoc2]
    if when.evidence:
        evidence["date"] = [when.evidence]
    if link.evidence:
        evidence["place"] = link.evidence
    if fatal.evidence:
        evidence["fatalities"] = fatal.evidence
    evidence["sentences"] = [[m.seg.start_char, m.seg.end_char, m.kind] for m in cluster.mentions]
    civilian = "Civilian targeting" if (inter2 == 7 or st.event_type == "Violence against civilians") else ""
    return Event(
        event_id=f"{report.report_id}-{primary.seg.start_char}",
        event_date=when.date,
        year=int(when.date[:4]) if when.date else None,
        time_precision=when.precision,
        disorder_type=st.disorder_type,
        event_type=st.event_type,
        sub_event_type=st.sub_event_type,
        actor1=a1.name if a1 else "",
        assoc_actor_1="; ".join(a.actor.name for a in assoc1),
        inter1=inter1,
        actor2=a2.name if a2 else "",
        assoc_actor_2="; ".join(a.actor.name for a in assoc2),
        inter2=inter2,
        interaction=_interaction(inter1, inter2),
        civilian_targeting=civilian,
        iso=iso_numeric(cc),
        region=acled_region(cc),
        country=country,
        admin1=place.admin1 if place else "",
        admin2=place.admin2 if place else "",
        location=(place.name or place.text) if place else "",
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        geo_precision=place.precision if place else None,
        source=report.publisher,
        notes=span_text(primary.seg).strip(),
        fatalities=fatal.value or 0,
        fatalities_known=fatal.value is not None,
        injured=injured.value,
        detained=detained.value,
        plover_category=st.plover_category,
        plover_mode=st.plover_mode,
        is_summary=any(m.summary for m in cluster.mentions),
        confidence=_confidence(cluster, bool(actor1 and any(m.roles.syntactic for m in cluster.mentions)),
                               actor2 is not None, when, link),
        source_url=report.url,
        published=report.published,
        report_id=report.report_id,
        sentence_start=primary.seg.start_char,
        sentence_end=primary.seg.end_char,
        geonameid=place.geonameid if place else None,
        country_code=cc,
        geo_radius_km=place.radius_km if place else None,
        geo_reason=link.reason,
        date_reason=when.reason,
        type_reason=type_reason + (f"; {len(cluster.mentions)} mentions merged" if len(cluster.mentions) > 1 else ""),
        actor_reason="; ".join(actor_reasons) or "no actor named",
        evidence=evidence,
    )


def extract_events(doc: Doc, report: Report, places: list[Place],
                   classifier: TypeClassifier | None = None, actors: ActorDictionary | None = None) -> list[Event]:
    """The events ``report`` describes, one row per operation, from its parse and its places."""
    clf = classifier or default_classifier()
    actor_dict = actors or default_actors()
    actor_mentions = _actors_not_places(doc, actor_dict.find(doc, [(p.start, p.end) for p in places]), places)
    segs = segments(doc)
    mentions = _find_mentions(doc, report, places, clf, actor_dict, actor_mentions, segs)
    clusters = _cluster(mentions)
    _link_answers(clusters)
    _attach_following_counts(clusters, mentions, segs)
    events: list[Event] = []
    for c in clusters:
        events.extend(_split_by_place(_event(c, report, clf, actor_dict), c))
    forget_doc_work(doc)  # per-call caches, not part of the doc
    return events


def _link_answers(clusters: list[_Cluster]) -> None:
    """An earlier attack that an operation answered ("the raids answered an attack on Tuesday")
    remembers that operation: the one told in the same sentence, else the one told before it."""
    for i, c in enumerate(clusters):
        if not c.mentions[0].distinct:
            continue
        seg_start = c.mentions[0].seg.start
        earlier = [o for o in clusters[:i] if not o.mentions[0].distinct]
        same = [o for o in earlier if any(m.seg.start == seg_start for m in o.mentions)]
        c.answered_by = (same or earlier or [None])[-1]


def _retaliation_target(cluster: _Cluster, actor2: ActorMention | None) -> ActorMention | None:
    """Who made an attack that names no attacker, when an operation answered it: if the answering
    operation's actor1 is the attack's target, the attack was made by the operation's named target
    ("US jets struck Kataib Hezbollah ... the raids answered an attack on US troops")."""
    answer = cluster.answered_by
    if answer is None or actor2 is None:
        return None
    their1 = answer.actor1()
    if their1 is None or their1.actor.name != actor2.actor.name:
        return None
    targets = [m.roles.actor2 for m in answer.mentions if m.kind != SUPPORT and m.roles.actor2
               and not m.roles.actor2.actor.generic and m.roles.actor2.actor.inter != 7
               and m.roles.actor2.actor.name != actor2.actor.name]
    return targets[0] if targets else None


def _counterparty(cluster: _Cluster, actors: ActorDictionary, actor1: ActorMention | None) -> ActorMention | None:
    """In an agreement the parties named together as its subject are actor1 and actor2 ("The
    United States and Iraq have agreed"): a country party stands for its state's forces."""
    home = actor1.actor.home if actor1 else ""
    generic = actors.get(actors.generic_state)
    for m in cluster.mentions:
        for p in m.parties:
            if p.country_code == home or generic is None:
                continue
            actor = actors.localise(generic, p.country_code, p.country or p.name)
            span = m.seg.doc.char_span(p.start, p.end, alignment_mode="expand")
            if span is None or (actor1 and actor.name == actor1.actor.name):
                continue
            return ActorMention(actor, span.start, span.end, p.start, p.end, p.text, True)
    return None


def _split_by_place(event: Event, cluster: _Cluster) -> list[Event]:
    """One row per place when the sentence shares the operation out ("struck two sites, one at X and
    the other in Y"): ACLED codes each location; a total casualty figure is split evenly, the remainder
    going to the first place."""
    primary = next((m for m in cluster.specific if not m.headline), None)
    if primary is None or not primary.link.others or primary.link.place is None:
        return [event]
    words = {t.lower_ for t in primary.seg}
    if not words & modality().distributive_cues:
        return [event]
    chosen = primary.link.place
    if chosen.kind == "country":
        return [event]
    spots = [chosen] + [p for p in primary.link.others
                        if p.latitude is not None and p.kind != "country" and chosen.latitude is not None
                        and distance_km(p, chosen) > 50.0]
    spots = sorted({id(p): p for p in spots}.values(), key=lambda p: p.start)
    if len(spots) < 2:
        return [event]
    out = []
    share, rest = divmod(event.fatalities, len(spots))
    for k, spot in enumerate(spots):
        e = replace(event, event_id=f"{event.event_id}-{k + 1}", location=spot.name or spot.text,
                    iso=iso_numeric(spot.country_code), region=acled_region(spot.country_code),
                    latitude=spot.latitude, longitude=spot.longitude, geo_precision=spot.precision,
                    geonameid=spot.geonameid, country=spot.country, admin1=spot.admin1, admin2=spot.admin2,
                    country_code=spot.country_code, geo_radius_km=spot.radius_km,
                    geo_reason=f"'{spot.text}': one of {len(spots)} places the sentence shares the operation over",
                    fatalities=share + (rest if k == 0 else 0),
                    evidence={**event.evidence, "place": [[spot.start, spot.end, spot.text]]})
        out.append(e)
    return out


_LOCATIVE = {"in", "near", "across", "inside", "into", "throughout", "at", "outside", "around", "from", "of"}


def _actors_not_places(doc: Doc, mentions: list[ActorMention], places: list[Place]) -> list[ActorMention]:
    """Drop actor names used as places ("attacks in Turkey"); keep them as actors elsewhere."""
    out = []
    for m in mentions:
        root = doc[m.start:m.end].root  # the place must be the actor's head: "attacks in Turkey", not
        # "forces of the US-led coalition"
        overlaps = any(p.start < root.idx + len(root) and root.idx < p.end for p in places)
        if overlaps and root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE:
            continue
        out.append(m)
    return out


def _attach_following_counts(clusters: list[_Cluster], mentions: list[_Mention], segs: list[Span]) -> None:
    """A casualty figure in the sentence right after an event's sentence, with no event of its own,
    belongs to that event ("Local responders counted 13 bodies."); so does another source's figure
    right after such a sentence ("The Iraqi military gave a figure of 14.")."""
    # a sentence with an event of its own keeps its counts; one that only refers back to an
    # operation ("said the operation took place ...") and joined none can carry a figure
    own_event = {m.seg.start for m in mentions if m.kind != SUPPORT}
    owner: dict[int, _Cluster] = {}
    for c in clusters:
        for m in c.mentions:
            owner[m.seg.start] = c
    for i, seg in enumerate(segs):
        if seg.start in own_event or seg.start in owner or i == 0:
            continue
        prev = segs[i - 1]
        cluster = owner.get(prev.start)
        if cluster is None:
            continue
        before = [m.casualties.fatalities for m in cluster.mentions if m.seg.start == prev.start]
        counts = count_casualties(seg, after_figure=any(c.value is not None and c.strength == NUMERIC
                                                          for c in before))
        if counts.fatalities.value is not None and counts.fatalities.strength == NUMERIC:
            last = cluster.mentions[-1]
            extra = _Mention(seg, seg.root, seg.root, SUPPORT, None, last.classification, last.status,
                             "casualty figure after the event's sentence", False, Roles(), last.date, counts,
                             PlaceLink(None, ""))
            cluster.mentions.append(extra)
            owner[seg.start] = cluster


# ---------------------------------------------------------------------------------------------
# Batch interface: `opsmap extract IN.jsonl`
# ---------------------------------------------------------------------------------------------

def _geoparser(settings):
    """The geoparser over the offline gazetteer, or None (with a warning) while it is unavailable."""
    try:
        from .gazetteer import ensure_gazetteer
        from .geoparse import Geoparser
    except ImportError as exc:
        print(f"opsmap extract: geoparser unavailable ({exc}); events get no place", file=sys.stderr)
        return None
    return Geoparser(ensure_gazetteer(settings.gazetteer_path))


def report_from_record(record: dict) -> Report:
    """A Report from one input line {"id", "text", "published"?, "url"?, "title"?, "publisher"?}."""
    return Report(text=str(record.get("text", "")), title=str(record.get("title", "") or ""),
                  url=str(record.get("url", "") or ""), published=str(record.get("published", "") or ""),
                  publisher=str(record.get("publisher", "") or record.get("source", "") or ""),
                  report_id=str(record.get("id", "") or ""))


def extract_records(records: list[dict], settings, geoparser=None) -> Iterable[tuple[dict, list[Event]]]:
    """(record, events) for each record: parse in batches, geoparse, extract."""
    from .nlp import get_nlp

    nlp = get_nlp(settings.spacy_model)
    clf = classifier_for(settings)
    reports = [report_from_record(r) for r in records]
    for record, report, doc in zip(records, reports, nlp.pipe((r.text for r in reports), batch_size=32)):
        places = geoparser.parse(doc) if geoparser is not None else []
        events = extract_events(doc, report, places, clf)[: settings.max_events_per_report]
        yield record, events


def extract_jsonl(fin: IO[str], fout: IO[str], settings) -> int:
    """Read {"id", "text", ...} lines, write {"id", "events": [...]} lines; returns the number of reports."""
    records = [json.loads(line) for line in fin if line.strip()]
    geoparser = _geoparser(settings)
    n = 0
    for record, events in extract_records(records, settings, geoparser):
        fout.write(json.dumps({"id": record.get("id"), "events": [asdict(e) for e in events]},
                              ensure_ascii=False) + "\n")
        n += 1
    return n
