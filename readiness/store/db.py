"""The workspace: a database (SQLite by default, PostgreSQL when shared) and a file store.

``open_workspace`` builds the engine from the settings (never at import time), creates the
folder, and brings the schema to this version through Alembic migrations, so a workspace made
by an older readiness opens in a newer one. A workspace made by a *newer* readiness is refused
rather than damaged.

Concurrency: on SQLite every transaction that may write starts with ``BEGIN IMMEDIATE`` and
waits up to ``BUSY_TIMEOUT_S`` for the write lock, so two processes writing at once queue instead
of failing with "database is locked"; a transaction that only reads (``Workspace.reading``) starts
deferred and, with the WAL journal, neither waits for writers nor holds them up. On PostgreSQL
migrations hold an advisory lock.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlmodel import Session

from readiness.access import Actor
from readiness.config import Settings
from readiness.errors import ConfigError, InvalidValueError, WorkspaceError

log = logging.getLogger(__name__)

#: The newest migration; ``tests/test_db.py`` checks it is the head of the migration scripts.
#: Comparing with it lets a command skip loading Alembic when the schema is current.
HEAD_REVISION = "0008"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 60
#: Advisory lock key that PostgreSQL migrations hold (migrations/env.py); "ready" in hex.
PG_MIGRATION_LOCK = 0x7265616479


def _no_nul(params: object) -> None:
    """Refuse text holding NUL: PostgreSQL cannot store it (nor ``\\u0000`` in JSON), SQLite cuts
    strings at it in places; the same one line on both, whatever field it came in."""
    values = params.values() if isinstance(params, dict) else params if isinstance(params, (list, tuple)) else ()
    for value in values:
        value = getattr(value, "obj", value)  # psycopg's Json wrapper around a JSON column's value
        if isinstance(value, (dict, list, tuple)):
            _no_nul(value)
        elif isinstance(value, str) and ("\x00" in value or "\\u0000" in value):
            raise InvalidValueError("a text holds a NUL character (\\x00); retype it without control characters")


def _guard(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _check(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        _no_nul(parameters)


#: Connections one process keeps (8) and may open at most (20): above the web server's request
#: threads (``readiness.web.app.REQUEST_THREADS``) and its background dossier renders, so that no
#: request waits for a connection; four server processes stay under PostgreSQL's default of 100.
POOL = {"pool_size": 8, "max_overflow": 12}
#: The execution option that marks a transaction as reading only (``Workspace.reading``).
READ_ONLY = "readiness_read_only"


def make_engine(url: str) -> Engine:
    """An engine for a workspace database URL, with SQLite set up for safe concurrent writes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, **POOL)
        _guard(engine)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # Let SQLAlchemy, not the driver, start transactions (see "begin" below).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            # Take the write lock at the start: a deferred transaction that later writes can
            # fail at once with SQLITE_BUSY when another process wrote in between. A reading
            # transaction (``Workspace.reading``) never writes, so it starts deferred: it reads
            # the last committed state while a writer works, and many read at once.
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

        return engine
    try:
        import psycopg  # noqa: F401  (a dependency; missing only from a --no-deps install)
    except ImportError:
        raise ConfigError("PostgreSQL support is not installed in this Python: "
                          "pip install 'psycopg[binary]>=3.1'") from None
    engine = create_engine(url, pool_pre_ping=True, **POOL)
    _guard(engine)
    return engine


@dataclass
class Workspace:
    """An open workspace. Close it (or use it as a context manager) when done."""

    settings: Settings
    engine: Engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed if the block ends normally, rolled back if it raises.

        Two commands that create the same thing at the same moment (two imports adding one
        city on PostgreSQL) end, for the later one, in a unique violation: said in one line,
        and nothing of it is kept. A damaged SQLite file is said in one line too.
        """
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session
        except IntegrityError as exc:
            if not _unique_violation(exc):
                raise
            raise WorkspaceError("another command wrote the same record, city or unit at the same moment; "
                                 "nothing was changed: run the command again") from None
        except DatabaseError as exc:
            damaged = _damaged(self.settings, exc)
            if damaged is None:
                raise
            raise damaged from exc

    @cached_property
    def _reader(self) -> Engine:
        """The engine with its transactions marked as reading only (the same pool)."""
        return self.engine.execution_options(**{READ_ONLY: True})

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """One transaction that only reads: the state committed when it starts reading, the same
        to its end. On SQLite it takes no write lock, so readers never queue behind each other or
        a writer (``session`` takes the lock at once, since it may write). Never write in it:
        SQLite could refuse the write at once with "database is locked"."""
        try:
            with Session(self._reader, expire_on_commit=False) as session:
                with session.begin():
                    yield session
        except DatabaseError as exc:
            damaged = _damaged(self.settings, exc)
            if damaged is None:
                raise
            raise damaged from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unique_violation(exc: IntegrityError) -> bool:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def _damaged(settings: Settings, exc: DatabaseError) -> WorkspaceError | None:
    """A WorkspaceError for an SQLite file that is not a database or is damaged, else None."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else ""
    if settings.is_sqlite and ("not a database" in reason or "malformed" in reason or "disk I/O" in reason):
        return WorkspaceError(f"{settings.describe_database()} is not a readable readiness database ({reason}): "
                              "restore it from a backup, or give another --workspace / --database-url")
    return None


def open_workspace(settings: Settings) -> Workspace:
    """Open (creating if needed) the workspace and bring its schema up to date."""
    created = not settings.workspace.exists()
    try:
        settings.workspace.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"cannot create workspace folder {settings.workspace}: {exc.strerror}") from None
    engine = make_engine(settings.database_url)
    try:
        _bring_up_to_date(engine)
    except BaseException as exc:
        engine.dispose()
        if created:  # a failed first command leaves no half-made workspace behind
            shutil.rmtree(settings.workspace, ignore_errors=True)
        if isinstance(exc, DatabaseError) and (damaged := _damaged(settings, exc)) is not None:
            raise damaged from None
        if isinstance(exc, OperationalError):
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise WorkspaceError(f"cannot open the database {settings.describe_database()}: {reason}") from None
        raise
    if created:
        log.info("created a new workspace in %s", settings.workspace)
    return Workspace(settings, engine)


def _bring_up_to_date(engine: Engine) -> None:
    """Migrate the database to this version if it is behind.

    Two first commands at once on a new SQLite workspace queue on the migration's write lock, but
    once in CI one of them was told "database is locked" at once instead of waiting, most likely
    while the other was turning the new file to WAL (which waits for no busy handler). Opening is
    tried again for up to ``BUSY_TIMEOUT_S``."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            with engine.connect() as conn:
                if current_revision(conn) != HEAD_REVISION:
                    migrate(conn)
            return
        except OperationalError as exc:
            if "database is locked" not in str(exc.orig) or time.monotonic() > deadline:
                raise
            engine.dispose()  # a connection that failed half-way set up is not kept
            time.sleep(0.2)


def current_revision(conn: Connection) -> str | None:
    """The schema revision stored in the database, None for an empty database."""
    try:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        conn.rollback()  # end the read before anything migrates


def migrate(conn: Connection, revision: str = "head") -> None:
    """Run the migrations up to ``revision``; refuse a database newer than this readiness."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    current = current_revision(conn)
    if current is not None:
        try:
            known = ScriptDirectory.from_config(config).get_revision(current)
        except CommandError:
            known = None
        if known is None:
            raise WorkspaceError(
                f"the workspace's schema is at revision {current!r}, made by a newer readiness "
                "than this one: upgrade readiness (pip install -U readiness)"
            )
    command.upgrade(config, revision)


def describe_workspace(ws: Workspace, actor: Actor) -> dict[str, object]:
    """Where the workspace is and what it holds, and who is acting, for ``readiness workspace``:
    for any signed-in person."""
    from sqlmodel import func, select

    from readiness.access import require_signed_in
    from readiness.store.models import AuditEvent, City, Unit
    from readiness.store.stores import workspace_store

    with ws.session() as session:
        require_signed_in(session, actor)

    with ws.engine.connect() as conn:
        revision = current_revision(conn)
    with ws.session() as session:
        counts = {
            name: session.exec(select(func.count()).select_from(model)).one()
            for name, model in (("cities", City), ("units", Unit), ("audit events", AuditEvent))
        }
    return {
        "workspace": str(ws.settings.workspace),
        "database": ws.settings.describe_database(),
        "schema revision": revision,
        "file store": workspace_store(ws).describe(),
        "frameworks folder": str(ws.settings.criteria_dir),
        "acting as": actor.name,
        **counts,
    }
