"""Scoring every city of a national workspace against a plain SQL count over the same data.

Bar (scoring issue): 700 units in 63 cities, 1,000,000 records, 2,000,000 criterion links.
Scoring every city against every bundled framework takes at most 3 times as long as one
plain query that counts the links per city and criterion, measured in the same run, and stays
under 500 MB of memory (peak resident set of the process that scores).

    python benchmarks/score_national.py [--records 1000000] [--keep DIR] [--database-url URL]

Writing the workspace takes a few minutes; --keep DIR keeps it (and reuses it next time).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import fill  # noqa: E402

PLAIN = ("SELECT e.city_id, l.criterion, count(*) FROM evidence_link l "
         "JOIN evidence e ON e.id = l.evidence_id GROUP BY e.city_id, l.criterion")

# Runs in a child process, so that its peak memory is the scoring's own.
CHILD = r"""
import datetime as dt, json, resource, sys, time
from readiness.config import resolve
from readiness.frameworks.loader import load_catalogue
from readiness.store.db import open_workspace
from readiness.scoring.facts import score_all
from sqlalchemy import text
settings = resolve(sys.argv[1], sys.argv[2] or None)
plain, scoring = [], []
with open_workspace(settings) as ws:
    catalogue = load_catalogue()
    for _ in range(int(sys.argv[3])):
        start = time.perf_counter()
        with ws.engine.connect() as conn:
            rows = conn.execute(text(sys.argv[4])).all()
        plain.append(time.perf_counter() - start)
        start = time.perf_counter()
        cards = score_all(ws, catalogue, as_of=dt.date(2026, 11, 23))
        scoring.append(time.perf_counter() - start)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"plain": plain, "scoring": scoring, "peak_mb": peak, "groups": len(rows), "cards": len(cards),
                  "cities": len({c.city for c in cards}), "ready": sum(c.verdict == "ready" for c in cards)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cities", type=int, default=63)
    parser.add_argument("--units", type=int, default=700)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, help="default: two per record")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the workspace in this folder (reused if it exists)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    links = args.links or 2 * args.records

    tmp = tempfile.mkdtemp()
    folder = args.keep or Path(tmp) / "ws"
    try:
        if not folder.exists():
            print(f"writing {args.records:,} records and {links:,} links in {args.cities} cities...", file=sys.stderr)
            start = time.perf_counter()
            fill(folder, cities=args.cities, units=args.units, records=args.records, links=links,
                 database_url=args.database_url, log=lambda m: print(m, file=sys.stderr))
            print(f"written in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        out = subprocess.run([sys.executable, "-c", CHILD, str(folder), args.database_url or "", str(args.runs), PLAIN],
                             check=True, capture_output=True, text=True, env={**os.environ, "READINESS_USER": "bench"})
        result = json.loads(out.stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    plain, scoring = statistics.median(result["plain"]), statistics.median(result["scoring"])
    ratio = scoring / plain
    print(f"{args.cities} cities, {args.units} units, {args.records:,} records, {links:,} links, "
          f"database {'PostgreSQL' if args.database_url else 'SQLite'}; median of {args.runs} runs")
    print(f"plain count query:        {plain:.2f} s ({result['groups']:,} city-criterion rows)")
    print(f"score every city:         {scoring:.2f} s ({result['cards']} scorecards, {result['cities']} cities)")
    print(f"ratio scoring / plain:    {ratio:.2f} (bar 3.00, ratio to bar {ratio / 3:.2f})")
    print(f"peak memory:              {result['peak_mb']:.0f} MB (bar 500 MB, ratio {result['peak_mb'] / 500:.2f})")


if __name__ == "__main__":
    main()
