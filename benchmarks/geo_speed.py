"""Geocoding speed: gazetteer build and open time, resolutions per second (seen and new names) on one
core, the geoparser's cost next to bare spaCy, and the process's peak memory.

    python benchmarks/geo_speed.py [--gazetteer PATH] [--build] [--docs N]

Prints one JSON object; docs/benchmarks.md (## Geocoding) records a run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.gazetteer import build_gazetteer, ensure_gazetteer  # noqa: E402
from pipeline.geoparse import Geoparser  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402

SHARED = ROOT.parent / "shared"


def time_build() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        build_gazetteer(Path(tmp) / "g.sqlite", progress=False)
        return time.perf_counter() - started


def time_open(path: Path) -> float:
    """Open time in a fresh interpreter (imports excluded), median of three."""
    code = ("import time,sys; from pipeline.gazetteer import Gazetteer; t=time.perf_counter(); "
            "g=Gazetteer.open(sys.argv[1]); g.candidates('Aleppo'); print(time.perf_counter()-t)")
    runs = sorted(float(subprocess.check_output([sys.executable, "-c", code, str(path)], cwd=ROOT, text=True))
                  for _ in range(3))
    return runs[1]


def sample_names(path: Path, n: int, seed: int = 7) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM names WHERE kind = 'name' AND geonameid IN "
                            "(SELECT geonameid FROM places WHERE population >= 1000)").fetchall()
    rng = random.Random(seed)
    return [r[0] for r in rng.sample(rows, min(n, len(rows)))]


def resolutions_per_second(parser: Geoparser, names: list[str]) -> float:
    started = time.perf_counter()
    for name in names:
        parser.resolve_spans(name, [(0, len(name))])
    return len(names) / (time.perf_counter() - started)


def pipeline_overhead(parser: Geoparser, model: str, n_docs: int) -> dict:
    from pipeline.nlp import get_nlp

    texts: list[str] = []
    corpus = SHARED / "eval" / "geo" / "tr_news.jsonl"
    if corpus.is_file():
        with open(corpus, encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh][:n_docs]
    if not texts:
        texts = [(SHARED / "seed" / "syriacpress-2023-04-17.txt").read_text(encoding="utf-8")] * n_docs
    nlp = get_nlp(model)
    for doc in nlp.pipe(texts[-3:]):  # warm up both (model, gazetteer indices loaded once per process)
        parser.parse(doc)
    started = time.perf_counter()
    docs = list(nlp.pipe(texts))
    spacy_s = time.perf_counter() - started
    started = time.perf_counter()
    for doc in docs:
        parser.parse(doc)
    geo_s = time.perf_counter() - started
    return {"documents": len(docs), "spacy_seconds": round(spacy_s, 2), "geoparse_seconds": round(geo_s, 2),
            "speed_vs_bare_spacy": round(spacy_s / (spacy_s + geo_s), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteer", help="gazetteer path (default from settings; built if missing)")
    parser.add_argument("--build", action="store_true", help="also time a build from pip data")
    parser.add_argument("--names", type=int, default=5000, help="distinct names to resolve")
    parser.add_argument("--docs", type=int, default=115, help="documents for the pipeline comparison")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    settings = load_settings(gazetteer_path=args.gazetteer)
    gazetteer = ensure_gazetteer(settings.gazetteer_path)
    result: dict = {"gazetteer": str(settings.gazetteer_path),
                    "gazetteer_mb": round(Path(settings.gazetteer_path).stat().st_size / 1e6, 1)}
    if args.build:  # in a child process, so its peak memory does not count as the geoparser's
        code = "import sys; sys.path.insert(0, '.'); from benchmarks.geo_speed import time_build; print(time_build())"
        result["build_seconds"] = round(float(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT,
                                                                      text=True).strip().splitlines()[-1]), 1)
    result["open_seconds"] = round(time_open(Path(settings.gazetteer_path)), 3)
    geoparser = Geoparser(gazetteer)
    names = sample_names(Path(settings.gazetteer_path), args.names)
    result["new_names_per_second"] = round(resolutions_per_second(geoparser, names))
    result["seen_names_per_second"] = round(resolutions_per_second(geoparser, names))
    result["pipeline"] = pipeline_overhead(geoparser, settings.spacy_model, args.docs)
    result["peak_rss_mb_with_spacy"] = _peak_rss_mb()
    result["peak_rss_mb_gazetteer_only"] = _rss_gazetteer_only(Path(settings.gazetteer_path))
    print(json.dumps(result, indent=2))


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it is not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _rss_gazetteer_only(path: Path) -> float:
    """Peak memory of a process that opens the gazetteer and resolves names (no spaCy)."""
    code = ("import sys; from pathlib import Path; from pipeline.gazetteer import Gazetteer; "
            "from pipeline.geoparse import Geoparser; "
            "g=Gazetteer.open(sys.argv[1]); p=Geoparser(g); "
            "[p.resolve_spans(n,[(0,len(n))]) for n in ['Aleppo','Holeb','Paris','Springfield','Deir Ezzor']*100]; "
            "g.nearest_place(36.2,37.1); "
            "print([int(l.split()[1])/1024 for l in Path('/proc/self/status').read_text().splitlines() "
            "if l.startswith('VmHWM:')][0])")
    return round(float(subprocess.check_output([sys.executable, "-c", code, str(path)], cwd=ROOT, text=True)), 1)


if __name__ == "__main__":
    main()
