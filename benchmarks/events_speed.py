"""Event extraction cost next to spaCy: bare nlp.pipe vs nlp.pipe + extract_events, same texts, same run.

    python benchmarks/events_speed.py [N]

Texts are the demo reports (data/reports/*.md bodies), repeated to N (default 300). Places are
not computed (the geoparser has its own benchmark), so the ratio isolates pipeline.extract.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import extract_events  # noqa: E402
from pipeline.nlp import get_nlp  # noqa: E402
from pipeline.report import Report  # noqa: E402


def demo_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "reports").glob("*.md")):
        raw = path.read_text(encoding="utf-8")
        body = raw.split("\n---\n", 1)[1] if raw.startswith("---") and "\n---\n" in raw else raw
        texts.append(body.strip())
    return texts


def main(n: int = 300) -> dict:
    base = demo_texts()
    texts = [base[i % len(base)] for i in range(n)]
    nlp = get_nlp()
    list(nlp.pipe(texts[:10]))  # warm up
    bare_runs, full_runs, extract_only = [], [], 0.0
    events = 0
    for _ in range(2):  # alternate, keep the best of each: the machine's noise is larger than the effect
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
        bare_runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        events = 0
        extract_only = 0.0
        for i, doc in enumerate(nlp.pipe(texts, batch_size=32)):
            t0 = time.perf_counter()
            events += len(extract_events(doc, Report(text=texts[i], published="2024-01-01", report_id=f"r{i}"), []))
            extract_only += time.perf_counter() - t0
        full_runs.append(time.perf_counter() - started)
    bare, full = min(bare_runs), min(full_runs)
    result = {"texts": n, "chars": sum(map(len, texts)), "bare_nlp_pipe_s": round(bare, 2),
              "nlp_pipe_plus_extract_s": round(full, 2), "extract_only_s": round(extract_only, 2),
              "speed_ratio": round(bare / full, 3), "events": events}
    print(result)
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
