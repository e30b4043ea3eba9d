"""Text as Vietnamese officials type it: NFC or NFD, with or without diacritics.

Everything that stores text normalises it to NFC first (``clean``); everything that matches
names compares ``fold`` keys, so "Hà Nội", "Ha Noi", "HANOI" and the NFD spelling of
"Hà Nội" are the same name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

# Letters that carry no combining mark in NFD and so survive mark stripping.
_BASE_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l"})
_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_WORD = re.compile(r"\S+")


def clean(text: str) -> str:
    """NFC-normalise and strip surrounding white space."""
    return unicodedata.normalize("NFC", text).strip()


def strip_marks(text: str) -> str:
    """Remove diacritics: "Hà Nội" -> "Ha Noi", "Đống Đa" -> "Dong Da"."""
    decomposed = unicodedata.normalize("NFD", text).translate(_BASE_LETTERS)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """A matching key: no marks, no case, no spaces or punctuation ("Hà Nội" -> "hanoi")."""
    return _NOT_ALNUM.sub("", strip_marks(text).casefold())


def fold_words(text: str) -> str:
    """A matching key that keeps the words apart: no marks, no case, single spaces ("Hà  Nội" -> "ha noi")."""
    return " ".join(strip_marks(text).casefold().split())


#: The bidirectional formatting characters (embeddings, overrides, isolates: U+202A-U+202E,
#: U+2066-U+2069) that reorder the text after them, so "gnp.exe" shows as "exe.png": refused in
#: typed text, shown as escapes wherever text is shown.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def pick_text(texts: Mapping[str, str] | None, lang: str, fallbacks: Sequence[str] = ("en",)) -> tuple[str, str | None]:
    """A text given in several languages (``{"en": ..., "vi": ...}``), in ``lang`` if it has one,
    else in the first of ``fallbacks`` it has, else in the first language it has; with the language
    it fell back to (None when the text is in ``lang``, and ``("", None)`` when there is no text).
    Empty texts count as missing."""
    if not texts:
        return "", None
    for code in (lang, *fallbacks):
        if texts.get(code):
            return texts[code], None if code == lang else code
    return next(((text, code) for code, text in texts.items() if text), ("", None))


def in_language(texts: Mapping[str, str] | None, lang: str, fallbacks: Sequence[str] = ("en",)) -> str:
    """A text given in several languages, in ``lang`` or the nearest it has (see ``pick_text``)."""
    return pick_text(texts, lang, fallbacks)[0]


def split_ref(ref: str) -> tuple[str, str]:
    """A ``framework:criterion`` reference in its two parts: ``"kflc:2.6.1"`` -> ``("kflc", "2.6.1")``.

    An id without its framework (``"2.6.1"``) gives ``("", "2.6.1")``; an area's reference
    (``"kflc:2.6"``) splits the same way.
    """
    framework_id, sep, item = ref.partition(":")
    return (framework_id, item) if sep else ("", ref)


#: A cell a spreadsheet would run as a formula (OWASP: = + - @ tab CR), behind any quotes.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def csv_protect(cell: object) -> object:
    """A CSV cell a spreadsheet will show as text: ``'`` before one that starts like a formula.

    Cells already starting with quotes before such a character get one more, so that
    ``csv_unprotect`` gives back exactly what was written.
    """
    return "'" + cell if isinstance(cell, str) and _FORMULA.match(cell) else cell


def csv_unprotect(cell: str) -> str:
    """What ``csv_protect`` was given: the protective ``'`` taken off again (on import)."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell


_PLAIN_ARG = re.compile(r"[\w./:-]+")


def shell_quote(text: str) -> str:
    """A command-line argument as instructions show it: "Hà Nội" in double quotes, which every
    shell an official uses (cmd, PowerShell, sh) reads the same; a plain name as it is."""
    return text if _PLAIN_ARG.fullmatch(text) else '"' + text.replace('"', '\\"') + '"'


def word_count(text: str) -> int:
    """Words as the GNLC form counts them: runs of non-space characters.

    A Vietnamese word is written as space-separated syllables, and the form's limits are
    applied to the text as written, so each syllable counts once.
    """
    return len(_WORD.findall(text))


def read_text_file(path: str, limit: int = 100_000) -> str:
    """A small UTF-8 text file given on the command line (a motivation text, say), NFC."""
    from readiness.errors import InvalidValueError
    from readiness.smallfile import read_small_file

    data = read_small_file(path, limit, lambda size: f"larger than {limit:,} bytes; is this the right file?")
    try:
        return clean(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidValueError(f"{path}: not UTF-8 text; save it as UTF-8 and try again") from None
