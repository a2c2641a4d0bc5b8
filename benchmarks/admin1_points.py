"""How close candidate points for first-level divisions are to GeoNames' own points.

The reference points are the gold coordinates of the first-level divisions that are gold toponyms
in the dev halves of the geo corpora (the annotators used GeoNames' points). Each candidate point is
computed from the gazetteer's places (and the iso3166-2 centres), as the build could compute it.

    PYTHONPATH=. python benchmarks/admin1_points.py [--gazetteer data/gazetteer.sqlite]

Prints one row per method: median km, within 161 km, within 50 km (docs/accuracy.md records a run).
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluation.geo import read_corpus  # noqa: E402
from pipeline.gazetteer.geometry import extent_of, haversine_km, medoid  # noqa: E402
from pipeline.gazetteer.pipdata import _blend_centre, _centre_for, division_centres  # noqa: E402
from pipeline.names import fold  # noqa: E402

CORPORA = [ROOT.parent / "shared" / "eval" / "geo" / f"{name}.jsonl" for name in ("tr_news", "lgl")]
#: A gold toponym named like a division counts as that division when its point lies this close to
#: the division's estimate (or carries the division's GeoNames id, as US states do).
MATCH_KM = 600.0


def _places(conn: sqlite3.Connection) -> dict[tuple[str, str], list[tuple[float, float, int, str]]]:
    out: dict[tuple[str, str], list] = defaultdict(list)
    for lat, lon, pop, cc, code, fcode in conn.execute(
            "SELECT lat, lon, population, country_code, admin1_code, feature_code FROM places "
            "WHERE feature_class = 'P'"):
        out[(cc, code)].append((lat, lon, pop, fcode))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gazetteer", default=str(ROOT / "data" / "gazetteer.sqlite"))
    args = ap.parse_args()
    conn = sqlite3.connect(args.gazetteer)
    places = _places(conn)
    centres = division_centres()
    divisions = {(cc, code): (gid, name) for cc, code, gid, name in
                 conn.execute("SELECT country_code, admin1_code, geonameid, name FROM admin1")}
    derived = {key: extent_of([(p[0], p[1]) for p in places[key]]) for key in divisions if places.get(key)}
    by_name: dict[str, list] = defaultdict(list)
    for key, (_gid, name) in divisions.items():
        by_name[fold(name)].append(key)
    refs: dict[tuple[str, str], tuple[float, float]] = {}
    for corpus in CORPORA:
        for doc in read_corpus(corpus, half="dev"):
            for t in doc["toponyms"]:
                for key in by_name.get(fold(t["name"]), ()):
                    if key not in derived:
                        continue
                    ext = derived[key]
                    if divisions[key][0] == t.get("geonameid") or \
                            haversine_km(ext.lat, ext.lon, t["lat"], t["lon"]) < MATCH_KM:
                        refs[key] = (t["lat"], t["lon"])

    def iso(key):
        return _centre_for(centres, key[0], divisions[key][1])

    def mean_point(pts):
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)

    def biggest(pts):
        top = max(pts, key=lambda p: (p[3] in ("PPLA", "PPLC"), p[2]))
        return top[0], top[1]

    def box_middle(pts):
        return (min(p[0] for p in pts) + max(p[0] for p in pts)) / 2, (min(p[1] for p in pts) + max(p[1] for p in pts)) / 2

    methods = {
        "derived from its places": lambda k: (derived[k].lat, derived[k].lon),
        "iso3166-2 centre": iso,
        "unweighted centroid of its places": lambda k: mean_point(places[k]),
        "medoid of its places": lambda k: medoid([(p[0], p[1]) for p in places[k]]),
        "most populous place (capital first)": lambda k: biggest(places[k]),
        "middle of the places' bounding box": lambda k: box_middle(places[k]),
        "midpoint of derived and iso centre (build)": lambda k: _blend_centre(derived[k], iso(k)),
    }
    print(f"{len(refs)} first-level divisions with a GeoNames point among the dev gold toponyms")
    for label, method in methods.items():
        dists = [haversine_km(*p, *refs[k]) for k in refs if (p := method(k)) is not None]
        if not dists:
            continue
        print(f"{label:45s} n={len(dists):3d} median={median(dists):6.0f} km  "
              f"<=161: {sum(d <= 161 for d in dists):3d}  <=50: {sum(d <= 50 for d in dists):3d}  "
              f"mean={sum(dists) / len(dists):5.0f}")


if __name__ == "__main__":
    main()
