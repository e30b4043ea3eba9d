"""Numbers as Vietnamese officials and English writers type them.

``parse_number`` is the one reader of a typed number (indicator values on import, profile
figures in ``city set``). Viet Nam writes a dot between thousands and a comma before the
decimals (``8.587.100``, ``3359,84``); English writes them the other way round
(``8,587,100``, ``3359.84``); either may group with spaces (``8 587 100``). The rules:

* with both a dot and a comma, the later one is the decimal mark (``8.587.100,5``,
  ``8,587,100.5``);
* a mark that repeats separates thousands (``8.587.100``, ``8,587,100``);
* a single comma is a decimal comma (``3359,84``, ``1,5``; so ``1,234`` is 1.234, as in
  Vietnamese);
* a single dot followed by exactly three digits separates thousands (``1.234`` is 1234, as in
  Vietnamese; ``0.125`` is a decimal, since no grouped number starts with 0); any other single
  dot is a decimal point (``3358.6``, ``12.50``).

Thousands groups must have three digits: ``1.23.456`` is refused, not guessed.
"""

from __future__ import annotations

import math
import re

from readiness.errors import InvalidValueError

# Spaces people (and spreadsheets) put between groups: space, no-break and narrow no-break, thin.
_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009_](?=\d{3}(?:\D|$))")
_GROUPED = r"[1-9]\d{{0,2}}(?:{sep}\d{{3}})+"


def parse_number(value: object, field: str = "value") -> int | float:
    """A number from text as people write it; int when no decimals were written.

    Refuses anything else with ``InvalidValueError("FIELD: 'TEXT' is not a number ...")``.
    """
    if isinstance(value, bool):
        raise InvalidValueError(f"{field}: {value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValueError(f"{field}: {value!r} is not a number")
        return value
    text = _SPACES.sub("", str(value).strip())
    sign = ""
    if text and text[0] in "+-\u2212":
        sign, text = ("-" if text[0] != "+" else ""), text[1:].lstrip()
    plain = _plain(text)
    if plain is None:
        raise InvalidValueError(
            f"{field}: {value!r} is not a number; write 8587100, 8.587.100 or 3359,84 (a comma before decimals)")
    number = float(sign + plain)
    if not math.isfinite(number):
        raise InvalidValueError(f"{field}: {value!r} is not a number")
    return int(sign + plain) if "." not in plain else number


def format_number(value: int | float, significant: int | None = None) -> str:
    """A number with thousands separators, as the tool shows one: ``8587100`` -> ``"8,587,100"``,
    ``3359.84`` -> ``"3,359.84"``; with ``significant``, rounded to so many significant digits
    (``format_number(12.0, 10)`` -> ``"12"``)."""
    return f"{value:,}" if significant is None else f"{value:,.{significant}g}"


def _plain(text: str) -> str | None:
    """``text`` as Python's float() reads it (digits, at most one '.'), or None."""
    if re.fullmatch(r"\d+", text):
        return text
    dot, comma = "." in text, "," in text
    if dot and comma:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        group = "," if decimal == "." else "."
        whole, _, frac = text.rpartition(decimal)
        if not re.fullmatch(r"\d+", frac) or not re.fullmatch(_grouped(group), whole):
            return None
        return whole.replace(group, "") + "." + frac
    mark = "." if dot else "," if comma else None
    if mark is None:
        return None
    if text.count(mark) > 1:
        return text.replace(mark, "") if re.fullmatch(_grouped(mark), text) else None
    whole, _, frac = text.partition(mark)
    if not re.fullmatch(r"\d*", whole) or not re.fullmatch(r"\d+", frac) or not (whole or mark == "."):
        return None
    if mark == "." and len(frac) == 3 and re.fullmatch(r"[1-9]\d{0,2}", whole):
        return whole + frac  # 1.234: a thousands dot, as Viet Nam writes it
    return (whole or "0") + "." + frac


def _grouped(sep: str) -> str:
    return _GROUPED.format(sep=re.escape(sep))
