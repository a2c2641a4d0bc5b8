"""Actors: who acted, against whom, and with whom, named as in the actor dictionary.

Names come from data/actors.yaml (canonical name, aliases, ACLED inter code). Roles come from
the dependency parse around the event's trigger: the subject or passive "by" phrase is actor1,
the object, passive subject or "against/on/of" phrase is actor2, "with/alongside" phrases give
associated actors, and "according to X" / "X said" make X a source rather than a party.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from .knowledge import load_data
from .nlp import doc_entities
from .detect import CueIndex, governing_verb, lemma_positions, modality


@dataclass(frozen=True)
class Actor:
    name: str
    inter: int | None
    home: str = ""  # ISO country code of a state's forces; "" for non-state actors
    generic: bool = False  # a description ("gunmen", "civilians"), yields to a named actor

    def inter_in(self, country_code: str) -> int | None:
        """ACLED inter code where the event happened: state forces abroad are external forces (8)."""
        if self.home and country_code and self.inter == 1 and country_code.upper() != self.home:
            return 8
        return self.inter


@dataclass(frozen=True)
class ActorMention:
    actor: Actor
    start: int  # token indices in the doc
    end: int
    start_char: int
    end_char: int
    text: str
    known: bool  # from the dictionary (False: an organisation spaCy found)

    @property
    def evidence(self) -> list:
        return [self.start_char, self.end_char, self.text]


class ActorDictionary:
    """Finds actor mentions in a doc: dictionary aliases first, then spaCy ORG entities it lacks."""

    def __init__(self, data: dict | None = None) -> None:
        data = data or load_data("actors.yaml")
        self.version = str(data.get("version", ""))
        self.actors: dict[str, Actor] = {}
        self.index: CueIndex[Actor] = CueIndex()
        for spec in data["actors"]:
            actor = Actor(spec["name"], spec.get("inter"), spec.get("home", ""), bool(spec.get("generic")))
            self.actors[actor.name] = actor
            self.index.add(actor.name, actor)
            for alias in spec.get("aliases", ()):
                self.index.add(str(alias), actor)
            for alias in spec.get("exact", ()):
                self.index.add(str(alias), actor, exact=True)
        for demonym, name in (data.get("demonyms") or {}).items():
            for noun in data.get("military_nouns", ()):
                self.index.add(f"{demonym} {noun}", self.actors[name], exact=demonym.isupper() or "." in demonym)
        self.generic_state = str(data.get("generic_state_actor", "State Security Forces"))
        self.reciprocal_subtypes = frozenset(data.get("reciprocal_subtypes", ()))
        self.associate_markers = tuple(sorted(data.get("associate_markers", ()), key=len, reverse=True))
        self.source_markers = tuple(data.get("source_markers", ()))

    def get(self, name: str) -> Actor | None:
        return self.actors.get(name)

    def localise(self, actor: Actor, country_code: str, country: str) -> Actor:
        """ "security forces" in Iraq are Iraq's forces: a generic state actor takes the country's name."""
        if actor.name != self.generic_state or not (country_code or country):
            return actor
        for candidate in self.actors.values():
            if candidate.home == country_code.upper() and candidate.name.startswith("Military Forces of"):
                return candidate
        if country:
            return Actor(f"Military Forces of {country}", 1, country_code.upper())
        return actor

    def resolve(self, text: str) -> Actor | None:
        """The canonical actor for a name written alone ("Daesh" -> Islamic State), if any."""
        found = self.index.find(_blank()(text))
        return found[0].payload if len(found) == 1 else None

    def find(self, doc: Doc, not_actors: list[tuple[int, int]] = ()) -> list[ActorMention]:
        """Actor mentions in ``doc``; organisations spaCy found inside ``not_actors`` (character
        ranges, e.g. place names) are not taken as actors."""
        out: list[ActorMention] = []
        covered: set[int] = set()
        for m in self.index.find(doc):
            span = doc[m.start:m.end]
            out.append(ActorMention(m.payload, m.start, m.end, span.start_char, span.end_char, span.text, True))
            covered.update(range(m.start, m.end))
        for ent in doc_entities(doc):
            if ent.label_ != "ORG" or covered & set(range(ent.start, ent.end)):
                continue
            if any(s < ent.end_char and ent.start_char < e for s, e in not_actors):
                continue
            name = ent.text.strip()
            if name.lower().startswith("the "):
                name = name[4:]
            if len(name) < 3 or name.isdigit():
                continue
            out.append(ActorMention(Actor(name, None), ent.start, ent.end, ent.start_char, ent.end_char,
                                    ent.text, False))
        out.sort(key=lambda a: a.start)
        return out


@lru_cache(maxsize=1)
def _blank():
    """A tokenizer-only pipeline for resolving a bare name (no parse needed)."""
    import spacy

    return spacy.blank("en")


@lru_cache(maxsize=1)
def default_actors() -> ActorDictionary:
    """The shipped actor dictionary, built once per process."""
    return ActorDictionary()


# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------

@dataclass
class Roles:
    actor1: ActorMention | None = None
    actor2: ActorMention | None = None
    assoc1: list[ActorMention] = field(default_factory=list)
    assoc2: list[ActorMention] = field(default_factory=list)
    reason: str = ""
    syntactic: bool = False  # actor1 came from the parse, not a fallback


def _subtree(token: Token) -> set[int]:
    return {t.i for t in token.subtree}


_SOURCE_NOUNS = frozenset({"statement", "spokesman", "spokesperson", "official", "source", "sources",
                           "commander", "monitor", "observatory"})


@lru_cache(maxsize=1)
def _source_lemmas() -> frozenset[str]:
    """The lemmas a source word can have (one object, so the doc's lemma positions are kept once)."""
    return _SOURCE_NOUNS | modality().reporting_verbs


def _sources(seg: Span, actors: ActorDictionary) -> set[int]:
    """Tokens that name a source of the report ("according to CENTCOM", "the statement made by X").

    Only the words that can start one are read: "according" and the source nouns' and reporting
    verbs' lemmas, found in the match keys kept on the doc (no Token object for the other words)."""
    out: set[int] = set()
    mod = modality()
    doc = seg.doc
    word_idx, _keys, positions = CueIndex._doc_keys(doc)
    candidates = set(lemma_positions(doc, _source_lemmas()))
    candidates.update(word_idx[k] for k in positions.get("according", ()))
    for i in sorted(c for c in candidates if seg.start <= c < seg.end):
        tok = doc[i]
        low = tok.lower_
        if low == "according" and tok.i + 1 < seg.end:
            out |= _subtree(tok)
        elif tok.lemma_.lower() in _SOURCE_NOUNS and tok.dep_ in {"pobj", "nsubj"}:
            if tok.dep_ == "pobj" and tok.head.lower_ in {"to", "by", "from"}:
                out |= _subtree(tok)
        elif tok.pos_ == "VERB" and tok.lemma_.lower() in mod.reporting_verbs:
            has_clause = any(c.dep_ in {"ccomp", "parataxis"} for c in tok.children)
            if has_clause or tok.head.dep_ in {"ccomp"}:
                for c in tok.children:
                    if c.dep_ in {"nsubj", "agent"}:
                        out |= _subtree(c)
    return out


def assign_roles(trigger: Token, seg: Span, mentions: list[ActorMention], actors: ActorDictionary) -> Roles:
    """actor1/actor2/associates for the event named by ``trigger`` in ``seg``."""
    in_seg = [m for m in mentions if seg.start <= m.start and m.end <= seg.end]
    if not in_seg:
        return Roles(reason="no actor named in the sentence")
    verb = governing_verb(trigger, seg)
    agent: set[int] = set()
    patient: set[int] = set()
    assoc: set[int] = set()
    passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)
    clause_heads = [verb]
    if verb.dep_ in {"conj", "advcl", "xcomp"} and verb.head is not verb and seg.start <= verb.head.i < seg.end:
        clause_heads.append(verb.head)  # shared subject: "X raided ... and killed ..."
    for head in clause_heads:
        for child in head.children:
            dep = child.dep_
            if dep in {"nsubj", "csubj"} and not agent:
                agent |= _subtree(child)
            elif dep == "agent":
                agent |= _subtree(child)
            elif dep == "nsubjpass" and head is verb:
                patient |= _subtree(child)
            elif dep in {"dobj", "attr"} and head is verb:
                patient |= _subtree(child)
            elif dep == "prep":
                low = child.lower_
                if low in {"against", "on", "targeting", "at"} and head is verb:
                    patient |= _subtree(child)
                elif low in {"with", "alongside"}:
                    assoc |= _subtree(child)
            elif dep in {"advcl", "conj"} and child.lemma_.lower() in {"target", "kill", "hit", "strike", "destroy",
                                                                    "bomb", "wound", "injure"}:
                for cc in child.children:  # "..., striking sites used by the IRGC"
                    if cc.dep_ == "dobj":
                        patient |= _subtree(cc)
    if trigger is not verb:
        for child in trigger.children:
            dep = child.dep_
            if dep in {"compound", "amod", "poss", "nmod", "npadvmod"}:
                agent |= _subtree(child)
            elif dep == "prep" and child.lower_ in {"of", "against", "on", "targeting"}:
                patient |= _subtree(child)
            elif dep == "prep" and child.lower_ in {"by"}:
                agent |= _subtree(child)
            elif dep == "prep" and child.lower_ in {"with", "alongside"}:
                assoc |= _subtree(child)
        if trigger.dep_ == "acl":  # "the individual killed in the operation": the head noun is the victim
            patient |= {trigger.head.i}
        for child in trigger.children:  # "a raid carried out by the coalition"
            if child.dep_ == "acl":
                for cc in child.children:
                    if cc.dep_ == "agent":
                        agent |= _subtree(cc)
    if trigger.dep_ in {"acl", "relcl"} and trigger is verb:
        patient |= {t.i for t in trigger.head.subtree if t.i < trigger.i}
    if not any(any(i in agent for i in range(m.start, m.end)) for m in in_seg):
        # "was killed in a raid carried out by the coalition", "killed in a US strike"
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ in {"in", "during", "by"}:
                for noun in prep.children:
                    if noun.dep_ != "pobj":
                        continue
                    for c in noun.children:
                        if c.dep_ in {"compound", "amod", "poss", "nmod"}:
                            agent |= _subtree(c)
                        elif c.dep_ == "acl":
                            for cc in c.children:
                                if cc.dep_ == "agent":
                                    agent |= _subtree(cc)
    doc = seg.doc
    for i in range(seg.start, seg.end):  # "coalition troops backed by local partners": the backers are associates
        if i not in agent:  # (read as each word comes: the loop takes backers out of ``agent``)
            continue
        tok = doc[i]
        if tok.dep_ == "acl" and tok.lemma_.lower() in {
                "back", "support", "assist", "aid", "join", "accompany", "help"}:
            for c in tok.children:
                if c.dep_ == "agent":
                    sub = _subtree(c)
                    assoc |= sub
                    agent -= sub
    sources = _sources(seg, actors)
    agent -= sources
    patient -= sources

    def pick(tokens: set[int], exclude: list[ActorMention]) -> ActorMention | None:
        """The named actor in ``tokens``: dictionary names before descriptions before unknown ORGs."""
        found = [m for m in in_seg if m not in exclude and any(i in tokens for i in range(m.start, m.end))]
        if not found:
            return None
        return min(found, key=lambda m: (not m.known, m.actor.generic, m.start))

    roles = Roles()
    roles.actor1 = pick(agent, [])
    if roles.actor1 is None and any(seg.doc[i].lower_ in {"it", "they", "we"} for i in agent):
        # "The SDF said it had captured ...": the pronoun is the reporting subject
        speakers = [m for m in in_seg if any(i in sources for i in range(m.start, m.end)) and m.known]
        if speakers:
            roles.actor1 = speakers[0]
    roles.syntactic = roles.actor1 is not None
    roles.actor2 = pick(patient, [roles.actor1] if roles.actor1 else [])
    if roles.actor2 and roles.actor1 and roles.actor2.actor.name == roles.actor1.actor.name:
        roles.actor2 = None
    for m in in_seg:
        if m in (roles.actor1, roles.actor2):
            continue
        if any(i in assoc for i in range(m.start, m.end)) and (
                not roles.actor1 or m.actor.name != roles.actor1.actor.name):
            roles.assoc1.append(m)
        elif roles.actor2 and any(i in patient for i in range(m.start, m.end)) and m.actor.name not in {
                roles.actor2.actor.name, roles.actor1.actor.name if roles.actor1 else ""} \
                and m.actor.inter != 7 and all(m.actor.name != a.actor.name for a in roles.assoc2):
            roles.assoc2.append(m)  # "sites used by the IRGC and the militias it backs"
    why = []
    if roles.actor1:
        why.append(f"actor1 '{roles.actor1.text}' is the {'passive agent' if passive else 'subject'} of "
                   f"'{verb.text}'")
    else:  # fall back to order: the first non-source actor before the trigger acts
        taken = {id(m) for m in [roles.actor2, *roles.assoc1] if m}
        before = [m for m in in_seg if m.start < trigger.i and id(m) not in taken
                  and not any(i in sources for i in range(m.start, m.end))]
        if before:
            roles.actor1 = before[0]
            why.append(f"actor1 '{before[0].text}' named before the trigger")
    if roles.actor2:
        why.append(f"actor2 '{roles.actor2.text}' is what '{trigger.text}' targets")
    else:
        taken = {id(m) for m in [roles.actor1, *roles.assoc1] if m}
        clause = {t.i for t in verb.subtree}
        after = [m for m in in_seg if m.start > trigger.i and id(m) not in taken and m.start in clause
                 and governing_verb(seg.doc[m.start:m.end].root, seg) in (verb, trigger)
                 and not any(i in sources for i in range(m.start, m.end))
                 and (not roles.actor1 or m.actor.name != roles.actor1.actor.name)]
        if after:
            roles.actor2 = after[0]
            why.append(f"actor2 '{after[0].text}' named after the trigger")
    if roles.assoc1:
        why.append("associated: " + ", ".join(f"'{m.text}'" for m in roles.assoc1))
    roles.reason = "; ".join(why)
    return roles
