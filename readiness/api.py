"""The public API: one function per use case, for every front end (the command line, the web app).

Each takes plain values (names, ids, texts, dates, paths), the open ``Workspace`` and the acting
person (``access.Actor``) where it changes or shows a workspace; it enforces every rule and returns
data (views, scorecards, results), never text for a terminal. A front end parses, calls one of
these and formats: it holds no rule, no query and no permission decision.

Names are resolved lazily (``readiness.api.add_evidence`` imports ``readiness.evidence`` on first
use), so a command pays only for the modules it calls.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: use case -> the module that holds it. Grouped by noun, in the order data flows.
USE_CASES: dict[str, str] = {
    # workspace
    "open_workspace": "readiness.store.db",
    "describe_workspace": "readiness.store.db",
    "check_store": "readiness.store.check",
    # frameworks
    "load_catalogue": "readiness.frameworks.loader",
    "validate_frameworks": "readiness.frameworks.loader",
    # cities and units
    "add_city": "readiness.cities",
    "list_cities": "readiness.cities",
    "show_city": "readiness.cities",
    "set_profile": "readiness.cities",
    "add_unit": "readiness.cities",
    "list_units": "readiness.cities",
    "audit_log": "readiness.cities",
    # evidence
    "add_evidence": "readiness.evidence",
    "get_evidence": "readiness.evidence",
    "show_evidence": "readiness.evidence",
    "list_evidence": "readiness.evidence",
    "edit_evidence": "readiness.evidence",
    "link_evidence": "readiness.evidence",
    "unlink_evidence": "readiness.evidence",
    "attach_files": "readiness.evidence",
    "detach_file": "readiness.evidence",
    "set_status": "readiness.evidence",
    "remove_evidence": "readiness.evidence",
    # not applicable
    "mark_not_applicable": "readiness.applicability",
    "unmark_not_applicable": "readiness.applicability",
    "not_applicable_marks": "readiness.applicability",
    # intake
    "draft_document": "readiness.intake.draft",
    "suggest_for_record": "readiness.intake.draft",
    # transfer
    "plan_import": "readiness.transfer.plan",
    "run_import": "readiness.transfer.write",
    "export_city": "readiness.transfer.export",
    # scoring
    "score_city": "readiness.scoring.facts",
    "score_all": "readiness.scoring.facts",
    "due_city": "readiness.scoring.facts",
    "score_report": "readiness.scoring.report",
    "gaps_report": "readiness.scoring.report",
    "due_report": "readiness.scoring.report",
    # dossier
    "make_dossier": "readiness.dossier.render",
    "current_fingerprint": "readiness.dossier.context",
}

__all__ = sorted(USE_CASES)


def __getattr__(name: str) -> Any:
    module = USE_CASES.get(name)
    if module is None:
        raise AttributeError(f"readiness.api has no use case {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    pass
