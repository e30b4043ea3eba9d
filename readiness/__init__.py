"""readiness: track a city's readiness for the UNESCO Global Network of Learning Cities."""


def __getattr__(name: str) -> str:
    # Looked up on demand: importlib.metadata costs ~50 ms, paid by every command otherwise.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("readiness")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0"
    raise AttributeError(name)
