"""Event dates from explicit dates, weekdays and relative phrases, against the publication date."""
from __future__ import annotations

import pytest

from pipeline.dates import DAY, MONTH, WEEK, resolve_date


@pytest.mark.parametrize("text, published, expected, precision", [
    ("US forces raided the compound on Aug. 29, officials said.", "2024-08-31", "2024-08-29", DAY),
    ("The strike took place on 29 August 2024 near Ramadi.", "2024-09-02", "2024-08-29", DAY),
    ("Troops killed two fighters on 3 April.", "2023-04-04", "2023-04-03", DAY),
    ("The raid happened on Monday.", "2023-04-19", "2023-04-17", DAY),  # a Wednesday
    ("A drone hit the car on Thursday night.", "2024-12-20", "2024-12-19", DAY),
    ("Militants attacked early Sunday.", "2023-04-17", "2023-04-16", DAY),
    ("The raid was carried out yesterday.", "2023-04-17", "2023-04-16", DAY),
    ("In a pre-dawn raid, forces killed a leader.", "2023-04-17", "2023-04-17", DAY),
    ("Forces carried out several raids last week.", "2023-04-17", "2023-04-10", WEEK),
    ("The base was attacked in March.", "2023-04-17", "2023-03-01", MONTH),
    ("The base was attacked in November.", "2023-04-17", "2022-11-01", MONTH),  # later month: last year
    ("Fighters were killed on December 30.", "2024-01-02", "2023-12-30", DAY),  # year rolls back
    ("The strike on 2023-10-27 hit a depot.", "2023-10-28", "2023-10-27", DAY),
])
def test_dates(text, published, expected, precision):
    got = resolve_date(text, published)
    assert (got.date, got.precision) == (expected, precision), got.reason
    assert got.explicit and got.reason


def test_publication_date_is_the_fallback_and_says_so():
    got = resolve_date("Coalition forces killed a senior official.", "2023-04-17")
    assert got.date == "2023-04-17" and not got.explicit
    assert "publication" in got.reason


def test_modal_may_is_not_a_month():
    got = resolve_date("Officials said the group may attack again.", "2023-04-17")
    assert not got.explicit


def test_since_is_not_the_event_date():
    got = resolve_date("US forces have been in Syria since March 2015 and struck a depot on Friday.", "2023-10-29")
    assert got.date == "2023-10-27"


def test_no_publication_date_and_no_date_in_text():
    got = resolve_date("Forces killed two fighters.", "")
    assert got.date == "" and "no date" in got.reason


def test_evidence_points_into_the_text():
    text = "Gunmen attacked a checkpoint on Tuesday, killing three."
    got = resolve_date(text, "2023-05-04")
    start, end, said = got.evidence
    assert text[start:end] == said == "Tuesday"


from datetime import date, timedelta  # noqa: E402

from hypothesis import given, strategies as st  # noqa: E402

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)), st.sampled_from(WEEKDAYS))
def test_a_weekday_is_within_the_week_before_publication(published, weekday):
    got = resolve_date(f"Forces struck the town on {weekday}.", published.isoformat())
    day = date.fromisoformat(got.date)
    assert published - timedelta(days=6) <= day <= published
    assert WEEKDAYS[day.weekday()] == weekday


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)), st.integers(1, 12), st.integers(1, 28))
def test_a_day_and_month_without_year_is_never_far_after_publication(published, month, day):
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    got = resolve_date(f"The raid took place on {day} {months[month - 1]}.", published.isoformat())
    assert date.fromisoformat(got.date) <= published + timedelta(days=2)
    assert got.precision == 1
