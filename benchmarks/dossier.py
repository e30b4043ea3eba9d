"""The dossier as a whole process: the Hanoi sample, and a big city.

Bars (dossier issues):
  the Hanoi sample's dossier                    under 5 s
  --size standard: 1,000 records, 300 files     under 30 s and 600 MB peak memory, with the
                                                time outside WeasyPrint's rendering (queries,
                                                scoring, templates) under 15% of the total
  --size large: 10,000 records, 1,000 files     under 120 s and 1 GB peak memory (a city after
                                                some years: each criterion shows a few records
                                                and counts the rest; the register lists all)

Each figure is the dossier command alone, as a process (its own peak memory, from wait4).

    python benchmarks/dossier.py [--size standard|large] [--records N] [--files N] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

KINDS = ["plan", "policy", "forum", "event", "programme", "statistic", "structure", "partnership", "funding",
         "report", "media", "letter"]

# In a child process: the same steps as `readiness dossier`, timed apart.
CHILD = r"""
import datetime as dt, json, sys, time
from readiness.config import resolve
from readiness.frameworks.loader import load_catalogue
from readiness.store.db import open_workspace
from readiness.dossier.context import DossierOptions, build_context
from readiness.dossier.pdf import render_pdf
from readiness.store.stores import workspace_store
from readiness.dossier.render import render_html
t0 = time.perf_counter()
with open_workspace(resolve(sys.argv[1])) as ws:
    catalogue = load_catalogue()
    context = build_context(ws, catalogue, sys.argv[2], DossierOptions(
        as_of=dt.date(2026, 11, 23), created=dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)))
    t1 = time.perf_counter()
    html = render_html(context)
    t2 = time.perf_counter()
    import weasyprint  # noqa: F401  (its import is WeasyPrint's own cost)
    t3 = time.perf_counter()
    pdf = render_pdf(context, html, workspace_store(ws)).data
    t4 = time.perf_counter()
print(json.dumps({"context": t1 - t0, "html": t2 - t1, "import": t3 - t2, "render": t4 - t3, "bytes": len(pdf)}))
"""


def big_city(folder: Path, records: int, files: int, seed: int = 11) -> Path:
    """An import file for one city: records with bilingual texts, links and attached files."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from readiness.frameworks.loader import load_catalogue

    rnd = random.Random(seed)
    refs = [f"{e.framework.id}:{cid}" for e in load_catalogue()
            for cid, c in e.framework.criteria.items() if c.evidence]
    (folder / "files").mkdir(parents=True, exist_ok=True)
    rows = []
    for n in range(1, records + 1):
        year = rnd.randint(2019, 2026)
        record = {
            "id": f"BC-{n:05d}", "kind": rnd.choice(KINDS),
            "title": {"vi": f"Hoạt động học tập suốt đời số {n} tại phường {n % 40 + 1}",
                      "en": f"Lifelong learning activity {n} in ward {n % 40 + 1}"},
            "summary": {"vi": "Phường tổ chức lớp học, diễn đàn và ngày hội đọc sách cho người dân; "
                              f"có {rnd.randint(20, 900)} lượt người tham gia.",
                        "en": "The ward ran classes, a forum and a reading day; "
                              f"{rnd.randint(20, 900)} people took part."},
            "organiser": {"vi": f"UBND phường {n % 40 + 1}"},
            "start": f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "status": rnd.choice(["draft", "submitted", "verified", "verified"]),
            "source_url": f"https://example.org/tin-tuc/{n}",
            "links": [{"criterion": r} for r in rnd.sample(refs, 2)],
        }
        if n <= files:
            name = f"bien-ban-{n:04d}.pdf"
            (folder / "files" / name).write_bytes(b"%PDF-1.4\n%" + os.urandom(rnd.randint(2000, 30000)))
            record["attachments"] = [{"file": f"files/{name}", "name": f"Biên bản {n}.pdf"}]
        rows.append(record)
    path = folder / "city.yaml"
    path.write_text(yaml.safe_dump({"format": "readiness-evidence/1",
                                    "city": {"name": "Thành phố Thử nghiệm", "country": "VN", "code": "BC"},
                                    "records": rows}, allow_unicode=True), encoding="utf-8")
    return path


SIZES = {"standard": (1000, 300, 30.0, 600.0), "large": (10_000, 1000, 120.0, 1000.0)}


def measure(env: dict, *args: str) -> tuple[float, float, float]:
    """Wall time (s), CPU time (s, user + system) and peak memory (MB) of one `readiness` process.

    On a shared machine the wall time grows with the load; the CPU time is what the work costs.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-m", "readiness", *args], env=env,
                                 stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            err.seek(0)
            raise SystemExit(f"readiness {' '.join(args)} failed:\n{err.read().decode()}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="standard")
    parser.add_argument("--records", type=int, help="default: by --size")
    parser.add_argument("--files", type=int, help="default: by --size")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    records, files, bar_s, bar_mb = SIZES[args.size]
    args.records, args.files = args.records or records, args.files or files

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "READINESS_WORKSPACE": str(root / "ws"), "READINESS_USER": "bench"}
        subprocess.run([sys.executable, "-m", "readiness", "import", "--sample", "hanoi"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hanoi_runs = [measure(env, "dossier", "--city", "Hanoi", "-o", str(root / "hanoi.pdf"))
                      for _ in range(args.runs)]
        hanoi = [wall for wall, _, _ in hanoi_runs]
        hanoi_cpu = statistics.median(cpu for _, cpu, _ in hanoi_runs)
        pages_hanoi = len(__import__("pypdf").PdfReader(str(root / "hanoi.pdf")).pages)

        source = big_city(root / "big", args.records, args.files)
        subprocess.run([sys.executable, "-m", "readiness", "import", str(source)], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        big, big_cpu, peak_mb = measure(env, "dossier", "--city", "Thử nghiệm", "-o", str(root / "big.pdf"))
        from pypdf import PdfReader

        reader = PdfReader(str(root / "big.pdf"))
        pages_big, embedded = len(reader.pages), len(reader.attachments)
        size_big = (root / "big.pdf").stat().st_size
        parts = json.loads(subprocess.run([sys.executable, "-c", CHILD, str(root / "ws"), "Thử nghiệm"], env=env,
                                          check=True, capture_output=True, text=True).stdout)

    median = statistics.median(hanoi)
    print(f"Hanoi sample: median {median:.2f} s of {args.runs} runs, fastest {min(hanoi):.2f} s, median CPU "
          f"{hanoi_cpu:.2f} s, {pages_hanoi} pages (bar 5 s, ratio {median / 5:.2f})")
    print(f"{args.records:,} records, {args.files} files: {big:.1f} s as a process (bar {bar_s:.0f} s, ratio "
          f"{big / bar_s:.2f}), {big_cpu:.1f} s of CPU (ratio {big_cpu / bar_s:.2f}), {pages_big} pages, "
          f"{embedded} files embedded, {size_big / 1e6:.1f} MB")
    print(f"peak memory of the dossier process: {peak_mb:.0f} MB (bar {bar_mb:.0f} MB, ratio {peak_mb / bar_mb:.2f})")
    outside = parts["context"] + parts["html"]
    total = outside + parts["import"] + parts["render"]
    print(f"in one process: gathering and scoring {parts['context']:.2f} s, templates {parts['html']:.2f} s, "
          f"importing WeasyPrint {parts['import']:.2f} s, WeasyPrint rendering {parts['render']:.2f} s")
    print(f"time outside WeasyPrint: {outside:.2f} s = {outside / total:.1%} of {total:.1f} s (bar 15%, ratio "
          f"{outside / total / 0.15:.2f})")


if __name__ == "__main__":
    main()
