"""The command line's saved sign-in sessions: what a browser's cookie is to the web app.

``readiness login`` saves the session token the workspace gave it in the user's settings folder
(``config.config_dir()/sessions``), one file per workspace, named by a hash of the workspace's
database URL without its password (the same workspace reached from two folders is one
workspace). The folder is made readable only by the user (0700) and each file (0600) is written
whole to a temporary file and renamed over the old one, so a crash leaves the old session or the
new one, never half of one. The token is the only secret here: the workspace keeps only its
SHA-256, and ``readiness logout`` ends it there and removes the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readiness.accounts import SignedIn
    from readiness.config import Settings


@dataclass(frozen=True)
class SavedSession:
    """A session saved for one workspace: whose it is, the token, and when it expires."""

    workspace: str
    name: str
    token: str
    expires_at: dt.datetime
    path: Path


def workspace_key(settings: Settings) -> str:
    """The workspace's database URL without its password: what a saved session is kept under."""
    scheme, sep, rest = settings.database_url.partition("://")
    if sep and "@" in rest.split("/", 1)[0]:
        credentials, _, host = rest.partition("@")
        rest = f"{credentials.partition(':')[0]}@{host}"
    return f"{scheme}{sep}{rest}"


def sessions_dir() -> Path:
    from readiness import config

    return config.config_dir() / "sessions"


def session_file(settings: Settings) -> Path:
    digest = hashlib.sha256(workspace_key(settings).encode("utf-8")).hexdigest()[:32]
    return sessions_dir() / f"{digest}.json"


def saved_session(settings: Settings) -> SavedSession | None:
    """The session saved for this workspace, or None (never signed in here, or signed out)."""
    path = session_file(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = SavedSession(str(data["workspace"]), str(data["name"]), str(data["token"]),
                             dt.datetime.fromisoformat(str(data["expires_at"])), path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        from readiness.errors import ConfigError

        raise ConfigError(f"{path}: not a saved readiness session; remove it and sign in again "
                          "with `readiness login`") from None
    return found if found.workspace == workspace_key(settings) else None


def save_session(settings: Settings, signed: SignedIn) -> Path:
    """Save a new session for this workspace (replacing any), readable only by the user."""
    from readiness.dates import iso_time

    folder = sessions_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    path = session_file(settings)
    data = {"workspace": workspace_key(settings), "name": signed.name, "token": signed.token,
            "expires_at": iso_time(signed.expires_at)}
    fd, tmp = tempfile.mkstemp(prefix=".session-", dir=folder)  # created 0600 by mkstemp
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def forget_session(settings: Settings) -> SavedSession | None:
    """Remove the session saved for this workspace; the one removed, or None."""
    found = saved_session(settings)
    if found is not None:
        found.path.unlink(missing_ok=True)
    return found
