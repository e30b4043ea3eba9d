"""Hostile inputs, each run as a real `readiness` process: exit code, message, memory, time, damage.

Bars (issue 13, "Done when"): over a corpus of hostile inputs of our own (every family of the
issue), every case ends within 30 s and under 600 MB on this machine, exits 0 or 1 with one
`error:`-style line and no traceback, and a command that fails leaves the workspace as it was
(every database row, every file under the workspace folder). The 30 s are CPU seconds (user +
system, the command and its children): the machine is shared, and a loaded one stretches wall
time for reasons that are not the command's; wall time is reported beside it, `--wall-bar`
applies the bar to it instead, and a command blocked without using CPU is killed after
`--wall-kill` seconds (60) and fails. Many cases add a check of their
own that the attack did not work (a verified status imported without review, a formula cell in
CSV output, a secret file embedded in a dossier, a file lost to a race...).

The inputs are built at run time under a temporary folder (benchmarks/hostile_cases.py; zip,
XLSX and DOCX bombs are written as raw deflate streams, so nothing large is committed and a
1 GB bomb costs a second to make), and each case runs against a fresh copy of a workspace
seeded with `readiness import --sample hanoi`. Peak memory is the child's own ru_maxrss from
os.wait4 (its reaped descendants included); a child is killed at the time limits or when its
process tree passes --kill-mb (1,200 MB, to spare the shared machine), and the row says so.

    python benchmarks/hostile.py [--only FAMILY[,FAMILY]] [--case TEXT] [--json] [--keep DIR]

Exit code 0 when every case meets the bars, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile_cases as hc  # noqa: E402

TIME_BAR_S = 30.0
MEMORY_BAR_MB = 600.0
ERROR_LINE = re.compile(r"^(error: \S|\S[^\n]*?:\d+: \S|\S[^\n]*?: \S)")


# ---------------------------------------------------------------------------------------------
# Running one process, measured


@dataclass
class Measured:
    exit: int | None  # None when killed by us
    seconds: float  # wall clock
    cpu: float  # user + system seconds, the process and its reaped descendants
    peak_mb: float
    stdout: bytes
    stderr: str
    killed: str | None = None  # "time", "cpu" or "memory"


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return pids


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return total * os.sysconf("SC_PAGE_SIZE") / 1e6


def _cpu_s(pids: list[int]) -> float:
    ticks = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


# A small Python forks and waits for `readiness`, then writes the child's own rusage. Reading it
# from a direct child of this harness would be wrong: Linux carries the RSS a process had when it
# called exec into its ru_maxrss, so every child would report at least this harness's size.
LAUNCHER = r"""
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "readiness", *sys.argv[2:]])
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{ru.ru_maxrss} {ru.ru_utime + ru.ru_stime}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def _child_of(pid: int, limit: float = 5) -> int | None:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            return None
        time.sleep(0.001)
    return None


def _start_hook(pid: int, during, hook_result: list[str | None]) -> threading.Thread:
    """Run the `during` hook on the readiness process under PID in a thread; what it says goes to hook_result[0]."""
    def run_hook() -> None:
        target = _child_of(pid)  # the readiness process itself, to pause and watch
        if target is None:
            hook_result[0] = "harness hook failed: the command's process was not found"
            return
        try:
            hook_result[0] = during(target)
        except Exception as exc:  # the hook is the harness's; say what broke
            hook_result[0] = f"harness hook failed: {type(exc).__name__}: {exc}"
        finally:
            try:
                os.kill(target, signal.SIGCONT)
            except ProcessLookupError:
                pass
    hook = threading.Thread(target=run_hook, daemon=True)
    hook.start()
    return hook


def measure(args: list[str], *, env: dict[str, str], cwd: Path, timeout: float, cpu_limit: float, kill_mb: float,
            during=None, out_dir: Path, tag: str) -> tuple[Measured, str | None]:
    """Run `readiness ARGS` in its own session; (measurement, what the `during` hook said)."""
    out_path, err_path = out_dir / f"{tag}.stdout", out_dir / f"{tag}.stderr"
    report = out_dir / f"{tag}.rusage"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(report), *args], env=env, cwd=cwd,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
    hook_result: list[str | None] = [None]
    hook = None if during is None else _start_hook(proc.pid, during, hook_result)
    killed = None
    polled_mb = polled_cpu = 0.0
    while True:
        pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        elapsed = time.perf_counter() - start
        if killed is None:
            tree = _tree(proc.pid)
            rss = _rss_mb(tree)
            polled_mb = max(polled_mb, rss)
            if elapsed > timeout:
                killed = "time"
            elif rss > kill_mb:
                killed = "memory"
            polled_cpu = max(polled_cpu, _cpu_s(tree))
            if killed is None and polled_cpu > cpu_limit:
                killed = "cpu"
            if killed:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
    if hook is not None:
        hook.join(timeout=60)
    peak_mb, cpu = polled_mb, polled_cpu
    try:
        maxrss_kb, cpu_s = report.read_text().split()
        peak_mb, cpu = max(int(maxrss_kb) / 1024, polled_mb), float(cpu_s)
    except (OSError, ValueError):  # killed: no report; the polled figures stand
        pass
    code = None if killed else proc.returncode
    stdout = out_path.read_bytes()
    stderr = err_path.read_bytes().decode("utf-8", "replace")
    return Measured(code, seconds, cpu, peak_mb, stdout, stderr, killed), hook_result[0]


# ---------------------------------------------------------------------------------------------
# The workspace, before and after


def snapshot(ws: Path, database_url: str | None = None) -> dict[str, str]:
    """Every table's rows and every file under the workspace folder, as hashes by name."""
    state: dict[str, str] = {}
    if database_url and database_url.startswith("postgresql"):
        state.update(hc.pg_snapshot(database_url))
    else:
        db = ws / "readiness.sqlite3"
        if db.exists():
            try:
                conn = sqlite3.connect(db)  # read only by use; mode=ro cannot open a WAL left behind
                try:
                    names = [r[0] for r in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
                    for name in names:
                        digest = hashlib.sha256()
                        for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid'):
                            digest.update(repr(row).encode("utf-8", "surrogatepass"))
                        state[f"table {name}"] = digest.hexdigest()
                finally:
                    conn.close()
            except sqlite3.Error:  # a damaged database: compare its bytes
                state["database bytes"] = hashlib.sha256(db.read_bytes()).hexdigest()
    if ws.is_dir():
        for path in sorted(ws.rglob("*")):
            rel = path.relative_to(ws).as_posix()
            if rel.startswith("readiness.sqlite3"):
                continue
            if path.is_symlink():
                state[f"file {rel}"] = "link -> " + os.readlink(path)
            elif path.is_file():
                try:
                    state[f"file {rel}"] = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError as exc:
                    state[f"file {rel}"] = f"unreadable {exc.errno}"
            elif path.is_dir():
                continue  # an empty prefix folder left by an undo is not a stored file
            else:
                state[f"file {rel}"] = "special"
    return state


def describe_change(before: dict[str, str], after: dict[str, str]) -> str:
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    shown = ", ".join(changed[:3]) + (f" (+{len(changed) - 3})" if len(changed) > 3 else "")
    return shown


def watched(paths: list[Path]) -> dict[str, str]:
    state = {}
    for p in paths:
        try:
            state[str(p)] = ("link " + os.readlink(p)) if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
        except OSError as exc:
            state[str(p)] = f"absent ({exc.errno})"
    return state


# ---------------------------------------------------------------------------------------------
# One case


@dataclass
class Row:
    family: str
    case: str
    what: str
    item: str
    exit: int | None = None
    message: str = ""
    peak_mb: float | None = None
    seconds: float | None = None
    cpu: float | None = None
    unchanged: bool | None = None
    passed: bool = False
    not_run: str | None = None
    why: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Limits:
    time_bar: float  # seconds, on CPU time (or wall time with --wall-bar)
    wall_bar: bool
    wall_kill: float
    kill_mb: float


def first_message(m: Measured) -> str:
    if m.killed:
        return {"time": "killed: past the wall-clock limit", "cpu": "killed: past the CPU-time limit",
                "memory": "killed: past the memory cap"}[m.killed]
    lines = [ln for ln in m.stderr.splitlines() if ln.strip()]
    if m.exit == 0:
        return "ok"
    for ln in lines:
        if ln.startswith("Traceback"):
            last = next((x for x in reversed(lines) if x and not x.startswith(" ")), ln)
            return "TRACEBACK " + last
    for ln in lines:
        if ERROR_LINE.match(ln) and not ln.startswith(("warning:", "created a new workspace")):
            return ln
    return lines[0] if lines else "(nothing on stderr)"


def shown(text: str, width: int) -> str:
    if any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in text):
        text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= width else text[: width - 1] + "…"


def bars(m: Measured, label: str, limits: Limits) -> list[str]:
    """Why a measured process misses the generic bars (empty when it meets them)."""
    why = []
    spent = m.seconds if limits.wall_bar else m.cpu
    if m.killed in ("time", "cpu") or spent > limits.time_bar:
        kind = "wall" if limits.wall_bar or m.killed == "time" else "CPU"
        why.append(f"{label}: over {limits.time_bar:.0f} s ({kind})" if m.killed != "time"
                   else f"{label}: still running after {limits.wall_kill:.0f} s wall")
    if m.killed == "memory" or m.peak_mb > MEMORY_BAR_MB:
        why.append(f"{label}: {m.peak_mb:,.0f} MB peak")
    if m.killed:
        return why
    if "Traceback (most recent call last)" in m.stderr:
        why.append(f"{label}: traceback")
    if m.exit not in (0, 1):
        why.append(f"{label}: exit {m.exit}")
    elif m.exit == 1:
        lines = [ln for ln in m.stderr.splitlines() if ln.strip()]
        if not any(ERROR_LINE.match(ln) for ln in lines):
            why.append(f"{label}: exit 1 without an error: line")
    return why


def run_case(case: hc.Case, base: Path, templates: hc.Templates, args: argparse.Namespace, limits: Limits) -> Row:
    row = Row(case.family, case.name, case.what, hc.FAMILIES[case.family])
    folder = Path(tempfile.mkdtemp(prefix=f"{case.family}-", dir=base))
    ctx = hc.Ctx(root=folder, ws=folder / "ws", cache=base / "cache", templates=templates, timeout=limits.wall_kill)
    try:
        templates.seed(case.template, ctx)
        spec = case.build(ctx)
    except hc.NotRun as exc:
        row.not_run = str(exc)
        row.passed = True
        row.message = f"not run: {exc}"
        _cleanup(ctx, folder, args)
        return row
    except Exception as exc:  # the harness's own failure, said as one
        row.message = f"harness setup failed: {type(exc).__name__}: {exc}"
        row.why.append(row.message)
        _cleanup(ctx, folder, args)
        return row
    run = dict(cpu_limit=limits.time_bar + 1, kill_mb=limits.kill_mb, timeout=limits.wall_kill, out_dir=folder)
    try:
        if spec.static is not None:  # a check of the package, not a process
            problem = spec.static(ctx)
            row.message = "ok" if problem is None else problem
            row.passed = problem is None
            if problem:
                row.why.append(problem)
            return row
        env = ctx.env(spec.env)
        before = snapshot(ctx.ws, env.get("READINESS_DATABASE_URL"))
        outside_before = watched(spec.watch)
        during = (lambda pid: spec.during(ctx, pid)) if spec.during else None
        m, hook_said = measure(spec.args, env=env, cwd=spec.cwd or folder, during=during, tag="main", **run)
        after = snapshot(ctx.ws, env.get("READINESS_DATABASE_URL"))
        row.exit, row.seconds, row.cpu, row.peak_mb = m.exit, m.seconds, m.cpu, m.peak_mb
        row.message = first_message(m).replace(str(folder) + "/", "")
        row.unchanged = before == after
        row.why += bars(m, "run", limits)
        if hook_said:
            said = row.why if hook_said.startswith(("FAIL", "harness")) else row.notes
            said.append(hook_said.removeprefix("FAIL: "))
        if m.exit != 0 and not row.unchanged and not spec.changes_ok:
            row.why.append(f"workspace changed: {describe_change(before, after)}")
        outside_after = watched(spec.watch)
        for path in spec.watch:
            if outside_before[str(path)] != outside_after[str(path)]:
                row.why.append(f"{path} changed outside the workspace")
        ctx.main = m
        if m.exit == 0 or not spec.followups_if_ok:
            for i, follow in enumerate(spec.followups, start=1):
                fm, _ = measure(follow, env=env, cwd=spec.cwd or folder, tag=f"then{i}", **run)
                ctx.followed.append(fm)
                label = f"then `{' '.join(shown(a, 20) for a in follow[:3])}`"
                problems = bars(fm, label, limits)
                if problems and fm.exit != 0 and not fm.killed:
                    problems = [p + f" ({shown(first_message(fm), 60)})" for p in problems]
                row.why += problems
        if spec.check is not None:
            problem = spec.check(ctx, m)
            if problem:
                row.why.append(problem)
        row.passed = not row.why
    except hc.SetupError as exc:
        row.message = f"harness setup failed: {exc}"
        row.why.append(row.message)
    finally:
        _cleanup(ctx, folder, args)
    return row


def _cleanup(ctx: hc.Ctx, folder: Path, args: argparse.Namespace) -> None:
    for fn in ctx.cleanup:
        try:
            fn()
        except Exception:
            pass
    ctx.cleanup.clear()
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The report


def table(rows: list[Row]) -> str:
    out = [f"{'family':<11} {'case':<28} {'exit':>4}  {'message':<60} {'MB':>5} {'wall':>5} {'cpu':>5} "
           f"{'same':<4} bars"]
    for r in rows:
        mb = f"{r.peak_mb:,.0f}" if r.peak_mb is not None else "-"
        wall = f"{r.seconds:.1f}" if r.seconds is not None else "-"
        cpu = f"{r.cpu:.1f}" if r.cpu is not None else "-"
        same = "-" if r.unchanged is None else ("yes" if r.unchanged else "no")
        code = "-" if r.exit is None else str(r.exit)
        verdict = "not run" if r.not_run else ("PASS" if r.passed else "FAIL: " + "; ".join(r.why))
        out.append(f"{r.family:<11} {shown(r.case, 28):<28} {code:>4}  {shown(r.message, 60):<60} {mb:>5} {wall:>5} "
                   f"{cpu:>5} {same:<4} {verdict}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="Families to run, comma-separated: " + ", ".join(hc.FAMILIES))
    parser.add_argument("--case", help="Only cases whose name contains this text.")
    parser.add_argument("--json", action="store_true", help="Print a machine-readable report instead of the table.")
    parser.add_argument("--save", metavar="FILE", help="Also write the JSON report to FILE.")
    parser.add_argument("--keep", metavar="DIR", help="Build in DIR and keep every case's folder (inputs, outputs).")
    parser.add_argument("--time-bar", type=float, default=TIME_BAR_S,
                        help="Seconds a case may take, as CPU time (user + system) [30]; a case is killed past it.")
    parser.add_argument("--wall-bar", action="store_true",
                        help="Apply the time bar to wall-clock time instead (on a quiet machine).")
    parser.add_argument("--wall-kill", type=float, default=60,
                        help="Wall-clock seconds before a case is killed whatever its CPU time "
                             "(a blocked open()) [60].")
    parser.add_argument("--kill-mb", type=float, default=1200,
                        help="Kill a case whose process tree passes this many MB (the bar is 600) [1200].")
    parser.add_argument("--pg-url", default=os.environ.get("READINESS_HOSTILE_PG_URL"),
                        help="PostgreSQL database for the PostgreSQL cases (a schema per case) "
                             "[env READINESS_HOSTILE_PG_URL; not run without it].")
    parser.add_argument("--list", action="store_true", help="List the cases and exit.")
    args = parser.parse_args()

    cases = hc.all_cases()
    if args.only:
        wanted = {f.strip() for f in args.only.split(",")}
        unknown = wanted - set(hc.FAMILIES)
        if unknown:
            parser.error(f"unknown families: {', '.join(sorted(unknown))}; known: {', '.join(hc.FAMILIES)}")
        cases = [c for c in cases if c.family in wanted]
    if args.case:
        cases = [c for c in cases if args.case in c.name]
    if args.list:
        for c in cases:
            print(f"{c.family:<12} {c.name:<32} {c.what}")
        return

    limits = Limits(args.time_bar, args.wall_bar, args.time_bar if args.wall_bar else args.wall_kill, args.kill_mb)
    started = time.perf_counter()
    base = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="hostile-"))
    base.mkdir(parents=True, exist_ok=True)
    (base / "cache").mkdir(exist_ok=True)
    templates = hc.Templates(base / "templates", pg_url=args.pg_url)
    rows: list[Row] = []
    try:
        for i, case in enumerate(cases, start=1):
            if not args.json:
                print(f"[{i}/{len(cases)}] {case.family} {case.name} ...", file=sys.stderr, flush=True)
            rows.append(run_case(case, base, templates, args, limits))
    finally:
        templates.close()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    total = time.perf_counter() - started
    ran = [r for r in rows if not r.not_run]
    passed = [r for r in ran if r.passed]
    families = sorted({r.family for r in rows})
    report = {"format": "readiness-hostile/1", "seconds": round(total, 1), "cases": len(rows),
              "run": len(ran), "passed": len(passed), "time_bar_s": args.time_bar,
              "time_bar_on": "wall" if args.wall_bar else "cpu", "wall_kill_s": limits.wall_kill,
              "memory_bar_mb": MEMORY_BAR_MB, "rows": [asdict(r) for r in rows]}
    if args.save:
        Path(args.save).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(table(rows))
        print()
        per_family = ", ".join(f"{f} {sum(r.passed for r in ran if r.family == f)}/{sum(r.family == f for r in ran)}"
                               for f in families)
        print(f"{len(rows)} cases ({len(rows) - len(ran)} not run), {len(passed)} of {len(ran)} pass; "
              f"by family: {per_family}")
        print(f"ran in {total:.0f} s; bars: ≤{args.time_bar:.0f} s {'wall' if args.wall_bar else 'CPU'} "
              f"(killed past it, or past {limits.wall_kill:.0f} s wall), ≤{MEMORY_BAR_MB:.0f} MB peak RSS, exit 0 or 1 "
              "with an error: line and no traceback, workspace unchanged when it fails, and each case's own check")
    sys.exit(0 if len(passed) == len(ran) else 1)


if __name__ == "__main__":
    main()
