"""`readiness template`: the spreadsheet a ward fills in, and what import makes of it."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from readiness import evidence as ev
from readiness.frameworks.loader import load_catalogue
from readiness.text import fold
from readiness.transfer.readers import _COLUMN_KEYS

HEADERS = {
    "vi": ["Loại", "Tiêu đề", "Tiêu đề (EN)", "Tóm tắt", "Đơn vị tổ chức", "Từ ngày", "Đến ngày", "Hiệu lực đến",
           "Đơn vị", "Tiêu chí", "Nguồn", "Người phụ trách", "Nhãn", "Trạng thái", "Tệp đính kèm"],
    "en": ["Kind", "Title (en)", "Title (vi)", "Summary (en)", "Organiser (en)", "Start date", "End date",
           "Valid until", "Unit", "Criteria", "Source URL", "Owner", "Tags", "Status", "Files"],
}
SHEETS = {"vi": ["Minh chứng", "Hướng dẫn", "Danh sách"], "en": ["Evidence", "How to fill in", "Lists"]}


@pytest.fixture
def hanoi(run):
    """Hà Nội with a district and a ward under it."""
    for args in (("city", "add", "Hà Nội", "--country", "VN", "--code", "HN"),
                 ("unit", "add", "Quận Hoàn Kiếm", "--city", "Hà Nội", "--kind", "district"),
                 ("unit", "add", "Phường Hàng Trống", "--city", "Hà Nội", "--kind", "ward",
                  "--parent", "Quận Hoàn Kiếm")):
        assert run(*args).exit_code == 0
    return run


def make(run, tmp_path: Path, lang: str, *args: str, name: str = "t.xlsx"):
    path = tmp_path / name
    result = run("template", "--lang", lang, "-o", str(path), *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(path)
    return path, load_workbook(path)


def listed(book, rule) -> list[str]:
    """The values a list validation offers, read from the range its formula names."""
    sheet_name, _, cells = rule.formula1.partition("!")
    sheet = book[sheet_name.strip("'")]
    return [c.value for row in sheet[cells.replace("$", "")] for c in row]


def rules(sheet) -> dict[str, object]:
    """Data validations by the first column letter they cover."""
    return {str(r.sqref).split(":")[0].rstrip("0123456789"): r for r in sheet.data_validations.dataValidation}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_headers_are_columns_import_maps_in_the_chosen_language(run, tmp_path: Path, lang: str) -> None:
    """Row 1 holds the headers in the language asked, bold and frozen, each one a column import knows."""
    _, book = make(run, tmp_path, lang)
    assert book.sheetnames == SHEETS[lang]
    data = book.worksheets[0]
    headers = [c.value for c in data[1]]
    assert headers == HEADERS[lang]
    assert all(c.font.bold for c in data[1])
    assert data.freeze_panes == "A2"
    assert all(data.column_dimensions[c.column_letter].width >= 12 for c in data[1])
    mapped = [_COLUMN_KEYS.get(fold(h)) for h in headers]
    assert None not in mapped and len(set(mapped)) == len(mapped)
    assert {"kind", "unit", "start", "criteria", "status", "files"} <= set(mapped)
    assert data.max_column == len(headers) and all(c.value is None for row in data.iter_rows(min_row=2) for c in row)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_drop_down_lists_offer_what_import_accepts(hanoi, tmp_path: Path, lang: str) -> None:
    """Kind, status, criterion and (with --city) unit have lists, each value accepted by import's checks."""
    _, book = make(hanoi, tmp_path, lang, "--city", "ha noi")
    by_column = rules(book.worksheets[0])
    kinds = listed(book, by_column["A"])
    assert [ev.check_kind(k) for k in kinds] == list(ev.KINDS)
    assert ("sự kiện" in kinds and "văn bản, thư" in kinds) if lang == "vi" else kinds == list(ev.KINDS)
    statuses = listed(book, by_column["N"])
    assert statuses == (["nháp", "đã nộp"] if lang == "vi" else ["draft", "submitted"])
    assert [ev.check_status(s) for s in statuses] == ["draft", "submitted"]
    criteria = listed(book, by_column["J"])
    catalogue = load_catalogue()
    assert len(criteria) == len(catalogue.get("kflc").criteria) + len(catalogue.get("guidelines").criteria)
    assert "kflc:2.6.1" in criteria and "guidelines:G3.1" in criteria
    assert all(ev.check_link(c, catalogue) == c for c in criteria)
    assert not by_column["J"].showErrorMessage  # several criteria may be typed in one cell
    assert listed(book, by_column["I"]) == ["Quận Hoàn Kiếm", "Phường Hàng Trống"]
    assert by_column["A"].errorStyle == by_column["I"].errorStyle == "stop"
    assert all(str(by_column[c].sqref).endswith("1001") for c in "AIJN")


def test_no_city_no_unit_list_and_framework_narrows_the_criteria(run, tmp_path: Path) -> None:
    """Without --city the unit column is free text; --framework offers that framework's criteria only."""
    _, book = make(run, tmp_path, "vi", "--framework", "guidelines")
    by_column = rules(book.worksheets[0])
    assert "I" not in by_column
    criteria = listed(book, by_column["J"])
    assert len(criteria) == 12 and all(c.startswith("guidelines:G") for c in criteria)
    titles = [row[3] for row in book["Danh sách"].iter_rows(min_row=2, values_only=True) if row[3]]
    assert "Sự kiện tôn vinh học tập được tổ chức thường xuyên" in titles


def test_date_columns_keep_dates_and_are_validated(run, tmp_path: Path) -> None:
    """Start, end and valid-until are formatted DD/MM/YYYY (column and cells) and validated as dates."""
    _, book = make(run, tmp_path, "vi")
    data = book.worksheets[0]
    for letter in "FGH":
        assert data.column_dimensions[letter].number_format == "DD/MM/YYYY"
        assert data[f"{letter}2"].number_format == data[f"{letter}1001"].number_format == "DD/MM/YYYY"
    date_rules = [r for r in data.data_validations.dataValidation if r.type == "date"]
    assert len(date_rules) == 1
    rule = date_rules[0]
    assert str(rule.sqref).split() == ["F2:F1001", "G2:G1001", "H2:H1001"]
    assert rule.operator == "between" and int(rule.formula1) == 36526  # 1 January 2000
    assert rule.errorStyle == "warning"  # '2025 typed as text can still be kept


@pytest.mark.parametrize("lang, required, example_kind", [("vi", "có", "sự kiện"), ("en", "yes", "event")])
def test_second_sheet_explains_every_column_with_the_example(run, tmp_path: Path, lang: str, required: str,
                                                              example_kind: str) -> None:
    """The instructions sheet has a row per column (what, required, accepted, example) and the example row."""
    _, book = make(run, tmp_path, lang)
    guide = book.worksheets[1]
    rows = [r for r in guide.iter_rows(values_only=True)]
    explained = {r[0]: r for r in rows if r[0] in HEADERS[lang] and r[1] and r[5] is None}  # the 5-column table
    assert set(explained) == set(HEADERS[lang])
    kind = explained[HEADERS[lang][0]]
    assert kind[2] == required and kind[4] == example_kind and all(kind[1:4])
    assert "2025" in explained[HEADERS[lang][5]][3]  # the forms a date may take
    header_at = next(i for i, r in enumerate(rows) if list(r[:15]) == HEADERS[lang])
    example = rows[header_at + 1]
    assert example[0] == example_kind and "Hàng Trống" in example[1] and example[5] == "01/10/2025"
    assert "readiness import t.xlsx --city" in " ".join(str(r[0]) for r in rows[:5])


FILLED = {
    "vi": ["sự kiện", "Tuần lễ hưởng ứng học tập suốt đời năm 2025 tại phường Hàng Trống",
           "Lifelong Learning Week 2025 in Hàng Trống ward",
           "Đọc sách, câu lạc bộ kỹ năng số cho người cao tuổi; 1.250 lượt người tham gia.",
           "UBND phường Hàng Trống", dt.date(2025, 10, 1), dt.date(2025, 10, 7), None, "Phường Hàng Trống",
           "kflc:2.6.1 (tuần lễ cấp phường); guidelines:G3.1", "https://hangtrong.hanoi.gov.vn/tuan-le-2025",
           "Nguyễn Thị Lan", "tuần lễ học tập; 2025", "đã nộp", "bao-cao.pdf"],
    "en": ["event", "Lifelong Learning Week 2025 in Hàng Trống ward",
           "Tuần lễ hưởng ứng học tập suốt đời năm 2025 tại phường Hàng Trống",
           "Reading sessions and a digital-skills club; 1,250 attendances.",
           "People's Committee of Hàng Trống ward", dt.date(2025, 10, 1), dt.date(2025, 10, 7), None,
           "Phường Hàng Trống", "kflc:2.6.1 (ward-level week); guidelines:G3.1",
           "https://hangtrong.hanoi.gov.vn/tuan-le-2025", "Nguyễn Thị Lan", "learning week; 2025", "submitted",
           "bao-cao.pdf"],
}
# The year alone, as Excel keeps '2025 typed with the apostrophe the instructions ask for: text.
SECOND = {"vi": ["kế hoạch", "Kế hoạch 11/KH-UBND về xây dựng xã hội học tập", None, None, None, "2025"],
          "en": ["plan", "Plan No. 11/KH-UBND on building a learning society", None, None, None, "2025"]}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_round_trip_a_filled_template_imports_with_no_warning(hanoi, tmp_path: Path, lang: str) -> None:
    """Rows typed into the template as a ward would (Vietnamese text, real date cells) import as typed, no warning."""
    path, book = make(hanoi, tmp_path, lang, "--city", "Hà Nội")
    data = book.worksheets[0]
    for column, value in enumerate(FILLED[lang], start=1):
        data.cell(row=2, column=column, value=value)
    for column, value in enumerate(SECOND[lang], start=1):
        data.cell(row=3, column=column, value=value)
    assert data["F2"].number_format == "DD/MM/YYYY" and isinstance(data["F2"].value, dt.date)
    book.save(path)
    (tmp_path / "bao-cao.pdf").write_bytes(b"%PDF-1.4 report of the week\n")

    result = hanoi("import", str(path), "--city", "Hà Nội")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr.lower() and "added 2 record(s)" in result.stderr

    first = json.loads(hanoi("evidence", "show", "HN-0001", "--format", "json").stdout)
    title, title_other = FILLED[lang][1], FILLED[lang][2]
    assert first["kind"] == "event"
    assert first["title"] == ({"vi": title, "en": title_other} if lang == "vi" else {"en": title, "vi": title_other})
    assert first["summary"] == {lang: FILLED[lang][3]} and first["organiser"] == {lang: FILLED[lang][4]}
    assert (first["start"], first["end"], first["valid_until"]) == ("2025-10-01", "2025-10-07", None)
    assert first["unit"] == "Phường Hàng Trống" and first["status"] == "submitted"
    assert first["source_url"] == FILLED[lang][10] and first["owner"] == "Nguyễn Thị Lan"
    assert first["tags"] == [t.strip() for t in FILLED[lang][12].split(";")]
    why = FILLED[lang][9].split("(")[1].split(")")[0]
    assert first["links"] == [{"criterion": "guidelines:G3.1", "rationale": None},
                              {"criterion": "kflc:2.6.1", "rationale": why}]
    assert [a["name"] for a in first["attachments"]] == ["bao-cao.pdf"]
    second = json.loads(hanoi("evidence", "show", "HN-0002", "--format", "json").stdout)
    assert (second["kind"], second["start"], second["status"]) == ("plan", "2025", "draft")
    assert second["title"] == {("vi" if lang == "vi" else "en"): SECOND[lang][1]}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_untouched_template_imports_nothing_and_no_warning(hanoi, tmp_path: Path, lang: str) -> None:
    """The example lives on the instructions sheet, so an unfilled template adds no record."""
    path, _ = make(hanoi, tmp_path, lang, "--city", "Hà Nội")
    result = hanoi("import", str(path), "--city", "Hà Nội")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr.lower() and "added 0 record(s)" in result.stderr


def test_csv_template_is_the_header_with_a_bom_and_imports_back(hanoi, tmp_path: Path) -> None:
    """--format csv writes the Vietnamese header as UTF-8 with a BOM; a row added to it imports with no warning."""
    path = tmp_path / "mau.csv"
    result = hanoi("template", "--lang", "vi", "--format", "csv", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8-sig").splitlines() == [",".join(HEADERS["vi"])]
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write("diễn đàn,Diễn đàn học tập suốt đời phường Hàng Trống,,,,15/11/2025,,,Phường Hàng Trống,,,,,,\r\n")
    result = hanoi("import", str(path), "--city", "Hà Nội")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr.lower() and "added 1 record(s)" in result.stderr
    shown = json.loads(hanoi("evidence", "show", "HN-0001", "--format", "json").stdout)
    assert (shown["kind"], shown["start"], shown["unit"]) == ("forum", "2025-11-15", "Phường Hàng Trống")


def test_default_name_in_the_current_folder_and_path_on_stdout(run, tmp_path: Path, monkeypatch) -> None:
    """Without -o the template is mau-minh-chung.xlsx (vi) or evidence-template.xlsx (en) here, path on stdout."""
    monkeypatch.chdir(tmp_path)
    for lang, name in (("vi", "mau-minh-chung.xlsx"), ("en", "evidence-template.xlsx")):
        result = run("template", "--lang", lang)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == f"{name}\n" and (tmp_path / name).is_file()
        assert f"readiness import {name}" in result.stderr
    written = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert written == ["evidence-template.xlsx", "mau-minh-chung.xlsx"]


def test_an_existing_file_is_not_replaced_without_force(run, tmp_path: Path) -> None:
    """A filled-in sheet under the same name is kept (one error line, exit 1) unless --force."""
    path = tmp_path / "mau-minh-chung.xlsx"
    path.write_bytes(b"a ward's work")
    result = run("template", "--lang", "vi", "-o", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "already exists" in result.stderr and "--force" in result.stderr
    assert path.read_bytes() == b"a ward's work"
    assert [p.name for p in tmp_path.iterdir()] == ["mau-minh-chung.xlsx"]  # no temporary file left
    assert run("template", "--lang", "vi", "-o", str(path), "--force").exit_code == 0
    assert load_workbook(path).sheetnames == SHEETS["vi"]


def test_standard_output_takes_the_workbook_but_not_at_a_terminal(run, request) -> None:
    """-o - writes the xlsx bytes into a pipe, and refuses with one error line when stdout is a terminal."""
    import io

    result = run("template", "--lang", "vi", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert load_workbook(io.BytesIO(result.stdout_bytes)).sheetnames == SHEETS["vi"]

    terminal = request.getfixturevalue("stdout_is_a_terminal")
    result = run("template", "--lang", "vi", "-o", "-")
    assert result.exit_code == 1
    assert result.stderr == "error: -o -: will not write a workbook to the terminal; pipe it, or give a file name\n"
    assert terminal.getvalue() == b""


def test_an_unknown_city_is_one_error_line_and_writes_nothing(hanoi, tmp_path: Path) -> None:
    """--city naming no city fails with one error line and no file."""
    result = hanoi("template", "--city", "Huế", "-o", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 1 and result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "t.xlsx").exists()


def test_a_device_or_an_unwritable_folder_is_one_error_line(run, tmp_path: Path) -> None:
    """--force never swaps a device for a file, and a folder that cannot be written is one error line."""
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    refused = run("template", "-o", str(device), "--force")
    assert refused.exit_code == 1 and "is not a regular file" in refused.stderr
    assert stat.S_ISCHR(device.lstat().st_mode)
    denied = run("template", "-o", "/proc/readiness-template.xlsx")  # no one may make a file there, root included
    assert denied.exit_code == 1 and "cannot write it" in denied.stderr
    assert "Traceback" not in denied.stderr


def test_shell_quote_quotes_what_a_shell_would_split_and_leaves_plain_names() -> None:
    """text.shell_quote (the template's import command): plain names as they are, others in double quotes."""
    from readiness.text import shell_quote

    assert [shell_quote(t) for t in ("Huế", "HN", "./t.xlsx", "C:/x-y.csv")] == ["Huế", "HN", "./t.xlsx", "C:/x-y.csv"]
    assert shell_quote("Hà Nội") == '"Hà Nội"'
    assert shell_quote('say "hi"') == '"say \\"hi\\""'
    assert shell_quote("a;b") == '"a;b"' and shell_quote("") == '""'


def test_make_template_is_one_use_case_taking_the_acting_person(ws, tmp_path: Path) -> None:
    """api.make_template gives the TemplateFile (bytes, target, the city's units) for the actor; a blank template
    needs no workspace; the front end saves it, never over a file unless forced."""
    from readiness import api
    from readiness.access import Actor
    from readiness.errors import InvalidValueError

    lan = Actor("Lan")
    catalogue = load_catalogue()
    blank = api.make_template(None, lan, catalogue, "en", fmt="csv", output=tmp_path / "t.csv")
    assert (blank.target, blank.units, blank.city_without_units) == (tmp_path / "t.csv", None, None)
    assert blank.import_command() == f"readiness import {tmp_path / 't.csv'} --city CITY"
    with pytest.raises(ValueError):
        api.make_template(None, lan, catalogue, "vi", city="Hà Nội")
    api.add_city(ws, lan, "Hà Nội", "VN", "HN")
    bare = api.make_template(ws, lan, catalogue, "vi", city="hanoi", output=tmp_path / "t.xlsx")
    assert (bare.units.city if bare.units else None, bare.city_without_units) == ("Hà Nội", "Hà Nội")
    api.add_unit(ws, lan, "HN", "Quận Hoàn Kiếm", "district")
    api.add_unit(ws, lan, "HN", "Phường Hàng Trống", "ward", parent="Quận Hoàn Kiếm")
    made = api.make_template(ws, lan, catalogue, "vi", city="HN", output=tmp_path / "t.xlsx")
    assert made.units is not None and made.units.units == ["Quận Hoàn Kiếm", "Phường Hàng Trống"]
    assert made.city_without_units is None
    assert made.import_command() == f'readiness import {tmp_path / "t.xlsx"} --city "Hà Nội"'
    assert made.save() == tmp_path / "t.xlsx" and (tmp_path / "t.xlsx").read_bytes() == made.data
    with pytest.raises(InvalidValueError, match="already exists"):
        made.save()
    assert made.save(force=True) == tmp_path / "t.xlsx"
    to_stdout = api.make_template(None, lan, catalogue, "vi", output=Path("-"))
    assert to_stdout.target is None
    with pytest.raises(ValueError):
        to_stdout.save()


def test_a_blank_template_makes_no_workspace(tmp_path: Path) -> None:
    """Without --city the command opens no workspace, so it creates none."""
    from click.testing import CliRunner

    from readiness.cli import cli

    workspace = tmp_path / "never"
    result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "t.xlsx")],
                                env={"READINESS_WORKSPACE": str(workspace)}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "t.xlsx").exists() and not workspace.exists()
