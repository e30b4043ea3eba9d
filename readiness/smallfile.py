"""Small files a person names: a motivation text, a framework file, a document to draft from, a
sheet or a YAML file to import.

Each is refused in one line naming it when it is not there, is a folder (or a device, a pipe),
cannot be read or is larger than the caller's limit; the caller says why the size matters
(``too_large``), since that is what the person must act on. ``read_small_file`` reads at most
one byte over the limit, so a file that grows after it was measured is refused too, never read
whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from readiness.errors import UnreadableFileError

#: What the refusal of a too large file says, given its size in bytes: "is 9,000,000 bytes; ...".
TooLarge = Callable[[int], str]


def check_small_file(path: str | os.PathLike[str], limit: int, too_large: TooLarge, *,
                     folder: str = "no such file") -> int:
    """The size of the regular file at ``path``, refused when over ``limit`` bytes.

    ``folder`` is what to say of a folder (what to give instead); a pipe or a device is refused
    unopened. Raises UnreadableFileError.
    """
    file = Path(path)
    shown = os.fsdecode(path)
    try:
        if not file.is_file():
            if file.is_dir():
                raise UnreadableFileError(shown, folder)
            if file.exists():  # a pipe, a socket, a device: never opened, so never blocks
                raise UnreadableFileError(shown, "not a regular file (a pipe or a device); give a file")
            raise UnreadableFileError(shown, "no such file")
        size = file.stat().st_size
    except FileNotFoundError:
        raise UnreadableFileError(shown, "no such file") from None
    except OSError as exc:
        raise UnreadableFileError(shown, f"cannot be read: {exc.strerror or exc}") from None
    if size > limit:
        raise UnreadableFileError(shown, too_large(size))
    return size


def read_small_file(path: str | os.PathLike[str], limit: int, too_large: TooLarge, *,
                    folder: str = "no such file") -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them (see ``check_small_file``)."""
    check_small_file(path, limit, too_large, folder=folder)
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except FileNotFoundError:
        raise UnreadableFileError(os.fsdecode(path), "no such file") from None
    except OSError as exc:
        raise UnreadableFileError(os.fsdecode(path), f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:  # it grew since it was measured
        raise UnreadableFileError(os.fsdecode(path), too_large(len(data)))
    return data
