"""Formatting for the terminal (rich) and for programs (JSON). Used by cli.py only.

Tables and trees go to stdout; rich leaves out colour when stdout is not a terminal, so the
output of ``readiness ... | less`` or a CI log stays plain text.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console

    from .cities import CityDetail, UnitNode
    from .criteria import Catalogue, Criterion, Framework


def console() -> Console:
    from rich.console import Console

    # sys.stdout as it is at call time, so that CliRunner captures it in tests. Piped output has
    # no terminal width; 120 columns keeps table rows on one line in logs and files.
    stream = sys.stdout
    width = None if stream.isatty() else 120
    return Console(file=stream, highlight=False, soft_wrap=False, width=width)


def emit_json(data: Any) -> None:
    """JSON for programs: UTF-8 text as is (no \\u escapes), stable key order, one document."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None) -> None:
    """A plain table; the first column (an id or a name) never wraps."""
    from rich import box
    from rich.table import Table

    t = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False)
    for i, name in enumerate(columns):
        t.add_column(name, no_wrap=i == 0, overflow="fold")
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    console().print(t)


# ---------------------------------------------------------------------------------------------
# Frameworks


def catalogue_rows(catalogue: Catalogue, lang: str) -> list[dict[str, Any]]:
    rows = []
    for entry in catalogue:
        fw = entry.framework
        src = fw.sources[0]
        rows.append({
            "id": fw.id,
            "name": fw.name.get(lang),
            "version": fw.version,
            "status": fw.status,
            "areas": len(fw.leaf_areas()),
            "criteria": len(fw.criteria),
            "source": ", ".join(str(p) for p in (src.publisher or src.title, src.year) if p),
            "origin": entry.origin,
            "path": str(entry.path),
        })
    return rows


def requirement_text(criterion: Criterion, lang: str = "en") -> str:
    """What satisfies a criterion, in one line: "evidence: event · 2 records or more · ..."."""
    from .labels import label

    if criterion.evidence is not None:
        ev = criterion.evidence
        parts = [f" {label('or', lang)} ".join(label(k.value, lang) for k in ev.kinds)]
        if ev.min_count > 1:
            parts.append(label("min_count", lang, n=ev.min_count))
        if ev.max_age_years:
            parts.append(label("max_age", lang, n=f"{ev.max_age_years:g}"))
        if ev.file_required:
            parts.append(label("file attached", lang))
        if ev.verified_required:
            parts.append(label("verified", lang))
        return f"{label('evidence', lang)}: " + " · ".join(parts)
    assert criterion.profile is not None
    pr = criterion.profile
    parts = [", ".join(pr.fields), label(pr.check.value, lang)]
    if pr.max_words:
        parts.append(label("max_words", lang, n=pr.max_words))
    if pr.max_age_years:
        parts.append(label("data_age", lang, n=f"{pr.max_age_years:g}"))
    if pr.topics:
        parts.append(f"{label('topics', lang)}: " + ", ".join(pr.topics))
    return f"{label('city profile', lang)}: " + " · ".join(parts)


def framework_tree(fw: Framework, lang: str, guidance: bool) -> None:
    from rich.markup import escape
    from rich.tree import Tree

    from .labels import label

    status = f" [yellow]({escape(label('draft', lang))})[/]" if fw.status == "draft" else ""
    root = Tree(f"[bold]{escape(fw.id)}[/]  {escape(fw.name.get(lang))}  {escape(fw.version)}{status}")
    weight = label("weight", lang)

    def add_areas(node: Tree, areas: Sequence[Any]) -> None:
        for area in areas:
            branch = node.add(f"[bold]{escape(area.id)}[/] {escape(area.title.get(lang))}"
                              + (f"  [dim]{weight} {area.weight:g}[/]" if area.weight != 1 else ""))
            add_areas(branch, area.areas)
            for crit in area.criteria:
                flags = []
                if crit.blocking:
                    flags.append(f"[red]{escape(label('blocking', lang))}[/]")
                if crit.weight != 1:
                    flags.append(f"{weight} {crit.weight:g}")
                leaf = branch.add(f"[cyan]{escape(crit.id)}[/] {escape(crit.title.get(lang))}"
                                  + (f"  {' '.join(flags)}" if flags else ""))
                leaf.add(f"[dim]{escape(requirement_text(crit, lang))}[/]")
                if guidance and crit.guidance is not None:
                    leaf.add(escape(crit.guidance.get(lang)))
                for ind in crit.indicators:
                    target = f", {label('target', lang)} {ind.target:g}" if ind.target is not None else ""
                    leaf.add(f"[dim]{escape(label('indicator', lang))} {escape(ind.id)}: "
                             f"{escape(ind.title.get(lang))} ({escape(ind.unit)}{target})[/]")
                if crit.maps_to:
                    leaf.add(f"[dim]{escape(label('also counts for', lang))}: {escape(', '.join(crit.maps_to))}[/]")

    add_areas(root, fw.areas)
    console().print(root)
    click.echo("\n" + label("summary", lang, areas=len(fw.leaf_areas()), criteria=len(fw.criteria),
                            threshold=f"{fw.threshold:.0%}"))


# ---------------------------------------------------------------------------------------------
# Cities


def city_detail(detail: CityDetail) -> None:
    city = detail.city
    click.echo(f"{city.name} ({city.country})")
    if detail.profile:
        rows = []
        for r in detail.profile:
            if "year" in r:
                rows.append((r["field"], f"{r['value']:,} {r['unit']}".strip(), r["year"]))
            elif "lang" in r:
                text = r["value"] if len(r["value"]) <= 60 else r["value"][:57] + "..."
                rows.append((r["field"], text, f"{r['lang']}, {r['words']} words"))
            else:
                rows.append((r["field"], r["value"], ""))
        table(("FIELD", "VALUE", "YEAR / LANGUAGE"), rows)
    else:
        click.echo("no profile fields set; see `readiness city set --help`")
    if detail.units:
        click.echo("units:")
        unit_lines(detail.units)


def unit_lines(nodes: Sequence[UnitNode], depth: int = 1) -> None:
    for node in nodes:
        click.echo(f"{'  ' * depth}{node.unit.name} ({node.unit.kind})")
        unit_lines(node.children, depth + 1)
