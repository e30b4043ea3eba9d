"""What wards really send: sheets with title rows, STT and Ghi chú, Vietnamese kinds, dates and
numbers as officials write them; the same sheet sent twice; a ward's export whose ids clash."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from readiness import dates
from readiness.errors import InvalidValueError
from readiness.numbers import parse_number

WARD_CSV = Path(__file__).parent / "data" / "ward" / "danh-sach-minh-chung.csv"  # Windows-1258, CRLF
TODAY = dt.date(2026, 11, 23)

#: What the ward sheet holds, as records: (kind, title, start, end).
WARD_RECORDS = [
    ("forum", "Hội thảo Xây dựng phường học tập", "2025-03-12", None),
    ("plan", "Kế hoạch số 45/KH-UBND về xây dựng phường học tập", "2025-01-07", "2025-12-31"),
    ("event", "Tuần lễ hưởng ứng học tập suốt đời 2025", "2025-10-01", "2025-10-07"),
    ("statistic", "Số liệu người học năm 2024", "2024-12", None),
    ("forum", "Diễn đàn học tập cộng đồng", "2025-10", None),
]


@pytest.fixture
def city(run):
    """Hà Nội with the ward Phường Hàng Trống (its kind typed in Vietnamese)."""
    assert run("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    added = run("unit", "add", "Phường Hàng Trống", "--city", "Hanoi", "--kind", "phường")
    assert added.exit_code == 0, added.stderr
    return run


def records(run, *args: str) -> list[dict]:
    return json.loads(run("evidence", "list", "--format", "json", *args).stdout)


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def ward_xlsx(path: Path) -> Path:
    """The ward sheet as Excel keeps it: merged title, date and date-time cells, STT as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH MINH CHỨNG XÂY DỰNG PHƯỜNG HỌC TẬP NĂM 2025"])
    sheet.merge_cells("A1:G1")
    sheet.append(["(Kèm theo Báo cáo số 45/BC-UBND ngày 15/10/2025 của UBND phường Hàng Trống)"])
    sheet.merge_cells("A2:G2")
    sheet.append([])
    sheet.append(["STT", "Đơn vị", "Loại minh chứng", "Tên minh chứng", "Từ ngày", "Đến ngày", "Ghi chú"])
    unit = "Phường Hàng Trống"
    sheet.append([1, unit, "Hội thảo", "Hội thảo Xây dựng phường học tập", dt.datetime(2025, 3, 12, 8, 30), None, None])
    sheet.append([2, unit, "Kế hoạch", "Kế hoạch số 45/KH-UBND về xây dựng phường học tập", dt.datetime(2025, 1, 7),
                  "31/12/2025", "Đã ban hành"])
    sheet.append([3, unit, "sự kiện", "Tuần lễ hưởng ứng học tập suốt đời 2025", "01-10-2025", "7/10/25", None])
    sheet.append([4, unit, "thong ke", "Số liệu người học năm 2024", "tháng 12/2024", None, "Số liệu sơ bộ"])
    sheet.append([5, unit, "Diễn đàn", "Diễn đàn học tập cộng đồng", "10/2025", None, None])
    target = path / "danh-sach-minh-chung.xlsx"
    book.save(target)
    return target


def ward_sheet(kind: str, folder: Path) -> Path:
    if kind == "xlsx":
        return ward_xlsx(folder)
    target = folder / WARD_CSV.name
    target.write_bytes(WARD_CSV.read_bytes())
    return target


# ---------------------------------------------------------------------------------------------
# A real-looking ward sheet


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_real_ward_sheet_imports_with_the_right_records_and_one_warning(city, tmp_path: Path, kind: str) -> None:
    """Title rows, STT, Ghi chú, Vietnamese kinds and dates, Windows-1258 CSV or XLSX: five records."""
    sheet = ward_sheet(kind, tmp_path)
    if kind == "csv":
        assert b"\xc3\xaa" not in WARD_CSV.read_bytes()  # not UTF-8: the legacy code page, as old Windows wrote it
    result = city("import", str(sheet), "--city", "Hanoi")
    assert result.exit_code == 0, result.stderr
    found = warnings(result.stderr)
    assert len(found) == 1, result.stderr
    assert f"{sheet}:4: column(s) left out, not known: STT, Ghi chú" in found[0]
    got = sorted((r["kind"], r["title"]["vi"], r["start"], r["end"]) for r in records(city))
    assert got == sorted(WARD_RECORDS)
    assert {r["unit"] for r in records(city)} == {"Phường Hàng Trống"}
    if kind == "csv":
        assert "read as cp1258" in result.stderr


def test_strict_refuses_the_columns_it_does_not_know(city, tmp_path: Path, state) -> None:
    """--strict names each unknown column at the header's row and writes nothing."""
    before = state()
    result = city("import", str(ward_sheet("csv", tmp_path)), "--city", "Hanoi", "--strict")
    assert result.exit_code == 1
    assert ":4: STT: unknown column" in result.stderr and ":4: Ghi chú: unknown column" in result.stderr
    assert state() == before


def test_rows_are_numbered_as_the_file_shows_them_below_title_rows(city, tmp_path: Path) -> None:
    """A bad date on line 6 is reported at :6:, whatever title rows sit above the header."""
    sheet = tmp_path / "ward.csv"
    sheet.write_text("DANH SÁCH MINH CHỨNG\n\n,,\nLoại,Tiêu đề,Từ ngày\nsự kiện,Tuần lễ,2025\n"
                     "hội thảo,Hội thảo,31/02/2025\n", encoding="utf-8")
    result = city("import", str(sheet), "--city", "Hanoi")
    assert result.exit_code == 1
    assert f"{sheet}:6: start: '31/02/2025' is not a day of the calendar" in result.stderr


def test_without_a_header_in_the_first_rows_the_message_names_what_is_missing(city, tmp_path: Path) -> None:
    """A sheet with no kind column still says which columns the header needs, at the likeliest header row."""
    sheet = tmp_path / "ward.csv"
    sheet.write_text("DANH SÁCH\nTiêu đề,Từ ngày\nTuần lễ,2025\n", encoding="utf-8")
    result = city("import", str(sheet), "--city", "Hanoi")
    assert result.exit_code == 1
    assert f"{sheet}:2: the header needs at least the columns kind and title" in result.stderr


# ---------------------------------------------------------------------------------------------
# The same file twice


def _yaml(path: Path, with_ids: bool) -> Path:
    """Two records in the project's YAML, with or without their ids."""
    ids = ("id: HN-0001, ", "id: HN-0002, ") if with_ids else ("", "")
    path.write_text("format: readiness-evidence/1\ncity: {name: Hà Nội}\nrecords:\n"
                    f"  - {{{ids[0]}kind: event, title: {{vi: Tuần lễ học tập 2025}}, start: 2025-10-01}}\n"
                    f"  - {{{ids[1]}kind: plan, title: {{vi: Kế hoạch 11/KH-UBND}}, start: 2025-01-07,\n"
                    "     indicators: [{indicator: learning-families, value: '8.587.100'}]}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "yaml", "yaml-with-ids", "zip"])
def test_importing_any_file_twice_is_harmless(city, run_elsewhere, tmp_path: Path, state, fmt: str) -> None:
    """The second import adds nothing, changes nothing and says how many rows it skipped."""
    if fmt in ("csv", "xlsx"):
        source = ward_sheet(fmt, tmp_path)
    elif fmt.startswith("yaml"):
        source = _yaml(tmp_path / "evidence.yaml", fmt == "yaml-with-ids")
    else:  # a ward's export, taken into an empty workspace twice
        assert run_elsewhere("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
        yaml_file = _yaml(tmp_path / "ward.yaml", False)
        assert run_elsewhere("import", str(yaml_file)).exit_code == 0
        source = tmp_path / "ward.zip"
        assert run_elsewhere("export", "--city", "Hanoi", "-o", str(source)).exit_code == 0
    first = city("import", str(source), "--city", "Hanoi")
    assert first.exit_code == 0, first.stderr
    count = len(records(city))
    assert count in (2, 5)
    after_first = state()
    again = city("import", str(source), "--city", "Hanoi", "--format", "json")
    assert again.exit_code == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["added"] == []
    assert state() == after_first
    if fmt in ("yaml-with-ids", "zip"):  # the same ids with the same content: left alone
        assert summary["unchanged"] == count
    else:
        assert len(summary["duplicates"]) == count
        assert (f"{count} row(s) already in the workspace (same city, unit, kind, title and dates): skipped; "
                "--allow-duplicates imports them anyway") in again.stderr


def test_allow_duplicates_imports_them_anyway(city, tmp_path: Path) -> None:
    """--allow-duplicates takes the copies in as new records."""
    sheet = ward_sheet("csv", tmp_path)
    assert city("import", str(sheet), "--city", "Hanoi").exit_code == 0
    again = city("import", str(sheet), "--city", "Hanoi", "--allow-duplicates")
    assert again.exit_code == 0, again.stderr
    assert len(records(city)) == 10 and "skipped" not in again.stderr


def test_copies_within_one_file_are_found_accents_and_case_aside(city, tmp_path: Path) -> None:
    """A row repeating an earlier one (title without accents, in capitals) is skipped; other dates are not copies."""
    sheet = tmp_path / "ward.csv"
    sheet.write_text("Loại,Tiêu đề,Từ ngày,Đơn vị\n"
                     "sự kiện,Tuần lễ học tập 2025,01/10/2025,Phường Hàng Trống\n"
                     "su kien,TUAN LE HOC TAP 2025,1/10/2025,phuong hang trong\n"
                     "sự kiện,Tuần lễ học tập 2025,01/10/2024,Phường Hàng Trống\n"
                     "sự kiện,Tuần lễ học tập 2025,01/10/2025,\n", encoding="utf-8")
    result = city("import", str(sheet), "--city", "Hanoi", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["duplicates"] == [{"row": 3, "same_as": "row 2"}]
    assert "1 row(s) repeating an earlier row of the file" in result.stderr
    assert len(records(city)) == 3


def test_a_changed_row_is_not_a_copy(city, tmp_path: Path) -> None:
    """The sheet sent again with one row's title corrected adds that row only."""
    sheet = tmp_path / "ward.csv"
    sheet.write_text("Loại,Tiêu đề,Từ ngày\nsự kiện,Tuần lễ 2025,2025\nkế hoạch,Kế hoạch 11,2025\n", encoding="utf-8")
    assert city("import", str(sheet), "--city", "Hanoi").exit_code == 0
    sheet.write_text("Loại,Tiêu đề,Từ ngày\nsự kiện,Tuần lễ 2025,2025\nkế hoạch,Kế hoạch 12,2025\n", encoding="utf-8")
    again = city("import", str(sheet), "--city", "Hanoi", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert [d["same_as"] for d in json.loads(again.stdout)["duplicates"]] == ["HN-0001"]
    assert len(records(city)) == 3


# ---------------------------------------------------------------------------------------------
# A ward's export into the coordinator's workspace


@pytest.fixture
def ward_export(run_elsewhere, tmp_path: Path) -> Path:
    """A ward's workspace for Hà Nội (code HN) with two records, one with a file, exported."""
    ward = run_elsewhere
    assert ward("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    (tmp_path / "bien-ban.txt").write_text("biên bản hội thảo", encoding="utf-8")
    assert ward("evidence", "add", "--city", "Hanoi", "--kind", "hội thảo", "--title", "Hội thảo phường học tập",
                "--start", "ngày 12 tháng 3 năm 2025", "--file", str(tmp_path / "bien-ban.txt")).exit_code == 0
    assert ward("evidence", "add", "--city", "Hanoi", "--kind", "kế hoạch", "--title", "Kế hoạch 45/KH-UBND",
                "--start", "07/01/2025").exit_code == 0
    target = tmp_path / "ward.zip"
    assert ward("export", "--city", "Hanoi", "-o", str(target)).exit_code == 0
    return target


@pytest.fixture
def coordinator(city):
    """The coordinator's workspace, whose HN-0001 to HN-0003 are its own records."""
    for title in ("Kế hoạch thành phố", "Báo cáo năm 2024", "Diễn đàn thành phố"):
        assert city("evidence", "add", "--city", "Hanoi", "--kind", "report", "--title", title).exit_code == 0
    return city


def test_clashing_ids_are_refused_and_the_message_offers_renumbering(coordinator, ward_export, state) -> None:
    """Without --renumber a clash is an error naming --renumber; nothing is written."""
    before = state()
    result = coordinator("import", str(ward_export))
    assert result.exit_code == 1
    assert "HN-0001 is already in the workspace with other content; import with --renumber" in result.stderr
    assert state() == before


def test_renumbering_gives_new_ids_prints_the_mapping_and_logs_the_old_ids(coordinator, ward_export, state) -> None:
    """Old -> new on stderr and in JSON; each record's audit event keeps its old id; a second run adds nothing."""
    result = coordinator("import", str(ward_export), "--renumber", "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["renumbered"] == {"HN-0001": "HN-0004", "HN-0002": "HN-0005"}
    assert "renumbered HN-0001 -> HN-0004" in result.stderr and "renumbered HN-0002 -> HN-0005" in result.stderr
    got = {r["id"]: r for r in records(coordinator)}
    assert got["HN-0004"]["title"]["vi"] == "Hội thảo phường học tập" and got["HN-0004"]["kind"] == "forum"
    assert len(got["HN-0004"]["attachments"]) == 1
    assert got["HN-0001"]["title"]["vi"] == "Kế hoạch thành phố"
    log = json.loads(coordinator("log", "--format", "json", "--limit", "100").stdout)
    imported = {e["after"]["id"]: e["after"].get("old_id") for e in log if e["action"] == "evidence.import"}
    assert imported == {"HN-0004": "HN-0001", "HN-0005": "HN-0002"}

    after = state()
    again = coordinator("import", str(ward_export), "--renumber")
    assert again.exit_code == 0, again.stderr
    assert "2 row(s) already in the workspace" in again.stderr
    assert state() == after


def test_a_dry_run_says_how_it_would_renumber(coordinator, ward_export, state) -> None:
    """--dry-run --renumber shows the ids the records would get, and writes nothing."""
    before = state()
    result = coordinator("import", str(ward_export), "--renumber", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "would renumber HN-0001 -> HN-0004" in result.stderr
    assert state() == before


# ---------------------------------------------------------------------------------------------
# Kinds in Vietnamese, everywhere a kind is typed


@pytest.mark.parametrize(("typed", "kind"), [
    ("hội thảo", "forum"), ("Hoi thao", "forum"), ("kế hoạch", "plan"), ("KE HOACH", "plan"),
    ("diễn đàn", "forum"), ("sự kiện", "event"), ("chương trình", "programme"), ("báo cáo", "report"),
    ("chính sách", "policy"), ("thống kê", "statistic"), ("thong ke", "statistic"), ("tọa đàm", "forum"),
    ("toạ đàm", "forum"), ("kinh phí", "funding"), ("truyền thông", "media"), ("công văn", "letter"),
    ("hợp tác", "partnership"), ("lễ hội", "event"), ("workshop", "forum"),
])
def test_evidence_kinds_in_vietnamese_with_or_without_diacritics(city, typed: str, kind: str) -> None:
    """evidence add --kind and evidence list --kind read the names officials use."""
    result = city("evidence", "add", "--city", "Hanoi", "--kind", typed, "--title", "Một minh chứng")
    assert result.exit_code == 0, result.stderr
    assert [r["kind"] for r in records(city, "--kind", typed)] == [kind]


def test_an_unknown_kind_lists_the_vietnamese_names_beside_the_english_ones(city) -> None:
    """One error line: plan (kế hoạch, ...), forum (diễn đàn, hội thảo), ..."""
    result = city("evidence", "add", "--city", "Hanoi", "--kind", "gala", "--title", "x")
    assert result.exit_code == 1
    assert "kind: 'gala' is not one of: plan (kế hoạch, đề án), policy (chính sách" in result.stderr
    assert "forum (diễn đàn, hội thảo)" in result.stderr and "event (sự kiện" in result.stderr


@pytest.mark.parametrize(("typed", "kind"), [
    ("phường", "ward"), ("Phuong", "ward"), ("xã", "commune"), ("quận", "district"), ("huyện", "district"),
    ("Thị xã", "town"), ("sở", "agency"), ("trường", "school"), ("thư viện", "library"),
    ("trung tâm", "centre"), ("hội", "association"), ("center", "centre"), ("ward", "ward"),
])
def test_unit_kinds_in_vietnamese(city, typed: str, kind: str) -> None:
    """unit add --kind reads phường, xã, quận, huyện, thị xã... with or without diacritics."""
    result = city("unit", "add", "Đơn vị thử", "--city", "Hanoi", "--kind", typed)
    assert result.exit_code == 0, result.stderr
    units = json.loads(city("city", "show", "Hanoi", "--format", "json").stdout)["units"]
    assert {u["name"]: u["kind"] for u in units}["Đơn vị thử"] == kind


def test_an_unknown_unit_kind_lists_the_vietnamese_names(city) -> None:
    """The error names ward (phường), commune (xã), district (quận, huyện)."""
    result = city("unit", "add", "Thôn X", "--city", "Hanoi", "--kind", "village")
    assert result.exit_code == 1
    assert "unit kind 'village' is not one of: ward (phường), commune (xã), district (quận, huyện)" in result.stderr


def test_a_yaml_file_may_give_unit_kinds_in_vietnamese(city, tmp_path: Path) -> None:
    """units: [{kind: thư viện}] creates a library; a bad kind is a FILE problem, not a traceback."""
    path = tmp_path / "units.yaml"
    path.write_text("city: Hà Nội\nunits:\n  - {name: Thư viện Hà Nội, kind: thư viện}\nrecords:\n"
                    "  - {kind: sự kiện, title: {vi: Ngày sách}, unit: Thư viện Hà Nội}\n", encoding="utf-8")
    assert city("import", str(path)).exit_code == 0
    units = json.loads(city("city", "show", "Hanoi", "--format", "json").stdout)["units"]
    assert {u["name"]: u["kind"] for u in units}["Thư viện Hà Nội"] == "library"
    path.write_text("city: Hà Nội\nunits:\n  - {name: Thôn X, kind: thôn}\nrecords: []\n", encoding="utf-8")
    bad = city("import", str(path))
    assert bad.exit_code == 1 and "units[0]: unit 'Thôn X': kind 'thôn' is not one of: ward (phường)" in bad.stderr
    assert "Traceback" not in bad.stderr


# ---------------------------------------------------------------------------------------------
# Dates as officials write them


@pytest.mark.parametrize(("text", "iso"), [
    ("01/10/2025", "2025-10-01"), ("01-10-2025", "2025-10-01"), ("1/10/25", "2025-10-01"),
    ("1/10/68", "2068-10-01"), ("1/10/69", "1969-10-01"), ("31.12.99", "1999-12-31"),
    ("ngày 1 tháng 10 năm 2025", "2025-10-01"), ("Ngày 01 tháng 10 năm 2025", "2025-10-01"),
    ("ngay 1 thang 10 nam 2025", "2025-10-01"), ("ngày 01/10/2025", "2025-10-01"),
    ("tháng 10/2025", "2025-10"), ("Tháng 10 năm 2025", "2025-10"), ("thang 10-2025", "2025-10"),
    ("10/2025", "2025-10"), ("10-2025", "2025-10"), ("năm 2025", "2025"),
    ("2025-10-01T08:30:00", "2025-10-01"), ("2025-10-01 08:30", "2025-10-01"),
])
def test_dates_as_officials_write_them(text: str, iso: str) -> None:
    """Day first, two-digit years as %y reads them (00-68: 20xx, 69-99: 19xx), Vietnamese words."""
    assert dates.parse(text, today=dt.date(2070, 1, 1) if iso.startswith("2068") else TODAY).iso() == iso


@pytest.mark.parametrize("text", ["10/25", "ngày 1 tháng 10", "01/10-2025", "ngày 2025", "2025/10/01"])
def test_what_is_not_surely_a_date_is_refused(text: str) -> None:
    """A month and two-digit year, a day without a year, mixed separators: refused, with the forms to use."""
    with pytest.raises(InvalidValueError, match="is not a date; write .* ngày 1 tháng 10 năm 2025"):
        dates.parse(text, "start", today=TODAY)


def test_evidence_add_and_edit_read_dates_as_officials_write_them(city) -> None:
    """--start "ngày 1 tháng 10 năm 2025" and --end 7/10/25 on add; --start "tháng 9/2025" on edit."""
    added = city("evidence", "add", "--city", "Hanoi", "--kind", "sự kiện", "--title", "Tuần lễ",
                 "--start", "ngày 1 tháng 10 năm 2025", "--end", "7/10/25")
    assert added.exit_code == 0, added.stderr
    assert [(r["start"], r["end"]) for r in records(city)] == [("2025-10-01", "2025-10-07")]
    edited = city("evidence", "edit", "HN-0001", "--start", "tháng 9/2025", "--end", "01-10-2025")
    assert edited.exit_code == 0, edited.stderr
    assert [(r["start"], r["end"]) for r in records(city)] == [("2025-09", "2025-10-01")]


def test_the_help_names_the_accepted_date_forms(run) -> None:
    """evidence add --help and import --help say how dates may be written."""
    for command in (("evidence", "add"), ("import",)):
        text = " ".join(run(*command, "--help").stdout.split())
        assert "ngày 1 tháng 10 năm 2025" in text and "1/10/25" in text, command


# ---------------------------------------------------------------------------------------------
# Numbers as officials write them


@pytest.mark.parametrize(("text", "number"), [
    ("8587100", 8587100), ("8.587.100", 8587100), ("8,587,100", 8587100), ("8 587 100", 8587100),
    ("8\u00a0587\u00a0100", 8587100), ("3359,84", 3359.84), ("3358.6", 3358.6), ("8.587.100,5", 8587100.5),
    ("8,587,100.5", 8587100.5), ("1.234", 1234), ("1,234", 1.234), ("0.125", 0.125), ("67,5", 67.5),
    ("-5", -5), (42, 42), (2.5, 2.5),
])
def test_numbers_with_decimal_commas_and_dot_thousands(text, number) -> None:
    """Vietnamese 8.587.100 and 3359,84, English 8,587,100 and 3358.6, spaces between groups."""
    got = parse_number(text)
    assert got == number and type(got) is type(number)


@pytest.mark.parametrize("text", ["lots", "", "1.23.456", "1,2,3", "8.587,100.5", "3 5", "nan", "1..2"])
def test_what_is_not_surely_a_number_is_refused(text: str) -> None:
    """Groups that are not three digits, mixed-up marks, words: refused rather than guessed."""
    with pytest.raises(InvalidValueError, match="is not a number"):
        parse_number(text, "population")


@pytest.mark.parametrize(("name", "typed", "value"), [
    ("population", "8.587.100", 8587100), ("population", "8 587 100", 8587100), ("area_km2", "3359,84", 3359.84),
])
def test_city_set_reads_numbers_as_officials_write_them(city, name: str, typed: str, value) -> None:
    """city set population 8 587 100 and area_km2 3359,84."""
    result = city("city", "set", "Hanoi", name, typed, "--year", "2024")
    assert result.exit_code == 0, result.stderr
    profile = json.loads(city("city", "show", "Hanoi", "--format", "json").stdout)["profile"]
    assert profile[name] == {"value": value, "year": 2024}


def test_indicator_values_in_an_import_read_decimal_commas_and_dot_thousands(city, tmp_path: Path) -> None:
    """indicators: value '8.587.100' and '67,5' are 8587100 and 67.5."""
    path = tmp_path / "values.yaml"
    path.write_text("city: Hà Nội\nrecords:\n  - kind: thống kê\n    title: {vi: Số liệu 2024}\n    indicators:\n"
                    "      - {indicator: learning-families, value: '8.587.100'}\n"
                    "      - {indicator: learning-families-share, value: '67,5'}\n", encoding="utf-8")
    result = city("import", str(path))
    assert result.exit_code == 0, result.stderr
    values = {v["indicator"]: v["value"] for v in records(city)[0]["indicators"]}
    assert values == {"learning-families": 8587100.0, "learning-families-share": 67.5}



def test_city_option_and_city_column_match_however_the_city_is_written(city, tmp_path: Path) -> None:
    """`--city HN` (the code) or "TP. Ha Noi" matches a sheet whose city column says "Hà Nội"."""
    sheet = tmp_path / "ward.csv"
    sheet.write_text("thành phố,loại,tiêu đề,từ ngày\n"
                     "Hà Nội,sự kiện,Ngày hội đọc sách,01/10/2025\n"
                     "TP. Ha Noi,sự kiện,Lớp tin học cho người cao tuổi,02/10/2025\n", encoding="utf-8")
    done = city("import", str(sheet), "--city", "HN")
    assert done.exit_code == 0, done.stderr
    assert {r["title"]["vi"] for r in records(city, "--city", "HN")} >= {"Ngày hội đọc sách",
                                                                         "Lớp tin học cho người cao tuổi"}
    other = tmp_path / "other.csv"
    other.write_text("thành phố,loại,tiêu đề\nVinh,sự kiện,Ngày hội\n", encoding="utf-8")
    refused = city("import", str(other), "--city", "HN")
    assert refused.exit_code == 1 and "the file is for 'Vinh'" in refused.stderr


def test_a_csv_that_grew_after_it_was_measured_is_read_no_further_than_the_limit(tmp_path: Path,
                                                                                monkeypatch) -> None:
    """The sheet reader reads a CSV with read_small_file: at most one byte over the limit, even if the file grew
    after check_small_file measured it."""
    from readiness import smallfile
    from readiness.errors import UnreadableFileError
    from readiness.transfer import sheets

    sheet = tmp_path / "ward.csv"
    sheet.write_text("kind,title\n" + "event,Ngày hội\n" * 100, encoding="utf-8")
    def measured(*args: object, **kwargs: object) -> int:
        return 10  # the size it had when it was measured

    monkeypatch.setattr(sheets, "check_small_file", measured)
    monkeypatch.setattr(smallfile, "check_small_file", measured)
    monkeypatch.setattr(sheets, "MAX_SHEET_BYTES", 100)
    with pytest.raises(UnreadableFileError) as refused:
        sheets.read_sheet(sheet)
    assert refused.value.reason == "101 bytes is too large for one import; split it into smaller files"
