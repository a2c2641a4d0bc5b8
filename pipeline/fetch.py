"""Reports from the web: article pages and RSS/Atom feeds (the network edge of the pipeline).

Nothing here runs unless the user names a URL. Each problem becomes an :class:`IngestError`
naming the URL: a timeout, an HTTP error status, a body that is not HTML, a feed that is not XML.
"""
from __future__ import annotations

from collections.abc import Iterator

import requests

from .ingest import IngestError, check_report, html_report, normalise_date, now_iso
from .report import Report
from .settings import Settings

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
               "application/xml", "text/xml")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_url(value: str) -> bool:
    return str(value).lower().startswith(("http://", "https://"))


def _get(url: str, settings: Settings) -> requests.Response:
    try:
        response = requests.get(url, timeout=settings.request_timeout,
                                headers={"User-Agent": settings.user_agent})
    except requests.Timeout:
        raise IngestError(url, f"timed out after {settings.request_timeout:g} s "
                               "(setting OPSMAP_REQUEST_TIMEOUT)") from None
    except requests.RequestException as exc:
        raise IngestError(url, f"could not be fetched ({exc.__class__.__name__})") from None
    if response.status_code >= 400:
        raise IngestError(url, f"HTTP {response.status_code} {response.reason}")
    if len(response.content) > settings.max_file_bytes:
        raise IngestError(url, f"response is {len(response.content):,} bytes, over the limit of "
                               f"{settings.max_file_bytes:,} (setting OPSMAP_MAX_FILE_BYTES)")
    return response


def _content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _looks_like_feed(response: requests.Response) -> bool:
    kind = _content_type(response)
    if kind in _FEED_TYPES:
        return True
    head = response.content[:512].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def fetch(url: str, settings: Settings, *, since: str = "") -> tuple[list[Report], list[IngestError]]:
    """The report(s) at ``url`` — one article, or every item of a feed — and the items that failed."""
    response = _get(url, settings)
    if _looks_like_feed(response):
        reports, failed = [], []
        for item in read_feed(url, settings, since=since, response=response):
            (failed if isinstance(item, IngestError) else reports).append(item)
        return reports, failed
    return [_article(url, response, settings)], []


def fetch_url(url: str, settings: Settings, meta: dict | None = None) -> Report:
    """One article page."""
    return _article(url, _get(url, settings), settings, meta)


def _article(url: str, response: requests.Response, settings: Settings, meta: dict | None = None) -> Report:
    kind = _content_type(response)
    if kind and kind not in _HTML_TYPES:
        raise IngestError(url, f"content type {kind!r} is not an HTML page or a feed")
    html = response.text
    report = html_report(html, source=url, url=url, meta=meta)
    report.fetched_at = now_iso()
    check_report(report, settings, url)
    return report


def read_feed(url: str, settings: Settings, *, since: str = "",
              response: requests.Response | None = None) -> Iterator[Report | IngestError]:
    """Every item of an RSS/Atom feed, each item's link fetched as an article.

    An item that fails is yielded as its :class:`IngestError`, so one dead link does not stop the feed.
    """
    import feedparser

    response = response or _get(url, settings)
    feed = feedparser.parse(response.content)
    if feed.bozo and not any(entry.get("link") for entry in feed.entries):
        problem = getattr(feed, "bozo_exception", None)
        raise IngestError(url, f"not a valid RSS/Atom feed ({problem.__class__.__name__ if problem else 'no items'})")
    since_date = normalise_date(since, "--since") if since else ""
    publisher = feed.feed.get("title", "")
    for entry in feed.entries:
        link = entry.get("link", "")
        published = ""
        for key in ("published", "updated", "created"):
            if entry.get(key):
                try:
                    published = normalise_date(entry.get(key), link or url)
                except IngestError:
                    published = ""
                break
        if since_date and published and published < since_date:
            continue
        if not is_url(link):
            yield IngestError(f"{url} item {entry.get('title', '')!r}", "has no http(s) link")
            continue
        meta = {"title": entry.get("title", ""), "published": published, "publisher": publisher}
        try:
            yield fetch_url(link, settings, meta={k: v for k, v in meta.items() if v})
        except IngestError as exc:
            yield exc
