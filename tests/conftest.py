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
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readiness.cli import cli
from readiness.config import Settings, normalise_url, resolve


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-url",
        default=os.environ.get("READINESS_TEST_DATABASE_URL"),
        help="run every workspace test against this PostgreSQL database (a schema per test)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    url = config.getoption("--database-url")
    return f"readiness workspaces: {'PostgreSQL ' + url if url else 'SQLite'}"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No READINESS_* setting of the developer's leaks into a test; the actor is fixed."""
    for name in list(os.environ):
        if name.startswith("READINESS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("READINESS_USER", "tester")


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for SQLite in the workspace, or a PostgreSQL URL whose search_path is a fresh schema."""
    base = request.config.getoption("--database-url")
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
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    return resolve(tmp_path / "workspace", database_url)


@pytest.fixture
def ws(settings: Settings):
    from readiness.db import open_workspace

    with open_workspace(settings) as workspace:
        yield workspace


@pytest.fixture
def run(settings: Settings):
    """Invoke the CLI on the test's workspace; stdout and stderr are kept apart."""

    def invoke(*args: str, input: str | None = None) -> Result:
        env = {"READINESS_WORKSPACE": str(settings.workspace), "READINESS_USER": "tester"}
        if not settings.is_sqlite:
            env["READINESS_DATABASE_URL"] = settings.database_url
        return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    return invoke
