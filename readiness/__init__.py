"""readiness: track a city's readiness for the UNESCO Global Network of Learning Cities.

What is public: ``readiness.api`` names every use case a front end may call (add a record, attach,
link, verify, import, score a city, explain a criterion, list gaps, render a dossier, ...), each
taking plain values and the acting person (``readiness.access.Actor``) and returning data. The
command line (``readiness.cli``) calls those, with the option and result types their modules
define, and holds no rule of its own; the web app will do the same.
"""


def __getattr__(name: str) -> str:
    # Looked up on demand: importlib.metadata costs ~50 ms, paid by every command otherwise.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("readiness")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0"
    raise AttributeError(name)
