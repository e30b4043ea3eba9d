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

#: use case -> the module that holds it. Grouped by noun, in the order data flows. Each takes the
#: workspace and the acting person first, except ``SET_UP``: opening a workspace and reading
#: framework files, which come before there is a workspace to act on, and signing in and out and
#: turning a session token into the acting person, which come before there is a person.
USE_CASES: dict[str, str] = {
    # workspace
    "open_workspace": "readiness.store.db",
    "describe_workspace": "readiness.store.db",
    "check_store": "readiness.store.check",
    "move_files": "readiness.store.move",
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
    "page_evidence": "readiness.evidence",
    "page_lines": "readiness.evidence",
    "evidence_listing": "readiness.evidence",
    "listing_choices": "readiness.evidence",
    "edit_evidence": "readiness.evidence",
    "link_evidence": "readiness.evidence",
    "unlink_evidence": "readiness.evidence",
    "attach_files": "readiness.evidence",
    "detach_file": "readiness.evidence",
    "verify_records": "readiness.evidence",
    "reject_record": "readiness.evidence",
    "remove_evidence": "readiness.evidence",
    "record_actions": "readiness.evidence",
    "record_sheet": "readiness.evidence",
    "evidence_to_change": "readiness.evidence",
    "contributable_units": "readiness.evidence",
    "read_attachment": "readiness.evidence",
    # not applicable
    "mark_not_applicable": "readiness.applicability",
    "unmark_not_applicable": "readiness.applicability",
    "not_applicable_marks": "readiness.applicability",
    # intake
    "draft_document": "readiness.intake.draft",
    "suggest_for_record": "readiness.intake.draft",
    "photo_checks": "readiness.intake.photos",
    # transfer
    "import_evidence": "readiness.transfer.imports",
    "export_city": "readiness.transfer.export",
    "make_template": "readiness.transfer.template",
    # scoring
    "score_report": "readiness.scoring.report",
    "gaps_report": "readiness.scoring.report",
    "due_report": "readiness.scoring.report",
    "city_overview": "readiness.scoring.report",
    # dossier
    "make_dossier": "readiness.dossier.render",
    "current_fingerprint": "readiness.dossier.context",
    "dossier_fingerprint": "readiness.dossier.context",
    "dossier_city": "readiness.dossier.context",
    # people and roles
    "has_accounts": "readiness.accounts",
    "sign_in": "readiness.accounts",
    "sign_out": "readiness.accounts",
    "actor_for_session": "readiness.accounts",
    "describe_actor": "readiness.accounts",
    "add_account": "readiness.accounts",
    "list_accounts": "readiness.accounts",
    "accounts_overview": "readiness.accounts",
    "set_account": "readiness.accounts",
    "disable_account": "readiness.accounts",
    "set_password": "readiness.accounts",
    # comments
    "add_comment": "readiness.comments",
    "list_comments": "readiness.comments",
    "comments_waiting": "readiness.comments",
    # a person's home
    "home_for": "readiness.home",
}

#: The values a front end passes in or reads back (options, queries, results), by the module that
#: holds them: part of the public API like the use cases.
TYPES: dict[str, str] = {
    "Actor": "readiness.access",
    "EvidenceFilter": "readiness.evidence",
    "EvidenceView": "readiness.evidence",
    "EvidencePage": "readiness.evidence",
    "EvidenceLine": "readiness.evidence",
    "LinesPage": "readiness.evidence",
    "EvidenceListing": "readiness.evidence",
    "ListingChoices": "readiness.evidence",
    "RecordActions": "readiness.evidence",
    "RecordSheet": "readiness.evidence",
    "LinkStanding": "readiness.evidence",
    "HistoryLine": "readiness.evidence",
    "ContributableUnits": "readiness.evidence",
    "AttachmentFile": "readiness.evidence",
    "ScoreQuery": "readiness.scoring.report",
    "DossierOptions": "readiness.dossier.context",
    "ImportSource": "readiness.transfer.plan",
    "ImportOutcome": "readiness.transfer.imports",
    "TemplateFile": "readiness.transfer.template",
    "DraftResult": "readiness.intake.draft",
    "RecordSuggestions": "readiness.intake.draft",
    "PhotoCheck": "readiness.intake.photos",
    "FrameworkCheck": "readiness.frameworks.loader",
    "RoleSpec": "readiness.accounts",
    "AccountView": "readiness.accounts",
    "AccountsOverview": "readiness.accounts",
    "SignedIn": "readiness.accounts",
    "Whoami": "readiness.accounts",
    "CommentView": "readiness.comments",
    "WaitingComment": "readiness.comments",
    "Home": "readiness.home",
    "CityOverview": "readiness.scoring.report",
    "MoveResult": "readiness.store.move",
}

SET_UP = ("open_workspace", "load_catalogue", "validate_frameworks", "has_accounts", "sign_in", "sign_out",
          "actor_for_session")

__all__ = sorted([*USE_CASES, *TYPES])


def __getattr__(name: str) -> Any:
    module = USE_CASES.get(name) or TYPES.get(name)
    if module is None:
        raise AttributeError(f"readiness.api has no use case or type {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from readiness.access import Actor as Actor
    from readiness.accounts import AccountsOverview as AccountsOverview
    from readiness.accounts import AccountView as AccountView
    from readiness.accounts import RoleSpec as RoleSpec
    from readiness.accounts import SignedIn as SignedIn
    from readiness.accounts import Whoami as Whoami
    from readiness.accounts import accounts_overview as accounts_overview
    from readiness.accounts import actor_for_session as actor_for_session
    from readiness.accounts import add_account as add_account
    from readiness.accounts import describe_actor as describe_actor
    from readiness.accounts import disable_account as disable_account
    from readiness.accounts import has_accounts as has_accounts
    from readiness.accounts import list_accounts as list_accounts
    from readiness.accounts import set_account as set_account
    from readiness.accounts import set_password as set_password
    from readiness.accounts import sign_in as sign_in
    from readiness.accounts import sign_out as sign_out
    from readiness.applicability import mark_not_applicable as mark_not_applicable
    from readiness.applicability import not_applicable_marks as not_applicable_marks
    from readiness.applicability import unmark_not_applicable as unmark_not_applicable
    from readiness.cities import add_city as add_city
    from readiness.cities import add_unit as add_unit
    from readiness.cities import audit_log as audit_log
    from readiness.cities import list_cities as list_cities
    from readiness.cities import list_units as list_units
    from readiness.cities import set_profile as set_profile
    from readiness.cities import show_city as show_city
    from readiness.comments import CommentView as CommentView
    from readiness.comments import WaitingComment as WaitingComment
    from readiness.comments import add_comment as add_comment
    from readiness.comments import comments_waiting as comments_waiting
    from readiness.comments import list_comments as list_comments
    from readiness.dossier.context import DossierOptions as DossierOptions
    from readiness.dossier.context import current_fingerprint as current_fingerprint
    from readiness.dossier.context import dossier_city as dossier_city
    from readiness.dossier.context import dossier_fingerprint as dossier_fingerprint
    from readiness.dossier.render import make_dossier as make_dossier
    from readiness.evidence import AttachmentFile as AttachmentFile
    from readiness.evidence import ContributableUnits as ContributableUnits
    from readiness.evidence import EvidenceFilter as EvidenceFilter
    from readiness.evidence import EvidenceLine as EvidenceLine
    from readiness.evidence import EvidenceListing as EvidenceListing
    from readiness.evidence import EvidencePage as EvidencePage
    from readiness.evidence import EvidenceView as EvidenceView
    from readiness.evidence import HistoryLine as HistoryLine
    from readiness.evidence import LinesPage as LinesPage
    from readiness.evidence import LinkStanding as LinkStanding
    from readiness.evidence import ListingChoices as ListingChoices
    from readiness.evidence import RecordActions as RecordActions
    from readiness.evidence import RecordSheet as RecordSheet
    from readiness.evidence import add_evidence as add_evidence
    from readiness.evidence import attach_files as attach_files
    from readiness.evidence import contributable_units as contributable_units
    from readiness.evidence import detach_file as detach_file
    from readiness.evidence import edit_evidence as edit_evidence
    from readiness.evidence import evidence_listing as evidence_listing
    from readiness.evidence import evidence_to_change as evidence_to_change
    from readiness.evidence import get_evidence as get_evidence
    from readiness.evidence import link_evidence as link_evidence
    from readiness.evidence import list_evidence as list_evidence
    from readiness.evidence import listing_choices as listing_choices
    from readiness.evidence import page_evidence as page_evidence
    from readiness.evidence import page_lines as page_lines
    from readiness.evidence import read_attachment as read_attachment
    from readiness.evidence import record_actions as record_actions
    from readiness.evidence import record_sheet as record_sheet
    from readiness.evidence import reject_record as reject_record
    from readiness.evidence import remove_evidence as remove_evidence
    from readiness.evidence import show_evidence as show_evidence
    from readiness.evidence import unlink_evidence as unlink_evidence
    from readiness.evidence import verify_records as verify_records
    from readiness.frameworks.loader import FrameworkCheck as FrameworkCheck
    from readiness.frameworks.loader import load_catalogue as load_catalogue
    from readiness.frameworks.loader import validate_frameworks as validate_frameworks
    from readiness.home import Home as Home
    from readiness.home import home_for as home_for
    from readiness.intake.draft import DraftResult as DraftResult
    from readiness.intake.draft import RecordSuggestions as RecordSuggestions
    from readiness.intake.draft import draft_document as draft_document
    from readiness.intake.draft import suggest_for_record as suggest_for_record
    from readiness.intake.photos import PhotoCheck as PhotoCheck
    from readiness.intake.photos import photo_checks as photo_checks
    from readiness.scoring.report import CityOverview as CityOverview
    from readiness.scoring.report import ScoreQuery as ScoreQuery
    from readiness.scoring.report import city_overview as city_overview
    from readiness.scoring.report import due_report as due_report
    from readiness.scoring.report import gaps_report as gaps_report
    from readiness.scoring.report import score_report as score_report
    from readiness.store.check import check_store as check_store
    from readiness.store.db import describe_workspace as describe_workspace
    from readiness.store.db import open_workspace as open_workspace
    from readiness.store.move import MoveResult as MoveResult
    from readiness.store.move import move_files as move_files
    from readiness.transfer.export import export_city as export_city
    from readiness.transfer.imports import ImportOutcome as ImportOutcome
    from readiness.transfer.imports import import_evidence as import_evidence
    from readiness.transfer.plan import ImportSource as ImportSource
    from readiness.transfer.template import TemplateFile as TemplateFile
    from readiness.transfer.template import make_template as make_template
