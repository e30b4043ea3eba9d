"""readiness: track a city's readiness for the UNESCO Global Network of Learning Cities."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("readiness")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
