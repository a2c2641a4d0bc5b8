"""Resolution errors on one half of a geo corpus, by category (gold spans, > 161 km).

Used to develop rules on the dev half only (even lines); the held-out half (odd lines) is for checking.

    PYTHONPATH=. python benchmarks/geo_errors.py ../shared/eval/geo/lgl.jsonl [--half dev] [--show N]

Categories:
- unresolved: no answer at all;
- division point: the answer is a division (or country) named like the gold one but its point is far;
- gold known, other pick: the gold's GeoNames id is in the gazetteer, another entry was chosen;
- gold missing: the gold id is not in the gazetteer (a village, a feature cities500 lacks, a division).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

from pipeline.evaluation.geo import error_km, read_corpus
from pipeline.gazetteer import ensure_gazetteer
from pipeline.geoparse import Geoparser
from pipeline.names import fold
from pipeline.settings import Settings


def categorise(place, gold: dict, gazetteer) -> str:
    if place is None or not place.resolved:
        return "unresolved"
    known = gazetteer.get(int(gold["geonameid"])) if gold.get("geonameid") else None
    if known is not None:
        return f"gold known, other pick ({known.kind} -> {place.kind})"
    if place.kind in ("admin1", "admin2", "country") and fold(place.name).startswith(fold(gold["name"])[:4]):
        return f"division point ({place.kind})"
    return f"gold missing (picked {place.kind})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus")
    ap.add_argument("--half", choices=["dev", "heldout"], default="dev")
    ap.add_argument("--show", type=int, default=15, help="examples per category")
    args = ap.parse_args(argv)
    settings = Settings()
    gazetteer = ensure_gazetteer(settings.gazetteer_path)
    parser = Geoparser(gazetteer)
    counts: Counter = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    total = 0
    for doc in read_corpus(Path(args.corpus), half=args.half):
        gold = doc["toponyms"]
        places = parser.resolve_spans(doc["text"], [(t["start"], t["end"]) for t in gold])
        for place, g in zip(places, gold):
            total += 1
            km = error_km(place, g)
            if km <= 161:
                continue
            cat = categorise(place, g, gazetteer)
            counts[cat] += 1
            ctx = doc["text"][max(0, g["start"] - 60): g["end"] + 40].replace("\n", " ")
            examples[cat].append(f"{doc['id']}: {g['name']!r} gold {g['lat']:.2f},{g['lon']:.2f} "
                                 f"id {g.get('geonameid')} -> {place.name!r} {place.country_code} "
                                 f"{place.kind} {km:.0f} km [{place.reason[:70]}] | ...{ctx}...")
    errors = sum(counts.values())
    print(f"{args.corpus} {args.half}: {total} gold spans, {errors} beyond 161 km "
          f"(acc@161 {1 - errors / total:.4f})")
    for cat, n in counts.most_common():
        print(f"\n## {cat}: {n} ({n / total:.1%} of spans)")
        for line in examples[cat][: args.show]:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
