"""Dossiers rendered in the background, one render for everyone who asks for the same one.

A dossier takes seconds (WeasyPrint lays out every page), too long to hold a request. ``start``
checks that the asker may make the city's dossier (``api.dossier_fingerprint``, which also says
what the evidence is now) and returns the job for (city, options, fingerprint): the one already
running or done, else a new one. Two people asking at once get one render (single flight). One
render at a time per server process; the last ``KEEP`` finished dossiers are kept in memory.
Looking at a job (``get``) checks the asker's right again, cheaply (``api.dossier_city``): a page
polling a render asks every second or two.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.dossier.context import DossierOptions
    from readiness.web.context import WebState

KEEP = 8
#: Renders one server process queues at most (running included); more are refused until one ends,
#: so that nobody's loop of requests keeps the renderer busy for everyone else.
MAX_PENDING = 3


@dataclass
class Job:
    """One dossier render: its state (``queued``, ``running``, ``done``, ``failed``) and result."""

    id: str
    city: str
    key: tuple[str, ...]
    state: str = "queued"
    step: str = ""
    steps_done: int = 0
    data: bytes | None = None
    name: str = ""
    pages: int | None = None
    error: str | None = None
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    finished: threading.Event = field(default_factory=threading.Event)

    STEPS = 3  # the progress steps render_dossier reports

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def percent(self) -> int:
        return 100 if self.state == "done" else min(95, int(100 * self.steps_done / (self.STEPS + 1)))


class Jobs:
    """The dossier jobs of one server process."""

    def __init__(self, state: WebState) -> None:
        self.state = state
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness-dossier")
        self._lock = threading.Lock()
        self._by_key: OrderedDict[tuple[str, ...], Job] = OrderedDict()
        self._by_id: dict[str, Job] = {}
        #: How many renders this process started (two askers of one dossier make one).
        self.renders = 0

    def start(self, actor: Actor, city: str, options: DossierOptions) -> Job:
        """The job rendering this dossier for ``actor`` (who must be allowed to make it)."""
        from readiness import api

        city = api.dossier_city(self.state.ws, actor, city)  # "HN" and "Hà Nội" are one dossier
        options.check()  # a mistake is said now, not as a failed job
        fingerprint = api.dossier_fingerprint(self.state.ws, actor, city)
        key = (city, options.kind, options.lang, str(options.since or ""), str(options.draft),
               ",".join(options.framework_ids), fingerprint)
        with self._lock:
            job = self._by_key.get(key)
            if job is not None and job.state != "failed":
                self._by_key.move_to_end(key)
                return job
            pending = sum(1 for j in self._by_id.values() if j.state in ("queued", "running"))
            if pending >= MAX_PENDING:
                from readiness.web.errors import BusyError

                raise BusyError(f"{pending} dossiers are being made on this server; try again in a minute", 60)
            job = Job(secrets.token_urlsafe(16), city, key)
            self.renders += 1
            self._by_key[key] = job
            self._by_id[job.id] = job
            while len(self._by_key) > KEEP:  # the oldest finished job goes; a pending one stays
                old_key = next((k for k, j in self._by_key.items() if j.state in ("done", "failed")), None)
                if old_key is None:
                    break
                self._by_id.pop(self._by_key.pop(old_key).id, None)
        self._pool.submit(self._run, job, actor, options)
        return job

    def get(self, actor: Actor, job_id: str) -> Job | None:
        """A job by its id, for someone who may make its city's dossier (checked again); None if unknown."""
        from readiness import api

        job = self._by_id.get(job_id)
        if job is None:
            return None
        api.dossier_city(self.state.ws, actor, job.city)  # refuses someone who may not
        return job

    def _run(self, job: Job, actor: Actor, options: DossierOptions) -> None:
        from readiness import api
        from readiness.dossier.render import TO_CALLER
        from readiness.errors import ReadinessError

        def progress(step: str) -> None:
            job.step = step
            job.steps_done += 1

        job.state = "running"
        try:
            result = api.make_dossier(self.state.ws, actor, self.state.catalogue, job.city, TO_CALLER, options,
                                      progress=progress)
            job.data, job.pages = result.data, result.pages
            job.name = _download_name(job.city, options)
            job.state = "done"
        except ReadinessError as exc:
            job.error, job.state = " ".join(exc.lines()), "failed"
        except Exception as exc:  # a bug: kept for the log, the page says it failed
            import logging

            logging.getLogger("readiness.web").exception("dossier of %s failed", job.city, exc_info=exc)
            job.error, job.state = "the dossier could not be made (see the server's log)", "failed"
        finally:
            job.finished.set()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _download_name(city: str, options: DossierOptions) -> str:
    from readiness.text import fold

    stem = {"readiness": "dossier", "application": "application", "progress": "progress"}[options.kind]
    place = re.sub(r"[^a-z0-9]+", "-", fold(city).lower()).strip("-") or "city"
    return f"{stem}-{place}-{options.lang}-{dt.date.today().isoformat()}.pdf"
