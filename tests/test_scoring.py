"""The scoring engine on hand-built frameworks and facts: worked examples and properties.

Every expected number is computed by hand in the test's docstring.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.dates import PartialDate, parse
from readiness.frameworks.schema import Framework
from readiness.labels import reason_text
from readiness.scoring.engine import (
    CityFacts,
    IndicatorFact,
    RecordFact,
    counts_until,
    crosswalk,
    due,
    score,
    timing_of,
    years_before,
)

AS_OF = dt.date(2026, 6, 15)


def framework(**overrides: Any) -> Framework:
    """A small framework: area A with a1 and a2 (blocking), area B with b1 and a profile item."""
    # Area A (weight 1): a1 (weight 1) and a2 (weight 3, blocking). Area B (weight 1): b1 (two events within 2 years,
    # files required) and b2, a profile item.
    data: dict[str, Any] = {
        "id": "t", "name": {"en": "Test"}, "version": "1", "sources": [{"title": "tests"}],
        "languages": ["en"], "threshold": 0.6, "unverified_weight": 0.5,
        "verdict": [{"verdict": "not_ready", "when": {"blocking_unmet": True}},
                    {"verdict": "ready", "when": {"score_at_least": "threshold"}},
                    {"verdict": "ready_with_gaps"}],
        "areas": [
            {"id": "A", "title": {"en": "Plans"}, "criteria": [
                {"id": "a1", "title": {"en": "A plan"}, "evidence": {"kinds": ["plan"], "max_age_years": 5}},
                {"id": "a2", "title": {"en": "A policy"}, "weight": 3, "blocking": True,
                 "evidence": {"kinds": ["policy"]}},
            ]},
            {"id": "B", "title": {"en": "Events"}, "criteria": [
                {"id": "b1", "title": {"en": "Two weeks"}, "evidence": {"kinds": ["event"], "min_count": 2,
                                                                         "max_age_years": 2, "file_required": True},
                 "indicators": [{"id": "weeks", "title": {"en": "Weeks"}, "unit": "n", "target": 2,
                                 "max_age_years": 2}]},
                {"id": "b2", "title": {"en": "Population"},
                 "profile": {"fields": ["population"], "check": "figure", "max_age_years": 5}},
            ]},
        ],
    }
    data.update(overrides)
    return Framework.model_validate(data)


def rec(code: str, kind: str, start: str | None, *links: str, status: str = "verified", files: int = 1,
        end: str | None = None, valid_until: str | None = None, unit: str | None = None) -> RecordFact:
    d = lambda v: parse(v, today=AS_OF) if v else None  # noqa: E731
    return RecordFact(code=code, kind=kind, status=status, start=d(start), end=d(end), valid_until=d(valid_until),
                      files=files, links=links, unit=unit, title={"en": code})


def city(*records: RecordFact, profile: dict | None = None, na: dict | None = None,
         indicators: tuple = ()) -> CityFacts:
    return CityFacts(name="Test City", code="TC", country="VN", profile=profile or {}, records=records,
                     not_applicable=na or {}, indicators=indicators, units=("Ward 1", "Ward 2"))


def crit(card, ref):
    c = card.criterion(ref)
    assert c is not None
    return c


# ---------------------------------------------------------------------------------------------
# Worked examples


def test_every_status_and_the_weighted_totals() -> None:
    """Met, unverified, partial and missing, and the weighted totals worked out by hand."""
    # a1 met (one verified plan of 2024): 1.0. a2 unverified (one submitted policy): 0.5.
    # b1 partial (one verified event with a file of 2025, two needed): 0.5. b2 missing: 0.
    # Area A = (1*1.0 + 3*0.5) / 4 = 0.625; area B = (1*0.5 + 1*0) / 2 = 0.25.
    # Total = (0.625 + 0.25) / 2 = 0.4375. Met: a1 only, 1 of 4 = 0.25.
    # a2 is blocking and not met, so the verdict is not_ready.
    card = score(framework(), city(rec("P1", "plan", "2024-03-01", "t:a1"),
                                   rec("P2", "policy", "2025", "t:a2", status="submitted"),
                                   rec("E1", "event", "2025-10", "t:b1")), AS_OF)
    assert [(c.id, c.status, c.coverage) for c in card.all_criteria()] == [
        ("a1", "met", 1.0), ("a2", "unverified", 0.5), ("b1", "partial", 0.5), ("b2", "missing", 0.0)]
    assert [a.score for a in card.areas] == [0.625, 0.25]
    assert card.score == pytest.approx(0.4375)
    assert (card.met, card.applicable, card.met_share) == (1, 4, 0.25)
    assert card.blocking_unmet == ["t:a2"] and card.verdict == "not_ready"


def test_stale_when_the_only_records_are_too_old() -> None:
    """A criterion whose only fault is records too old is stale."""
    # b1 asks for events within 2 years of 2026-06-15, i.e. dated 2024-06-15 or later.
    # An event of May 2024 ends 2024-05-31: too old, and it is the only thing wrong: stale.
    # An event of "2024" (year only) is aged from 2024-12-31: recent enough; with one more it meets b1.
    may = rec("E1", "event", "2024-05", "t:b1")
    assert crit(score(framework(), city(may), AS_OF), "t:b1").status == "stale"
    year_only = rec("E2", "event", "2024", "t:b1")
    card = score(framework(), city(may, year_only, rec("E3", "event", "2026-01-10", "t:b1")), AS_OF)
    assert crit(card, "t:b1").status == "met"
    assert crit(card, "t:b1").counted == ["E2", "E3"]


def test_wrong_kind_is_missing_not_stale() -> None:
    """An old record of the wrong kind is not "stale" evidence: the criterion is missing."""
    card = score(framework(), city(rec("M1", "media", "2020", "t:b1")), AS_OF)
    assert crit(card, "t:b1").status == "missing"
    assert crit(card, "t:b1").records[0].reasons == ("wrong_kind", "too_old")


def test_verdict_edges_at_the_threshold() -> None:
    """The verdict at the edges of the threshold (with a2 met and area B not applicable, the total is area A)."""
    # a1 verified + a2 verified: A = 1.0 -> total 1.0 >= 0.6: ready.
    # a1 missing + a2 verified: A = (0 + 3) / 4 = 0.75 >= 0.6: ready.
    # threshold 0.75 exactly and the same facts: 0.75 >= 0.75: ready (the edge counts).
    # threshold 0.76: 0.75 < 0.76: ready_with_gaps (no blocking criterion unmet).
    na = {"t:b1": "No events in this test city at all", "t:b2": "Profile not used in this test"}
    policy = rec("P2", "policy", "2025", "t:a2")
    assert score(framework(), city(policy, rec("P1", "plan", "2025", "t:a1"), na=na), AS_OF).verdict == "ready"
    card = score(framework(), city(policy, na=na), AS_OF)
    assert card.score == 0.75 and card.verdict == "ready"
    assert score(framework(threshold=0.75), city(policy, na=na), AS_OF).verdict == "ready"
    edge = score(framework(threshold=0.76), city(policy, na=na), AS_OF)
    assert edge.verdict == "ready_with_gaps" and edge.blocking_unmet == []


def test_not_applicable_leaves_every_total() -> None:
    """Marking b2 not applicable: area B = b1 alone; met share over 3 criteria, not 4."""
    # Facts as in the first example: A = 0.625, B = 0.5 (b1 only) -> total 0.5625; met 1 of 3.
    facts = (rec("P1", "plan", "2024-03-01", "t:a1"), rec("P2", "policy", "2025", "t:a2", status="submitted"),
             rec("E1", "event", "2025-10", "t:b1"))
    card = score(framework(), city(*facts, na={"t:b2": "The city has no census of its own"}), AS_OF)
    b2 = crit(card, "t:b2")
    assert (b2.status, b2.coverage, b2.justification) == ("not_applicable", None, "The city has no census of its own")
    assert card.score == pytest.approx(0.5625)
    assert (card.met, card.applicable, card.not_applicable) == (1, 3, 1)


def test_nothing_applicable_is_no_score_not_zero() -> None:
    """Every criterion not applicable: no score, no met share, no verdict."""
    na = {f"t:{c}": "Not for this test city" for c in ("a1", "a2", "b1", "b2")}
    card = score(framework(), city(na=na), AS_OF)
    assert (card.score, card.met_share, card.verdict) == (None, None, None)
    assert [a.score for a in card.areas] == [None, None]


def test_record_dates_against_the_as_of_day() -> None:
    """Record dates against the as-of day: not yet, from the first of the month, expired, undated."""
    # A record dated after the as-of day does not count yet; "2026-06" counts from 1 June; a record valid until May 2026
    # no longer counts on 15 June; an undated one fails an age limit.
    cutoff = years_before(AS_OF, 5)
    assert cutoff == dt.date(2021, 6, 15)
    assert timing_of(rec("X", "plan", "2026-07-01"), AS_OF, cutoff) == "future"
    assert timing_of(rec("X", "plan", "2026-06"), AS_OF, cutoff) == "ok"
    assert timing_of(rec("X", "plan", "2025", valid_until="2026-05"), AS_OF, cutoff) == "expired"
    assert timing_of(rec("X", "plan", "2025", valid_until="2026-06"), AS_OF, cutoff) == "ok"
    assert timing_of(rec("X", "plan", None), AS_OF, cutoff) == "undated"
    assert timing_of(rec("X", "plan", None), AS_OF, None) == "ok"
    assert timing_of(rec("X", "plan", "2021-06"), AS_OF, cutoff) == "ok"  # ends 30 June 2021
    assert timing_of(rec("X", "plan", "2021-05"), AS_OF, cutoff) == "too_old"
    # A plan running 2016-2030 is aged from its end.
    assert timing_of(rec("X", "plan", "2016", end="2030"), AS_OF, cutoff) == "ok"


def test_as_of_in_the_future_flags_records_that_will_be_too_old() -> None:
    """E1 (2024-09) and E2 (2025-03) meet b1 today; on 2026-10-01 E1 is older than two years: one more is needed."""
    # E2, newer, still counts, so nothing says E1 is "the latest".
    facts = city(rec("E1", "event", "2024-09", "t:b1"), rec("E2", "event", "2025-03", "t:b1"))
    assert crit(score(framework(), facts, AS_OF), "t:b1").status == "met"
    later = score(framework(), facts, dt.date(2026, 10, 1))
    assert crit(later, "t:b1").status == "partial"
    assert crit(later, "t:b1").records[0].reasons == ("too_old",)
    gap = next(g for g in later.gaps if g.criterion == "t:b1")
    assert [p.code for p in gap.problems if not p.code.startswith("indicator")] == ["need_more"]
    assert reason_text(gap.problems[0], "en") == "1 of the 2 event records it asks for: add 1 more"
    only_old = next(g for g in score(framework(), city(rec("E1", "event", "2024-09", "t:b1")),
                                     dt.date(2026, 10, 1)).gaps if g.criterion == "t:b1")
    assert [p.code for p in only_old.problems][:2] == ["need_more", "stale"]
    said = reason_text(only_old.problems[1], "en")
    assert "E1" in said and "within 2 years" in said


def _actions(card, ref: str) -> list[str]:
    return [p.code for p in next(g for g in card.gaps if g.criterion == ref).problems
            if not p.code.startswith("indicator")]


def test_a_newer_record_waiting_for_verification_is_verify_not_add() -> None:
    """An old verified event and a newer submitted one: the one action is to verify the newer, never to add one."""
    # The case: the old verified event is too old, the newer submitted one counts 50%.
    card = score(framework(), city(rec("E1", "event", "2020-10-01", "t:b1"),
                                   rec("E2", "event", "2025-10-01", "t:b1", status="submitted"),
                                   rec("E3", "event", "2026-01-10", "t:b1", status="submitted")), AS_OF)
    gap = next(g for g in card.gaps if g.criterion == "t:b1")
    assert _actions(card, "t:b1") == ["waiting"]
    assert reason_text(gap.problems[0], "en").startswith("E2 and E3 wait for verification")
    assert not any("newer" in reason_text(p, "en") for p in gap.problems)


def test_actions_follow_the_cost_ladder() -> None:
    """The actions proposed follow the cost ladder: attach a file, link an existing record, then add one."""
    # b1 needs two events with files. E1 counts (verified). E2 lacks only a file: attach (cheaper than adding). With E2
    # fixed the count is reached: nothing to add, and E9, an event linked to area B only, is not proposed. Without E2,
    # E9 is proposed before adding one; an event linked to nothing (its subject unknown) never is.
    e1 = rec("E1", "event", "2026-01", "t:b1")
    e2 = rec("E2", "event", "2026-02", "t:b1", files=0)
    e9 = rec("E9", "event", "2026-03", "t:B")
    card = score(framework(), city(e1, e2, e9), AS_OF)
    assert _actions(card, "t:b1") == ["no_file"]
    card = score(framework(), city(e1, e9), AS_OF)
    gap = next(g for g in card.gaps if g.criterion == "t:b1")
    assert _actions(card, "t:b1") == ["link_existing"]
    assert reason_text(gap.problems[0], "en") == ("E9 (event, 2026-03) is linked only to the area and would count "
                                                  "here: link it (readiness evidence link E9 t:b1)")
    assert _actions(score(framework(), city(e1, rec("E8", "event", "2026-03")), AS_OF), "t:b1") == ["need_more"]
    # Nothing fits: add one; the wrong-kind record linked here comes last, as a note.
    card = score(framework(), city(e1, rec("M1", "media", "2026-01", "t:b1")), AS_OF)
    assert _actions(card, "t:b1") == ["need_more", "wrong_kind"]
    # A plan of the workspace that is too old or unfiled is never proposed for linking.
    card = score(framework(), city(rec("P9", "plan", "2015", "t:A")), AS_OF)
    assert _actions(card, "t:a1") == ["missing_recent"]


def test_file_and_verification_requirements() -> None:
    """b1 asks for files: an event without one does not count; a2 takes unverified records at half weight."""
    # A rejected record never counts and the gap says why it was rejected.
    card = score(framework(), city(rec("E1", "event", "2026-01", "t:b1", files=0),
                                   rec("P2", "policy", "2026-01", "t:a2", status="rejected")), AS_OF)
    assert crit(card, "t:b1").records[0].reasons == ("no_file",)
    assert crit(card, "t:a2").status == "missing"
    texts = [reason_text(p, "en") for g in card.gaps for p in g.problems]
    assert any("E1 has no file attached" in t for t in texts)
    assert any(t.startswith("P2 was rejected") for t in texts)


def test_verified_required_does_not_count_unverified_records() -> None:
    """A criterion asking for verified records gives an unverified one no credit at all."""
    fw = framework(areas=[{"id": "A", "title": {"en": "A"}, "criteria": [
        {"id": "l", "title": {"en": "Letter"}, "evidence": {"kinds": ["letter"], "verified_required": True}}]}])
    card = score(fw, city(rec("L1", "letter", "2026", "t:l", status="submitted")), AS_OF)
    assert (crit(card, "t:l").status, crit(card, "t:l").coverage) == ("missing", 0.0)
    assert card.gaps[0].problems[0].code == "waiting"


def test_crosswalks_count_both_ways_once_and_only_matching_kinds() -> None:
    """A crosswalk (y:c maps to t:a1) counts both ways, once, and only for records of a matching kind."""
    # A plan linked to y:c counts for t:a1 (via y:c); a plan linked to t:a1 counts for y:c; a plan linked to both counts
    # once, as direct; a media record linked to y:c is not brought to t:a1 at all (not its kind, and nobody linked it
    # there).
    other = Framework.model_validate({
        "id": "y", "name": {"en": "Y"}, "version": "1", "sources": [{"title": "t"}], "languages": ["en"],
        "threshold": 0.5, "verdict": [{"verdict": "ready"}],
        "areas": [{"id": "Y", "title": {"en": "Y"}, "criteria": [
            {"id": "c", "title": {"en": "C"}, "evidence": {"kinds": ["plan", "media"]}, "maps_to": ["t:a1"]}]}]})
    fw = framework()
    joined = crosswalk([fw, other])
    assert joined == {"t:a1": {"y:c"}, "y:c": {"t:a1"}}
    facts = city(rec("P1", "plan", "2025", "y:c"), rec("P2", "plan", "2025", "t:a1", "y:c"),
                 rec("M1", "media", "2025", "y:c"))
    a1 = crit(score(fw, facts, AS_OF, joined=joined), "t:a1")
    assert [(r.id, r.via) for r in a1.records] == [("P1", "y:c"), ("P2", None)]
    c = crit(score(other, city(rec("P3", "plan", "2025", "t:a1")), AS_OF, joined=joined), "y:c")
    assert c.counted == ["P3"]
    assert crit(score(fw, facts, AS_OF), "t:a1").counted == ["P2"]  # no crosswalk given: direct only


def test_profile_items() -> None:
    """Profile items: figures need a recent year; texts with a word limit need every language within it."""
    # 2020 is older than 5 years before 2026-06-15: stale. A text needs the language of communication and every version
    # within the limit.
    fw = framework()
    recent = city(profile={"population": {"value": 8_587_100, "year": 2024}})
    assert crit(score(fw, recent, AS_OF), "t:b2").status == "met"
    old = score(fw, city(profile={"population": {"value": 8_000_000, "year": 2020}}), AS_OF)
    assert crit(old, "t:b2").status == "stale"
    assert "from 2020" in reason_text(next(g for g in old.gaps if g.criterion == "t:b2").problems[0], "en")

    form = framework(areas=[{"id": "F", "title": {"en": "Form"}, "criteria": [
        {"id": "m", "title": {"en": "Motivation"},
         "profile": {"fields": ["motivation"], "check": "text", "max_words": 5}},
        {"id": "c", "title": {"en": "Contacts"},
         "profile": {"fields": ["contact_name", "contact_email"], "check": "text"}},
        {"id": "r", "title": {"en": "Ratings"}, "profile": {"fields": ["challenges"], "check": "ratings",
                                                            "topics": ["literacy", "health", "equity", "planning"]}}]}])
    card = score(form, city(profile={"motivation": {"vi": "Hà Nội muốn học tập"}, "contact_name": {"vi": "Lan"},
                                     "challenges": {"literacy": 3}}), AS_OF)
    assert [(c.id, c.status, c.coverage) for c in card.all_criteria()] == [
        ("m", "missing", 0.0), ("c", "partial", 0.5), ("r", "partial", 0.25)]
    texts = [reason_text(p, "en") for g in card.gaps for p in g.problems]
    assert any("no text in en" in t for t in texts)
    too_long = score(form, city(profile={"motivation": {"en": "one two three four five six"}}), AS_OF)
    assert crit(too_long, "t:m").fields[0].problem.params["words"] == 6  # type: ignore[union-attr]
    french = score(form, city(profile={"motivation": {"fr": "Une ville qui apprend"}, "language": {"en": "fr"}}), AS_OF)
    assert crit(french, "t:m").status == "met"


def test_word_limit_applies_to_the_form_language_only() -> None:
    """A Vietnamese draft over the limit does not block the English text; its count is information."""
    form = framework(areas=[{"id": "F", "title": {"en": "Form"}, "criteria": [
        {"id": "m", "title": {"en": "Motivation"},
         "profile": {"fields": ["motivation"], "check": "text", "max_words": 5}}]}])
    long_vi = "Hà Nội là thành phố học tập của mọi người dân"
    draft = score(form, city(profile={"motivation": {"en": "A city that learns", "vi": long_vi}}), AS_OF)
    (check,) = crit(draft, "t:m").fields
    assert (crit(draft, "t:m").status, check.ok, check.limit_language) == ("met", True, "en")
    assert check.words == {"en": 4, "vi": 11}
    long_en = score(form, city(profile={"motivation": {"en": "one two three four five six", "vi": "Hà Nội"}}), AS_OF)
    problem = crit(long_en, "t:m").fields[0].problem
    assert problem is not None and (problem.code, problem.params["language"]) == ("too_long", "en")
    # French is the form's language: only the French version is held to the limit.
    both = {"fr": "Une ville qui apprend", "en": "one two three four five six"}
    french = score(form, city(profile={"motivation": both, "language": {"en": "fr"}}), AS_OF)
    assert crit(french, "t:m").status == "met" and crit(french, "t:m").fields[0].limit_language == "fr"


def test_indicators_report_recency_and_target_apart_from_coverage() -> None:
    """weeks = 1 (2025) is fresh but below its target of 2; coverage is untouched by it."""
    facts = city(rec("S1", "statistic", "2025", "t:b1"),
                 indicators=(IndicatorFact("t:weeks", 1, "S1", "n", 2025), IndicatorFact("weeks", 3, "S1", "n", 2019)))
    b1 = crit(score(framework(), facts, AS_OF), "t:b1")
    assert b1.coverage == 0.0
    (ind,) = b1.indicators
    assert (ind.value, ind.year, ind.status, ind.target_reached) == (1, 2025, "fresh", False)
    stale = crit(score(framework(), city(indicators=(IndicatorFact("weeks", 3, "S1", "n", 2019),)), AS_OF), "t:b1")
    assert (stale.indicators[0].status, stale.indicators[0].target_reached) == ("stale", True)
    card = score(framework(), city(), AS_OF)
    assert any(p.code == "indicator_missing" for g in card.gaps for p in g.problems)


def test_gaps_blocking_first_then_by_points_gained() -> None:
    """Gaps come blocking first, then by the points closing them would gain."""
    # Nothing linked. a2 is blocking: first. Shares of the total: a1 = 0.5 * 1/4 = 0.125, a2 = 0.375, b1 = b2 = 0.25.
    # After a2: b1 and b2 (25 points each, in framework order), a1 (12.5).
    card = score(framework(), city(), AS_OF)
    assert [(g.criterion, round(g.gain, 1)) for g in card.gaps] == [
        ("t:a2", 37.5), ("t:b1", 25.0), ("t:b2", 25.0), ("t:a1", 12.5)]
    assert reason_text(card.gaps[0].problems[0], "en") == "no policy record: add one and link it to t:a2"
    assert reason_text(card.gaps[0].problems[0], "vi").startswith("chưa có minh chứng loại chính sách")


def test_waiting_records_are_named_together() -> None:
    """Two submitted events meet b1 at half weight each: unverified, and the gap names both as waiting."""
    # Both have files; the gap says "E1 and E2 wait for verification".
    card = score(framework(), city(rec("E1", "event", "2026-01", "t:b1", status="submitted"),
                                   rec("E2", "event", "2026-02", "t:b1", status="draft")), AS_OF)
    b1 = crit(card, "t:b1")
    assert (b1.status, b1.coverage) == ("unverified", 0.5)
    gap = next(g for g in card.gaps if g.criterion == "t:b1")
    assert reason_text(gap.problems[0], "en").startswith("E1 and E2 wait for verification")


def test_due_lists_what_runs_out_and_what_falls() -> None:
    """When each record runs out, and what each criterion falls to then."""
    # E1 (2024-09, aged from 30 Sep 2024) counts for b1 until 30 Sep 2026; b1 then falls from met to partial. P1 (valid
    # until July 2026) runs out on 31 July 2026; a1 falls to stale (its only record has expired).
    facts = city(rec("E1", "event", "2024-09", "t:b1"), rec("E2", "event", "2025-03", "t:b1"),
                 rec("P1", "plan", "2025", "t:a1", valid_until="2026-07"))
    assert counts_until(facts.records[0], 2) == dt.date(2026, 9, 30)
    items = due([framework()], facts, AS_OF, dt.date(2026, 12, 31))
    assert [(i.record, i.criterion, i.until, i.why, i.falls, i.status_after) for i in items] == [
        ("P1", "t:a1", dt.date(2026, 7, 31), "valid_until", True, "stale"),
        ("E1", "t:b1", dt.date(2026, 9, 30), "age", True, "partial")]


def test_counts_until_is_the_last_day_it_counts() -> None:
    """For any record and age limit, it counts on counts_until and not the day after."""
    for start in ("2023-02-28", "2024-02-29", "2023-01-31", "2023-03", "2023"):
        r = rec("X", "event", start)
        for years in (1, 2, 1.5):
            last = counts_until(r, years)
            assert last is not None
            assert timing_of(r, last, years_before(last, years)) == "ok"
            after = last + dt.timedelta(days=1)
            assert timing_of(r, after, years_before(after, years)) == "too_old"


# ---------------------------------------------------------------------------------------------
# Properties (hypothesis)

KINDS = ["plan", "policy", "event", "media"]
REFS = ["t:a1", "t:a2", "t:b1", "t:b2"]

records_strategy = st.lists(
    st.builds(
        lambda i, kind, year, month, status, files, links: RecordFact(
            code=f"R{i}", kind=kind, status=status, start=PartialDate(year, month) if year else None,
            files=files, links=tuple(sorted(set(links)))),
        st.integers(0, 10_000), st.sampled_from(KINDS), st.one_of(st.none(), st.integers(2018, 2027)),
        st.one_of(st.none(), st.integers(1, 12)), st.sampled_from(["draft", "submitted", "verified", "rejected"]),
        st.integers(0, 1), st.lists(st.sampled_from(REFS), min_size=1, max_size=3)),
    max_size=12, unique_by=lambda r: r.code)


def _counting(r: RecordFact) -> RecordFact:
    """The same record, made to count wherever it is linked and of the right kind."""
    return RecordFact(code=r.code, kind=r.kind, status="verified", start=PartialDate(2026, 1), files=1, links=r.links)


@settings(max_examples=150, deadline=None)
@given(records_strategy)
def test_coverage_and_scores_stay_between_0_and_1(records: list[RecordFact]) -> None:
    """Whatever the records, every coverage, area score and total is in [0, 1]."""
    card = score(framework(), city(*records), AS_OF)
    assert all(0 <= c.coverage <= 1 for c in card.all_criteria() if c.coverage is not None)
    assert all(a.score is None or 0 <= a.score <= 1 for a in card.areas)
    assert card.score is not None and 0 <= card.score <= 1


@settings(max_examples=150, deadline=None)
@given(records_strategy, st.sampled_from(KINDS), st.lists(st.sampled_from(REFS), min_size=1, max_size=4))
def test_adding_a_counting_record_never_lowers_a_score(records: list[RecordFact], kind: str, links: list[str]) -> None:
    """A new verified, recent record with a file never lowers a coverage, area score or total."""
    # Taking it away again never raises one.
    new = RecordFact(code="NEW", kind=kind, status="verified", start=PartialDate(2026, 1), files=1,
                     links=tuple(sorted(set(links))))
    before = score(framework(), city(*records), AS_OF)
    after = score(framework(), city(*records, new), AS_OF)
    assert after.score >= before.score - 1e-12  # type: ignore[operator]
    for b, a in zip(before.all_criteria(), after.all_criteria(), strict=True):
        assert a.coverage >= b.coverage - 1e-12  # type: ignore[operator]
    for b, a in zip(before.areas, after.areas, strict=True):
        assert a.score >= b.score - 1e-12  # type: ignore[operator]
    assert after.met >= before.met


@settings(max_examples=150, deadline=None)
@given(records_strategy, st.sampled_from(REFS))
def test_not_applicable_never_changes_the_other_criteria(records: list[RecordFact], ref: str) -> None:
    """Marking one criterion not applicable leaves every other criterion's status and coverage alone."""
    plain = score(framework(), city(*records), AS_OF)
    marked = score(framework(), city(*records, na={ref: "Does not apply to this city"}), AS_OF)
    for p, m in zip(plain.all_criteria(), marked.all_criteria(), strict=True):
        if p.ref == ref:
            assert m.status == "not_applicable" and m.coverage is None
        else:
            assert (p.status, p.coverage, p.counted) == (m.status, m.coverage, m.counted)
    assert marked.applicable == plain.applicable - 1


@settings(max_examples=100, deadline=None)
@given(records_strategy, st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_the_order_of_records(records: list[RecordFact], rnd: Any) -> None:
    """Shuffling the records gives the same scorecard, gaps included."""
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert score(framework(), city(*records), AS_OF) == score(framework(), city(*shuffled), AS_OF)


def test_gap_owners_are_the_linked_units_or_a_suggestion() -> None:
    """A gap's owners are the units of its linked records; with none linked, a unit is suggested."""
    # The suggestion is the unit that gave the most counting records to the same area.
    card = score(framework(), city(rec("P1", "plan", "2025", "t:a1", unit="Ward 1"),
                                   rec("P2", "policy", "2025", "t:a2", status="rejected", unit="Ward 2")), AS_OF)
    a2 = next(g for g in card.gaps if g.criterion == "t:a2")
    assert (a2.units, a2.owner_suggested) == (["Ward 2"], False)
    b1 = next(g for g in card.gaps if g.criterion == "t:b1")
    assert (b1.units, b1.owner_suggested) == ([], False)  # nothing counts in area B: no one to suggest
    card = score(framework(), city(rec("P1", "plan", "2025", "t:a1", unit="Ward 1")), AS_OF)
    a2 = next(g for g in card.gaps if g.criterion == "t:a2")
    assert (a2.units, a2.owner_suggested) == (["Ward 1"], True)


def test_the_engine_renders_no_language() -> None:
    """The engine returns reasons as a code with values and loads no labels; ``labels.reason_text`` says them."""
    import subprocess
    import sys

    code = "import sys, readiness.scoring.engine; print('readiness.labels' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# What a city can act on: application states, criteria not yet due, eligibility and its window


def application(**overrides: Any) -> Framework:
    """A form like the bundled one: a blocking pledge, an endorsement due once the form is sent,
    and the verdict following the profile's dates before the score."""
    data: dict[str, Any] = {
        "id": "form", "name": {"en": "Form"}, "version": "1", "sources": [{"title": "tests"}],
        "languages": ["en"], "threshold": 1.0, "own_thresholds": True,
        "verdict": [{"verdict": "member", "when": {"profile_set": ["member_since"]}},
                    {"verdict": "endorsed", "when": {"profile_set": ["endorsed_on"]}},
                    {"verdict": "sent", "when": {"profile_set": ["sent_to_national_commission"]}},
                    {"verdict": "not_ready", "when": {"blocking_unmet": True}},
                    {"verdict": "ready", "when": {"score_at_least": "threshold"},
                     "label": {"en": "ready to send to the National Commission"}},
                    {"verdict": "ready_with_gaps"}],
        "areas": [{"id": "P", "title": {"en": "Form"}, "criteria": [
            {"id": "pledge", "title": {"en": "Pledge"}, "blocking": True, "letter": True,
             "evidence": {"kinds": ["letter"], "file_required": True}},
            {"id": "endorsement", "title": {"en": "Endorsement"}, "weight": 2, "letter": True,
             "applies_after": "sent_to_national_commission",
             "evidence": {"kinds": ["letter"], "file_required": True}},
        ]}],
    }
    data.update(overrides)
    return Framework.model_validate(data)


def test_a_city_is_ready_to_send_before_the_endorsement_exists() -> None:
    """With the pledge signed and nothing sent, the endorsement is not yet due: 100% and ready to send."""
    # pledge met (1 of 1 applicable, weight 1) -> score 1.0 >= threshold 1.0; the endorsement waits for the date.
    card = score(application(), city(rec("HN-1", "letter", "2026-03-01", "form:pledge")), AS_OF)
    endorsement = crit(card, "form:endorsement")
    assert (endorsement.status, endorsement.waits_for, endorsement.coverage) == \
        ("not_applicable", "sent_to_national_commission", None)
    assert card.score == 1.0 and card.verdict == "ready"
    assert card.verdict_label == {"en": "ready to send to the National Commission"}
    assert card.own_thresholds and not [g for g in card.gaps if g.criterion == "form:endorsement"]


def test_the_application_verdict_follows_the_profile_dates() -> None:
    """Sent, then endorsed, then member: each date moves the verdict, whatever the score."""
    records = (rec("HN-1", "letter", "2026-03-01", "form:pledge"),)
    sent = {"sent_to_national_commission": "2026-04-01"}
    card = score(application(), city(*records, profile=sent), AS_OF)
    # once sent, the endorsement is due: missing (score (1 + 0*2)/3), and the verdict says sent
    assert card.verdict == "sent" and crit(card, "form:endorsement").status == "missing"
    assert card.score == pytest.approx(1 / 3)
    endorsed = {**sent, "endorsed_on": "2026-05-01"}
    assert score(application(), city(*records, profile=endorsed), AS_OF).verdict == "endorsed"
    member = {**endorsed, "member_since": "2026-06-01"}
    assert score(application(), city(*records, profile=member), AS_OF).verdict == "member"
    # not sent and the pledge missing: not ready
    assert score(application(), city(), AS_OF).verdict == "not_ready"


def award(**overrides: Any) -> Framework:
    """An award: members of more than 12 months, past winners wait 6 years, evidence since joining."""
    data: dict[str, Any] = {
        "id": "aw", "name": {"en": "Award"}, "version": "1", "sources": [{"title": "tests"}],
        "languages": ["en"], "threshold": 0.5,
        "eligibility": {"member_more_than_months": 12, "past_winner_wait_years": 6,
                        "evidence_since_membership": True,
                        "notes": [{"en": "Up to two nominations per National Commission."}]},
        "verdict": [{"verdict": "ready", "when": {"score_at_least": "threshold"}}, {"verdict": "ready_with_gaps"}],
        "areas": [{"id": "A", "title": {"en": "Progress"}, "criteria": [
            {"id": "e1", "title": {"en": "Events"}, "evidence": {"kinds": ["event"]}}]}],
    }
    data.update(overrides)
    return Framework.model_validate(data)


def test_award_eligibility_membership_of_more_than_twelve_months() -> None:
    """Member since 2025-06-15: not eligible on 2026-06-15 (exactly 12 months), eligible on 2026-06-16."""
    profile = {"member_since": "2025-06-15"}
    event = rec("E-1", "event", "2025-10-01", "aw:e1")
    card = score(award(), city(event, profile=profile), AS_OF)
    assert card.eligible is False and card.verdict == "not_eligible"
    assert [r.code for r in card.eligibility] == ["member_too_recent"]
    assert card.eligibility[0].params["eligible_from"] == "2026-06-16"
    assert "eligible from 2026-06-16" in reason_text(card.eligibility[0])
    assert card.eligibility_notes == [{"en": "Up to two nominations per National Commission."}]
    later = score(award(), city(event, profile=profile), dt.date(2026, 6, 16))
    assert later.eligible is True and later.verdict == "ready" and later.eligibility == []
    # not a member at all
    assert [r.code for r in score(award(), city(event), AS_OF).eligibility] == ["not_member"]


def test_award_past_winners_wait_six_years() -> None:
    """Won in 2021: not eligible in 2026 (until 2027), eligible in 2027."""
    profile = {"member_since": "2020-01-01", "learning_city_award_year": 2021}
    card = score(award(), city(profile=profile), AS_OF)
    assert [(r.code, r.params["eligible_from"]) for r in card.eligibility] == [("past_winner", 2027)]
    assert score(award(), city(profile=profile), dt.date(2027, 1, 1)).eligible is True


def test_award_counts_only_evidence_since_joining() -> None:
    """A record from before member_since does not count, nor an undated one; one from after does."""
    # member since 2024-03-01. E-old ends 2024-02-29: before the window. E-2024 dated "2024" (last day 31 Dec):
    # the benefit of the doubt, it counts. E-none has no date.
    profile = {"member_since": "2024-03-01"}
    records = (rec("E-old", "event", "2024-02-01", "aw:e1", end="2024-02-29"),
               rec("E-none", "event", None, "aw:e1"))
    card = score(award(), city(*records, profile=profile), AS_OF)
    e1 = crit(card, "aw:e1")
    assert e1.status == "missing" and card.evidence_since == dt.date(2024, 3, 1)
    reasons = {r.id: r.reasons for r in e1.records}
    assert reasons == {"E-old": ("before_window",), "E-none": ("undated",)}
    gap = next(g for g in card.gaps if g.criterion == "aw:e1")
    assert any(p.code == "before_window" and p.params["since"] == "2024-03-01" for p in gap.problems)
    counted = score(award(), city(*records, rec("E-2024", "event", "2024", "aw:e1"), profile=profile), AS_OF)
    assert crit(counted, "aw:e1").counted == ["E-2024"]
    # the same records count for a framework without a window
    plain = score(award(eligibility=None), city(*records, profile=profile), AS_OF)
    assert crit(plain, "aw:e1").counted == ["E-none", "E-old"] and plain.eligible is None


def test_timing_of_the_evidence_window() -> None:
    """timing_of with a window: before it, undated, or within (partial dates get the benefit of the doubt)."""
    since = dt.date(2025, 12, 4)
    assert timing_of(rec("a", "event", "2025-12-03"), AS_OF, None, since) == "before_window"
    assert timing_of(rec("b", "event", "2025-12"), AS_OF, None, since) == "ok"
    assert timing_of(rec("c", "event", None), AS_OF, None, since) == "undated"
    assert timing_of(rec("d", "event", "2025-12-03"), AS_OF, None) == "ok"


def test_own_indicators_are_marked_on_the_scorecard() -> None:
    """An indicator marked own in the framework is marked own in the scorecard."""
    fw = framework()
    data = fw.model_dump(mode="json", exclude_none=True)
    data["areas"][1]["criteria"][0]["indicators"][0]["own"] = True
    card = score(Framework.model_validate(data), city(), AS_OF)
    assert [i.own for i in crit(card, "t:b1").indicators] == [True]
    assert [i.own for i in crit(score(fw, city(), AS_OF), "t:b1").indicators] == [False]


def test_a_city_overview_is_made_anew_after_any_change_to_the_city(hanoi_ws, ws) -> None:
    """The overview a home page shows is kept between visits, but never past a change."""
    from readiness import api
    from readiness.access import Actor

    me, cat = Actor("tester"), api.load_catalogue(ws.settings.criteria_dir)
    first = api.city_overview(ws, me, cat, "Hà Nội")
    assert api.city_overview(ws, me, cat, "Hà Nội").cards is first.cards  # kept
    code = api.list_evidence(ws, me)[0].code
    api.remove_evidence(ws, me, code)
    after = api.city_overview(ws, me, cat, "Hà Nội")
    assert after.cards is not first.cards
    assert all(code not in c.counted for card in after.cards for c in card.all_criteria())
