"""``readiness score``, ``gaps``, ``due`` and ``suggest``: what a city shows and lacks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from readiness.cli.options import (
    CONTEXT,
    DAY,
    SCORING_LANG_HELP,
    SPAN,
    actor_of,
    criteria_dir_option,
    format_option,
    framework_option,
    lang_option,
    load_catalogue,
    open_workspace,
    scoring_options,
    workspace_options,
)
from readiness.cli.output import emit_json, note
from readiness.labels import label
from readiness.text import in_language, shell_quote

if TYPE_CHECKING:
    from readiness.config import Settings
    from readiness.scoring.engine import Scorecard
    from readiness.scoring.report import Span


@click.command("score", context_settings=CONTEXT)
@click.option("--city", "city_name", help="The city to score [default: every city, one line each].")
@click.option("--explain", metavar="FRAMEWORK:CRITERION",
              help="Show one criterion: each linked record and why it counted or not "
                   "(2.6.1 alone when one framework has it).")
@click.option("--by", "by", type=click.Choice(["unit"]), help="unit: which units contributed to which areas.")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of a scorecard and exit.")
@scoring_options
def score_command(city_name: str | None, explain: str | None, by: str | None, schema: bool,
                  framework_ids: tuple[str, ...], as_of: dt.date | None, lang: str, fmt: str, raw: bool,
                  criteria_dirs: tuple[Path, ...], settings: Settings) -> None:
    """Score a city's readiness: coverage, totals and the verdict.

    Per area and criterion: coverage, status and the evidence that counted. The weighted score
    and the share of criteria met are two numbers, shown side by side and
    never blended; a criterion marked not applicable leaves both. The verdict is READY (every
    blocking criterion met and the score at the framework's threshold), READY WITH GAPS, or NOT
    READY (a blocking criterion unmet). See "Scoring method" in the README for every rule.

    \b
    Example:
      readiness score --city Hanoi
      readiness score --city Hanoi --framework kflc --as-of 2026-06-15
      readiness score --city Hanoi --explain kflc:2.6.1
      readiness score --city Hanoi --by unit --framework guidelines
      readiness score                      # every city, one line per framework
      readiness score --city Hanoi --format json > hanoi-score.json
    """
    from readiness.cli import output_score as out

    if schema:
        from readiness.scoring.engine import Scorecard

        emit_json(Scorecard.model_json_schema())
        return
    from readiness.scoring.report import ScoreQuery, score_report

    query = ScoreQuery(framework_ids=framework_ids, as_of=as_of, explain=explain, by_unit=by == "unit",
                       gaps=fmt == "json")  # the table and CSV show no gaps
    catalogue = load_catalogue(settings, criteria_dirs)
    query.check(city_name, catalogue)  # before a workspace is made: a mistake leaves none behind
    with open_workspace(settings) as ws:
        report = score_report(ws, actor_of(settings, ws), catalogue, city_name, query)
    if report.city is None and not report.cards:
        note('no cities yet; add one with: readiness city add "Hà Nội" --country VN')
    if fmt == "json":
        emit_json(report.as_json(lang))
    elif report.explanation is not None:
        out.explain(report.explanation, lang)
    elif report.units is not None:
        for each in report.units:
            out.units_table(each.card, each.units, lang)
    elif report.city is None:
        _every_city(report.cards, lang, fmt, raw, report.as_of)
    elif fmt == "csv":
        out.criteria_csv(report.cards, lang, raw)
    else:
        for card in report.cards:
            out.scorecard_table(card, lang)
        if len(report.cards) > 1:
            note("next: readiness gaps --city " + shell_quote(report.city))


def _every_city(cards: list[Scorecard], lang: str, fmt: str, raw: bool, day: dt.date) -> None:
    """Every city's line per framework, as a table or CSV (JSON is the report's)."""
    from readiness.cli import output_score as out

    if fmt == "csv":
        out.cities_csv(cards, raw)
    elif cards:
        note(f"{label('as of', lang)} {day.isoformat()}")
        out.all_cities_table(cards, lang)


@click.command("gaps", context_settings=CONTEXT)
@click.option("--city", "city_name", required=True, help="The city whose gaps to list.")
@click.option("--limit", type=click.IntRange(1), help="Only the first N gaps.")
@scoring_options
def gaps_command(city_name: str, limit: int | None, framework_ids: tuple[str, ...], as_of: dt.date | None, lang: str,
                 fmt: str, raw: bool, criteria_dirs: tuple[Path, ...], settings: Settings) -> None:
    """List what is missing, most important first, with what to do.

    Each gap names what is missing and the action that closes it. Blocking criteria come first,
    then the points closing each gap would add to its framework's
    score (its share of the weight times the coverage it lacks). Indicators with no recent value
    are listed too. With --as-of, records that will be too old by then show up as gaps now.

    \b
    Example:
      readiness gaps --city Hanoi
      readiness gaps --city Hanoi --framework gnlc-application --lang vi
      readiness gaps --city Hanoi --as-of 2026-06-15 --format csv > gaps.csv
    """
    from readiness.cli import output_score as out
    from readiness.scoring.report import gaps_report

    catalogue = load_catalogue(settings, criteria_dirs)
    with open_workspace(settings) as ws:
        report = gaps_report(ws, actor_of(settings, ws), catalogue, city_name, framework_ids, as_of, limit)
    gaps = report.gaps
    if fmt == "json":
        emit_json(report.as_json(lang))
    elif fmt == "csv":
        out.gaps_csv(gaps, lang, raw)
    elif not gaps:
        note(label("msg.no_gaps", lang, city=report.city))
    else:
        out.gaps_table(gaps, lang)
        note(label("msg.gaps", lang, n=len(gaps), city=shell_quote(report.city), criterion=gaps[0].criterion))


@click.command("due", context_settings=CONTEXT)
@click.option("--city", "city_name", required=True, help="The city whose records to check.")
@click.option("--within", default="90d", show_default=True, type=SPAN, help="How far ahead: 30d, 12w, 6m, 1y.")
@framework_option("Only this framework (repeatable).")
@click.option("--as-of", "as_of", type=DAY, metavar="DATE", help="Count from this day [default: today].")
@lang_option(SCORING_LANG_HELP)
@format_option
@criteria_dir_option
@workspace_options
def due_command(city_name: str, within: Span, framework_ids: tuple[str, ...], as_of: dt.date | None, lang: str,
                fmt: str, criteria_dirs: tuple[Path, ...], settings: Settings) -> None:
    """List records that run out soon and the criteria that would fall.

    A record "runs out" on the last day it still counts for a criterion: its valid-until date,
    or the day it becomes older than the criterion's age limit. "THEN" says what the criterion's
    status becomes the day after, or "still covered" when other records carry it.

    \b
    Example:
      readiness due --city Hanoi
      readiness due --city Hanoi --within 6m --format json
    """
    from readiness.cli import output_score as out
    from readiness.scoring.report import due_report

    catalogue = load_catalogue(settings, criteria_dirs)
    with open_workspace(settings) as ws:
        report = due_report(ws, actor_of(settings, ws), catalogue, city_name, within, framework_ids, as_of)
    start, end = report.as_of.isoformat(), report.until.isoformat()
    if fmt == "json":
        emit_json(report.as_json())
    elif not report.items:
        note(label("msg.nothing_due", lang, start=start, end=end))
    else:
        out.due_table(report.items, lang)
        note(label("msg.due", lang, n=len(report.items), end=end, falling=len(report.falling)))


@click.command("suggest", context_settings=CONTEXT)
@click.argument("evidence_id")
@framework_option("Frameworks to rank (repeatable) [default: marked `suggest:`; kflc, guidelines].")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 50), help="Suggestions per framework.")
@lang_option("Language of titles and labels: en, vi or fr.")
@format_option
@criteria_dir_option
@workspace_options
def suggest_command(evidence_id: str, framework_ids: tuple[str, ...], top: int, lang: str, fmt: str,
                    criteria_dirs: tuple[Path, ...], settings: Settings) -> None:
    """Rank the criteria a record most likely supports, with the words that matched.

    Matches the record's titles, summaries, organiser and tags, in Vietnamese and English, with
    or without diacritics, against the criteria and the words officials use for each area
    ("hội thảo" finds forums, "tuần lễ hưởng ứng học tập suốt đời" the celebration of learning,
    "kế hoạch" plans). Criteria it is already linked to are left out.

    \b
    Example:
      readiness suggest HN-0004
      readiness suggest HN-0004 --framework kflc --top 3 --lang vi
    """
    from readiness.cli import output
    from readiness.intake.draft import suggest_for_record

    with open_workspace(settings) as ws:
        found = suggest_for_record(ws, actor_of(settings, ws), evidence_id,
                                   load_catalogue(settings, criteria_dirs), framework_ids, top)
    if fmt == "json":
        output.emit_json(found.as_json())
        return
    rows = [(s.ref, in_language(s.title, lang), f"{s.score:.1f}", ", ".join(s.words[:5]))
            for items in found.by_framework.values() for s in items]
    output.table([label(f"col.{c}", lang) for c in ("criterion", "title", "score", "matched")], rows,
                 title=f"{found.view.code}: {found.view.title(lang)}")
    best = [items[0].ref for items in found.by_framework.values() if items]
    if best:
        note(f"link with: readiness evidence link {found.view.code} {' '.join(best)} --why \"...\"")
