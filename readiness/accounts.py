"""Accounts: the people of a shared workspace, their roles, passwords and sign-in sessions.

A workspace without accounts is a one-person workspace (the machine's user acts with every
right, ``access``). The first account makes it shared: it must be an admin, or nobody could
manage the others, and the machine's user may create it only while no account exists. After
that every use case needs a signed-in person:

* ``sign_in`` checks a name and password and opens a session: a random token goes back to the
  front end (the command line saves it, a browser keeps it as a cookie); the workspace keeps
  only its SHA-256, so a copy of the database signs nobody in.
* ``actor_for_session`` turns a token back into the acting person (``access.Actor``) with their
  roles, refusing an expired or ended session, a disabled account and a session older than the
  account's last password change.

Who manages whom: ``Right.MANAGE_ACCOUNTS`` over every role the account holds or is given. An
admin manages everyone; a coordinator manages accounts whose roles are all in their own city,
and never grants admin or a viewer of every city. Nobody disables or demotes the last active
admin. Everyone changes their own display name, e-mail, language and password (the password
only with the current one).

Passwords are hashed with argon2id (``argon2.PasswordHasher``, RFC 9106 parameters) and
rehashed at sign-in when the parameters grow. An unknown name is checked against a dummy hash,
so the time an answer takes does not tell which names exist, and the refusal is the same for a
wrong name and a wrong password. Every change is an audit event naming the account; no event
holds a password or its hash.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, func, select

from readiness import access
from readiness.access import Actor, Grant, Right, Role, Scope
from readiness.cities import find_city, find_unit
from readiness.dates import as_utc, iso_time
from readiness.errors import InvalidValueError, NotFoundError, NotSignedInError, TooManyAttemptsError
from readiness.store.audit import record_event
from readiness.store.models import Account, City, LoginSession, RoleGrant, SignInAttempt, Unit, utcnow
from readiness.text import BIDI_CONTROLS, clean, strip_marks

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from readiness.store.db import Workspace

#: A sign-in name: what the audit log records. Lower-case ASCII so that it is typed the same on
#: every keyboard and never confused by accents or case; it never changes once made.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9._-]{1,39}")
MAX_DISPLAY_CHARS = 200
MAX_EMAIL_CHARS = 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
#: The languages a person may choose for the tool's words (``labels``).
LANGUAGES = ("en", "vi", "fr")
MIN_PASSWORD_CHARS = 10
#: Longer passwords are refused so that hashing one costs what hashing any other does.
MAX_PASSWORD_CHARS = 1024
DEFAULT_SESSION_HOURS = 12
MAX_SESSION_HOURS = 24 * 30
CLIENTS = ("cli", "web")
#: The one answer to a failed sign-in, whatever failed: it must not tell whether the name exists.
SIGN_IN_REFUSED = "sign-in refused: the name or the password is wrong"

#: Sign-in rate limits: at most ``ATTEMPTS_PER_ACCOUNT`` refused sign-ins for one name from one
#: address, and ``ATTEMPTS_PER_ADDRESS`` for any names from one address, within ``ATTEMPT_WINDOW``;
#: then that address is refused (before any password is checked) until the oldest ages out.
#: Counted in the database, so several server processes share the count.
ATTEMPT_WINDOW = dt.timedelta(minutes=15)
ATTEMPTS_PER_ACCOUNT = 5
ATTEMPTS_PER_ADDRESS = 30

ROLE_HELP = ("admin, coordinator:CITY, contributor:CITY/UNIT, reviewer:CITY, viewer (every city) "
             "or viewer:CITY; CITY is a city's name or code, UNIT a unit's name")


# ---------------------------------------------------------------------------------------------
# Roles as people write them: "coordinator:Hà Nội", "contributor:HN/Phường Dịch Vọng"


@dataclass(frozen=True)
class RoleSpec:
    """A role and its scope as typed: ``admin``, ``coordinator:HN``, ``contributor:HN/Dịch Vọng``,
    ``reviewer:Hà Nội``, ``viewer`` or ``viewer:HN``. The city is found by name or code and the
    unit by name within it when the role is given or taken (``parse`` checks only the shape)."""

    role: Role
    city: str | None = None
    unit: str | None = None

    @classmethod
    def parse(cls, text: str) -> RoleSpec:
        word, _, scope = clean(str(text)).partition(":")
        try:
            role = Role(word.strip().lower())
        except ValueError:
            raise InvalidValueError(f"role {text!r}: {word.strip()!r} is not a role; write {ROLE_HELP}") from None
        city_text, slash, unit_text = scope.partition("/")
        city, unit = city_text.strip() or None, unit_text.strip() or None
        shape = {
            Role.ADMIN: (city is None and not slash, "admin has no city: write admin"),
            Role.COORDINATOR: (city is not None and not slash, "write coordinator:CITY, e.g. coordinator:HN"),
            Role.REVIEWER: (city is not None and not slash, "write reviewer:CITY, e.g. reviewer:HN"),
            Role.VIEWER: (not slash, "write viewer (every city) or viewer:CITY"),
            Role.CONTRIBUTOR: (city is not None and unit is not None,
                               'write contributor:CITY/UNIT, e.g. "contributor:HN/Phường Dịch Vọng"'),
        }
        ok, how = shape[role]
        if not ok:
            raise InvalidValueError(f"role {text!r}: {how}")
        return cls(role, city, unit)

    def __str__(self) -> str:
        scope = f":{self.city}" + (f"/{self.unit}" if self.unit else "") if self.city else ""
        return f"{self.role.value}{scope}"


def _spec(value: RoleSpec | str) -> RoleSpec:
    return value if isinstance(value, RoleSpec) else RoleSpec.parse(value)


def _grant_of(session: Session, spec: RoleSpec) -> Grant:
    """The stored scope a typed role means (cities and units found however they are spelt)."""
    if spec.city is None:
        return Grant(spec.role)
    city = find_city(session, spec.city)
    if spec.unit is None:
        return Grant(spec.role, city.id)
    unit = find_unit(session, city, spec.unit)
    return Grant(spec.role, city.id, unit.id)


def role_label(session: Session, grant: Grant) -> str:
    """A grant as people read and type it back: ``contributor:Hà Nội/Phường Dịch Vọng``."""
    if grant.city_id is None:
        return grant.role.value
    city = session.get(City, grant.city_id)
    label = f"{grant.role.value}:{city.name if city else grant.city_id}"
    if grant.unit_id is not None:
        unit = session.get(Unit, grant.unit_id)
        label += f"/{unit.name if unit else grant.unit_id}"
    return label


def _grants(session: Session, account_id: int | None) -> list[RoleGrant]:
    return list(session.exec(select(RoleGrant).where(RoleGrant.account_id == account_id)
                             .order_by(col(RoleGrant.id))))


def _as_grant(row: RoleGrant) -> Grant:
    return Grant(Role(row.role), row.city_id, row.unit_id)


# ---------------------------------------------------------------------------------------------
# What an account looks like to a front end


@dataclass
class AccountView:
    """An account as ``user list`` and ``whoami`` show it; never its password hash."""

    name: str
    display_name: str
    email: str | None
    language: str | None
    active: bool
    roles: list[str] = field(default_factory=list)
    has_password: bool = False
    created_at: dt.datetime | None = None
    last_sign_in: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "display_name": self.display_name, "email": self.email,
                "language": self.language, "active": self.active, "roles": list(self.roles),
                "has_password": self.has_password, "created_at": iso_time(self.created_at),
                "last_sign_in": iso_time(self.last_sign_in)}


def _view(session: Session, account: Account) -> AccountView:
    last = session.exec(select(func.max(LoginSession.created_at))
                        .where(LoginSession.account_id == account.id)).one()
    return AccountView(account.name, account.display_name, account.email, account.language, account.active,
                       [role_label(session, _as_grant(g)) for g in _grants(session, account.id)],
                       account.password_hash is not None, account.created_at, last)


def _snapshot(session: Session, account: Account) -> dict[str, Any]:
    """An account as an audit event holds it: what a person can see, never the hash."""
    view = _view(session, account).as_json()
    view.pop("last_sign_in")
    return view


def _event_city(grants: Iterable[Grant]) -> int | None:
    """The city an account event belongs to (``readiness log --city``): the one city of its roles."""
    cities = {g.city_id for g in grants}
    return cities.pop() if len(cities) == 1 else None


# ---------------------------------------------------------------------------------------------
# Checking what people type


def check_name(value: str) -> str:
    """A sign-in name: 2-40 lower-case letters, digits, ``.``, ``_`` or ``-``, starting with a letter."""
    name = clean(str(value or "")).lower()
    if NAME_PATTERN.fullmatch(name):
        return name
    plain = re.sub(r"[^a-z0-9._-]+", ".", strip_marks(name).replace("đ", "d")).strip(".")
    hint = f" such as {plain!r}" if plain and NAME_PATTERN.fullmatch(plain) else ""
    raise InvalidValueError(
        f"account name {value!r}: use 2-40 letters a-z, digits, '.', '_' or '-', starting with a letter{hint}; "
        "the display name can hold the full name with accents")


def _display_name(value: str) -> str:
    text = clean(str(value))
    if not text:
        raise InvalidValueError("display name is empty; give the person's full name")
    if len(text) > MAX_DISPLAY_CHARS:
        raise InvalidValueError(f"display name: {len(text)} characters; at most {MAX_DISPLAY_CHARS}")
    if any(unicodedata.category(ch) in ("Cc", "Cf") or ch in BIDI_CONTROLS for ch in text):
        raise InvalidValueError(f"display name {text!r} holds control or invisible characters; retype it")
    return text


def _email(value: str | None) -> str | None:
    text = clean(str(value or ""))
    if not text:
        return None
    if len(text) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(text):
        raise InvalidValueError(f"e-mail {value!r}: write an address such as lan@hanoi.edu.vn")
    return text


def _language(value: str | None) -> str | None:
    text = clean(str(value or "")).lower()
    if not text:
        return None
    if text not in LANGUAGES:
        raise InvalidValueError(f"language {value!r}: one of {', '.join(LANGUAGES)}")
    return text


def check_password(password: str) -> str:
    """A new password: at least ``MIN_PASSWORD_CHARS`` characters, at most ``MAX_PASSWORD_CHARS``."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidValueError(f"the password has {len(password)} characters; use at least {MIN_PASSWORD_CHARS} "
                                "(a few words of a sentence are easy to remember and hard to guess)")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidValueError(f"the password has {len(password):,} characters; at most {MAX_PASSWORD_CHARS:,}")
    return password


@functools.cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher, profiles

    # Fixed (argon2id, t=3, m=64 MiB, p=4), not the library's defaults, so that ``_DUMMY_HASH``
    # keeps matching them whatever a future argon2-cffi chooses.
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


#: A hash of a random password nobody kept, with today's parameters: checked for an unknown name so
#: that it takes as long as a known one. Written out rather than made at the first sign-in, which
#: would make a one-shot command's answer for an unknown name twice as slow as for a known one.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$dP4xLfeBPr5cs96xhuvKDg$yxNMflPSN0QtcLkkDzi4580YMX9V9ic+QkHFqj2137w"


@functools.cache
def _dummy_hash() -> str:
    """``_DUMMY_HASH``, or one made with the hasher's parameters when they differ from it."""
    if not _hasher().check_needs_rehash(_DUMMY_HASH):
        return _DUMMY_HASH
    return _hasher().hash(secrets.token_urlsafe(24))


def _verify(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Who may manage whom


def _find(session: Session, name: str) -> Account:
    account = session.exec(select(Account).where(Account.name == clean(str(name)).lower())).first()
    if account is None:
        raise NotFoundError(f"no account {name!r}; see `readiness user list`")
    return account


def _require_manage(session: Session, actor: Actor, grants: Iterable[Grant], name: str) -> None:
    """Refuse unless ``actor`` may manage accounts in the scope of every one of ``grants`` (the
    account's roles before and after the change): an admin anywhere, a coordinator in their city.
    An account with no role at all, or with a role that reviews (coordinator, reviewer), is managed
    by admins only, so nobody can make a second account to get round the four-eyes rule."""
    found = list(dict.fromkeys(grants))
    if not found:
        access.require(session, actor, Right.MANAGE_ACCOUNTS, Scope(), what=f"account {name!r} (it has no role)")
    for grant in found:
        if Right.REVIEW in access.ROLE_RIGHTS[grant.role]:
            # Whoever may review is managed by admins only: a coordinator who could make a reviewer
            # (or reset one's password) could verify their own records through that account.
            access.require(session, actor, Right.ADMINISTER, Scope(),
                           what=f"account {name!r} with the role {role_label(session, grant)} (it reviews)")
        access.require(session, actor, Right.MANAGE_ACCOUNTS, Scope(grant.city_id),
                       what=f"account {name!r} with the role {role_label(session, grant)}")


def _active_admins(session: Session) -> set[int]:
    rows = session.exec(select(Account.id).join(RoleGrant, col(RoleGrant.account_id) == col(Account.id))
                        .where(RoleGrant.role == Role.ADMIN.value, col(Account.active).is_(True)))
    return {i for i in rows if i is not None}


def _keep_an_admin(session: Session, account: Account, why: str) -> None:
    if _active_admins(session) <= {account.id}:
        raise InvalidValueError(f"{account.name} is the last active admin: {why} would leave nobody to manage "
                                "accounts; make another account admin first")


def _end_sessions(session: Session, account_id: int | None) -> None:
    now = utcnow()
    for row in session.exec(select(LoginSession).where(LoginSession.account_id == account_id,
                                                       col(LoginSession.ended_at).is_(None))):
        row.ended_at = now
        session.add(row)


# ---------------------------------------------------------------------------------------------
# Use cases: managing accounts


def add_account(ws: Workspace, actor: Actor, name: str, display_name: str | None = None, *,
                email: str | None = None, roles: Sequence[RoleSpec | str] = (),
                password: str | None = None, language: str | None = None) -> AccountView:
    """Add a person's account with their roles (at least one) and, optionally, their password.

    The first account of a workspace must be an admin and may be added by the machine's user
    while the workspace has no account; after that ``Right.MANAGE_ACCOUNTS`` is needed in the
    scope of every role given (a coordinator adds people of their own city only).
    """
    name = check_name(name)
    shown = _display_name(display_name if display_name is not None else name)
    email, language = _email(email), _language(language)
    specs = [_spec(r) for r in roles]
    if password is not None:
        check_password(password)
    with ws.session() as session:
        first = not access.workspace_has_accounts(session)
        if not first:  # before a city or unit is looked up: a stranger learns no names
            access.require_signed_in(session, actor)
        grants = list(dict.fromkeys(_grant_of(session, s) for s in specs))
        if not grants:
            raise InvalidValueError(f"account {name!r}: give at least one role ({ROLE_HELP})")
        if first and not any(g.role is Role.ADMIN for g in grants):
            raise InvalidValueError("the first account of a workspace must be an admin (--role admin): "
                                    "otherwise nobody could manage the others")
        _require_manage(session, actor, grants, name)
        if session.exec(select(Account.id).where(Account.name == name)).first() is not None:
            raise InvalidValueError(f"an account named {name!r} exists already (names are never reused); "
                                    "change it with `readiness user set`")
        now = utcnow()
        account = Account(name=name, display_name=shown, email=email, language=language, created_at=now,
                          updated_at=now, password_hash=_hasher().hash(password) if password is not None else None,
                          password_changed_at=now if password is not None else None)
        session.add(account)
        session.flush()
        assert account.id is not None
        for grant in grants:
            session.add(RoleGrant(account_id=account.id, role=grant.role.value, city_id=grant.city_id,
                                  unit_id=grant.unit_id))
        session.flush()
        record_event(session, actor, "account.add", "account", account.id, _event_city(grants), None,
                     _snapshot(session, account))
        return _view(session, account)


def list_accounts(ws: Workspace, actor: Actor) -> list[AccountView]:
    """The accounts ``actor`` manages, by name: every one for an admin; for a coordinator those
    holding a role in their city (and their own). Refused to people who manage no account."""
    with ws.session() as session:
        if access.may(session, actor, Right.MANAGE_ACCOUNTS, Scope()):
            accounts = list(session.exec(select(Account).order_by(col(Account.name))))
        else:
            cities = {g.city_id for g in actor.grants
                      if g.city_id is not None and access.may(session, actor, Right.MANAGE_ACCOUNTS, Scope(g.city_id))}
            if not cities:
                access.require(session, actor, Right.MANAGE_ACCOUNTS, what="the accounts of this workspace")
            ids = set(session.exec(select(RoleGrant.account_id).where(col(RoleGrant.city_id).in_(cities))))
            ids.add(actor.account_id or 0)
            accounts = list(session.exec(select(Account).where(col(Account.id).in_(ids)).order_by(col(Account.name))))
        return [_view(session, a) for a in accounts]


@dataclass
class AccountsOverview:
    """What a page that manages people shows: the accounts ``actor`` sees (``list_accounts``),
    the names of those they may change (roles, disable, password), and the roles and places they
    may grant, so that the page offers only what the use cases would allow (each checks again)."""

    accounts: list[AccountView]
    #: The sign-in names of the accounts ``actor`` may manage (``_require_manage`` passes).
    manages: frozenset[str]
    #: The roles ``actor`` may grant somewhere, in ``Role``'s order.
    roles: list[str]
    #: The cities where ``actor`` manages accounts, by name, each with its units' names.
    places: list[tuple[str, list[str]]]


def accounts_overview(ws: Workspace, actor: Actor) -> AccountsOverview:
    """The accounts ``actor`` manages (``list_accounts``, refused likewise) with what they may do
    to each and which roles and places they may grant."""
    from readiness.errors import AccessError

    accounts = list_accounts(ws, actor)
    with ws.reading() as session:

        def allowed(grants: list[Grant], name: str) -> bool:
            try:
                _require_manage(session, actor, grants, name)
            except AccessError:
                return False
            return True

        cities = [c for c in session.exec(select(City).order_by(col(City.name)))
                  if access.may(session, actor, Right.MANAGE_ACCOUNTS, Scope(c.id))]
        places = [(c.name, list(session.exec(select(Unit.name).where(Unit.city_id == c.id)
                                             .order_by(col(Unit.name))))) for c in cities]
        roles = [role.value for role in Role
                 if any(allowed([Grant(role, city_id)], "-") for city_id in
                        ([None] if role in (Role.ADMIN, Role.VIEWER) else []) +
                        ([c.id for c in cities] if role is not Role.ADMIN else []))]
        manages = frozenset(view.name for view in accounts
                            if allowed([_as_grant(r) for r in _grants(session, _find(session, view.name).id)],
                                       view.name))
    return AccountsOverview(accounts, manages, roles, places)


def set_account(ws: Workspace, actor: Actor, name: str, *, display_name: str | None = None,
                email: str | None = None, language: str | None = None,
                grant: Sequence[RoleSpec | str] = (), revoke: Sequence[RoleSpec | str] = (),
                active: bool | None = None) -> AccountView:
    """Change an account: its display name, e-mail (``""`` clears it), language, roles (``grant``,
    ``revoke``) or whether it is active (``active=False`` ends its sessions, ``True`` re-activates).

    A person changes their own display name, e-mail and language; everything else needs
    ``Right.MANAGE_ACCOUNTS`` over the account's roles before and after. The last active admin
    keeps their admin role and stays active. The sign-in name never changes.
    """
    shown = _display_name(display_name) if display_name is not None else None
    new_email = _email(email) if email is not None else None
    new_language = _language(language) if language is not None else None
    give, take = [_spec(r) for r in grant], [_spec(r) for r in revoke]
    with ws.session() as session:
        access.require_signed_in(session, actor)  # before the name is looked up
        account = _find(session, name)
        rows = _grants(session, account.id)
        held = {_as_grant(r): r for r in rows}
        added = list(dict.fromkeys(_grant_of(session, s) for s in give))
        removed_each = [_grant_of(session, s) for s in take]
        for spec, g in zip(take, removed_each, strict=True):
            if g not in held:
                has = ", ".join(role_label(session, h) for h in held) or "no role"
                raise InvalidValueError(f"{account.name} does not hold the role {spec}; they hold: {has}")
        removed = list(dict.fromkeys(removed_each))
        own = actor.signed_in and actor.account_id == account.id
        if added or removed or active is not None or not own:
            _require_manage(session, actor, [*held, *added], account.name)
        after_grants = [g for g in [*held, *added] if g not in removed]
        if not after_grants:
            raise InvalidValueError(f"{account.name} would hold no role; disable the account instead "
                                    f"(`readiness user disable {account.name}`)")
        admin = Grant(Role.ADMIN)
        if account.active and admin in held and (admin in removed or active is False):
            _keep_an_admin(session, account, "this change")
        before = _snapshot(session, account)
        if shown is not None:
            account.display_name = shown
        if email is not None:
            account.email = new_email
        if language is not None:
            account.language = new_language
        if active is not None:
            if account.active and not active:
                _end_sessions(session, account.id)
            account.active = active
        for g in removed:
            session.delete(held[g])
        assert account.id is not None
        for g in added:
            if g not in held:
                session.add(RoleGrant(account_id=account.id, role=g.role.value, city_id=g.city_id, unit_id=g.unit_id))
        session.flush()
        after = _snapshot(session, account)
        if after != before:
            account.updated_at = utcnow()
            session.add(account)
            action = ("account.disable" if before["active"] and not after["active"]
                      else "account.enable" if after["active"] and not before["active"] else "account.set")
            record_event(session, actor, action, "account", account.id, _event_city([*held, *added]), before, after)
        return _view(session, account)


def disable_account(ws: Workspace, actor: Actor, name: str) -> AccountView:
    """Disable an account and end its sessions; its name stays in the history and is never
    reused (``set_account(active=True)`` re-activates it). The last active admin stays."""
    return set_account(ws, actor, name, active=False)


def set_password(ws: Workspace, actor: Actor, name: str | None, new_password: str, *,
                 current_password: str | None = None) -> AccountView:
    """Set an account's password (``name`` None: the acting person's own) and end its sessions.

    One's own password needs the current one; another's is reset by whoever manages the account
    (an admin, or the coordinator of its city).
    """
    check_password(new_password)
    with ws.session() as session:
        if name is None:
            if not actor.signed_in:
                if access.workspace_has_accounts(session):
                    raise NotSignedInError(access.NOT_SIGNED_IN)
                raise NotFoundError("this workspace has no accounts; add the first with "
                                    "`readiness user add NAME --role admin`")
            account = session.get(Account, actor.account_id)
            if account is None:
                raise NotSignedInError("your account is gone from this workspace; sign in again")
        else:
            access.require_signed_in(session, actor)  # before the name is looked up
            account = _find(session, name)
        if actor.signed_in and actor.account_id == account.id:
            if current_password is None or account.password_hash is None or not _verify(
                    account.password_hash, current_password):
                raise InvalidValueError("the current password is wrong; nothing was changed")
        else:
            _require_manage(session, actor, [_as_grant(r) for r in _grants(session, account.id)], account.name)
        now = utcnow()
        account.password_hash = _hasher().hash(new_password)
        account.password_changed_at = account.updated_at = now
        session.add(account)
        _end_sessions(session, account.id)
        session.flush()
        record_event(session, actor, "account.password", "account", account.id,
                     _event_city(_as_grant(r) for r in _grants(session, account.id)), None,
                     {"name": account.name, "password_changed_at": iso_time(now)})
        return _view(session, account)


# ---------------------------------------------------------------------------------------------
# Signing in and out


@dataclass(frozen=True)
class SignedIn:
    """A new session: the token (shown once, to be kept by the front end) and when it expires."""

    token: str
    name: str
    display_name: str
    expires_at: dt.datetime


def has_accounts(ws: Workspace) -> bool:
    """Whether anyone can sign in to this workspace (a web server says how to add the first account)."""
    with ws.reading() as session:
        return access.workspace_has_accounts(session)


def sign_in(ws: Workspace, name: str, password: str, client: str = "cli",
            hours: float = DEFAULT_SESSION_HOURS, address: str | None = None) -> SignedIn:
    """Check a name and password and open a session of ``hours`` for ``client`` (``cli``, ``web``).

    A wrong name and a wrong password get the same refusal after the same work (a dummy hash is
    checked for an unknown name). A hash made with older parameters is renewed. ``address`` (the
    client's network address; None: this machine) is what the rate limit counts refusals by:
    ``TooManyAttemptsError`` once too many refusals came from it within ``ATTEMPT_WINDOW``.
    """
    if client not in CLIENTS:
        raise InvalidValueError(f"client {client!r}: one of {', '.join(CLIENTS)}")
    if not 0 < hours <= MAX_SESSION_HOURS:
        raise InvalidValueError(f"a session lasts more than 0 and at most {MAX_SESSION_HOURS} hours, not {hours:g}")
    wanted = clean(str(name or "")).lower()[:200]
    where = address_key(address)
    with ws.session() as session:  # the attempt is counted before the password is checked, so
        if not access.workspace_has_accounts(session):  # parallel tries cannot slip past the limit
            raise InvalidValueError("this workspace has no accounts, so nobody signs in: this computer's user acts "
                                    "with every right; add the first account with "
                                    "`readiness user add NAME --role admin`")
        _check_attempts(session, wanted, where)
        attempt = SignInAttempt(name=wanted, address=where, at=utcnow())
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    with ws.session() as session:
        account = session.exec(select(Account).where(Account.name == wanted)).first() if wanted else None
        stored = account.password_hash if account is not None else None
    refused = (not _verify(stored or _dummy_hash(), password[:MAX_PASSWORD_CHARS])
               or len(password) > MAX_PASSWORD_CHARS)
    if refused or account is None or stored is None:
        raise NotSignedInError(SIGN_IN_REFUSED)
    with ws.session() as session:
        done = session.get(SignInAttempt, attempt_id)  # a right password is no failed attempt
        if done is not None:
            session.delete(done)
        account = session.exec(select(Account).where(Account.name == wanted)).one()
        stored = account.password_hash
        assert stored is not None
        if not account.active:
            raise NotSignedInError(f"account {account.name} is disabled; ask an admin or your city's coordinator")
        if _hasher().check_needs_rehash(stored):
            account.password_hash = _hasher().hash(password)
            session.add(account)
        token = secrets.token_urlsafe(32)
        now = utcnow()
        assert account.id is not None
        row = LoginSession(token_sha256=_token_hash(token), account_id=account.id, client=client,
                           created_at=now, expires_at=now + dt.timedelta(hours=hours))
        session.add(row)
        session.flush()
        record_event(session, Actor(account.name, account.id), "account.sign_in", "account", account.id, None, None,
                     {"name": account.name, "client": client, "expires_at": iso_time(row.expires_at)})
        return SignedIn(token, account.name, account.display_name, row.expires_at)


def address_key(address: str | None) -> str:
    """What the sign-in limit counts an address as: an IPv4 address, or an IPv6 address's /64
    (one home or office gets a whole /64; counting single addresses would give it endless tries)."""
    import ipaddress

    text = clean(str(address or "")).lower()[:100]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text or "-"
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


def _check_attempts(session: Session, name: str, address: str) -> None:
    """Refuse (``TooManyAttemptsError``) while this name from this address, or this address,
    has too many refused sign-ins within the window; forget attempts older than the window."""
    since = utcnow() - ATTEMPT_WINDOW
    recent = select(SignInAttempt.at).where(SignInAttempt.address == address, SignInAttempt.at > since)
    by_address = sorted(as_utc(at) for at in session.exec(recent))
    by_name = sorted(as_utc(at) for at in session.exec(recent.where(SignInAttempt.name == name)))
    for seen, limit in ((by_name, ATTEMPTS_PER_ACCOUNT), (by_address, ATTEMPTS_PER_ADDRESS)):
        if len(seen) >= limit:
            wait = seen[len(seen) - limit] + ATTEMPT_WINDOW - utcnow()
            seconds = max(1, int(wait.total_seconds()) + 1)
            raise TooManyAttemptsError(f"sign-in refused: too many wrong passwords from this address; try again in "
                                       f"{(seconds + 59) // 60} minute(s)", seconds)
    old = session.exec(select(SignInAttempt).where(SignInAttempt.at <= since).limit(500))
    for row in old:
        session.delete(row)


def sign_out(ws: Workspace, token: str) -> str | None:
    """End the session of ``token``; the account's name, or None when no open session has it."""
    with ws.session() as session:
        row = session.exec(select(LoginSession).where(LoginSession.token_sha256 == _token_hash(token))).first()
        if row is None or row.ended_at is not None:
            return None
        account = session.get(Account, row.account_id)
        row.ended_at = utcnow()
        session.add(row)
        assert account is not None
        record_event(session, Actor(account.name, account.id), "account.sign_out", "account", account.id, None, None,
                     {"name": account.name, "client": row.client})
        return account.name


def actor_for_session(ws: Workspace, token: str) -> Actor:
    """The signed-in person a session token stands for, with their roles.

    Refused (``NotSignedInError``, saying why) when the session is unknown, signed out, expired,
    older than the account's last password change, or its account is disabled.
    """
    with ws.reading() as session:  # every request of the web app comes here: one query for both rows
        found = session.exec(select(LoginSession, Account).join(Account, col(Account.id) == LoginSession.account_id)
                             .where(LoginSession.token_sha256 == _token_hash(token))).first()
        if found is None:
            raise NotSignedInError("your saved session is not known to this workspace (signed out elsewhere, or "
                                   "the workspace was made anew): sign in again, or forget it with `readiness logout`")
        row, account = found
        if not account.active:
            raise NotSignedInError(f"account {account.name} is disabled; ask an admin or your city's coordinator")
        if row.ended_at is not None:
            raise NotSignedInError(f"your session ended at {iso_time(row.ended_at)} (signed out, or the password "
                                   "changed): sign in again")
        if as_utc(row.expires_at) <= utcnow():
            raise NotSignedInError(f"your session expired at {iso_time(row.expires_at)}: sign in again")
        if account.password_changed_at is not None and as_utc(row.created_at) < as_utc(account.password_changed_at):
            raise NotSignedInError(f"the password of {account.name} changed after this session began: sign in again")
        assert account.id is not None
        grants = tuple(_as_grant(r) for r in _grants(session, account.id))
        return Actor(account.name, account.id, grants, account.display_name,
                     account.language or _city_language(session, grants))


def _city_language(session: Session, grants: Sequence[Grant]) -> str | None:
    """The language of the first city a person holds a role in: Vietnamese in Viet Nam, else English."""
    city_id = _event_city(grants)
    city = session.get(City, city_id) if city_id is not None else None
    if city is None:
        return None
    return "vi" if strip_marks(city.country).lower().replace(" ", "") in {"vietnam", "vn"} else "en"


# ---------------------------------------------------------------------------------------------
# Who is acting


@dataclass
class Whoami:
    """Who a use case acts for: an account with its roles, or the machine's user of a workspace
    without accounts (every right)."""

    name: str
    display_name: str | None
    signed_in: bool
    roles: list[str]
    email: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "display_name": self.display_name, "signed_in": self.signed_in,
                "roles": list(self.roles), "email": self.email}


def describe_actor(ws: Workspace, actor: Actor) -> Whoami:
    """Who ``actor`` is and which roles they hold; refused when the workspace has accounts and
    nobody signed in (``READINESS_USER`` names nobody then)."""
    with ws.reading() as session:
        if not actor.signed_in:
            if access.workspace_has_accounts(session):
                raise NotSignedInError(access.NOT_SIGNED_IN)
            return Whoami(actor.name, None, False, [])
        account = session.get(Account, actor.account_id)
        if account is None:
            raise NotSignedInError(f"account {actor.name} is gone from this workspace: sign in again")
        return Whoami(account.name, account.display_name, True,
                      [role_label(session, g) for g in actor.grants], account.email)
