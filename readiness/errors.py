"""The errors a user can cause, and nothing else.

The library raises only these for mistakes in input; the command line turns each into one
line on stderr and exit code 1 (see ``cli.main``). Anything else is a bug and keeps its
traceback.

::

    ReadinessError                 a user's mistake, said in one line (or several, see lines())
    ├── ConfigError                 workspace folder, database URL, environment
    ├── ProblemsError               a file has problems; holds every Problem found
    │   └── FrameworkError          a framework file is broken
    ├── WorkspaceError              the workspace cannot be opened or is newer than this tool
    ├── AccessError                 who is acting may not do this
    │   ├── NotSignedInError        the workspace has accounts and nobody signed in
    │   └── PermissionDeniedError   the signed-in person lacks the right (named) in this scope
    ├── NotFoundError               no city / unit / record by that name or id
    │   ├── AmbiguousError          a name matches more than one thing
    │   └── UnknownFrameworkError   no framework with that id
    └── InvalidValueError           a value given on the command line or in a file is wrong
        ├── UnreadableFileError     a file named is missing, a folder, unreadable or too large
        ├── UntrustedInputError     a file from outside could not be read within the limits
        └── IncompleteFormError     the application misses items its form requires (one line each)
"""

from __future__ import annotations

from dataclasses import dataclass


class ReadinessError(Exception):
    """Base of every error a user can cause and fix."""

    def lines(self) -> list[str]:
        """The message as lines, for errors that report several problems at once."""
        return [str(self)]


class ConfigError(ReadinessError):
    """The workspace location, database URL or an environment variable is wrong."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a file: where it is (line, or a spreadsheet's row) and what is wrong.

    ``line`` is 1-based; 0 when the problem has no place in the file (the file is missing).
    """

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ProblemsError(ReadinessError):
    """A file (framework, import) has problems; ``problems`` holds every one found, by place."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class FrameworkError(ProblemsError):
    """One or more framework files are broken."""


class WorkspaceError(ReadinessError):
    """The workspace cannot be opened, created or migrated."""


class AccessError(ReadinessError):
    """The acting person may not do what was asked (see ``access``)."""


class NotSignedInError(AccessError):
    """The workspace has accounts, so every use case needs a signed-in person, and there is none
    (or the session has expired, or the account was disabled)."""


class TooManyAttemptsError(NotSignedInError):
    """Sign-in is refused for a while: too many wrong passwords for this name from this address
    (or from this address for any name). ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermissionDeniedError(AccessError):
    """The signed-in person lacks a right in the scope asked for; ``right`` names it."""

    def __init__(self, message: str, right: str):
        super().__init__(message)
        self.right = right


class NotFoundError(ReadinessError):
    """No city, unit or record matches what was asked for."""


class AmbiguousError(NotFoundError):
    """A name matches more than one thing; the message lists them."""


class UnknownFrameworkError(NotFoundError):
    """No framework with the id asked for."""

    def __init__(self, framework_id: str, known: list[str]):
        self.framework_id = framework_id
        super().__init__(
            f"no framework {framework_id!r}; known: {', '.join(known) or 'none'} "
            "(see `readiness criteria list`)"
        )


class InvalidValueError(ReadinessError):
    """A value is of the wrong type or out of range."""


class UnreadableFileError(InvalidValueError):
    """A file a person named is not there, is a folder, cannot be read or is over its size limit
    (``smallfile``); ``reason`` is the message without the file's name, for a ``Problem``."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class UntrustedInputError(InvalidValueError):
    """A file from outside (a document, an import, a framework file) could not be read within
    the limits on time, memory and output (``bounded.run``), or its reader failed on it."""


class IncompleteFormError(InvalidValueError):
    """The application form misses items it requires: a heading, then one line per item (``holes``)."""

    def __init__(self, city: str, holes: list[str]):
        self.holes = holes
        super().__init__(f"the application of {city} lacks {len(holes)} item(s) the form requires "
                         "(fill them in, or see them marked in a draft with --draft):")

    def lines(self) -> list[str]:
        return [str(self), *(f"  {hole}" for hole in self.holes)]
