"""The dossier as a whole process: the Hanoi sample, and a city of 1,000 records with 300 files.

Bars (dossier issue):
  the Hanoi sample's dossier                    under 5 s
  1,000 records and 300 attached files          under 30 s and 600 MB peak memory, with the
                                                time outside WeasyPrint's rendering (queries,
                                                scoring, templates) under 15% of the total

    python benchmarks/dossier.py [--records 1000] [--files 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
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
            "id": f"BC-{n:04d}", "kind": rnd.choice(KINDS),
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


def run(env: dict, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "readiness", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "READINESS_WORKSPACE": str(root / "ws"), "READINESS_USER": "bench"}
        subprocess.run([sys.executable, "-m", "readiness", "import", "--sample", "hanoi"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hanoi = [run(env, "dossier", "--city", "Hanoi", "-o", str(root / "hanoi.pdf")) for _ in range(args.runs)]
        pages_hanoi = len(__import__("pypdf").PdfReader(str(root / "hanoi.pdf")).pages)

        source = big_city(root / "big", args.records, args.files)
        subprocess.run([sys.executable, "-m", "readiness", "import", str(source)], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        big = run(env, "dossier", "--city", "Thử nghiệm", "-o", str(root / "big.pdf"))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        from pypdf import PdfReader

        reader = PdfReader(str(root / "big.pdf"))
        pages_big, embedded = len(reader.pages), len(reader.attachments)
        size_big = (root / "big.pdf").stat().st_size
        parts = json.loads(subprocess.run([sys.executable, "-c", CHILD, str(root / "ws"), "Thử nghiệm"], env=env,
                                          check=True, capture_output=True, text=True).stdout)

    median = statistics.median(hanoi)
    print(f"Hanoi sample: median {median:.2f} s of {args.runs} runs, fastest {min(hanoi):.2f} s, {pages_hanoi} pages "
          f"(bar 5 s, ratio {median / 5:.2f})")
    print(f"{args.records:,} records, {args.files} files: {big:.1f} s as a process (bar 30 s, ratio {big / 30:.2f}), "
          f"{pages_big} pages, {embedded} files embedded, {size_big / 1e6:.1f} MB")
    peak_mb = max(peak, before) / 1024
    print(f"peak memory of the largest readiness process: {peak_mb:.0f} MB (bar 600 MB, ratio {peak_mb / 600:.2f})")
    outside = parts["context"] + parts["html"]
    total = outside + parts["import"] + parts["render"]
    print(f"in one process: gathering and scoring {parts['context']:.2f} s, templates {parts['html']:.2f} s, "
          f"importing WeasyPrint {parts['import']:.2f} s, WeasyPrint rendering {parts['render']:.2f} s")
    print(f"time outside WeasyPrint: {outside:.2f} s = {outside / total:.1%} of {total:.1f} s (bar 15%, ratio "
          f"{outside / total / 0.15:.2f})")


if __name__ == "__main__":
    main()
