"""The city profile: facts about a city that the GNLC application form asks for.

These are not evidence records (nobody attaches a file to a population figure); they live on
the city and are set with ``readiness city set``. Framework criteria can require them through
``profile:`` (see ``frameworks.schema.ProfileRequirement``), naming the fields below.

Five shapes of value:

* figure: a number with the year its data is from (population 8,587,100 in 2024);
* text: free text, kept per language code (the form's motivation in English, a Vietnamese draft);
* ratings: a number 1-5 per challenge topic (``challenge.literacy``);
* date: a day, stored ISO (``member_since`` 2025-12-04; the application's ``sent_to_national_commission``
  and ``endorsed_on``), which the verdicts read: ready to send, sent, endorsed, member;
* year: a year (``learning_city_award_year``, the year the city last won the Learning City Award).

Any fact may carry its **source** (``--source``: a web address or a citation), kept apart under
``sources`` (``{"population": "https://..."}``), so that a reviewer can check where each figure
comes from; clearing a fact clears its source.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from readiness.errors import InvalidValueError
from readiness.text import clean, word_count


class FieldKind(str, Enum):
    FIGURE = "figure"
    TEXT = "text"
    RATINGS = "ratings"
    DATE = "date"
    YEAR = "year"


@dataclass(frozen=True)
class ProfileField:
    name: str
    kind: FieldKind
    label_en: str
    label_vi: str
    unit: str = ""


PROFILE_FIELDS: dict[str, ProfileField] = {
    f.name: f
    for f in [
        ProfileField("website", FieldKind.TEXT, "City website", "Trang thông tin điện tử"),
        ProfileField("mayor_name", FieldKind.TEXT, "Mayor's name", "Họ tên Chủ tịch UBND"),
        ProfileField("mayor_title", FieldKind.TEXT, "Mayor's title", "Chức danh Chủ tịch UBND"),
        ProfileField("contact_name", FieldKind.TEXT, "GNLC contact person", "Đầu mối liên hệ GNLC"),
        ProfileField("contact_position", FieldKind.TEXT, "Contact's position", "Chức vụ đầu mối"),
        ProfileField("contact_email", FieldKind.TEXT, "Contact's e-mail", "Thư điện tử đầu mối"),
        ProfileField(
            "language", FieldKind.TEXT, "Language of communication (en or fr)", "Ngôn ngữ liên lạc"
        ),
        ProfileField("population", FieldKind.FIGURE, "Population", "Dân số", "people"),
        ProfileField("area_km2", FieldKind.FIGURE, "Area", "Diện tích", "km²"),
        ProfileField(
            "gdp_per_capita_city_usd",
            FieldKind.FIGURE,
            "GDP per capita, city",
            "GRDP bình quân đầu người của thành phố",
            "USD",
        ),
        ProfileField(
            "gdp_per_capita_country_usd",
            FieldKind.FIGURE,
            "GDP per capita, country",
            "GDP bình quân đầu người của quốc gia",
            "USD",
        ),
        ProfileField(
            "schooling_years_men",
            FieldKind.FIGURE,
            "Average years of schooling, men",
            "Số năm đi học bình quân, nam",
            "years",
        ),
        ProfileField(
            "schooling_years_women",
            FieldKind.FIGURE,
            "Average years of schooling, women",
            "Số năm đi học bình quân, nữ",
            "years",
        ),
        ProfileField("motivation", FieldKind.TEXT, "Motivation", "Động lực tham gia"),
        ProfileField("implementation", FieldKind.TEXT, "Implementation", "Quá trình triển khai"),
        ProfileField("challenges", FieldKind.RATINGS, "Challenges (1-5)", "Thách thức (1-5)"),
        ProfileField("member_since", FieldKind.DATE, "GNLC member since", "Thành viên GNLC từ ngày"),
        ProfileField("sent_to_national_commission", FieldKind.DATE, "Application sent to the National Commission",
                     "Ngày gửi hồ sơ tới Ủy ban Quốc gia UNESCO"),
        ProfileField("endorsed_on", FieldKind.DATE, "Endorsed by the National Commission",
                     "Ngày Ủy ban Quốc gia UNESCO xác nhận"),
        ProfileField("learning_city_award_year", FieldKind.YEAR, "Year of the city's last Learning City Award",
                     "Năm thành phố nhận Giải thưởng Thành phố học tập gần nhất"),
    ]
}

#: Where each fact's source is kept: ``{"population": "https://..."}``; not a field of its own.
SOURCES = "sources"
#: Longest source a fact may carry (a URL or a citation).
MAX_SOURCE = 500

# The application form's contact blocks (dossier issue 17): the mayor's salutation, and the GNLC
# contact's salutation, organisation, postal address, postcode and telephone. Texts like the others
# (per language); ``check_text`` applies ``FORM_FIELD_CHECKS``. Kept in one block for the merge.
PROFILE_FIELDS.update({
    f.name: f
    for f in [
        ProfileField("mayor_salutation", FieldKind.TEXT, "Mayor's salutation (Ms or Mr)", "Danh xưng Chủ tịch UBND"),
        ProfileField("contact_salutation", FieldKind.TEXT, "Contact's salutation (Ms or Mr)", "Danh xưng đầu mối"),
        ProfileField("contact_organisation", FieldKind.TEXT, "Contact's organisation", "Cơ quan của đầu mối"),
        ProfileField("contact_address", FieldKind.TEXT, "Contact's postal address", "Địa chỉ bưu chính của đầu mối"),
        ProfileField("contact_postcode", FieldKind.TEXT, "Contact's postcode", "Mã bưu chính của đầu mối"),
        ProfileField("contact_telephone", FieldKind.TEXT, "Contact's telephone (with country code)",
                     "Điện thoại của đầu mối (kèm mã quốc gia)"),
    ]
})
_TELEPHONE = re.compile(r"^\+?[0-9][0-9 ().-]{4,28}[0-9]$")


def _check_salutation(name: str, value: str) -> None:
    if value not in ("Ms", "Mr"):
        raise InvalidValueError(f"{name}: the form offers Ms or Mr, not {value!r}")


def _check_telephone(name: str, value: str) -> None:
    if not _TELEPHONE.match(value):
        raise InvalidValueError(f"{name}: {value!r} is not a telephone number; write it with the country code, "
                                "e.g. +84 24 3825 3536")


FORM_FIELD_CHECKS = {"mayor_salutation": _check_salutation, "contact_salutation": _check_salutation,
                     "contact_telephone": _check_telephone}

#: A challenge topic (``challenge.literacy``) and a language code; frameworks use the same.
TOPIC_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
_TOPIC = re.compile(TOPIC_PATTERN)
_LANG = re.compile(LANG_PATTERN)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def help_text() -> str:
    """The fields for ``city set --help``, grouped by shape."""
    def names(kind: FieldKind) -> str:
        return ", ".join(f.name for f in PROFILE_FIELDS.values() if f.kind is kind)

    return (f"{names(FieldKind.TEXT)} (text; --lang, --from-file); {names(FieldKind.FIGURE)} "
            f"(figures; need --year); challenge.TOPIC (a rating from 1 to 5); {names(FieldKind.DATE)} "
            f"(dates, day first or ISO); {names(FieldKind.YEAR)} (a year). Any of them takes --source "
            "(where the fact comes from)")


def _field(name: str) -> tuple[ProfileField, str | None]:
    """The field a ``city set`` name refers to, and the challenge topic for ``challenge.X``."""
    if name.startswith("challenge."):
        topic = name.removeprefix("challenge.")
        if not _TOPIC.match(topic):
            raise InvalidValueError(
                f"challenge topic {topic!r}: use lower-case letters, digits, - or _ "
                "(for example challenge.literacy)"
            )
        return PROFILE_FIELDS["challenges"], topic
    if name in PROFILE_FIELDS and PROFILE_FIELDS[name].kind is not FieldKind.RATINGS:
        return PROFILE_FIELDS[name], None
    known = ", ".join(n for n in PROFILE_FIELDS if n != "challenges")
    raise InvalidValueError(
        f"no profile field {name!r}; known: {known}, and challenge.TOPIC for a 1-5 rating"
    )


def apply(
    profile: dict[str, Any],
    name: str,
    value: str | None,
    *,
    year: int | None = None,
    lang: str = "en",
    today: dt.date | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """Return a new profile with ``name`` set to ``value`` (None clears it, and its source).

    The stored profile is plain JSON: ``{"population": {"value": 8587100, "year": 2024},
    "motivation": {"en": "..."}, "challenges": {"literacy": 4}, "member_since": "2025-12-04",
    "sources": {"population": "https://..."}}``. ``source`` records where the value comes from.
    """
    profile = profile if isinstance(profile, dict) else {}  # a bad stored profile can still be repaired
    new = _apply(profile, name, value, year=year, lang=lang, today=today, source=source)
    key = "challenges" if name.startswith("challenge.") else name
    sources = new.get(SOURCES)
    sources = dict(sources) if isinstance(sources, dict) else {}
    if value is None and key not in new:
        sources.pop(key, None)
    elif source is not None:
        sources[key] = check_source(key, source)
    if sources:
        new[SOURCES] = sources
    else:
        new.pop(SOURCES, None)
    return new


def _apply(profile: dict[str, Any], name: str, value: str | None, *, year: int | None, lang: str,
           today: dt.date | None, source: str | None) -> dict[str, Any]:
    if source is not None and value is None:
        raise InvalidValueError(f"{name}: --source goes with a value; clearing a field clears its source")
    if value is None and name in profile and (name not in PROFILE_FIELDS or name == "challenges"):
        return {k: v for k, v in profile.items() if k != name}  # an unknown field stored by an old import
    spec, topic = _field(name)
    new = {k: (dict(v) if isinstance(v, dict) else v) for k, v in profile.items()}
    if value is None:  # clearing works whatever the stored value looks like, so a bad one can be removed
        key = "challenges" if topic is not None else name
        stored = new.get(key)
        if isinstance(stored, dict) and spec.kind is not FieldKind.FIGURE:
            stored.pop(topic if topic is not None else lang, None)
            if not stored:
                new.pop(key)
        else:
            new.pop(key, None)
        return new

    value = clean(value)
    if year is not None and spec.kind is not FieldKind.FIGURE:
        raise InvalidValueError(f"{name}: --year is for figures (population, area_km2, ...), not this field")
    if lang != "en" and spec.kind is not FieldKind.TEXT:
        raise InvalidValueError(f"{name}: --lang is for text fields (motivation, implementation, ...), not this field")
    if spec.kind is FieldKind.DATE:
        new[name] = check_date(name, value, today)
    elif spec.kind is FieldKind.YEAR:
        this_year = (today or dt.date.today()).year
        new[name] = check_year(name, int(value) if value.isdigit() else value, this_year, "")
    elif spec.kind is FieldKind.RATINGS:
        challenges = new.get("challenges")
        new["challenges"] = dict(challenges) if isinstance(challenges, dict) else {}  # a bad stored value is replaced
        new["challenges"][topic] = check_rating(name, value)
    elif spec.kind is FieldKind.FIGURE:
        this_year = (today or dt.date.today()).year
        if year is None:
            raise InvalidValueError(
                f"{name}: a figure needs the year its data is from: add --year, e.g. --year {this_year - 1}"
            )
        new[name] = {"value": _number(name, value), "year": check_year(name, year, this_year, "--year ")}
    else:
        if not _LANG.match(lang):
            raise InvalidValueError(f"--lang {lang!r} is not a language code such as en, vi or fr")
        texts = new.get(name)
        new[name] = dict(texts) if isinstance(texts, dict) else {}
        new[name][lang] = check_text(name, value)
    return new


def check_rating(name: str, value: Any) -> int:
    """A challenge rating: a whole number from 1 to 5 (``3`` or ``"3"``)."""
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    try:
        rating = int(text)
    except ValueError:
        rating = 0
    if not 1 <= rating <= 5 or str(rating) != text:
        raise InvalidValueError(f"{name}: a rating is a whole number from 1 to 5, not {value!r}")
    return rating


def check_date(name: str, value: Any, today: dt.date | None = None) -> str:
    """A day (``04/12/2025``, ``2025-12-04``, ``ngày 4 tháng 12 năm 2025``), not in the future, as ISO."""
    from readiness.dates import parse

    if isinstance(value, dt.date):
        value = value.isoformat()
    day = parse(value, name, today=today) if isinstance(value, str) else None
    if day is None or day.precision != "day":
        raise InvalidValueError(f"{name}: give the day, e.g. 04/12/2025 or 2025-12-04, not {value!r}")
    if day.first_day > (today or dt.date.today()):
        raise InvalidValueError(f"{name}: {day.iso()} is in the future; give the day it happened")
    return day.iso()


def check_source(name: str, value: Any) -> str:
    """Where a fact comes from: a web address or a citation, one line."""
    text = clean(value) if isinstance(value, str) else ""
    if not text or len(text) > MAX_SOURCE or "\n" in text:
        raise InvalidValueError(f"{name}: a source is one line of at most {MAX_SOURCE} characters "
                                "(a web address or a citation)")
    return text


def check_year(name: str, year: Any, this_year: int, flag: str = "year ") -> int:
    """The year a figure's data is from: 1900 to this year."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= this_year:
        raise InvalidValueError(f"{name}: {flag}{year!r} is not a year between 1900 and {this_year}")
    return year


def check_text(name: str, value: str) -> str:
    """One language's text of a text field (already cleaned); the field's own rules apply."""
    if not value:
        raise InvalidValueError(f"{name}: empty text; to clear the field use --clear")
    if name == "language" and value not in ("en", "fr"):
        raise InvalidValueError("language: GNLC corresponds in English or French: give en or fr")
    if name == "contact_email" and not _EMAIL.match(value):
        raise InvalidValueError(f"contact_email: {value!r} is not an e-mail address")
    if name == "website" and not value.startswith(("http://", "https://")):
        raise InvalidValueError(f"website: {value!r} must start with http:// or https://")
    if name in FORM_FIELD_CHECKS:
        FORM_FIELD_CHECKS[name](name, value)
    return value


def check_profile(raw: Any, *,
                  today: dt.date | None = None) -> tuple[dict[str, Any], list[tuple[tuple[str, ...], str]]]:
    """A whole stored profile (an import's ``city.profile``), checked by the rules ``city set`` applies.

    Returns the cleaned profile and the problems, each as (the path to the bad value, e.g.
    ``("challenges", "literacy")``, and a message that starts with the field's name).
    """
    problems: list[tuple[tuple[str, ...], str]] = []
    out: dict[str, Any] = {}
    if raw is None:
        return out, problems
    if not isinstance(raw, dict):
        return out, [((), f"profile: give the fields as a mapping (population: {{value: ..., year: ...}}), "
                          f"not {type(raw).__name__}")]
    this_year = (today or dt.date.today()).year
    for name, stored in raw.items():
        if name == SOURCES:
            out[SOURCES] = _check_sources(stored, raw, problems)
            continue
        try:
            out[name] = _check_stored(str(name), stored, this_year, problems)
        except InvalidValueError as exc:
            problems.append(((str(name),), str(exc)))
    return {k: v for k, v in out.items() if v is not None}, problems


def _check_sources(stored: Any, raw: dict[str, Any],
                   problems: list[tuple[tuple[str, ...], str]]) -> dict[str, str] | None:
    """The sources of a stored profile: one per field that is there."""
    if not isinstance(stored, dict):
        problems.append(((SOURCES,), f"{SOURCES}: give {{FIELD: SOURCE}}, not {stored!r}"[:300]))
        return None
    out: dict[str, str] = {}
    for key, value in stored.items():
        try:
            if key not in PROFILE_FIELDS:
                raise InvalidValueError(f"{SOURCES}.{key}: no profile field {key!r}")
            if key not in raw:
                raise InvalidValueError(f"{SOURCES}.{key}: a source for a field that is not set")
            out[key] = check_source(f"{SOURCES}.{key}", value)
        except InvalidValueError as exc:
            problems.append(((SOURCES, str(key)), str(exc)))
    return out or None


def _stored_date(name: str, stored: Any, this_year: int) -> str:
    """A stored date: ISO, as `city set` writes it, and not after this year."""
    if isinstance(stored, dt.date) and not isinstance(stored, dt.datetime):  # YAML reads 2025-12-04 as a date
        stored = stored.isoformat()
    try:
        day = dt.date.fromisoformat(stored) if isinstance(stored, str) and len(stored) == 10 else None
    except ValueError:
        day = None
    if day is None or day.year > this_year:
        raise InvalidValueError(f"{name}: a date is YYYY-MM-DD, not in the future, not {stored!r}"[:300])
    return day.isoformat()


def _check_stored(name: str, stored: Any, this_year: int, problems: list[tuple[tuple[str, ...], str]]) -> Any:
    spec = PROFILE_FIELDS.get(name)
    if spec is None:
        known = ", ".join(PROFILE_FIELDS)
        raise InvalidValueError(f"{name}: no profile field {name!r}; known: {known}")
    if spec.kind in (FieldKind.DATE, FieldKind.YEAR):
        return _stored_date(name, stored, this_year) if spec.kind is FieldKind.DATE \
            else check_year(name, stored, this_year, "")
    if spec.kind is FieldKind.FIGURE:
        if not isinstance(stored, dict) or set(stored) != {"value", "year"}:
            raise InvalidValueError(f"{name}: a figure is {{value: NUMBER, year: YEAR}}, not {stored!r}"[:300])
        value = stored["value"]
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value < 0 or not math.isfinite(value):
                raise InvalidValueError(f"{name}: {value!r} must be a number of zero or more")
        elif isinstance(value, str):
            value = _number(name, clean(value))
        else:
            raise InvalidValueError(f"{name}: {value!r} is not a number (write 8587100 or 3358.6)")
        return {"value": value, "year": check_year(name, stored["year"], this_year)}
    if not isinstance(stored, dict):
        what = "{en: TEXT, vi: TEXT}" if spec.kind is FieldKind.TEXT else "{TOPIC: 1-5, ...}"
        raise InvalidValueError(f"{name}: give {what}, not {stored!r}"[:300])
    out: dict[str, Any] = {}
    for key, value in stored.items():
        try:
            if spec.kind is FieldKind.RATINGS:
                if not isinstance(key, str) or not _TOPIC.match(key):
                    raise InvalidValueError(f"challenge topic {key!r}: use lower-case letters, digits, - or _")
                out[key] = check_rating(f"challenge.{key}", value)
            else:
                if not isinstance(key, str) or not _LANG.match(key):
                    raise InvalidValueError(f"{name}: {key!r} is not a language code such as en, vi or fr")
                if not isinstance(value, str):
                    raise InvalidValueError(f"{name}.{key}: expected text, got {type(value).__name__}")
                out[key] = check_text(name, clean(value))
        except InvalidValueError as exc:
            problems.append(((name, str(key)), str(exc)))
    return out or None


def usable(profile: Any) -> dict[str, Any]:
    """The sound part of a stored profile (scoring and the dossier read only this).

    A workspace filled before import checked profiles may hold bad values; they count as not set.
    """
    return check_profile(profile, today=dt.date.max)[0] if isinstance(profile, dict) else {}


def _number(name: str, value: str) -> int | float:
    # 8.587.100 and 3359,84 as Viet Nam writes them, 8,587,100 and 3358.6 as English does:
    # numbers.parse_number reads them all and refuses what it cannot read for sure.
    from readiness.numbers import parse_number

    number = parse_number(value, name)
    if number < 0 or not math.isfinite(number):
        raise InvalidValueError(f"{name}: {value!r} must be a number of zero or more")
    return number


def describe(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """The profile as rows (field, value, year or language, words) for display and JSON.

    A stored value that breaks the rules (put there by an import before imports were checked)
    is shown as a row with ``invalid`` (the problem) and its value as text, so that ``city show``
    still works and ``city set ... --clear`` can remove it.
    """
    if not isinstance(profile, dict):
        return [{"field": "profile", "value": _shown(profile), "invalid": "not a mapping of fields"}]
    rows: list[dict[str, Any]] = []
    _, problems = check_profile(profile, today=dt.date.max)
    bad = {path[0]: message for path, message in problems}
    for name, stored in profile.items():
        if name in bad:
            rows.append({"field": str(name), "value": _shown(stored), "invalid": bad[name].removeprefix(f"{name}: ")})
    for name, spec in PROFILE_FIELDS.items():
        stored = profile.get(name)
        if stored is None or name in bad:
            continue
        if spec.kind is FieldKind.FIGURE:
            rows.append({"field": name, "value": stored["value"], "year": stored["year"], "unit": spec.unit})
        elif spec.kind is FieldKind.TEXT:
            for lang, text in sorted(stored.items()):
                rows.append({"field": name, "lang": lang, "value": text, "words": word_count(text)})
        elif spec.kind is FieldKind.RATINGS:
            for topic, rating in sorted(stored.items()):
                rows.append({"field": f"challenge.{topic}", "value": rating})
        else:
            rows.append({"field": name, "value": stored})
    sources = profile.get(SOURCES) if SOURCES not in bad else None
    if isinstance(sources, dict):
        for row in rows:
            key = "challenges" if row["field"].startswith("challenge.") else row["field"]
            if key in sources and "invalid" not in row:
                row["source"] = sources[key]
    return rows


def source_of(profile: Any, name: str) -> str | None:
    """Where a profile fact comes from, when the profile says."""
    sources = profile.get(SOURCES) if isinstance(profile, dict) else None
    value = sources.get(name) if isinstance(sources, dict) else None
    return value if isinstance(value, str) else None


def shown_value(name: str, stored: Any, lang: str = "en") -> str | None:
    """A stored fact as a person reads it: a figure with its unit, a date as the language writes it,
    a text in ``lang`` (or the nearest language it has); None when it is not set."""
    from readiness.numbers import format_number
    from readiness.text import in_language

    spec = PROFILE_FIELDS.get(name)
    if spec is None or stored in (None, {}, ""):
        return None
    if spec.kind is FieldKind.FIGURE:
        return f"{format_number(stored['value'])} {spec.unit}".strip()
    if spec.kind is FieldKind.DATE:
        from readiness.dates import from_iso

        day = from_iso(stored)
        return day.human(lang) if day is not None else str(stored)
    if spec.kind is FieldKind.YEAR:
        return str(stored)
    if spec.kind is FieldKind.RATINGS:
        return "; ".join(f"{topic}: {rating}" for topic, rating in sorted(stored.items()))
    return in_language(stored, lang) or None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
