"""A synthetic workspace for the scoring benchmarks: cities, units, records, links, files.

Rows are written straight into the tables (SQLAlchemy Core, many rows per statement), not
through `readiness import`: the benchmarks measure scoring, and a million records through the
import path would take the better part of an hour. The file store is left empty; scoring
reads only the attachment rows.

    python benchmarks/synthetic.py DIR --cities 1 --records 5000     # fill a workspace and stop
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

KINDS = ["plan", "policy", "forum", "event", "programme", "statistic", "structure", "partnership", "funding",
         "report", "media", "letter"]
STATUSES = ["draft", "submitted", "verified", "verified", "rejected"]


def fill(workspace: Path, *, cities: int, units: int, records: int, links: int, files_share: float = 0.2,
         database_url: str | None = None, seed: int = 7, log=print) -> None:
    """Create the workspace and write ``records`` records spread over ``cities`` cities."""
    from sqlalchemy import insert

    from readiness.config import resolve
    from readiness.frameworks.loader import load_catalogue
    from readiness.store.db import open_workspace
    from readiness.store.models import Attachment, City, Evidence, EvidenceLink, Unit

    rnd = random.Random(seed)
    refs = [f"{e.framework.id}:{cid}" for e in load_catalogue()
            for cid, c in e.framework.criteria.items() if c.evidence]
    now = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    started = time.perf_counter()
    with open_workspace(resolve(workspace, database_url)) as ws, ws.engine.begin() as conn:
        conn.execute(insert(City), [
            {"id": i + 1, "name": f"Thành phố {i + 1}", "name_key": f"thanhpho{i + 1}", "code": f"C{i + 1}",
             "country": "VN", "profile": {}, "created_at": now, "updated_at": now} for i in range(cities)])
        unit_rows = [{"id": u + 1, "city_id": u % cities + 1, "parent_id": None, "name": f"Phường {u + 1}",
                      "name_key": f"phuong{u + 1}", "kind": "ward", "created_at": now} for u in range(units)]
        if unit_rows:
            conn.execute(insert(Unit), unit_rows)
        units_of: dict[int, list[int]] = {}
        for u in unit_rows:
            units_of.setdefault(u["city_id"], []).append(u["id"])
        per_link = links / records
        batch_e, batch_l, batch_a = [], [], []
        link_id = attachment_id = 0
        for n in range(1, records + 1):
            city_id = (n - 1) % cities + 1
            number = (n - 1) // cities + 1
            year = rnd.randint(2015, 2026)
            precision = rnd.random()
            start = (f"{year}" if precision < 0.1 else f"{year}-{rnd.randint(1, 12):02d}" if precision < 0.3
                     else f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}")
            status = rnd.choice(STATUSES)
            batch_e.append({
                "id": n, "code": f"C{city_id}-{number:04d}", "city_id": city_id, "number": number,
                "unit_id": rnd.choice(units_of[city_id]) if city_id in units_of and rnd.random() < 0.8 else None,
                "kind": rnd.choice(KINDS), "title": {"vi": f"Minh chứng {n}"}, "summary": {}, "organiser": {},
                "start": start, "end": None,
                "valid_until": f"{year + rnd.randint(1, 6)}" if rnd.random() < 0.1 else None,
                "status": status, "status_reason": "Sai văn bản" if status == "rejected" else None,
                "tags": [], "search_key": f"minh chung {n}", "created_at": now, "created_by": "bench",
                "updated_at": now})
            count = int(per_link) + (1 if rnd.random() < per_link - int(per_link) else 0)
            for ref in rnd.sample(refs, min(count, len(refs))):
                link_id += 1
                batch_l.append({"id": link_id, "evidence_id": n, "criterion": ref, "rationale": None})
            if rnd.random() < files_share:
                attachment_id += 1
                batch_a.append({"id": attachment_id, "evidence_id": n, "sha256": f"{n:064x}", "name": "bien-ban.pdf",
                                "media_type": "application/pdf", "size": 1000, "added_at": now, "added_by": "bench"})
            if len(batch_e) >= 20_000 or n == records:
                conn.execute(insert(Evidence), batch_e)
                conn.execute(insert(EvidenceLink), batch_l)
                if batch_a:
                    conn.execute(insert(Attachment), batch_a)
                batch_e, batch_l, batch_a = [], [], []
                if n % 200_000 == 0 or n == records:
                    log(f"  {n:,} records, {link_id:,} links written ({time.perf_counter() - started:.0f} s)")
        if conn.dialect.name == "postgresql":  # ids were given: move the sequences past them
            for table in ("city", "unit", "evidence", "evidence_link", "attachment"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT coalesce(max(id), 1) FROM {table}))")
    # A live database has its statistics kept by autovacuum (PostgreSQL) or `readiness`
    # commands; a freshly written one needs them once, as a real workspace would have them.
    from sqlalchemy import create_engine

    engine = create_engine(resolve(workspace, database_url).database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--cities", type=int, default=1)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--records", type=int, default=5_000)
    parser.add_argument("--links", type=int, help="default: two per record")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.workspace.exists():
        sys.exit(f"{args.workspace} exists; give a new folder")
    fill(args.workspace, cities=args.cities, units=args.units, records=args.records,
         links=args.links or 2 * args.records, database_url=args.database_url)


if __name__ == "__main__":
    main()
