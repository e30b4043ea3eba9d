"""The city's scores, one criterion explained (``score --explain`` as a page) and its gaps.

Each page reads one report of ``readiness.scoring.report`` and formats it; the scoring words
(statuses, verdicts, why a record does not count, what closes a gap) are the library's
``labels``, said in the page's language.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from readiness.web.context import Me, Who, render

router = APIRouter(include_in_schema=False)

#: Percent widths the bars are drawn with (classes ``w-0`` … ``w-100`` in city.css: no style="").
BAR_STEP = 5


def bar_class(value: float | None) -> str:
    """The class of a bar ``value`` (0 to 1) long, rounded to the nearest ``BAR_STEP`` percent."""
    if value is None:
        return "w-0"
    pct = max(0, min(100, round(value * 100 / BAR_STEP) * BAR_STEP))
    return f"w-{pct}"


def scoring_words(lang: str) -> dict[str, Any]:
    """The scoring's own words for a template, in ``lang``: ``lbl("met")``, ``reason(gap_problem)``,
    ``in_lang(framework_text)``, ``rstatus("submitted")``, ``pct(0.73)``, ``bar(0.73)``."""
    from readiness.labels import LABELS, label, reason_text, record_status
    from readiness.text import in_language

    def lbl(key: str, **values: Any) -> str:
        return label(key, lang, **values) if key in LABELS else key

    def pct(value: float | None) -> str:
        return label("no score", lang) if value is None else f"{value * 100:.0f}%"

    return {"lbl": lbl, "reason": lambda r, **known: reason_text(r, lang, plain=True, **known),
            "in_lang": lambda text: in_language(text, lang), "rstatus": lambda s: record_status(s, lang),
            "pct": pct, "bar": bar_class}


def verdict_text(card: Any, lang: str) -> str:
    """The verdict in the framework's own words when it has them, else the tool's; "no score"."""
    from readiness.labels import label
    from readiness.text import in_language

    if card.verdict is None:
        return label("no score", lang)
    return in_language(card.verdict_label, lang) if card.verdict_label else label(card.verdict, lang)


def chart(card: Any, lang: str) -> list[dict[str, Any]]:
    """The dossier's chart of one scorecard: its areas (one level down at most) as bars."""
    from readiness.dossier.context import chart_bars

    return chart_bars(card, lang)


def chosen_city(me: Who, city: str | None) -> tuple[list[str], str | None]:
    """The cities this person reads, and the one the page shows: the one asked for, else the only one."""
    from readiness import api

    names = [c.name for c in api.list_cities(me.ws, me.actor)]
    if city:
        return names, city
    return names, names[0] if len(names) == 1 else None


@router.get("/scores", response_class=HTMLResponse)
def scores(request: Request, me: Me, city: str | None = None) -> HTMLResponse:
    from readiness import api

    cities, chosen = chosen_city(me, city)
    report = api.score_report(me.ws, me.actor, me.catalogue, chosen, api.ScoreQuery(gaps=False)) \
        if chosen else None
    return render(request, "scores.html.j2", me, cities=cities, city=chosen, report=report,
                  verdict=lambda card: verdict_text(card, me.lang), chart=lambda card: chart(card, me.lang),
                  **scoring_words(me.lang))


@router.get("/scores/{framework}/{criterion}", response_class=HTMLResponse)
def explain(request: Request, me: Me, framework: str, criterion: str, city: str | None = None) -> HTMLResponse:
    from readiness import api

    cities, chosen = chosen_city(me, city)
    if chosen is None:
        return render(request, "scores.html.j2", me, cities=cities, city=None, report=None,
                      verdict=lambda card: "", chart=lambda card: [], **scoring_words(me.lang))
    report = api.score_report(me.ws, me.actor, me.catalogue, chosen,
                              api.ScoreQuery(explain=f"{framework}:{criterion}"))
    assert report.explanation is not None
    return render(request, "explain.html.j2", me, city=report.city, cities=cities, ex=report.explanation,
                  as_of=report.as_of, **scoring_words(me.lang))


@router.get("/gaps", response_class=HTMLResponse)
def gaps(request: Request, me: Me, city: str | None = None) -> HTMLResponse:
    from readiness import api

    cities, chosen = chosen_city(me, city)
    report = api.gaps_report(me.ws, me.actor, me.catalogue, chosen) if chosen else None
    return render(request, "gaps.html.j2", me, cities=cities, city=chosen, report=report, **scoring_words(me.lang))
