"""Scoring a workspace: the commands, not-applicable marks, and the national view against the city view."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

import pytest
import yaml

from readiness.frameworks.loader import load_catalogue
from readiness.scoring.engine import Scorecard
from readiness.scoring.facts import score_all, score_city
from readiness.store.db import open_workspace

AS_OF = "2026-01-15"


def test_score_city_table_shows_areas_criteria_totals_and_verdict(hanoi_ws) -> None:
    """The Hanoi sample against the Guidelines: G2.2 is met, the two numbers stand apart, and it is not ready."""
    # G2.2 is met by the verified forum HN-0007; G1.1 (blocking, the plan has no file) makes it not ready.
    result = hanoi_ws("score", "--city", "Ha Noi", "--framework", "guidelines", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Hà Nội · Guidelines for Building Learning Cities" in out and "as of 2026-01-15" in out
    line = next(ln for ln in out.splitlines() if "G2.2" in ln)
    assert "met" in line and "100%" in line and "HN-0007" in line
    assert "criteria met 1 of 12 (8%)" in out
    flat = " ".join(out.split())
    assert "verdict: NOT READY (blocking unmet, our rule, not UNESCO's: G1.1, G2.1)" in flat
    assert "ready at 70%, our threshold, not UNESCO's)" in flat


def test_score_json_follows_its_schema_and_is_stable(hanoi_ws) -> None:
    """--format json: one scorecard per framework, each valid against the published schema, the same JSON twice."""
    # A wrapper with the definitions and the scorecards; the same workspace and day give the same JSON twice.
    first = hanoi_ws("score", "--city", "Hanoi", "--as-of", AS_OF, "--format", "json")
    second = hanoi_ws("score", "--city", "Hanoi", "--as-of", AS_OF, "--format", "json")
    assert first.exit_code == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["format"] == "readiness-score/1" and data["as_of"] == AS_OF
    assert set(data["definitions"]) >= {"coverage", "score", "met_share", "verdict"}
    assert [c["framework"] for c in data["scorecards"]] == ["gnlc-application", "guidelines", "kflc",
                                                            "learning-city-award"]
    for card in data["scorecards"]:
        Scorecard.model_validate(card)
        for gap in card["gaps"]:
            assert all(p["text"] and p["code"] for p in gap["problems"])
    schema = json.loads(hanoi_ws("score", "--schema").stdout)
    assert schema["title"] == "Scorecard" and "verdict" in schema["properties"]


def test_score_csv_has_one_row_per_criterion(hanoi_ws) -> None:
    """--format csv: a header and a row for each criterion of each framework asked for."""
    result = hanoi_ws("score", "--city", "Hanoi", "--framework", "kflc", "--format", "csv", "--as-of", AS_OF)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 42
    row = next(r for r in rows if r["criterion"] == "kflc:3.2.2")
    assert (row["status"], row["coverage"], row["counted"]) == ("met", "1.0000", "HN-0007")  # the verified forum
    assert {r["criterion"] for r in rows if r["counted"]} >= {"kflc:3.2.2"}


def test_explain_says_why_each_record_counted_or_not(hanoi_ws) -> None:
    """--explain guidelines:G3.1 says why each record counted or not."""
    # HN-0002 (an event of October 2023) is too old on 2026-01-15 for a criterion asking for events within 2 years; the
    # plans and the forum are the wrong kind.
    result = hanoi_ws("score", "--city", "Hanoi", "--explain", "guidelines:G3.1", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    lines = {ln.split()[0]: ln for ln in result.stdout.splitlines() if ln.strip().startswith("HN-")}
    assert "too old" in lines["HN-0002"]
    assert "not a kind this criterion takes" in lines["HN-0007"]
    assert "status:    stale" in result.stdout
    assert "latest event record (HN-0002) is from 2023-10-03" in result.stdout


def test_explain_gives_each_version_word_count_for_information(hanoi_ws) -> None:
    """A Vietnamese draft of 240 words leaves the motivation met (the form is in English) and is counted."""
    for lang, text in (("vi", " ".join(["học tập suốt đời"] * 60)), ("en", "Ha Noi learns for life")):
        assert hanoi_ws("city", "set", "Hanoi", "motivation", "--lang", lang, text).exit_code == 0
    result = hanoi_ws("score", "--city", "Hanoi", "--explain", "gnlc-application:motivation", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "status:    met" in result.stdout
    assert re.search(r"motivation: words: en 5, vi 240 \(the limit applies to en only\)", result.stdout)


def test_score_says_what_the_city_can_act_on(hanoi_ws) -> None:
    """The Hanoi sample (member since 4 Dec 2025): the form says member, the Award not eligible until
    Dec 2026 with its reasons and window, and our own thresholds are marked, in English and Vietnamese."""
    out = " ".join(hanoi_ws("score", "--city", "Hanoi", "--as-of", AS_OF).stdout.split())
    assert "verdict: MEMBER OF THE NETWORK" in out
    assert "verdict: NOT ELIGIBLE" in out
    assert "only members of more than 12 months may be nominated (eligible from 2026-12-05)" in out
    assert "evidence from 2025-12-04 on (since membership)" in out
    assert "up to two cities per call" in out
    assert out.count("our threshold, not UNESCO's") == 4
    # the ministry's table and the gaps say it too
    assert "blocking unmet (our rule, not UNESCO's)" in hanoi_ws("score", "--as-of", AS_OF).stdout
    assert "* blocking (our rule, not UNESCO's)" in hanoi_ws("gaps", "--city", "Hanoi", "--as-of", AS_OF).stdout
    vi = " ".join(hanoi_ws("score", "--city", "Hanoi", "--as-of", AS_OF, "--lang", "vi").stdout.split())
    assert "ngưỡng do chúng tôi đặt, không phải của UNESCO" in vi and "CHƯA ĐỦ ĐIỀU KIỆN" in vi
    data = json.loads(hanoi_ws("score", "--city", "Hanoi", "--as-of", AS_OF, "--format", "json").stdout)
    cards = {c["framework"]: c for c in data["scorecards"]}
    assert cards["gnlc-application"]["verdict"] == "member" and cards["gnlc-application"]["own_thresholds"]
    award = cards["learning-city-award"]
    assert (award["verdict"], award["eligible"], award["evidence_since"]) == ("not_eligible", False, "2025-12-04")
    assert [r["code"] for r in award["eligibility"]] == ["member_too_recent"]
    # a year on, the membership rule holds; records from before joining still do not count
    later = json.loads(hanoi_ws("score", "--city", "Hanoi", "--framework", "learning-city-award",
                                "--as-of", "2026-12-05", "--format", "json").stdout)["scorecards"][0]
    assert later["eligible"] is True and later["verdict"] != "not_eligible"
    reasons = {r["id"]: r["reasons"] for c in Scorecard.model_validate(later).all_criteria() for r in c.records}
    assert reasons and all("before_window" in why for why in reasons.values())


def test_explain_marks_our_proxies_and_the_evidence_window(hanoi_ws) -> None:
    """--explain: an indicator is marked as our proxy, a count or age as our threshold, the Award's window shown."""
    out = hanoi_ws("score", "--city", "Hanoi", "--explain", "kflc:2.6.3", "--as-of", AS_OF).stdout
    assert "indicator learning-families-share (our proxy, not a UNESCO measurement)" in out
    assert "within 3 years (our threshold, not UNESCO's)" in out
    award = hanoi_ws("score", "--city", "Hanoi", "--explain", "learning-city-award:A6.1", "--as-of", AS_OF).stdout
    assert "evidence from 2025-12-04 on (since membership)" in award
    shown = hanoi_ws("criteria", "show", "kflc").stdout
    assert "our proxy, not a UNESCO measurement" in " ".join(shown.split())
    endorsement = hanoi_ws("score", "--city", "Hanoi", "--explain", "gnlc-application:endorsement",
                           "--as-of", AS_OF).stdout
    assert "due once sent_to_national_commission is set" in endorsement


@pytest.mark.parametrize("args", [
    ("gaps", "--city", "Hanoi"),
    ("score", "--city", "Hanoi", "--explain", "guidelines:G3.1"),
    ("score",),
    ("score", "--city", "Hanoi", "--by", "unit", "--framework", "kflc"),
    ("due", "--city", "Hanoi", "--within", "3y"),
    ("suggest", "HN-0004"),
])
def test_lang_vi_labels_every_terminal_table(hanoi_ws, args) -> None:
    """With --lang vi no English column heading or explanation word is left in the table."""
    english = ("PRIORITY", "CRITERION", "WHAT IS MISSING", "RECORD", "COUNTED?", "CITY", "VERDICT", "UNIT",
               "UNTIL", "RUNS OUT", "MATCHED", "asks for", "status:", "too old", "(no unit)", "still covered", " pts")
    result = hanoi_ws(*args, *(("--as-of", AS_OF) if args[0] != "suggest" else ()), "--lang", "vi")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    assert [w for w in english if w in result.stdout] == []
    assert any(w in result.stdout for w in ("TIÊU CHÍ", "MINH CHỨNG", "ĐƠN VỊ", "THÀNH PHỐ"))


def test_gaps_blocking_first_with_actions(hanoi_ws) -> None:
    """`gaps` lists blocking criteria first, each with an action; JSON carries the same order."""
    result = hanoi_ws("gaps", "--city", "Hanoi", "--as-of", AS_OF, "--format", "json")
    gaps = json.loads(result.stdout)["gaps"]
    blocking = [g["blocking"] and g["status"] != "met" for g in gaps]
    assert blocking == sorted(blocking, reverse=True) and blocking[0]
    rest = [g["gain"] for g in gaps if not g["blocking"]]
    assert rest == sorted(rest, reverse=True)
    g11 = next(g for g in gaps if g["criterion"] == "guidelines:G1.1")
    assert any("HN-0001 has no file attached" in a for a in g11["actions"])
    table = hanoi_ws("gaps", "--city", "Hanoi", "--as-of", AS_OF, "--limit", "3", "--lang", "vi")
    assert table.exit_code == 0 and "bắt buộc" in table.stdout


def test_na_marks_leave_the_totals_and_are_audited(hanoi_ws, state) -> None:
    """Marking a criterion not applicable needs a justification, leaves the totals, is audited and can be undone."""
    # The mark shows in the scorecard with its justification.
    before = json.loads(hanoi_ws("score", "--city", "Hanoi", "--framework", "guidelines", "--format", "json",
                                 "--as-of", AS_OF).stdout)["scorecards"][0]
    untouched = state()
    short = hanoi_ws("na", "add", "guidelines:G4.2", "--city", "Hanoi", "--why", "no")
    assert short.exit_code == 1 and short.stderr.startswith("error: --why: say in a sentence")
    unknown = hanoi_ws("na", "add", "guidelines:G9.9", "--city", "Hanoi", "--why", "Not relevant for the city")
    assert unknown.exit_code == 1 and "guidelines has no criterion 'G9.9'" in unknown.stderr
    assert state() == untouched

    why = "Every learner here already studies free of charge under the city budget"
    assert hanoi_ws("na", "add", "guidelines:G4.2", "--city", "Hanoi", "--why", why).exit_code == 0
    after = json.loads(hanoi_ws("score", "--city", "Hanoi", "--framework", "guidelines", "--format", "json",
                                "--as-of", AS_OF).stdout)["scorecards"][0]
    assert (after["applicable"], after["not_applicable"]) == (before["applicable"] - 1, 1)
    g42 = next(c for a in after["areas"] for c in a["criteria"] if c["id"] == "G4.2")
    assert (g42["status"], g42["coverage"], g42["justification"]) == ("not_applicable", None, why)
    assert after["score"] > before["score"]  # G4 was (100% + 0%) / 2; without G4.2 it is 100%
    listed = json.loads(hanoi_ws("na", "list", "--format", "json").stdout)
    assert [(m["criterion"], m["justification"]) for m in listed] == [("guidelines:G4.2", why)]
    log = json.loads(hanoi_ws("log", "--format", "json", "--limit", "1").stdout)
    assert log[0]["action"] == "criterion.not_applicable" and log[0]["after"]["justification"] == why
    assert hanoi_ws("na", "remove", "guidelines:G4.2", "--city", "Hanoi").exit_code == 0
    assert json.loads(hanoi_ws("na", "list", "--format", "json").stdout) == []
    again = hanoi_ws("na", "remove", "guidelines:G4.2", "--city", "Hanoi")
    assert again.exit_code == 1 and "is not marked not applicable" in again.stderr


@pytest.mark.parametrize("args, message", [
    (("score", "--city", "Hanoi", "--as-of", "2026-13-01"), "error: --as-of: '2026-13-01' has month 13"),
    (("score", "--city", "Hanoi", "--as-of", "2026-06"), "error: --as-of: '2026-06' is not a whole day"),
    (("score", "--city", "Hanoi", "--framework", "nope"), "error: no framework 'nope'"),
    (("score", "--city", "Hanoi", "--explain", "kflc:9.9.9"),
     "error: --explain 'kflc:9.9.9': kflc has no criterion '9.9.9'"),
    (("score", "--explain", "kflc:2.6.1"), "error: --explain needs --city"),
    (("score", "--city", "Atlantis"), "error: no city"),
    (("due", "--city", "Hanoi", "--within", "soon"), "error: --within: 'soon' is not a span"),
])
def test_bad_scoring_input_is_one_line(hanoi_ws, args, message) -> None:
    """Wrong dates, frameworks, criteria and cities: one clear line, exit 1, no traceback."""
    result = hanoi_ws(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_score_by_unit_lists_every_unit(hanoi_ws) -> None:
    """--by unit: the agency that owns the verified forum contributed to G2; units with nothing are listed too."""
    # Listing them tells a coordinator whom to chase.
    data = json.loads(hanoi_ws("score", "--city", "Hanoi", "--framework", "guidelines", "--by", "unit",
                               "--format", "json", "--as-of", AS_OF).stdout)
    units = {u["unit"]: u for u in data[0]["units"]}
    assert set(units) >= {"Sở Giáo dục và Đào tạo Hà Nội", "UBND huyện Chương Mỹ", "Trường THPT Phan Huy Chú - Đống Đa"}
    assert sum(u["areas"]["G2"] for u in units.values()) >= 1
    assert units["UBND huyện Chương Mỹ"]["records"] == 0


def test_due_names_records_running_out(hanoi_ws) -> None:
    """As of 2025-06-01 the 2023 week (HN-0002) runs out on 3 October 2025, inside a 6-month window."""
    # Until then it still counts for G3-type criteria within 2 years.
    result = hanoi_ws("due", "--city", "Hanoi", "--as-of", "2025-06-01", "--within", "6m", "--format", "json")
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)["due"]
    hn2 = [i for i in items if i["record"] == "HN-0002"]
    assert hn2 and all(i["until"] == "2025-10-03" and i["why"] == "age" for i in hn2)


def test_every_city_in_one_table(hanoi_ws) -> None:
    """`score` with no city: one row per city and framework."""
    assert hanoi_ws("import", "--sample", "vinh").exit_code == 0
    result = hanoi_ws("score", "--format", "csv", "--as-of", AS_OF)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["city"], r["framework"]) for r in rows][:2] == [("Hà Nội", "gnlc-application"), ("Hà Nội", "guidelines")]
    assert {r["city"] for r in rows} == {"Hà Nội", "Vinh"} and len(rows) == 8
    assert "Vinh" in hanoi_ws("score", "--as-of", AS_OF).stdout


# ---------------------------------------------------------------------------------------------
# The national view (database counts) scores exactly as the city view (records one by one)

KINDS = ["plan", "policy", "forum", "event", "programme", "statistic", "structure", "partnership", "funding",
         "report", "media", "letter"]


def _random_city_file(tmp_path: Path, seed: int, code: str, refs: list[str]) -> Path:
    """A YAML import of 80 records with random kinds, partial dates, validity, statuses, files and links."""
    # Some links go through crosswalks, some to criteria whose kind does not match.
    rnd = random.Random(seed)
    sheet = tmp_path / f"sheet-{code}.txt"
    sheet.write_text(f"record sheet {code}\n", encoding="utf-8")
    records = []
    for n in range(1, 81):
        year = rnd.randint(2015, 2027)
        start = rnd.choice([None, f"{year}", f"{year}-{rnd.randint(1, 12):02d}",
                            f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"])
        record = {"id": f"{code}-{n:04d}", "kind": rnd.choice(KINDS), "title": {"en": f"Record {n}"},
                  "status": rnd.choice(["draft", "submitted", "verified", "verified", "rejected"]),
                  "links": [{"criterion": r} for r in rnd.sample(refs, rnd.randint(1, 4))]}
        if record["status"] == "rejected":
            record["status_reason"] = "Not the right document"
        if start:
            record["start"] = start
            if rnd.random() < 0.2:
                record["end"] = f"{int(start[:4]) + rnd.randint(0, 5)}"
        if rnd.random() < 0.15:
            record["valid_until"] = f"{rnd.randint(2024, 2028)}-{rnd.randint(1, 12):02d}"
        if rnd.random() < 0.5:
            record["attachments"] = [{"file": sheet.name, "name": "sheet.txt"}]
        records.append(record)
    path = tmp_path / f"{code}.yaml"
    doc = {"format": "readiness-evidence/1", "city": {"name": f"City {code}", "country": "VN", "code": code},
           "records": records}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("seed, rules_per_query", [(1, 2000), (2, 7)])
def test_national_view_scores_like_the_city_view(run, settings, tmp_path, monkeypatch, seed, rules_per_query) -> None:
    """The database's counts score every city as scoring it record by record does."""
    # Two random cities and the Hanoi sample, on several days: every criterion gets the same status and coverage, and
    # every framework the same totals and verdict, also when the criteria are split over many queries.
    import readiness.scoring.facts

    monkeypatch.setattr(readiness.scoring.facts, "MAX_RULES_PER_QUERY", rules_per_query)
    catalogue = load_catalogue()
    refs = [f"{e.framework.id}:{c}" for e in catalogue for c, crit in e.framework.criteria.items() if crit.evidence]
    assert run("import", "--sample", "hanoi").exit_code == 0
    for i, code in enumerate(("AA", "BB")):
        path = _random_city_file(tmp_path, seed * 10 + i, code, refs)
        result = run("import", str(path))
        assert result.exit_code == 0, result.stderr
        # A file from elsewhere brings no verified status (it comes in as submitted): verify here.
        from readiness.access import Actor
        from readiness.evidence import verify_records

        with open_workspace(settings) as ws:
            for record in yaml.safe_load(path.read_text(encoding="utf-8"))["records"]:
                if record["status"] == "verified":
                    verify_records(ws, Actor.of(settings), [record["id"]])
    assert run("na", "add", "kflc:1.3.1", "--city", "City AA", "--why", "Not a concern for this city").exit_code == 0
    # City AA joined mid-2022: the Award counts only its evidence from then on (Hanoi's sample joined 4 Dec 2025)
    assert run("city", "set", "City AA", "member_since", "15/06/2022").exit_code == 0
    import datetime as dt

    with open_workspace(settings) as ws:
        for day in (dt.date(2020, 3, 1), dt.date(2025, 10, 3), dt.date(2026, 11, 23), dt.date(2029, 1, 1)):
            national = {(c.city, c.framework): c for c in score_all(ws, catalogue, as_of=day)}
            for name in ("Hà Nội", "City AA", "City BB"):
                for card in score_city(ws, name, catalogue, as_of=day).cards:
                    other = national[(card.city, card.framework)]
                    assert [(c.ref, c.status, c.coverage, c.counted_records) for c in card.all_criteria()] == \
                        [(c.ref, c.status, c.coverage, c.counted_records) for c in other.all_criteria()], (name, day)
                    assert (card.score, card.met_share, card.verdict, card.blocking_unmet) == \
                        (other.score, other.met_share, other.verdict, other.blocking_unmet)


def test_the_same_evidence_scores_identically_on_sqlite_and_the_suite_database(run, tmp_path) -> None:
    """The same evidence on SQLite and on the suite's database gives the same JSON, byte for byte."""
    # The Hanoi sample with a mark and a verification, imported into a SQLite workspace and into the suite's database
    # (PostgreSQL when the suite runs against it).
    from click.testing import CliRunner

    from readiness.cli import cli

    def sqlite(*args: str):
        env = {"READINESS_WORKSPACE": str(tmp_path / "sqlite-ws"), "READINESS_USER": "tester"}
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    for invoke in (run, sqlite):
        assert invoke("import", "--sample", "hanoi").exit_code == 0
        assert invoke("evidence", "verify", "HN-0002").exit_code == 0
        why = "Not measured at city level here"
        assert invoke("na", "add", "kflc:1.3.1", "--city", "Hanoi", "--why", why).exit_code == 0
    args = ("score", "--city", "Hanoi", "--as-of", "2025-10-05", "--format", "json")
    assert run(*args).stdout == sqlite(*args).stdout
    every = ("score", "--format", "json", "--as-of", AS_OF)
    assert run(*every).stdout == sqlite(*every).stdout


MINE = """format: 1
id: mine
name: {en: Mine}
version: "1"
sources: [{title: tests}]
languages: [en]
threshold: 0.5
verdict: [{verdict: ready}]
areas:
  - id: M
    title: {en: M}
    criteria:
      - id: "2.6.1"
        title: {en: Our own week}
        evidence: {kinds: [event]}
"""


def test_an_unqualified_criterion_id_is_taken_when_unambiguous(hanoi_ws, settings) -> None:
    """A bare criterion id that names one criterion is taken, by one resolver everywhere."""
    # --explain 2.6.1 and G3.1; so are `na add 1.3.1`, `evidence link ... G3.1` and `evidence list --criterion 2.6.1`.
    for typed, full in (("2.6.1", "kflc:2.6.1"), ("G3.1", "guidelines:G3.1"), ("g3.1", "guidelines:G3.1")):
        result = hanoi_ws("score", "--city", "Hanoi", "--explain", typed, "--as-of", AS_OF)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(full + "  ")
    assert hanoi_ws("na", "add", "1.3.1", "--city", "Hanoi", "--why", "Not relevant for the city at all").exit_code == 0
    assert [m["criterion"] for m in json.loads(hanoi_ws("na", "list", "--format", "json").stdout)] == ["kflc:1.3.1"]
    assert hanoi_ws("na", "remove", "1.3.1", "--city", "Hanoi").exit_code == 0
    linked = hanoi_ws("evidence", "link", "HN-0001", "G3.1", "--why", "The plan sets the week")
    assert linked.exit_code == 0, linked.stderr
    assert "guidelines:G3.1" in hanoi_ws("evidence", "show", "HN-0001").stdout
    listed = json.loads(hanoi_ws("evidence", "list", "--criterion", "2.6.1", "--format", "json").stdout)
    same = json.loads(hanoi_ws("evidence", "list", "--criterion", "kflc:2.6.1", "--format", "json").stdout)
    assert listed == same and listed


def test_an_ambiguous_criterion_id_lists_the_candidates(hanoi_ws, settings, state) -> None:
    """With a workspace framework that also has a 2.6.1, the bare id is refused, naming both."""
    # --framework narrows what is in play and makes it unambiguous again.
    settings.criteria_dir.mkdir(parents=True, exist_ok=True)
    (settings.criteria_dir / "mine.yaml").write_text(MINE, encoding="utf-8")
    before = state()
    for args in (("score", "--city", "Hanoi", "--explain", "2.6.1"),
                 ("evidence", "link", "HN-0001", "2.6.1"),
                 ("na", "add", "2.6.1", "--city", "Hanoi", "--why", "Not relevant for the city at all")):
        result = hanoi_ws(*args)
        assert result.exit_code == 1, args
        assert "'2.6.1' is a criterion" in result.stderr and "kflc:2.6.1, mine:2.6.1" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert state() == before
    narrowed = hanoi_ws("score", "--city", "Hanoi", "--framework", "mine", "--explain", "2.6.1")
    assert narrowed.exit_code == 0 and narrowed.stdout.startswith("mine:2.6.1  Our own week")


def test_score_and_gaps_csv_neutralise_formula_cells(hanoi_ws, settings) -> None:
    """Cells starting with = + - @ get a ' in `score` and `gaps --format csv`; --raw writes them as stored."""
    # Criterion titles, N/A justifications, unit and city names, in every city's view too.
    settings.criteria_dir.mkdir(parents=True, exist_ok=True)
    (settings.criteria_dir / "mine.yaml").write_text(MINE.replace("Our own week", '"=1+1 Our own week"'),
                                                     encoding="utf-8")
    why = "-2+3 the national programme covers it"
    assert hanoi_ws("na", "add", "guidelines:G4.2", "--city", "Hanoi", "--why", why).exit_code == 0
    assert hanoi_ws("unit", "add", "@Evil ward", "--city", "Hanoi", "--kind", "ward").exit_code == 0
    added = hanoi_ws("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "Tuần lễ", "--start",
                     "2025-10", "--unit", "@Evil ward", "--link", "mine:2.6.1")
    assert added.exit_code == 0, added.stderr
    assert hanoi_ws("city", "add", "+Evil City", "--country", "VN", "--code", "EV").exit_code == 0

    def rows(*args: str) -> list[dict[str, str]]:
        result = hanoi_ws(*args, "--format", "csv")
        assert result.exit_code == 0, result.stderr
        return list(csv.DictReader(io.StringIO(result.stdout)))

    score = rows("score", "--city", "Hanoi", "--framework", "guidelines", "--framework", "mine")
    assert next(r for r in score if r["criterion"] == "guidelines:G4.2")["justification"] == "'" + why
    assert next(r for r in score if r["criterion"] == "mine:2.6.1")["title"] == "'=1+1 Our own week"
    gap = next(r for r in rows("gaps", "--city", "Hanoi", "--framework", "mine") if r["criterion"] == "mine:2.6.1")
    assert (gap["title"], gap["units"]) == ("'=1+1 Our own week", "'@Evil ward")
    assert "'+Evil City" in [r["city"] for r in rows("score")]
    for table in (score, rows("gaps", "--city", "Hanoi"), rows("score")):
        assert not any(cell and cell[0] in "=+-@\t\r" for row in table for cell in row.values())
    raw = next(r for r in rows("gaps", "--city", "Hanoi", "--framework", "mine", "--raw")
               if r["criterion"] == "mine:2.6.1")
    assert (raw["title"], raw["units"]) == ("=1+1 Our own week", "@Evil ward")


def test_explain_a_profile_criterion_names_the_fix(hanoi_ws) -> None:
    """--explain on a criterion of the city profile shows each field and the command that sets it."""
    # The field's problem names the city, as the gap does.
    result = hanoi_ws("score", "--city", "Hanoi", "--explain", "gnlc-application:motivation", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("gnlc-application:motivation  ")
    assert result.stdout.count('readiness city set "Hà Nội" motivation ...') == 2  # the field's row and the to-do


def test_an_empty_as_of_is_today_and_french_labels_are_offered(hanoi_ws) -> None:
    """--as-of "" scores as on today (the option's default); --lang fr is one of the labels' languages."""
    import datetime as dt

    data = json.loads(hanoi_ws("score", "--city", "Hanoi", "--as-of", "", "--format", "json").stdout)
    assert data["as_of"] == dt.date.today().isoformat()
    due = json.loads(hanoi_ws("due", "--city", "Hanoi", "--as-of", "", "--format", "json").stdout)
    assert due["as_of"] == dt.date.today().isoformat()
    french = hanoi_ws("score", "--city", "Hanoi", "--lang", "fr", "--framework", "guidelines")
    assert french.exit_code == 0, french.stderr


def test_score_query_check_refuses_before_any_workspace() -> None:
    """ScoreQuery.check: the rules a front end applies before opening a workspace, the library's own."""
    from readiness.errors import InvalidValueError
    from readiness.frameworks.loader import load_catalogue
    from readiness.scoring.report import ScoreQuery

    catalogue = load_catalogue()
    with pytest.raises(InvalidValueError, match="--explain needs --city"):
        ScoreQuery(explain="kflc:2.6.1").check(None)
    with pytest.raises(InvalidValueError, match="--by needs --city"):
        ScoreQuery(by_unit=True).check(None, catalogue)
    with pytest.raises(InvalidValueError, match="kflc has no criterion '9.9.9'"):
        ScoreQuery(explain="kflc:9.9.9").check("Hanoi", catalogue)
    ScoreQuery(explain="G3.1").check("Hanoi", catalogue)
    assert ScoreQuery(explain="G3.1").explained(catalogue) == "guidelines:G3.1"
