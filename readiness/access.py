"""Who is acting, and what they may do: the one permission check every use case makes.

Every function of ``readiness.api`` that changes or shows a workspace takes an ``Actor`` and
calls ``require`` (or ``readable_cities`` for a listing) before it changes or shows anything, so
that no front end can hold or skip a rule.

Two ways of working:

* **One person, no accounts** (one official on a laptop, the SQLite default): the workspace has
  no account rows and the actor is the machine's user (or ``READINESS_USER``), with every right,
  exactly as before accounts existed.
* **Accounts**: once the first account exists, every use case needs a signed-in person
  (``Actor.account_id`` set, built by ``accounts`` from a session). An actor without an account
  is refused with ``NotSignedInError``; a signed-in person is allowed what their roles give in
  their scopes, and refused with ``PermissionDeniedError`` naming the missing right.

Roles (``Role``) and the rights each gives (``ROLE_RIGHTS``), with their scopes:

* **admin**: every right everywhere (accounts, cities, frameworks, the file store).
* **coordinator** of a city: all its records, review, not-applicable marks, dossiers, its
  profile and units, and the accounts of its people.
* **contributor** of a unit: reads the unit's city; adds, edits, attaches, comments on and
  submits records of that unit and the units under it; never reviews.
* **reviewer** of a city: reads, verifies, rejects, comments.
* **viewer** of a city (or of every city, with no scope): reads.

Nobody verifies or rejects a record they created or changed since its last verification
(``require_other_hands``, the four-eyes rule), once the workspace has accounts.

A person with the database's own credentials bypasses all of this (they can change any row):
such credentials belong to whoever runs the server, never to officials.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from readiness.errors import NotSignedInError, PermissionDeniedError

if TYPE_CHECKING:
    from sqlmodel import Session

    from readiness.config import Settings


class Role(str, Enum):
    """A role an account holds in a scope (see the module's docstring)."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


class Right(str, Enum):
    """What a use case needs; the value is how a refusal names it ("may not <value>")."""

    READ = "read"  # a city's records, files, scores, gaps, history, comments
    CONTRIBUTE = "contribute evidence"  # add, edit, link, attach, detach, submit, remove records
    REVIEW = "review evidence"  # verify, reject
    COMMENT = "comment on evidence"
    MARK = "mark criteria not applicable"
    DOSSIER = "make dossiers"
    MANAGE_CITY = "manage the city"  # its profile, units, imports and exports
    MANAGE_ACCOUNTS = "manage accounts"
    ADMINISTER = "administer the workspace"  # add cities, the file store, verify --prune


ROLE_RIGHTS: dict[Role, frozenset[Right]] = {
    Role.ADMIN: frozenset(Right),
    Role.COORDINATOR: frozenset({Right.READ, Right.CONTRIBUTE, Right.REVIEW, Right.COMMENT, Right.MARK,
                                 Right.DOSSIER, Right.MANAGE_CITY, Right.MANAGE_ACCOUNTS}),
    Role.CONTRIBUTOR: frozenset({Right.READ, Right.CONTRIBUTE, Right.COMMENT}),
    Role.REVIEWER: frozenset({Right.READ, Right.REVIEW, Right.COMMENT}),
    Role.VIEWER: frozenset({Right.READ}),
}

NOT_SIGNED_IN = "this workspace has accounts: sign in first, then try again"

#: The rights a contributor holds only in their unit and the units under it (the others, READ,
#: reach the unit's whole city).
UNIT_RIGHTS = frozenset({Right.CONTRIBUTE, Right.COMMENT})


@dataclass(frozen=True)
class Grant:
    """One role in one scope: ``city_id`` for a coordinator, reviewer or viewer (None: a viewer of
    every city, or an admin), ``unit_id`` (and its ``city_id``) for a contributor."""

    role: Role
    city_id: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class Actor:
    """The person a use case acts for, as the audit log names them.

    ``account_id`` is None for the one person of a workspace without accounts; then ``grants``
    is empty and ``require`` allows everything as long as the workspace has no account.
    """

    name: str
    account_id: int | None = None
    grants: tuple[Grant, ...] = ()
    display_name: str | None = None
    #: The language the person reads (``vi``/``en``): the one they chose, else their city's
    #: (Vietnamese for a city in Viet Nam), else None (the front end's default).
    language: str | None = None

    @classmethod
    def of(cls, settings: Settings) -> Actor:
        """The person a workspace's settings name: ``READINESS_USER`` or the machine's user."""
        return cls(settings.actor)

    @property
    def signed_in(self) -> bool:
        return self.account_id is not None

    def has_role(self, role: Role) -> bool:
        return any(g.role is role for g in self.grants)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Scope:
    """Where a use case acts: the workspace (no city), a city, or a unit of a city (a record's
    unit; ``unit_id`` None for a record with no unit, which only the city's coordinators reach
    with unit-bound rights)."""

    city_id: int | None = None
    unit_id: int | None = None


def workspace_has_accounts(session: Session) -> bool:
    """Whether any account exists (then nobody acts without signing in)."""
    from sqlmodel import select

    from readiness.store.models import Account

    return session.exec(select(Account.id).limit(1)).first() is not None


def unit_line(session: Session, unit_id: int | None) -> set[int]:
    """The unit and every unit above it (its parent, the parent's parent...)."""
    from readiness.store.models import Unit

    line: set[int] = set()
    held = session.info.setdefault("access_units", [])
    while unit_id is not None and unit_id not in line:
        line.add(unit_id)
        unit = session.get(Unit, unit_id)
        # Held for the session's life: the identity map keeps a row only while something refers to
        # it, and a page checks several rights on one unit (each check would read it again).
        held.append(unit)
        unit_id = unit.parent_id if unit is not None else None
    return line


def _covers(grant: Grant, right: Right, scope: Scope, line: Iterable[int]) -> bool:
    if right not in ROLE_RIGHTS[grant.role]:
        return False
    if grant.role is Role.ADMIN:
        return True
    if grant.role is Role.VIEWER and grant.city_id is None:
        return True  # a viewer of every city: READ only, anywhere
    if scope.city_id is None or grant.city_id != scope.city_id:
        return False  # a city's role gives nothing at the workspace's level or in another city
    if grant.role is Role.CONTRIBUTOR and right in UNIT_RIGHTS:
        return grant.unit_id is not None and grant.unit_id in line
    return True


def may(session: Session, actor: Actor, right: Right, scope: Scope = Scope()) -> bool:
    """Whether ``actor`` holds ``right`` in ``scope`` (for showing or hiding an action)."""
    if not actor.signed_in:
        return not workspace_has_accounts(session)
    line = unit_line(session, scope.unit_id) if scope.unit_id is not None else set()
    return any(_covers(g, right, scope, line) for g in actor.grants)


def holds_somewhere(actor: Actor, right: Right) -> bool:
    """Whether one of ``actor``'s roles gives ``right`` in some place (a menu shows the page for
    it; the page's use case still checks the place). An actor without an account holds every
    right only where the workspace has no account, which a front end checks with ``may``."""
    return any(right in ROLE_RIGHTS[g.role] for g in actor.grants)


def require_somewhere(actor: Actor, right: Right) -> None:
    """Refuse a page whose only purpose needs ``right`` to someone none of whose roles gives it
    anywhere (a viewer opening the new-record form); the use case behind it checks the place."""
    if actor.signed_in and not holds_somewhere(actor, right):
        raise PermissionDeniedError(f"{actor.name} may not {right.value}: no role of theirs gives that right; "
                                    "an admin or the city's coordinator can grant it", right.value)


def require(session: Session, actor: Actor, right: Right, scope: Scope = Scope(), *, what: str = "") -> None:
    """Refuse unless ``actor`` holds ``right`` in ``scope``.

    ``what`` names the thing acted on in the refusal: "HN-0042" is said "on HN-0042"; a phrase
    that starts with its own preposition ("in Hà Nội", "to rows 3, 5 of ward.csv") is said as
    given. The message names the person, the right and where, and who can grant it, in one line.
    """
    if may(session, actor, right, scope):
        return
    if not actor.signed_in:
        raise NotSignedInError(
            NOT_SIGNED_IN)
    if what:
        where = f" {what}" if what.split(" ", 1)[0] in _PREPOSITIONS else f" on {what}"
    else:
        where = " in this city" if scope.city_id is not None else ""
    grantors = "an admin or the city's coordinator" if scope.city_id is not None else "an admin"
    raise PermissionDeniedError(
        f"{actor.name} may not {right.value}{where}: no role of theirs gives that right there; "
        f"{grantors} can grant it", right.value)


#: Words a ``what`` may start with to say where itself ("in Hà Nội", "to rows 3, 5 of ward.csv").
_PREPOSITIONS = frozenset({"in", "on", "of", "to", "for", "at"})


def require_signed_in(session: Session, actor: Actor) -> None:
    """Refuse (``NotSignedInError``) an actor without an account once the workspace has accounts.

    For what any signed-in person may do (``readiness workspace``), and before a use case looks
    anything up by name, so that nobody signed out learns even which cities or records exist.
    """
    if not actor.signed_in and workspace_has_accounts(session):
        raise NotSignedInError(NOT_SIGNED_IN)


def readable_cities(session: Session, actor: Actor) -> set[int] | None:
    """The ids of the cities ``actor`` may read; None when every city (no accounts, an admin, a
    viewer of every city). A listing filters by this instead of refusing."""
    if not actor.signed_in:
        if workspace_has_accounts(session):
            raise NotSignedInError(
                NOT_SIGNED_IN)
        return None
    cities: set[int] = set()
    for grant in actor.grants:
        if grant.role is Role.ADMIN or (grant.role is Role.VIEWER and grant.city_id is None):
            return None
        if grant.city_id is not None:
            cities.add(grant.city_id)
    return cities


def require_other_hands(actor: Actor, created_by: str | None, changed_by: Collection[str], *, what: str) -> None:
    """The four-eyes rule: nobody verifies or rejects a record they created, or changed since it
    was last verified (``changed_by``: ``evidence.changed_since_review``).

    Applies to signed-in people only: a workspace without accounts has one person, who reviews
    their own work as before.
    """
    if not actor.signed_in:
        return
    if actor.name == created_by or actor.name in changed_by:
        did = "created" if actor.name == created_by else "changed"
        raise PermissionDeniedError(
            f"{actor.name} may not review {what}: they {did} it, and a record is reviewed by "
            "someone other than who made or changed it (four eyes)", Right.REVIEW.value)
