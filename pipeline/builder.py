"""The main job: reports in, events and places out, into the store.

``process_docs`` is the pure stage (spaCy doc -> places -> events); ``build_into_store`` adds the
I/O: reading inputs, skipping reports already stored unchanged, and saving each report with its
places and events in one transaction.
"""
from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .event import Event
from .fetch import fetch, is_url
from .ingest import IngestError, iter_input_files, read_file
from .place import Place
from .report import Report
from .settings import Settings, load_settings
from .store import Store, writer_lock


@dataclass
class Processed:
    report: Report
    places: list[Place]
    events: list[Event]


@dataclass
class BuildSummary:
    reports: int = 0
    unchanged: int = 0
    events: int = 0
    places: int = 0
    unresolved: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    store: str = ""
    seconds: float = 0.0

    def describe(self) -> str:
        lines = [
            f"reports: {self.reports} processed, {self.unchanged} unchanged",
            f"events: {self.events}",
            f"places: {self.places} ({self.unresolved} unresolved)",
            f"errors: {len(self.failed)}",
            f"store: {self.store} ({self.seconds:.1f} s)",
        ]
        return "\n".join(lines)


class Extractor:
    """spaCy, the geoparser and the event extractor, loaded once and reused for many reports."""

    def __init__(self, settings: Settings) -> None:
        from .classify import classifier_for
        from .extract import extract_events
        from .gazetteer import ensure_gazetteer
        from .geoparse import Geoparser
        from .nlp import get_nlp, keep_text

        self.settings = settings
        self.nlp = get_nlp(settings.spacy_model)
        self.geoparser = Geoparser(ensure_gazetteer(settings.gazetteer_path, progress=True))
        self._extract_events = extract_events
        self._keep_text = keep_text
        self.classifier = classifier_for(settings)

    def process(self, reports: Iterable[Report], batch_size: int = 16) -> Iterator[Processed]:
        """Run every report through spaCy (batched), the geoparser and the event extractor."""
        reports = list(reports)
        docs = parse_ahead(self.nlp, [r.text for r in reports if _is_english(r)], batch_size)
        for report in reports:  # in input order, each as soon as it is done (the store writes meanwhile)
            if not _is_english(report):
                yield Processed(report, [], [])
                continue
            doc = next(docs)
            self._keep_text(doc, report.text)
            places = self.geoparser.parse(doc)
            events = self._extract_events(doc, report, places, self.classifier)[: self.settings.max_events_per_report]
            yield Processed(report, places, events)


#: GIL switch interval while spaCy parses in its own thread (Python's default is 0.005 s).
_SWITCH_INTERVAL = 0.0005


def parse_ahead(nlp, texts: list[str], batch_size: int = 16) -> Iterator:
    """``nlp.pipe(texts)`` run in a thread, a few batches ahead of the caller.

    spaCy spends some of its time in numeric code that releases the GIL, so geoparsing and event
    extraction of one batch (pure Python) overlap the parsing of the next on a second core. While
    it runs, the interpreter's thread switch interval is shortened (5 ms -> 0.5 ms) so that each
    thread gets the GIL back promptly when the other releases it; measured, this saves about 1 s
    per 1,000 reports. The docs come out in input order; an error in spaCy is raised here.
    """
    done = object()
    ahead: queue.Queue = queue.Queue(maxsize=2 * batch_size)
    stop = threading.Event()

    def produce() -> None:
        try:
            for doc in nlp.pipe(texts, batch_size=batch_size):
                while not stop.is_set():
                    try:
                        ahead.put(doc, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ahead.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            ahead.put(exc)

    thread = threading.Thread(target=produce, name="opsmap-spacy", daemon=True)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, _SWITCH_INTERVAL))
    thread.start()
    try:
        while True:
            item = ahead.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
        sys.setswitchinterval(interval)


_WORKER: Extractor | None = None


def _worker_start(settings: Settings) -> None:
    global _WORKER
    _WORKER = Extractor(settings)


def _worker_process(reports: list[Report]) -> list[Processed]:
    assert _WORKER is not None
    return list(_WORKER.process(reports))


def process_parallel(reports: list[Report], settings: Settings, jobs: int,
                     chunk: int = 8) -> Iterator[Processed]:
    """Like :meth:`Extractor.process`, spread over ``jobs`` worker processes, in input order."""
    import multiprocessing

    if jobs <= 1 or len(reports) <= chunk:
        yield from Extractor(settings).process(reports)
        return
    ensure_gazetteer_built(settings)
    chunks = [reports[i:i + chunk] for i in range(0, len(reports), chunk)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(jobs, initializer=_worker_start, initargs=(settings,)) as pool:
        for processed in pool.imap(_worker_process, chunks):
            yield from processed


def ensure_gazetteer_built(settings: Settings) -> None:
    """Build the gazetteer once in the parent, so workers do not race to build it."""
    from .gazetteer import ensure_gazetteer

    ensure_gazetteer(settings.gazetteer_path, progress=True)


def _is_english(report: Report) -> bool:
    """English, or too short to tell ("und"): those go through the English extractor."""
    return (report.language or "en").lower().replace("_", "-").split("-")[0] in {"en", "eng", "english", "und"}


class Progress:
    """A one-line progress display on stderr: items, rate and time left."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self.done, self.start = total, enabled and total > 0, 0, time.monotonic()

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        print(f"\rreports {self.done}/{self.total}  {rate:.1f}/s  {left:.0f} s left ",
              end="", file=sys.stderr, flush=True)
        if self.done >= self.total:
            print(file=sys.stderr)


def _read_one(item: str | Path, settings: Settings, since: str) -> tuple[list[Report], list[IngestError]]:
    if is_url(str(item)):
        return fetch(str(item), settings, since=since)
    failures: list[IngestError] = []
    return read_file(item, settings, failures), failures


def read_inputs(paths: Iterable[str | Path], settings: Settings,
                failed: list[tuple[str, str]], since: str = "") -> list[Report]:
    """Every readable report under ``paths`` (files, folders, URLs, feeds); problems are collected."""
    reports: list[Report] = []
    seen: dict[str, str] = {}
    items = [p for p in paths if is_url(str(p))] + list(iter_input_files(p for p in paths if not is_url(str(p))))
    for item in items:
        try:
            found, item_failures = _read_one(item, settings, since)
        except IngestError as exc:
            failed.append((exc.source, exc.problem))
            continue
        failed.extend((e.source, e.problem) for e in item_failures)
        for report in found:
            if report.report_id in seen:
                failed.append((report.path, f"duplicate report id {report.report_id!r} "
                                            f"(also {seen[report.report_id]}); kept the first"))
                continue
            seen[report.report_id] = report.path
            reports.append(report)
    return reports


def build_into_store(paths: Iterable[str | Path], settings: Settings | None = None, *,
                     jobs: int = 1, progress: bool = False, force: bool = False,
                     since: str = "") -> BuildSummary:
    """Read, extract and store. Reports already stored with the same text are skipped."""
    settings = settings or load_settings()
    started = time.monotonic()
    summary = BuildSummary(store=str(settings.db_path))
    paths = list(paths)
    reports = read_inputs(paths, settings, summary.failed, since=since)
    with writer_lock(settings.db_path), Store(settings.db_path) as store:
        for source, problem in summary.failed:
            print(f"opsmap: {source}: {problem}", file=sys.stderr)
            store.record_error(source, problem)
        todo = [r for r in reports if force or not store.has_report(r)]
        summary.unchanged = len(reports) - len(todo)
        _extract_and_save(todo, settings, store, summary, jobs=jobs, progress=progress)
    summary.seconds = time.monotonic() - started
    return summary


def _extract_and_save(reports: list[Report], settings: Settings, store: Store, summary: BuildSummary,
                      *, jobs: int, progress: bool) -> None:
    """Extract ``reports`` and save each as it comes (one transaction a report), then count."""
    bar = Progress(len(reports), progress)

    def count_saved(writer: StoreWriter) -> None:
        done = writer.take_saved()
        if done:
            summary.reports += done
            bar.step(done)

    if reports:
        with StoreWriter(store) as writer:
            for item in process_parallel(reports, settings, jobs):
                writer.put(item)
                count_saved(writer)
        count_saved(writer)  # the saves still queued when extraction ended
    counts = store.counts()
    summary.events, summary.places, summary.unresolved = counts["events"], counts["places"], counts["unresolved"]


class StoreWriter:
    """Saves processed reports on a thread of its own, so that SQLite's work (which runs without
    the GIL) overlaps with spaCy's on the next reports. Reports are saved in the order given, one
    transaction each, as before; an error in a save is raised in the caller at the next ``put``
    or on leaving the ``with`` block, and leaving the block waits for every queued save."""

    _DONE = object()

    def __init__(self, store: Store, depth: int = 64) -> None:
        self.store = store
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.saved = 0
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="opsmap-store-writer", daemon=True)

    def __enter__(self) -> "StoreWriter":
        self.thread.start()
        return self

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is self._DONE:
                return
            if self.error is not None:
                continue  # drain without saving after a failure
            try:
                status = "ok" if _is_english(item.report) else "not-english"
                self.store.save_report(item.report, item.places, item.events, status=status)
                with self._lock:
                    self.saved += 1
            except BaseException as exc:  # noqa: BLE001 (handed to the caller)
                self.error = exc

    def put(self, item: Processed) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def take_saved(self) -> int:
        """How many reports were saved since the last call (for the progress bar)."""
        with self._lock:
            n, self.saved = self.saved, 0
        return n

    def __exit__(self, *exc_info: object) -> None:
        self.queue.put(self._DONE)
        self.thread.join()
        if self.error is not None and exc_info[0] is None:
            raise self.error


def rebuild_store(settings: Settings | None = None, *, jobs: int = 1, progress: bool = False) -> BuildSummary:
    """Re-extract every report in the store from its stored text (after an upgrade)."""
    settings = settings or load_settings()
    started = time.monotonic()
    summary = BuildSummary(store=str(settings.db_path))
    with writer_lock(settings.db_path), Store(settings.db_path) as store:
        _extract_and_save(store.stored_reports(), settings, store, summary, jobs=jobs, progress=progress)
    summary.seconds = time.monotonic() - started
    return summary


def build(paths: Iterable[str | Path], settings: Settings | None = None, **kwargs) -> pd.DataFrame:
    """Public API: build the store from ``paths`` and return the event table."""
    settings = settings or load_settings()
    build_into_store(paths, settings, **kwargs)
    with Store(settings.db_path) as store:
        return store.events()


def process_reports(reports: Iterable[Report], settings: Settings | None = None) -> list[Processed]:
    """Extract places and events from reports already in memory (no store involved)."""
    return list(Extractor(settings or load_settings()).process(reports))


def add_report(report: Report, settings: Settings | None = None) -> Processed:
    """Extract one report (for example pasted in the dashboard) and save it to the store."""
    settings = settings or load_settings()
    if not report.text.strip():
        raise IngestError(report.path or "pasted report", "report has no text")
    (item,) = process_reports([report], settings)
    with writer_lock(settings.db_path, wait=60), Store(settings.db_path) as store:
        store.save_report(item.report, item.places, item.events,
                          status="ok" if _is_english(report) else "not-english")
    return item
