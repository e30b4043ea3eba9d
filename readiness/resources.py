"""The data folders that ship with readiness: criteria/, evidence/ and reports/.

In the repository they sit at the top (people read and edit them there); the wheel carries
them inside the package as ``readiness/_data/<name>`` (see pyproject.toml). Lookup goes by the
package's own location, never by the current directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The folder of bundled ``criteria``, ``evidence`` or ``reports``."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    # A source checkout (pip install -e, or tests run from the repository).
    return _PACKAGE.parent / name
