"""The web app under load on loopback: a 5,000-record city's pages, 30 large uploads, 100 readers.

Bars (issue 16):
  1. evidence list page and record page, 20 concurrent clients    p95 under 150 ms each
     coordinator home, the same 20 clients                        p95 under 300 ms
  2. 30 contributors uploading 20 MB each at once                 all land; server peak memory under 400 MB
  3. 100 concurrent readers for 60 s (list, record and home)     no error, p99 under 1 s

The server is `readiness serve` in its own process, on a free port of 127.0.0.1 and a fresh
temporary workspace: one city with units and records written straight into the tables
(benchmarks/synthetic.py) with their "evidence.add" history, two links a record, files attached
through the library to one record in a hundred, and accounts (a coordinator, a viewer, a
contributor a unit). Each part gets a server of its own, started anew, so that pages a part's
clients gave up on (a thread computing a page cannot be stopped) do not weigh on the next part.

The load comes from this process (httpx2, asyncio), each client signed in through the sign-in
form as a browser is. Clients run closed loops with no pause between requests: 20 clients keep
20 requests in the server at every moment, so the latency includes the queue; each page kind is
also timed alone (one client), which is its cost without a queue. Every URL is requested once
before the timing, and every client's connection once (with --workers, each server process warms
its own caches): a warm server. Each page kind also prints the CPU a request took in the server's
processes and in this load client, which share the machine's cores. A request unanswered after
60 s is an error, and counts at the time waited in the percentiles (leaving it out would flatter
a page too slow to answer).

The server's peak memory is its VmHWM (with --workers, the sum of its processes'), reset just
before the uploads start (/proc/PID/clear_refs), so it is the uploads' peak; the contributors'
sign-ins, all at once just before (argon2 takes 64 MiB a check), are shown apart. After the
parts, each page kind is requested in this process to count its SQL statements; --profile adds
where the time goes (cProfile).

Benchmarks report, they never fail: the exit code is 0 when a bar is missed.

    python benchmarks/web.py [--quick] [--records 5000] [--workers 1] [--parts pages,uploads,readers]
    python benchmarks/web.py --parts readers --reader-pages list,record     # readers without the home
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import fill  # noqa: E402

PASSWORD = "benchmark password 2026"
CITY = "C1"  # the synthetic city's code (its name is "Thành phố 1")
BARS_MS = {"list": 150.0, "record": 150.0, "home": 300.0}
MEMORY_BAR_MB = 400.0
READERS_P99_BAR_MS = 1000.0
REQUEST_TIMEOUT_S = 60.0  # a request waited longer counts as an error (and at 60 s in the figures)
UPLOAD_TIMEOUT_S = 600.0
CSRF_INPUT = re.compile(r'name="csrf" value="([0-9a-f]+)"')


# ---------------------------------------------------------------------------------------------
# The city


@dataclass
class City:
    """What the benchmark knows of the workspace it built."""

    root: Path
    codes: list[str]
    codes_of_unit: dict[str, list[str]]
    with_files: list[str]
    contributors: dict[str, str]  # sign-in name -> unit name
    env: dict[str, str] = field(default_factory=dict)


def build_city(root: Path, records: int, units: int, attached: int) -> City:
    """A workspace with one city of ``records`` records over ``units`` units, and the accounts."""
    import logging

    from sqlmodel import select

    from readiness import api
    from readiness.access import Actor
    from readiness.config import resolve
    from readiness.store.models import Evidence, Unit

    logging.getLogger("readiness").setLevel(logging.ERROR)  # attaching to a verified record warns
    workspace = root / "ws"
    fill(workspace, cities=1, units=units, records=records, links=2 * records, files_share=0.0, log=lambda *_: None)
    settings = resolve(workspace)
    machine = Actor("bench")
    with api.open_workspace(settings) as ws:
        add_history(ws)
        with ws.session() as session:
            unit_names = {u.id: u.name for u in session.exec(select(Unit))}
            rows = [(e.code, e.unit_id) for e in session.exec(select(Evidence).order_by(Evidence.id))]
        codes = [code for code, _ in rows]
        codes_of_unit: dict[str, list[str]] = defaultdict(list)
        for code, unit_id in rows:
            if unit_id is not None:
                codes_of_unit[unit_names[unit_id]].append(code)
        # Real files on some records (the record page lists them), attached while the machine's
        # user still acts with every right: before the first account.
        with_files = codes[:: max(1, len(codes) // attached)][:attached] if attached else []
        for n, code in enumerate(with_files):
            paths = []
            for k in range(1 + n % 3):
                path = root / f"bien-ban-{n:04d}-{k}.pdf"
                path.write_bytes(b"%PDF-1.4\n%" + os.urandom(2000 + 500 * k))
                paths.append(str(path))
            api.attach_files(ws, machine, code, paths)
        contributors = add_people(ws, sorted(unit_names.values(), key=lambda u: int(u.split()[-1])))
    return City(root, codes, dict(codes_of_unit), with_files, contributors,
                {**os.environ, "READINESS_WORKSPACE": str(workspace), "READINESS_USER": "bench"})


def add_history(ws: Any) -> None:
    """Each synthetic record's "evidence.add" audit event, as `readiness evidence add` writes it
    (the record page shows the history, and finds a record's events by its id)."""
    from sqlalchemy import insert
    from sqlmodel import select

    from readiness.evidence import views_of
    from readiness.store.models import AuditEvent, Evidence

    with ws.session() as session:
        rows = list(session.exec(select(Evidence).order_by(Evidence.id)))
        for at in range(0, len(rows), 1000):
            part = rows[at:at + 1000]
            session.execute(insert(AuditEvent), [
                {"at": row.created_at, "actor": "bench", "action": "evidence.add", "entity": "evidence",
                 "entity_id": row.id, "city_id": row.city_id, "before": None, "after": view.as_json()}
                for row, view in zip(part, views_of(session, part), strict=True)])


def add_people(ws: Any, units: list[str]) -> dict[str, str]:
    """An admin, the coordinator, a viewer and a contributor a unit, all with ``PASSWORD``.

    The accounts are added through the library; one argon2 hash (the admin's) is then copied to
    the others, since 33 hashes of 64 MiB each would take half a minute on a busy machine."""
    from sqlmodel import select

    from readiness import api
    from readiness.access import Actor
    from readiness.store.models import Account

    api.add_account(ws, Actor("bench"), "admin", "Quản trị", roles=["admin"], password=PASSWORD)
    admin = api.actor_for_session(ws, api.sign_in(ws, "admin", PASSWORD).token)
    api.add_account(ws, admin, "coord", "Nguyễn Thị Lan", roles=[f"coordinator:{CITY}"])
    api.add_account(ws, admin, "viewer", "Đỗ Mai", roles=[f"viewer:{CITY}"])
    contributors = {}
    for n, unit in enumerate(units, start=1):
        contributors[f"ward{n:02d}"] = unit
        api.add_account(ws, admin, f"ward{n:02d}", f"Cán bộ {unit}", roles=[f"contributor:{CITY}/{unit}"])
    with ws.session() as session:
        accounts = {a.name: a for a in session.exec(select(Account))}
        for account in accounts.values():
            account.password_hash = accounts["admin"].password_hash
            account.password_changed_at = accounts["admin"].password_changed_at
            session.add(account)
    return contributors


def list_urls(city: City) -> list[str]:
    """Evidence list pages: the first, later pages, and filters (unit, kind, status, search)."""
    unit = sorted(city.codes_of_unit)[2]
    last = max(1, len(city.codes) // 50)
    return ["/evidence", "/evidence?page=2", f"/evidence?page={last // 2}", f"/evidence?page={last}",
            "/evidence?status=verified", "/evidence?kind=event", f"/evidence?unit={unit}",
            "/evidence?status=submitted&page=2", "/evidence?q=minh+chung+12", "/evidence?q=ch%E1%BB%A9ng+4"]


def record_urls(city: City, count: int = 40, seed: int = 5) -> list[str]:
    """Record pages: some with files, the rest spread over the city."""
    rnd = random.Random(seed)
    chosen = city.with_files[: count // 4] + rnd.sample(city.codes, count - min(count // 4, len(city.with_files)))
    return [f"/evidence/{code}" for code in chosen]


# ---------------------------------------------------------------------------------------------
# The server, in its own process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`readiness serve` in a child process (its own process group), and its memory."""

    def __init__(self, city: City, workers: int, part: str = "") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = city.root / f"serve-{part}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "readiness", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(workers)], env=city.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_ready(self, limit_s: float = 90.0) -> None:
        import httpx2

        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"readiness serve stopped:\n{self.log_path.read_text()}")
            try:
                if httpx2.get(self.base + "/sign-in", timeout=2).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"readiness serve did not answer within {limit_s:.0f} s:\n{self.log_path.read_text()}")

    def pids(self) -> list[int]:
        """The server process and every process under it (uvicorn's workers)."""
        found, todo = [], [self.process.pid]
        while todo and len(found) < 100:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    todo += [int(c) for c in (task / "children").read_text().split()]
                except OSError:
                    pass
        return found

    def cpu_s(self) -> float:
        """CPU seconds the server's processes have used so far (user and system)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total

    def _status_kb(self, key: str) -> int:
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total

    def peak_mb(self) -> float:
        """The sum of the server processes' peak resident memory (VmHWM), in MB."""
        return self._status_kb("VmHWM") / 1024

    def rss_mb(self) -> float:
        return self._status_kb("VmRSS") / 1024

    def reset_peak(self) -> bool:
        """Start VmHWM again from the current resident size (Linux: clear_refs 5)."""
        try:
            for pid in self.pids():
                Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def problems(self) -> str:
        """What the server logged of its errors: how many tracebacks, and their last lines."""
        ends, inside = [], False
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("Traceback"):
                inside = True
            elif inside and not line.startswith((" ", "\t")):
                ends.append(line)  # the exception's own line
                inside = False
        if not ends:
            return ""
        common = Counter(e[:200] for e in ends).most_common(3)
        return f"{len(ends)} tracebacks in the server's log: " + "; ".join(f"{n}x {e}" for e, n in common)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()


# ---------------------------------------------------------------------------------------------
# Clients


def new_client(base: str) -> Any:
    import httpx2

    return httpx2.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, follow_redirects=False)


async def sign_in(client: Any, name: str) -> str:
    """Sign ``client`` in as ``name`` through the form, as a browser does; its CSRF token."""
    from readiness.web.security import SESSION_COOKIE, csrf_for

    page = await client.get("/sign-in")
    found = CSRF_INPUT.search(page.text)
    if page.status_code != 200 or not found:
        raise SystemExit(f"GET /sign-in: {page.status_code}, no CSRF token")
    reply = await client.post("/sign-in", data={"name": name, "password": PASSWORD, "csrf": found.group(1),
                                                "next": "/"})
    if reply.status_code != 303 or SESSION_COOKIE not in client.cookies:
        raise SystemExit(f"signing in {name} failed: {reply.status_code} {reply.text[:300]}")
    return csrf_for(client.cookies[SESSION_COOKIE])


async def signed_in(base: str, names: list[str]) -> list[Any]:
    """One client per name, signed in one after the other (each sign-in is an argon2 check)."""
    clients = []
    for name in names:
        client = new_client(base)
        client.name, client.csrf = name, await sign_in(client, name)
        clients.append(client)
    return clients


@dataclass
class Sample:
    kind: str
    url: str
    ms: float
    status: int  # 0: no answer (an exception)
    error: str = ""


async def fetch(client: Any, kind: str, url: str) -> Sample:
    start = time.perf_counter()
    try:
        reply = await client.get(url)
        await reply.aread()
        return Sample(kind, url, (time.perf_counter() - start) * 1000, reply.status_code)
    except Exception as exc:  # a benchmark counts failures, whatever they are
        return Sample(kind, url, (time.perf_counter() - start) * 1000, 0, type(exc).__name__)


async def closed_loop(client: Any, work: list[tuple[str, str]], count: int, deadline: float,
                      first: int, pause: float = 0.0) -> list[Sample]:
    """Request ``work``'s URLs in turn, from ``first``, ``count`` times or until ``deadline``;
    ``pause``: seconds a person reads a page before the next (0.5 to 1.5 times it, at random)."""
    samples = []
    for i in range(count):
        if time.monotonic() >= deadline:
            break
        kind, url = work[(first + i) % len(work)]
        samples.append(await fetch(client, kind, url))
        if pause:
            await asyncio.sleep(pause * random.uniform(0.5, 1.5))
    return samples


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        v = values[0] if values else float("nan")
        return v, v, v
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49], q[94], q[98]


def ratio(value: float, bar: float, unit: str) -> str:
    return f"{value:.0f} {unit} = {value / bar:.2f}x the {bar:.0f} {unit} bar ({'pass' if value < bar else 'MISSED'})"


def errors_of(samples: list[Sample]) -> Counter[str]:
    return Counter(f"{s.kind} {s.status or s.error}" for s in samples if s.status != 200)


def load_text() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


# ---------------------------------------------------------------------------------------------
# 1. Pages under 20 clients


def timed(samples: list[Sample]) -> list[float]:
    """The latencies a bar is judged on: answers, and requests that timed out (at the time waited,
    a lower bound), since leaving them out would flatter a page too slow to answer at all."""
    return [s.ms for s in samples if s.status == 200 or s.error.endswith("Timeout")]


async def pages(server: Server, city: City, args: argparse.Namespace, results: dict[str, Any]) -> None:
    work = {"list": list_urls(city), "record": record_urls(city), "home": ["/"]}
    clients = await signed_in(server.base, ["coord"] * args.clients)
    try:
        alone: dict[str, list[float]] = {}
        for kind, urls in work.items():  # warm: every URL once, and check it answers; then once more, alone
            answers = Counter([(await fetch(clients[0], kind, url)).status for url in urls])
            # Every client's connection once too: with --workers, each server process has its own
            # caches (the frameworks, the templates, the home's overview) to warm.
            answers.update(s.status for s in await asyncio.gather(*(fetch(c, kind, urls[0]) for c in clients)))
            if set(answers) != {200}:
                print(f"  warning: before the timing, {kind} pages answered {dict(answers)} (status: count)")
            alone[kind] = [(await fetch(clients[0], kind, url)).ms for url in urls]
        print(f"\n1. pages ({load_text()} before)")
        for kind, ms in alone.items():
            print(f"  {kind:6} alone (one client, each of {len(ms)} URLs once): median {statistics.median(ms):.0f} ms, "
                  f"slowest {max(ms):.0f} ms")
        way = (f"each reading a page {args.pause:g} s (0.5-1.5x) before the next" if args.pause else
               "closed loop (no pause between a client's requests)")
        print(f"  {args.clients} concurrent clients signed in as the coordinator, {way}, {args.requests} requests "
              f"a client a page kind, {args.phase_limit:.0f} s at most:")
        for kind, urls in work.items():
            deadline = time.monotonic() + args.phase_limit
            start, server_cpu, client_cpu = time.perf_counter(), server.cpu_s(), time.process_time()
            runs = await asyncio.gather(*(closed_loop(c, [(kind, u) for u in urls], args.requests, deadline, n * 3,
                                                      args.pause)
                                          for n, c in enumerate(clients)))
            wall = time.perf_counter() - start
            samples = [s for run in runs for s in run]
            judged = timed(samples)
            failed = errors_of(samples)
            if not judged:
                print(f"  {kind:6} no page answered 200: {dict(failed)}")
                continue
            p50, p95, p99 = percentiles(judged)
            results[kind] = p95
            server_cpu, client_cpu = server.cpu_s() - server_cpu, time.process_time() - client_cpu
            print(f"  {kind:6} p50 {p50:5.0f} ms, p95 {p95:5.0f} ms, p99 {p99:5.0f} ms, {len(samples)} requests "
                  f"in {wall:.1f} s ({len(samples) / wall:.1f}/s), {sum(failed.values())} errors {dict(failed) or ''}")
            print(f"         CPU a request: server {1000 * server_cpu / len(samples):.1f} ms, this load client "
                  f"{1000 * client_cpu / len(samples):.1f} ms (the machine's {os.cpu_count()} CPUs are shared)")
        for kind, bar in BARS_MS.items():
            if kind in results:
                print(f"  {kind} p95 {ratio(results[kind], bar, 'ms')}")
        print(f"  ({load_text()} after)")
    finally:
        for c in clients:
            await c.aclose()


# ---------------------------------------------------------------------------------------------
# 2. Uploads


class SyntheticFile(io.RawIOBase):
    """``size`` bytes made on the fly (a unique head, then a shared random block over and over):
    30 uploads of 20 MB without holding 600 MB in this process, each with its own SHA-256."""

    def __init__(self, head: bytes, block: bytes, size: int) -> None:
        self.head, self.block, self.size, self.pos = head, block, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: offset, 1: self.pos + offset, 2: self.size + offset}[whence]
        return self.pos

    def byte_at(self, pos: int, n: int) -> bytes:
        if pos < len(self.head):
            return self.head[pos:pos + n]
        at = (pos - len(self.head)) % len(self.block)
        return self.block[at:at + n]

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self.size - self.pos, 1 << 20)
        if n <= 0:
            return 0
        chunk = self.byte_at(self.pos, n)
        buffer[: len(chunk)] = chunk
        self.pos += len(chunk)
        return len(chunk)


def short(text: str) -> str:
    """An error page's title, or the start of a reply's text, on one line."""
    found = re.search(r"<title>(.*?)</title>", text, re.S)
    return " ".join((found.group(1) if found else text).split())[:160]


async def upload(client: Any, code: str, body: SyntheticFile, filename: str,
                 field_name: str) -> tuple[str, int, float, str]:
    start = time.perf_counter()
    try:
        reply = await client.post(f"/evidence/{code}/files", headers={"x-csrf-token": client.csrf},
                                  files={field_name: (filename, body, "application/pdf")}, timeout=UPLOAD_TIMEOUT_S)
        return code, reply.status_code, time.perf_counter() - start, \
            short(reply.text) if reply.status_code >= 400 else ""
    except Exception as exc:  # a benchmark counts failures, whatever they are
        return code, 0, time.perf_counter() - start, type(exc).__name__


async def uploads(server: Server, city: City, args: argparse.Namespace, results: dict[str, Any]) -> None:
    size = args.upload_mb * 1_000_000
    block = os.urandom(1 << 20)
    people = sorted(city.contributors)[: args.uploaders]
    jobs = []
    for n, name in enumerate(people):
        code = city.codes_of_unit[city.contributors[name]][n % 7]
        jobs.append((name, code, SyntheticFile(f"%PDF-1.4\n% upload {n} {os.urandom(8).hex()}\n".encode(), block,
                                               size), f"Ảnh lễ khai mạc {n + 1:02d}.pdf"))
    if len(jobs) < args.uploaders:
        print(f"  warning: only {len(jobs)} contributors (one a unit)")
    print(f"\n2. uploads: {len(jobs)} contributors, {args.upload_mb} MB each, all at once, each signed in on its "
          f"own ({load_text()} before)")
    # Everyone signs in first, all at once (a morning's rush: argon2 takes 64 MiB a check, in the
    # server's thread pool); its peak is shown apart, then the peak starts again for the uploads.
    server.reset_peak()
    start = time.perf_counter()
    clients = await asyncio.gather(*(signed_in(server.base, [name]) for name in people))
    print(f"  {len(people)} sign-ins at once: {time.perf_counter() - start:.1f} s, server peak "
          f"{server.peak_mb():.0f} MB (no bar; argon2's memory)")
    reset = server.reset_peak()
    before = server.rss_mb()
    sampled = [before]
    stop = asyncio.Event()

    async def sample_memory() -> None:
        while not stop.is_set():
            sampled.append(server.rss_mb())
            try:
                await asyncio.wait_for(stop.wait(), 0.05)
            except TimeoutError:
                pass

    sampler = asyncio.create_task(sample_memory())
    start = time.perf_counter()
    try:
        done = await asyncio.wait_for(asyncio.gather(*(upload(c[0], code, body, filename, args.field)
                                                       for c, (_, code, body, filename) in zip(clients, jobs,
                                                                                               strict=True))),
                                      UPLOAD_TIMEOUT_S)
    finally:
        for c in clients:
            await c[0].aclose()
    wall = time.perf_counter() - start
    stop.set()
    await sampler
    peak = server.peak_mb()
    landed = await check_uploads(server, jobs, size)
    refused = [(code, status, text) for code, status, _, text in done if status not in (200, 201, 303)]
    times = [t for _, status, t, _ in done if status in (200, 201, 303)]
    print(f"  {len(jobs) - len(refused)} of {len(jobs)} answered 2xx/303 in {wall:.1f} s "
          f"({len(jobs) * size / 1e6 / wall:.0f} MB/s in all; one upload p50 {statistics.median(times or [0]):.1f} s, "
          f"slowest {max(times or [0]):.1f} s)")
    for code, status, text in refused[:5]:
        print(f"    {code}: {status} {text}")
    print(f"  landed: {landed} of {len(jobs)} records list their file with {size:,} bytes")
    what = "since just before the uploads" if reset else "over the server's life (clear_refs refused)"
    print(f"  server resident memory: {before:.0f} MB before, highest sampled {max(sampled):.0f} MB; peak (VmHWM "
          f"{what}, {len(server.pids())} process(es)) {ratio(peak, MEMORY_BAR_MB, 'MB')}")
    print(f"  all land: {'pass' if landed == len(jobs) == len(jobs) - len(refused) else 'MISSED'} "
          f"({load_text()} after)")
    results["upload_peak_mb"], results["landed"] = peak, landed


async def check_uploads(server: Server, jobs: list[tuple[str, str, SyntheticFile, str]], size: int) -> int:
    """How many records list their uploaded file: on the record page, and in the workspace with its size."""
    from html import escape

    from sqlmodel import select

    from readiness.config import resolve
    from readiness.store.db import open_workspace
    from readiness.store.models import Attachment, Evidence

    client = (await signed_in(server.base, ["coord"]))[0]
    try:
        on_page = set()
        for _, code, _, filename in jobs:
            reply = await client.get(f"/evidence/{code}")
            if reply.status_code == 200 and (filename in reply.text or escape(filename) in reply.text):
                on_page.add(code)
    finally:
        await client.aclose()
    with open_workspace(resolve(server_ws(server))) as ws, ws.session() as session:
        stored = {code for code, name, bytes_ in session.exec(
            select(Evidence.code, Attachment.name, Attachment.size).join(Attachment,
                                                                      Attachment.evidence_id == Evidence.id))
                  if bytes_ == size and name in {f for *_, f in jobs}}
    if on_page != stored:
        print(f"  note: {len(on_page)} record pages show their file, {len(stored)} stored with the full size")
    return len(on_page & stored)


def server_ws(server: Server) -> Path:
    return server.log_path.parent / "ws"


# ---------------------------------------------------------------------------------------------
# 3. 100 readers for 60 s


def reader_work(city: City, name: str, role: str) -> list[tuple[str, str]]:
    """What one reader asks for, in turn: list pages, record pages they may read, home."""
    if role == "contributor":
        unit = city.contributors[name]
        records = [f"/evidence/{c}" for c in city.codes_of_unit[unit][:10]]
    else:
        records = record_urls(city, 20, seed=sum(name.encode()))
    lists = list_urls(city)
    work = []
    for i in range(max(len(lists), len(records))):
        work += [("list", lists[i % len(lists)]), ("record", records[i % len(records)])]
        if i % 3 == 0:
            work.append(("home", "/"))
    return work


async def readers(server: Server, city: City, args: argparse.Namespace, results: dict[str, Any]) -> None:
    people = sorted(city.contributors)
    names = [("coord", "coordinator")] * 10 + [("viewer", "viewer")] * 10
    names += [(people[i % len(people)], "contributor") for i in range(args.readers - len(names))]
    names = names[: args.readers]
    # One session a person (a sign-in is an argon2 check); each reader its own client and connection.
    sessions = {c.name: c for c in await signed_in(server.base, sorted({n for n, _ in names}))}
    clients = []
    for name, _ in names:
        client = new_client(server.base)
        client.cookies = sessions[name].cookies
        clients.append(client)
    for c in sessions.values():
        await c.aclose()
    kinds = args.reader_pages
    print(f"\n3. readers: {len(clients)} concurrent readers ({len(sessions)} people: the coordinator and a viewer, "
          f"10 readers each, and contributors reading their unit's records), GETs of {', '.join(sorted(kinds))} "
          f"in turn for {args.duration:.0f} s, closed loop ({load_text()} before)")
    try:
        deadline = time.monotonic() + args.duration
        start = time.perf_counter()
        runs = await asyncio.gather(*(closed_loop(c, [w for w in reader_work(city, name, role) if w[0] in kinds],
                                                  1_000_000, deadline, n)
                                      for n, (c, (name, role)) in enumerate(zip(clients, names, strict=True))))
        wall = time.perf_counter() - start
    finally:
        for c in clients:
            await c.aclose()
    samples = [s for run in runs for s in run]
    failed = errors_of(samples)
    all_ms = [s.ms for s in samples]
    p50, p95, p99 = percentiles(timed(samples))
    print(f"  {len(samples):,} requests in {wall:.1f} s ({len(samples) / wall:.0f}/s): p50 {p50:.0f} ms, "
          f"p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {max(all_ms):.0f} ms")
    for kind in ("list", "record", "home"):
        ms = timed([s for s in samples if s.kind == kind])
        if not ms:
            continue
        k50, k95, k99 = percentiles(ms)
        print(f"    {kind:6} {len(ms):6,} requests: p50 {k50:.0f} ms, p95 {k95:.0f} ms, p99 {k99:.0f} ms")
    print(f"  errors: {sum(failed.values())} {dict(failed) or ''} ({'pass' if not failed else 'MISSED'})")
    print(f"  p99 {ratio(p99, READERS_P99_BAR_MS, 'ms')} ({load_text()} after)")
    results["readers_p99"], results["readers_errors"] = p99, sum(failed.values())


# ---------------------------------------------------------------------------------------------
# After: SQL statements per page (and a profile), in this process


def queries_per_page(city: City, profile: bool) -> None:
    """Each page kind requested in this process through the app: its SQL statements, and with
    ``profile`` the functions that take the time."""
    asyncio.run(_queries_per_page(city, profile))


async def _queries_per_page(city: City, profile: bool) -> None:
    import cProfile
    import pstats

    import anyio.to_thread
    import httpx2
    from sqlalchemy import event

    from readiness.config import resolve
    from readiness.web.app import create_app

    async def inline(func: Any, *args: Any, **_: Any) -> Any:
        return func(*args)

    # The routes' work in this thread, where the profiler sees it, rather than in anyio's threads.
    anyio.to_thread.run_sync = inline  # type: ignore[assignment]
    app = create_app(resolve(server_ws_of(city)))
    engine = app.state.readiness.ws.engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    print("\nSQL statements a page (in this process, after the run):")
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as client:
        await sign_in(client, "coord")
        for kind, urls in (("list", list_urls(city)[:4]), ("record", record_urls(city)[:4]), ("home", ["/"])):
            for url in urls:
                if kind != "home":  # (the home is slow: its one request is also its warm-up)
                    await client.get(url)
                statements.clear()
                start = time.perf_counter()
                reply = await client.get(url)
                ms = (time.perf_counter() - start) * 1000
                print(f"  {kind:6} {url:40} {reply.status_code} {len(statements):4} statements, {ms:5.0f} ms alone, "
                      f"{len(reply.content) / 1000:.0f} kB")
            if profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(3):
                    for url in urls:
                        await client.get(url)
                profiler.disable()
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("tottime").print_stats(10)
                stats.sort_stats("cumulative").print_stats("readiness/", 18)
                print(f"  profile of {kind} ({3 * len(urls)} requests):")
                print("\n".join("    " + line for line in out.getvalue().splitlines()
                                if line.strip() and "function calls" not in line))
    app.state.readiness.ws.close()


def server_ws_of(city: City) -> Path:
    return city.root / "ws"


# ---------------------------------------------------------------------------------------------


def commit_measured() -> str:
    repo = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" plus uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


PARTS = {"pages": pages, "uploads": uploads, "readers": readers}


def run(city: City, args: argparse.Namespace) -> dict[str, Any]:
    """Each part on a server of its own, started fresh and warmed by the part: a page abandoned by
    a client that gave up (a request cannot be cancelled once a thread computes it) must not weigh
    on the next part."""
    results: dict[str, Any] = {}
    for name, part in PARTS.items():
        if name not in args.parts:
            continue
        server = Server(city, args.workers, name)
        try:
            server.wait_ready()
            print(f"\nserver: readiness serve --workers {args.workers} on {server.base}, "
                  f"{server.rss_mb():.0f} MB resident at start")
            asyncio.run(part(server, city, args, results))
        finally:
            server.stop()
            if server.problems():
                print(f"  {server.problems()}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="a short try: 1,000 records, readers for 10 s, 10 uploads of 5 MB, fewer requests")
    parser.add_argument("--records", type=int, help="records of the city (default 5,000; --quick 1,000)")
    parser.add_argument("--units", type=int, default=30, help="units of the city, one contributor each")
    parser.add_argument("--workers", type=int, default=1, help="server processes (readiness serve --workers)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients of the pages part")
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds each client of the pages part reads a page before asking the next (default 0: "
                             "a closed loop, every client always waiting on the server)")
    parser.add_argument("--requests", type=int, help="requests a client a page kind (default 40; --quick 10)")
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--duration", type=float, help="seconds of the readers part (default 60; --quick 10)")
    parser.add_argument("--uploaders", type=int, help="contributors uploading at once (default 30; --quick 10)")
    parser.add_argument("--upload-mb", type=int, help="MB each uploads (default 20; --quick 5)")
    parser.add_argument("--field", default="files", help="the upload form's file field")
    parser.add_argument("--parts", default="pages,readers,uploads",
                        help="which parts, comma-separated: pages, readers, uploads")
    parser.add_argument("--reader-pages", default="list,record,home",
                        help="what the readers ask for, comma-separated: list, record, home")
    parser.add_argument("--profile", action="store_true", help="also profile each page kind in this process")
    parser.add_argument("--phase-limit", type=float, default=120.0, help="seconds at most for one page kind")
    args = parser.parse_args()
    quick = args.quick
    args.records = args.records or (1000 if quick else 5000)
    args.requests = args.requests or (10 if quick else 40)
    args.duration = args.duration or (10.0 if quick else 60.0)
    args.uploaders = args.uploaders or (10 if quick else 30)
    args.upload_mb = args.upload_mb or (5 if quick else 20)
    args.parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    args.reader_pages = {p.strip() for p in args.reader_pages.split(",") if p.strip()}

    with tempfile.TemporaryDirectory(prefix="readiness-web-bench-") as tmp:
        start = time.perf_counter()
        city = build_city(Path(tmp), args.records, args.units, attached=max(5, args.records // 100))
        print(f"readiness {commit_measured()}; {os.cpu_count()} CPUs; {load_text()}")
        print(f"city: {len(city.codes):,} records, {len(city.codes_of_unit)} units with records, "
              f"{2 * len(city.codes):,} links, {len(city.with_files)} records with files, "
              f"{len(city.contributors) + 3} accounts; built in {time.perf_counter() - start:.1f} s"
              f"{' (--quick)' if quick else ''}")
        results = run(city, args)
        queries_per_page(city, args.profile)
        summary(results, args)


def summary(results: dict[str, Any], args: argparse.Namespace) -> None:
    print("\nbars:")
    for kind, bar in BARS_MS.items():
        if kind in results:
            print(f"  {kind} p95 under {bar:.0f} ms ({args.clients} clients): "
                  f"{'pass' if results[kind] < bar else 'MISSED'} ({results[kind]:.0f} ms)")
    if "upload_peak_mb" in results:
        ok = results["landed"] == args.uploaders and results["upload_peak_mb"] < MEMORY_BAR_MB
        print(f"  {args.uploaders} uploads of {args.upload_mb} MB land, peak under {MEMORY_BAR_MB:.0f} MB: "
              f"{'pass' if ok else 'MISSED'} ({results['landed']} landed, {results['upload_peak_mb']:.0f} MB)")
    if "readers_p99" in results:
        ok = results["readers_errors"] == 0 and results["readers_p99"] < READERS_P99_BAR_MS
        print(f"  {args.readers} readers for {args.duration:.0f} s, no error, p99 under 1 s: "
              f"{'pass' if ok else 'MISSED'} ({results['readers_errors']} errors, p99 {results['readers_p99']:.0f} ms)")


if __name__ == "__main__":
    main()
