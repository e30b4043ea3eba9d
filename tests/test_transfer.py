"""Import (YAML, CSV in every encoding, XLSX, zip) and export: all or nothing, round trips."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

HEADER_EN = "kind,title,title_en,start,end,criteria,files,tags\n"
HEADER_VI = "Loại,Tiêu đề,Tiêu đề (EN),Từ ngày,Đến ngày,Tiêu chí,Tệp đính kèm,Nhãn\n"
ROWS = ("sự kiện,Tuần lễ học tập suốt đời 2025,Lifelong Learning Week 2025,01/10/2025,07/10/2025,"
        "kflc:2.6.1 (city-wide week); guidelines:G3,báo cáo.txt,week\n"
        "kế hoạch,Kế hoạch 11/KH-UBND,Plan 11,07/01/2025,,kflc:3.1.1,,\n")


def windows_1258(text: str) -> bytes:
    """Text as Vietnamese Windows writes it: letters with their hats and horns, tone marks apart."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out, cluster = [], ""
    for ch in unicodedata.normalize("NFD", text) + "\0":
        if unicodedata.combining(ch) and cluster:
            cluster += ch
            continue
        if cluster:
            base = unicodedata.normalize("NFC", "".join(c for c in cluster if c not in tones))
            out.append(base + "".join(c for c in cluster if c in tones))
        cluster = ch
    return "".join(out).encode("cp1258")


@pytest.fixture
def city(run):
    assert run("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    return run


def records(run, *args: str) -> list[dict]:
    return json.loads(run("evidence", "list", "--format", "json", *args).stdout)


def test_the_hanoi_sample_loads_with_links_files_and_values(hanoi_ws) -> None:
    """Nine records, cited, linked, two record sheets attached, UNESCO's figures as values."""
    found = records(hanoi_ws, "--city", "Hà Nội")
    assert [r["id"] for r in sorted(found, key=lambda r: r["id"])] == [f"HN-{n:04d}" for n in range(1, 10)]
    for r in found:
        assert r["links"], r["id"]
        assert r["title"]["vi"] and r["title"]["en"] and r["summary"]["vi"] and r["summary"]["en"]
        assert r["source_url"] or any(t.startswith("source:") for t in r["tags"]), r["id"]
    plan = next(r for r in found if r["id"] == "HN-0001")
    assert plan["start"] == "2025-01-07"
    assert {"kflc:3.1.1", "guidelines:G1.1"} <= {lk["criterion"] for lk in plan["links"]}
    stats = next(r for r in found if r["kind"] == "statistic")
    assert {(v["indicator"], v["value"]) for v in stats["indicators"]} >= {("learning-families", 1420000.0),
                                                                         ("learning-families-share", 67.0)}
    assert sum(len(r["attachments"]) for r in found) == 2
    assert hanoi_ws("verify").exit_code == 0


def test_importing_the_same_file_twice_changes_nothing(hanoi_ws, state) -> None:
    """Records already there with the same content are left alone."""
    before = state()
    again = hanoi_ws("import", "--sample", "hanoi")
    assert again.exit_code == 0 and "9 already there" in again.stderr
    assert state() == before


def test_export_then_import_into_another_workspace_gives_everything_back_but_the_decisions(
        hanoi_ws, run_elsewhere, tmp_path: Path) -> None:
    """Export then import gives back records, ids, links, hashes and history; a decision there is a note here."""
    # A decision made there is a note here, not a status: verified comes in as submitted, rejected stays rejected, no
    # reviewer of this workspace is named, and every restored event's action says it was imported.
    assert hanoi_ws("evidence", "reject", "HN-0003", "--reason", "Attach the list of students").exit_code == 0
    assert hanoi_ws("evidence", "verify", "HN-0001").exit_code == 0
    archive = tmp_path / "hanoi.zip"
    assert hanoi_ws("export", "--city", "Hanoi", "-o", str(archive)).exit_code == 0
    assert "evidence.yaml" in zipfile.ZipFile(archive).namelist()
    history = json.loads(hanoi_ws("log", "--format", "json", "--limit", "1000").stdout)
    assert history[0]["action"] == "city.export"

    result = run_elsewhere("import", str(archive))
    assert result.exit_code == 0, result.stderr
    assert "came in as submitted, not verified: 2 record(s) verified in another workspace" in result.stderr
    there, here = {r["id"]: r for r in records(hanoi_ws)}, {r["id"]: r for r in records(run_elsewhere)}
    decided = {"status", "status_by", "status_at", "status_reason"}
    assert [{k: v for k, v in r.items() if k not in decided} for r in here.values()] == \
        [{k: v for k, v in there[code].items() if k not in decided} for code in here]
    for code, r in here.items():
        if there[code]["status"] == "verified":  # HN-0001 (verified here by tester) and the sample's HN-0007
            assert (r["status"], r["status_by"], r["status_at"]) == ("submitted", None, None)
            assert r["status_reason"] == (f"verified in the exporting workspace by {there[code]['status_by']} on "
                                          f"{there[code]['status_at'][:10]} (hanoi.zip), not reviewed here"
                                          + (f": {there[code]['status_reason']}"
                                             if there[code]["status_reason"] else ""))
        elif there[code]["status"] == "rejected":
            assert (r["status"], r["status_by"]) == ("rejected", None)
            assert r["status_reason"].endswith("(hanoi.zip), not reviewed here: Attach the list of students")
        else:
            assert (r["status"], r["status_by"], r["status_reason"]) == (there[code]["status"], None, None)
    shown = run_elsewhere("evidence", "show", "HN-0001").stdout
    assert "submitted: verified in the exporting workspace by tester on" in shown and "not reviewed here" in shown
    copied = json.loads(run_elsewhere("log", "--format", "json", "--limit", "1000").stdout)
    restored = [e for e in copied if e["actor"] != "second"]

    def key(e: dict) -> tuple:
        return (e["at"][:26], e["actor"], e["action"], json.dumps(e["before"], sort_keys=True),
                json.dumps(e["after"], sort_keys=True))

    # the export's own event is not in it
    assert sorted(map(key, restored)) == sorted(key({**e, "action": "imported:" + e["action"]}) for e in history[1:])
    assert [e["action"] for e in copied if e["actor"] == "second"] == ["evidence.import"] * 9
    assert run_elsewhere("verify").exit_code == 0
    again = run_elsewhere("import", str(archive))  # the same export again changes nothing
    assert again.exit_code == 0 and "9 already there" in again.stderr, again.stderr


def test_an_export_restored_into_its_own_workspace_keeps_statuses_and_reviewers(hanoi_ws, tmp_path: Path) -> None:
    """The export's digest is in this workspace's audit log, so a removed verified record comes back verified."""
    assert hanoi_ws("evidence", "verify", "HN-0001").exit_code == 0
    before = {r["id"]: r for r in records(hanoi_ws)}["HN-0001"]
    archive = tmp_path / "hanoi.zip"
    assert hanoi_ws("export", "--city", "Hanoi", "-o", str(archive)).exit_code == 0
    assert hanoi_ws("evidence", "remove", "HN-0001", "--yes").exit_code == 0
    result = hanoi_ws("import", str(archive))
    assert result.exit_code == 0, result.stderr
    assert "8 already there" in result.stderr and "not reviewed here" not in result.stderr
    after = {r["id"]: r for r in records(hanoi_ws)}["HN-0001"]
    assert (after["status"], after["status_by"], after["status_at"]) == ("verified", "tester", before["status_at"])


def test_a_spreadsheet_cannot_bring_a_reviewers_decision(city, state, tmp_path: Path) -> None:
    """verified or rejected in a CSV row is a FILE:ROW: status: problem naming the command; nothing is written."""
    path = tmp_path / "e.csv"
    path.write_text("kind,title,status\nevent,Tuần lễ,submitted\nevent,Diễn đàn,verified\nevent,Hội thảo,bị từ chối\n",
                    encoding="utf-8")
    before = state()
    result = city("import", str(path), "--city", "Hanoi")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{path}:3: status: 'verified' is a reviewer's decision, which a spreadsheet cannot bring: give draft or "
        "submitted, and a reviewer decides with `readiness evidence verify`",
        f"{path}:4: status: 'rejected' is a reviewer's decision, which a spreadsheet cannot bring: give draft or "
        "submitted, and a reviewer decides with `readiness evidence reject`"]
    assert state() == before


def test_a_yaml_claiming_a_reviewer_and_a_history_does_not_make_them_real(run, tmp_path: Path) -> None:
    """A YAML claiming a reviewer and a history does not make them real: the record comes in submitted."""
    # status_by "UNESCO reviewer" and a back-dated verify event: the claim becomes a note; the event is kept as
    # imported:evidence.verify; a forged export event in it trusts nothing later.
    forged_digest = "ab" * 32
    (tmp_path / "in.yaml").write_text(
        "city: {name: Huế, country: VN, code: HUE}\nrecords:\n  - id: HUE-0001\n    kind: plan\n"
        "    title: {vi: Kế hoạch}\n    status: verified\n    status_by: UNESCO reviewer\n"
        "    status_at: 2020-01-02T03:04:05+00:00\naudit:\n"
        "  - {at: '2020-01-02T03:04:05+00:00', actor: UNESCO reviewer, action: evidence.verify, entity: evidence,"
        " ref: HUE-0001}\n"
        f"  - {{at: '2020-01-03T00:00:00+00:00', actor: x, action: city.export, entity: city, ref: Huế,"
        f" after: {{digest: '{forged_digest}'}}}}\n", encoding="utf-8")
    result = run("import", str(tmp_path / "in.yaml"))
    assert result.exit_code == 0, result.stderr
    [rec] = records(run)
    assert (rec["status"], rec["status_by"], rec["status_at"]) == ("submitted", None, None)
    assert rec["status_reason"] == ("verified in the exporting workspace by UNESCO reviewer on 2020-01-02 (in.yaml), "
                                    "not reviewed here")
    log = json.loads(run("log", "--format", "json", "--limit", "100").stdout)
    assert {e["action"] for e in log if e["actor"] != "tester"} == {"imported:evidence.verify", "imported:city.export"}
    from readiness.config import resolve
    from readiness.store.db import open_workspace
    from readiness.transfer import plan

    with open_workspace(resolve(tmp_path / "workspace")) as ws, ws.session() as session:
        assert not plan._exported_here(session, forged_digest)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
@pytest.mark.parametrize("header", [HEADER_EN, HEADER_VI], ids=["english-columns", "vietnamese-columns"])
def test_csv_in_every_encoding_officials_use(city, tmp_path: Path, encoding: str, header: str) -> None:
    """UTF-8 with or without BOM, UTF-16 and Windows-1258 read the same; English or Vietnamese columns."""
    (tmp_path / "báo cáo.txt").write_text("báo cáo", encoding="utf-8")
    sheet = tmp_path / "evidence.csv"
    text = header + ROWS
    sheet.write_bytes(windows_1258(text) if encoding == "cp1258" else text.encode(encoding))
    result = city("import", str(sheet), "--city", "Hanoi")
    assert result.exit_code == 0, result.stderr
    found = {r["title"]["vi"]: r for r in records(city)}
    week = found["Tuần lễ học tập suốt đời 2025"]  # NFC, whatever the encoding composed
    assert week["kind"] == "event" and week["title"]["en"] == "Lifelong Learning Week 2025"
    assert (week["start"], week["end"]) == ("2025-10-01", "2025-10-07")
    assert week["links"] == [{"criterion": "guidelines:G3", "rationale": None},
                             {"criterion": "kflc:2.6.1", "rationale": "city-wide week"}]
    assert week["attachments"][0]["name"] == "báo cáo.txt"
    assert found["Kế hoạch 11/KH-UBND"]["kind"] == "plan"


def test_xlsx_with_dates_as_cells(city, tmp_path: Path) -> None:
    """A workbook's real date cells and text cells both work."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Loại", "Tiêu đề", "Từ ngày", "Tiêu chí"])
    sheet.append(["diễn đàn", "Diễn đàn học tập suốt đời", dt.datetime(2025, 4, 26), "kflc:3.1.1"])
    sheet.append(["event", "Tuần lễ 2023", "03/10/2023", "kflc:2.6.1"])
    path = tmp_path / "evidence.xlsx"
    book.save(path)
    result = city("import", str(path), "--city", "Hanoi")
    assert result.exit_code == 0, result.stderr
    assert [(r["kind"], r["start"]) for r in records(city)] == [("event", "2023-10-03"), ("forum", "2025-04-26")]


def test_dry_run_checks_everything_and_writes_nothing(city, tmp_path: Path, state) -> None:
    """--dry-run says what would happen; the workspace stays as it was."""
    (tmp_path / "báo cáo.txt").write_text("báo cáo")
    sheet = tmp_path / "evidence.csv"
    sheet.write_text(HEADER_EN + ROWS, encoding="utf-8")
    before = state()
    result = city("import", str(sheet), "--city", "Hanoi", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["records"], summary["files"], summary["dry_run"]) == (2, 1, True)
    assert state() == before


# ---------------------------------------------------------------------------------------------
# The corpus of bad input: every case one clear message, and the workspace unchanged

GOOD_ROW = "event,Tuần lễ,2025-10-01,,kflc:2.6.1,,\n"
HEADER = "kind,title,start,end,criteria,files,id\n"


def _csv(rows: str, header: str = HEADER) -> bytes:
    return (header + GOOD_ROW + rows).encode("utf-8")


def _symlink(folder: Path) -> None:
    (folder / "real.txt").write_text("x")
    (folder / "link.txt").symlink_to(folder / "real.txt")


BAD_CASES: list[tuple[str, str, bytes, str]] = [
    ("unknown-kind", "csv", _csv("gala,Lễ hội,2025,,,,\n"), ":3: kind: 'gala' is not one of"),
    ("missing-title", "csv", _csv("event,,2025,,,,\n"), ":3: title: is required"),
    ("impossible-date", "csv",
     _csv("event,Tuần lễ,31/02/2025,,,,\n"),
     ":3: start: '31/02/2025' is not a day of the calendar"),
    ("month-13", "csv", _csv("event,Tuần lễ,2025-13,,,,\n"), ":3: start: '2025-13' has month 13"),
    ("end-before-start", "csv",
     _csv("event,Tuần lễ,2025-10-07,2025-10-01,,,\n"),
     ":3: end: 2025-10-01 is before the start"),
    ("far-future", "csv", _csv("event,Tuần lễ,2205,,,,\n"), ":3: start: 2205 is more than 15 years ahead"),
    ("before-1900", "csv", _csv("event,Tuần lễ,1850,,,,\n"), ":3: start: 1850 is before 1900"),
    ("unknown-criterion", "csv",
     _csv("event,Tuần lễ,2025,,kflc:9.9.9,,\n"),
     ":3: criteria: 'kflc:9.9.9': kflc has no criterion"),
    ("unknown-framework", "csv",
     _csv("event,Tuần lễ,2025,,unesco:1,,\n"),
     ":3: criteria: 'unesco:1': no framework 'unesco'"),
    ("unknown-bare-criterion", "csv",
     _csv("event,Tuần lễ,2025,,9.9.9,,\n"),
     ":3: criteria: '9.9.9': no criterion or area by that id"),
    ("missing-file", "csv", _csv("event,Tuần lễ,2025,,,nowhere.pdf,\n"), ":3: files: nowhere.pdf: no such file"),
    ("path-escape", "csv",
     _csv("event,Tuần lễ,2025,,,../../etc/passwd,\n"),
     ":3: files: '../../etc/passwd': points outside the folder"),
    ("absolute-path", "csv",
     _csv("event,Tuần lễ,2025,,,/etc/passwd,\n"),
     ":3: files: '/etc/passwd': give the path relative"),
    ("symlink", "csv", _csv("event,Tuần lễ,2025,,,link.txt,\n"), ":3: files: link.txt: is a symbolic link"),
    ("folder-as-file", "csv", _csv("event,Tuần lễ,2025,,,sub,\n"), ":3: files: sub: is not a regular file"),
    ("over-size-limit", "csv",
     _csv("event,Tuần lễ,2025,,,big.bin,\n"),
     ":3: files: big.bin: 2.0 kB is over the limit of 1.0 kB"),
    ("bad-status", "csv",
     "kind,title,status\nevent,Tuần lễ,draft\nevent,Tuần lễ,lost\n".encode(),
     ":3: status: 'lost' is not one of"),
    ("control-characters", "csv", _csv("event,Tuần\x1b[2J lễ,2025,,,,\n"), ":3: title.vi: holds control"),
    ("direction-override", "csv",
     _csv("event,\u202egpj.exe,2025,,,,\n"),
     ":3: title.vi: holds control or direction-override"),
    ("title-too-long", "csv", _csv("event," + "a" * 600 + ",2025,,,,\n"), ":3: title.vi: 600 characters; at most 500"),
    ("bad-id", "csv", _csv("event,Tuần lễ,2025,,,,HN42\n"), ":3: id: 'HN42': write the city code and number"),
    ("id-over-six-digits", "csv",
     _csv("event,Tuần lễ,2025,,,,HN-999999999\n"),
     ":3: id: 'HN-999999999': the number is at most 999999"),
    ("other-city-id", "csv",
     _csv("event,Tuần lễ,2025,,,,VIN-0001\n"),
     ":3: id: VIN-0001 has city code VIN, but Hà Nội's is HN"),
    ("duplicate-id", "csv",
     _csv("event,Tuần lễ,2025,,,,HN-0007\nevent,Tuần lễ,2025,,,,HN-0007\n"),
     ":4: id: HN-0007 is also used at"),
    ("second-kind-column", "csv",
     _csv("", header="kind,title,start,end,criteria,files,type\n"),
     ":1: type: a second kind column"),
    ("no-kind-column", "csv",
     b"title,start\nTuan le,2025\n",
     ":1: the header needs at least the columns kind and title"),
    ("unquoted-separator", "csv",
     _csv("event,Tuần lễ,2025,,,,,extra,cells\n"),
     ":3: 9 cells but the header has 7 columns"),
    ("bad-url", "csv",
     _csv("event,Tuần lễ,2025,,,,\n", header=HEADER).replace(b",id\n", b",source_url\n")
     .replace(b"2025,,,,\n", b"2025,,,,javascript:alert(1)\n"),
     ":3: source_url: 'javascript:alert(1)' is not a web address"),
    ("broken-xlsx", "xlsx", b"PK\x03\x04 this is not really a workbook", "not a readable .xlsx workbook"),
    ("old-xls", "xls",
     b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     "an old Excel .xls file; save it as .xlsx"),
    ("yaml-duplicate-key", "yaml",
     ("format: readiness-evidence/1\ncity: {name: Hà Nội}\nrecords:\n  - kind: event\n    kind: plan\n"
      "    title: {vi: x}\n").encode(),
     ":5: kind: given twice (first on line 4)"),
    ("yaml-huge-integer", "yaml",
     ("city: Hà Nội\nrecords:\n  - kind: event\n    title: {vi: x}\n    start: " + "9" * 5000 + "\n").encode(),
     ":5: broken YAML: a number of 5,000 digits; at most 4,300"),
    ("yaml-impossible-date", "yaml",
     "city: Hà Nội\nrecords:\n  - kind: event\n    title: {vi: x}\n    start: 2025-99-99\n".encode(),
     ":3: start: '2025-99-99' has month 99"),
    ("yaml-unit-twice", "yaml",
     ("city: Hà Nội\nunits:\n  - {name: Phường Mới, kind: ward}\n  - {name: phuong moi, kind: ward}\n"
      "records:\n  - kind: event\n    title: {vi: x}\n").encode(),
     ":4: units[1]: 'phuong moi' is listed twice (first on line 3)"),
    ("yaml-broken", "yaml", b"records: [\n  - kind: event\n", "broken YAML"),
    ("yaml-not-evidence", "yaml", b"areas: []\n", ":1: not a readiness evidence file"),
    ("yaml-bad-indicator", "yaml",
     ("city: Hà Nội\nrecords:\n  - kind: statistic\n    title: {vi: x}\n    indicators:\n"
      "      - {indicator: learning-families, value: many}\n").encode(),
     ":3: indicators: learning-families: value 'many' is not a number"),
    ("yaml-bad-language", "yaml",
     "city: Hà Nội\nrecords:\n  - kind: event\n    title: {vietnamese: x}\n".encode(),
     ":3: title: 'vietnamese' is not a language code"),
    ("zip-not-zip", "zip", b"PK\x05\x06 nothing", "not a readable zip file"),
    ("unknown-unit", "csv",
     _csv("event,Tuần lễ,2025,,,,\n", header=HEADER).replace(b",id\n", b",unit\n")
     .replace(b"2025,,,,\n", b"2025,,,,Nowhere\n"),
     ":3: unit: no unit 'Nowhere' in Hà Nội"),
    ("too-long-tag", "yaml",
     ("city: Hà Nội\nrecords:\n  - kind: event\n    title: {vi: x}\n    tags: [" + "t" * 80 + "]\n").encode(),
     ":3: tags: "),
]


@pytest.mark.parametrize(("name", "suffix", "content", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_rows_and_hostile_files_are_reported_and_nothing_is_written(city, state, tmp_path: Path,
                                                                         name, suffix, content, message) -> None:
    """FILE:ROW: COLUMN: MESSAGE for each, exit 1, no traceback; the good row is not written either."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sub").mkdir()
    (folder / "big.bin").write_bytes(b"x" * 2000)
    _symlink(folder)
    path = folder / f"{name}.{suffix}"
    path.write_bytes(content)
    before = state()
    result = city("import", str(path), "--city", "Hanoi", "--max-size", "1kB")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert message in result.stderr, result.stderr
    assert str(path) in result.stderr
    assert "Traceback" not in result.stderr
    assert state() == before


def test_the_corpus_has_at_least_25_cases() -> None:
    """The issue's bar for bad input."""
    assert len(BAD_CASES) >= 25


def test_every_bad_row_is_reported_at_once(city, tmp_path: Path) -> None:
    """Three bad rows, three lines, in row order, then the count."""
    path = tmp_path / "three.csv"
    path.write_bytes(_csv("gala,x,2025,,,,\nevent,,2025,,,,\nevent,x,31/02/2025,,,,\n"))
    result = city("import", str(path), "--city", "Hanoi")
    lines = result.stderr.splitlines()
    assert [line.split(": ")[0].rsplit(":", 1)[1] for line in lines[:-1]] == ["3", "4", "5"]
    assert lines[-1] == "3 problems"


def test_a_csv_for_a_city_not_in_the_workspace_says_how_to_add_it(run, tmp_path: Path) -> None:
    """The message names the command that fixes it."""
    path = tmp_path / "e.csv"
    path.write_bytes(_csv(""))
    result = run("import", str(path), "--city", "Huế")
    assert result.exit_code == 1
    assert "no city 'Huế' in the workspace; add it first with `readiness city add 'Huế' --country VN`" in result.stderr


def test_the_readme_examples_import_as_written(run, tmp_path: Path) -> None:
    """The CSV and YAML shown under "Import and export formats" import without a change."""
    import re

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Import and export formats", 1)[1]
    csv_text = re.search(r"```csv\n(.*?)```", section, re.S)[1]
    yaml_text = re.search(r"```yaml\n(.*?)```", section, re.S)[1]
    (tmp_path / "hanoi").mkdir()
    (tmp_path / "hanoi" / "plan-11.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "bao-cao.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "example.yaml").write_text(yaml_text, encoding="utf-8")
    (tmp_path / "example.csv").write_text(csv_text, encoding="utf-8")
    first = run("import", str(tmp_path / "example.yaml"))
    assert first.exit_code == 0, first.stderr
    second = run("import", str(tmp_path / "example.csv"), "--city", "Hà Nội")
    assert second.exit_code == 0, second.stderr
    assert len(records(run)) == 3


def test_an_import_that_fails_after_copying_files_takes_them_out_again(city, state, tmp_path: Path) -> None:
    """A file whose bytes differ from the hash the YAML records fails the import; the store is as before."""
    (tmp_path / "good.txt").write_text("good")
    (tmp_path / "changed.txt").write_text("changed since export")
    (tmp_path / "in.yaml").write_text(
        "city: Hà Nội\nrecords:\n  - kind: event\n    title: {vi: Tuần lễ}\n    attachments:\n"
        "      - {file: good.txt}\n      - {file: changed.txt, sha256: " + "ab" * 32 + "}\n", encoding="utf-8")
    before = state()
    result = city("import", str(tmp_path / "in.yaml"))
    assert result.exit_code == 1
    assert ":3: files: changed.txt: its SHA-256 is" in result.stderr and "changed or damaged" in result.stderr
    assert state() == before


def test_a_hand_edited_audit_history_is_checked_before_anything_is_written(run, state, tmp_path: Path) -> None:
    """An audit event without its time is reported like any other problem, not a traceback."""
    (tmp_path / "in.yaml").write_text(
        "city: {name: Huế, country: VN}\nrecords:\n  - kind: event\n    title: {vi: Tuần lễ}\n"
        "audit:\n  - {action: city.add, entity: city}\n", encoding="utf-8")
    assert run("workspace").exit_code == 0  # the workspace exists before the failing import
    before = state()
    result = run("import", str(tmp_path / "in.yaml"))
    assert result.exit_code == 1
    assert "audit[0].at: None is not a date and time" in result.stderr and "Traceback" not in result.stderr
    assert state() == before


def test_an_imported_city_profile_is_checked_as_city_set_checks_it(run, state, tmp_path: Path) -> None:
    """A YAML whose city profile breaks `city set`'s rules: FILE:LINE: FIELD per bad value, nothing written."""
    import datetime as dt

    (tmp_path / "in.yaml").write_text(
        "city:\n  name: Huế\n  country: VN\n  profile:\n    population: abc\n"
        "    area_km2: {value: 70.7, year: 2999}\n    challenges: {literacy: 99}\n"
        "    website: {en: 'javascript:alert(1)'}\n    colour: red\n"
        "records:\n  - kind: event\n    title: {vi: Tuần lễ}\n", encoding="utf-8")
    assert run("workspace").exit_code == 0
    before = state()
    result = run("import", str(tmp_path / "in.yaml"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    shown = str(tmp_path / "in.yaml")
    assert lines[0] == f"{shown}:5: profile.population: a figure is {{value: NUMBER, year: YEAR}}, not 'abc'"
    assert lines[1] == f"{shown}:6: profile.area_km2: year 2999 is not a year between 1900 and {dt.date.today().year}"
    assert lines[2].startswith(f"{shown}:7: profile.challenges.literacy: ")
    assert "a whole number from 1 to 5, not 99" in lines[2]
    assert lines[3] == f"{shown}:8: profile.website.en: 'javascript:alert(1)' must start with http:// or https://"
    assert lines[4].startswith(f"{shown}:9: profile.colour: no profile field 'colour'")
    assert state() == before


def test_a_sound_imported_profile_is_stored_cleaned(run, tmp_path: Path) -> None:
    """Figures, texts (NFC) and ratings that pass the checks come in; score and city show work on them."""
    import unicodedata

    (tmp_path / "in.yaml").write_text(
        "city:\n  name: Huế\n  country: VN\n  profile:\n    population: {value: 652572, year: 2024}\n"
        f"    motivation: {{vi: '{unicodedata.normalize('NFD', 'Học tập')}'}}\n    challenges: {{literacy: 3}}\n"
        "records:\n  - kind: event\n    title: {vi: Tuần lễ}\n", encoding="utf-8")
    assert run("import", str(tmp_path / "in.yaml")).exit_code == 0
    profile = json.loads(run("city", "show", "Huế", "--format", "json").stdout)["profile"]
    assert profile == {"population": {"value": 652572, "year": 2024}, "motivation": {"vi": "Học tập"},
                       "challenges": {"literacy": 3}}
    assert run("score", "--city", "Huế").exit_code == 0


def test_import_checks_names_as_the_commands_do(run, state, tmp_path: Path) -> None:
    """Import checks unit, attachment and people's names as the commands do: FILE:LINE each, nothing written."""
    # Unit names (control characters, 100,000 characters, unknown kind), attachment names over 255 bytes and the people
    # a file names (a line break).
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    long_name = "x" * 100_000
    (tmp_path / "in.yaml").write_text(
        "city: {name: Huế, country: VN}\nunits:\n  - {name: \"Phường\\x1b[2J\", kind: ward}\n"
        f"  - {{name: {long_name}, kind: ward}}\n  - {{name: Trường, kind: castle}}\n"
        "records:\n  - kind: event\n    title: {vi: Tuần lễ}\n    created_by: \"Lan\\n  status: verified\"\n"
        f"    attachments:\n      - {{file: a.txt, name: {'ả' * 100}.txt}}\n", encoding="utf-8")
    assert run("workspace").exit_code == 0
    before = state()
    result = run("import", str(tmp_path / "in.yaml"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    shown = str(tmp_path / "in.yaml")
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        f"{shown}:3: units[0]: unit name 'Phường\\x1b[2J' holds control or invisible characters; retype it",
        f"{shown}:4: units[1]: unit name is 100000 characters long; at most 200",
        f"{shown}:5: units[2]: unit 'Trường': kind 'castle' is not one of: ward (phường), commune (xã), "
        "district (quận, huyện), town (thị xã, thị trấn), agency (sở, ban), school (trường, trường học), "
        "library (thư viện), centre (trung tâm, trung tâm học tập cộng đồng), association (hội, hiệp hội), "
        "other (khác)"]
    assert f"{shown}:7: created_by: created_by name 'Lan\\n  status: verified' holds control" in result.stderr
    assert "is 304 bytes long; at most 255" in result.stderr
    assert len(result.stderr) < 3000  # the 100,000 characters are not echoed
    assert state() == before


def test_a_spreadsheet_unit_cell_is_checked_as_a_unit_name(city, tmp_path: Path) -> None:
    """A unit cell of 100,000 characters is refused by the name rule, not echoed back whole."""
    path = tmp_path / "e.csv"
    path.write_text("kind,title,unit\nevent,Tuần lễ," + "u" * 100_000 + "\n", encoding="utf-8")
    result = city("import", str(path), "--city", "Hanoi")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{path}:2: unit: unit name is 100000 characters long; at most 200"


def test_a_line_break_in_an_attachment_name_cannot_forge_a_line_of_evidence_show(run, tmp_path: Path) -> None:
    """Imported or attached, a name keeps its characters (as attach always did) and is shown on one line, escaped."""
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    forged = tmp_path / "report.pdf\n  status:          verified by UNESCO"
    forged.write_bytes(b"%PDF-1.7\n")
    (tmp_path / "in.yaml").write_text(
        "city: {name: Huế, country: VN}\nrecords:\n  - kind: event\n    title: {vi: Tuần lễ}\n"
        "    summary: {vi: \"dòng một\\ndòng hai\"}\n"
        "    attachments:\n      - {file: a.txt, name: \"a.txt\\n  status:          verified by UNESCO\"}\n",
        encoding="utf-8")
    assert run("import", str(tmp_path / "in.yaml")).exit_code == 0
    assert run("evidence", "attach", "HUE-0001", str(forged)).exit_code == 0
    shown = run("evidence", "show", "HUE-0001").stdout.splitlines()
    assert [line for line in shown if line.lstrip().startswith("status:")] == ["  status:          draft"]
    assert "    a.txt\\x0a  status:          verified by UNESCO  text/plain  1 B  sha256:" in "\n".join(shown)
    assert "  summary (vi):   dòng một" in shown and "dòng hai" in shown  # a summary keeps its line breaks


def test_the_highest_id_is_addressable_and_the_counter_stops_there(city, tmp_path: Path) -> None:
    """HN-999999 imports and is shown; the next record is refused in one line rather than given HN-1000000."""
    # Any id the counter ever made parses (a longer one is "no evidence", not a syntax error).
    sheet = tmp_path / "top.csv"
    sheet.write_bytes((HEADER + "event,Tuần lễ cuối,2025,,,,HN-999999\n").encode())
    result = city("import", str(sheet), "--city", "Hanoi")
    assert result.exit_code == 0, result.stderr
    assert city("evidence", "show", "HN-999999").exit_code == 0
    more = tmp_path / "more.csv"
    more.write_bytes(("kind,title,start\nevent,Thêm nữa,2025\n").encode())
    before = records(city)
    for args in (("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "Thêm"),
                 ("import", str(more), "--city", "Hanoi")):
        refused = city(*args)
        assert refused.exit_code == 1, args
        assert "Hà Nội has used every evidence id up to HN-999999" in refused.stderr, refused.stderr
    assert records(city) == before
    far = city("evidence", "show", "HN-1000000000")
    assert far.exit_code == 1 and far.stderr == "error: no evidence HN-1000000000; see `readiness evidence list`\n"


def test_a_nul_in_a_name_is_one_line_and_changes_nothing(city, state, tmp_path: Path) -> None:
    """An attachment name holding NUL: one error line on every database, nothing written, no stored file left."""
    # PostgreSQL cannot store a NUL.
    (tmp_path / "a.txt").write_text("hello", encoding="utf-8")
    sheet = tmp_path / "nul.yaml"
    sheet.write_text('city: Hà Nội\nrecords:\n  - kind: event\n    title: {vi: x}\n'
                     '    attachments:\n      - {file: a.txt, name: "a\\0b.txt"}\n', encoding="utf-8")
    before = state()
    result = city("import", str(sheet))
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and "NUL character" in result.stderr
    assert state() == before


# ---------------------------------------------------------------------------------------------
# The use case a front end calls: import_evidence, one call, its outcome as data


def test_import_is_one_use_case_whose_outcome_is_data(ws, tmp_path: Path) -> None:
    """api.import_evidence plans and (unless a dry run) writes as the actor given; copies are split into
    records already in the workspace and repeats of an earlier row, as data; progress hears of the writing only."""
    from readiness import api
    from readiness.access import Actor
    from readiness.transfer.plan import ImportSource

    lan = Actor("Lan")
    api.add_city(ws, lan, "Hà Nội", "VN", "HN")
    catalogue = api.load_catalogue(ws.settings.criteria_dir)
    sheet = tmp_path / "ward.csv"
    sheet.write_text("Loại,Tiêu đề,Từ ngày\nsự kiện,Tuần lễ 2025,2025\nkế hoạch,Kế hoạch 11,2025\n", encoding="utf-8")
    heard: list[tuple[str, int, int]] = []

    def progress(what: str, done: int, total: int) -> None:
        heard.append((what, done, total))

    dry = api.import_evidence(ws, lan, ImportSource(sheet), catalogue, city="HN", dry_run=True, progress=progress)
    assert (dry.dry_run, dry.records, dry.added, heard) == (True, 2, [], [])
    assert "added" not in dry.as_json() and dry.as_json()["dry_run"] is True
    done = api.import_evidence(ws, lan, ImportSource(sheet), catalogue, city="HN", progress=progress)
    assert (done.dry_run, done.records, done.added, done.city) == (False, 2, ["HN-0001", "HN-0002"], "Hà Nội")
    assert heard == [("records", 1, 2), ("records", 2, 2)]
    assert [(e.actor, e.action) for e in api.audit_log(ws, lan, "HN")][:2] == [("Lan", "evidence.import")] * 2

    sheet.write_text("Loại,Tiêu đề,Từ ngày\nsự kiện,Tuần lễ 2025,2025\nsự kiện,Ngày hội,2025\n"
                     "su kien,NGAY HOI,2025\n", encoding="utf-8")
    again = api.import_evidence(ws, lan, ImportSource(sheet), catalogue, city="HN")
    assert [(d.where.line, d.same_as, d.in_workspace) for d in again.duplicates] == [
        (2, "HN-0001", True), (4, "row 3", False)]
    assert (again.already_there, again.repeated_rows, again.added) == (1, 1, ["HN-0003"])
    assert again.as_json()["duplicates"] == [{"row": 2, "same_as": "HN-0001"}, {"row": 4, "same_as": "row 3"}]
    assert list(again.as_json()) == [
        "dry_run", "source", "statuses_kept", "not_reviewed_here", "city", "new_city", "new_units", "records",
        "unchanged", "duplicates", "renumbered", "warnings", "files", "bytes", "encoding", "added", "files_stored"]


def test_the_transfer_use_cases_are_in_the_api_and_take_the_workspace_and_the_actor_first() -> None:
    """import_evidence, export_city and make_template are api use cases, called as (ws, actor, ...) like plan_import."""
    import inspect

    from readiness import api
    from readiness.transfer.plan import plan_import

    assert {"import_evidence", "export_city", "make_template"} <= set(api.USE_CASES)
    assert not {"plan_import", "run_import"} & set(api.USE_CASES)  # one call imports; no front end chains two
    for function in (api.import_evidence, api.export_city, api.make_template, plan_import):
        assert list(inspect.signature(function).parameters)[:2] == ["ws", "actor"], function.__name__


def test_a_yaml_that_grew_after_it_was_measured_is_read_no_further_than_the_limit(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    """The YAML reader reads with read_small_file: at most one byte over the limit, even if the file grew after
    it was measured."""
    from readiness import smallfile
    from readiness.errors import UnreadableFileError
    from readiness.transfer import readers

    source = tmp_path / "evidence.yaml"
    source.write_text("records: []\n" + "# padding\n" * 100, encoding="utf-8")
    monkeypatch.setattr(smallfile, "check_small_file", lambda *args, **kwargs: 10)  # measured while it was small
    monkeypatch.setattr(readers, "MAX_YAML_BYTES", 100)
    with pytest.raises(UnreadableFileError) as refused:
        readers._read_yaml_file(source, str(source))
    assert refused.value.reason == "larger than 100 B; split it"


def test_a_sample_is_a_name_of_the_bundled_ones_never_a_path() -> None:
    """ImportSource.of takes only the bundled samples' names (the command offers exactly those)."""
    from readiness.cli.transfer import import_command
    from readiness.errors import InvalidValueError
    from readiness.transfer.plan import SAMPLES, ImportSource

    assert ImportSource.of(None, "vinh").trusted and ImportSource.of(None, "vinh").path.name == "vinh.yaml"
    with pytest.raises(InvalidValueError, match="the bundled samples are hanoi, vinh"):
        ImportSource.of(None, "../../criteria/kflc")
    [option] = [p for p in import_command.params if p.name == "sample"]
    assert tuple(option.type.choices) == SAMPLES
