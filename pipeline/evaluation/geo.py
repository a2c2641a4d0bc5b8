"""Scoring the geoparser on corpora in the shared format (LGL, TR-News as converted by Gritta et al.).

Recognition: precision, recall and F1 on exact spans; predictions overlapping an ``excluded``
(non-literal) gold span are ignored. Resolution: the error in km between predicted and gold
points (0 when the geonameids agree), summarised as accuracy within 161 km and 50 km, mean and
median error and the AUC of the log-error curve (Gritta et al. 2018: area under
log(1 + error) / log(20039) over the sorted errors; lower is better). An unresolved toponym
counts as the largest possible error.
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path
from statistics import mean, median
from typing import Iterator

from ..gazetteer import ensure_gazetteer
from ..gazetteer.geometry import MAX_ERROR_KM, haversine_km
from ..geoparse import Geoparser
from ..place import Place
from ..settings import Settings


#: Halves of a corpus by line index, so rules can be developed on one and checked on the other.
HALVES = {"dev": 0, "heldout": 1}


def read_corpus(path: Path | str, limit: int | None = None, half: str | None = None) -> Iterator[dict]:
    """Documents of a JSONL corpus; ``half`` keeps the even ("dev") or odd ("heldout") lines."""
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                break
            if half is not None and i % 2 != HALVES[half]:
                continue
            if line.strip():
                yield json.loads(line)


def error_km(place: Place | None, gold: dict) -> float:
    """Distance between a prediction and a gold toponym; 0 for the same GeoNames feature."""
    if place is None or not place.resolved or place.latitude is None:
        return MAX_ERROR_KM
    if place.geonameid is not None and gold.get("geonameid") is not None and place.geonameid == gold["geonameid"]:
        return 0.0
    return haversine_km(place.latitude, place.longitude, gold["lat"], gold["lon"])


def summarise_errors(errors: list[float]) -> dict:
    """Accuracy@161/@50, mean/median km and the AUC of the log-error curve."""
    if not errors:
        return {"acc@161": None, "acc@50": None, "mean_km": None, "median_km": None, "auc": None}
    scaled = sorted(math.log(1 + e) / math.log(MAX_ERROR_KM) for e in errors)
    if len(scaled) == 1:
        auc = scaled[0]
    else:
        step = 1 / (len(scaled) - 1)
        auc = sum((a + b) / 2 * step for a, b in zip(scaled, scaled[1:]))
    return {"acc@161": round(sum(e <= 161 for e in errors) / len(errors), 4),
            "acc@50": round(sum(e <= 50 for e in errors) / len(errors), 4),
            "mean_km": round(mean(errors), 1), "median_km": round(median(errors), 1), "auc": round(auc, 4)}


def _overlaps(start: int, end: int, spans: list[dict]) -> bool:
    return any(s["start"] < end and start < s["end"] for s in spans)


def evaluate_geo(path: Path | str, settings: Settings, spans: bool = False, limit: int | None = None,
                 half: str | None = None) -> dict:
    """Score the geoparser on ``path``; with ``spans`` resolve the gold spans only; ``half`` as in read_corpus."""
    started = time.perf_counter()
    parser = Geoparser(ensure_gazetteer(settings.gazetteer_path))
    docs = list(read_corpus(path, limit, half))
    errors: list[float] = []
    gold_total = predicted_total = true_positives = 0
    if spans:
        for doc in docs:
            gold = doc["toponyms"]
            places = parser.resolve_spans(doc["text"], [(t["start"], t["end"]) for t in gold])
            errors.extend(error_km(p, g) for p, g in zip(places, gold))
            gold_total += len(gold)
    else:
        from ..nlp import get_nlp

        nlp = get_nlp(settings.spacy_model)
        for doc, parsed in zip(docs, nlp.pipe(d["text"] for d in docs)):
            gold = {(t["start"], t["end"]): t for t in doc["toponyms"]}
            excluded = doc.get("excluded", [])
            # Region phrases ("northwestern Syria") are not toponyms; the toponym inside them is.
            predicted = [p for p in parser.parse(parsed) if p.feature != "region"]
            predicted = [p for p in predicted if not _overlaps(p.start, p.end, excluded)]
            gold_total += len(gold)
            predicted_total += len(predicted)
            for place in predicted:
                match = gold.get((place.start, place.end))
                if match is not None:
                    true_positives += 1
                    errors.append(error_km(place, match))
    elapsed = time.perf_counter() - started
    result = {"corpus": str(path), "mode": "spans" if spans else "end-to-end", "half": half or "all",
              "documents": len(docs),
              "gold_toponyms": gold_total}
    if not spans:
        precision = true_positives / predicted_total if predicted_total else 0.0
        recall = true_positives / gold_total if gold_total else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result.update({"predicted": predicted_total, "true_positives": true_positives,
                       "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)})
    result["resolved_scored"] = len(errors)
    result.update(summarise_errors(errors))
    result.update({"seconds": round(elapsed, 1), "docs_per_second": round(len(docs) / elapsed, 2) if elapsed else None})
    return result
