"""People and roles: accounts, sign-in sessions, who manages whom, comments, and the command line
acting as the signed-in person once a workspace has accounts."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from readiness import accounts
from readiness.access import Actor, Role
from readiness.accounts import (
    SIGN_IN_REFUSED,
    actor_for_session,
    add_account,
    disable_account,
    list_accounts,
    set_account,
    set_password,
    sign_in,
    sign_out,
)
from readiness.cli import cli
from readiness.comments import add_comment, list_comments
from readiness.config import Settings
from readiness.errors import InvalidValueError, NotFoundError, NotSignedInError, PermissionDeniedError
from readiness.store.models import Account, AuditEvent, LoginSession

MACHINE = Actor("tester")
PW = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with small parameters: the tests check the rules, not the cost of a hash."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: cheap)


@pytest.fixture
def hanoi(hanoi_ws, ws):
    """The Hanoi sample, a second city (Huế), and the workspace open; no account yet."""
    from readiness.cities import add_city

    add_city(ws, MACHINE, "Huế", "VN", "HUE")
    return ws


def signed(ws, name: str, password: str = PW) -> Actor:
    return actor_for_session(ws, sign_in(ws, name, password).token)


@pytest.fixture
def people(hanoi):
    """An admin (lan), Hanoi's coordinator (minh), a contributor of Chương Mỹ (ward), a reviewer
    of Hanoi (hoa) and a viewer of Huế (viet); each signed in."""
    ws = hanoi
    add_account(ws, MACHINE, "lan", "Nguyễn Thị Lan", roles=["admin"], password=PW)
    lan = signed(ws, "lan")
    add_account(ws, lan, "minh", "Trần Văn Minh", roles=["coordinator:HN"], password=PW)
    add_account(ws, lan, "ward", "Chương Mỹ", roles=["contributor:Hà Nội/Chương Mỹ"], password=PW)
    add_account(ws, lan, "hoa", roles=["reviewer:HN"], password=PW)
    add_account(ws, lan, "viet", roles=["viewer:Huế"], password=PW)
    return {name: signed(ws, name) for name in ("lan", "minh", "ward", "hoa", "viet")}


def _runner(settings: Settings, user: str = "tester"):
    def invoke(*args: str, input: str | None = None):
        env = {"READINESS_WORKSPACE": str(settings.workspace), "READINESS_USER": user}
        if not settings.is_sqlite:
            env["READINESS_DATABASE_URL"] = settings.database_url
        return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


# ---------------------------------------------------------------------------------------------
# Adding, listing, changing and disabling accounts


def test_the_first_account_must_be_an_admin_and_the_machine_user_may_add_it(hanoi) -> None:
    """No account yet: the machine's user adds the first, which must be an admin; then it may not add more."""
    with pytest.raises(InvalidValueError, match="first account of a workspace must be an admin"):
        add_account(hanoi, MACHINE, "minh", roles=["coordinator:HN"], password=PW)
    view = add_account(hanoi, MACHINE, "lan", "Nguyễn Thị Lan", email="lan@hanoi.gov.vn", roles=["admin"],
                       password=PW)
    assert (view.name, view.display_name, view.roles, view.active) == ("lan", "Nguyễn Thị Lan", ["admin"], True)
    with pytest.raises(NotSignedInError, match="sign in first"):
        add_account(hanoi, MACHINE, "minh", roles=["coordinator:HN"], password=PW)


def test_add_list_set_and_disable(people, ws) -> None:
    """An admin adds, lists, changes and disables accounts; roles read back as they are typed."""
    lan = people["lan"]
    assert [a.name for a in list_accounts(ws, lan)] == ["hoa", "lan", "minh", "viet", "ward"]
    ward = next(a for a in list_accounts(ws, lan) if a.name == "ward")
    assert ward.roles == ["contributor:Hà Nội/UBND huyện Chương Mỹ"] and ward.has_password
    changed = set_account(ws, lan, "hoa", display_name="Lê Thị Hoa", email="hoa@example.vn", language="vi",
                          grant=["viewer"], revoke=["reviewer:Hà Nội"])
    assert (changed.display_name, changed.email, changed.language, changed.roles) == (
        "Lê Thị Hoa", "hoa@example.vn", "vi", ["viewer"])
    assert set_account(ws, lan, "hoa", email="").email is None
    assert disable_account(ws, lan, "hoa").active is False
    assert set_account(ws, lan, "hoa", active=True).active is True


def test_names_are_checked_and_never_reused(people, ws) -> None:
    """A sign-in name is plain lower-case ASCII (a hint for an accented one) and unique."""
    with pytest.raises(InvalidValueError, match="such as 'nguyen.lan'"):
        add_account(ws, people["lan"], "Nguyễn Lan", roles=["viewer"], password=PW)
    with pytest.raises(InvalidValueError, match="exists already"):
        add_account(ws, people["lan"], "MINH", roles=["viewer"], password=PW)
    with pytest.raises(InvalidValueError, match="control or invisible"):
        add_account(ws, people["lan"], "mai", "Mai\u202e", roles=["viewer"], password=PW)


@pytest.mark.parametrize(("typed", "message"), [
    ("admin:HN", "admin has no city"),
    ("coordinator", "coordinator:CITY"),
    ("contributor:HN", "contributor:CITY/UNIT"),
    ("boss:HN", "'boss' is not a role"),
])
def test_a_badly_written_role_is_refused_with_how_to_write_it(typed: str, message: str) -> None:
    """Each role's scope has one shape; a wrong one is refused saying the right one."""
    with pytest.raises(InvalidValueError, match=message):
        accounts.RoleSpec.parse(typed)


def test_the_last_active_admin_keeps_the_role_and_stays_active(people, ws) -> None:
    """Nobody removes the last active admin; with a second admin, the first may go."""
    lan = people["lan"]
    with pytest.raises(InvalidValueError, match="last active admin"):
        disable_account(ws, lan, "lan")
    with pytest.raises(InvalidValueError, match="last active admin"):
        set_account(ws, lan, "lan", grant=["viewer"], revoke=["admin"])
    set_account(ws, lan, "minh", grant=["admin"])
    assert disable_account(ws, lan, "lan").active is False


def test_a_coordinator_manages_only_the_people_of_their_city(people, ws) -> None:
    """Hanoi's coordinator adds and changes Hanoi's people, never admins, other cities or everyone's viewers."""
    minh = people["minh"]
    added = add_account(ws, minh, "ward2", roles=["contributor:HN/Phan Huy Chú"], password=PW)
    assert added.roles == ["contributor:Hà Nội/Trường THPT Phan Huy Chú - Đống Đa"]
    for roles in (["viewer:Huế"], ["viewer"]):
        with pytest.raises(PermissionDeniedError, match="may not manage accounts") as refused:
            add_account(ws, minh, "other", roles=roles, password=PW)
        assert refused.value.right == "manage accounts"
    # Whoever reviews is made by an admin only: else a coordinator's second account could verify
    # what the coordinator wrote (four eyes).
    for roles in (["admin"], ["reviewer:HN"], ["coordinator:HN"]):
        with pytest.raises(PermissionDeniedError, match="may not administer the workspace.*it reviews") as refused:
            add_account(ws, minh, "other", roles=roles, password=PW)
        assert refused.value.right == "administer the workspace"
    with pytest.raises(PermissionDeniedError):
        set_account(ws, minh, "ward2", grant=["admin"])
    with pytest.raises(PermissionDeniedError):
        disable_account(ws, minh, "lan")
    with pytest.raises(PermissionDeniedError):
        disable_account(ws, minh, "viet")
    assert disable_account(ws, minh, "ward2").active is False
    assert [a.name for a in list_accounts(ws, minh)] == ["hoa", "minh", "ward", "ward2"]


def test_people_who_manage_no_account_may_not_list_or_change_others(people, ws) -> None:
    """A contributor is refused the account list and others' accounts, naming the missing right."""
    ward = people["ward"]
    with pytest.raises(PermissionDeniedError, match="ward may not manage accounts"):
        list_accounts(ws, ward)
    with pytest.raises(PermissionDeniedError):
        set_account(ws, ward, "hoa", display_name="Hoa")
    with pytest.raises(PermissionDeniedError):
        set_account(ws, ward, "ward", grant=["coordinator:HN"])


def test_everyone_changes_their_own_name_email_and_language(people, ws) -> None:
    """Self-service needs no right to manage accounts."""
    view = set_account(ws, people["ward"], "ward", display_name="Phường Chương Mỹ", email="cm@hanoi.vn",
                       language="vi")
    assert (view.display_name, view.email, view.language) == ("Phường Chương Mỹ", "cm@hanoi.vn", "vi")


def test_a_failed_change_leaves_the_workspace_as_it_was(people, ws, state) -> None:
    """A refused add (an unknown unit) and a refused role change keep every row as it was."""
    before = state()
    with pytest.raises(NotFoundError):
        add_account(ws, people["lan"], "mai", roles=["viewer", "contributor:HN/Nowhere"], password=PW)
    with pytest.raises(InvalidValueError, match="does not hold the role"):
        set_account(ws, people["lan"], "hoa", display_name="Hoa", revoke=["viewer"])
    assert state() == before


# ---------------------------------------------------------------------------------------------
# Passwords and sessions


def test_a_session_stores_only_the_hash_of_its_token(people, ws) -> None:
    """The workspace keeps the SHA-256 of a token, never the token, and never a password in clear."""
    opened = sign_in(ws, "hoa", PW)
    with ws.session() as session:
        stored = {row.token_sha256 for row in session.exec(select(LoginSession))}
        hashes = {a.password_hash for a in session.exec(select(Account))}
    assert hashlib.sha256(opened.token.encode()).hexdigest() in stored and opened.token not in stored
    assert all(h and h.startswith("$argon2id$") and PW not in h for h in hashes)


def test_wrong_password_and_unknown_name_get_the_same_answer(people, ws) -> None:
    """The refusal does not tell whether the name exists."""
    answers = []
    for name, password in (("hoa", "wrong password!"), ("nobody", "wrong password!"), ("hoa", ""), ("", PW)):
        with pytest.raises(NotSignedInError) as refused:
            sign_in(ws, name, password)
        answers.append(str(refused.value))
    assert set(answers) == {SIGN_IN_REFUSED}


def test_an_unknown_name_costs_what_a_known_one_does(people, ws, monkeypatch: pytest.MonkeyPatch) -> None:
    """One argon2 check and no hashing for a known name, an unknown one and one without a password;
    the dummy hash has the default parameters, so its check costs what a real one does."""
    from argon2 import PasswordHasher

    assert not PasswordHasher().check_needs_rehash(accounts._DUMMY_HASH)
    add_account(ws, people["lan"], "nopw", roles=["viewer"])
    real = accounts._hasher()
    accounts._dummy_hash()  # made once per process (here: with the tests' cheap parameters), before counting
    calls: list[str] = []

    class Spy:
        def verify(self, stored: str, password: str) -> bool:
            calls.append("verify")
            return real.verify(stored, password)

        def hash(self, password: str) -> str:
            calls.append("hash")
            return real.hash(password)

        def check_needs_rehash(self, stored: str) -> bool:
            return real.check_needs_rehash(stored)

    monkeypatch.setattr(accounts, "_hasher", lambda: Spy())
    for name in ("hoa", "nobody", "nopw"):
        calls.clear()
        with pytest.raises(NotSignedInError):
            sign_in(ws, name, "not the password")
        assert calls == ["verify"], name


def test_sign_out_ends_the_session(people, ws) -> None:
    """After sign_out the token is refused; a second sign_out finds nothing to end."""
    opened = sign_in(ws, "hoa", PW)
    assert actor_for_session(ws, opened.token).grants[0].role is Role.REVIEWER
    assert sign_out(ws, opened.token) == "hoa"
    with pytest.raises(NotSignedInError, match="session ended"):
        actor_for_session(ws, opened.token)
    assert sign_out(ws, opened.token) is None


def test_an_expired_session_is_refused(people, ws) -> None:
    """A session past its expiry is refused, saying when it expired."""
    import datetime as dt

    opened = sign_in(ws, "hoa", PW, hours=1)
    with ws.session() as session:
        row = session.exec(select(LoginSession).where(
            LoginSession.token_sha256 == hashlib.sha256(opened.token.encode()).hexdigest())).one()
        row.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
        session.add(row)
    with pytest.raises(NotSignedInError, match="session expired at"):
        actor_for_session(ws, opened.token)


def test_a_disabled_account_cannot_act_or_sign_in(people, ws) -> None:
    """Disabling ends the account's sessions; a correct password then says the account is disabled."""
    opened = sign_in(ws, "hoa", PW)
    disable_account(ws, people["lan"], "hoa")
    with pytest.raises(NotSignedInError, match="hoa is disabled"):
        actor_for_session(ws, opened.token)
    with pytest.raises(NotSignedInError, match="hoa is disabled"):
        sign_in(ws, "hoa", PW)
    with pytest.raises(NotSignedInError, match="name or the password is wrong"):
        sign_in(ws, "hoa", "not the password")


def test_own_password_needs_the_current_one_and_ends_older_sessions(people, ws) -> None:
    """Changing one's password needs the current one; sessions opened before are refused after."""
    hoa = people["hoa"]
    with pytest.raises(InvalidValueError, match="current password is wrong"):
        set_password(ws, hoa, None, "a new long password", current_password="guess guess")
    with pytest.raises(InvalidValueError, match="at least 10"):
        set_password(ws, hoa, None, "short", current_password=PW)
    set_password(ws, hoa, None, "a new long password", current_password=PW)
    with pytest.raises(NotSignedInError):
        signed(ws, "hoa")
    assert signed(ws, "hoa", "a new long password").name == "hoa"


def test_managers_reset_passwords_within_their_scope(people, ws) -> None:
    """The coordinator resets their city's people's passwords, not an admin's."""
    set_password(ws, people["minh"], "ward", "reset by minh 123")
    assert signed(ws, "ward", "reset by minh 123").name == "ward"
    with pytest.raises(PermissionDeniedError):
        set_password(ws, people["minh"], "lan", "reset by minh 123")


def test_a_hash_with_older_parameters_is_renewed_at_sign_in(people, ws) -> None:
    """check_needs_rehash: a hash made with other parameters is replaced by one with today's."""
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PW)
    with ws.session() as session:
        account = session.exec(select(Account).where(Account.name == "viet")).one()
        account.password_hash = old
        session.add(account)
    sign_in(ws, "viet", PW)
    with ws.session() as session:
        renewed = session.exec(select(Account).where(Account.name == "viet")).one().password_hash
    assert renewed != old and renewed is not None and "m=1024,t=1,p=1" in renewed


# ---------------------------------------------------------------------------------------------
# The audit log names the account


def test_every_account_change_is_an_audit_event_naming_the_account_without_hashes(people, ws) -> None:
    """account.add/set/password events name who acted (the account) and hold no password hash."""
    set_account(ws, people["minh"], "ward", display_name="Phường")
    set_password(ws, people["lan"], "viet", "another password")
    with ws.session() as session:
        events = list(session.exec(select(AuditEvent).where(AuditEvent.entity == "account")))
    assert {(e.action, e.actor) for e in events} >= {
        ("account.add", "tester"), ("account.add", "lan"), ("account.set", "minh"), ("account.password", "lan"),
        ("account.sign_in", "hoa")}
    text = json.dumps([[e.before, e.after] for e in events])
    assert "$argon2" not in text and "password_hash" not in text and PW not in text


# ---------------------------------------------------------------------------------------------
# Comments


def test_comments_are_kept_with_the_record_and_in_its_history(people, ws) -> None:
    """A reviewer asks, the ward answers; both are listed in order and are in the record's history."""
    add_comment(ws, people["hoa"], "HN-0008", "Please attach the <b>signed</b> copy.")
    add_comment(ws, people["ward"], "hn-8", "Đã đính kèm bản có chữ ký.\nXin cảm ơn.")
    shown = list_comments(ws, people["minh"], "HN-0008")
    assert [(c.author, c.text) for c in shown] == [
        ("hoa", "Please attach the <b>signed</b> copy."), ("ward", "Đã đính kèm bản có chữ ký.\nXin cảm ơn.")]
    from readiness.cities import audit_log

    history = audit_log(ws, people["lan"], record="HN-0008")
    assert [(e.action, e.actor) for e in history[:2]] == [("evidence.comment", "ward"), ("evidence.comment", "hoa")]


def test_a_reviewer_who_asked_in_a_comment_may_still_review(people, ws) -> None:
    """A comment is no change to the record: the reviewer who asked for more may then verify it (four eyes
    counts the hands that changed it, not the voices that commented)."""
    from readiness.evidence import verify_records

    add_comment(ws, people["hoa"], "HN-0008", "Please attach the signed copy.")
    assert [v.row.status for v in verify_records(ws, people["hoa"], ["HN-0008"])] == ["verified"]


def test_comments_need_the_right_where_the_record_is(people, ws) -> None:
    """A contributor comments on their unit's records only; a viewer of another city may not comment or read."""
    with pytest.raises(PermissionDeniedError, match="ward may not comment on evidence on record HN-0007"):
        add_comment(ws, people["ward"], "HN-0007", "not mine")
    # another city's record is answered as one that does not exist, in the same words
    with pytest.raises(NotFoundError, match=r"^no evidence HN-0008; see") as unreadable:
        add_comment(ws, people["viet"], "HN-0008", "from Huế")
    with pytest.raises(NotFoundError) as missing:
        add_comment(ws, people["viet"], "HN-9999", "from Huế")
    assert str(unreadable.value) == str(missing.value).replace("HN-9999", "HN-0008")
    with pytest.raises(NotFoundError, match=r"^no evidence HN-0008; see"):
        list_comments(ws, people["viet"], "HN-0008")
    with pytest.raises(InvalidValueError, match="at most 4,000"):
        add_comment(ws, people["hoa"], "HN-0008", "x" * 4001)
    with pytest.raises(InvalidValueError, match="control or direction-override"):
        add_comment(ws, people["hoa"], "HN-0008", "evil\u202etxt.exe")


def test_comment_command_and_evidence_show(hanoi_ws) -> None:
    """`evidence comment` adds one; `evidence show` lists it in text and JSON; `log ID` shows it."""
    run = hanoi_ws
    done = run("evidence", "comment", "HN-0001", "Please attach the signed copy.\nThanks")
    assert done.exit_code == 0, done.stderr
    shown = run("evidence", "show", "HN-0001")
    assert "comments:" in shown.stdout and "tester: Please attach the signed copy." in shown.stdout
    data = json.loads(run("evidence", "show", "HN-0001", "--format", "json").stdout)
    assert [(c["author"], c["text"]) for c in data["comments"]] == [
        ("tester", "Please attach the signed copy.\nThanks")]
    log = run("log", "HN-0001", "--format", "json")
    assert json.loads(log.stdout)[0]["action"] == "evidence.comment"


# ---------------------------------------------------------------------------------------------
# The command line


def _first_admin(run, name: str = "lan") -> None:
    done = run("user", "add", name, "--display-name", "Nguyễn Thị Lan", "--role", "admin", input=f"{PW}\n{PW}\n")
    assert done.exit_code == 0, done.stderr
    assert PW not in done.stdout + done.stderr  # the prompt does not echo it


def test_password_prompts_are_hidden_and_typed_twice(run, state) -> None:
    """`user add` asks twice without echo; a mismatch or a short password adds nobody."""
    assert run("workspace").exit_code == 0
    before = state()
    mismatch = run("user", "add", "lan", "--role", "admin", input=f"{PW}\nsomething else\n")
    assert mismatch.exit_code == 1 and "do not match" in mismatch.stderr
    short = run("user", "add", "lan", "--role", "admin", input="short\nshort\n")
    assert short.exit_code == 1 and "at least 10" in short.stderr
    assert state() == before
    _first_admin(run)
    assert PW not in run("user", "list", "--format", "json").stdout + run("whoami").stdout


def test_login_acts_as_the_person_until_logout(run, settings) -> None:
    """Once accounts exist, commands need a login; whoami names the account; logout ends it."""
    assert run("import", "--sample", "hanoi").exit_code == 0
    _first_admin(run)
    refused = run("user", "list")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == ("error: this workspace has accounts: sign in first, then try again "
                                      "(`readiness login NAME`)")
    login = run("login", "lan", "--hours", "2", input=f"{PW}\n")
    assert login.exit_code == 0, login.stderr
    who = json.loads(run("whoami", "--format", "json").stdout)
    assert (who["name"], who["display_name"], who["roles"], who["signed_in"]) == ("lan", "Nguyễn Thị Lan",
                                                                                 ["admin"], True)
    assert who["session_expires_at"] is not None
    added = run("user", "add", "minh", "--role", "coordinator:HN", "--password-stdin", input=f"{PW}\n")
    assert added.exit_code == 0, added.stderr
    listed = json.loads(run("user", "list", "--format", "json").stdout)
    assert [(a["name"], a["roles"]) for a in listed] == [("lan", ["admin"]), ("minh", ["coordinator:Hà Nội"])]
    assert run("logout").exit_code == 0
    assert run("whoami").exit_code == 1


def test_wrong_password_message_does_not_tell_whether_the_name_exists(run) -> None:
    """`readiness login` with a wrong password and with an unknown name print the same line."""
    _first_admin(run)
    wrong = run("login", "lan", input="not the password\n")
    unknown = run("login", "nobody", input="not the password\n")
    assert wrong.exit_code == unknown.exit_code == 1
    assert wrong.stderr.splitlines()[-1] == unknown.stderr.splitlines()[-1] == f"error: {SIGN_IN_REFUSED}"


def test_readiness_user_is_ignored_once_the_workspace_has_accounts(settings) -> None:
    """READINESS_USER naming an account does not sign anyone in; the audit log names the signed-in account."""
    admin, mallory = _runner(settings), _runner(settings, user="lan")
    _first_admin(admin)
    assert mallory("user", "list").exit_code == 1
    assert mallory("login", "lan", "--password-stdin", input=f"{PW}\n").exit_code == 0
    other = _runner(settings, user="someone-else")
    done = other("user", "add", "hoa", "--role", "viewer", "--no-password")
    assert done.exit_code == 0, done.stderr
    log = json.loads(other("log", "--format", "json").stdout)
    assert log[0]["action"] == "account.add" and log[0]["actor"] == "lan"


def test_session_file_is_private_and_kept_per_workspace(run, run_elsewhere, settings, tmp_path: Path) -> None:
    """Each workspace has its own session file, mode 0600 in a 0700 folder; whoami follows the workspace."""
    _first_admin(run, "lan")
    _first_admin(run_elsewhere, "hung")
    assert run("login", "lan", input=f"{PW}\n").exit_code == 0
    assert run_elsewhere("login", "hung", input=f"{PW}\n").exit_code == 0
    folder = tmp_path / "user-config" / "sessions"
    files = sorted(folder.iterdir())
    assert len(files) == 2
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert run("whoami").stdout.strip() == "lan"
    assert run_elsewhere("whoami").stdout.strip() == "hung"
    saved = [json.loads(f.read_text()) for f in files]
    assert all(":" not in s["workspace"].partition("://")[2].partition("@")[0] for s in saved)  # no password


def test_a_changed_password_ends_the_saved_session(run) -> None:
    """`user password` asks for the current password, then the new one twice, and forgets the saved session."""
    _first_admin(run)
    assert run("login", "lan", input=f"{PW}\n").exit_code == 0
    new = "a brand new password"
    done = run("user", "password", input=f"{PW}\n{new}\n{new}\n")
    assert done.exit_code == 0, done.stderr
    assert "sign in again" in done.stderr
    assert run("whoami").exit_code == 1
    assert run("login", "lan", input=f"{PW}\n").exit_code == 1
    assert run("login", "lan", input=f"{new}\n").exit_code == 0


def test_an_expired_saved_session_says_so(run, settings) -> None:
    """A saved session past its expiry gives one line naming the expiry and how to sign in."""
    import datetime as dt

    from readiness.store.db import open_workspace

    _first_admin(run)
    assert run("login", "lan", input=f"{PW}\n").exit_code == 0
    with open_workspace(settings) as ws, ws.session() as session:
        for row in session.exec(select(LoginSession)):
            row.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
            session.add(row)
    done = run("whoami")
    assert done.exit_code == 1
    assert "session expired at" in done.stderr and "readiness login" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_workspace_without_accounts_works_as_before(hanoi_ws, settings, state, tmp_path: Path) -> None:
    """No account: the machine's user acts with every right, no session is saved, the log names READINESS_USER."""
    run = hanoi_ws
    who = json.loads(run("whoami", "--format", "json").stdout)
    assert (who["name"], who["signed_in"]) == ("tester", False)
    assert run("user", "list", "--format", "json").stdout.strip() == "[]"
    assert run("evidence", "edit", "HN-0003", "--owner", "Sở GDĐT").exit_code == 0
    assert run("evidence", "verify", "HN-0003").exit_code == 0
    log = json.loads(run("log", "HN-0003", "--format", "json").stdout)
    assert {e["actor"] for e in log[:2]} == {"tester"}
    assert not (tmp_path / "user-config").exists()
    assert run("logout").exit_code == 0 and "not signed in" in run("logout").stderr
    nobody = run("login", "tester", input=f"{PW}\n")
    assert nobody.exit_code == 1 and "has no accounts, so nobody signs in" in nobody.stderr
    tables = state()
    assert tables["account"] == tables["login_session"] == []


def test_another_citys_record_removed_or_not_is_an_id_nobody_has(people, hanoi) -> None:
    """A viewer of Huế asking for Hà Nội's records, their history or a removed one hears what an
    unused id gets; Hà Nội's own people still hear when and by whom a record was removed."""
    from readiness import api
    from readiness.cities import audit_log

    ws = hanoi
    api.remove_evidence(ws, people["minh"], "HN-0003")
    viet = people["viet"]
    for attempt in (lambda code: api.get_evidence(ws, viet, code),
                    lambda code: audit_log(ws, viet, record=code)):
        for code in ("HN-0002", "HN-0003"):  # a live record and a removed one
            with pytest.raises(NotFoundError) as hidden:
                attempt(code)
            with pytest.raises(NotFoundError) as missing:
                attempt("HN-9999")
            assert str(hidden.value) == str(missing.value).replace("HN-9999", code)
    with pytest.raises(NotFoundError, match=r"HN-0003: it was removed on .* by minh"):
        api.get_evidence(ws, people["hoa"], "HN-0003")
    assert audit_log(ws, people["hoa"], record="HN-0003")[0].action == "evidence.remove"
