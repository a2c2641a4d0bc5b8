"""CPU time of the per-report stages of `opsmap build` that run beside spaCy.

In a build spaCy parses in a thread of its own while the main thread geoparses and extracts and a
writer thread saves; the GIL makes them take turns, so each CPU second of Python per report costs
wall time. Wall clock on the shared 2-core machine is too noisy to see such changes, CPU time is
not: this script parses the benchmark's reports once (``benchmarks/build_speed.py``'s corpus, same
seed), keeps the docs, then times each stage alone with ``time.process_time``:

  geoparse  ``Geoparser.parse`` over every doc (a fresh geoparser each round, as a build has)
  extract   ``extract_events`` over every doc, with its places
  store     ``Store.save_report`` of every report into a fresh store (row building, merging, SQLite)

    python benchmarks/stage_cpu.py [--reports 1000] [--rounds 3] [--profile geoparse|extract|store]
                                   [--docs FILE.spacy]

``--docs`` keeps the parsed docs in a DocBin file and reuses them in later runs (the parse takes
half a minute and is not what is measured). Each round starts from docs as spaCy left them (the
per-doc caches are cleared). With ``--profile`` the named stage runs once more under cProfile and
the top functions are printed. docs/benchmarks.md (## Pipeline) records runs.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.build_speed import make_corpus  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402

from pipeline.builder import Extractor, read_inputs  # noqa: E402
from pipeline.extract import extract_events  # noqa: E402
from pipeline.geoparse import Geoparser  # noqa: E402
from pipeline.nlp import keep_text  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.store import Store  # noqa: E402

STAGES = ("geoparse", "extract", "store")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=STAGES, help="also profile this stage once")
    parser.add_argument("--top", type=int, default=40, help="functions shown by --profile")
    parser.add_argument("--docs", type=Path, help="DocBin file: parsed docs are read from it, or saved to it")
    args = parser.parse_args()

    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        make_corpus(folder, args.reports)
        reports = read_inputs([folder], settings, failed=[])
        extractor = Extractor(settings)  # the model, gazetteer and classifier a build loads
        docs = _parsed(extractor.nlp, [r.text for r in reports], args.docs)
        store_round = 0

        def geoparse() -> list:
            geoparser = Geoparser(extractor.geoparser.gazetteer)  # a build starts with empty memos
            out = []
            for doc, report in zip(docs, reports):
                keep_text(doc, report.text)  # as Extractor.process does
                out.append(geoparser.parse(doc))
            return out

        def extract(places: list) -> list:
            return [extract_events(doc, report, p, extractor.classifier)[: settings.max_events_per_report]
                    for doc, report, p in zip(docs, reports, places)]

        def store(places: list, events: list) -> None:
            nonlocal store_round
            store_round += 1
            with Store(Path(tmp) / f"store{store_round}.sqlite") as db:
                for report, p, e in zip(reports, places, events):
                    db.save_report(report, p, e, status="ok")

        def fresh_docs() -> None:
            for doc in docs:
                doc.user_data.clear()

        times: dict[str, list[float]] = {s: [] for s in STAGES}
        for _ in range(args.rounds):
            fresh_docs()
            places, seconds = _timed(geoparse)
            times["geoparse"].append(seconds)
            events, seconds = _timed(lambda: extract(places))
            times["extract"].append(seconds)
            _, seconds = _timed(lambda: store(places, events))
            times["store"].append(seconds)

        n = len(reports)
        print(f"events: {sum(map(len, events))}, places: {sum(map(len, places))}")
        print(f"CPU seconds per {n} reports (process_time; rounds: {args.rounds}):")
        for stage in STAGES:
            runs = ", ".join(f"{t:.2f}" for t in times[stage])
            print(f"  {stage:9s} best {min(times[stage]):6.2f}   runs {runs}")
        total = sum(min(times[s]) for s in STAGES)
        print(f"  {'total':9s} best {total:6.2f}")

        if args.profile:
            fresh_docs()
            if args.profile != "geoparse":
                places = geoparse()
            if args.profile == "store":
                events = extract(places)
            run = {"geoparse": geoparse, "extract": lambda: extract(places),
                   "store": lambda: store(places, events)}[args.profile]
            profiler = cProfile.Profile()
            profiler.runcall(run)
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top)


def _parsed(nlp: Language, texts: list[str], cache: Path | None) -> list[Doc]:
    """The texts parsed by ``nlp`` (batch size 16, as a build), or read back from ``cache``."""
    if cache is not None and cache.exists():
        docs = list(DocBin().from_bytes(cache.read_bytes()).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            print(f"reports: {len(texts)}; docs read from {cache}")
            return docs
    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    print(f"reports: {len(texts)}; spaCy parse {time.perf_counter() - started:.1f} s (wall, not a stage)")
    if cache is not None:
        cache.write_bytes(DocBin(docs=docs).to_bytes())
    return docs


def _timed(fn: Callable[[], object]) -> tuple[object, float]:
    started = time.process_time()
    result = fn()
    return result, time.process_time() - started


if __name__ == "__main__":
    main()
