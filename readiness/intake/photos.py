"""Photos are proof too: when each attached photo was taken, and whether that fits the record.

A photo of a Lifelong Learning Week opening tells a reviewer something only if it was taken at
the opening. The date a camera writes into a photo's EXIF data (``DateTimeOriginal``, else
``DateTimeDigitized``, else ``DateTime``) is read with Pillow and shown beside the record's dates;
a photo taken **more than ``FAR_DAYS`` (30) days before the record's start or after its end** (its
start when it has no end) is flagged. A record without dates, or a photo without a date, is
never flagged: nothing says it is wrong.

The date is computed on demand from the stored bytes (the attachment row has no column for it):
only the first ``MAX_READ`` bytes are read, where JPEG, TIFF and WebP keep their EXIF block, and
no pixel is decoded, so a huge or hostile image costs no more than that.

``photo_warnings`` gives the flags as the lines ``evidence show`` and the review queue print;
``photo_checks`` is the use case for the readiness report (the dossier): every record's photos,
their dates and flags, as data.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from readiness.access import Actor

if TYPE_CHECKING:
    from readiness.evidence import EvidenceView
    from readiness.store.db import Workspace

#: Days a photo may be taken before the record's start or after its end without a flag.
FAR_DAYS = 30
#: Bytes of a stored image read for its EXIF data (a JPEG's APP1 segment is at most 64 KB).
MAX_READ = 1024 * 1024
_TAGS = (0x9003, 0x9004)  # DateTimeOriginal, DateTimeDigitized (in the Exif IFD)
_DATETIME = 0x0132  # DateTime (in the first IFD)
_EXIF_IFD = 0x8769


@dataclass
class PhotoDate:
    """One attached image and the moment its EXIF data says it was taken (None: not said)."""

    name: str
    sha256: str
    taken: dt.datetime | None
    #: Days the photo lies outside the record's dates (negative: before the start), 0 inside or unknown.
    days_outside: int = 0

    @property
    def flagged(self) -> bool:
        return abs(self.days_outside) > FAR_DAYS

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256,
                "taken": self.taken.isoformat() if self.taken else None,
                "days_outside": self.days_outside, "flagged": self.flagged}


@dataclass
class PhotoCheck:
    """A record's photos beside its dates."""

    code: str
    start: str | None
    end: str | None
    photos: list[PhotoDate] = field(default_factory=list)

    @property
    def flagged(self) -> list[PhotoDate]:
        return [p for p in self.photos if p.flagged]

    def warnings(self) -> list[str]:
        return [flag_text(p, self.start, self.end) for p in self.flagged]

    def as_json(self) -> dict[str, Any]:
        return {"record": self.code, "start": self.start, "end": self.end,
                "photos": [p.as_json() for p in self.photos], "warnings": self.warnings()}


def taken_at(data: bytes) -> dt.datetime | None:
    """When a photo was taken, from the EXIF data in its first bytes; None when it does not say."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data[:MAX_READ])) as image:
            exif = image.getexif()
            values = [exif.get_ifd(_EXIF_IFD).get(tag) for tag in _TAGS] + [exif.get(_DATETIME)]
    except Exception:  # not an image Pillow reads, or its header is cut: it says nothing
        return None
    for value in values:
        if isinstance(value, bytes):
            value = value.decode("ascii", "replace")
        if isinstance(value, str):
            try:
                return dt.datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
            except ValueError:
                continue
    return None


def days_outside(taken: dt.date, start: dt.date | None, end: dt.date | None) -> int:
    """Days ``taken`` lies before ``start`` (negative) or after ``end`` (positive); 0 inside."""
    if start is None:
        return 0
    last = end or start
    if taken < start:
        return (taken - start).days
    if taken > last:
        return (taken - last).days
    return 0


def flag_text(photo: PhotoDate, start: str | None, end: str | None) -> str:
    when = start + (f" to {end}" if end else "") if start else "undated"
    side = "before" if photo.days_outside < 0 else "after"
    taken = photo.taken.date().isoformat() if photo.taken else "?"
    return (f"photo {photo.name} was taken {taken}, {abs(photo.days_outside)} days {side} the record's dates "
            f"({when}; more than {FAR_DAYS} days apart): is it of this activity?")


def check_view(ws: Workspace, view: EvidenceView) -> PhotoCheck:
    """The photos of one record (already read) beside its dates."""
    from readiness.dates import from_iso
    from readiness.store.stores import workspace_store

    r = view.row
    start, end = from_iso(r.start), from_iso(r.end)
    check = PhotoCheck(view.code, start.iso() if start else None, end.iso() if end else None)
    images = [a for a in view.attachments if a.media_type.startswith("image/")]
    if not images:
        return check
    store = workspace_store(ws)
    first = start.first_day if start else None
    last = (end or start).last_day if start else None
    for a in images:
        head = _head(store, a.sha256, f"{view.code} {a.name}")
        taken = taken_at(head) if head else None
        outside = days_outside(taken.date(), first, last) if taken else 0
        check.photos.append(PhotoDate(a.name, a.sha256, taken, outside))
    return check


def _head(store: Any, sha256: str, what: str) -> bytes | None:
    """The first ``MAX_READ`` bytes of a stored file; None when it cannot be read."""
    from readiness.errors import ReadinessError

    blocks = store.read(sha256, what)
    got = bytearray()
    try:
        for block in blocks:
            got += block
            if len(got) >= MAX_READ:
                break
    except (ReadinessError, OSError):
        return None
    finally:
        blocks.close()  # stop reading: the rest of the file is not needed
    return bytes(got[:MAX_READ])


def photo_warnings(ws: Workspace, view: EvidenceView) -> list[str]:
    """The lines ``evidence show`` and the review queue print for a record's far-off photos."""
    return check_view(ws, view).warnings()


def photo_checks(ws: Workspace, actor: Actor, city_name: str | None = None,
                 codes: Sequence[str] = ()) -> list[PhotoCheck]:
    """Every record's photos with the date each was taken and whether it is far from the record's
    dates; records without an image are left out. For the readiness report (the dossier) and any
    front end that shows the review queue. ``codes`` narrows to those records, ``city_name`` to a city.

    Shows what ``actor`` may read: the records come through ``get_evidence`` and ``list_evidence``,
    which check it (a city named needs the right to read it)."""
    from readiness.evidence import EvidenceFilter, get_evidence, list_evidence

    views = [get_evidence(ws, actor, c) for c in codes] if codes else list_evidence(
        ws, actor, EvidenceFilter(city=city_name))
    out = []
    for view in views:
        if any(a.media_type.startswith("image/") for a in view.attachments):
            out.append(check_view(ws, view))
    return out
