"""Who is acting: the person every use case runs for.

Every function of ``readiness.api`` that changes or shows a workspace takes an ``Actor``. Today
an actor is a name, the one the audit log records (the machine's user, or ``READINESS_USER``);
accounts with roles and scopes, and the one permission check every use case makes, come with
the accounts issue and live here, so that no front end can hold or skip a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readiness.config import Settings


@dataclass(frozen=True)
class Actor:
    """The person a use case acts for, as the audit log names them."""

    name: str

    @classmethod
    def of(cls, settings: Settings) -> Actor:
        """The person a workspace's settings name: ``READINESS_USER`` or the machine's user."""
        return cls(settings.actor)

    def __str__(self) -> str:
        return self.name
