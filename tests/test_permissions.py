"""Who may do what: the README's table, cell by cell, through the library API.

The matrix is read from README.md ("Who may do what"), so the table and the behaviour cannot
drift: every use case of ``readiness.api`` (but the set-up steps) has a row, and every row is run
for every role on a target in scope, on another unit of the same city and on another city.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlmodel import select

from readiness import api
from readiness.access import Actor, Grant, Right, Role
from readiness.errors import NotFoundError, NotSignedInError, PermissionDeniedError
from readiness.frameworks.loader import load_catalogue
from readiness.store.models import Account, AuditEvent, City, Evidence, Unit
from readiness.store.stores import store_kind

README = Path(__file__).resolve().parent.parent / "README.md"
ROLES = ("admin", "coordinator", "contributor", "reviewer", "viewer")
CELLS = ("yes", "in scope", "own units", "filtered", "no")


def read_table() -> dict[str, dict[str, str]]:
    """The README's table: use case -> {"needs": ..., role: cell}."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Who may do what\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    head = [c.strip() for c in rows[0].strip("|").split("|")]
    assert head[2:] == ["use case", "needs", *ROLES], head
    table: dict[str, dict[str, str]] = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        name = re.fullmatch(r"`(\w+)`", cells[2])
        assert name, line
        assert name[1] not in table, f"{name[1]} has two rows"
        table[name[1]] = dict(zip(["needs", *ROLES], cells[3:], strict=True))
    return table


TABLE = read_table()


#: The accounts' own use cases: their rules (who manages whom) are in "People and roles" and
#: tests/test_accounts.py, not in this table of a city's work.
ACCOUNT_USE_CASES = {"describe_actor", "add_account", "list_accounts", "accounts_overview", "set_account",
                     "disable_account", "set_password"}


def test_the_table_has_one_row_per_use_case_and_only_known_words():
    """Every use case but the set-up steps and the accounts' is in the README's table, with a known
    cell in every column."""
    assert set(TABLE) == set(api.USE_CASES) - set(api.SET_UP) - ACCOUNT_USE_CASES
    assert set(TABLE) == set(CALLS)
    rights = {r.value for r in Right} | {"signed in"}
    for name, row in TABLE.items():
        assert row["needs"] in rights, name
        assert all(row[role] in CELLS for role in ROLES), name
        assert row["admin"] == "yes", name  # an admin holds every right everywhere
        assert row["contributor"] != "own units" or row["needs"] in (Right.CONTRIBUTE.value, Right.COMMENT.value), name


# ---------------------------------------------------------------------------------------------
# The workspace: two cities; Hà Nội has a district with a ward under it, and another ward.

HN, VINH = "Hà Nội", "Vinh"
DISTRICT, WARD, OTHER_WARD, VINH_WARD = "Quận Ba Đình", "Phường Kim Mã", "Phường Hàng Trống", "Phường Bến Thủy"
LINKED, MARKED = "kflc:3.1.1", "kflc:1.2.1"
NAMES = {"admin": "Minh", "coordinator": "Hoa", "contributor": "Lan", "reviewer": "Tuấn", "viewer": "Mai"}


@dataclass(frozen=True)
class Target:
    """What a call acts on: a city, a unit of it, a record of that unit."""

    kind: str  # "in scope", "other unit", "other city"
    city: str
    unit: str
    code: str


@dataclass
class World:
    ws: Any
    tmp: Path
    actors: dict[str, Actor]
    targets: dict[str, Target]
    ids: dict[str, int]
    counter: itertools.count

    def n(self) -> int:
        return next(self.counter)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _file(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def build_world(ws, tmp: Path, catalogue) -> World:
    """Cities, units, a record per target (submitted, linked, with a file), marks; then the accounts."""
    setup = Actor("setup")
    for name, code in ((HN, "HN"), (VINH, "VIN")):
        api.add_city(ws, setup, name, "VN", code)
    api.add_unit(ws, setup, HN, DISTRICT, "district")
    api.add_unit(ws, setup, HN, WARD, "ward", parent=DISTRICT)
    api.add_unit(ws, setup, HN, OTHER_WARD, "ward")
    api.add_unit(ws, setup, VINH, VINH_WARD, "ward")
    (tmp / "out").mkdir()  # where exports and dossiers go
    note = _file(tmp, "bien-ban.txt", "Biên bản ngày hội học tập")
    targets = {}
    for kind, city, unit in (("in scope", HN, WARD), ("other unit", HN, OTHER_WARD), ("other city", VINH, VINH_WARD)):
        view = api.add_evidence(ws, setup, city, {"kind": "plan", "title": f"Kế hoạch học tập {unit}",
                                                  "unit": unit, "status": "submitted"},
                                catalogue, links=[(LINKED, "the city's plan")], files=[str(note)])
        targets[kind] = Target(kind, city, unit, view.code)
    for city in (HN, VINH):
        api.mark_not_applicable(ws, setup, city, MARKED, "no such body exists in this city", catalogue)
    with ws.session() as session:
        ids = {c.name: c.id for c in session.exec(select(City))}
        ids |= {u.name: u.id for u in session.exec(select(Unit))}
        accounts = {}
        for role, name in NAMES.items():
            account = Account(name=name, display_name=name)
            session.add(account)
            session.flush()
            accounts[role] = account.id
    grants = {
        "admin": (Grant(Role.ADMIN),),
        "coordinator": (Grant(Role.COORDINATOR, city_id=ids[HN]),),
        "contributor": (Grant(Role.CONTRIBUTOR, city_id=ids[HN], unit_id=ids[DISTRICT]),),
        "reviewer": (Grant(Role.REVIEWER, city_id=ids[HN]),),
        "viewer": (Grant(Role.VIEWER, city_id=ids[HN]),),
    }
    actors = {role: Actor(NAMES[role], accounts[role], grants[role]) for role in ROLES}
    return World(ws, tmp, actors, targets, ids, itertools.count(1))


@pytest.fixture
def world(ws, tmp_path, catalogue) -> World:
    return build_world(ws, tmp_path, catalogue)


# ---------------------------------------------------------------------------------------------
# One call per use case, on a target; "filtered" ones also say whether the target was in the answer.

Call = Callable[[World, Actor, Target, Any], Any]
#: Use cases that act on the workspace, not on a city: run once, their target left aside.
WORKSPACE_LEVEL = {"describe_workspace", "check_store", "move_files", "add_city", "comments_waiting", "home_for"}
#: Use cases that act on a city as a whole (no unit, no record): run in scope and on another city.
CITY_LEVEL = {"list_cities", "show_city", "set_profile", "add_unit", "list_units", "audit_log", "mark_not_applicable",
              "unmark_not_applicable", "not_applicable_marks", "draft_document", "photo_checks", "export_city",
              "make_template", "score_report", "gaps_report", "due_report", "city_overview", "make_dossier",
              "current_fingerprint", "dossier_fingerprint", "dossier_city", "listing_choices"}


def targets_of(use_case: str) -> tuple[str, ...]:
    """The targets a use case is tried on: a unit's or record's use case on another unit of the city too."""
    if use_case in WORKSPACE_LEVEL:
        return ("in scope",)
    if use_case in CITY_LEVEL:
        return ("in scope", "other city")
    return ("in scope", "other unit", "other city")


def _import(w: World, a: Actor, t: Target, cat: Any) -> Any:
    csv = _file(w.tmp, f"ward-{w.n()}.csv", f"kind,title,unit\nevent,Ngày hội học tập {w.n()},{t.unit}\n")
    return api.import_evidence(w.ws, a, api.ImportSource(csv), cat, city=t.city)


def _draft(w: World, a: Actor, t: Target, cat: Any) -> Any:
    doc = _file(w.tmp, f"ke-hoach-{w.n()}.txt",
                "Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2025.\n"
                "Từ ngày 1 đến 7/10/2025, các phường tổ chức ngày hội học tập cho 5.000 người dân.\n")
    return api.draft_document(w.ws, a, t.city, doc, cat)


CALLS: dict[str, Call] = {
    "describe_workspace": lambda w, a, t, cat: api.describe_workspace(w.ws, a),
    "check_store": lambda w, a, t, cat: api.check_store(w.ws, a),
    "move_files": lambda w, a, t, cat: api.move_files(
        w.ws, a, "database" if store_kind(w.ws) == "folder" else "folder", only_this_machine=True),
    "add_city": lambda w, a, t, cat: api.add_city(w.ws, a, f"Huế {w.n()}", "VN"),
    "list_cities": lambda w, a, t, cat: t.city in [c.name for c in api.list_cities(w.ws, a)],
    "show_city": lambda w, a, t, cat: api.show_city(w.ws, a, t.city),
    "set_profile": lambda w, a, t, cat: api.set_profile(w.ws, a, t.city, "website", f"https://example.org/{w.n()}"),
    "add_unit": lambda w, a, t, cat: api.add_unit(w.ws, a, t.city, f"Phường Mới {w.n()}", "ward"),
    "list_units": lambda w, a, t, cat: api.list_units(w.ws, a, t.city),
    "audit_log": lambda w, a, t, cat: api.audit_log(w.ws, a, t.city),
    "add_evidence": lambda w, a, t, cat: api.add_evidence(
        w.ws, a, t.city, {"kind": "event", "title": f"Ngày hội {w.n()}", "unit": t.unit}, cat),
    "get_evidence": lambda w, a, t, cat: api.get_evidence(w.ws, a, t.code),
    "show_evidence": lambda w, a, t, cat: api.show_evidence(w.ws, a, t.code),
    "list_evidence": lambda w, a, t, cat: t.code in [v.code for v in api.list_evidence(w.ws, a)],
    "page_evidence": lambda w, a, t, cat: t.code in [v.code for v in api.page_evidence(w.ws, a, limit=500).views],
    "page_lines": lambda w, a, t, cat: t.code in [v.code for v in api.page_lines(w.ws, a, limit=500).lines],
    "listing_choices": lambda w, a, t, cat: t.city in api.listing_choices(w.ws, a, t.city).cities,
    "evidence_listing": lambda w, a, t, cat: t.code in [
        v.code for v in api.evidence_listing(w.ws, a, api.EvidenceFilter(city=t.city), limit=500).page.lines],
    "edit_evidence": lambda w, a, t, cat: api.edit_evidence(w.ws, a, t.code, {"summary": f"Đã sửa {w.n()}"}),
    "link_evidence": lambda w, a, t, cat: api.link_evidence(w.ws, a, t.code, ["kflc:2.6.1"], "the week", cat),
    "unlink_evidence": lambda w, a, t, cat: api.unlink_evidence(w.ws, a, t.code, [LINKED]),
    "attach_files": lambda w, a, t, cat: api.attach_files(
        w.ws, a, t.code, [str(_file(w.tmp, f"anh-{w.n()}.txt", f"ảnh {w.n()}"))]),
    "detach_file": lambda w, a, t, cat: api.detach_file(w.ws, a, t.code, "bien-ban.txt"),
    "verify_records": lambda w, a, t, cat: api.verify_records(w.ws, a, [t.code]),
    "reject_record": lambda w, a, t, cat: api.reject_record(w.ws, a, t.code, "the signed copy is missing"),
    "add_comment": lambda w, a, t, cat: api.add_comment(w.ws, a, t.code, f"Xin gửi bản có chữ ký {w.n()}"),
    "list_comments": lambda w, a, t, cat: api.list_comments(w.ws, a, t.code),
    "comments_waiting": lambda w, a, t, cat: api.comments_waiting(w.ws, a),
    "home_for": lambda w, a, t, cat: api.home_for(w.ws, a, cat),
    "remove_evidence": lambda w, a, t, cat: api.remove_evidence(w.ws, a, t.code),
    "mark_not_applicable": lambda w, a, t, cat: api.mark_not_applicable(
        w.ws, a, t.city, "kflc:1.1.1", "the city has no such council at all", cat),
    "unmark_not_applicable": lambda w, a, t, cat: api.unmark_not_applicable(w.ws, a, t.city, MARKED, cat),
    "not_applicable_marks": lambda w, a, t, cat: api.not_applicable_marks(w.ws, a, t.city),
    "draft_document": _draft,
    "photo_checks": lambda w, a, t, cat: api.photo_checks(w.ws, a, t.city),
    "suggest_for_record": lambda w, a, t, cat: api.suggest_for_record(w.ws, a, t.code, cat),
    "import_evidence": _import,
    "export_city": lambda w, a, t, cat: api.export_city(w.ws, a, t.city, w.tmp / "out" / f"export-{w.n()}.zip"),
    "make_template": lambda w, a, t, cat: api.make_template(w.ws, a, cat, "en", city=t.city,
                                                            output=w.tmp / "mau.xlsx"),
    "score_report": lambda w, a, t, cat: api.score_report(w.ws, a, cat, t.city),
    "gaps_report": lambda w, a, t, cat: api.gaps_report(w.ws, a, cat, t.city),
    "due_report": lambda w, a, t, cat: api.due_report(w.ws, a, cat, t.city),
    "city_overview": lambda w, a, t, cat: api.city_overview(w.ws, a, cat, t.city),
    "make_dossier": lambda w, a, t, cat: api.make_dossier(
        w.ws, a, cat, t.city, w.tmp / "out" / f"dossier-{w.n()}.html", api.DossierOptions(fmt="html")),
    "current_fingerprint": lambda w, a, t, cat: api.current_fingerprint(w.ws, a, t.city),
    "dossier_fingerprint": lambda w, a, t, cat: api.dossier_fingerprint(w.ws, a, t.city),
    "dossier_city": lambda w, a, t, cat: api.dossier_city(w.ws, a, t.city),
    "record_actions": lambda w, a, t, cat: t.code in api.record_actions(w.ws, a, [t.code]),
    "record_sheet": lambda w, a, t, cat: api.record_sheet(w.ws, a, t.code, cat),
    "evidence_to_change": lambda w, a, t, cat: api.evidence_to_change(w.ws, a, t.code),
    "contributable_units": lambda w, a, t, cat: api.contributable_units(w.ws, a, t.city),
    "read_attachment": lambda w, a, t, cat: b"".join(api.read_attachment(w.ws, a, t.code, "1").blocks),
}


#: The use cases that act on one record, named by its id.
RECORD_LEVEL = {"get_evidence", "show_evidence", "edit_evidence", "link_evidence", "unlink_evidence", "attach_files",
                "detach_file", "verify_records", "reject_record", "add_comment", "list_comments", "remove_evidence",
                "suggest_for_record", "record_sheet", "evidence_to_change", "read_attachment"}


def allowed(cell: str, target: str) -> bool:
    """What the README says of a cell on a target (see its words above the table)."""
    return {"yes": True, "filtered": True, "no": False,
            "in scope": target != "other city", "own units": target == "in scope"}[cell]


def _out_files(w: World) -> list[Path]:
    out = w.tmp / "out"
    return sorted(out.iterdir()) if out.exists() else []


@pytest.mark.parametrize(("use_case", "role"), [(u, r) for u in TABLE for r in ROLES], ids=lambda v: v)
def test_the_matrix(use_case, role, world, catalogue, state):
    """Each cell of the README's table, on a target in scope, on another unit and on another city:
    allowed calls succeed; refused ones raise PermissionDeniedError naming the right and change nothing,
    except on a record of a city the person may not read, which is answered as an unused id."""
    row, cell, actor = TABLE[use_case], TABLE[use_case][role], world.actors[role]
    call = CALLS[use_case]
    for kind in targets_of(use_case):
        target = world.targets[kind]
        if allowed(cell, kind):
            result = call(world, actor, target, catalogue)
            assert result is not None
            if cell == "filtered":  # the answer holds the target exactly when it is in scope
                assert result is (kind != "other city"), (use_case, role, kind)
            elif row.get(role) == "yes" and isinstance(result, bool):
                assert result, (use_case, role, kind)
        elif use_case in RECORD_LEVEL and kind == "other city":
            # a record of a city one may not read is answered as an id nobody has, in the same words:
            # trying ids tells nothing of another city's records
            before, files = state(), _out_files(world)
            with pytest.raises(NotFoundError) as hidden:
                call(world, actor, target, catalogue)
            assert str(hidden.value) == f"no evidence {target.code}; see `readiness evidence list`", use_case
            assert state() == before and _out_files(world) == files, (use_case, role, kind)
        else:
            before, files = state(), _out_files(world)
            with pytest.raises(PermissionDeniedError) as refused:
                call(world, actor, target, catalogue)
            message = str(refused.value)
            assert refused.value.right == row["needs"], (use_case, role, kind, message)
            assert f"{actor.name} may not {row['needs']}" in message and "\n" not in message
            assert state() == before and _out_files(world) == files, (use_case, role, kind)


def test_the_matrix_runs_at_least_sixty_cases():
    """Every role on every target it has: well over the sixty cases the issue asks for."""
    assert WORKSPACE_LEVEL | CITY_LEVEL <= set(TABLE)
    cases = sum(len(ROLES) * len(targets_of(u)) for u in TABLE)
    assert cases >= 300 and len(TABLE) * len(ROLES) >= 60


# ---------------------------------------------------------------------------------------------
# The four-eyes rule


def _updated_by(ws, code: str) -> str | None:
    with ws.session() as session:
        return session.exec(select(Evidence.updated_by).where(Evidence.code == code)).one()


def test_the_creator_may_not_verify_or_reject_their_own_record(world, catalogue, state):
    """A coordinator who added a record cannot verify or reject it; a reviewer of the city can."""
    coordinator, reviewer = world.actors["coordinator"], world.actors["reviewer"]
    view = api.add_evidence(world.ws, coordinator, HN, {"kind": "plan", "title": "Kế hoạch 11/KH-UBND",
                                                        "unit": WARD}, catalogue)
    assert _updated_by(world.ws, view.code) == "Hoa"
    before = state()
    for attempt in (lambda: api.verify_records(world.ws, coordinator, [view.code]),
                    lambda: api.reject_record(world.ws, coordinator, view.code, "not signed")):
        with pytest.raises(PermissionDeniedError, match="they created it") as refused:
            attempt()
        assert refused.value.right == Right.REVIEW.value and "four eyes" in str(refused.value)
    assert state() == before
    assert api.verify_records(world.ws, reviewer, [view.code])[0].row.status == "verified"


@pytest.mark.parametrize("change", ["edit", "link", "unlink", "attach", "detach"])
def test_whoever_last_changed_a_record_may_not_verify_it(world, catalogue, change, state):
    """Each change of content makes its author the last changer, who may then not verify it; another
    reviewer may."""
    coordinator, reviewer = world.actors["coordinator"], world.actors["reviewer"]
    code = world.targets["in scope"].code
    assert _updated_by(world.ws, code) == "setup"
    {"edit": lambda: api.edit_evidence(world.ws, coordinator, code, {"organiser": "Sở GD&ĐT"}),
     "link": lambda: api.link_evidence(world.ws, coordinator, code, ["kflc:2.6.1"], None, catalogue),
     "unlink": lambda: api.unlink_evidence(world.ws, coordinator, code, [LINKED]),
     "attach": lambda: api.attach_files(world.ws, coordinator, code, [str(_file(world.tmp, "a.txt", "ảnh"))]),
     "detach": lambda: api.detach_file(world.ws, coordinator, code, "bien-ban.txt")}[change]()
    assert _updated_by(world.ws, code) == "Hoa"
    before = state()
    with pytest.raises(PermissionDeniedError, match="they changed it"):
        api.verify_records(world.ws, coordinator, [code])
    assert state() == before
    assert api.verify_records(world.ws, reviewer, [code])[0].row.status == "verified"
    assert _updated_by(world.ws, code) == "Hoa"  # a review decision changes no one's last change


@pytest.mark.parametrize("status", ["verified", "rejected", "Đã xác minh"])
def test_nobody_adds_a_record_already_reviewed(world, catalogue, state, status):
    """A review decision is made by a review (the right to review, four eyes), never by adding a
    record with that status: a contributor's record arrives as draft or submitted only."""
    from readiness.errors import InvalidValueError

    contributor = world.actors["contributor"]
    before = state()
    with pytest.raises(InvalidValueError, match="only by a review"):
        api.add_evidence(world.ws, contributor, HN, {"kind": "report", "title": "Báo cáo", "status": status,
                                                     "unit": world.targets["in scope"].unit}, catalogue)
    assert state() == before


def test_a_colleagues_later_edit_does_not_let_the_author_verify(world, catalogue):
    """The coordinator rewrites the title, then a contributor adds a tag (now the last changer):
    the coordinator changed it since it was last verified and still may not verify it; once another
    reviewer has verified it, a new change by someone else leaves the coordinator free to review."""
    coordinator, reviewer = world.actors["coordinator"], world.actors["reviewer"]
    contributor = world.actors["contributor"]
    code = world.targets["in scope"].code
    api.edit_evidence(world.ws, coordinator, code, {"title": "Kế hoạch đã sửa"})
    api.edit_evidence(world.ws, contributor, code, {"tags": ["case-study"]})
    assert _updated_by(world.ws, code) == contributor.name
    with pytest.raises(PermissionDeniedError, match="they changed it"):
        api.verify_records(world.ws, coordinator, [code])
    assert api.verify_records(world.ws, reviewer, [code])[0].row.status == "verified"
    api.edit_evidence(world.ws, contributor, code, {"organiser": "Phường Kim Mã"})
    assert api.verify_records(world.ws, coordinator, [code])[0].row.status == "verified"


def test_a_status_change_does_not_make_its_author_the_last_changer(world, catalogue):
    """Submitting a record (a status change) leaves updated_by alone: the coordinator may still verify it."""
    coordinator = world.actors["coordinator"]
    code = world.targets["in scope"].code
    api.edit_evidence(world.ws, coordinator, code, {"status": "draft"})
    api.edit_evidence(world.ws, coordinator, code, {"status": "submitted"})
    assert _updated_by(world.ws, code) == "setup"
    assert api.verify_records(world.ws, coordinator, [code])[0].row.status == "verified"


def test_verifying_several_records_refuses_all_when_one_is_refused(world, catalogue, state):
    """A reviewer who also contributes to a ward changed one of the records: none of them is verified."""
    reviewer = world.actors["reviewer"]
    both = Actor(reviewer.name, reviewer.account_id,
                 (*reviewer.grants, Grant(Role.CONTRIBUTOR, city_id=world.ids[HN], unit_id=world.ids[OTHER_WARD])))
    mine, other = world.targets["in scope"].code, world.targets["other unit"].code
    api.edit_evidence(world.ws, both, other, {"organiser": "Phường Hàng Trống"})
    before = state()
    with pytest.raises(PermissionDeniedError, match=f"{other}: they changed it"):
        api.verify_records(world.ws, both, [mine, other])
    assert state() == before
    assert [v.row.status for v in api.verify_records(world.ws, both, [mine])] == ["verified"]


def test_an_imported_record_was_last_changed_by_its_importer(world, catalogue):
    """A file may name anyone as a record's creator, so the importer counts as its last changer."""
    coordinator = world.actors["coordinator"]
    yaml_file = _file(world.tmp, "ward.yaml", (
        "format: readiness-evidence/1\ncity: {name: Hà Nội}\nrecords:\n"
        "  - kind: plan\n    title: {vi: Kế hoạch của phường}\n    unit: Phường Kim Mã\n"
        "    status: submitted\n    created_by: Someone Else\n"))
    outcome = api.import_evidence(world.ws, coordinator, api.ImportSource(yaml_file), catalogue)
    code = outcome.added[0]
    assert _updated_by(world.ws, code) == "Hoa"
    with pytest.raises(PermissionDeniedError, match="they changed it"):
        api.verify_records(world.ws, coordinator, [code])


# ---------------------------------------------------------------------------------------------
# Scopes beyond the matrix


def test_a_contributor_moves_a_record_only_between_their_own_units(world, state):
    """Moving a record needs the right in the unit it leaves and in the one it goes to."""
    lan = world.actors["contributor"]
    code = world.targets["in scope"].code
    before = state()
    with pytest.raises(PermissionDeniedError, match=f"to {OTHER_WARD}") as refused:
        api.edit_evidence(world.ws, lan, code, {"unit": OTHER_WARD})
    assert refused.value.right == Right.CONTRIBUTE.value and state() == before
    with pytest.raises(PermissionDeniedError, match="to no unit"):
        api.edit_evidence(world.ws, lan, code, {"unit": ""})
    assert api.edit_evidence(world.ws, lan, code, {"unit": DISTRICT}).unit == DISTRICT  # up to their own unit


def test_a_refused_import_names_its_rows_and_imports_nothing(world, catalogue, state):
    """A contributor's file with rows outside their units is refused whole, naming those rows."""
    lan = world.actors["contributor"]
    csv = _file(world.tmp, "phuong.csv", "kind,title,unit\n"
                f"event,Ngày hội 1,{WARD}\nevent,Ngày hội 2,{OTHER_WARD}\nevent,Ngày hội 3,\n")
    before = state()
    with pytest.raises(PermissionDeniedError) as refused:
        api.import_evidence(world.ws, lan, api.ImportSource(csv), catalogue, city=HN)
    message = str(refused.value)
    assert "Lan may not contribute evidence for 2 record(s) of phuong.csv (row or line 3, 4)" in message
    assert state() == before
    with pytest.raises(PermissionDeniedError, match="adds units"):  # a new unit is the coordinator's
        api.import_evidence(world.ws, lan, api.ImportSource(_file(world.tmp, "u.yaml", (
            "format: readiness-evidence/1\ncity: {name: Hà Nội}\nunits:\n  - {name: Phường Mới, kind: ward}\n"
            "records: []\n"))), catalogue)
    assert state() == before


def test_a_contributor_lists_only_the_cities_they_may_read(world, catalogue):
    """Listings filter by the cities a person may read instead of refusing."""
    lan = world.actors["contributor"]
    assert [c.name for c in api.list_cities(world.ws, lan)] == [HN]
    assert {v.city for v in api.list_evidence(world.ws, lan)} == {HN}
    assert {m.city for m in api.not_applicable_marks(world.ws, lan)} == {HN}
    assert {c.city for c in api.score_report(world.ws, lan, catalogue, None).cards} == {HN}
    events = api.audit_log(world.ws, lan, limit=1000)
    assert events and {e.city_id for e in events} == {world.ids[HN]}
    with world.ws.session() as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.city_id == world.ids[VINH])).first()
    admin = world.actors["admin"]
    assert [c.name for c in api.list_cities(world.ws, admin)] == [HN, VINH]
    with pytest.raises(PermissionDeniedError, match=f"may not read in {VINH}"):
        api.list_evidence(world.ws, lan, api.EvidenceFilter(city=VINH))


def test_a_viewer_of_every_city_reads_everywhere_and_changes_nothing(world, catalogue):
    """A viewer with no city reads every city and holds no other right."""
    ministry = Actor("Bộ", world.actors["viewer"].account_id, (Grant(Role.VIEWER),))
    assert [c.name for c in api.list_cities(world.ws, ministry)] == [HN, VINH]
    assert api.show_city(world.ws, ministry, VINH).city.name == VINH
    with pytest.raises(PermissionDeniedError, match="may not review evidence"):
        api.verify_records(world.ws, ministry, [world.targets["other city"].code])


def test_nobody_acts_signed_out_once_the_workspace_has_accounts(world, catalogue, state):
    """An actor without an account is refused before any name is looked up (a wrong one included)."""
    machine = Actor("tester")
    before = state()
    for attempt in (lambda: api.list_cities(world.ws, machine),
                    lambda: api.show_city(world.ws, machine, "Atlantis"),
                    lambda: api.get_evidence(world.ws, machine, "HN-0099"),
                    lambda: api.verify_records(world.ws, machine, [world.targets["in scope"].code]),
                    lambda: api.describe_workspace(world.ws, machine),
                    lambda: api.audit_log(world.ws, machine),
                    lambda: api.score_report(world.ws, machine, catalogue, None),
                    lambda: api.import_evidence(world.ws, machine, api.ImportSource(
                        _file(world.tmp, "x.csv", f"kind,title,unit\nevent,Ngày hội,{WARD}\n")), catalogue, city=HN)):
        with pytest.raises(NotSignedInError, match="sign in first"):
            attempt()
    assert state() == before


def test_a_workspace_without_accounts_lets_its_one_person_do_everything(ws, catalogue):
    """No account: the machine's user adds, verifies their own record and prunes, as before accounts."""
    me = Actor("tester")
    api.add_city(ws, me, HN, "VN", "HN")
    view = api.add_evidence(ws, me, HN, {"kind": "plan", "title": "Kế hoạch"}, catalogue)
    assert api.verify_records(ws, me, [view.code])[0].row.status == "verified"
    assert api.check_store(ws, me, prune=True).ok
    assert [c.name for c in api.list_cities(ws, me)] == [HN]


def test_a_refusal_on_the_command_line_is_one_line(run, settings):
    """Once an account exists, the machine's user is refused: one error line, exit code 1, no traceback."""
    from readiness.store.db import open_workspace

    assert run("city", "add", HN, "--country", "VN").exit_code == 0
    with open_workspace(settings) as ws, ws.session() as session:
        session.add(Account(name="Hoa", display_name="Hoa"))
    result = run("city", "list")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "sign in" in result.stderr and "Traceback" not in result.stderr


def test_a_city_typed_wrong_is_answered_with_the_cities_one_may_read_only(world) -> None:
    """"no city ...; known: ..." and "did you mean ..." name only the cities the person may read:
    a Hà Nội coordinator is not told that Vinh is in the workspace."""
    from readiness.errors import NotFoundError

    coordinator, admin = world.actors["coordinator"], world.actors["admin"]
    with pytest.raises(NotFoundError) as refused:
        api.list_units(world.ws, coordinator, "Huế")
    assert HN in str(refused.value) and VINH not in str(refused.value)
    with pytest.raises(NotFoundError) as close:
        api.list_units(world.ws, coordinator, "Vinhh")
    assert "did you mean" not in str(close.value) and str(close.value).endswith(f"known: {HN}")
    with pytest.raises(NotFoundError) as meant:  # an admin may read Vinh: it is offered
        api.list_units(world.ws, admin, "Vinhh")
    assert str(meant.value).endswith(f"did you mean {VINH}?")
    with pytest.raises(NotFoundError) as told:  # someone who may read every city is told of them all
        api.list_units(world.ws, admin, "Huế")
    assert HN in str(told.value) and VINH in str(told.value)
