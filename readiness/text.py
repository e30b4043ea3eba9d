"""Text as Vietnamese officials type it: NFC or NFD, with or without diacritics.

Everything that stores text normalises it to NFC first (``clean``); everything that matches
names compares ``fold`` keys, so "Hà Nội", "Ha Noi", "HANOI" and the NFD spelling of
"Hà Nội" are the same name.
"""

from __future__ import annotations

import re
import unicodedata

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


def word_count(text: str) -> int:
    """Words as the GNLC form counts them: runs of non-space characters.

    A Vietnamese word is written as space-separated syllables, and the form's limits are
    applied to the text as written, so each syllable counts once.
    """
    return len(_WORD.findall(text))


def read_text_file(path: str, limit: int = 100_000) -> str:
    """A small UTF-8 text file given on the command line (a motivation text, say), NFC."""
    from pathlib import Path

    from readiness.errors import InvalidValueError

    file = Path(path)
    try:
        if not file.is_file():
            raise InvalidValueError(f"{path}: no such file")
        if file.stat().st_size > limit:
            raise InvalidValueError(f"{path}: larger than {limit:,} bytes; is this the right file?")
        return clean(file.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidValueError(f"{path}: not UTF-8 text; save it as UTF-8 and try again") from None
    except OSError as exc:
        raise InvalidValueError(f"{path}: cannot be read: {exc.strerror}") from None
