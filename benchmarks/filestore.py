"""The database file store: one very large file in and out, and `verify` over many files.

Bars (accounts issue, "files every official can reach"): a 2 GB file attached into the database
store (PostgreSQL) with peak memory under 150 MB, at no less than 0.3x the speed of `sha256sum`
on the same file; reading it back streams the same way (memory flat); `verify` of 10,000 stored
files reports its rate. Both runs are timed with a warm page cache.

    python benchmarks/filestore.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
    python benchmarks/filestore.py                      # SQLite (the database store on SQLite)

With a PostgreSQL URL, a throwaway database is created beside the one named and dropped after
(env READINESS_BENCH_DATABASE_URL). Big files go to --dir (default: the system's temporary folder)
and are deleted after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

READ_BACK = """
import hashlib, resource, sys, time
from readiness.config import resolve
from readiness.store.db import open_workspace
from readiness.store.stores import workspace_store
sha, size = sys.argv[1], int(sys.argv[2])
with open_workspace(resolve()) as ws:
    store = workspace_store(ws)
    start = time.perf_counter()
    digest = hashlib.sha256()
    for block in store.read(sha, "benchmark", size=size):
        digest.update(block)
    seconds = time.perf_counter() - start
assert digest.hexdigest() == sha
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


@contextmanager
def throwaway_database(url: str | None) -> Iterator[str | None]:
    """A new PostgreSQL database beside the one ``url`` names, dropped afterwards; None for SQLite."""
    if not url:
        yield None
        return
    from sqlalchemy import create_engine, text

    from readiness.config import normalise_url

    name = f"readiness_bench_{os.getpid()}"
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(env: dict[str, str], *args: str, quiet: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "readiness", *args], env=env, check=True, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL if quiet else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("READINESS_BENCH_DATABASE_URL"),
                        help="PostgreSQL server to use (a throwaway database is made on it); default SQLite")
    parser.add_argument("--size-mb", type=int, default=2000)
    parser.add_argument("--files", type=int, default=10_000, help="How many files `verify` checks.")
    parser.add_argument("--dir", help="Folder for the test files (needs the size free).")
    args = parser.parse_args()
    size = args.size_mb * 1_000_000

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp, throwaway_database(args.database_url) as url:
        root = Path(tmp)
        env = {**os.environ, "READINESS_WORKSPACE": str(root / "ws"), "READINESS_USER": "bench"}
        if url:
            env["READINESS_DATABASE_URL"] = url
        else:  # SQLite keeps the folder store unless moved: move the empty workspace's store first
            env.pop("READINESS_DATABASE_URL", None)
            run(env, "files", "move", "--to", "database")
        run(env, "city", "add", "Hà Nội", "--country", "VN")
        run(env, "evidence", "add", "--city", "Hanoi", "--kind", "media", "--title", "Video")
        run(env, "evidence", "add", "--city", "Hanoi", "--kind", "report", "--title", "Many files")
        store = json.loads(run(env, "workspace", "--format", "json").stdout)["file store"]

        big = root / "recording.mp4"
        block = os.urandom(16 << 20)
        with open(big, "wb") as f:
            written = 0
            while written < size:
                part = block[: size - written]
                f.write(part)
                written += len(part)
        subprocess.run(["sha256sum", str(big)], check=True, capture_output=True)  # warm the page cache
        start = time.perf_counter()
        expected = subprocess.run(["sha256sum", str(big)], check=True, capture_output=True, text=True).stdout.split()[0]
        sha256sum_s = time.perf_counter() - start

        start = time.perf_counter()
        run(env, "evidence", "attach", "HN-0001", str(big), "--max-size", "10GB")
        attach_s = time.perf_counter() - start
        attach_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        big.unlink()

        read = subprocess.run([sys.executable, "-c", READ_BACK, expected, str(size)], env=env, check=True,
                              capture_output=True, text=True).stdout.split()
        read_s, read_mb = float(read[0]), float(read[1])

        folder = root / "many"
        folder.mkdir()
        paths = []
        for i in range(args.files):
            path = folder / f"f{i:05d}.bin"
            path.write_bytes(os.urandom(1000 + (i * 7919) % 50_000))
            paths.append(str(path))
        start = time.perf_counter()
        for first in range(0, len(paths), 1000):
            run(env, "evidence", "attach", "HN-0002", *paths[first:first + 1000])
        many_s = time.perf_counter() - start
        report = json.loads(run(env, "verify", "--format", "json").stdout)

    mb = size / 1e6
    print(f"store: {store}")
    print(f"file {mb:,.0f} MB")
    print(f"sha256sum: {sha256sum_s:.2f} s ({mb / sha256sum_s:,.0f} MB/s)")
    print(f"readiness evidence attach (hash + chunks into the database): {attach_s:.2f} s ({mb / attach_s:,.0f} MB/s); "
          f"speed ratio to sha256sum {sha256sum_s / attach_s:.2f} (bar 0.30)")
    print(f"peak memory of the largest child process: {attach_mb:.0f} MB (bar 150 MB, ratio {attach_mb / 150:.2f})")
    print(f"reading it back, streamed and hashed: {read_s:.2f} s ({mb / read_s:,.0f} MB/s), "
          f"peak memory {read_mb:.0f} MB (bar 150 MB, ratio {read_mb / 150:.2f})")
    print(f"attaching {args.files:,} small files: {many_s:.1f} s ({args.files / many_s:,.0f} files/s)")
    print(f"readiness verify: {report['objects']:,} files, {report['bytes'] / 1e6:,.0f} MB "
          f"in {report['seconds']:.2f} s: "
          f"{report['files_per_second']:,.0f} files/s, {report['mb_per_second']:,.1f} MB/s; ok={report['ok']}")


if __name__ == "__main__":
    main()
