"""The built wheel carries everything readiness reads at run time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "pyproject.toml").is_file():
        pytest.fail("tests run from a checkout: the wheel is built from it")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    [built] = out.glob("readiness-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_data_and_migrations(wheel: Path) -> None:
    """Frameworks, sample and report folders, and the migrations are inside the package."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("kflc", "guidelines", "gnlc-application", "learning-city-award"):
        assert f"readiness/_data/criteria/{name}.yaml" in names
    assert "readiness/_data/evidence/README.md" in names
    assert "readiness/_data/evidence/hanoi.yaml" in names
    assert "readiness/_data/evidence/hanoi/forum-2025-record.txt" in names
    assert "readiness/_data/reports/README.md" in names
    for name in ("dossier.html.j2", "dossier.css", "fonts/NotoSans-Regular.ttf", "fonts/OFL.txt"):
        assert f"readiness/_data/reports/{name}" in names
    assert "readiness/store/migrations/env.py" in names
    assert any(n.startswith("readiness/store/migrations/versions/0001_") for n in names)
    assert not any(n.startswith(("tests/", "criteria/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_works_without_the_repository(wheel: Path, tmp_path: Path) -> None:
    """Unpacked elsewhere and run from another folder, the tool finds its data, migrates and writes the dossier."""
    # The dossier is the Hanoi sample's.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "READINESS_WORKSPACE": str(tmp_path / "ws")}
    env.pop("READINESS_DATABASE_URL", None)

    def readiness(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "readiness", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, check=True)

    where = subprocess.run([sys.executable, "-c", "import readiness; print(readiness.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(site))
    rows = json.loads(readiness("criteria", "list", "--format", "json").stdout)
    assert {r["id"] for r in rows} == {"kflc", "guidelines", "gnlc-application", "learning-city-award"}
    assert all(r["path"].startswith(str(site)) for r in rows)
    readiness("import", "--sample", "hanoi")
    assert json.loads(readiness("city", "list", "--format", "json").stdout)[0]["name"] == "Hà Nội"
    records = json.loads(readiness("evidence", "list", "--format", "json").stdout)
    assert len(records) == 9 and sum(len(r["attachments"]) for r in records) == 2
    readiness("verify")
    # The README's first line: the dossier, from the templates and fonts inside the wheel.
    readiness("dossier", "--city", "Hanoi", "-o", "hanoi-dossier.pdf")
    from pypdf import PdfReader

    pdf = PdfReader(str(tmp_path / "hanoi-dossier.pdf"))
    assert len(pdf.pages) > 10 and len(pdf.attachments) == 2


def test_pypdf_is_required_at_a_version_with_its_decompression_limits() -> None:
    """pyproject asks for pypdf 6.10.2 or newer, and the pypdf installed has every limit it relies on."""
    import tomllib

    import pypdf.filters

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert "pypdf>=6.10.2" in deps
    for limit in ("ZLIB_MAX_OUTPUT_LENGTH", "LZW_MAX_OUTPUT_LENGTH", "RUN_LENGTH_MAX_OUTPUT_LENGTH",
                  "MAX_DECLARED_STREAM_LENGTH", "MAX_ARRAY_BASED_STREAM_OUTPUT_LENGTH", "FLATE_MAX_BUFFER_SIZE"):
        assert isinstance(getattr(pypdf.filters, limit), int), limit
