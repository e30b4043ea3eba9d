"""Exporting a city: one zip that ``readiness import`` reads back.

Export writes one zip: ``evidence.yaml`` (the city, its units, every record with its links,
values and attachment hashes, and the city's audit history) and ``files/<sha256>``, and logs a
``city.export`` event holding the SHA-256 of that ``evidence.yaml`` (the digest; it covers every
file, whose hashes the YAML lists). Importing that zip into this workspace again keeps its
statuses and history (see ``plan``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select

from readiness import evidence as ev
from readiness.access import Actor, Right
from readiness.cities import city_for
from readiness.dates import as_utc
from readiness.errors import InvalidValueError
from readiness.store.audit import record_event
from readiness.store.db import Workspace
from readiness.store.models import AuditEvent, City, Evidence, Unit, utcnow
from readiness.store.stores import AttachmentStore, workspace_store
from readiness.transfer.readers import FORMAT, YAML_NAME

EXPORT_ACTION = "city.export"  # the audit event an export leaves, with the digest of its evidence.yaml

#: progress(what, done, total): called as work advances, for a progress bar.
Progress = Callable[[str, int, int], None]


@dataclass
class _Manifest:
    """What ``evidence.yaml`` says, and the stored files the zip carries beside it."""

    city: City
    doc: dict[str, Any]
    sizes: dict[str, int] = field(default_factory=dict)  # sha256 -> size
    owners: dict[str, str] = field(default_factory=dict)  # sha256 -> the first record and name that use it

    @property
    def records(self) -> int:
        return len(self.doc["records"])


def export_city(ws: Workspace, actor: Actor, city_name: str, target: Path, *,
                progress: Progress | None = None) -> dict[str, Any]:
    """Write a city's records, files and history to a zip, atomically (temporary file, rename).

    The SHA-256 of its ``evidence.yaml`` (the digest) goes into the audit log as a ``city.export``
    event by ``actor``, in the transaction that renames the zip into place: importing that zip
    here again keeps its statuses and history (see ``plan``).

    Needs the right to read the city: the zip holds nothing a reader cannot see one record at a
    time (records, files, history).
    """
    store = workspace_store(ws)
    with ws.session() as session:
        manifest = _manifest(session, city_name, actor)
    _check_stored(store, manifest)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        digest = _write_zip(Path(tmp), manifest, store, progress)
        city = manifest.city
        with ws.session() as session:  # the event is committed only if the zip is in place
            record_event(session, actor, EXPORT_ACTION, "city", city.id, city.id, None,
                   {"name": city.name, "digest": digest, "file": target.name, "records": manifest.records,
                    "files": len(manifest.sizes)})
            os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {"city": city.name, "records": manifest.records, "files": len(manifest.sizes),
            "bytes": sum(manifest.sizes.values()), "audit_events": len(manifest.doc["audit"]), "path": str(target),
            "digest": digest}


def _manifest(session: Session, city_name: str, actor: Actor) -> _Manifest:
    """The city, its units, records and history as ``evidence.yaml`` holds them."""
    city = city_for(session, actor, city_name, Right.READ)
    units = list(session.exec(select(Unit).where(Unit.city_id == city.id).order_by(col(Unit.id))))
    by_id = {u.id: u for u in units}
    rows = list(session.exec(select(Evidence).where(Evidence.city_id == city.id).order_by(col(Evidence.number))))
    events = list(session.exec(select(AuditEvent).where(AuditEvent.city_id == city.id).order_by(col(AuditEvent.id))))
    manifest = _Manifest(city, {
        "format": FORMAT,
        "exported_at": ev.iso_time(utcnow()),
        "exported_by": actor.name,
        "city": {"name": city.name, "country": city.country, "code": city.code, "profile": city.profile},
        "units": [{"name": u.name, "kind": u.kind, **({"parent": by_id[u.parent_id].name} if u.parent_id else {})}
                  for u in units],
    })
    manifest.doc["records"] = [_record(view, manifest) for view in ev.views_of(session, rows)]
    codes = {r.id: r.code for r in rows}
    manifest.doc["audit"] = [_event(e, codes, city.name) for e in events]
    return manifest


def _record(view: ev.EvidenceView, manifest: _Manifest) -> dict[str, Any]:
    """A record as the YAML holds it, its attachments pointing at ``files/<sha256>`` in the zip."""
    data = view.as_json()
    data.pop("city")
    for att in data["attachments"]:
        att["file"] = f"files/{att['sha256']}"
        manifest.sizes[att["sha256"]] = att["size"]
        manifest.owners.setdefault(att["sha256"], f"{data['id']}: attached file {att['name']!r}")
    return data


def _event(e: AuditEvent, codes: dict[int | None, str], city_name: str) -> dict[str, Any]:
    """An audit event, naming what it is about (a record's id, a unit's name) rather than a row id."""
    snapshot = e.after or e.before or {}
    if e.entity == "evidence":
        ref = snapshot.get("id") or codes.get(e.entity_id)
    elif e.entity == "unit":
        ref = snapshot.get("name")
    else:
        ref = city_name
    # Microseconds kept (unlike the seconds of records' times): a restore puts the history back exactly.
    return {"at": as_utc(e.at).isoformat(), "actor": e.actor, "action": e.action, "entity": e.entity,
            "ref": ref, "before": e.before, "after": e.after}


def _check_stored(store: AttachmentStore, manifest: _Manifest) -> None:
    missing = [h for h in manifest.sizes if not store.has(h)]
    if missing:
        raise InvalidValueError(f"{manifest.owners[missing[0]]}: its stored file is missing or not a regular file"
                                f"{f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''}; "
                                "run `readiness verify` first")


def _write_zip(path: Path, manifest: _Manifest, store: AttachmentStore, progress: Progress | None) -> str:
    """The zip: ``evidence.yaml``, then each stored file (checked against its SHA-256); the YAML's digest."""
    data = yaml.safe_dump(manifest.doc, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr(YAML_NAME, data)
        for done, (sha, size) in enumerate(sorted(manifest.sizes.items()), start=1):
            info = zipfile.ZipInfo(f"files/{sha}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=size > 2**31) as out:
                for block in store.read(sha, manifest.owners[sha], size=size):
                    out.write(block)
            if progress:
                progress("files", done, len(manifest.sizes))
    return hashlib.sha256(data).hexdigest()
