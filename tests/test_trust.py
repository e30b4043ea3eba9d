"""What a reviewer trusts: a verification covers definite content, ids are never reused,
the log follows one record, and a link that can never count is said at once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest


@pytest.fixture
def city(run):
    assert run("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    assert run("unit", "add", "Sở GDĐT", "--city", "Hanoi", "--kind", "agency").exit_code == 0
    return run


def add(run, *args: str) -> str:
    result = run("evidence", "add", "--city", "Hanoi", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def show(run, code: str) -> dict:
    result = run("evidence", "show", code, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def events(run, *args: str) -> list[dict]:
    result = run("log", "--format", "json", "--limit", "1000", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def verified(city, tmp_path: Path) -> str:
    """HN-0001: an event with a file, a link and a unit, verified by the tester."""
    (tmp_path / "report.txt").write_text("Báo cáo tuần lễ", encoding="utf-8")
    (tmp_path / "new.txt").write_text("Biên bản mới", encoding="utf-8")
    code = add(city, "--kind", "event", "--title", "Tuần lễ học tập 2025", "--start", "2025-10-01",
               "--link", "kflc:2.6.1", "--link", "guidelines:G3", "--file", str(tmp_path / "report.txt"))
    assert city("evidence", "verify", code).exit_code == 0
    assert show(city, code)["status"] == "verified"
    return code


CONTENT_CHANGES = [
    (("edit", "HN-0001", "--title-en", "Lifelong Learning Week"), "title"),
    (("edit", "HN-0001", "--summary", "Tổ chức tại 126 phường"), "summary"),
    (("edit", "HN-0001", "--kind", "forum"), "kind"),
    (("edit", "HN-0001", "--start", "2025-10-02"), "start"),
    (("edit", "HN-0001", "--valid-until", "2027"), "valid_until"),
    (("edit", "HN-0001", "--unit", "Sở GDĐT"), "unit"),
    (("edit", "HN-0001", "--source-url", "https://example.org/week"), "source_url"),
    (("link", "HN-0001", "kflc:2.6.3"), "links"),
    (("link", "HN-0001", "kflc:2.6.1", "--why", "A city-wide week"), "links"),
    (("unlink", "HN-0001", "guidelines:G3"), "links"),
    (("attach", "HN-0001", "{new}"), "attachments"),
    (("detach", "HN-0001", "report.txt"), "attachments"),
]


@pytest.mark.parametrize(("args", "field"), CONTENT_CHANGES, ids=[" ".join(a[:1] + a[2:3]) for a, _ in CONTENT_CHANGES])
def test_a_change_to_verified_content_returns_the_record_to_submitted(verified, city, tmp_path, args, field) -> None:
    """Editing any content of a verified record makes it submitted, said on stderr and in the log."""
    # Its texts, dates, kind, unit, source, links or files.
    args = tuple(str(tmp_path / "new.txt") if a == "{new}" else a for a in args)
    result = city("evidence", *args)
    assert result.exit_code == 0, result.stderr
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert (f"warning: HN-0001 was verified by tester on {today}; this change ({field}) "
            "returns it to submitted for review") in result.stderr
    data = show(city, verified)
    assert data["status"] == "submitted" and data["status_by"] == "tester"
    assert data["status_reason"].startswith(f"changed after verification by tester on {today} ({field})")
    last = events(city, verified)[0]
    assert last["action"] == f"evidence.{args[0]}"
    assert (last["before"]["status"], last["after"]["status"]) == ("verified", "submitted")
    assert "changed after verification" in last["after"]["status_reason"]
    assert "verified → submitted" in city("log", verified).stdout


def test_an_indicator_value_is_verified_content_too(verified, ws) -> None:
    """A new indicator value on a verified record (through the library) returns it to submitted."""
    from readiness import evidence as lib
    from readiness.access import Actor
    from readiness.store.models import IndicatorValue

    actor = Actor.of(ws.settings)
    with lib._changing(ws, actor, verified, "evidence.edit") as (session, row, _city):
        session.add(IndicatorValue(evidence_id=row.id, indicator="participants", value=1200.0))
    assert lib.get_evidence(ws, actor, verified).row.status == "submitted"
    assert lib.content_changes({"indicators": []}, {"indicators": [{"indicator": "x", "value": 1.0}]}) == ["indicators"]


def test_owner_tags_and_a_same_value_keep_the_verification(verified, city) -> None:
    """Owner and tags are not what a reviewer checked; setting a field to what it holds changes nothing."""
    for args in (("--owner", "Phòng GDTX"), ("--tag", "week"), ("--start", "01/10/2025")):
        result = city("evidence", "edit", verified, *args)
        assert result.exit_code == 0 and "returns it to submitted" not in result.stderr, result.stderr
    data = show(city, verified)
    assert (data["status"], data["owner"], data["tags"]) == ("verified", "Phòng GDTX", ["week"])


def test_a_rejected_record_stays_rejected_until_resubmitted(city) -> None:
    """Fixing a rejected record keeps it rejected, with its reason, until the owner resubmits it."""
    code = add(city, "--kind", "event", "--title", "Tuần lễ")
    assert city("evidence", "reject", code, "--reason", "Attach the minutes").exit_code == 0
    assert city("evidence", "edit", code, "--title-en", "Week").exit_code == 0
    data = show(city, code)
    assert (data["status"], data["status_reason"]) == ("rejected", "Attach the minutes")
    assert city("evidence", "edit", code, "--status", "submitted").exit_code == 0
    assert show(city, code)["status"] == "submitted"


def test_show_says_who_verified_what_and_whether_it_changed_since(verified, city) -> None:
    """`evidence show` names the verifier and date, and says the content is as verified or which fields changed."""
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    text = city("evidence", "show", verified).stdout
    assert f"verified:        by tester on {today}; the content shown is what was verified" in text
    assert show(city, verified)["verification"] == {"by": "tester", "at": show(city, verified)["status_at"],
                                                   "changed_since": [], "current": True}
    assert city("evidence", "edit", verified, "--title-en", "Week", "--end", "2025-10-07").exit_code == 0
    text = city("evidence", "show", verified).stdout
    assert f"verified:        last by tester on {today}; changed since: title, end" in text
    assert show(city, verified)["verification"]["changed_since"] == ["title", "end"]
    assert "verified:" not in city("evidence", "show", add(city, "--kind", "plan", "--title", "Kế hoạch")).stdout


def test_dossier_register_says_who_verified_each_record_and_when(hanoi_ws, ws) -> None:
    """The dossier's entry of a verified record carries its verifier and date, in the dossier's language."""
    from readiness.dossier.context import DossierOptions, build_context
    from readiness.frameworks.loader import load_catalogue

    for lang, expected in (("en", "verified by sample reviewer on 5 May 2025"),
                           ("vi", "đã xác minh: sample reviewer, ngày 5 tháng 5 năm 2025")):
        context = build_context(ws, load_catalogue(), "Hanoi", DossierOptions(lang=lang, as_of=dt.date(2026, 1, 15)))
        by_code = {r.id: r for r in context.records}
        assert by_code["HN-0007"].status == "verified" and by_code["HN-0007"].verified == expected
        assert all(r.verified is None for r in context.records if r.status != "verified")


def test_a_removed_id_is_never_given_again(city) -> None:
    """After removing the newest record, the next one gets a new number, not the removed one's."""
    first, second = add(city, "--kind", "plan", "--title", "A"), add(city, "--kind", "plan", "--title", "B")
    assert city("evidence", "remove", second, "--yes").exit_code == 0
    assert add(city, "--kind", "plan", "--title", "C") == "HN-0003"
    assert city("evidence", "remove", "HN-0003", "--yes").exit_code == 0
    assert city("evidence", "remove", first, "--yes").exit_code == 0
    assert add(city, "--kind", "plan", "--title", "D") == "HN-0004"


def test_an_import_with_ids_moves_the_counter_past_them(city, tmp_path: Path) -> None:
    """Records imported with their ids advance the counter, so removing them frees no number."""
    sheet = tmp_path / "records.yaml"
    sheet.write_text("format: readiness-evidence/1\ncity: {name: Hà Nội, country: VN}\nrecords:\n"
                     "  - {id: HN-0040, kind: plan, title: {vi: Kế hoạch}}\n", encoding="utf-8")
    result = city("import", str(sheet))
    assert result.exit_code == 0, result.stderr
    assert city("evidence", "remove", "HN-0040", "--yes").exit_code == 0
    assert add(city, "--kind", "plan", "--title", "Next") == "HN-0041"


def test_the_migration_starts_the_counter_above_removed_ids(city, settings) -> None:
    """A workspace from before the counter starts it above every id it holds or its log mentions."""
    from alembic import command
    from alembic.config import Config

    from readiness.store import db

    for title in ("A", "B", "C"):
        add(city, "--kind", "plan", "--title", title)
    assert city("evidence", "remove", "HN-0003", "--yes").exit_code == 0
    with db.open_workspace(settings) as ws, ws.engine.connect() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(db.MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
        conn.commit()
        assert db.current_revision(conn) == "0003"
    assert add(city, "--kind", "plan", "--title", "D") == "HN-0004"


def test_show_of_a_removed_id_says_when_and_by_whom(city) -> None:
    """A removed id is "not found" (exit 1), with when and by whom it was removed."""
    code = add(city, "--kind", "plan", "--title", "A")
    assert city("evidence", "remove", code, "--yes").exit_code == 0
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    for args in (("show", code), ("edit", code, "--title", "x"), ("link", code, "kflc:2.6.1")):
        gone = city("evidence", *args)
        assert gone.exit_code == 1
        assert gone.stderr.startswith(f"error: no evidence {code}: it was removed on {today} by tester; "
                                      "ids are never reused")
    never = city("evidence", "show", "HN-0099")
    assert never.exit_code == 1 and "removed" not in never.stderr


def test_log_follows_one_record_also_after_removal(city) -> None:
    """`log HN-0002` and `log --record hn-2` list that record's events only, removal included."""
    one, two = add(city, "--kind", "plan", "--title", "A"), add(city, "--kind", "plan", "--title", "B")
    assert city("evidence", "edit", one, "--title-en", "A").exit_code == 0
    assert city("evidence", "verify", two).exit_code == 0
    assert city("evidence", "remove", two, "--yes").exit_code == 0
    expected = ["evidence.remove", "evidence.verify", "evidence.add"]
    assert [e["action"] for e in events(city, two)] == expected
    assert [e["action"] for e in events(city, "--record", "hn-2")] == expected
    assert [e["action"] for e in events(city, one)] == ["evidence.edit", "evidence.add"]
    missing = city("log", "HN-0099")
    assert missing.exit_code == 1 and missing.stderr.startswith("error: no evidence HN-0099 in the audit log")
    both = city("log", one, "--record", two)
    assert both.exit_code == 1 and both.stderr.startswith("error: give one record")


def test_linking_a_record_that_can_never_count_warns_and_still_links(city, tmp_path: Path) -> None:
    """A wrong kind, a date too old or a missing file is named when linking; the link is made anyway."""
    plan = add(city, "--kind", "plan", "--title", "Kế hoạch 2019", "--start", "2019-03")
    result = city("evidence", "link", plan, "kflc:2.6.1", "kflc:3.1.1")
    assert result.exit_code == 0
    today = dt.date.today().isoformat()
    assert (f"warning: {plan} can never count for kflc:2.6.1 as it stands (linked anyway): it takes only event "
            f"records, not plan records; dated 2019-03, it is older than the 2 years it accepts (as of {today})"
            ) in result.stderr
    assert (f"warning: {plan} can never count for kflc:3.1.1 as it stands (linked anyway): dated 2019-03, it is "
            f"older than the 5 years it accepts (as of {today}); it needs an attached file and none is attached"
            ) in result.stderr
    assert [lk["criterion"] for lk in show(city, plan)["links"]] == ["kflc:2.6.1", "kflc:3.1.1"]
    (tmp_path / "plan.txt").write_text("Kế hoạch", encoding="utf-8")
    fresh = add(city, "--kind", "plan", "--title", "Kế hoạch mới", "--start", str(dt.date.today().year),
                "--file", str(tmp_path / "plan.txt"))
    quiet = city("evidence", "link", fresh, "kflc:3.1.1", "guidelines:G3")
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
    added = city("evidence", "add", "--city", "Hanoi", "--kind", "plan", "--title", "x", "--link", "kflc:2.6.1")
    assert added.exit_code == 0 and "it takes only event records, not plan records" in added.stderr


def test_a_bare_criterion_id_that_can_never_count_is_warned_of_by_its_full_ref(city, ws) -> None:
    """`2.6.1` (one framework has it) is warned of as `kflc:2.6.1`; the library returns the warning, the
    command only says it, and the same ref given twice is warned of once."""
    from readiness import evidence as lib
    from readiness.access import Actor
    from readiness.frameworks.loader import load_catalogue

    plan = add(city, "--kind", "plan", "--title", "Kế hoạch", "--start", str(dt.date.today().year))
    result = city("evidence", "link", plan, "2.6.1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("warning:") == 1
    assert (f"warning: {plan} can never count for kflc:2.6.1 as it stands (linked anyway): it takes only event "
            "records, not plan records\n") in result.stderr
    added = city("evidence", "add", "--city", "Hanoi", "--kind", "plan", "--title", "x", "--link", "2.6.1")
    assert added.exit_code == 0 and "can never count for kflc:2.6.1 as it stands" in added.stderr

    catalogue, actor = load_catalogue(), Actor.of(ws.settings)
    view = lib.link_evidence(ws, actor, plan, ["2.6.1", "kflc:2.6.1", "guidelines:G3"], None, catalogue)
    assert view.warnings == [f"{plan} can never count for kflc:2.6.1 as it stands (linked anyway): "
                             "it takes only event records, not plan records"]
    assert "warnings" not in view.as_json()
    event = lib.add_evidence(ws, actor, "Hanoi", {"kind": "event", "title": "Tuần lễ", "start": "2025-10-01"},
                             catalogue, links=[("2.6.1", None)], today=dt.date(2025, 11, 1))
    assert event.warnings == []
    assert lib.get_evidence(ws, actor, plan).warnings == []  # said by the call that linked, not kept


def test_link_warnings_name_a_profile_criterion_and_an_expired_record(city, ws) -> None:
    """The library's reasons: a criterion met by the profile takes no records; a passed valid_until never counts."""
    from readiness import evidence as lib
    from readiness.access import Actor
    from readiness.frameworks.loader import load_catalogue

    catalogue = load_catalogue()
    code = add(city, "--kind", "event", "--title", "Tuần lễ", "--start", "2025-10-01", "--valid-until", "2025-12")
    view = lib.get_evidence(ws, Actor.of(ws.settings), code)
    assert lib.link_warnings(view, "kflc:2.6.1", catalogue, dt.date(2025, 11, 1)) == []
    assert lib.link_warnings(view, "kflc:2.6.1", catalogue, dt.date(2026, 1, 1)) == [
        "it was valid until 2025-12, which has passed"]
    profile = next(f"{e.framework.id}:{c.id}" for e in catalogue for c in e.framework.criteria.values() if c.profile)
    assert lib.link_warnings(view, profile, catalogue)[0].startswith("it is met by the city profile (")
    assert lib.link_warnings(view, "guidelines:G3", catalogue) == []


def test_an_import_cannot_bring_back_a_removed_id(city, tmp_path: Path) -> None:
    """A file naming a removed id is refused at its line (ids are never reused) and --renumber takes it in."""
    add(city, "--kind", "plan", "--title", "A")
    removed = add(city, "--kind", "plan", "--title", "B")
    assert city("evidence", "remove", removed, "--yes").exit_code == 0
    sheet = tmp_path / "back.yaml"
    sheet.write_text("format: readiness-evidence/1\ncity: {name: Hà Nội, country: VN}\nrecords:\n"
                     f"  - {{id: {removed}, kind: event, title: {{vi: Ngày hội khác}}}}\n", encoding="utf-8")
    refused = city("import", str(sheet))
    assert refused.exit_code == 1
    assert f"back.yaml:4: id: {removed} was given to a record that has been removed" in refused.stderr
    assert city("evidence", "show", removed).exit_code == 1
    taken = city("import", str(sheet), "--renumber")
    assert taken.exit_code == 0, taken.stderr
    assert f"renumbered {removed} -> HN-0003" in taken.stderr
