"""Reading an untrusted file as a bounded job: limited time, memory and output, one error.

Every reader of a file that comes from outside (``evidence draft``'s documents, every import
format, framework files from a workspace or ``--criteria-dir``) goes through ``run``: the
reader runs in a child process with

* a wall-clock limit kept by the parent (``READINESS_PARSE_TIMEOUT``, default 20 s, so that a
  whole command stays within 30 s), backed by ``RLIMIT_CPU`` in the child, so a child whose
  parent died still stops;
* a memory limit, ``RLIMIT_AS`` in the child: what the reader may allocate on top of what the
  process held when it started (``READINESS_PARSE_MEMORY``, default 400MB, so that the process
  stays under 600MB);
* a cap on its result, pickled (``READINESS_PARSE_OUTPUT``, default 64MB), checked in the
  child before sending and again by the parent when receiving.

Whatever goes wrong (the time runs out, MemoryError or the address-space limit, a crash by a
signal, an exception the reader did not expect, a result over the cap) becomes one
``UntrustedInputError`` naming the file, the limit hit and what to do. A user error the reader
raised itself (``InvalidValueError``, ``ProblemsError`` with every problem) comes back as it is.

How the child starts, and why. On Linux, when the process runs a single thread (the command
line), ``fork``: the child shares the parent's imported modules, so a call costs a few
milliseconds (measured on the 2-core reference machine under load: 7 ms median, 18 ms the
first call, against 1.3-2.6 s for a forkserver or spawned child, which must start an
interpreter and import the readers again) and ``evidence draft`` stays well under its 200 ms
per document. The child only reads the file: it never touches the database
connections or engines it inherited (nothing of SQLAlchemy runs in it) and leaves with
``os._exit`` (multiprocessing does so), so no finaliser closes the parent's connections or
flushes its buffers twice. Forking a process with several threads can deadlock on a lock some
other thread held, so a multi-threaded process (the coming web server) and macOS use a
``forkserver`` (a clean single-threaded process that forks the children; its first start
costs one interpreter start-up) and Windows ``spawn`` (no ``resource`` module there: only the
time and output limits hold). ``READINESS_PARSE_START`` forces one of fork, forkserver, spawn.

Inside a child, ``run`` calls the reader directly: a reader that reads another (a zip's YAML)
is bounded once. The readers themselves also cap what they produce (text kept, rows, members
inflated in chunks, see ``read_member``) so that a legitimate large file gets a precise message
rather than hitting the process limits.
"""

from __future__ import annotations

import math
import os
import pickle
import signal
import sys
import threading
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from readiness.errors import ConfigError, InvalidValueError, ReadinessError, UntrustedInputError

T = TypeVar("T")

DEFAULT_TIMEOUT = 20.0
DEFAULT_MEMORY = 400 * 1000 * 1000
DEFAULT_OUTPUT = 64 * 1000 * 1000
START_METHODS = ("fork", "forkserver", "spawn")

#: True in a child started by ``run``: nested calls run directly.
_inside = False


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT  # seconds of wall-clock time
    memory: int = DEFAULT_MEMORY  # bytes the reader may add to the process
    output: int = DEFAULT_OUTPUT  # bytes of pickled result

    @classmethod
    def from_env(cls) -> Limits:
        """The limits, as the environment sets them (a test lowers them so)."""
        from readiness.store.files import parse_size

        def size(name: str, default: int) -> int:
            text = os.environ.get(name)
            if not text:
                return default
            try:
                value = parse_size(text)
            except InvalidValueError:
                raise ConfigError(f"{name}={text!r}: write a size such as 512MB") from None
            if value <= 0:
                raise ConfigError(f"{name}={text!r}: must be more than 0")
            return value

        text = os.environ.get("READINESS_PARSE_TIMEOUT")
        timeout = DEFAULT_TIMEOUT
        if text:
            try:
                timeout = float(text.strip().removesuffix("s"))
            except ValueError:
                raise ConfigError(f"READINESS_PARSE_TIMEOUT={text!r}: write a number of seconds, e.g. 30") from None
            if not 0 < timeout < 86400:
                raise ConfigError(f"READINESS_PARSE_TIMEOUT={text!r}: give between 0 and 86400 seconds")
        return cls(timeout, size("READINESS_PARSE_MEMORY", DEFAULT_MEMORY),
                   size("READINESS_PARSE_OUTPUT", DEFAULT_OUTPUT))


def run(reader: Callable[..., T], *args: Any, file: str | Path, limits: Limits | None = None, **kwargs: Any) -> T:
    """``reader(*args, **kwargs)`` in a child process within ``limits`` (default: from the
    environment); raise UntrustedInputError naming ``file`` for anything but a result or a
    ReadinessError of the reader's own. ``reader`` must be a module-level function."""
    if _inside:
        return reader(*args, **kwargs)
    from readiness.store.files import human_size

    limits = limits or Limits.from_env()
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, reader, args, kwargs, limits), daemon=True,
                          name="readiness-reader")
    process.start()
    sender.close()
    data = None
    try:
        if not receiver.poll(limits.timeout):
            raise UntrustedInputError(
                f"{file}: reading it took longer than {limits.timeout:g} s, the limit for one file; it may be "
                "damaged or built to be slow (split it, or raise READINESS_PARSE_TIMEOUT)")
        try:
            data = receiver.recv_bytes(maxlength=limits.output + 65536)
        except EOFError:
            data = None
        except OSError:  # the child sent more than it may
            raise UntrustedInputError(
                f"{file}: reading it gives more than {human_size(limits.output)}, the limit for one file; "
                "split it (or raise READINESS_PARSE_OUTPUT)") from None
    finally:
        receiver.close()
        if data is None and process.is_alive():
            process.join(0.5)  # the child may still be exiting after closing its end
        if process.is_alive():
            process.kill()
        process.join()
    if data is None:
        code = process.exitcode
        if code is not None and code < 0 and -code == getattr(signal, "SIGXCPU", None):
            raise UntrustedInputError(
                f"{file}: reading it used more than {limits.timeout:g} s of processor time, the limit for one "
                "file; it may be damaged or built to be slow (raise READINESS_PARSE_TIMEOUT)")
        how = _signal_name(-code) if code is not None and code < 0 else f"exit code {code}"
        raise UntrustedInputError(
            f"{file}: the reader stopped ({how}); the file is damaged or hostile: save it again from the "
            "program that made it")
    return _outcome(pickle.loads(data), file, limits)


def _outcome(message: tuple, file: str | Path, limits: Limits) -> Any:
    from readiness.store.files import human_size

    kind = message[0]
    if kind == "ok":
        return message[1]
    if kind == "user":
        cls, args, state = message[1:]
        exc = cls.__new__(cls)
        exc.args = args
        exc.__dict__.update(state)
        raise exc
    if kind == "memory":
        raise UntrustedInputError(
            f"{file}: reading it needs more than {human_size(limits.memory)} of memory, the limit for one file; "
            "split it (or raise READINESS_PARSE_MEMORY)")
    if kind == "output":
        raise UntrustedInputError(
            f"{file}: reading it gives {human_size(message[1])}, over the limit of {human_size(limits.output)} "
            "for one file; split it (or raise READINESS_PARSE_OUTPUT)")
    if kind == "nesting":
        raise UntrustedInputError(f"{file}: nested too deeply to read; is it damaged or hostile?")
    import logging

    logging.getLogger(__name__).debug("reader failed on %s:\n%s", file, message[2])
    raise UntrustedInputError(f"{file}: cannot be read ({message[1]}); is it complete? Save it again from the "
                              "program that made it")


def _context() -> Any:
    import multiprocessing

    method = os.environ.get("READINESS_PARSE_START", "").strip().lower()
    if method and method not in START_METHODS:
        raise ConfigError(f"READINESS_PARSE_START={method!r}: give one of {', '.join(START_METHODS)}")
    available = multiprocessing.get_all_start_methods()
    if not method:
        if sys.platform == "linux" and _threads() == 1:
            method = "fork"
        else:
            method = "forkserver" if "forkserver" in available else "spawn"
    if method not in available:
        raise ConfigError(f"READINESS_PARSE_START={method!r}: not available here; give one of {', '.join(available)}")
    return multiprocessing.get_context(method)


def _threads() -> int:
    """Threads of this process, as the system counts them (C threads too)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _child(sender: Any, reader: Callable[..., Any], args: tuple, kwargs: dict, limits: Limits) -> None:
    global _inside
    _inside = True
    import faulthandler

    faulthandler.disable()  # a crash on hostile input is reported by the parent, in one line
    try:
        _limit_self(limits)
        try:
            message: tuple = ("ok", reader(*args, **kwargs))
        except ReadinessError as exc:
            message = ("user", type(exc), exc.args, dict(vars(exc)))
        except MemoryError:
            message = ("memory",)
        except RecursionError:
            message = ("nesting",)
        except Exception as exc:  # what a hostile file makes a library raise: one line, details at -vv
            message = ("failed", f"{type(exc).__name__}: {str(exc)[:200]}".strip().rstrip(":"),
                       traceback.format_exc()[-8000:])
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory",))
        message = ()  # let the reader's result go before sending
        if len(data) > limits.output:
            data = pickle.dumps(("output", len(data)))
        sender.send_bytes(data)
    finally:
        sender.close()


def _limit_self(limits: Limits) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's clock and the output cap still hold
        return
    cpu = math.ceil(limits.timeout) + 1
    _lower(resource, resource.RLIMIT_CPU, cpu)
    _lower(resource, resource.RLIMIT_AS, _address_space() + limits.memory)
    if hasattr(resource, "RLIMIT_CORE"):
        _lower(resource, resource.RLIMIT_CORE, 0)  # a crash leaves no core file of hostile input


def _lower(resource: Any, which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    if soft == resource.RLIM_INFINITY or value < soft:
        resource.setrlimit(which, (value, hard))


def _address_space() -> int:
    """Bytes of address space this process holds now (what a fork inherited)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# ---------------------------------------------------------------------------------------------
# Streams capped on what they produce


def read_member(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, limit: int, shown: str) -> bytes:
    """A zip member's bytes, inflated in 1 MiB chunks and refused once over ``limit``, whatever
    the zip's headers declare."""
    from readiness.store.files import human_size

    chunks = []
    total = 0
    with archive.open(name) as member:
        while chunk := member.read(1 << 20):
            total += len(chunk)
            if total > limit:
                raise InvalidValueError(f"{shown}: inflates to more than {human_size(limit)}; "
                                        "a file this large cannot be right here")
            chunks.append(chunk)
    return b"".join(chunks)


class CappedStream:
    """A read-only stream over ``stream`` that raises InvalidValueError once more than ``limit``
    bytes came out of it (a zip member that inflates far beyond what it declares)."""

    def __init__(self, stream: Any, limit: int, shown: str):
        self.stream, self.limit, self.shown, self.total = stream, limit, shown, 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size if size is not None and size >= 0 else self.limit + 1 - self.total)
        self.total += len(data)
        if self.total > self.limit:
            from readiness.store.files import human_size

            raise InvalidValueError(f"{self.shown}: inflates to more than {human_size(self.limit)}; "
                                    "a file this large cannot be right here")
        return data
