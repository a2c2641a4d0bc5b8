"""Scoring event coding: CASE 2021 Task 2 sub-event typing, and end-to-end extraction on gold reports.

CASE: each snippet is typed by the classifier alone; the five non-ACLED labels and anything
the classifier rejects count as "no operation". Weighted F1 weights each gold label by its
support, as the shared task did. Gold: predicted events (summaries excluded) are matched one to
one with gold events whose date and place fall within the gold tolerances; precision and recall
count matches, and matched pairs are scored field by field.
"""
from __future__ import annotations

import csv
import json
import math
import time
from collections import Counter
from pathlib import Path

from ..classify import TypeClassifier, classifier_for
from ..event import Event

NO_OPERATION = "NO_OPERATION"


def case_label_map(clf: TypeClassifier) -> dict[str, str]:
    """CASE label -> the label scored: ACLED sub-types keep theirs, the others become no operation."""
    return {s.case_label: (s.case_label if s.operation else NO_OPERATION)
            for s in clf.subtypes.values() if s.case_label}


def f1_table(gold: list[str], pred: list[str]) -> dict:
    """Per-label precision/recall/F1 with weighted (by gold support) and macro averages."""
    labels = sorted(set(gold))
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    per_label = {}
    weighted = macro = 0.0
    total = len(gold)
    for label in labels:
        precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        recall = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        support = tp[label] + fn[label]
        per_label[label] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                            "support": support}
        weighted += f1 * support / total if total else 0.0
        macro += f1 / len(labels)
    return {"weighted_f1": round(weighted, 4), "macro_f1": round(macro, 4),
            "accuracy": round(sum(tp.values()) / total, 4) if total else 0.0, "per_label": per_label}


def read_case(path: str | Path, limit: int | None = None, half: str | None = None) -> list[tuple[str, str, str]]:
    """(id, snippet, label) rows. ``half``: "dev" keeps the first half of the file (snippets 1-510 of
    1,019), the one whose errors may be read; "heldout" the second half (511-1019), which is only scored."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [(r["id"], r["EventSnippet"], r["SubType"]) for r in csv.DictReader(fh, delimiter="\t")]
    if half is not None:
        cut = (len(rows) + 1) // 2
        rows = rows[:cut] if half == "dev" else rows[cut:]
    return rows[:limit] if limit else rows


def classify_snippets(texts: list[str], settings, clf: TypeClassifier | None = None) -> list[str]:
    """The CASE label the classifier gives each snippet (NO_OPERATION when none)."""
    from ..nlp import get_nlp

    clf = clf or classifier_for(settings)
    nlp = get_nlp(settings.spacy_model)
    out = []
    for doc in nlp.pipe(texts, batch_size=64):
        result = clf.classify(doc)
        out.append(result.subtype.case_label if result.is_operation else NO_OPERATION)
    return out


def evaluate_case(path: str | Path, settings, limit: int | None = None, half: str | None = None) -> dict:
    """Weighted and macro F1 of sub-event typing on the CASE 2021 Task 2 TSV. With ``half`` (as in
    read_case) only that half is scored, and for the held-out half only the averages are returned:
    no per-label figures or confusions, so that tuning cannot look at its errors."""
    clf = classifier_for(settings)
    mapping = case_label_map(clf)
    rows = read_case(path, limit, half)
    started = time.perf_counter()
    pred = classify_snippets([r[1] for r in rows], settings, clf)
    seconds = time.perf_counter() - started
    gold = [mapping.get(r[2], NO_OPERATION) for r in rows]
    table = f1_table(gold, pred)
    confusions = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    result = {
        "dataset": str(path), "half": half or "all", "snippets": len(rows), "typology_version": clf.version,
        "trained_typer": clf.typer is not None,
        "embedding_typer": clf.typer is not None and clf.embeddings,
        "weighted_f1": table["weighted_f1"], "macro_f1": table["macro_f1"], "accuracy": table["accuracy"],
    }
    if half is None:
        cut = (len(rows) + 1) // 2  # the rules were refined looking only at errors in the first half (1-510)
        result["weighted_f1_first_half"] = f1_table(gold[:cut], pred[:cut])["weighted_f1"]
        result["weighted_f1_second_half"] = f1_table(gold[cut:], pred[cut:])["weighted_f1"]
    if half != "heldout":
        result["labels"] = len(table["per_label"])
        result["per_label"] = table["per_label"]
        result["top_confusions"] = [{"gold": g, "predicted": p, "count": n}
                                    for (g, p), n in confusions.most_common(15)]
    result["seconds"] = round(seconds, 2)
    return result


# ---------------------------------------------------------------------------------------------
# Gold reports
# ---------------------------------------------------------------------------------------------

def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _days(a: str, b: str) -> int | None:
    from datetime import date

    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except (TypeError, ValueError):
        return None


def _actor_ok(predicted: str, accepted: list[str]) -> bool:
    """The predicted canonical name is one of the accepted names, or an alias of the same actor."""
    from ..actors import default_actors

    if not accepted:
        return not predicted
    if not predicted:
        return False
    names = default_actors()
    canon = {predicted.casefold()}
    for name in accepted:
        if name.casefold() in canon:
            return True
        actor = names.resolve(name)
        if actor is not None and actor.name.casefold() in canon:
            return True
    return False


def _matches(event: Event, gold: dict) -> tuple[bool, float, float]:
    days = _days(event.event_date, gold.get("event_date", ""))
    if days is None or days > int(gold.get("date_tolerance_days", 0)):
        return False, 0.0, 0.0
    if gold.get("latitude") is None:
        return True, float(days), 0.0
    if event.latitude is None or event.longitude is None:
        return False, 0.0, 0.0
    km = _km(event.latitude, event.longitude, gold["latitude"], gold["longitude"])
    return km <= float(gold.get("tolerance_km", 50)), float(days), km


def evaluate_gold(path: str | Path, settings) -> dict:
    """Event precision/recall and field accuracy on matched events for a gold JSONL file."""
    from ..extract import _geoparser, extract_records

    records = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    geoparser = _geoparser(settings)
    started = time.perf_counter()
    n_pred = n_gold = n_match = 0
    fields = Counter()
    details = []
    for record, events in extract_records(records, settings, geoparser):
        predicted = [e for e in events if not e.is_summary]
        gold_events = record.get("events", [])
        n_pred += len(predicted)
        n_gold += len(gold_events)
        pairs = []
        for gi, g in enumerate(gold_events):
            for pi, e in enumerate(predicted):
                ok, days, km = _matches(e, g)
                if ok:
                    pairs.append((days, km, gi, pi))
        pairs.sort()
        used_g: set[int] = set()
        used_p: set[int] = set()
        report_detail = {"id": record.get("id"), "gold": len(gold_events), "predicted": len(predicted),
                         "matched": 0, "misses": []}
        for days, km, gi, pi in pairs:
            if gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            g, e = gold_events[gi], predicted[pi]
            n_match += 1
            report_detail["matched"] += 1
            checks = {
                "date": e.event_date == g.get("event_date"),
                "place_50km": km <= 50.0,
                "actor1": _actor_ok(e.actor1, g.get("actor1", [])),
                "actor2": _actor_ok(e.actor2, g.get("actor2", [])),
                "event_type": e.event_type == g.get("event_type"),
                "sub_event_type": e.sub_event_type == g.get("sub_event_type"),
                "fatalities": e.fatalities == g.get("fatalities"),
            }
            for name, ok in checks.items():
                fields[name] += int(ok)
            wrong = {name: {"predicted": getattr(e, name if name != "place_50km" else "location", None),
                            "gold": g.get(name if name != "place_50km" else "tolerance_km")}
                     for name, ok in checks.items() if not ok}
            if wrong:
                report_detail["misses"].append(wrong)
        for pi, e in enumerate(predicted):
            if pi not in used_p:
                report_detail["misses"].append({"unmatched_prediction": [e.event_date, e.sub_event_type,
                                                                         e.location, e.notes[:80]]})
        for gi, g in enumerate(gold_events):
            if gi not in used_g:
                report_detail["misses"].append({"missed_gold": [g.get("event_date"), g.get("sub_event_type")]})
        details.append(report_detail)
    precision = n_match / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    recall = n_match / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "dataset": str(path), "reports": len(records), "gold_events": n_gold, "predicted_events": n_pred,
        "matched": n_match, "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
        "on_matched": {k: round(fields[k] / n_match, 3) if n_match else 0.0
                       for k in ("date", "place_50km", "actor1", "actor2", "event_type", "sub_event_type",
                                 "fatalities")},
        "geoparser": geoparser is not None, "seconds": round(time.perf_counter() - started, 2),
        "reports_detail": details,
    }
