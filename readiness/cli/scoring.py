"""``readiness score``, ``gaps``, ``due``, ``suggest`` and ``na ...``: what a city shows and lacks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from readiness.cli.options import (
    CONTEXT,
    _as_of,
    _catalogue,
    _open,
    criteria_dir_option,
    scoring_options,
    workspace_options,
)
from readiness.cli.output import note
from readiness.labels import label

log = logging.getLogger(__name__)


@click.command("score", context_settings=CONTEXT)
@click.option("--city", "city_name", help="The city to score [default: every city, one line each].")
@click.option("--explain", metavar="FRAMEWORK:CRITERION",
              help="Show one criterion: each linked record and why it counted or not (2.6.1 alone when one framework has it).")
@click.option("--by", "by", type=click.Choice(["unit"]), help="unit: which units contributed to which areas.")
@click.option("--schema", is_flag=True, help="Print the JSON Schema of a scorecard and exit.")
@scoring_options
def score_command(city_name: str | None, explain: str | None, by: str | None, schema: bool,
                  framework_ids: tuple[str, ...], as_of: str | None, lang: str, fmt: str, raw: bool,
                  criteria_dirs: tuple[Path, ...], settings: Any) -> None:
    """Score a city's readiness: coverage, totals and the verdict.

    Per area and criterion: coverage, status and the evidence that counted. The weighted score and the share of criteria met are two numbers, shown side by side and
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
    from readiness.errors import InvalidValueError

    if schema:
        from readiness.cli.output import emit_json
        from readiness.scoring.engine import Scorecard

        emit_json(Scorecard.model_json_schema())
        return
    day = _as_of(as_of)
    catalogue = _catalogue(settings, criteria_dirs)
    if city_name is None:
        if explain or by:
            raise InvalidValueError(f"--{'explain' if explain else 'by'} needs --city: it shows one city's records")
        from readiness.scoring.facts import score_all

        with _open(settings) as ws:
            cards = score_all(ws, catalogue, framework_ids, day)
        if not cards:
            note('no cities yet; add one with: readiness city add "Hà Nội" --country VN')
        if fmt == "json":
            out.scores_json(cards, lang, {"as_of": day.isoformat()})
        elif fmt == "csv":
            out.cities_csv(cards, raw)
        elif cards:
            note(f"{label('as of', lang)} {day.isoformat()}")
            out.all_cities_table(cards, lang)
        return

    from readiness.scoring.facts import contributions, score_city

    if explain:
        try:  # kflc:2.6.1, or 2.6.1 when one framework in play has it
            explain = catalogue.qualify(explain, framework_ids=framework_ids)
        except InvalidValueError as exc:
            raise InvalidValueError(f"--explain {exc}") from None
        framework_ids = (explain.partition(":")[0],)
    with _open(settings) as ws:
        # The table and --by unit show no gaps; JSON and --explain do.
        scores = score_city(ws, city_name, catalogue, framework_ids, day,
                            with_gaps=bool(explain) or (fmt == "json" and by is None))
    if explain:
        card = scores.cards[0]
        criterion = card.criterion(explain)
        assert criterion is not None
        if fmt == "json":
            out.emit_json({"format": out.SCORE_FORMAT, "city": card.city, "as_of": day.isoformat(),
                           "criterion": criterion.model_dump(mode="json"),
                           "gap": next((g.model_dump(mode="json") for g in card.gaps if g.criterion == criterion.ref), None)})
        else:
            out.explain(card, criterion, catalogue.get(card.framework), lang)
        return
    if by == "unit":
        pairs = contributions(scores)
        if fmt == "json":
            out.emit_json([{"framework": c.framework, "areas": [a.id for a in c.areas],
                            "units": [u.model_dump(mode="json") for u in rows]} for c, rows in pairs])
        else:
            for card, rows in pairs:
                out.units_table(card, rows, lang)
        return
    if fmt == "json":
        out.scores_json(scores.cards, lang, {"city": scores.facts.name, "as_of": day.isoformat()})
    elif fmt == "csv":
        out.criteria_csv(scores.cards, lang, raw)
    else:
        for card in scores.cards:
            out.scorecard_table(card, lang)
        if len(scores.cards) > 1:
            note("next: readiness gaps --city " + _quoted(scores.facts.name))


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name


@click.command("gaps", context_settings=CONTEXT)
@click.option("--city", "city_name", required=True, help="The city whose gaps to list.")
@click.option("--limit", type=click.IntRange(1), help="Only the first N gaps.")
@scoring_options
def gaps_command(city_name: str, limit: int | None, framework_ids: tuple[str, ...], as_of: str | None, lang: str,
                 fmt: str, raw: bool, criteria_dirs: tuple[Path, ...], settings: Any) -> None:
    """List what is missing, most important first, with what to do.

    Each gap names what is missing and the action that closes it. Blocking criteria come first, then the points closing each gap would add to its framework's
    score (its share of the weight times the coverage it lacks). Indicators with no recent value
    are listed too. With --as-of, records that will be too old by then show up as gaps now.

    \b
    Example:
      readiness gaps --city Hanoi
      readiness gaps --city Hanoi --framework gnlc-application --lang vi
      readiness gaps --city Hanoi --as-of 2026-06-15 --format csv > gaps.csv
    """
    from readiness.cli import output_score as out
    from readiness.scoring.facts import score_city

    with _open(settings) as ws:
        scores = score_city(ws, city_name, _catalogue(settings, criteria_dirs), framework_ids, _as_of(as_of))
    gaps = sorted((g for c in scores.cards for g in c.gaps),
                  key=lambda g: (not g.blocking or g.status == "met", -g.gain))[:limit]
    if fmt == "json":
        out.emit_json({"format": out.SCORE_FORMAT, "city": scores.facts.name,
                       "as_of": scores.cards[0].as_of.isoformat() if scores.cards else None,
                       "gaps": [{**g.model_dump(mode="json"), "actions": [p.text(lang) for p in g.problems]}
                                for g in gaps]})
    elif fmt == "csv":
        out.gaps_csv(gaps, lang, raw)
    elif not gaps:
        note(label("msg.no_gaps", lang, city=scores.facts.name))
    else:
        out.gaps_table(gaps, lang)
        note(label("msg.gaps", lang, n=len(gaps), city=_quoted(scores.facts.name), criterion=gaps[0].criterion))


@click.command("due", context_settings=CONTEXT)
@click.option("--city", "city_name", required=True, help="The city whose records to check.")
@click.option("--within", default="90d", show_default=True, help="How far ahead: 30d, 12w, 6m, 1y.")
@click.option("--framework", "framework_ids", multiple=True, metavar="ID", help="Only this framework (repeatable).")
@click.option("--as-of", "as_of", metavar="DATE", help="Count from this day [default: today].")
@click.option("--lang", default="en", show_default=True, metavar="CODE",
              help="Language of titles, labels and messages: en or vi.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@criteria_dir_option
@workspace_options
def due_command(city_name: str, within: str, framework_ids: tuple[str, ...], as_of: str | None, lang: str, fmt: str,
                criteria_dirs: tuple[Path, ...], settings: Any) -> None:
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
    from readiness.dates import add_span, parse_span
    from readiness.scoring.facts import due_city

    day = _as_of(as_of)
    horizon = add_span(day, parse_span(within))
    with _open(settings) as ws:
        items = due_city(ws, city_name, _catalogue(settings, criteria_dirs), framework_ids, day, horizon)
    if fmt == "json":
        out.emit_json({"as_of": day.isoformat(), "until": horizon.isoformat(),
                       "due": [i.model_dump(mode="json") for i in items]})
    elif not items:
        note(label("msg.nothing_due", lang, start=day.isoformat(), end=horizon.isoformat()))
    else:
        out.due_table(items, lang)
        falling = sorted({i.criterion for i in items if i.falls})
        note(label("msg.due", lang, n=len(items), end=horizon.isoformat(), falling=len(falling)))


@click.command("suggest", context_settings=CONTEXT)
@click.argument("evidence_id")
@click.option("--framework", "framework_ids", multiple=True, metavar="ID",
              help="Frameworks to rank (repeatable) [default: marked `suggest:`; kflc, guidelines].")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 50), help="Suggestions per framework.")
@click.option("--lang", default="en", show_default=True, metavar="CODE", help="Language of titles and labels: en or vi.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@criteria_dir_option
@workspace_options
def suggest_command(evidence_id: str, framework_ids: tuple[str, ...], top: int, lang: str, fmt: str,
                    criteria_dirs: tuple[Path, ...], settings: Any) -> None:
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

    with _open(settings) as ws:
        view, found = suggest_for_record(ws, evidence_id, _catalogue(settings, criteria_dirs),
                                         framework_ids, top)
    if fmt == "json":
        output.emit_json({"record": view.code, "suggestions": {
            fw: [{"criterion": s.ref, "area": s.area, "score": s.score, "title": s.title, "words": s.words} for s in items]
            for fw, items in found.items()}})
        return
    rows = [(s.ref, s.title.get(lang) or s.title.get("en") or "", f"{s.score:.1f}", ", ".join(s.words[:5]))
            for items in found.values() for s in items]
    output.table([label(f"col.{c}", lang) for c in ("criterion", "title", "score", "matched")], rows,
                 title=f"{view.code}: {view.title(lang)}")
    best = [items[0].ref for items in found.values() if items]
    if best:
        note(f"link with: readiness evidence link {view.code} {' '.join(best)} --why \"...\"")


@click.group(context_settings=CONTEXT)
def na() -> None:
    """Criteria marked not applicable for a city, with justifications.

    A criterion marked not applicable leaves every total of the city's scorecard (it is never
    counted as met) and is listed with its justification in scorecards and the dossier.
    """


@na.command("add")
@click.argument("criterion", metavar="FRAMEWORK:CRITERION")
@click.option("--city", "city_name", required=True, help="The city it does not apply to.")
@click.option("--why", required=True, help="Why it does not apply, in a sentence reviewers will read.")
@criteria_dir_option
@workspace_options
def na_add(criterion: str, city_name: str, why: str, criteria_dirs: tuple[Path, ...], settings: Any) -> None:
    """Mark a criterion not applicable for a city (again: replace the justification).

    \b
    Example:
      readiness na add kflc:1.3.1 --city Hanoi --why "Covered by the national environment programme, not the city's"
    """
    from readiness.applicability import mark

    with _open(settings) as ws:
        m = mark(ws, city_name, criterion, why, _catalogue(settings, criteria_dirs))
    note(f"{m.criterion} is now not applicable for {m.city}")


@na.command("remove")
@click.argument("criterion", metavar="FRAMEWORK:CRITERION")
@click.option("--city", "city_name", required=True, help="The city.")
@criteria_dir_option
@workspace_options
def na_remove(criterion: str, city_name: str, criteria_dirs: tuple[Path, ...], settings: Any) -> None:
    """Make a criterion applicable again for a city.

    \b
    Example:
      readiness na remove kflc:1.3.1 --city Hanoi
    """
    from readiness.applicability import unmark

    with _open(settings) as ws:
        m = unmark(ws, city_name, criterion, _catalogue(settings, criteria_dirs))
    note(f"{m.criterion} applies to {m.city} again")


@na.command("list")
@click.option("--city", "city_name", help="Only this city.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@workspace_options
def na_list(city_name: str | None, fmt: str, settings: Any) -> None:
    """List the criteria marked not applicable, with their justifications.

    \b
    Example:
      readiness na list --city Hanoi
    """
    from readiness.applicability import marks
    from readiness.cli import output

    with _open(settings) as ws:
        found = marks(ws, city_name)
    if fmt == "json":
        output.emit_json([m.as_json() for m in found])
    elif not found:
        note("no criterion is marked not applicable")
    else:
        output.table(("CITY", "CRITERION", "JUSTIFICATION", "BY", "ON"),
                     [(m.city, m.criterion, m.justification, m.by, f"{m.at:%Y-%m-%d}") for m in found])
