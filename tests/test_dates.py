"""Dates as people write them, kept at the precision they were given."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readiness import dates
from readiness.errors import InvalidValueError

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(("text", "iso", "precision", "human"), [
    ("2025", "2025", "year", "2025"),
    ("2025-10", "2025-10", "month", "October 2025"),
    ("2025-10-01", "2025-10-01", "day", "1 October 2025"),
    ("01/10/2025", "2025-10-01", "day", "1 October 2025"),
    ("1/10/2025", "2025-10-01", "day", "1 October 2025"),
    ("10/2025", "2025-10", "month", "October 2025"),
    ("07.01.2025", "2025-01-07", "day", "7 January 2025"),
    (2025, "2025", "year", "2025"),
    (dt.date(2025, 4, 26), "2025-04-26", "day", "26 April 2025"),
])
def test_dates_are_read_as_people_write_them(text, iso, precision, human) -> None:
    """Year, month or day; Vietnamese day-first; the precision is kept and shown."""
    found = dates.parse(text, today=TODAY)
    assert (found.iso(), found.precision, found.human("en")) == (iso, precision, human)


def test_vietnamese_display() -> None:
    """Dates shown in Vietnamese read as Vietnamese writes them."""
    assert dates.parse("01/10/2025").human("vi") == "ngày 1 tháng 10 năm 2025"
    assert dates.parse("2025-10").human("vi") == "tháng 10 năm 2025"


@pytest.mark.parametrize(("text", "message"), [
    ("31/02/2025", "not a day of the calendar"),
    ("2025-13", "months run 1-12"),
    ("2205-01-01", "years ahead; check the year"),
    ("1850", "before 1900"),
    ("next week", "not a date"),
    ("2025/10/01", "not a date"),
])
def test_impossible_and_far_future_dates_are_refused(text, message) -> None:
    """The message names the field and what is wrong."""
    with pytest.raises(InvalidValueError, match=message) as info:
        dates.parse(text, "start", today=TODAY)
    assert str(info.value).startswith("start: ")


def test_an_end_before_its_start_is_refused_but_a_month_may_contain_its_day() -> None:
    """"2025-10" as an end is fine after a start of 2025-10-01; 2024 is not."""
    dates.check_order(dates.parse("2025-10-01"), dates.parse("2025-10"))
    with pytest.raises(InvalidValueError, match="before the start"):
        dates.check_order(dates.parse("2025-10-01"), dates.parse("2024"))


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)),
       st.sampled_from(["year", "month", "day"]))
def test_iso_text_round_trips_and_sorts_in_time_order(day: dt.date, precision: str) -> None:
    """What is stored reads back the same, and ISO text order is time order of first days."""
    value = dates.PartialDate(day.year, day.month if precision != "year" else None,
                              day.day if precision == "day" else None)
    assert dates.from_iso(value.iso()) == value
    assert dates.parse(value.iso(), today=TODAY) == value
    assert value.first_day <= value.last_day
