"""Reading reports from files and folders (the input edge of the pipeline).

Supported: ``.md``/``.markdown``/``.txt`` with optional YAML front matter; a ``.txt`` or ``.md``
with a JSON sidecar of the same name (``story.txt`` + ``story.json``) holding its metadata;
``.html``/``.htm`` pages; ``.json`` (one record or a list) and ``.jsonl`` records with a text
field. Every problem becomes an :class:`IngestError` that names the input and the problem.
"""
from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from dateutil import parser as dateparser

from .frontmatter import FrontMatterError, split_front_matter
from .language import guess_language
from .report import Report
from .settings import Settings, load_settings

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".json", ".jsonl"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
_TEXT_FIELDS = ("text", "body", "content", "article")


class IngestError(ValueError):
    """A report could not be read. ``str()`` is a one-line message naming the input."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source, self.problem = source, problem


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def normalise_date(value: object, source: str = "") -> str:
    """An ISO date (YYYY-MM-DD) from what publishers write; "" for nothing."""
    if value is None or value == "":
        return ""
    text = str(value).strip()
    try:
        parsed = dateparser.parse(text, default=datetime(1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        raise IngestError(source, f"published date {text!r} is not a date") from None
    if parsed.year == 1 and "0001" not in text:
        raise IngestError(source, f"published date {text!r} has no year")
    return parsed.date().isoformat()


def decode(data: bytes, source: str) -> str:
    """Text from bytes: a BOM decides (UTF-8, UTF-16, UTF-32); otherwise UTF-8, strictly."""
    if not data.strip():
        raise IngestError(source, "file is empty")
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(source, f"not valid {encoding.upper()} ({exc.reason} at byte {exc.start})") from None
    if b"\x00" in data[:8192]:
        raise IngestError(source, "binary file (contains NUL bytes), not a text report")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            source, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                    "save it as UTF-8") from None


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand folders (recursively, sorted) into report files; sidecar JSON files are skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED and not _is_sidecar(child) \
                        and not child.name.startswith("."):
                    yield child
        else:
            if not _is_sidecar(path) or not path.exists():
                yield path


def _is_sidecar(path: Path) -> bool:
    """A JSON file that describes a sibling text file rather than holding reports itself."""
    if path.suffix.lower() != ".json":
        return False
    return any(path.with_suffix(s).exists() for s in (".txt", ".md"))


def read_file(path: str | Path, settings: Settings | None = None,
              failures: list[IngestError] | None = None) -> list[Report]:
    """The reports in one file (a record file can hold several).

    With a ``failures`` list, a bad record in a JSON/JSONL file is appended there and the file's
    other records are still returned; without one, the first problem is raised.
    """
    settings = settings or load_settings()
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise IngestError(source, "no such file or folder")
    if path.suffix.lower() not in SUPPORTED:
        raise IngestError(source, f"unsupported file type {path.suffix.lower() or '(none)'}; "
                                  f"expected one of {', '.join(sorted(SUPPORTED))}")
    size = path.stat().st_size
    if size > settings.max_file_bytes:
        raise IngestError(source, f"file is {size:,} bytes, over the limit of "
                                  f"{settings.max_file_bytes:,} (setting OPSMAP_MAX_FILE_BYTES)")
    return read_bytes(path.name, path.read_bytes(), settings, source=source, path=path, failures=failures)


def read_bytes(name: str, data: bytes, settings: Settings | None = None, *, source: str = "",
               path: Path | None = None, meta: dict | None = None,
               failures: list[IngestError] | None = None) -> list[Report]:
    """The reports in a file's content (for example an upload); ``name`` gives the type by suffix.

    ``meta`` (title, url, published, publisher, ...) fills what the content itself does not say.
    """
    settings = settings or load_settings()
    source = source or name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(source, f"unsupported file type {suffix or '(none)'}; "
                                  f"expected one of {', '.join(sorted(SUPPORTED))}")
    if len(data) > settings.max_file_bytes:
        raise IngestError(source, f"file is {len(data):,} bytes, over the limit of "
                                  f"{settings.max_file_bytes:,} (setting OPSMAP_MAX_FILE_BYTES)")
    content = decode(data, source)
    if suffix in TEXT_SUFFIXES:
        reports = [_text_report(path, content, source, meta or {})]
    elif suffix in HTML_SUFFIXES:
        reports = [html_report(content, source=source, path=str(path or name), meta=meta)]
    else:
        reports = []
        for item in _record_reports(content, source, suffix, meta or {}):
            if isinstance(item, IngestError):
                if failures is None:
                    raise item
                failures.append(item)
            else:
                reports.append(item)
    for report in reports:
        check_report(report, settings, source)
    return reports


def check_report(report: Report, settings: Settings, source: str) -> None:
    if not report.text.strip():
        raise IngestError(source, "report has no text")
    if len(report.text) > settings.max_report_chars:
        raise IngestError(source, f"report text is {len(report.text):,} characters, over the limit "
                                  f"of {settings.max_report_chars:,} (setting OPSMAP_MAX_REPORT_CHARS)")


def _text_report(path: Path | None, content: str, source: str, given: dict) -> Report:
    """A Markdown/text report; a file on disk may have a JSON sidecar with its metadata."""
    try:
        meta, body = split_front_matter(content)
    except FrontMatterError as exc:
        raise IngestError(source, str(exc)) from None
    meta = {**{k: v for k, v in given.items() if v}, **meta}
    sidecar = path.with_suffix(".json") if path is not None else None
    if sidecar is not None and sidecar.exists() and sidecar != path:
        try:
            side = json.loads(decode(sidecar.read_bytes(), str(sidecar)))
        except json.JSONDecodeError as exc:
            raise IngestError(str(sidecar), f"sidecar is not valid JSON ({exc.msg}, line {exc.lineno})") from None
        if not isinstance(side, dict):
            raise IngestError(str(sidecar), "sidecar must be a JSON object")
        meta = {**{str(k).lower(): v for k, v in side.items()}, **meta}
    return report_from_meta(meta, body, source=source, path=str(path) if path else source, raw=content)


def report_from_meta(meta: dict, text: str, *, source: str, path: str = "", raw: str = "") -> Report:
    """A Report from a metadata mapping (front matter, sidecar or JSON record) and its text."""
    def field(*names: str) -> str:
        for name in names:
            value = meta.get(name)
            if value not in (None, ""):
                if not isinstance(value, (str, int, float)):
                    raise IngestError(source, f"metadata field {name!r} must be text, not {type(value).__name__}")
                return str(value).strip()
        return ""

    return Report(
        text=text,
        title=field("title", "headline"),
        url=field("url", "link", "source_url"),
        published=normalise_date(field("published", "date", "published_at", "pubdate"), source),
        publisher=field("publisher", "source", "site_name", "sitename"),
        language=field("language", "lang", "inlanguage") or guess_language(text),
        path=path or source,
        fetched_at=now_iso(),
        raw=raw or text,
        report_id=field("id", "report_id"),
    )


def html_report(html: str, *, source: str, path: str = "", url: str = "", meta: dict | None = None) -> Report:
    """Main text and metadata of an HTML page, via trafilatura."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise IngestError(source, "no article text found in the HTML")
    found = trafilatura.extract_metadata(html, default_url=url or None)
    info = {"title": getattr(found, "title", None), "url": url or getattr(found, "url", None),
            "published": getattr(found, "date", None), "publisher": getattr(found, "sitename", None),
            "language": getattr(found, "language", None)}
    info.update({k: v for k, v in (meta or {}).items() if v})
    return report_from_meta(info, text, source=source, path=path or url or source, raw=html)


def _record_reports(content: str, source: str, suffix: str, given: dict) -> Iterator[Report | IngestError]:
    """Each record's report, or the record's problem; a file that is not JSON at all is raised."""
    records: list[tuple[str, object]] = []
    if suffix == ".jsonl":
        for number, line in enumerate(content.splitlines(), 1):
            if line.strip():
                try:
                    records.append((f"{source}:{number}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    records.append((f"{source}:{number}", IngestError(f"{source}:{number}",
                                                                      f"not valid JSON ({exc.msg})")))
    else:
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise IngestError(source, f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
        items = data if isinstance(data, list) else [data]
        records = [(f"{source}[{i}]" if isinstance(data, list) else source, item)
                   for i, item in enumerate(items)]
    for where, record in records:
        if isinstance(record, IngestError):
            yield record
            continue
        if not isinstance(record, dict):
            yield IngestError(where, "a record must be a JSON object")
            continue
        meta = {**{k: v for k, v in given.items() if v}, **{str(k).lower(): v for k, v in record.items()}}
        text = next((meta[f] for f in _TEXT_FIELDS if isinstance(meta.get(f), str) and meta[f].strip()), None)
        if text is None:
            yield IngestError(where, f"record has no text field ({', '.join(_TEXT_FIELDS)})")
            continue
        try:
            yield report_from_meta(meta, text, source=where, path=where)
        except IngestError as exc:
            yield exc
