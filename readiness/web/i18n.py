"""The UI's words in English and Vietnamese, and dates and numbers as each language writes them.

Every label, button and message of the web app is a key of ``STRINGS``, gathered from the modules
of ``readiness.web.strings`` (one per part of the app), each key with its English and Vietnamese
text. A template writes ``t("evidence.title")``; a missing key is an error (a test renders every
page in both languages and checks every key has both texts).

Dates: Vietnamese reads DD/MM/YYYY (a month as MM/YYYY); English reads "1 Oct 2025".
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

LANGS = ("vi", "en")
DEFAULT_LANG = "en"
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@cache
def strings() -> Mapping[str, tuple[str, str]]:
    """Every key -> (English, Vietnamese), from each module of ``readiness.web.strings``."""
    from readiness.web import strings as package

    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for key, texts in module.STRINGS.items():
            if key in merged:
                raise KeyError(f"UI string {key!r} is defined twice (again in strings/{info.name}.py)")
            merged[key] = texts
    return merged


def translate(lang: str, key: str, **values: Any) -> str:
    """The text of ``key`` in ``lang`` with ``{name}`` places filled from ``values``."""
    en, vi = strings()[key]
    text = vi if lang == "vi" else en
    return text.format(**values) if values else text


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: Any) -> str:
        return translate(lang, key, **values)
    return t


def pick_lang(*candidates: str | None, accept: str | None = None) -> str:
    """The first of ``candidates`` that is a UI language, else the browser's, else English."""
    for c in candidates:
        if c in LANGS:
            return c
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return DEFAULT_LANG


def format_date(value: str | dt.date | dt.datetime | None, lang: str) -> str:
    """A day, a month or a year (ISO text, as records keep them) as ``lang`` writes it."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        y, m, d = value.year, value.month, value.day
    else:
        parts = str(value).split("-")
        try:
            y = int(parts[0])
            m = int(parts[1]) if len(parts) > 1 else 0
            d = int(parts[2][:2]) if len(parts) > 2 else 0
        except ValueError:
            return str(value)
    if lang == "vi":
        return f"{d:02d}/{m:02d}/{y}" if d else f"{m:02d}/{y}" if m else str(y)
    return f"{d} {_MONTHS_EN[m - 1]} {y}" if d else f"{_MONTHS_EN[m - 1]} {y}" if m else str(y)


def format_moment(value: dt.datetime | None, lang: str) -> str:
    """A moment (UTC in the database) as a date and an hour:minute, UTC."""
    if value is None:
        return ""
    return f"{format_date(value, lang)} {value:%H:%M} UTC"


def format_number(value: float | int | None, lang: str) -> str:
    """8.587.100 in Vietnamese, 8,587,100 in English; a fraction with one decimal."""
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def format_size(size: int, lang: str) -> str:
    """A file's size: "20.0 MB" in English, "20,0 MB" in Vietnamese."""
    from readiness.store.files import human_size

    text = human_size(size)
    return text.replace(".", ",") if lang == "vi" else text
