"""`readiness score --city X` on one city with 5,000 records, as a whole process.

Bar (scoring issue): under 1 s for the whole process (start-up, frameworks, queries, scoring
against every bundled framework, the table).

    python benchmarks/score_city.py [--records 5000] [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import fill  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        fill(ws, cities=1, units=30, records=args.records, links=2 * args.records, database_url=args.database_url,
             log=lambda *_: None)
        env = {**os.environ, "READINESS_WORKSPACE": str(ws), "READINESS_USER": "bench", "COLUMNS": "160"}
        if args.database_url:
            env["READINESS_DATABASE_URL"] = args.database_url
        results = {}
        for label, extra in (("table", []), ("json", ["--format", "json"]), ("gaps", None)):
            command = ([sys.executable, "-m", "readiness", "gaps", "--city", "Thành phố 1"] if extra is None else
                       [sys.executable, "-m", "readiness", "score", "--city", "Thành phố 1", *extra])
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times.append(time.perf_counter() - start)
            results[label] = (statistics.median(times), min(times))
        # The floor no scoring code can go below: starting Python and importing the libraries
        # every workspace command needs. Timings on shared machines wander from day to day; this
        # line says how fast the machine is today.
        floor = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import sqlalchemy.orm, pydantic, sqlmodel"], check=True)
            floor.append(time.perf_counter() - start)

    print(f"one city, {args.records:,} records, {2 * args.records:,} links, "
          f"database {'PostgreSQL' if args.database_url else 'SQLite'}, {args.runs} runs each")
    print("(this machine's timings wander; the fastest run is the one least disturbed)")
    for label, (median, fastest) in results.items():
        what = {"table": "score --city (table)", "json": "score --city --format json", "gaps": "gaps --city"}[label]
        print(f"{what + ':':<30} median {median:.2f} s, fastest {fastest:.2f} s "
              f"(bar 1 s, ratios {median:.2f} / {fastest:.2f})")
    print(f"{'floor (python + SQLAlchemy, pydantic, SQLModel imports):':<30} median {statistics.median(floor):.2f} s, "
          f"fastest {min(floor):.2f} s; score --city beyond the floor: median "
          f"{results['table'][0] - statistics.median(floor):.2f} s")


if __name__ == "__main__":
    main()
