"""Attaching one very large file: memory stays flat and hashing keeps up with sha256sum.

Bar (evidence issue): a 2 GB file is attached with under 100 MB peak memory, at no less than
half the speed of `sha256sum` on the same file. The attach also copies the bytes into the store
and syncs them to disk, which sha256sum does not; both are timed with a warm page cache.

    python benchmarks/attach_large.py [--size-mb 2000]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=2000)
    parser.add_argument("--dir", help="Folder for the test file and workspace (needs twice the size free).")
    args = parser.parse_args()
    size = args.size_mb * 1_000_000

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        big = Path(tmp) / "recording.mp4"
        block = os.urandom(16 << 20)
        with open(big, "wb") as f:
            written = 0
            while written < size:
                part = block[: size - written]
                f.write(part)
                written += len(part)
        env = {**os.environ, "READINESS_WORKSPACE": str(Path(tmp) / "ws"), "READINESS_USER": "bench"}
        readiness = [sys.executable, "-m", "readiness"]
        subprocess.run([*readiness, "city", "add", "Hà Nội", "--country", "VN"], env=env, check=True,
                       stderr=subprocess.DEVNULL)
        subprocess.run([*readiness, "evidence", "add", "--city", "Hanoi", "--kind", "media", "--title", "Video"],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        start = time.perf_counter()
        expected = subprocess.run(["sha256sum", str(big)], check=True, capture_output=True, text=True).stdout.split()[0]
        sha256sum_s = time.perf_counter() - start

        start = time.perf_counter()
        subprocess.run([*readiness, "evidence", "attach", "HN-0001", str(big), "--max-size", "10GB"], env=env,
                       check=True)
        attach_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        stored = Path(tmp) / "ws" / "files" / "objects" / expected[:2] / expected
        assert stored.stat().st_size == size, "the stored file is not the attached one"
        shutil.rmtree(Path(tmp) / "ws")

    mb = size / 1e6
    print(f"file {mb:,.0f} MB")
    print(f"sha256sum: {sha256sum_s:.2f} s ({mb / sha256sum_s:,.0f} MB/s)")
    print(f"readiness evidence attach (hash + copy + fsync): {attach_s:.2f} s ({mb / attach_s:,.0f} MB/s); "
          f"speed ratio to sha256sum {sha256sum_s / attach_s:.2f} (bar 0.50)")
    print(f"peak memory of the largest child process: {peak_mb:.0f} MB (bar 100 MB, ratio {peak_mb / 100:.2f})")


if __name__ == "__main__":
    main()
