"""Spreadsheets as officials keep them: CSV in any of the encodings Vietnamese offices use, XLSX.

``read_sheet`` gives the header and every row as ``{column: text}`` with the row number a
spreadsheet program shows, whatever the encoding: UTF-8 with or without a byte-order mark,
UTF-16 (what Excel's "Unicode text" writes) or Windows-1258 (old Vietnamese Windows). All text
comes out NFC, so a title typed with combining marks matches one typed precomposed.

Ward sheets often carry a title above the header ("DANH SÁCH MINH CHỨNG ...", merged across
the columns) and a blank row or two: given a ``header_score``, the header is the first of the
top ``HEADER_SEARCH_ROWS`` non-empty rows that scores 1 or more, else the best-scoring of them
(the first row when none scores). The rows above it are left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from readiness.errors import InvalidValueError
from readiness.smallfile import check_small_file, read_small_file
from readiness.text import csv_unprotect

MAX_SHEET_BYTES = 100 * 1000 * 1000
MAX_ROWS = 200_000
#: How many non-empty rows at the top of a sheet are searched for the header.
HEADER_SEARCH_ROWS = 10

#: header_score(cells): how well a row looks like the header; 1 or more is surely it.
HeaderScore = Callable[[list[str]], float]


@dataclass
class Sheet:
    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as shown in the file, cells by column)
    encoding: str | None = None
    header_row: int = 1  # the row number of the header (below any title rows)


def read_sheet(path: Path, encoding: str | None = None, header_score: HeaderScore | None = None) -> Sheet:
    """A CSV or XLSX file as header and rows; a clear error for anything else.

    Without ``header_score`` the first non-empty row is the header; with it, see the module's
    docstring.
    """
    check_small_file(path, MAX_SHEET_BYTES, _too_large)
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, header_score)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidValueError(f"{path}: an old Excel .xls file; save it as .xlsx or CSV UTF-8 and import that")
    return _read_csv(path, encoding, header_score)


def _after_header(numbered: Iterable[tuple[int, list[str]]], score: HeaderScore | None,
                  found: list[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """The rows below the header, which is put in ``found`` once known (see the module docstring)."""
    top: list[tuple[int, list[str]]] = []  # non-empty rows while the header is not yet known

    def settle() -> Iterator[tuple[int, list[str]]]:
        scores = [score(cells) for _, cells in top] if score and len(top) > 1 else [0.0]
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))
        found.append(top[best])
        yield from top[best + 1:]

    for number, cells in numbered:
        if found:
            yield number, cells
            continue
        if not any(c.strip() for c in cells):
            continue
        top.append((number, cells))
        sure = score is None or score(cells) >= 1
        if sure:
            top = top[-1:]
        if sure or len(top) >= HEADER_SEARCH_ROWS:
            yield from settle()
    if not found and top:
        yield from settle()


def decode(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Bytes of a text file as NFC text, and the encoding used."""
    if encoding:
        try:
            return unicodedata.normalize("NFC", data.decode(encoding)), encoding
        except LookupError:
            raise InvalidValueError(f"{path}: unknown encoding {encoding!r}; try utf-8, utf-16 or cp1258") from None
        except UnicodeDecodeError as exc:
            raise InvalidValueError(f"{path}: not valid {encoding} at byte {exc.start:,}; check --encoding") from None
    if data.startswith(b"\xef\xbb\xbf"):
        chosen = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        chosen = "utf-16"
    elif len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2] != b"\x00\x00":
        chosen = "utf-16-le"  # UTF-16 without a byte-order mark
    elif len(data) >= 4 and data[0:4:2] == b"\x00\x00" and data[1:4:2] != b"\x00\x00":
        chosen = "utf-16-be"
    else:
        try:
            return unicodedata.normalize("NFC", data.decode("utf-8")), "utf-8"
        except UnicodeDecodeError:
            chosen = "cp1258"  # the legacy Vietnamese Windows code page
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError as exc:
        raise InvalidValueError(
            f"{path}: cannot be read as {chosen} (byte {exc.start:,}); save it as CSV UTF-8 "
            "or give the encoding with --encoding") from None
    if "\x00" in text:
        raise InvalidValueError(f"{path}: holds NUL characters; is this a text file? Save it as CSV UTF-8")
    return unicodedata.normalize("NFC", text), chosen


def _too_large(size: int) -> str:
    return f"{size:,} bytes is too large for one import; split it into smaller files"


def _read_csv(path: Path, encoding: str | None, header_score: HeaderScore | None = None) -> Sheet:
    # read_small_file: at most MAX_SHEET_BYTES, even if the file grew since read_sheet measured it
    text, used = decode(read_small_file(path, MAX_SHEET_BYTES, _too_large), path, encoding)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    found: list[tuple[int, list[str]]] = []
    try:
        for line, cells in _after_header(((reader.line_num, cells) for cells in reader), header_score, found):
            if header is None:
                header = [c.strip() for c in found[0][1]]
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                extra = [c for c in cells[len(header):] if c.strip()]
                if extra:
                    raise InvalidValueError(
                        f"{path}:{line}: {len(cells)} cells but the header has {len(header)} columns; "
                        "quote cells that contain the separator")
            # csv_unprotect: the ' that `--format csv` puts before a formula-like cell comes off.
            rows.append((line, {h: (csv_unprotect(cells[i]) if i < len(cells) else "")
                                for i, h in enumerate(header) if h}))
            if len(rows) > MAX_ROWS:
                raise InvalidValueError(f"{path}: more than {MAX_ROWS:,} rows; split the file")
    except csv.Error as exc:
        raise InvalidValueError(f"{path}:{reader.line_num}: {exc}; check the quotes on that line") from None
    if not found:
        raise InvalidValueError(f"{path}: empty; the first row must name the columns (kind, title, ...)")
    return Sheet(path, [c.strip() for c in found[0][1]], rows, used, found[0][0])


def _read_xlsx(path: Path, header_score: HeaderScore | None = None) -> Sheet:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise InvalidValueError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}); open it in Excel or "
            "LibreOffice and save it again as .xlsx or CSV UTF-8") from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        if type(exc).__module__.startswith("defusedxml"):  # entities or a DTD: never written by Excel
            raise InvalidValueError(f"{path}: the workbook declares XML entities or a DTD, which Excel and "
                                    "LibreOffice never write; save it again as .xlsx or CSV UTF-8") from None
        if type(exc).__module__.startswith(("openpyxl", "xml")):
            raise InvalidValueError(f"{path}: damaged workbook ({exc}); save it again as .xlsx or CSV UTF-8") from None
        raise
    try:
        sheet = book.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            # The size a sheet declares (A1:XFD1048576 is 17 billion cells) is not trusted: rows
            # are read as they are in the file, none padded, no empty ones made up after the last.
            sheet.reset_dimensions()
        header: list[str] | None = None
        rows: list[tuple[int, dict[str, str]]] = []
        found: list[tuple[int, list[str]]] = []
        numbered = ((number, [_cell_text(v) for v in values])
                    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1))
        for number, cells in _after_header(numbered, header_score, found):
            if header is None:
                header = [c.strip() for c in found[0][1]]
            if not any(c.strip() for c in cells):
                continue
            rows.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}))
            if len(rows) > MAX_ROWS:
                raise InvalidValueError(f"{path}: more than {MAX_ROWS:,} rows; split the workbook")
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidValueError(f"{path}: damaged workbook ({type(exc).__name__}); save it again as .xlsx") from None
    except Exception as exc:  # a sheet is parsed as it is read: the same refusal as above
        if type(exc).__module__.startswith("defusedxml"):
            raise InvalidValueError(f"{path}: the workbook declares XML entities or a DTD, which Excel and "
                                    "LibreOffice never write; save it again as .xlsx or CSV UTF-8") from None
        raise
    finally:
        book.close()
    if not found:
        raise InvalidValueError(f"{path}: the first sheet is empty; its first row must name the columns")
    return Sheet(path, [c.strip() for c in found[0][1]], rows, header_row=found[0][0])


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value))
