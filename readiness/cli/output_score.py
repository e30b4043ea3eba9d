"""Scorecards, gaps and due records for the terminal (rich) and CSV. Used by cli/scoring.py.

The JSON is the reports' own (``scoring.report``). Every number is shown the way
``scoring.engine.DEFINITIONS`` defines it: coverage per criterion, the
weighted score and the share of criteria met side by side, never blended; "no score" rather
than 0 where nothing applicable was scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from readiness.cli.output import console, csv_writer, note, requirement_text, safe, table
from readiness.labels import LABELS, label, reason_text, record_status
from readiness.numbers import format_number
from readiness.text import in_language, split_ref

if TYPE_CHECKING:
    from readiness.scoring.engine import AreaScore, DueItem, Gap, Scorecard, UnitContribution
    from readiness.scoring.report import Explanation

STYLE = {"met": "green", "partial": "yellow", "unverified": "yellow", "stale": "magenta", "missing": "red",
         "not_applicable": "dim", "ready": "bold green", "ready_with_gaps": "bold yellow", "not_ready": "bold red",
         "sent": "bold cyan", "endorsed": "bold green", "member": "bold green", "not_eligible": "bold red"}


def pct(value: float | None, lang: str = "en") -> str:
    """"73%", or "no score" when there is nothing to score (never 0)."""
    return label("no score", lang) if value is None else f"{value * 100:.0f}%"


def _styled(status: str, lang: str) -> Any:
    from rich.text import Text

    return Text(label(status, lang), style=STYLE.get(status, ""))


def verdict_text(card: Scorecard, lang: str) -> str:
    """The verdict in the framework's own words when it has them ("ready to send to the National
    Commission"), else the tool's ("ready"); "no score" when there is none."""
    if card.verdict is None:
        return label("no score", lang)
    if card.verdict_label:
        return in_language(card.verdict_label, lang)
    return label(card.verdict, lang)


def verdict_line(card: Scorecard, lang: str) -> str:
    """The totals and the verdict in one line, the two numbers kept apart; the framework's own
    thresholds and rules marked as such, and what eligibility and the evidence window say."""
    verdict = verdict_text(card, lang)
    own = label("own_threshold_inline", lang) if card.own_thresholds else ""
    parts = [label("line.score", lang, score=pct(card.score, lang), threshold=f"{card.threshold:.0%}{own}"),
             label("line.met", lang, met=card.met, applicable=card.applicable, share=pct(card.met_share, lang))]
    if card.not_applicable:
        parts.append(label("line.na", lang, n=card.not_applicable))
    line = " · ".join(parts) + f" · {label('line.verdict', lang)}: {verdict.upper()}"
    # A member, or an application the Commission has endorsed, has nothing left to unblock.
    if card.blocking_unmet and card.verdict not in ("member", "endorsed"):
        rule = label("own_rule_inline", lang) if card.own_thresholds else ""
        line += f" ({label('line.blocking', lang)}{rule}: {', '.join(split_ref(r)[1] for r in card.blocking_unmet)})"
    for reason in card.eligibility:
        line += f"\n  - {reason_text(reason, lang)}"
    if card.evidence_since is not None:
        line += f"\n  {label('evidence_since', lang, date=card.evidence_since.isoformat())}"
    for note_text in card.eligibility_notes:
        line += f"\n  {label('eligibility', lang)}: {in_language(note_text, lang)}"
    return line


def scorecard_table(card: Scorecard, lang: str) -> None:
    """Areas and criteria as one indented table, then the totals and the verdict."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    draft = f" ({label('draft framework', lang)})" if card.draft else ""
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left",
              title=f"{safe(card.city)} · {in_language(card.framework_name, lang)} ({card.framework} "
                    f"{card.version}){draft} · {label('as of', lang)} {card.as_of.isoformat()}")
    t.add_column(label("col.area", lang), overflow="fold", ratio=1)
    t.add_column(label("col.status", lang), no_wrap=True)
    t.add_column(label("col.coverage", lang), justify="right", no_wrap=True)
    t.add_column(label("col.counted", lang), overflow="fold", max_width=36)

    def add_area(area: AreaScore, depth: int) -> None:
        t.add_row(Text(f"{'  ' * depth}{area.id} {in_language(area.title, lang)}", style="bold"), "",
                  Text(pct(area.score, lang), style="bold"),
                  label("met_of", lang, met=area.met, applicable=area.applicable) if area.applicable else "")
        for sub in area.areas:
            add_area(sub, depth + 1)
        for c in area.criteria:
            flag = " [!]" if c.blocking else ""
            counted = ", ".join(c.counted[:3]) + (f" +{len(c.counted) - 3}" if len(c.counted) > 3 else "") \
                if c.counted else (f"{c.counted_records} record(s)" if c.counted_records else "")
            if c.status == "not_applicable":
                counted = c.justification or (label("waits_for", lang, field=c.waits_for) if c.waits_for else "")
            elif c.basis == "profile":
                counted = ", ".join(f.field for f in c.fields if f.ok)
            t.add_row(Text(f"{'  ' * (depth + 1)}{c.id} {safe(in_language(c.title, lang))}{flag}"),
                      _styled(c.status, lang), "" if c.coverage is None else pct(c.coverage, lang), Text(safe(counted)))

    for area in card.areas:
        add_area(area, 0)
    out = console()
    out.print(t)
    verdict = Text(verdict_line(card, lang))
    verdict.stylize(STYLE.get(card.verdict or "", ""), verdict.plain.find(label("line.verdict", lang) + ":"))
    out.print(verdict)
    click.echo("")


def explain(explanation: Explanation, lang: str) -> None:
    """One criterion: what it asks for, each linked record and why it counted or not."""
    card, criterion = explanation.card, explanation.criterion
    crit = explanation.framework.criteria[criterion.id]
    click.echo(safe(f"{criterion.ref}  {in_language(criterion.title, lang)}"))
    asks, status = f"{label('x.asks', lang)}:", f"{label('x.status', lang)}:"
    width = max(len(asks), len(status)) + 2
    own = explanation.framework.own_thresholds
    click.echo(f"  {asks:<{width}}{requirement_text(crit, lang, own)}"
               + (f"  ({label('blocking', lang)}{' ' + label('own_rule', lang) if own else ''})"
                  if crit.blocking else ""))
    coverage = "-" if criterion.coverage is None else pct(criterion.coverage, lang)
    click.echo(f"  {status:<{width}}" + label("x.status_line", lang, status=label(criterion.status, lang),
                                              coverage=coverage, points=f"{criterion.share * 100:.1f}",
                                              framework=card.framework))
    if criterion.justification:
        click.echo(safe(f"  {label('x.na', lang)}: {criterion.justification}"))
    if criterion.waits_for:
        click.echo(f"  {label('x.na', lang)}: {label('waits_for', lang, field=criterion.waits_for)}")
    if card.evidence_since is not None:
        click.echo(f"  {label('evidence_since', lang, date=card.evidence_since.isoformat())}")
    if criterion.records:
        rows = []
        for r in criterion.records:
            if r.counted:
                why = label("counts", lang) if r.credit >= 1 else label("counts_partly", lang, share=f"{r.credit:.0%}")
            else:
                why = "; ".join(label(f"why.{x}", lang) for x in r.reasons)
            rows.append((r.id, label(r.kind, lang) if r.kind in LABELS else r.kind, r.date or "",
                         record_status(r.status, lang), r.via or label("direct", lang), why))
        table([label(f"col.{c}", lang) for c in ("record", "kind", "date", "record_status", "linked", "counts")], rows)
    elif criterion.basis == "evidence" and criterion.status != "not_applicable":
        click.echo(f"  {label('x.unlinked', lang)}")
    if criterion.fields:
        table([label(f"col.{c}", lang) for c in ("field", "ok", "value")],
              [(f.field, label("yes" if f.ok else "no", lang),
                reason_text(f.problem, lang, city=card.city) if f.problem else _value(f.value))
               for f in criterion.fields])
        for f in criterion.fields:
            if f.words and f.limit_language:
                counts = ", ".join(f"{code} {n}" for code, n in f.words.items())
                click.echo(f"  {f.field}: {label('x.words', lang, counts=counts, language=f.limit_language)}")
    for ind in criterion.indicators:
        value = label("x.no_value", lang) if ind.value is None else \
            f"{format_number(ind.value, 10)} {ind.unit} ({ind.year or label('x.year_unknown', lang)}, {ind.record})"
        target = "" if ind.target_reached is None else ", " + (
            label("x.target_reached", lang) if ind.target_reached
            else label("x.target_missed", lang, target=f"{ind.target:g}"))
        own_ind = f" ({label('own_indicator', lang)})" if ind.own else ""
        click.echo(safe(f"  {label('indicator', lang)} {ind.id}{own_ind}: {value}, {label(ind.status, lang)}{target}"))
    gap = explanation.gap
    if gap:
        click.echo(f"  {label('x.todo', lang)}:")
        for p in gap.problems:
            click.echo(safe(f"    - {reason_text(p, lang)}"))


def _value(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"value", "year"}:
        return f"{format_number(value['value'])} ({value['year']})"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return "" if value is None else str(value)


def gaps_table(gaps: Sequence[Gap], lang: str) -> None:
    """Gaps, most important first: blocking, then the points closing each would add."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_lines=False)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column(label("col.priority", lang), no_wrap=True)
    t.add_column(label("col.criterion", lang), overflow="fold", max_width=40)
    t.add_column(label("col.status", lang), no_wrap=True)
    t.add_column(label("col.todo", lang), overflow="fold", ratio=1)
    for i, g in enumerate(gaps, 1):
        priority = Text(label("blocking", lang), style="bold red") if g.blocking and g.status != "met" \
            else Text(label("points", lang, n=f"{g.gain:.1f}"))
        todo = "\n".join(f"- {reason_text(p, lang)}" for p in g.problems)
        if g.units:
            todo += f"\n  {label('owner', lang)}: {', '.join(g.units)}" \
                + (f" ({label('suggested', lang)})" if g.owner_suggested else "")
        if g.blocking and g.status != "met" and g.own_rule:
            priority.append("*")
        t.add_row(str(i), priority, Text(safe(f"{g.criterion}\n{in_language(g.title, lang)}", lines=True)),
                  _styled(g.status, lang), Text(safe(todo, lines=True)))
    console().print(t)
    if any(g.blocking and g.status != "met" and g.own_rule for g in gaps):
        click.echo(f"* {label('blocking', lang)} {label('own_rule', lang)}")


def all_cities_table(cards: Sequence[Scorecard], lang: str) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name, justify in (("city", "left"), ("framework", "left"), ("score", "right"), ("met", "right"),
                          ("verdict", "left"), ("blocking", "left")):
        t.add_column(label(f"col.{name}", lang), justify=justify, overflow="fold")  # type: ignore[arg-type]
    for c in cards:
        verdict = verdict_text(c, lang)
        t.add_row(Text(safe(c.city)), c.framework, pct(c.score, lang),
                  f"{c.met}/{c.applicable} ({pct(c.met_share, lang)})",
                  Text(verdict, style=STYLE.get(c.verdict or "", "")),
                  ", ".join(split_ref(r)[1] for r in c.blocking_unmet))
    console().print(t)
    own = sorted({c.framework for c in cards if c.own_thresholds})
    if own:
        click.echo(f"{', '.join(own)}: {label('col.verdict', lang).lower()}, {label('col.blocking', lang).lower()} "
                   f"{label('own_rule', lang)}")


def units_table(card: Scorecard, rows: Sequence[UnitContribution], lang: str) -> None:
    """Which unit contributed counting records to which top-level area."""
    columns = [label("col.unit", lang), *(a.id for a in card.areas), label("col.records", lang)]
    table(columns, [(r.unit or label("no unit", lang), *(r.areas.get(a.id, 0) or "" for a in card.areas), r.records)
                    for r in rows],
          title=label("by_unit_title", lang, city=card.city, framework=card.framework))
    note(f"{label('areas', lang)}: " + "; ".join(f"{a.id} {in_language(a.title, lang)}" for a in card.areas))


def due_table(items: Sequence[DueItem], lang: str) -> None:
    table([label(f"col.{c}", lang) for c in ("until", "record", "title", "criterion", "runs_out", "then")],
          [(i.until.isoformat(), i.record, in_language(i.title, lang), i.criterion,
            label("validity" if i.why == "valid_until" else "age limit", lang),
            f"{label(i.status_now, lang)} -> {label(i.status_after, lang)}" if i.falls
            else label("still covered", lang))
           for i in items])


# ---------------------------------------------------------------------------------------------
# For programs


CRITERIA_CSV = ("city", "framework", "area", "criterion", "title", "blocking", "weight", "status", "coverage",
                "share", "counted", "justification")


def criteria_csv(cards: Sequence[Scorecard], lang: str, raw: bool = False) -> None:
    """One row per criterion; coverage and share as fractions (0-1), empty when not applicable."""
    w = csv_writer(raw)
    w.writerow(CRITERIA_CSV)
    for card in cards:
        for c in card.all_criteria():
            w.writerow([card.city, card.framework, c.area, c.ref, in_language(c.title, lang), str(c.blocking).lower(),
                        f"{c.weight:g}", c.status, "" if c.coverage is None else f"{c.coverage:.4f}", f"{c.share:.4f}",
                        "; ".join(c.counted) or (c.counted_records or ""), c.justification or ""])


def cities_csv(cards: Sequence[Scorecard], raw: bool = False) -> None:
    w = csv_writer(raw)
    w.writerow(("city", "framework", "score", "met", "applicable", "met_share", "verdict", "blocking_unmet"))
    for c in cards:
        w.writerow([c.city, c.framework, "" if c.score is None else f"{c.score:.4f}", c.met, c.applicable,
                    "" if c.met_share is None else f"{c.met_share:.4f}", c.verdict or "", "; ".join(c.blocking_unmet)])


def gaps_csv(gaps: Sequence[Gap], lang: str, raw: bool = False) -> None:
    w = csv_writer(raw)
    w.writerow(("rank", "framework", "criterion", "title", "status", "coverage", "blocking", "gain", "actions",
                "units"))
    for i, g in enumerate(gaps, 1):
        w.writerow([i, g.framework, g.criterion, in_language(g.title, lang), g.status,
                    "" if g.coverage is None else f"{g.coverage:.4f}", str(g.blocking).lower(), f"{g.gain:.2f}",
                    " | ".join(reason_text(p, lang) for p in g.problems), "; ".join(g.units)])
