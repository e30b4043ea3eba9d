"""Start-up cost of the command line, as whole processes.

Bar (foundation issue): `readiness --help` starts in under 0.3 s more than `python -c pass`.
Also prints how long loading the four bundled frameworks takes, in process and as a command.

    python benchmarks/startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time


def wall(cmd: list[str], runs: int, env: dict | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    import os

    env = {**os.environ, "READINESS_WORKSPACE": tempfile.mkdtemp()}
    base = wall([sys.executable, "-c", "pass"], runs)
    help_ = wall([sys.executable, "-m", "readiness", "--help"], runs)
    listing = wall([sys.executable, "-m", "readiness", "criteria", "list"], runs, env)

    from readiness.frameworks import loader

    start = time.perf_counter()
    for _ in range(runs):
        loader.load_catalogue()
    load = (time.perf_counter() - start) / runs

    print(f"python -c pass                 {base * 1000:7.1f} ms (median of {runs})")
    print(f"readiness --help               {help_ * 1000:7.1f} ms  (+{(help_ - base) * 1000:.1f} ms; bar +300 ms)")
    print(f"readiness criteria list        {listing * 1000:7.1f} ms")
    print(f"load 4 bundled frameworks      {load * 1000:7.1f} ms in process")
    print(f"--help over python, ratio      {help_ / base:7.2f}x")
    print("bar met" if help_ - base < 0.3 else "BAR MISSED")


if __name__ == "__main__":
    main()
