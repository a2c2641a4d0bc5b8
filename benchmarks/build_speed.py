"""How fast `opsmap build` runs compared with bare spaCy, and what --jobs 2 gains.

Generates N reports (default 1,000) by recombining the paragraphs of the demo corpus with varied
datelines and dates, then times, in one run:
  1. bare ``nlp.pipe`` over the same texts with the same model (the floor we compare against),
  2. ``opsmap build --jobs 1`` into a fresh store,
  3. ``opsmap build --jobs 2`` into another fresh store,
and reports peak memory (max RSS of this process and its children).

    python benchmarks/build_speed.py [--reports 1000] [--jobs 1,2]
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.builder import build_into_store  # noqa: E402
from pipeline.frontmatter import split_front_matter  # noqa: E402
from pipeline.nlp import get_nlp  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402

DATELINES = ["ALEPPO, Syria", "IDLIB, Syria", "RAQQA, Syria", "DEIR EZ-ZOR, Syria", "MOSUL, Iraq",
             "BAGHDAD", "RAMADI, Iraq", "KIRKUK, Iraq", "QAMISHLI, Syria", "HOMS, Syria"]


def make_corpus(folder: Path, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    for path in sorted((ROOT / "data" / "reports").glob("*.md")):
        _, body = split_front_matter(path.read_text(encoding="utf-8"))
        for para in body.strip().split("\n\n"):
            para = para.split(" — ", 1)[-1] if " — " in para[:40] else para
            paragraphs.append(para.strip())
    texts = []
    for i in range(count):
        day = rng.randint(1, 28)
        month = rng.randint(1, 12)
        body = "\n\n".join(rng.sample(paragraphs, 4))
        text = f"{rng.choice(DATELINES)} — {body}\n"
        (folder / f"r{i:05d}.md").write_text(
            f"---\ntitle: Report {i}\nurl: https://bench.example/{i}\npublished: 2024-{month:02d}-{day:02d}\n"
            f"publisher: Bench Wire\n---\n{text}", encoding="utf-8")
        texts.append(text)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--jobs", default="1,2", help="which --jobs values to time (comma-separated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        texts = make_corpus(tmp / "in", args.reports)
        base = load_settings()
        # the gazetteer and model are loaded before timing, as a long-running user would have them
        from pipeline.gazetteer import ensure_gazetteer
        ensure_gazetteer(base.gazetteer_path, progress=True)
        nlp = get_nlp(base.spacy_model)
        list(nlp.pipe(texts[:20]))

        t = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=16):
            pass
        bare = time.perf_counter() - t

        timings = {}
        for jobs in [int(j) for j in args.jobs.split(",")]:
            settings = base.with_(db_path=tmp / f"jobs{jobs}.sqlite")
            t = time.perf_counter()
            summary = build_into_store([tmp / "in"], settings, jobs=jobs)
            timings[jobs] = (time.perf_counter() - t, summary)

    peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    n = args.reports
    print(f"reports: {n}")
    print(f"bare nlp.pipe:        {bare:7.1f} s  {n / bare:6.1f} reports/s")
    for jobs, (secs, summary) in timings.items():
        print(f"opsmap build --jobs {jobs}: {secs:7.1f} s  {n / secs:6.1f} reports/s  "
              f"({bare / secs:.2f}x bare spaCy; {summary.events} events)")
    if 1 in timings and 2 in timings:
        print(f"--jobs 2 speed-up: {timings[1][0] / timings[2][0]:.2f}x")
    print(f"peak memory (max RSS of one process): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
