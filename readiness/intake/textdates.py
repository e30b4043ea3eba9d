"""Dates in running text, English and Vietnamese: what an article says about when things happened.

``find_dates`` returns every mention it recognises, each with its position and whether the
text itself gave the year; ``event_dates`` picks the one that most likely dates what the text
is about (a range, a mention after "from" / "từ ngày" / "on" / "khai mạc", early in the text),
not the day the article was published.

Recognised, with or without the year:

* English: "October 3, 2023", "3 October 2023", "Oct. 3", "from October 1 to October 7",
  "October 1-7, 2025", "1-7 October 2025", "December 28, 2024 to January 3, 2025",
  "October 2021";
* Vietnamese: "ngày 3 tháng 10 năm 2023", "ngày 3/10/2023", "từ ngày 1 đến 7/10/2025",
  "từ 28/12/2024 đến 3/1/2025", "1-7/10", "tháng 10/2021", "tháng 10 năm 2021";
* numbers: 28/04/2025, 28-04-2025, 2025-04-28 (day first, as Viet Nam writes them); a bare
  "3/10" only after a word such as "ngày", "sáng", "từ", "on".

A mention without a year takes the year of the nearest mention that has one, else the
document's year (its metadata or dateline); with neither, it is left undated: no year is
guessed from nothing.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, replace

from readiness.dates import PartialDate

_MONTHS_EN = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], 1) for name in names}
_M = r"(?P<{}>" + "|".join(sorted(_MONTHS_EN, key=len, reverse=True)) + r")\.?"
_D = r"(?P<{}>[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?P<{}>(?:19|20)\d\d)"
_DASH = r",?\s*(?:-|–|—|to|until|till|through|đến|tới)\s*(?:the\s+)?"
_FROM = r"(?:from\s+(?:the\s+)?)?"
_AND = r"\s+(?:and|và)\s+(?:the\s+)?"  # "between 1 and 7 October", "hai ngày 12 và 13/10"
_SEP = r"[/.\-]"


_MONTH_NAMES = "|".join(n.capitalize() for n in sorted(_MONTHS_EN, key=len, reverse=True) if len(n) > 3 or n == "may")


def _m(name: str) -> str:
    return _M.format(name)


def _d(name: str) -> str:
    return _D.format(name)


def _y(name: str) -> str:
    return _Y.format(name)


# Each pattern names its groups d1 m1 y1 (start) and d2 m2 y2 (end); the first that matches at a
# place wins, longest patterns first. Vietnamese "tháng" takes a month number.
_PATTERNS = [
    # ranges; "and" joins two whole dates only after "between" ("on October 1 and October 7" is two days)
    rf"between\s+(?:the\s+)?{_m('m1')}\s+{_d('d1')}(?:,?\s+{_y('y1')})?{_AND}{_m('m2')}\s+{_d('d2')}"
    rf"(?:,?\s+{_y('y2')})?",
    rf"between\s+(?:the\s+)?{_d('d1')}\s+{_m('m1')}(?:\s+{_y('y1')})?{_AND}{_d('d2')}\s+{_m('m2')}"
    rf"(?:\s+{_y('y2')})?",
    rf"{_FROM}{_m('m1')}\s+{_d('d1')}(?:,?\s+{_y('y1')})?{_DASH}{_m('m2')}\s+{_d('d2')}(?:,?\s+{_y('y2')})?",
    rf"{_FROM}{_m('m1')}\s+{_d('d1')}(?:{_DASH}|{_AND}){_d('d2')}(?:,?\s+{_y('y2')})?",
    rf"{_FROM}{_d('d1')}\s+{_m('m1')}(?:\s+{_y('y1')})?{_DASH}{_d('d2')}\s+{_m('m2')}(?:\s+{_y('y2')})?",
    rf"(?:between\s+(?:the\s+)?|{_FROM}){_d('d1')}(?:{_DASH}|{_AND}){_d('d2')}\s+{_m('m2')}(?:,?\s+{_y('y2')})?",
    rf"(?:từ\s+)?(?:ngày\s+)?(?P<d1>[0-3]?\d){_SEP}(?P<m1>[01]?\d)(?:{_SEP}{_y('y1')})?{_DASH}(?:ngày\s+)?"
    rf"(?P<d2>[0-3]?\d){_SEP}(?P<m2>[01]?\d)(?:{_SEP}{_y('y2')})?",
    rf"(?:từ\s+)?(?:ngày\s+)?(?P<d1>[0-3]?\d){_DASH}(?:ngày\s+)?(?P<d2>[0-3]?\d){_SEP}(?P<m2>[01]?\d)(?:{_SEP}{_y('y2')})?",
    rf"(?:từ\s+)?ngày\s+(?P<d1>[0-3]?\d)(?:{_DASH}|{_AND})(?:ngày\s+)?(?P<d2>[0-3]?\d)\s+tháng\s+(?P<m2>[01]?\d)"
    rf"(?:\s+năm\s+{_y('y2')})?",
    rf"(?P<cue>ngày|từ)\s+(?P<d1>[0-3]?\d){_AND}(?P<d2>[0-3]?\d){_SEP}(?P<m2>[01]?\d)(?:{_SEP}{_y('y2')})?",
    # single days
    rf"(?:ngày\s+)?(?P<d1>[0-3]?\d)\s+tháng\s+(?P<m1>[01]?\d)(?:\s*(?:năm|,)\s*{_y('y1')})?",
    rf"{_y('y1')}-(?P<m1>[01]\d)-(?P<d1>[0-3]\d)",
    rf"(?P<d1>[0-3]?\d){_SEP}(?P<m1>[01]?\d){_SEP}{_y('y1')}",
    rf"{_m('m1')}\s+{_d('d1')}(?:,?\s+{_y('y1')})?(?![\d/])",
    rf"{_d('d1')}\s+{_m('m1')}(?:,?\s+{_y('y1')})?",
    rf"(?P<cue>ngày|sáng|chiều|tối|trưa|hôm|mùng|mồng|on|từ|đến)\s+(?:ngày\s+)?(?P<d1>[0-3]?\d){_SEP}(?P<m1>[01]?\d)"
    r"(?![\d/])",
    # the day in brackets after the weekday or "today", as Vietnamese papers write it: "Sáng nay (2/10)",
    # "sáng thứ Bảy (12/10)"
    rf"(?P<cue>nay|qua|thứ\s+\w+|chủ nhật)\s*\((?P<d1>[0-3]?\d){_SEP}(?P<m1>[01]?\d)(?:{_SEP}{_y('y1')})?\)",
    # months
    rf"tháng\s+(?P<m1>[01]?\d)(?:\s*(?:/|năm|-)\s*{_y('y1')})",
    rf"{_m('m1')}(?:,)?\s+{_y('y1')}",
    # an English month named on its own after a word that dates by it ("the third week of March",
    # "in October"), capitalised: "may" and "march" are words too
    rf"(?P<cue>(?:week|weekend|end|middle|beginning|start|month|half)\s+of|in|during|since|until|throughout|early|"
    rf"late|mid-?)\s+(?-i:(?P<m1>{_MONTH_NAMES}))(?![\w-])(?!\s*\d)",
    r"tháng\s+(?P<m1>[01]?\d)(?![\d/])",
    # a year on its own, after a word that dates something by it ("năm 2024", "in 2023"); not
    # the first year of a period ("2021-2030")
    rf"(?P<cue>năm|in|during|since|trong năm|this year,?|năm nay,?)\s+{_y('y1')}(?!\s*[-–]\s*\d)",
    # "the tasks of 2024." : a year that closes a phrase, not a count ("a total of 2000 people")
    rf"(?P<cue>of)\s+{_y('y1')}(?=\s*[,.;:)]|\s*$)",
    # a season of a year, and the year of a named event: "spring 2019", "Lifelong Learning Week 2025",
    # "the 2015 Limerick Lifelong Learning Festival" (not "the 2030 Agenda": no event is named)
    rf"(?P<cue>spring|summer|autumn|fall|winter)\s+(?:of\s+)?{_y('y1')}(?!\s*[-–/]\s*\d)",
    rf"(?-i:(?P<cue>Week|Festival|Day|Forum|Conference|Fair|Month|Summit|Awards?))\s+{_y('y1')}(?!\s*[-–/]\s*\d)",
    rf"(?P<cue>the|this|its)\s+{_y('y1')}(?=\s+(?-i:(?:[A-Z][\w'’&-]*\s+){{0,6}}(?:Week|Festival|Day|Forum|Conference|"
    rf"Fair|Month|Summit|Awards?|Programme|Program|Campaign)\b))",
]
# Not inside a number or a word after it; a dateline glued to a newspaper's name ("Quốc Tế28/04/2025")
# still counts as a mention (event_dates gives it little weight).
_REGEXES = [re.compile(r"(?<![\d/.])" + p + r"(?![\w])", re.IGNORECASE) for p in _PATTERNS]
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
#: A period, written close ("2021-2026") or spaced ("nhiệm kỳ 2021 - 2026", "2021—2026"): neither end
#: is a year on its own, to date a day or a document by.
PERIOD_SPAN = re.compile(r"(?<!\d)(?:19|20)\d\d\s*[-–—]\s*(?:19|20)\d\d(?!\d)")
# A year on its own: not in a date, a number or a period ("2021-2030", "2021 - 2030"), nor a count
# ("2000 people": a year is not followed by a word in lower case).
_BARE_YEAR = re.compile(r"(?<![\d/.,\-–])(?<![-–]\s)((?:19|20)\d\d)(?![\d/.,]\d)(?!\s*[-–]\s*\d)(?!\s+[a-zà-ỹđ])")
# What is said after a date that makes it the day a plan or decision was issued, not the day of
# what it plans ("Ngày 10/4/2019, Trường Đại học Vinh ban hành kế hoạch tổ chức ...").
_ISSUED_AFTER = re.compile(r"^\W*(?:[\w.-]+\W+){0,8}?(?:ban hành|issued|promulgated|approved|adopted)\b",
                           re.IGNORECASE)
# The year something was set up, in the clause around it: the background of most texts.
_FOUNDED = re.compile(r"\b(?:established|founded|set up|created|formed|thành lập|ra đời|"
                      r"(?<!độc )(?<!Độc )lập(?!\s+(?:kế hoạch|dự toán|báo cáo|danh sách|hồ sơ)))\b", re.IGNORECASE)


def _founding(text: str, m: Mention) -> bool:
    """Whether a year is said of something set up: "In 2015 the city set up ...", "lập ... năm 2012"."""
    before = re.split(r"[.;!?]\s", text[max(0, m.position - 80):m.position])[-1]
    after = re.split(r"[.;,!?]", text[m.position + len(m.text):m.position + len(m.text) + 50])[0]
    return bool(_FOUNDED.search(before) or _FOUNDED.search(after))


# A date that names a day rather than says when something happened: "ahead of Reading Culture Day on
# April 21", "hưởng ứng Ngày Sách Việt Nam 21/4".
_NAMED_DAY_BEFORE = re.compile(r"(?:\b[A-Z][\w'’]*\s+Day|\bNgày\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s+)+"
                               r"(?:(?:và|and)\s+(?:[\wÀ-ỹ]+\s+){1,6})?)\s*(?:on\s+|\(|,\s*)?(?:the\s+)?(?:ngày\s+)?$")


# An aim, not a date: "will help build a learning society in 2025", "sẽ ... năm 2026".
_FUTURE_BEFORE = re.compile(r"\b(?:will|shall|sẽ|aims? to|plans? to|hopes? to)\b[^.;!?]{0,60}$", re.IGNORECASE)
# A year a plan runs to, a target's deadline: "đến năm 2030", "by 2030", "to 2025" (not "from 2020 to 2025",
# a period, which is matched whole).
_TARGET_BEFORE = re.compile(r"(?:\bđến|\btới|\bby|\bup to|\buntil)\s+(?:năm\s+)?$", re.IGNORECASE)
_CUES = re.compile(r"(from|starting|start|opened|opening|launch|took place|held|will be held|on the|on|"
                   r"từ|vào|ngày|khai mạc|diễn ra|tổ chức|phát động|ban hành|hưởng ứng|sáng|chiều|tối)"
                   r"\W*(?:\w+\W+){0,3}$",
                   re.IGNORECASE)
_DATELINE = re.compile(r"(published|posted|updated|cập nhật|đăng|thứ\s+\w+,?|\w)$", re.IGNORECASE)


#: Kinds of text that look back on the year just ended.
_LOOKS_BACK = ("report", "statistic")


@dataclass(frozen=True)
class Mention:
    """A date or date range in a text; ``start``/``end`` None when no year could be found."""

    text: str
    position: int
    start: PartialDate | None
    end: PartialDate | None
    year_given: bool
    is_range: bool
    score: float = 0.0


def _month(value: str | None) -> int | None:
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    return _MONTHS_EN.get(value.lower().rstrip("."))


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if month is None or not 1 <= month <= 12:
        return month is None and day is None
    return day is None or 1 <= day <= calendar.monthrange(year, month)[1]


def _blank(m: re.Match[str]) -> str:
    return " " * len(m[0])


# Words inside a date that say nothing about it: weekdays ("Monday 19 – Sunday 25 of March"),
# blanked with spaces so that positions in the text stay where they were.
_NOISE = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b,?|(?<=\d)(?:st|nd|rd|th)?\s+of(?=\s+[A-Z][a-z])",
                    re.IGNORECASE)


def find_dates(text: str, year_hint: int | None = None, *, dateline: bool = False) -> list[Mention]:
    """Every date mention in ``text``, in order; years filled in from the text or ``year_hint``.

    A mention without a year takes the year of the nearest mention that has one, else
    ``year_hint``; with ``dateline`` (the hint is the year of the document's dateline or date
    line), the hint comes first: "starting from October 3" in an article dated 2023 is 2023."""
    text = unicodedata.normalize("NFC", text)
    written = text  # with its weekdays, which check a year taken from elsewhere
    text = _NOISE.sub(_blank, text)
    taken: list[tuple[int, int]] = []
    raw = []
    for regex in _REGEXES:
        for m in regex.finditer(text):
            a, b = m.span()
            if any(a < y and x < b for x, y in taken):
                continue
            g = {k: v for k, v in m.groupdict().items() if v is not None}
            if "cue" in g:  # "ngày 3/10": keep the cue word out of the mention
                a = m.start("d1") if "d1" in g else m.start("y1") if "y1" in g else m.start("m1")
            taken.append((a, b))
            raw.append((a, text[a:b], g))
    raw.sort(key=lambda r: r[0])
    given = [(pos, int(g.get("y1") or g["y2"])) for pos, _, g in raw if g.get("y1") or g.get("y2")]
    # Years written on their own ("the free 2018 Festival Programme"), the last resort for a
    # mention without one: a year somewhere in the text beats none, never the document's own.
    bare = ([(m.start(), int(m[1])) for m in _BARE_YEAR.finditer(PERIOD_SPAN.sub(_blank, text))]
            if not given and year_hint is None else [])
    mentions = []
    for pos, found, g in raw:
        m1, m2 = _month(g.get("m1")), _month(g.get("m2"))
        d1, d2 = (int(g["d1"]) if "d1" in g else None), (int(g["d2"]) if "d2" in g else None)
        y1, y2 = (int(g["y1"]) if "y1" in g else None), (int(g["y2"]) if "y2" in g else None)
        is_range = d2 is not None
        if is_range and m1 is None:
            m1 = m2
        if is_range and m2 is None:
            m2 = m1
        year_given = y1 is not None or y2 is not None
        if not year_given:
            before = [y for p, y in given if p < pos]
            after = [y for p, y in given if p > pos]
            y2 = year_hint if dateline and year_hint else before[-1] if before else after[0] if after else year_hint
            if y2 is None and bare:
                y2 = min(bare, key=lambda py: abs(py[0] - pos))[1]
        if y2 is None:
            y2 = y1
        if y1 is None and y2 is not None:
            # "December 28 to January 3, 2025": the start is in the year before.
            y1 = y2 - 1 if is_range and m1 is not None and m2 is not None and m1 > m2 else y2
        start = end = None
        # "Saturday, May 28th" was no Saturday in a year found elsewhere: that year is not its year
        if (y1 is not None and _valid(y1, m1, d1) and (not is_range or (y2 is not None and _valid(y2, m2, d2)))
                and (year_given or _weekday_fits(written, pos, y1, m1, d1))):
            start = PartialDate(y1, m1, d1)
            end = PartialDate(y2, m2, d2) if is_range else None  # type: ignore[arg-type]
            if end is not None and end.first_day < start.first_day:
                start = end = None
        elif not year_given and m1 is not None and _valid(2000, m1, d1):
            pass  # a real date, but nothing says which year: left undated
        else:
            continue  # 31/02, 13/2025: not a date
        mentions.append(Mention(found, pos, start, end, year_given, is_range))
    return mentions


_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
             "thứ hai": 0, "thứ ba": 1, "thứ tư": 2, "thứ năm": 3, "thứ sáu": 4, "thứ bảy": 5, "chủ nhật": 6,
             **{f"thứ {n}": n - 2 for n in range(2, 8)}, "cn": 6}
# "lần thứ 5 ngày 3/10" is the fifth time, not a Thursday
_WEEKDAY_BEFORE = re.compile(r"(?<!\w)(?<!lần )(?<!khóa )(?<!khoá )(?<!kỳ )(?<!đợt )(?<!giải )("
                             + "|".join(sorted(map(re.escape, _WEEKDAYS), key=len, reverse=True))
                             + r")\W{0,3}(?:(?:the|ngày)\s+)?$", re.IGNORECASE)


def _weekday_fits(text: str, position: int, year: int, month: int | None, day: int | None) -> bool:
    """Whether the weekday written just before a date ("Saturday, May 28th", "thứ Bảy (12/10)"), if any,
    is the weekday of that day in ``year``."""
    m = _WEEKDAY_BEFORE.search(text[max(0, position - 20):position])
    return m is None or month is None or day is None or calendar.weekday(year, month, day) == _WEEKDAYS[m[1].lower()]


def year_in(text: str) -> int | None:
    """The first year written in a text (a title, a dateline), for mentions that lack one."""
    m = _YEAR.search(text or "")
    return int(m[1]) if m else None


#: How much each thing said around a date counts for its being the date of what the text reports
#: (``mention_features``); a date whose score (their sum) falls below zero dates nothing.
DATE_WEIGHTS: dict[str, float] = {
    "base": 1.0, "range": 1.5, "range_opening": 0.9, "cue": 1.0, "day": 0.6, "month": 0.3, "year": -0.5,
    "dateline": -2.0, "position": -0.2, "cited": -2.5, "year_given": 0.2, "issued_own": 2.0, "issued_cited": -2.0,
    "year_before": -1.5, "aim": -1.0, "target": -2.0, "founding": -2.0, "named_day": -1.5,
}


def mention_features(text: str, m: Mention, year_hint: int | None = None, *, dateline: bool = False,
                     opening: bool = False, kind: str | None = None) -> dict[str, float]:
    """What is said around a date mention, as the names of ``DATE_WEIGHTS`` with their values (1 when
    it holds; ``position`` from 0 at the start of the text to 1 at its end)."""
    assert m.start is not None
    before = text[max(0, m.position - 40):m.position]
    after = text[m.position + len(m.text):m.position + len(m.text) + 120]
    precision = m.start.precision
    issued = _ISSUED_AFTER.search(after) is not None
    own = kind in ("plan", "policy", "letter")
    f = {
        "base": True,
        # A range is the whole run of what the text reports, which the record keeps even when the news
        # is the opening day ("Ngày 1-10, quận khai mạc tuần lễ ... kéo dài từ 1-10 đến 7-10"); an
        # opening makes the range count less, not nothing: a bare opening day still beats the dates
        # of a programme mentioned further down.
        "range": m.is_range and not opening,
        "range_opening": m.is_range and opening,
        # the cue may open the mention itself: "from October 1 to 7", "từ ngày 1/10", "between 1 and 7 May"
        "cue": bool(_CUES.search(before) or re.match(r"(?:from|từ|between)\b", m.text, re.IGNORECASE)),
        "day": precision == "day", "month": precision == "month", "year": precision == "year",
        # glued to a newspaper's name, or after "published": the page's own date
        "dateline": bool(before and (_DATELINE.search(before.rstrip()) and not before.endswith((" ", "\n"))
                                     or re.search(r"(published|posted|updated|cập nhật|đăng)\W*$", before, re.I))),
        "position": m.position / max(1, len(text)),  # earlier is a little better
        # The date of a document cited ("Kế hoạch số 189/KH-UBND ngày 03/02/2015", "Decision No. 5 dated ...")
        "cited": bool(re.search(r"(/[A-ZĐ][\w-]*|\bNo\.?\s*\d+\S*)\s*,?\s*\(?\s*(ngày|dated|of)?\s*$", before)),
        "year_given": m.year_given,
        # "Ngày 20-9, UBND tỉnh ban hành Kế hoạch ...": the day a plan, decision or letter is dated by,
        # and for any other text the day of a document it cites
        "issued_own": issued and own, "issued_cited": issued and not own,
        # A bare year before the year the page is dated: what happened before ("in 2019 the Lord
        # Mayors signed an agreement"), the background of the news, not the news; except the year
        # just ended, which a report or a statistic published in January is about
        "year_before": bool(dateline and year_hint and precision == "year"
                            and (m.start.year < year_hint - 1
                                 or m.start.year == year_hint - 1 and kind not in _LOOKS_BACK)),
        "aim": precision == "year" and _FUTURE_BEFORE.search(before) is not None,
        "target": precision == "year" and _TARGET_BEFORE.search(before) is not None,
        "founding": precision == "year" and kind != "structure" and _founding(text, m),
        "named_day": precision == "day" and _NAMED_DAY_BEFORE.search(before) is not None,
    }
    return {name: float(value) for name, value in f.items() if value}


def event_dates(text: str, year_hint: int | None = None, *, dateline: bool = False, opening: bool = False,
                kind: str | None = None) -> tuple[PartialDate | None, PartialDate | None, float]:
    """The start and end of what the text reports, and how sure: 0 (none found) to 1.

    Ranges and mentions after a cue word ("from", "on", "từ ngày", "khai mạc", "sáng") win over bare
    dates; with ``opening`` (the text reports an opening or launch) a range counts less, but the
    week's whole run still dates the record when the text gives it; a date glued to a newspaper's
    name or after "published" is taken for the dateline. The day a plan or decision was issued
    ("Ngày 10/4, ... ban hành kế hoạch") dates the text only when it is that plan, decision or
    letter (``kind`` plan, policy or letter); the year something was set up ("In 2015 the city set
    up a partnership", "UNESCO lập mạng lưới năm 2012") only when the text is about setting it up
    (``kind`` structure): otherwise it is the background. A bare year said of an aim ("will ... in
    2025") counts less than one said of what was done, and a target's year ("đến năm 2030", "by
    2030") dates nothing. A date whose score falls below zero (a dateline, a cited document's date,
    a background year) dates nothing.
    """
    best: Mention | None = None
    for m in find_dates(text, year_hint, dateline=dateline):
        if m.start is None:
            continue
        features = mention_features(text, m, year_hint, dateline=dateline, opening=opening, kind=kind)
        score = sum(DATE_WEIGHTS[name] * value for name, value in features.items())
        if best is None or score > best.score:
            best = replace(m, score=score)
    if best is None or best.score < 0:
        return None, None, 0.0
    confidence = max(0.2, min(1.0, best.score / 4))
    return best.start, best.end, round(confidence, 2)
