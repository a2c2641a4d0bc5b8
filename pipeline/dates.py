"""Event dates: ACLED's event_date and time_precision from what the sentence says.

Explicit dates ("on Aug. 29", "29 August 2024") give a day; weekdays and relative phrases
("on Monday", "Thursday night", "last week", "pre-dawn") are resolved against the publication
date; a month alone gives precision 3. A month later than the publication month is last year's.
Only when the text says nothing does the publication date stand in, and ``reason`` says so.
Vocabulary: data/event_time.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from .knowledge import load_data

DAY, WEEK, MONTH = 1, 2, 3


@dataclass
class DateResolution:
    date: str  # YYYY-MM-DD, "" when nothing is known
    precision: int
    reason: str
    explicit: bool = False  # said in the text (not the publication-date fallback)
    evidence: list = field(default_factory=list)  # [start, end, text] relative to the text searched
    rank: float = 9  # lower is better: 0 explicit day, 1 weekday, 2 relative day, 3 month/week, 9 fallback


@dataclass(frozen=True)
class _Vocab:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: tuple[tuple[str, int, int], ...]
    day_month: re.Pattern
    month_day: re.Pattern
    month_year: re.Pattern
    month_alone: re.Pattern
    iso: re.Pattern
    weekday: re.Pattern
    relative_re: re.Pattern


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    raw = load_data("event_time.yaml")
    months = {k.lower(): int(v) for k, v in raw["months"].items()}
    weekdays = {k.lower(): int(v) for k, v in raw["weekdays"].items()}
    rel = tuple(sorted(((k.lower(), int(v[0]), int(v[1])) for k, v in raw["relative_days"].items()),
                       key=lambda r: -len(r[0])))
    # Month and weekday names must be capitalised, so "may" and "sun" in running text never match.
    mon = "|".join(sorted((m.capitalize() for m in months), key=len, reverse=True))
    wd = "|".join(sorted((w.capitalize() for w in weekdays), key=len, reverse=True))
    day = r"(\d{1,2})(?:st|nd|rd|th)?"
    return _Vocab(
        months=months, weekdays=weekdays, relative=rel,
        day_month=re.compile(rf"\b(?:{day}\s*[-–]\s*)?{day}\s+(?:of\s+)?({mon})\b\.?(?:,?\s+(\d{{4}}))?"),
        month_day=re.compile(rf"\b({mon})\b\.?\s+{day}(?:\s*[-–]\s*(\d{{1,2}}))?\b(?:,?\s+(\d{{4}}))?"),
        month_year=re.compile(rf"\b({mon})\b\.?,?\s+(\d{{4}})\b"),
        month_alone=re.compile(rf"\b(?:in|during|since|throughout|early|late|mid-?|end of|beginning of)\s+({mon})\b"),
        iso=re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)\b"),
        weekday=re.compile(rf"\b({wd})\b\.?"),
        relative_re=re.compile(r"\b(" + "|".join(re.escape(r[0]) for r in rel) + r")\b", re.IGNORECASE),
    )


def _parse_iso(published: str) -> date | None:
    try:
        return date.fromisoformat(published[:10])
    except (TypeError, ValueError):
        return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, pub: date | None) -> tuple[int | None, str]:
    if pub is None:
        return None, ""
    candidate = _safe_date(pub.year, month, day)
    if candidate and candidate > pub + timedelta(days=2):
        return pub.year - 1, "; year inferred: later than publication, so last year"
    return pub.year, "; year from publication"


def _preceded_by(text: str, start: int, words: tuple[str, ...]) -> bool:
    before = text[max(0, start - 12):start].lower().split()
    return bool(before) and before[-1] in words


_NOT_EVENT_TIME = ("since", "until", "till", "before", "by")


def find_dates(text: str, published: str) -> list[DateResolution]:
    """Every date expression in ``text`` resolved against ``published``, best first."""
    v = _vocab()
    pub = _parse_iso(published)
    found: list[DateResolution] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in v.iso.finditer(text):
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append(DateResolution(d.isoformat(), DAY, f"explicit date '{m.group(0)}'", True,
                                        [m.start(), m.end(), m.group(0)], 0))
            taken.append(m.span())
    for pattern, kind in ((v.day_month, "dm"), (v.month_day, "md")):
        for m in pattern.finditer(text):
            if not free(*m.span()) or _preceded_by(text, m.start(), _NOT_EVENT_TIME):
                continue
            if kind == "dm":
                day_s, month_s, year_s = m.group(2), m.group(3), m.group(4)
            else:
                month_s, day_s, year_s = m.group(1), m.group(2), m.group(4)
            month = v.months.get(month_s.lower().rstrip("."))
            if not month or (month_s == "May" and not day_s):
                continue
            day = int(day_s)
            if year_s:
                year, why = int(year_s), ""
            else:
                year, why = _infer_year(month, day, pub)
                if year is None:
                    continue
            d = _safe_date(year, month, day)
            if d:
                found.append(DateResolution(d.isoformat(), DAY, f"explicit date '{m.group(0).strip()}'{why}", True,
                                            [m.start(), m.end(), m.group(0)], 0))
                taken.append(m.span())
    for m in v.weekday.finditer(text):
        if not free(*m.span()) or pub is None or _preceded_by(text, m.start(), _NOT_EVENT_TIME):
            continue
        wd = v.weekdays[m.group(1).lower()]
        back = (pub.weekday() - wd) % 7
        lead = text[max(0, m.start() - 6):m.start()].lower()
        if "last" in lead and back == 0:
            back = 7
        d = pub - timedelta(days=back)
        # "overnight Tuesday into Wednesday": the night ends on the later day
        rank = 0.9 if _preceded_by(text, m.start(), ("into",)) else 1
        found.append(DateResolution(d.isoformat(), DAY,
                                    f"weekday '{m.group(0)}': the last {m.group(1)} on or before publication "
                                    f"{pub.isoformat()}", True, [m.start(), m.end(), m.group(0)], rank))
        taken.append(m.span())
    for m in v.relative_re.finditer(text):
        if not free(*m.span()) or pub is None:
            continue
        phrase = m.group(1).lower()
        offset, precision = next((o, p) for k, o, p in v.relative if k == phrase)
        d = pub + timedelta(days=offset)
        found.append(DateResolution(d.isoformat(), precision,
                                    f"'{m.group(0)}' relative to publication {pub.isoformat()}", True,
                                    [m.start(), m.end(), m.group(0)], 2 if precision == DAY else 3))
        taken.append(m.span())
    for m in v.month_year.finditer(text):
        if not free(*m.span()) or _preceded_by(text, m.start(), _NOT_EVENT_TIME):
            continue
        month = v.months.get(m.group(1).lower())
        if month:
            d = date(int(m.group(2)), month, 1)
            found.append(DateResolution(d.isoformat(), MONTH, f"month '{m.group(0)}'", True,
                                        [m.start(), m.end(), m.group(0)], 3))
            taken.append(m.span())
    for m in v.month_alone.finditer(text):
        if not free(*m.span()) or m.group(0).lower().startswith("since"):
            continue
        month = v.months.get(m.group(1).lower())
        if month and pub is not None:
            year = pub.year - 1 if month > pub.month else pub.year
            d = date(year, month, 1)
            found.append(DateResolution(d.isoformat(), MONTH, f"month '{m.group(0)}'"
                                        + ("; last year, as it is after the publication month" if year < pub.year
                                           else ""), True, [m.start(), m.end(), m.group(0)], 3))
            taken.append(m.span())
    found.sort(key=lambda r: (r.rank, r.evidence[0] if r.evidence else 0))
    return found


def resolve_date(text: str, published: str) -> DateResolution:
    """The event date said in ``text`` (a sentence), or the publication date with the reason."""
    found = find_dates(text, published)
    if found:
        return found[0]
    return fallback_date(published)


def fallback_date(published: str) -> DateResolution:
    pub = _parse_iso(published)
    if pub is None:
        return DateResolution("", DAY, "no date in the text and no publication date")
    return DateResolution(pub.isoformat(), DAY, "no date in the text: publication date", False, [], 9)
