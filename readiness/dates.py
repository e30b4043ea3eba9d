"""Dates as people know them: a year, a month, or a day.

An event happened "in October 2025"; a plan was adopted on 7 January 2025; a statistic is
"for 2024". ``PartialDate`` keeps the precision it was given, stores as ISO text ("2025",
"2025-10", "2025-10-01", which sort in time order as strings) and shows as "October 2025".

Accepted input (``parse``), as officials write dates, day first:

* ISO: ``2025``, ``2025-10``, ``2025-10-01`` (and ``2025-10-01T08:30``, the time dropped);
* numbers: ``01/10/2025``, ``1/10/2025``, ``01-10-2025``, ``01.10.2025``, ``10/2025``,
  ``10-2025``; a two-digit year, ``1/10/25``, is read as Python's ``%y`` reads it: 00-68 are
  2000-2068, 69-99 are 1969-1999 (a date more than 15 years ahead is refused anyway);
* words, with or without diacritics: ``ngày 1 tháng 10 năm 2025``, ``ngày 01/10/2025``,
  ``tháng 10/2025``, ``tháng 10 năm 2025``, ``năm 2025``;
* ``date`` / ``datetime`` objects (from YAML and spreadsheet date cells).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any, overload

from readiness.errors import InvalidValueError
from readiness.text import fold_words

EARLIEST_YEAR = 1900
#: A date further ahead than this is a typo (2205 for 2025), not a plan's horizon.
MAX_YEARS_AHEAD = 15

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_ISO_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_DAY_FIRST = re.compile(r"(?:(\d{1,2})([/.-]))?(\d{1,2})([/.-])(\d{4}|\d{2})")
# Vietnamese words, folded (no marks, no case): "ngày 1 tháng 10 năm 2025", "tháng 10/2025".
_VI_DAY = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*,?\s*nam\s*(\d{4})")
_VI_MONTH = re.compile(r"thang\s*(\d{1,2})\s*(?:,?\s*nam\s*|[/.-]\s*)(\d{4})")
_VI_PREFIX = re.compile(r"^ngay\s*")
#: Two-digit years as Python's %y reads them: below this are 20xx, from it on 19xx.
TWO_DIGIT_PIVOT = 69
DATE_FORMS = "2025, 10/2025, 01/10/2025, 2025-10-01 or ngày 1 tháng 10 năm 2025"

_MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "vi": [f"tháng {m}" for m in range(1, 13)],
}


@dataclass(frozen=True, order=True)
class PartialDate:
    """A year, a year and month, or a full date. Orders by its first day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    # Cached: scoring asks a record's dates once per criterion, thousands of times per city.
    @functools.cached_property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @functools.cached_property
    def last_day(self) -> dt.date:
        if self.day:
            return self.first_day
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.iso()

    def human(self, lang: str = "en") -> str:
        """"1 October 2025", "October 2025", "2025"; in Vietnamese "1 tháng 10 năm 2025"."""
        names = _MONTHS.get(lang, _MONTHS["en"])
        if lang == "vi":
            if self.day:
                return f"ngày {self.day} {names[self.month - 1]} năm {self.year}"  # type: ignore[operator]
            if self.month:
                return f"{names[self.month - 1]} năm {self.year}"
            return f"năm {self.year}"
        if self.day:
            return f"{self.day} {names[self.month - 1]} {self.year}"  # type: ignore[operator]
        if self.month:
            return f"{names[self.month - 1]} {self.year}"
        return str(self.year)


def parse(value: Any, field: str = "date", *, today: dt.date | None = None) -> PartialDate:
    """Read a date as people write it; refuse impossible and far-future dates, naming the field."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        found = PartialDate(value.year, value.month, value.day)
    elif isinstance(value, int) and not isinstance(value, bool):
        found = _build(value, None, None, field, str(value))
    elif isinstance(value, str):
        found = _parse_text(value, field)
    else:
        raise InvalidValueError(f"{field}: {value!r} is not a date; write {DATE_FORMS}")
    today = today or dt.date.today()
    if found.year < EARLIEST_YEAR:
        raise InvalidValueError(f"{field}: {found} is before {EARLIEST_YEAR}; check the year")
    if found.first_day > _years_after(today, MAX_YEARS_AHEAD):
        raise InvalidValueError(
            f"{field}: {found} is more than {MAX_YEARS_AHEAD} years ahead; check the year")
    return found


def _parse_text(value: str, field: str) -> PartialDate:
    text = value.strip()
    if m := _ISO.fullmatch(text):
        return _build(int(m[1]), _int(m[2]), _int(m[3]), field, text)
    if m := _ISO_TIME.fullmatch(text):
        return _build(int(m[1]), int(m[2]), int(m[3]), field, text)
    words = fold_words(text)
    if m := _VI_DAY.fullmatch(words):
        return _build(int(m[3]), int(m[2]), int(m[1]), field, text)
    if m := _VI_MONTH.fullmatch(words):
        return _build(int(m[2]), int(m[1]), None, field, text)
    if m := re.fullmatch(r"nam\s*(\d{4})", words):  # "năm 2025"
        return _build(int(m[1]), None, None, field, text)
    bare = _VI_PREFIX.sub("", words, count=1)  # "ngày 01/10/2025"
    if (m := _DAY_FIRST.fullmatch(bare)) and (m[2] is None or m[2] == m[4]) and (m[1] or len(m[5]) == 4):
        return _build(_year(m[5]), int(m[3]), _int(m[1]), field, text)
    raise InvalidValueError(f"{field}: {value!r} is not a date; write {DATE_FORMS}")


def _year(text: str) -> int:
    """A year as written: 2025, or 25 read as 2025 (00-68) or 1999 for 99 (69-99), as %y does."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < TWO_DIGIT_PIVOT else 1900
    return year


def parse_optional(value: Any, field: str, *, today: dt.date | None = None) -> PartialDate | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse(value, field, today=today)


@functools.lru_cache(maxsize=8192)
def from_iso(text: str | None) -> PartialDate | None:
    """A stored ISO date back into a PartialDate (trusted: it was checked on the way in).

    Cached: a city's records share few distinct dates, and PartialDate is immutable.
    """
    if not text:
        return None
    parts = [int(p) for p in text.split("-")]
    return PartialDate(*parts)


def as_utc(stamp: dt.datetime) -> dt.datetime:
    """A moment in UTC: a naive one is taken as UTC already (SQLite hands back naive UTC, and an
    import file may give no offset), an aware one is converted."""
    return stamp.replace(tzinfo=dt.timezone.utc) if stamp.tzinfo is None else stamp.astimezone(dt.timezone.utc)


def parse_moment(value: str | dt.datetime) -> dt.datetime:
    """An ISO 8601 date and time ("2026-06-15", "2026-06-15T09:00+07:00") in UTC, taken as UTC
    when it names no zone; ValueError when it is not one."""
    return as_utc(value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value)))


@overload
def iso_time(stamp: dt.datetime) -> str: ...
@overload
def iso_time(stamp: None) -> None: ...
@overload
def iso_time(stamp: dt.datetime | None) -> str | None: ...
def iso_time(stamp: dt.datetime | None) -> str | None:
    """A stored moment as UTC text to the second ("2025-05-05T09:30:00+00:00"), as every record shows
    and exports it; None stays None."""
    return None if stamp is None else as_utc(stamp).isoformat(timespec="seconds")


def check_order(start: PartialDate | None, end: PartialDate | None, end_field: str = "end") -> None:
    """An end before its start is refused; "2025-10" ends after "2025-10-01" starts, and so on."""
    if start and end and end.last_day < start.first_day:
        raise InvalidValueError(f"{end_field}: {end} is before the start {start}; swap them or fix the year")


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _build(year: int, month: int | None, day: int | None, field: str, given: str) -> PartialDate:
    if month is not None and not 1 <= month <= 12:
        raise InvalidValueError(f"{field}: {given!r} has month {month}; months run 1-12")
    if day is not None:
        try:
            dt.date(year, month or 1, day)
        except ValueError:
            raise InvalidValueError(f"{field}: {given!r} is not a day of the calendar") from None
    return PartialDate(year, month, day)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def parse_day(value: Any, field: str = "--as-of") -> dt.date:
    """A whole day (``2026-06-15`` or ``15/06/2026``), as an as-of date must be."""
    found = parse(value, field)
    if found.precision != "day":
        raise InvalidValueError(f"{field}: {value!r} is not a whole day; write 2026-06-15 or 15/06/2026")
    return found.first_day


_SPAN = re.compile(r"\s*(\d{1,4})\s*([dwmy]?)\s*", re.IGNORECASE)


def parse_span(value: str, field: str = "--within") -> dt.timedelta | tuple[int, str]:
    """"90d", "12w", "6m", "1y" or a plain number of days; months and years stay calendar spans."""
    m = _SPAN.fullmatch(value or "")
    if not m:
        raise InvalidValueError(f"{field}: {value!r} is not a span; write 90d, 12w, 6m or 1y")
    n, unit = int(m[1]), (m[2] or "d").lower()
    if unit == "d":
        return dt.timedelta(days=n)
    if unit == "w":
        return dt.timedelta(weeks=n)
    return (n, unit)


def add_span(day: dt.date, span: dt.timedelta | tuple[int, str]) -> dt.date:
    """``day`` plus a span from ``parse_span`` (calendar months and years; 31 Jan + 1m = 28/29 Feb)."""
    if isinstance(span, dt.timedelta):
        return day + span
    n, unit = span
    return add_months(day, n * (12 if unit == "y" else 1))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier, when negative), kept inside shorter months."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
