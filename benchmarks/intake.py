"""How well evidence intake reads the labelled set: kind, dates and suggested areas.

Bars (intake issue), on the cases held aside (never looked at while tuning):
  the true best KFLC area among the top 3 suggested areas   >= 80%
  kind accuracy                                              >= 80%
  exact start and end dates                                  >= 90%
and well under a second per record, offline.

    python benchmarks/intake.py [--split holdout|tune|all] [-v]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "intake" / "cases.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["holdout", "tune", "all"], default="holdout")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()

    from readiness.frameworks.loader import load_catalogue
    from readiness.intake.draft import draft_from_text
    from readiness.intake.suggest import Suggester

    cases = [c for c in yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
             if args.split == "all" or c["split"] == args.split]
    catalogue = load_catalogue()
    frameworks = [catalogue.get("kflc"), catalogue.get("guidelines")]
    suggester = Suggester(frameworks)
    hits = {"kflc top 3": 0, "kflc top 1": 0, "guidelines top 1": 0, "guidelines top 3": 0, "kind": 0, "dates": 0}
    misses: list[str] = []
    times = []
    for case in cases:
        start = time.perf_counter()
        draft = draft_from_text(case["text"], frameworks, year=case.get("year"), suggester=suggester, top=50)
        times.append(time.perf_counter() - start)
        areas = {fw: list(dict.fromkeys(s.area for s in draft.suggestions[fw])) for fw in ("kflc", "guidelines")}
        kflc, guide = f"kflc:{case['kflc']}", f"guidelines:{case['guidelines']}"
        got_dates = (draft.start.iso() if draft.start else None, draft.end.iso() if draft.end else None)
        want_dates = (str(case["start"]), str(case["end"]) if case.get("end") else None)
        checks = {"kflc top 3": kflc in areas["kflc"][:3], "kflc top 1": kflc in areas["kflc"][:1],
                  "guidelines top 1": guide in areas["guidelines"][:1],
                  "guidelines top 3": guide in areas["guidelines"][:3],
                  "kind": draft.kind.kind == case["kind"], "dates": got_dates == want_dates}
        for name, ok in checks.items():
            hits[name] += ok
        if not all(checks[n] for n in ("kflc top 3", "kind", "dates")):
            misses.append(f"  {case['id']} ({case['lang']}): kind {draft.kind.kind} (true {case['kind']}), "
                          f"dates {got_dates} (true {want_dates}), kflc areas {areas['kflc'][:3]} (true {kflc})")
    n = len(cases)
    print(f"{n} cases ({args.split}); {sum(c['lang'] == 'vi' for c in cases)} Vietnamese, "
          f"{sum(c['lang'] == 'en' for c in cases)} English")
    bars = {"kflc top 3": 0.8, "kind": 0.8, "dates": 0.9}
    for name, count in hits.items():
        bar = f" (bar {bars[name]:.0%}, ratio {count / n / bars[name]:.2f})" if name in bars else ""
        print(f"{name + ':':<18} {count}/{n} = {count / n:.0%}{bar}")
    print(f"time per record:   {1000 * sum(times) / n:.1f} ms (slowest {1000 * max(times):.1f} ms), offline")
    if misses:
        print(f"misses ({len(misses)}):" if args.verbose else f"misses: {len(misses)} (-v lists them)")
        if args.verbose:
            print("\n".join(misses))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
