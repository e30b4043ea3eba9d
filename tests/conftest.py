"""Fixtures: a fresh workspace per test, on SQLite or (with --database-url) PostgreSQL.

Run the whole suite against PostgreSQL with::

    pytest --database-url postgresql://postgres@127.0.0.1:5432/readiness_test

(or READINESS_TEST_DATABASE_URL). Each test then gets a schema of its own in that database,
dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readiness.cli import cli
from readiness.config import Settings, normalise_url, resolve


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite the golden files of rendered documents (review the diff)")
    parser.addoption(
        "--database-url",
        default=os.environ.get("READINESS_TEST_DATABASE_URL"),
        help="run every workspace test against this PostgreSQL database (a schema per test)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    url = config.getoption("--database-url")
    if not url:
        return "readiness workspaces: SQLite"
    return (f"readiness workspaces: PostgreSQL {url}; only the tests that open a workspace run "
            "(the others have passed on SQLite and touch no database)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Against PostgreSQL, run only the tests that open a workspace (through ``database_url``, which
    every workspace fixture uses). The others (reading frameworks and documents, dates, the PDF
    engine, packaging) do the same on either database: every workspace a test makes without the
    fixture is SQLite, since ``_clean_environment`` drops READINESS_DATABASE_URL. They run in the
    SQLite pass; here they would only double CI's time. They are reported as deselected."""
    if not config.getoption("--database-url"):
        return
    kept, dropped = [], []
    for item in items:
        (kept if "database_url" in getattr(item, "fixturenames", ()) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No READINESS_* setting of the developer's leaks into a test; the actor is fixed; saved
    sign-in sessions go to the test's own settings folder, never the developer's."""
    from readiness import config

    for name in list(os.environ):
        if name.startswith("READINESS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("READINESS_USER", "tester")
    monkeypatch.setattr(config, "config_dir", lambda: tmp_path / "user-config")


@contextmanager
def _fresh_database(base: str | None) -> Iterator[str | None]:
    """None for SQLite, or the PostgreSQL URL with a new schema as its search_path, dropped after."""
    if not base:
        yield None
        return
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for SQLite in the workspace, or a PostgreSQL URL whose search_path is a fresh schema."""
    with _fresh_database(request.config.getoption("--database-url")) as url:
        yield url


@pytest.fixture
def run_elsewhere(request: pytest.FixtureRequest, tmp_path: Path):
    """Like ``run``, on a second, empty workspace (another folder, another schema), as another user."""
    with _fresh_database(request.config.getoption("--database-url")) as url:
        other = resolve(tmp_path / "elsewhere", url)
        yield _runner(other, user="second")


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    return resolve(tmp_path / "workspace", database_url)


@pytest.fixture
def ws(settings: Settings):
    from readiness.store.db import open_workspace

    with open_workspace(settings) as workspace:
        yield workspace


def _runner(settings: Settings, user: str = "tester"):
    def invoke(*args: str, input: str | None = None) -> Result:
        env = {"READINESS_WORKSPACE": str(settings.workspace), "READINESS_USER": user}
        if not settings.is_sqlite:
            env["READINESS_DATABASE_URL"] = settings.database_url
        return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def run(settings: Settings):
    """Invoke the CLI on the test's workspace; stdout and stderr are kept apart."""
    return _runner(settings)


def workspace_state(settings: Settings) -> dict[str, object]:
    """Every row of every table and every file in the store: equal before and after a failed command."""
    from sqlalchemy import MetaData, create_engine

    state: dict[str, object] = {}
    engine = create_engine(settings.database_url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            for name, table in sorted(meta.tables.items()):
                state[name] = sorted(repr(tuple(row)) for row in conn.execute(table.select()))
    finally:
        engine.dispose()
    root = settings.files_dir
    state["files"] = sorted(
        (str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file()
    ) if root.exists() else []
    return state


@pytest.fixture
def folder_store(run) -> None:
    """The workspace keeps its files in its folder, whatever the database (PostgreSQL defaults to
    the database store): for tests of the folder store's own layout (``objects/``, ``tmp/``)."""
    result = run("files", "move", "--to", "folder", "--only-this-machine")
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def state(settings: Settings):
    """``state()`` is the workspace's whole content now (see workspace_state)."""
    return lambda: workspace_state(settings)


@pytest.fixture
def hanoi_ws(run):
    """A workspace holding the bundled Hanoi sample."""
    result = run("import", "--sample", "hanoi")
    assert result.exit_code == 0, result.stderr
    return run


@pytest.fixture
def stdout_is_a_terminal(monkeypatch: pytest.MonkeyPatch):
    """Standard output looks like a terminal to the commands (``-o -`` refuses binary output there)."""
    import io

    from readiness.cli import options

    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(options, "_binary_stdout", lambda: terminal)
    return terminal
