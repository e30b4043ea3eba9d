"""Evidence records through the command line: add, find, change, link, verify, remove."""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest


@pytest.fixture
def city(run):
    assert run("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    assert run("unit", "add", "Sở GDĐT", "--city", "Hanoi", "--kind", "agency").exit_code == 0
    assert run("unit", "add", "Phường Hoàn Kiếm", "--city", "Hanoi", "--kind", "ward",
               "--parent", "Sở GDĐT").exit_code == 0
    return run


def add(run, *args: str) -> str:
    result = run("evidence", "add", "--city", "Hanoi", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def listed(run, *args: str) -> list[str]:
    result = run("evidence", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return [r["id"] for r in json.loads(result.stdout)]


def test_records_get_quotable_ids_and_keep_every_field(city, tmp_path: Path) -> None:
    """HN-0001, HN-0002...; bilingual texts, dates with precision, links with rationale, files."""
    report = tmp_path / "báo cáo.txt"
    report.write_text("Báo cáo tuần lễ", encoding="utf-8")
    first = add(city, "--kind", "sự kiện", "--title", "Tuần lễ học tập suốt đời 2025",
                "--title-en", "Lifelong Learning Week 2025",
                "--summary", "Tổ chức tại 126 phường, xã.", "--organiser", "Sở GDĐT", "--unit", "Sở GDĐT",
                "--start", "01/10/2025", "--end", "07/10/2025", "--source-url", "https://example.org/tuan-le",
                "--language", "vi", "--owner", "Phòng GDTX", "--tag", "week", "--tag", "2025",
                "--link", "kflc:2.6.1", "--link", "guidelines:G3", "--why", "City-wide week", "--file", str(report))
    second = add(city, "--kind", "plan", "--title", "Kế hoạch 11/KH-UBND", "--start", "2025-01")
    assert (first, second) == ("HN-0001", "HN-0002")
    data = json.loads(city("evidence", "show", "hn-1", "--format", "json").stdout)
    assert data["kind"] == "event"
    assert data["title"] == {"vi": "Tuần lễ học tập suốt đời 2025", "en": "Lifelong Learning Week 2025"}
    assert (data["start"], data["end"], data["unit"], data["status"]) == (
        "2025-10-01", "2025-10-07", "Sở GDĐT", "draft")
    assert data["links"] == [{"criterion": "guidelines:G3", "rationale": "City-wide week"},
                             {"criterion": "kflc:2.6.1", "rationale": "City-wide week"}]
    assert data["attachments"][0]["name"] == "báo cáo.txt" and data["attachments"][0]["media_type"] == "text/plain"
    assert data["created_by"] == "tester" and data["tags"] == ["week", "2025"]
    shown = city("evidence", "show", "HN-0002").stdout
    assert "January 2025" in shown  # the precision given, shown as such


def test_text_is_stored_nfc_whatever_was_typed(city) -> None:
    """A title typed in NFD is stored NFC and found by its NFC spelling."""
    nfd = unicodedata.normalize("NFD", "Diễn đàn học tập")
    code = add(city, "--kind", "forum", "--title", nfd)
    data = json.loads(city("evidence", "show", code, "--format", "json").stdout)
    assert data["title"]["vi"] == unicodedata.normalize("NFC", "Diễn đàn học tập")


def test_list_filters_combine(city) -> None:
    """City, unit (with sub-units), kind, criterion, status, dates and accent-free search."""
    a = add(city, "--kind", "event", "--title", "Tuần lễ học tập 2023", "--start", "2023-10-03",
            "--unit", "Phường Hoàn Kiếm", "--link", "kflc:2.6.1")
    b = add(city, "--kind", "forum", "--title", "Diễn đàn học tập suốt đời", "--start", "26/04/2025",
            "--unit", "Sở GDĐT")
    c = add(city, "--kind", "plan", "--title", "Kế hoạch 11/KH-UBND", "--start", "2025")
    d = add(city, "--kind", "statistic", "--title-en", "Learning families")
    assert listed(city) == [a, c, b, d]  # documented date order; undated last
    assert listed(city, "--search", "hoc tap") == [a, b]
    assert listed(city, "--search", "HỌC   TẬP suốt") == [b]
    assert listed(city, "--kind", "diễn đàn") == [b]
    assert listed(city, "--criterion", "kflc:2.6.1") == [a]
    assert listed(city, "--city", "ha noi", "--unit", "Sở GDĐT") == [a, b]  # the ward sits under the department
    assert listed(city, "--since", "2025-03", "--until", "2025-12") == [c, b]
    assert city("evidence", "verify", b).exit_code == 0
    assert listed(city, "--status", "verified") == [b]
    assert listed(city, "--search", "nothing like this") == []


def test_csv_output_uses_the_import_columns(city) -> None:
    """`evidence list --format csv` reads back with `import`."""
    add(city, "--kind", "event", "--title", "Tuần lễ, 2025", "--title-en", "Week", "--start", "2025-10",
        "--link", "kflc:2.6.1")
    out = city("evidence", "list", "--format", "csv").stdout.splitlines()
    assert out[0].startswith("id,city,unit,kind,title_vi,title_en")
    assert out[1].startswith('HN-0001,Hà Nội,,event,"Tuần lễ, 2025",Week')


HOSTILE = {"title": "=HYPERLINK(\"http://evil.example\",\"Click\")", "title-en": "+cmd|' /C calc'!A0",
           "summary": "-2+3", "organiser": "@SUM(A1:A9)"}


def test_csv_cells_that_look_like_formulas_are_neutralised_and_import_takes_it_back(city, run_elsewhere,
                                                                                     tmp_path: Path) -> None:
    """Cells starting with = + - @ get a ' in `evidence list --format csv`; importing that CSV gives them back."""
    # Titles, summaries, organisers and unit names; --raw leaves them; the import gives back exactly what was stored.
    assert city("unit", "add", "=1+1 Ward", "--city", "Hanoi", "--kind", "ward").exit_code == 0
    add(city, "--kind", "event", "--start", "2025-10", "--unit", "=1+1 Ward",
        *(a for k, v in HOSTILE.items() for a in (f"--{k}", v)))
    add(city, "--kind", "plan", "--title", "'=already quoted", "--title-en", "'plain quote", "--start", "2025")
    out = city("evidence", "list", "--format", "csv").stdout
    rows = sorted(csv.DictReader(out.splitlines()), key=lambda r: r["id"])
    assert rows[0]["title_vi"] == "'" + HOSTILE["title"] and rows[0]["title_en"] == "'" + HOSTILE["title-en"]
    assert (rows[0]["summary_vi"], rows[0]["organiser_vi"], rows[0]["unit"]) == ("'-2+3", "'@SUM(A1:A9)", "'=1+1 Ward")
    assert (rows[1]["title_vi"], rows[1]["title_en"]) == ("''=already quoted", "'plain quote")
    assert not any(cell and cell[0] in "=+-@" for row in rows for cell in row.values())
    raw = sorted(csv.DictReader(city("evidence", "list", "--format", "csv", "--raw").stdout.splitlines()),
                 key=lambda r: r["id"])
    assert raw[0]["title_vi"] == HOSTILE["title"] and raw[0]["unit"] == "=1+1 Ward"

    assert run_elsewhere("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    assert run_elsewhere("unit", "add", "=1+1 Ward", "--city", "Hanoi", "--kind", "ward").exit_code == 0
    sheet = tmp_path / "export.csv"
    sheet.write_text(out, encoding="utf-8")
    imported = run_elsewhere("import", str(sheet))
    assert imported.exit_code == 0, imported.stderr
    fields = ("title", "summary", "organiser", "unit")
    here = [{k: v for k, v in json.loads(city("evidence", "show", c, "--format", "json").stdout).items() if k in fields}
            for c in ("HN-0001", "HN-0002")]
    there = [{k: v for k, v in json.loads(run_elsewhere("evidence", "show", c, "--format", "json").stdout).items()
              if k in fields} for c in ("HN-0001", "HN-0002")]
    assert there == here and here[0]["title"]["vi"] == HOSTILE["title"]


def test_a_huge_search_is_refused_in_one_line(city) -> None:
    """A 50 KB --search (25,000 words, each one more condition of the query) is refused, saying the limits."""
    result = city("evidence", "list", "--search", "hoc " * 12_500)
    assert result.exit_code == 1
    assert result.stderr == ("error: --search: 50,000 characters, 12,500 words; search with at most 20 words "
                             "and 200 characters\n")
    assert city("evidence", "list", "--search", "hoc tap " * 10).exit_code == 0


def test_edit_merges_languages_and_checks_dates(city) -> None:
    """Setting the English title keeps the Vietnamese; an end before the start is refused."""
    code = add(city, "--kind", "event", "--title", "Tuần lễ", "--start", "2025-10-01")
    assert city("evidence", "edit", code, "--title-en", "Week", "--status", "submitted").exit_code == 0
    data = json.loads(city("evidence", "show", code, "--format", "json").stdout)
    assert data["title"] == {"vi": "Tuần lễ", "en": "Week"} and data["status"] == "submitted"
    bad = city("evidence", "edit", code, "--end", "2024")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: end: 2024 is before the start 2025-10-01")
    nothing = city("evidence", "edit", code)
    assert nothing.exit_code == 1 and "nothing to change" in nothing.stderr


def test_add_tag_and_remove_tag_keep_the_other_tags(city, state) -> None:
    """--add-tag case-study keeps the record's tags and its verification; --remove-tag takes one back."""
    code = add(city, "--kind", "event", "--title", "Tuần lễ", "--tag", "sample", "--tag", "Hội thảo")
    assert city("evidence", "verify", code).exit_code == 0

    def tags() -> list[str]:
        data = json.loads(city("evidence", "show", code, "--format", "json").stdout)
        assert data["status"] == "verified"  # tags are bookkeeping: the record stays verified
        return data["tags"]

    done = city("evidence", "edit", code, "--add-tag", "case-study", "--add-tag", "sample")
    assert done.exit_code == 0, done.stderr
    assert tags() == ["sample", "Hội thảo", "case-study"]  # a tag it has is kept once
    assert code in listed(city, "--tag", "case-study")
    # A tag to remove is matched regardless of case and accents.
    assert city("evidence", "edit", code, "--remove-tag", "hoi thao", "--remove-tag", "SAMPLE").exit_code == 0
    assert tags() == ["case-study"]
    before = state()
    for args, message in (
            (("--remove-tag", "sample"), f"error: tags: {code} has no tag 'sample' to remove (its tags: case-study)"),
            (("--tag", "x", "--add-tag", "y"), "error: tags: --tag replaces all tags; give it alone"),
            (("--add-tag", "a", "--remove-tag", "A"), "error: tags: 'a' is both added and removed"),
            (("--add-tag", "a;b"), "error: tags: 'a;b' is not a tag")):
        refused = city("evidence", "edit", code, *args)
        assert refused.exit_code == 1 and refused.stderr.startswith(message), refused.stderr
    assert state() == before
    assert city("evidence", "edit", code, "--remove-tag", "case-study").exit_code == 0
    assert tags() == [] and code not in listed(city, "--tag", "case-study")


def test_link_unlink_and_unknown_criteria(city) -> None:
    """Links name a framework's criterion or area; unknown ones are refused with a pointer."""
    code = add(city, "--kind", "forum", "--title", "Diễn đàn")
    assert city("evidence", "link", code, "kflc:3.1.1", "guidelines:G2.2", "--why", "Leaders spoke").exit_code == 0
    bad = city("evidence", "link", code, "kflc:9.9.9")
    assert bad.exit_code == 1
    assert "kflc has no criterion or area '9.9.9'; see `readiness criteria show kflc`" in bad.stderr
    assert city("evidence", "unlink", code, "guidelines:G2.2").exit_code == 0
    data = json.loads(city("evidence", "show", code, "--format", "json").stdout)
    assert data["links"] == [{"criterion": "kflc:3.1.1", "rationale": "Leaders spoke"}]
    missing = city("evidence", "unlink", code, "guidelines:G2.2")
    assert missing.exit_code == 1 and "is not linked to guidelines:G2.2" in missing.stderr


def test_a_criterion_given_twice_is_linked_once(city) -> None:
    """`evidence link X kflc:2.6.1 2.6.1 --why ...` links once with the rationale (it used to crash)."""
    code = add(city, "--kind", "event", "--title", "Tuần lễ")
    result = city("evidence", "link", code, "kflc:2.6.1", "2.6.1", "--why", "City-wide learning week")
    assert result.exit_code == 0, result.stderr
    data = json.loads(city("evidence", "show", code, "--format", "json").stdout)
    assert data["links"] == [{"criterion": "kflc:2.6.1", "rationale": "City-wide learning week"}]


def test_verify_and_reject_keep_who_when_and_why(city) -> None:
    """A rejection needs a reason; the decision and its author are on the record."""
    code = add(city, "--kind", "event", "--title", "Tuần lễ")
    no_reason = city("evidence", "reject", code, "--reason", "  ")
    assert no_reason.exit_code == 1 and "give the reason" in no_reason.stderr
    assert city("evidence", "reject", code, "--reason", "Photo only; attach the minutes").exit_code == 0
    data = json.loads(city("evidence", "show", code, "--format", "json").stdout)
    assert (data["status"], data["status_by"], data["status_reason"]) == (
        "rejected", "tester", "Photo only; attach the minutes")
    assert data["status_at"]
    cannot = city("evidence", "edit", code, "--title", "x", "--status", "draft")
    assert cannot.exit_code == 0  # back to draft after fixing is allowed; verified is not set by edit


def test_verifying_several_records_is_all_or_nothing(city, state) -> None:
    """`evidence verify A B NOPE`: one unknown id refuses all, and A and B stay as they were."""
    first = add(city, "--kind", "event", "--title", "Tuần lễ")
    second = add(city, "--kind", "forum", "--title", "Diễn đàn")
    before = state()
    refused = city("evidence", "verify", first, second, "HN-0099", "--note", "Checked")
    assert refused.exit_code == 1 and "HN-0099" in refused.stderr and "Traceback" not in refused.stderr
    assert state() == before
    done = city("evidence", "verify", first, second, first, "--note", "Checked")
    assert done.exit_code == 0, done.stderr
    assert done.stderr.splitlines() == [f"verified {first}", f"verified {second}"]
    for code in (first, second):
        data = json.loads(city("evidence", "show", code, "--format", "json").stdout)
        assert (data["status"], data["status_reason"]) == ("verified", "Checked")


def test_every_change_is_in_the_audit_log_and_remove_keeps_it(city, tmp_path: Path) -> None:
    """add, edit, link, attach, verify, remove: each an event with before and after."""
    code = add(city, "--kind", "event", "--title", "Tuần lễ")
    (tmp_path / "a.txt").write_text("a")
    for args in (("edit", code, "--title-en", "Week"), ("link", code, "kflc:2.6.1"),
                 ("attach", code, str(tmp_path / "a.txt")), ("verify", code), ("remove", code, "--yes")):
        result = city("evidence", *args)
        assert result.exit_code == 0, result.stderr
    events = json.loads(city("log", "--city", "Hanoi", "--format", "json").stdout)
    actions = [e["action"] for e in events if e["entity"] == "evidence"]
    assert actions == ["evidence.remove", "evidence.verify", "evidence.attach", "evidence.link", "evidence.edit",
                       "evidence.add"]
    removed = events[0]
    assert removed["after"] is None and removed["before"]["title"] == {"vi": "Tuần lễ", "en": "Week"}
    assert removed["before"]["attachments"][0]["name"] == "a.txt"
    edit = next(e for e in events if e["action"] == "evidence.edit")
    assert edit["before"]["title"] == {"vi": "Tuần lễ"} and edit["after"]["title"]["en"] == "Week"
    assert listed(city) == []
    gone = city("evidence", "show", code)
    assert gone.exit_code == 1 and gone.stderr.startswith(f"error: no evidence {code}")


def test_remove_asks_unless_yes(city) -> None:
    """Not at a terminal, remove needs --yes; nothing is removed without it."""
    code = add(city, "--kind", "event", "--title", "Tuần lễ")
    result = city("evidence", "remove", code)
    assert result.exit_code == 1 and "needs --yes" in result.stderr
    assert listed(city) == [code]


def test_add_prompts_for_what_is_missing_at_a_terminal(city, monkeypatch) -> None:
    """Run without --kind and --title at a terminal, add asks for them."""
    from readiness.cli import evidence as cli_evidence

    monkeypatch.setattr(cli_evidence, "_interactive", lambda: True)
    result = city("evidence", "add", "--city", "Hanoi", input="diễn đàn\nDiễn đàn học tập\nForum\n26/04/2025\n")
    assert result.exit_code == 0, result.stderr
    data = json.loads(city("evidence", "show", result.stdout.strip(), "--format", "json").stdout)
    assert (data["kind"], data["title"], data["start"]) == (
        "forum", {"vi": "Diễn đàn học tập", "en": "Forum"}, "2025-04-26")


@pytest.mark.parametrize(("args", "message"), [
    (("--kind", "gala", "--title", "x"), "kind: 'gala' is not one of: plan (kế hoạch"),
    (("--kind", "event"), "title: is required"),
    (("--kind", "event", "--title", "x", "--start", "31/02/2025"), "start: '31/02/2025' is not a day of the calendar"),
    (("--kind", "event", "--title", "x", "--start", "2205"), "start: 2205 is more than 15 years ahead"),
    (("--kind", "event", "--title", "x", "--source-url", "javascript:alert(1)"),
     "source_url: 'javascript:alert(1)' is not a web address"),
    (("--kind", "event", "--title", "x\x1b[2J"), "title.vi: holds control or direction-override characters"),
    (("--kind", "event", "--title", "x", "--unit", "Nowhere"), "no unit of Hà Nội 'Nowhere'"),
    (("--kind", "event", "--title", "x", "--file", "/nonexistent/report.pdf"), "/nonexistent/report.pdf: no such file"),
    (("--kind", "event", "--title", "x", "--link", "9.9.9"), "'9.9.9': no criterion or area by that id"),
])
def test_bad_values_are_refused_in_one_line_and_change_nothing(city, state, args, message) -> None:
    """Each mistake: one line naming the field, exit 1, no traceback, workspace as it was."""
    before = state()
    result = city("evidence", "add", "--city", "Hanoi", *args)
    assert result.exit_code == 1
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert state() == before


def test_html_in_text_is_kept_literally_with_a_warning(city) -> None:
    """Markup is text: stored as typed, shown as typed, flagged once."""
    result = city("evidence", "add", "--city", "Hanoi", "--kind", "event",
                  "--title", "<script>alert(1)</script> [bold]x[/]")
    assert result.exit_code == 0
    assert "warning: title.vi: holds what looks like HTML" in result.stderr
    table = city("evidence", "list").stdout
    assert "<script>alert(1)</script> [bold]x[/]" in table


def test_the_api_verifies_with_verify_records_and_rejects_with_reject_record(city, ws) -> None:
    """One way each: ``verify_records`` (several, all or none) and ``reject_record`` (one, with a reason)."""
    from readiness import api
    from readiness.access import Actor
    from readiness.errors import InvalidValueError

    assert "set_status" not in api.USE_CASES and {"verify_records", "reject_record"} <= set(api.USE_CASES)
    code, actor = add(city, "--kind", "event", "--title", "Tuần lễ"), Actor.of(ws.settings)
    with pytest.raises(InvalidValueError, match="give the reason"):
        api.reject_record(ws, actor, code, " ")
    rejected = api.reject_record(ws, actor, code, "Photo only")
    assert (rejected.row.status, rejected.row.status_by, rejected.row.status_reason) == ("rejected", "tester",
                                                                                         "Photo only")
    [verified] = api.verify_records(ws, actor, [code])
    assert (verified.row.status, verified.row.status_reason) == ("verified", None)
    assert [e["action"] for e in json.loads(city("log", code, "--format", "json").stdout)] == [
        "evidence.verify", "evidence.reject", "evidence.add"]


def test_an_imported_record_keeps_who_entered_it_and_the_log_names_who_imported_it(city, tmp_path: Path) -> None:
    """``created_by`` from the file is who first entered the record; the importer is the one acting."""
    sheet = tmp_path / "lan.yaml"
    sheet.write_text("format: readiness-evidence/1\ncity: {name: Hà Nội, country: VN}\nrecords:\n"
                     "  - {kind: event, title: {vi: Ngày hội}, created_by: Lan}\n", encoding="utf-8")
    result = city("import", str(sheet))
    assert result.exit_code == 0, result.stderr
    [record] = json.loads(city("evidence", "list", "--format", "json").stdout)
    assert record["created_by"] == "Lan"
    assert {e["actor"] for e in json.loads(city("log", record["id"], "--format", "json").stdout)} == {"tester"}


def test_the_kind_help_lists_the_library_kinds() -> None:
    """The light copies the command line keeps for ``--help`` (it may not import the library) say what it knows."""
    from readiness import evidence
    from readiness.cities import UNIT_KINDS
    from readiness.cli import cities as cli_cities
    from readiness.cli.options import KIND_HELP

    assert KIND_HELP == evidence.kinds_list()
    kind = next(p for p in cli_cities.unit.commands["add"].params if p.name == "kind")
    assert (kind.help or "").startswith(f"{', '.join(UNIT_KINDS[:-1])} or {UNIT_KINDS[-1]}; ")


def test_a_page_of_records_holds_its_slice_in_list_order_and_the_total(hanoi_ws, ws) -> None:
    """page_evidence gives the records list_evidence gives, a page at a time, with how many match."""
    from readiness import api
    from readiness.access import Actor

    me = Actor("tester")
    every = [v.code for v in api.list_evidence(ws, me)]
    assert len(every) >= 6
    pages = [api.page_evidence(ws, me, offset=o, limit=4) for o in range(0, len(every), 4)]
    assert [c for p in pages for c in (v.code for v in p.views)] == every
    assert {p.total for p in pages} == {len(every)}
    newest = api.page_evidence(ws, me, newest_first=True).views
    dated = [c for c in every if api.get_evidence(ws, me, c).row.start]
    assert [v.code for v in newest][:len(dated)] == list(reversed(dated))
    events = api.page_evidence(ws, me, api.EvidenceFilter(kinds=("event",)), limit=1)
    assert events.total == len(api.list_evidence(ws, me, api.EvidenceFilter(kinds=("event",))))
    assert len(events.views) == 1
    from readiness.errors import InvalidValueError

    with pytest.raises(InvalidValueError):
        api.page_evidence(ws, me, limit=0)


@pytest.mark.parametrize(("filters", "newest_first"), [
    ({}, False),
    ({}, True),
    ({"city": "Hà Nội", "kinds": ("event",)}, False),
    ({"tag": "lifelong-learning-week"}, True),
    ({"since": "2024"}, False),
    ({"text": "hoc tap"}, False),
])
def test_list_lines_are_the_same_page_as_whole_records(hanoi_ws, settings, filters, newest_first) -> None:
    """``page_lines`` (the web list) reads fewer columns than ``page_evidence``, never other records,
    another order or other values."""
    from readiness import api, dates
    from readiness.access import Actor

    if "since" in filters:
        filters = {**filters, "since": dates.parse_optional(filters["since"], "since")}
    flt = api.EvidenceFilter(**filters)
    with api.open_workspace(settings) as ws:
        actor = Actor(settings.actor)
        for offset in (0, 3):
            whole = api.page_evidence(ws, actor, flt, offset=offset, limit=4, newest_first=newest_first)
            lines = api.page_lines(ws, actor, flt, offset=offset, limit=4, newest_first=newest_first)
            assert lines.total == whole.total
            assert [(ln.code, ln.city, ln.unit, ln.kind, ln.title, ln.start, ln.end, ln.status) for ln in lines.lines] \
                == [(v.code, v.city, v.unit, v.row.kind, v.row.title, v.row.start, v.row.end, v.row.status)
                    for v in whole.views]
        everything = len(api.list_evidence(ws, actor, flt))  # counted by Python, not by the database
        assert everything > 0 and api.page_lines(ws, actor, flt).total == everything
        past_the_end = api.page_lines(ws, actor, flt, offset=10_000, limit=4)
        assert past_the_end.lines == [] and past_the_end.total == everything


def test_a_listing_holds_the_page_and_its_filters_choices(hanoi_ws, settings) -> None:
    """``evidence_listing`` is ``page_lines`` plus the cities one may read and the units of the
    city listed (the only city, when one is readable and none is named), in tree order."""
    from readiness import api
    from readiness.access import Actor

    assert hanoi_ws("unit", "add", "--city", "Hà Nội", "Quận Ba Đình", "--kind", "district").exit_code == 0
    assert hanoi_ws("unit", "add", "--city", "Hà Nội", "Phường Ngọc Hà", "--kind", "ward",
                    "--parent", "Quận Ba Đình").exit_code == 0
    with api.open_workspace(settings) as ws:
        actor = Actor(settings.actor)
        listing = api.evidence_listing(ws, actor, api.EvidenceFilter(kinds=("event",)), limit=3)
        lines = api.page_lines(ws, actor, api.EvidenceFilter(city="Hà Nội", kinds=("event",)), limit=3)
        assert listing.page == lines and listing.cities == [c.name for c in api.list_cities(ws, actor)]
        assert listing.city == "Hà Nội"

        def walk(nodes: list, out: list[str]) -> list[str]:
            for node in nodes:
                out.append(node.unit.name)
                walk(node.children, out)
            return out

        expected = walk(api.list_units(ws, actor, "Hà Nội").units, [])
        assert listing.units == expected and listing.units.index("Phường Ngọc Hà") == \
            listing.units.index("Quận Ba Đình") + 1
