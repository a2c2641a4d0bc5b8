"""Event typing: ACLED disorder/event/sub-event type and PLOVER category from cue words in context.

A transparent weighted-rule classifier: every sub-type in data/event_types.yaml lists cue
phrases with weights, context groups it requires ("protest" for the demonstration types) and,
for territory changes, whose agent it needs (state vs non-state). The sub-type with the highest
score wins; ties go to ACLED's precedence (the order in the file). Rules rather than a trained
model because they run offline in microseconds, explain themselves (``type_reason``) and can
be corrected by editing a data file. When the rules are unsure, a small text classifier trained on
example sentences we wrote (``typer``) adds its vote to the sub-types the rules proposed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from spacy.tokens import Doc, Span, Token

from .knowledge import load_data
from .nlp import doc_entities
from .detect import FACTUAL, CueIndex, CueMatch, factuality, governing_verb, is_earlier_event, segments
from .typer import TrainedTyper, trained_typer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubType:
    key: str
    sub_event_type: str
    event_type: str
    disorder_type: str
    case_label: str
    plover_category: str
    plover_mode: str
    operation: bool
    requires: tuple[str, ...]
    bonus: tuple[tuple[str, float], ...]
    agent: str  # "", "state" or "nonstate"
    order: int
    instruments: frozenset[str] = frozenset()  # weapon/platform cues that need a violent act
    yields_to: tuple[tuple[str, float], ...] = ()  # escalations that win once they reach a score


@dataclass
class Classification:
    subtype: SubType | None  # None: no operation
    score: float
    scores: dict[str, float]
    cues: list[CueMatch] = field(default_factory=list)  # the cues that voted for the winner
    generic: list[CueMatch] = field(default_factory=list)  # factual generic cues (kill, operation)
    reason: str = ""
    weights: list[float] = field(default_factory=list)  # each winning cue's weight, aligned with ``cues``

    @property
    def is_operation(self) -> bool:
        return self.subtype is not None and self.subtype.operation


VIOLENCE = "@violence"  # payload key of the method-less violence cues, routed by who the victims are


class TypeClassifier:
    """Scores text spans against the sub-event types of the typology file."""

    def __init__(self, data: dict | None = None, typer: TrainedTyper | None = None,
                 embeddings: bool = False) -> None:
        """``embeddings``: ``typer`` is the bag-of-words typer joined by the embedding typer
        (``embed_typer.EnsembleTyper``), whose combination numbers are ``embedding_typer`` in the file."""
        data = data or load_data("event_types.yaml")
        self.typer = typer
        self.embeddings = embeddings
        combine = {**data, **(data.get("embedding_typer") or {})} if embeddings else data
        self.typer_weight = float(combine.get("typer_weight", 0.0))
        self.rules_sure = float(combine.get("rules_sure", float("inf")))
        self.typer_alone = float(combine.get("typer_alone", 1.1))  # above 1: never
        self.version = str(data.get("version", ""))
        self.subtypes: dict[str, SubType] = {}
        phrases: dict[str, list[tuple[str, float]]] = {}
        for order, (key, spec) in enumerate(data["sub_event_types"].items()):
            plover = spec.get("plover") or ["", ""]
            self.subtypes[key] = SubType(
                key=key, sub_event_type=spec.get("sub_event_type") or "", event_type=spec.get("event_type") or "",
                disorder_type=spec.get("disorder_type") or "", case_label=spec.get("case_label", ""),
                plover_category=plover[0], plover_mode=plover[1] if len(plover) > 1 else "",
                operation=bool(spec.get("operation", True)), requires=tuple(spec.get("requires", ())),
                bonus=tuple((g, float(w)) for g, w in (spec.get("bonus") or {}).items()),
                agent=spec.get("agent", ""), order=order,
                instruments=frozenset(str(p).lower() for p in spec.get("instruments", ())),
                yields_to=tuple((k, float(v)) for k, v in (spec.get("yields_to") or {}).items()))
            for phrase, weight in (spec.get("cues") or {}).items():
                phrases.setdefault(str(phrase).lower(), []).append((key, float(weight)))
        group_phrases: dict[str, list[str]] = {}
        for group, words in data["groups"].items():
            for word in words:
                group_phrases.setdefault(str(word).lower(), []).append(group)
        self.group_index: CueIndex[list[str]] = CueIndex()
        for phrase, names in group_phrases.items():
            self.group_index.add(phrase, names)
        for phrase, weight in (data.get("violence_cues") or {}).items():
            phrases.setdefault(str(phrase).lower(), []).append((VIOLENCE, float(weight)))
        self.violence_routes: dict[str, str] = dict(data.get("violence_routes") or {})
        self.cue_index = CueIndex()
        for phrase, votes in phrases.items():
            self.cue_index.add(phrase, votes)
        self.generic_weights: dict[str, float] = {str(k).lower(): float(v) for k, v in data["generic_cues"].items()}
        self.generic_index: CueIndex[float] = CueIndex()
        for phrase, weight in self.generic_weights.items():
            self.generic_index.add(phrase, weight)
        self.support_only = frozenset(str(p).lower() for p in data.get("support_only", ()))
        self.generic_default = self.subtypes[data["generic_default"]]
        self.generic_civilian_target = self.subtypes[data["generic_civilian_target"]]
        self.min_score = float(data.get("min_score", 3))
        self.territory_object_boost = float(data.get("territory_object_boost", 1.0))
        self.carried_groups = frozenset(data.get("carried_groups", ()))
        self.disrupt_verbs = frozenset(data.get("disrupt_verbs", ()))
        self.disrupt_nouns = frozenset(data.get("disrupt_nouns", ()))
        self.disrupt_from = frozenset(data.get("disrupt_from", ()))
        reason = data.get("protest_as_reason") or {}
        self.reason_arrest = frozenset(reason.get("arrest", ()))
        self.reason_markers = frozenset(reason.get("markers", ()))
        self.later_sentence_weight = float(data.get("later_sentence_weight", 1.0))
        self.subordinate_weight = float(data.get("subordinate_weight", 1.0))
        self.by_case_label = {s.case_label: s for s in self.subtypes.values() if s.case_label}
        self.by_sub_event_type = {s.sub_event_type: s for s in self.subtypes.values() if s.sub_event_type}

    # ------------------------------------------------------------------------------------------
    @staticmethod
    def _is_date_word(doc: Doc, m: CueMatch) -> bool:
        """A one-word cue that is a month in a date ("on 16 March", "March 7") is no cue: a date is
        not a march."""
        if m.end - m.start != 1:
            return False
        tok = doc[m.start]
        if not tok.text[:1].isupper():
            return False
        if tok.ent_type_ == "DATE":
            return True
        return any(0 <= j < len(doc) and doc[j].like_num for j in (tok.i - 1, tok.i + 1))

    def _protest_is_reason(self, doc: Doc, m: CueMatch) -> bool:
        """A protest named as why someone is arrested, not as where ("detained students who organised
        the protests", "arrested activists ahead of a planned rally"): ACLED codes such arrests as
        Arrests, not as a protest with intervention. True when, going up the parse from the protest
        word, a reason marker (organise, take part, ahead, charge...) comes before an arrest word."""
        if not self.reason_arrest:
            return False
        marker_at = None
        for k, anc in enumerate(islice(doc[m.start:m.end].root.ancestors, 7)):
            lemma = anc.lemma_.lower()
            if marker_at is None and lemma in self.reason_markers:
                marker_at = k
            if lemma in self.reason_arrest:
                return marker_at is not None
        return False

    def _scene_groups(self, span: Span | Doc, groups: dict[str, list[CueMatch[str]]]) -> dict[str, list[CueMatch[str]]]:
        """``groups`` without the protest words that are dates or only the reason for an arrest."""
        if "protest" not in groups:
            return groups
        doc = span.doc if isinstance(span, Span) else span
        kept = [m for m in groups["protest"] if not (self._is_date_word(doc, m) or self._protest_is_reason(doc, m))]
        if len(kept) == len(groups["protest"]):
            return groups
        out = {g: ms for g, ms in groups.items() if g != "protest"}
        if kept:
            out["protest"] = kept
        return out

    def groups_in(self, span: Span | Doc) -> dict[str, list[CueMatch[str]]]:
        """Context groups present in ``span``; a named place (GPE/LOC/FAC) counts as territory."""
        out: dict[str, list[CueMatch[str]]] = {}
        for m in self.group_index.find(span):
            for group in m.payload:
                out.setdefault(group, []).append(m)
        doc, start, end = (span.doc, span.start, span.end) if isinstance(span, Span) else (span, 0, len(span))
        for ent in doc_entities(doc):
            if not start <= ent.start < ent.end <= end:
                continue
            if ent.label_ in {"GPE", "LOC", "FAC"}:
                out.setdefault("territory", []).append(CueMatch(ent.start, ent.end, ent.text, "territory"))
        return out

    @staticmethod
    def _agent_tokens(trigger: Token) -> set[int]:
        """Token indices naming the trigger's agent: the head of its verb's subject (or of a passive's
        "by" phrase) with its modifiers, so "army and allied fighters" reads as the army."""

        def head_words(noun: Token) -> set[int]:
            words = {noun.i}
            for c in noun.children:
                if c.dep_ in {"compound", "amod", "nmod", "poss"}:
                    words.update(t.i for t in c.subtree)
                elif c.dep_ == "prep" and c.lower_ == "of":  # "units of the Syrian army"
                    for pobj in c.children:
                        if pobj.dep_ == "pobj":
                            words.add(pobj.i)
                            words.update(t.i for t in pobj.children if t.dep_ in {"compound", "amod"})
            return words

        verb = governing_verb(trigger)
        agent: set[int] = set()
        for child in verb.children:
            if child.dep_ in {"nsubj", "csubj"}:
                agent |= head_words(child)
            elif child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        agent |= head_words(pobj)
        cur = verb
        for _ in range(3):  # shared subject: "forces achieved a victory by controlling ...", "... and retook"
            if agent or cur.dep_ not in {"conj", "xcomp", "advcl", "pcomp", "prep"} or cur.head is cur:
                break
            cur = cur.head
            for child in cur.children:
                if child.dep_ in {"nsubj", "csubj"}:
                    agent |= head_words(child)
        if not agent:  # "Iraqi troops' recapture of ..."
            for child in trigger.children:
                if child.dep_ in {"poss", "compound", "amod", "nmod"}:
                    agent.update(t.i for t in child.subtree)
        return agent

    def _route_by_victims(self, cue: Token, groups: dict) -> str | None:
        """Where a method-less violence word goes, from its own victims ("killed six civilians" -> attack,
        "attacked a checkpoint" -> clash); None when the sentence does not say who was hit."""
        civilian = {gm.start for gm in groups.get("civilian", ())}
        armed = {gm.start for g in ("state", "nonstate") for gm in groups.get(g, ())}
        victims: set[int] = set()
        holders = [cue] if cue.pos_ in {"VERB", "AUX"} else [cue, governing_verb(cue)]
        for head in holders:
            for child in head.children:
                if child.dep_ in {"dobj", "nsubjpass"} or (child.dep_ == "prep" and child.lower_ in {"on", "against"}):
                    victims.update(t.i for t in child.subtree)
        if victims & civilian:
            return self.violence_routes.get("civilian", "attack")
        if victims & armed:
            return self.violence_routes.get("armed", "armed_clash")
        return None

    @staticmethod
    def _takes_territory(cue: Token, groups: dict) -> bool:
        """The territorial verb's object is a place ("captured the port of Mokha", "retook Palmyra")."""
        verb = governing_verb(cue)
        places = {gm.start for gm in groups.get("territory", ())}
        for child in verb.children:
            if child.dep_ in {"dobj", "nsubjpass"} or (child.dep_ == "prep" and child.lower_ in {"of", "over"}):
                if any(t.i in places or t.ent_type_ in {"GPE", "LOC", "FAC"} for t in child.subtree):
                    return True
        return False

    @staticmethod
    def _takes_weapons(cue: Token, groups: dict) -> bool:
        """The territorial verb's object is weapons, not a place ("troops seized rifles and ammunition"):
        ACLED codes a seizure of weapons as disrupted weapons use, never as a change of territory."""
        verb = governing_verb(cue)
        weapons = {gm.start for gm in groups.get("weapons_object", ())}
        for child in verb.children:
            if child.dep_ in {"dobj", "nsubjpass"}:
                heads = [child, *child.conjuncts]
                if any(h.i in weapons for h in heads):
                    return True
        return False

    def _disrupted(self, weapon: Token) -> bool:
        """A weapon that was found, seized or destroyed rather than used ("a stash of projectiles found")."""
        cur = weapon
        for _ in range(3):
            if cur.lemma_.lower() in self.disrupt_nouns and cur is not weapon:
                return True
            if cur.pos_ in {"VERB", "AUX"}:
                return cur.lemma_.lower() in self.disrupt_verbs and weapon.dep_ in {
                    "dobj", "nsubjpass", "conj", "pobj", "appos", "compound"} | ({"nsubj"} if cur.lemma_ == "contain" else set())
            if cur.head is cur:
                break
            cur = cur.head
        return False

    def classify(self, span: Span | Doc, factual_only: bool = False,
                 groups: dict[str, list[CueMatch[str]]] | None = None,
                 names: set[int] | None = None) -> Classification:
        """The best sub-type for ``span``; with ``factual_only`` cues that are not asserted are ignored.

        ``names``: token indices of proper names (actors), whose words are not cues
        ("Popular Mobilization Forces" mobilises nothing).
        """
        doc = span.doc if isinstance(span, Span) else span
        matches = [m for m in self.cue_index.find(span) if not self._is_date_word(doc, m)]
        generic_matches = self.generic_index.find(span)
        if names:
            matches = [m for m in matches if not all(i in names for i in range(m.start, m.end))]
            generic_matches = [m for m in generic_matches if not all(i in names for i in range(m.start, m.end))]
        if factual_only:
            segs = segments(span.doc) if isinstance(span, Doc) else [span]

            def seg_of(i: int) -> Span:
                for s in segs:
                    if s.start <= i < s.end:
                        return s
                return segs[0] if segs else span

            matches = [m for m in matches if factuality(span.doc[m.start] if isinstance(span, Span) else span[m.start],
                                                        seg_of(m.start)).status in FACTUAL]
            generic_matches = [m for m in generic_matches
                               if factuality(span.doc[m.start] if isinstance(span, Span) else span[m.start],
                                             seg_of(m.start)).status in FACTUAL]
        if groups is None:
            groups = self.groups_in(span)
        groups = self._scene_groups(span, groups)
        scores: dict[str, float] = {}
        voters: dict[str, list[CueMatch]] = {}
        voter_weights: dict[str, list[float]] = {}
        agent_groups: dict[int, set[str]] = {}
        # The first sentence of a text says what happened; later ones add context and history.
        first_end = next(iter(doc.sents)).end if isinstance(span, Doc) else span.end

        def position_weight(i: int) -> float:
            w = 1.0 if i < first_end else self.later_sentence_weight
            tok = doc[i]
            for anc in [tok, *islice(tok.ancestors, 4)]:  # background clauses: "where fighting has ..."
                if anc.dep_ in {"relcl", "appos"}:
                    return w * self.subordinate_weight
            if is_earlier_event(tok):  # "sanctions in response to the chemical attack"
                return w * self.subordinate_weight
            return w

        counted: set[tuple[str, str]] = set()  # each phrase counts once per sub-type
        if "civilian" in groups:
            violence_to = self.violence_routes.get("civilian", "attack")
        elif "state" in groups or "nonstate" in groups:
            violence_to = self.violence_routes.get("armed", "armed_clash")
        else:
            violence_to = self.violence_routes.get("neither", "attack")
        for m in matches:
            disrupted = self._disrupted(doc[m.start:m.end].root)
            for key, weight in m.payload:
                if key == VIOLENCE:
                    key = self._route_by_victims(doc[m.start:m.end].root, groups) or violence_to
                if disrupted and key in self.disrupt_from:
                    key = "disrupted_weapons_use"
                st = self.subtypes[key]
                if any(g not in groups for g in st.requires):
                    continue
                if (key, m.phrase) in counted:
                    continue
                if "territory" in st.requires and self._takes_weapons(doc[m.start:m.end].root, groups):
                    continue
                if m.phrase in st.instruments and "violent_acts" not in groups:
                    continue
                counted.add((key, m.phrase))
                w = weight * position_weight(m.start)
                if "territory" in st.requires and self._takes_territory(doc[m.start:m.end].root, groups):
                    w *= self.territory_object_boost
                if st.agent:
                    if m.start not in agent_groups:
                        agent_tok = self._agent_tokens(doc[m.start])
                        agent_groups[m.start] = {g for g, ms in groups.items()
                                                 if any(gm.start in agent_tok for gm in ms)}
                    found = agent_groups[m.start]
                    other = "nonstate" if st.agent == "state" else "state"
                    if other in found and st.agent not in found:
                        w *= 0.25
                    elif not (st.agent in found and other not in found):
                        w *= 0.5
                scores[key] = scores.get(key, 0.0) + w
                voters.setdefault(key, []).append(m)
                voter_weights.setdefault(key, []).append(w)
        for key in scores:
            for group, bonus in self.subtypes[key].bonus:
                if group in groups:
                    scores[key] += bonus
        probs: dict[str, float] | None = None
        if len(scores) > 1 and self.typer is not None and self.typer_weight and max(scores.values()) < self.rules_sure:
            probs = self.typer.probabilities(span)
            for key in scores:  # the rules propose, the typer helps choose between their proposals
                scores[key] += self.typer_weight * probs.get(key, 0.0)
        if max(scores.values(), default=0.0) < self.min_score and not factual_only:
            alone = self._typer_alone(span, scores, generic_matches, probs)
            if alone is not None:
                return alone
        if not scores:
            return Classification(None, 0.0, {}, [], generic_matches, "no cue")
        best_key = max(scores, key=lambda k: (scores[k], -self.subtypes[k].order))
        # escalations are tried in the order listed (ACLED's precedence); the first that reaches its score wins
        seen = {best_key}
        while True:  # an escalation may escalate again
            nxt = next((k for k, at in self.subtypes[best_key].yields_to if scores.get(k, 0.0) >= at), best_key)
            if nxt in seen:
                break
            seen.add(nxt)
            best_key = nxt
        best = self.subtypes[best_key]
        cue_text = ", ".join(sorted({m.phrase for m in voters[best_key]})) or "no cue word"
        if scores[best_key] < self.min_score:
            return Classification(None, scores[best_key], scores, voters[best_key], generic_matches,
                                  f"weak cues ({cue_text}: {scores[best_key]:g} < {self.min_score:g})")
        typed = f"; trained typer p={probs.get(best_key, 0.0):.2f}" if probs is not None else ""
        reason = f"{best.sub_event_type or best.case_label} from '{cue_text}' (score {scores[best_key]:.3g}{typed})"
        return Classification(best, scores[best_key], scores, voters[best_key], generic_matches, reason,
                              voter_weights[best_key])

    def _typer_alone(self, span: Span | Doc, scores: dict[str, float], generic: list[CueMatch],
                     probs: dict[str, float] | None = None) -> Classification | None:
        """A whole text on which the rules found no or only weak cues: the typer's label when it is sure
        enough (``typer_alone``). Not used to find events in sentences (``factual_only``), where a
        sentence without cues is most often no event at all. ``probs``: the typer's answer, when it
        was already asked."""
        if self.typer is None or self.typer_alone > 1.0:
            return None
        if probs is None:
            probs = self.typer.probabilities(span)
        top = max(probs, key=probs.__getitem__)
        if top not in self.subtypes or probs[top] < self.typer_alone:
            return None
        st = self.subtypes[top]
        return Classification(st, self.min_score, scores, [], generic,
                              f"{st.sub_event_type or st.case_label} from the trained typer alone "
                              f"(p={probs[top]:.2f}; rule cues too weak)", [])


@lru_cache(maxsize=4)
def default_classifier(model: str | None = None, embeddings: bool = False) -> TypeClassifier:
    """The classifier over the shipped typology, built once per process. With the name of a spaCy
    model, the trained typer (over that model's lemmas) helps the rules when they are unsure; with
    ``embeddings`` too, the WordLlama embedding typer (``embed_typer``) votes with it. Without wordllama
    installed, the bag-of-words typer votes alone (and a warning says so)."""
    if model is None:
        return TypeClassifier()
    typer = trained_typer(model)
    if embeddings:
        from .embed_typer import EmbeddingUnavailable, EnsembleTyper, embedding_typer

        data = load_data("event_types.yaml")
        share = float((data.get("embedding_typer") or {}).get("share", 0.0))
        try:
            joined = EnsembleTyper((typer, 1.0 - share), (embedding_typer(model), share))
        except EmbeddingUnavailable as exc:
            log.warning("embedding typer unavailable (%s); typing with the bag-of-words typer alone. "
                        "pip install wordllama, or set OPSMAP_EVENT_EMBEDDINGS=0 to silence this", exc)
        else:
            return TypeClassifier(data, joined, embeddings=True)
    return TypeClassifier(typer=typer)


def classifier_for(settings) -> TypeClassifier:
    """The classifier the settings ask for: the rules alone, or helped by the trained typer(s)."""
    return default_classifier(settings.spacy_model if settings.event_typer else None,
                              settings.event_typer and settings.event_embeddings)
