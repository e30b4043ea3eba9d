"""Import of a large spreadsheet with attached files, as a whole process.

Bar (evidence issue): 10,000 CSV rows with 1,000 small files in under 60 s and under 300 MB
peak memory (resident set of the `readiness import` process).

    python benchmarks/evidence_import.py [--rows 10000] [--files 1000] [--file-size 20000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--file-size", type=int, default=20_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in a temporary workspace)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sheet"
        folder.mkdir()
        lines = ["kind,title,title_en,start,end,criteria,files,tags"]
        for i in range(args.rows):
            attached = ""
            if i < args.files:
                attached = f"bien-ban-{i}.pdf"
                (folder / attached).write_bytes(b"%PDF-1.7\n" + os.urandom(args.file_size))
            lines.append(f"sự kiện,Hoạt động học tập số {i},Learning activity {i},{1 + i % 28:02d}/10/2025,,"
                         f"kflc:2.6.1 (week activity); guidelines:G3.1,{attached},week")
        sheet = folder / "evidence.csv"
        sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = {**os.environ, "READINESS_WORKSPACE": str(Path(tmp) / "ws"), "READINESS_USER": "bench"}
        if args.database_url:
            env["READINESS_DATABASE_URL"] = args.database_url
        readiness = [sys.executable, "-m", "readiness"]
        subprocess.run([*readiness, "city", "add", "Hà Nội", "--country", "VN"], env=env, check=True,
                       stderr=subprocess.DEVNULL)
        start = time.perf_counter()
        subprocess.run([*readiness, "import", str(sheet), "--city", "Hanoi"], env=env, check=True)
        elapsed = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        listed = subprocess.run([*readiness, "evidence", "list", "--format", "csv"], env=env, check=True,
                                capture_output=True, text=True).stdout.count("\n") - 1
        assert listed == args.rows, listed

    print(f"rows {args.rows:,}, files {args.files:,} of {args.file_size:,} bytes, "
          f"database {'PostgreSQL' if args.database_url else 'SQLite'}")
    print(f"import: {elapsed:.1f} s (bar 60 s, ratio {elapsed / 60:.2f}); "
          f"{args.rows / elapsed:,.0f} rows/s")
    print(f"peak memory of the largest readiness process: {peak_mb:.0f} MB (bar 300 MB, ratio {peak_mb / 300:.2f})")


if __name__ == "__main__":
    main()
