"""The spreadsheet a ward fills in: ``readiness template``.

``make_template`` (the use case) gives a ``TemplateFile``: the bytes of an XLSX workbook (or a
CSV header, see ``template_bytes``) whose columns are the
ones ``readiness import`` reads, named in Vietnamese or English as ``readers.COLUMNS`` knows
them, so that what it writes, import reads back with no warning:

- sheet 1 (*Minh chứng* / *Evidence*), the one import reads: the header in row 1, bold and
  frozen, required columns shaded; below it empty rows, with drop-down lists (data validation)
  for the kind, the unit (the city's units, when a city is given), the criterion (the
  frameworks' criterion ids) and the status, and date columns formatted ``DD/MM/YYYY`` so that
  Excel keeps a typed date as a date;
- sheet 2 (*Hướng dẫn* / *How to fill in*): every column explained (what it is, whether it is
  required, what it accepts, an example), then the example row as a whole. The example is
  there and not in sheet 1, so that it can never be imported as a record by mistake;
- sheet 3 (*Danh sách* / *Lists*, protected): the values of the drop-down lists, with each
  criterion's title beside its id.

No click, no printing: ``TemplateFile.save`` writes atomically (temporary file, rename) and
never over an existing file unless told to.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readiness.errors import InvalidValueError
from readiness.labels import LABELS
from readiness.text import shell_quote

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.frameworks.catalogue import Catalogue
    from readiness.store.db import Workspace

LANGS = ("vi", "en")
FORMATS = ("xlsx", "csv")
DEFAULT_NAMES = {"vi": "mau-minh-chung", "en": "evidence-template"}
#: Rows below the header that get the date format cell by cell (the columns carry it too) and
#: the drop-down lists.
ROWS = 1000
DATE_FORMAT = "DD/MM/YYYY"
EARLIEST = dt.date(2000, 1, 1)  # a date before it is most likely a year typed as a number

SHEETS = {
    "vi": ("Minh chứng", "Hướng dẫn", "Danh sách"),
    "en": ("Evidence", "How to fill in", "Lists"),
}
STATUS_CHOICES = {"vi": ("nháp", "đã nộp"), "en": ("draft", "submitted")}


@dataclass(frozen=True)
class Column:
    name: str  # the column readers.COLUMNS maps the header to
    header: dict[str, str]  # per language; each is one of readers.COLUMNS[name]'s names
    width: int
    required: bool
    what: dict[str, str]
    accepts: dict[str, str]
    example: dict[str, str]


def _c(name: str, vi: str, en: str, width: int, what: tuple[str, str], accepts: tuple[str, str],
       example: tuple[str, str], required: bool = False) -> Column:
    return Column(name, {"vi": vi, "en": en}, width, required, dict(zip(LANGS, what, strict=True)),
                  dict(zip(LANGS, accepts, strict=True)), dict(zip(LANGS, example, strict=True)))


_TITLE_VI = "Tuần lễ hưởng ứng học tập suốt đời năm 2025 tại phường Hàng Trống"
_TITLE_EN = "Lifelong Learning Week 2025 in Hàng Trống ward"

COLUMNS_BY_LANG: dict[str, tuple[Column, ...]] = {}


def _columns(lang: str) -> tuple[Column, ...]:
    """The columns in the order the sheet shows them.

    In the Vietnamese sheet the plain title, summary and organiser columns are Vietnamese
    (import's default language); the English sheet names the language of each text column,
    so nothing is read in the wrong language.
    """
    title_vi = _c(
        "title" if lang == "vi" else "title_vi", "Tiêu đề", "Title (vi)", 48,
        ("Tên minh chứng bằng tiếng Việt: tên văn bản, hoạt động hoặc số liệu.",
         "The record's title in Vietnamese: the document's, activity's or figure's name."),
        ("Văn bản, tối đa 500 ký tự. Cần tiêu đề tiếng Việt, tiếng Anh hoặc cả hai.",
         "Text, at most 500 characters. A Vietnamese title, an English one or both is needed."),
        (_TITLE_VI, _TITLE_VI), required=lang == "vi")
    title_en = _c(
        "title_en", "Tiêu đề (EN)", "Title (en)", 40,
        ("Tên minh chứng bằng tiếng Anh, cho hồ sơ gửi UNESCO.",
         "The record's title in English, for the application to UNESCO."),
        ("Văn bản, tối đa 500 ký tự; có thể để trống.",
         "Text, at most 500 characters. A Vietnamese title, an English one or both is needed."),
        (_TITLE_EN, _TITLE_EN), required=lang == "en")
    columns = [
        _c("kind", "Loại", "Kind", 18,
           ("Loại minh chứng.", "What the record is."),
           ("Chọn trong danh sách: " + ", ".join(LABELS[k]["vi"] for k in _kinds()) + ".",
            "Pick from the list: " + ", ".join(_kinds()) + "."),
           (LABELS["event"]["vi"], "event"), required=True),
        *((title_vi, title_en) if lang == "vi" else (title_en, title_vi)),
        _c("summary" if lang == "vi" else "summary_en", "Tóm tắt", "Summary (en)", 50,
           ("Minh chứng cho thấy điều gì: nội dung, địa điểm, số người tham gia.",
            "What the record shows: what happened, where, how many took part."),
           ("Văn bản, tối đa 5.000 ký tự; có thể để trống.", "Text, at most 5,000 characters; may be empty."),
           ("Đọc sách, câu lạc bộ kỹ năng số cho người cao tuổi và lớp tiếng Anh miễn phí tại nhà văn hóa "
            "phường; 1.250 lượt người tham gia.",
            "Reading sessions, a digital-skills club for older people and free English classes at the "
            "ward's cultural house; 1,250 attendances.")),
        _c("organiser" if lang == "vi" else "organiser_en", "Đơn vị tổ chức", "Organiser (en)", 28,
           ("Ai tổ chức hoặc ban hành.", "Who ran or issued it."),
           ("Văn bản, tối đa 300 ký tự; có thể để trống.", "Text, at most 300 characters; may be empty."),
           ("UBND phường Hàng Trống", "People's Committee of Hàng Trống ward")),
        _c("start", "Từ ngày", "Start date", 13,
           ("Ngày diễn ra hoặc ngày ban hành (của hoạt động, không phải ngày nhập).",
            "When it happened or was adopted (not when it is entered)."),
           ("Ngày dd/mm/yyyy, hoặc 2025-10-01. Chỉ biết tháng hoặc năm: gõ dấu nháy trước, '10/2025 hoặc '2025.",
            "A date, dd/mm/yyyy or 2025-10-01. Only the month or year known: type an apostrophe first, "
            "'10/2025 or '2025."),
           ("01/10/2025", "01/10/2025")),
        _c("end", "Đến ngày", "End date", 13,
           ("Ngày kết thúc (hoạt động nhiều ngày, kế hoạch có thời hạn).",
            "When it ended (events over several days, plans with a horizon)."),
           ("Như Từ ngày; không trước Từ ngày; có thể để trống.", "As the start date; not before it; may be empty."),
           ("07/10/2025", "07/10/2025")),
        _c("valid_until", "Hiệu lực đến", "Valid until", 13,
           ("Ngày hết hiệu lực (giấy chứng nhận, kế hoạch hết hạn).",
            "When it stops counting (a certificate, a plan that expires)."),
           ("Như Từ ngày; có thể để trống.", "As the start date; may be empty."),
           ("", "")),
        _c("unit", "Đơn vị", "Unit", 26,
           ("Phường, xã hoặc cơ quan của thành phố chịu trách nhiệm.",
            "The ward, commune or agency of the city responsible for it."),
           ("Tên đơn vị đúng như trong readiness (`readiness unit list`); chọn trong danh sách nếu có. "
            "Có thể để trống.",
            "The unit's name as readiness has it (`readiness unit list`); pick it from the list if there is one. "
            "May be empty."),
           ("Phường Hàng Trống", "Phường Hàng Trống")),
        _c("criteria", "Tiêu chí", "Criteria", 30,
           ("Tiêu chí mà minh chứng đáp ứng, kèm lý do trong ngoặc nếu muốn.",
            "The criteria the record supports, each with its reason in brackets if you like."),
           ("Mã khung:tiêu chí (xem trang Danh sách). Nhiều tiêu chí cách nhau bằng dấu ;. Có thể để trống.",
            "framework:criterion ids (see the Lists sheet). Several separated by ;. May be empty."),
           ("kflc:2.6.1 (tuần lễ cấp phường); guidelines:G3.1", "kflc:2.6.1 (ward-level week); guidelines:G3.1")),
        _c("source_url", "Nguồn", "Source URL", 30,
           ("Nơi minh chứng được công bố.", "Where the record is published."),
           ("Địa chỉ http:// hoặc https://; có thể để trống.", "An http:// or https:// address; may be empty."),
           ("https://hangtrong.hanoi.gov.vn/tuan-le-hoc-tap-suot-doi-2025",
            "https://hangtrong.hanoi.gov.vn/tuan-le-hoc-tap-suot-doi-2025")),
        _c("owner", "Người phụ trách", "Owner", 22,
           ("Người hoặc bộ phận chịu trách nhiệm về minh chứng này.", "Person or team responsible for this record."),
           ("Văn bản; có thể để trống.", "Text; may be empty."),
           ("Nguyễn Thị Lan, cán bộ văn hóa", "Nguyễn Thị Lan, culture officer")),
        _c("tags", "Nhãn", "Tags", 20,
           ("Từ khóa để tìm lại.", "Words to find the record by."),
           ("Cách nhau bằng dấu ;, mỗi nhãn tối đa 60 ký tự; có thể để trống.",
            "Separated by ;, each at most 60 characters; may be empty."),
           ("tuần lễ học tập; 2025", "learning week; 2025")),
        _c("status", "Trạng thái", "Status", 12,
           ("Minh chứng đã sẵn sàng để thẩm định chưa.", "Whether the record is ready for review."),
           ("nháp hoặc đã nộp; để trống là nháp. Xác minh do người thẩm định làm trong readiness.",
            "draft or submitted; empty means draft. Verifying is a reviewer's step in readiness."),
           ("đã nộp", "submitted")),
        _c("files", "Tệp đính kèm", "Files", 28,
           ("Tệp minh chứng gửi kèm bảng tính: biên bản, báo cáo, ảnh.",
            "Files sent with the spreadsheet: minutes, reports, photos."),
           ("Tên tệp đặt cùng thư mục với bảng tính (hoặc thư mục con); nhiều tệp cách nhau bằng dấu ;. "
            "Có thể để trống.",
            "File names beside the spreadsheet (or in a folder below it); several separated by ;. May be empty."),
           ("bao-cao-tuan-le-2025.pdf", "bao-cao-tuan-le-2025.pdf")),
    ]
    return tuple(columns)


def _kinds() -> tuple[str, ...]:
    from readiness.frameworks.schema import EvidenceKind

    return tuple(k.value for k in EvidenceKind)


def columns(lang: str) -> tuple[Column, ...]:
    """The template's columns in a language (vi or en)."""
    _check_lang(lang)
    if lang not in COLUMNS_BY_LANG:
        COLUMNS_BY_LANG[lang] = _columns(lang)
    return COLUMNS_BY_LANG[lang]


def kind_choices(lang: str) -> list[str]:
    """The evidence kinds as the drop-down offers them: Vietnamese names, or the English ids."""
    return [LABELS[k]["vi"] if lang == "vi" else k for k in _kinds()]


def default_name(lang: str, fmt: str = "xlsx") -> str:
    """mau-minh-chung.xlsx, evidence-template.csv..."""
    _check_lang(lang)
    return f"{DEFAULT_NAMES[lang]}.{fmt}"


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise InvalidValueError(f"--lang {lang!r}: the template is in vi or en")


@dataclass(frozen=True)
class CriterionChoice:
    """A criterion the criterion column offers: ``framework:criterion``, and its title beside it."""

    ref: str
    title: str


def criterion_choices(catalogue: Catalogue, framework_ids: Iterable[str], lang: str) -> list[CriterionChoice]:
    """Every criterion of the frameworks, in framework order."""
    choices = []
    for framework_id in framework_ids:
        fw = catalogue.get(framework_id)
        for criterion_id, criterion in fw.criteria.items():
            choices.append(CriterionChoice(f"{fw.id}:{criterion_id}", criterion.title.get(lang, "en")))
    return choices


@dataclass(frozen=True)
class UnitChoices:
    """What the unit column offers: a city as the workspace spells it, and its units' names, parents
    before children."""

    city: str
    units: list[str]


def unit_choices(ws: Workspace, actor: Actor, city_name: str) -> UnitChoices:
    """The city a name means, with the units its unit column offers."""
    from readiness.cities import list_units

    found = list_units(ws, actor, city_name)
    names: list[str] = []
    stack = list(reversed(found.units))
    while stack:
        node = stack.pop()
        names.append(node.unit.name)
        stack.extend(reversed(node.children))
    return UnitChoices(found.city.name, names)


@dataclass(frozen=True)
class TemplateFile:
    """A template made: its bytes, the file it goes to (None: standard output), the city whose units it offers."""

    data: bytes
    target: Path | None
    units: UnitChoices | None = None

    @property
    def city_without_units(self) -> str | None:
        """The city given, when it has no units yet (so the unit column has no list); else None."""
        return self.units.city if self.units is not None and not self.units.units else None

    def import_command(self) -> str:
        """The command that imports the template once filled in."""
        return (f"readiness import {shell_quote(str(self.target))} "
                f"--city {shell_quote(self.units.city if self.units else 'CITY')}")

    def save(self, *, force: bool = False) -> Path:
        """Write the template to its target (see ``write_file``: never over a file unless ``force``)."""
        if self.target is None:
            raise ValueError("a template for standard output has no file to save to")
        return write_file(self.target, self.data, force=force)


def make_template(ws: Workspace | None, actor: Actor, catalogue: Catalogue, lang: str = "vi", *,
                  fmt: str = "xlsx", city: str | None = None, framework_ids: Sequence[str] = (),
                  output: Path | None = None, today: dt.date | None = None) -> TemplateFile:
    """The template ``readiness template`` writes, for ``actor``: the criteria of ``framework_ids``
    (by default the frameworks marked ``suggest:``) and the units of ``city``; ``output`` "-" is
    standard output, none the default name (``default_name``) in the current folder.

    ``ws`` is needed only for a city's units: without ``city`` it may be None (no workspace is
    opened, so none is made).
    """
    units = None
    if city:
        if ws is None:
            raise ValueError("a city's units are read from a workspace: give one")
        units = unit_choices(ws, actor, city)
    criteria = criterion_choices(catalogue, framework_ids or catalogue.suggested(), lang)
    target = output if output is not None else Path(default_name(lang, fmt))
    to_stdout = str(target) == "-"
    data = template_bytes(lang, criteria=criteria, units=units.units if units else [],
                          city=units.city if units else None, fmt=fmt, file_name=None if to_stdout else target.name,
                          today=today)
    return TemplateFile(data, None if to_stdout else target, units)


#: The header rows of the guide (column, what it is, ...) and of the lists sheet.
_HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "vi": {"head": ("Cột", "Nội dung", "Bắt buộc", "Giá trị chấp nhận", "Ví dụ"),
           "lists_head": ("Loại", "Trạng thái", "Tiêu chí", "Tên tiêu chí", "Đơn vị")},
    "en": {"head": ("Column", "What it is", "Required", "Accepted values", "Example"),
           "lists_head": ("Kind", "Status", "Criterion", "Criterion title", "Unit")},
}

_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Mẫu minh chứng: cách điền",
        "intro": ("Mỗi minh chứng điền một dòng ở trang «{data}», bắt đầu từ dòng 2; không sửa dòng tiêu đề. "
                  "Cột tô màu là bắt buộc. Các cột có danh sách thả xuống: chọn giá trị trong danh sách."),
        "import": "Nhập vào readiness: readiness import {file} --city {city}",
        "files": "Gửi kèm bảng tính các tệp ghi ở cột «{files}», đặt cùng thư mục với bảng tính.",
        "city": "TÊN-THÀNH-PHỐ",
        "yes": "có",
        "no": "không",
        "title_required": "có (tiêu đề tiếng Việt hoặc tiếng Anh)",
        "example": "Ví dụ một dòng đã điền (chỉ để tham khảo: dòng này không được nhập; điền ở trang «{data}»)",
        "kind_prompt": "Chọn loại minh chứng trong danh sách.",
        "kind_error": "Chọn một loại trong danh sách (xem trang Hướng dẫn).",
        "unit_prompt": "Chọn đơn vị của {city} trong danh sách.",
        "unit_error": "Đơn vị này không có trong danh sách của {city}; thêm bằng `readiness unit add`.",
        "criteria_prompt": "Chọn một tiêu chí, hoặc gõ nhiều tiêu chí cách nhau bằng dấu ; (xem trang Danh sách).",
        "status_prompt": "nháp hoặc đã nộp; để trống là nháp.",
        "status_error": "Trạng thái chỉ là nháp hoặc đã nộp.",
        "date_prompt": "Ngày dd/mm/yyyy. Chỉ biết tháng hoặc năm: gõ '10/2025 hoặc '2025 (có dấu nháy).",
        "date_error": ("Không giống một ngày từ năm 2000 đến {horizon}. Chỉ biết năm: gõ '2025 (có dấu nháy) "
                       "để giữ nguyên chữ. Vẫn giữ giá trị này?"),
    },
    "en": {
        "title": "Evidence template: how to fill it in",
        "intro": ("Fill in one record per row on the «{data}» sheet, from row 2; do not change the header row. "
                  "Shaded columns are required. Columns with a drop-down list: pick a value from the list."),
        "import": "Import into readiness: readiness import {file} --city {city}",
        "files": "Send the files named in the «{files}» column with the spreadsheet, in the same folder.",
        "city": "CITY",
        "yes": "yes",
        "no": "no",
        "title_required": "yes (a Vietnamese or English title)",
        "example": "An example row, filled in (for reference only: it is not imported; fill in the «{data}» sheet)",
        "kind_prompt": "Pick the kind of record from the list.",
        "kind_error": "Pick a kind from the list (see the How to fill in sheet).",
        "unit_prompt": "Pick one of {city}'s units from the list.",
        "unit_error": "This unit is not in {city}'s list; add it with `readiness unit add`.",
        "criteria_prompt": "Pick a criterion, or type several separated by ; (see the Lists sheet).",
        "status_prompt": "draft or submitted; empty means draft.",
        "status_error": "The status is draft or submitted.",
        "date_prompt": ("A date, dd/mm/yyyy. Only the month or year known: type '10/2025 or '2025 "
                        "(with the apostrophe)."),
        "date_error": ("This does not look like a date from 2000 to {horizon}. Only the year known: type '2025 "
                       "(with the apostrophe) to keep it as text. Keep this value?"),
    },
}


def template_bytes(lang: str = "vi", *, criteria: Sequence[CriterionChoice] = (), units: Sequence[str] = (),
                   city: str | None = None, fmt: str = "xlsx", file_name: str | None = None,
                   today: dt.date | None = None) -> bytes:
    """The template's bytes: an XLSX workbook, or (``fmt="csv"``) the header as UTF-8 CSV with a BOM.

    ``criteria`` fill the criterion list (see ``criterion_choices``), ``units``
    the names for the unit list (none: the unit column is free text), ``city`` and
    ``file_name`` only fill in the import command the instructions show.
    """
    cols = columns(lang)
    if fmt not in FORMATS:
        raise InvalidValueError(f"--format {fmt!r}: the template is xlsx or csv")
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow([c.header[lang] for c in cols])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    return _workbook(lang, cols, list(criteria), list(units), city, file_name or default_name(lang), today)


def _workbook(lang: str, cols: tuple[Column, ...], criteria: list[CriterionChoice], units: list[str],
              city: str | None, file_name: str, today: dt.date | None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    layout = _Layout(lang, cols, city or _TEXT[lang]["city"])
    data_name, help_name, lists_name = SHEETS[lang]
    data = book.active
    data.title = data_name
    _fill_data(data, layout)
    # The drop-down lists live on their own sheet: a list written inline may not hold commas
    # ("văn bản, thư") nor exceed 255 characters (the criteria do).
    lists = book.create_sheet(lists_name)
    kinds, statuses = kind_choices(lang), list(STATUS_CHOICES[lang])
    _fill_lists(lists, layout, kinds, statuses, criteria, units)
    _add_choices(data, layout, lists_name, len(kinds), len(statuses), len(criteria), len(units))
    _add_date_rule(data, layout, today)
    _fill_guide(book.create_sheet(help_name, 1), layout, data_name, file_name)
    book.properties.title = f"{data_name}{' - ' + city if city else ''}"
    book.properties.creator = "readiness"
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _Layout:
    """What every sheet of the workbook is made from: the language, the columns, the city as shown."""

    lang: str
    cols: tuple[Column, ...]
    city_shown: str

    @property
    def text(self) -> dict[str, str]:
        return _TEXT[self.lang]

    def column(self, name: str) -> Column:
        return next(c for c in self.cols if c.name == name)

    def letter(self, name: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(next(i for i, c in enumerate(self.cols, start=1) if c.name == name))

    def header(self, name: str) -> str:
        return self.column(name).header[self.lang]


_DATE_COLUMNS = ("start", "end", "valid_until")
_LAST_ROW = ROWS + 1


def _fill_data(data: Any, layout: _Layout) -> None:
    """Sheet 1: the header, bold and frozen, required columns shaded; date columns formatted."""
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="FCE4D6")
    data.append([c.header[layout.lang] for c in layout.cols])
    for i, c in enumerate(layout.cols, start=1):
        cell = data.cell(row=1, column=i)
        cell.font = bold
        if c.required:
            cell.fill = shade
        data.column_dimensions[layout.letter(c.name)].width = c.width
    data.freeze_panes = "A2"
    for name in _DATE_COLUMNS:
        letter = layout.letter(name)
        data.column_dimensions[letter].number_format = DATE_FORMAT
        for row in range(2, _LAST_ROW + 1):
            data[f"{letter}{row}"].number_format = DATE_FORMAT


def _fill_lists(lists: Any, layout: _Layout, kinds: list[str], statuses: list[str],
                criteria: list[CriterionChoice], units: list[str]) -> None:
    """Sheet 3 (protected): the values of the drop-down lists, side by side."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def at(values: Sequence[Any], i: int) -> Any:
        return values[i] if i < len(values) else None

    lists.append(list(_HEADINGS[layout.lang]["lists_head"]))
    for i in range(max(len(kinds), len(statuses), len(criteria), len(units))):
        criterion = at(criteria, i)
        lists.append([at(kinds, i), at(statuses, i), criterion.ref if criterion else None,
                      criterion.title if criterion else None, at(units, i)])
    for i, width in enumerate((18, 12, 18, 70, 30), start=1):
        lists.cell(row=1, column=i).font = Font(bold=True)
        lists.column_dimensions[get_column_letter(i)].width = width
    lists.freeze_panes = "A2"
    lists.protection.sheet = True  # read-only by accident, not by password: it is a reference


def _add_choices(data: Any, layout: _Layout, lists_name: str, kinds: int, statuses: int, criteria: int,
                 units: int) -> None:
    """The drop-down lists of sheet 1, each reading its column of the lists sheet."""
    from openpyxl.utils import quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    text = layout.text

    def choose(column: str, source: str, count: int, prompt: str, error: str | None) -> None:
        rule = DataValidation(type="list", formula1=f"{quote_sheetname(lists_name)}!${source}$2:${source}${count + 1}",
                              allow_blank=True)
        rule.promptTitle = layout.header(column)[:32]
        rule.prompt = prompt[:255]
        rule.showInputMessage = True
        rule.showErrorMessage = error is not None
        if error:
            rule.errorTitle = rule.promptTitle
            rule.error = error[:255]
            rule.errorStyle = "stop"
        rule.add(f"{layout.letter(column)}2:{layout.letter(column)}{_LAST_ROW}")
        data.add_data_validation(rule)

    choose("kind", "A", kinds, text["kind_prompt"], text["kind_error"])
    choose("status", "B", statuses, text["status_prompt"], text["status_error"])
    if criteria:  # several criteria may be typed in one cell: the list suggests, it does not refuse
        choose("criteria", "C", criteria, text["criteria_prompt"], None)
    if units:
        choose("unit", "E", units, text["unit_prompt"].format(city=layout.city_shown),
               text["unit_error"].format(city=layout.city_shown))


def _add_date_rule(data: Any, layout: _Layout, today: dt.date | None) -> None:
    """Dates from 2000 to 15 years ahead: a warning, not a refusal (a month or year typed as text may stay)."""
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    horizon = (today or dt.date.today()).year + 15
    dates = DataValidation(type="date", operator="between", formula1=str(int(to_excel(EARLIEST))),
                           formula2=str(int(to_excel(dt.date(horizon, 12, 31)))), allow_blank=True)
    dates.promptTitle = layout.header("start")[:32]
    dates.prompt = layout.text["date_prompt"][:255]
    dates.errorTitle = dates.promptTitle
    dates.error = layout.text["date_error"].format(horizon=horizon)[:255]
    dates.errorStyle = "warning"
    dates.showInputMessage = dates.showErrorMessage = True
    for name in _DATE_COLUMNS:
        dates.add(f"{layout.letter(name)}2:{layout.letter(name)}{_LAST_ROW}")
    data.add_data_validation(dates)


def _fill_guide(guide: Any, layout: _Layout, data_name: str, file_name: str) -> None:
    """Sheet 2: how to fill in and import, every column explained, then the example row."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lang, text, cols = layout.lang, layout.text, layout.cols
    bold = Font(bold=True)
    top = Alignment(vertical="top", wrap_text=True)
    guide.append([text["title"]])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([text["intro"].format(data=data_name)])
    guide.append([text["import"].format(file=file_name, city=shell_quote(layout.city_shown))])
    guide.append([text["files"].format(files=layout.header("files"))])
    guide.append([])
    guide.append(list(_HEADINGS[lang]["head"]))
    head_row = guide.max_row
    for i in range(1, 6):
        guide.cell(row=head_row, column=i).font = bold
    for c in cols:
        guide.append([c.header[lang], c.what[lang], _required(c, text), c.accepts[lang], c.example[lang]])
        for i in range(1, 6):
            guide.cell(row=guide.max_row, column=i).alignment = top
        guide.cell(row=guide.max_row, column=1).font = bold
    guide.append([])
    guide.append([text["example"].format(data=data_name)])
    guide.cell(row=guide.max_row, column=1).font = bold
    guide.append([c.header[lang] for c in cols])
    for i in range(1, len(cols) + 1):
        guide.cell(row=guide.max_row, column=i).font = bold
    guide.append([c.example[lang] or None for c in cols])
    for i, width in enumerate((18, 45, 14, 55, 45), start=1):
        guide.column_dimensions[get_column_letter(i)].width = width


def _required(c: Column, text: dict[str, str]) -> str:
    if c.name in ("title", "title_vi", "title_en"):
        return text["title_required"]
    return text["yes"] if c.required else text["no"]


def write_file(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; refuse to replace a file unless ``force``.

    A filled-in template is a ward's work: making a new one over it by mistake would lose it.
    """
    if path.is_dir():
        raise InvalidValueError(f"{path}: is a folder; give a file name")
    if path.exists() and not force:
        raise InvalidValueError(f"{path}: already exists (perhaps already filled in); "
                                "give another name with -o, or --force to replace it")
    from readiness.store.files import write_atomically

    write_atomically(path, data)
    return path
