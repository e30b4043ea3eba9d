"""Cities, units, profile fields and the audit log, through the command line."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from readiness.store import db


def _snapshot(run) -> tuple[str, str]:
    """The whole visible state of the workspace: cities with profiles and the audit log."""
    cities = run("city", "list", "--format", "json")
    log = run("log", "--format", "json", "--limit", "1000")
    return cities.stdout, log.stdout


@pytest.fixture
def hanoi(run):
    result = run("city", "add", "Hà Nội", "--country", "VN")
    assert result.exit_code == 0, result.stderr
    return run


def test_add_and_list_city(hanoi) -> None:
    """An added city is listed, its name kept as typed (NFC)."""
    result = hanoi("city", "list", "--format", "json")
    [city] = json.loads(result.stdout)
    assert city["name"] == "Hà Nội"
    assert city["country"] == "VN"
    assert "Hà Nội" in hanoi("city", "list").stdout


@pytest.mark.parametrize("typed", ["Hà Nội", "Ha Noi", "hanoi", "HANOI", "ha-noi",
                                   unicodedata.normalize("NFD", "Hà Nội"), "Hà"])
def test_city_name_matches_however_typed(hanoi, typed: str) -> None:
    """NFC or NFD, with or without diacritics, case, spaces or a unique prefix find the city."""
    result = hanoi("city", "show", typed, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "Hà Nội"


def test_nfd_name_is_stored_as_nfc(run) -> None:
    """A name typed in NFD is stored composed, so it renders and sorts right."""
    run("city", "add", unicodedata.normalize("NFD", "Đà Nẵng"), "--country", "VN")
    [city] = json.loads(run("city", "list", "--format", "json").stdout)
    assert city["name"] == unicodedata.normalize("NFC", "Đà Nẵng")


def test_same_name_however_spelt_is_refused(hanoi) -> None:
    """"Ha Noi" cannot be added beside "Hà Nội"; the workspace is unchanged."""
    before = _snapshot(hanoi)
    result = hanoi("city", "add", "Ha Noi", "--country", "VN")
    assert result.exit_code == 1
    assert result.stderr == ("error: a city 'Hà Nội' is already in the workspace; "
                             "names must differ beyond accents and case\n")
    assert _snapshot(hanoi) == before


def test_ambiguous_name_lists_the_candidates(run) -> None:
    """A name matching two cities is refused, naming both."""
    run("city", "add", "Vinh", "--country", "VN")
    run("city", "add", "Vinh Long", "--country", "VN")
    assert run("city", "show", "vinh", "--format", "json").exit_code == 0  # exact wins
    assert run("city", "show", "vin").exit_code == 0  # VIN is Vinh's code
    result = run("city", "show", "vi")
    assert result.exit_code == 1
    assert "matches 2: Vinh, Vinh Long" in result.stderr


def test_unknown_city_says_what_exists(hanoi) -> None:
    """A city that is not there gets a clear message listing the known ones."""
    result = hanoi("city", "show", "Huế")
    assert result.exit_code == 1
    assert result.stderr == "error: no city 'Huế'; known: Hà Nội\n"


@pytest.mark.parametrize("typed", ["TP. Hà Nội", "TP Hà Nội", "tp.ha noi", "Thành phố Hà Nội", "THANH PHO HA NOI",
                                   "Ha Noi city", "City of Hanoi", "HN", "hn"])
def test_city_name_with_its_title_or_its_code(hanoi, typed: str) -> None:
    """"TP. Hà Nội", "Thành phố Hà Nội", "Ha Noi city" and the city's code find the city."""
    result = hanoi("city", "show", typed)
    assert result.exit_code == 0, result.stderr
    assert "Hà Nội" in result.stdout


def test_a_near_miss_offers_did_you_mean(hanoi) -> None:
    """A misspelt city gets "did you mean", from the names folded (marks and case ignored)."""
    for typed in ("Hanoy", "TP. Ha Nọi i", "Thanh pho Hanio"):
        result = hanoi("city", "show", typed)
        assert result.exit_code == 1
        assert result.stderr == f"error: no city named {typed!r}; did you mean Hà Nội?\n"


def test_empty_workspace_tells_how_to_add_a_city(run) -> None:
    """With no city at all, the error says how to add one."""
    result = run("city", "show", "Hanoi")
    assert "readiness city add" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["city", "add", "Huế", "--country", "Vietnam"], "give the two-letter ISO code"),
        (["city", "add", "   ", "--country", "VN"], "city name is empty"),
        (["city", "add", "Hu\u200be", "--country", "VN"], "control or invisible characters"),
        (["city", "add", "x" * 201, "--country", "VN"], "at most 200"),
        (["city", "set", "Hanoi", "population", "8587100"], "needs the year its data is from: add --year"),
        (["city", "set", "Hanoi", "population", "lots", "--year", "2024"], "is not a number"),
        (["city", "set", "Hanoi", "population", "--year", "2024", "--", "-5"], "zero or more"),
        (["city", "set", "Hanoi", "population", "8587100", "--year", "2999"], "is not a year between 1900"),
        (["city", "set", "Hanoi", "challenge.literacy", "6"], "a whole number from 1 to 5"),
        (["city", "set", "Hanoi", "challenge.Lit eracy", "3"], "use lower-case letters"),
        (["city", "set", "Hanoi", "populaton", "1"], "no profile field 'populaton'"),
        (["city", "set", "Hanoi", "language", "vi"], "English or French"),
        (["city", "set", "Hanoi", "website", "javascript:alert(1)"], "must start with http"),
        (["city", "set", "Hanoi", "contact_email", "not-an-address"], "not an e-mail address"),
        (["city", "set", "Hanoi", "motivation", "x", "--lang", "Vietnamese"], "not a language code"),
        (["city", "set", "Hanoi", "motivation"], "give a VALUE, --from-file PATH or --clear"),
        (["city", "set", "Hanoi", "motivation", "Hà Nội", "--year", "2024"], "--year is for figures"),
        (["city", "set", "Hanoi", "population", "5", "--year", "2024", "--lang", "vi"], "--lang is for text fields"),
        (["city", "set", "Hanoi", "motivation", "--from-file", "/nonexistent/m.txt"], "no such file"),
        (["city", "set", "Hanoi", "member_since", "2025"], "member_since: give the day"),
        (["city", "set", "Hanoi", "member_since", "04/12/2030"], "is in the future"),
        (["city", "set", "Hanoi", "endorsed_on", "soon"], "endorsed_on"),
        (["city", "set", "Hanoi", "learning_city_award_year", "2999"], "is not a year between 1900"),
        (["city", "set", "Hanoi", "website", "--clear", "--source", "x"], "--source goes with a value"),
        (["city", "set", "Hanoi", "website", "https://hanoi.gov.vn", "--source", "x" * 501], "at most 500"),
        (["unit", "add", "Phường X", "--city", "Hanoi", "--kind", "village"], "is not one of: ward"),
        (["unit", "add", "Phường X", "--city", "Hanoi", "--kind", "ward", "--parent", "Nowhere"],
         "no unit of Hà Nội 'Nowhere'"),
        (["unit", "add", "Phường X", "--city", "Huế", "--kind", "ward"], "no city 'Huế'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(hanoi, args: list[str], message: str) -> None:
    """Each mistake gets one `error:` line naming the fix, exit 1, and the workspace stays as it was."""
    before = _snapshot(hanoi)
    result = hanoi(*args)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert _snapshot(hanoi) == before


def test_profile_figures_texts_and_ratings(hanoi, tmp_path: Path) -> None:
    """Figures keep their data year, texts their language and word count, ratings their topic."""
    assert hanoi("city", "set", "Ha Noi", "population", "8.587.100", "--year", "2024").exit_code == 0
    assert hanoi("city", "set", "Hanoi", "area_km2", "3359.84", "--year", "2024").exit_code == 0
    assert hanoi("city", "set", "Hanoi", "challenge.literacy", "3").exit_code == 0
    motivation = tmp_path / "motivation.txt"
    motivation.write_text("\ufeff" + unicodedata.normalize("NFD", "Hà Nội xây dựng thành phố học tập"),
                          encoding="utf-8")
    assert hanoi("city", "set", "Hanoi", "motivation", "--from-file", str(motivation), "--lang", "vi").exit_code == 0
    detail = json.loads(hanoi("city", "show", "Hanoi", "--format", "json").stdout)
    assert detail["profile"]["population"] == {"value": 8587100, "year": 2024}
    assert detail["profile"]["area_km2"] == {"value": 3359.84, "year": 2024}
    assert detail["profile"]["challenges"] == {"literacy": 3}
    assert detail["profile"]["motivation"] == {"vi": "Hà Nội xây dựng thành phố học tập"}
    words = {r["field"]: r.get("words") for r in detail["profile_fields"]}
    assert words["motivation"] == 8
    table = hanoi("city", "show", "Hanoi").stdout
    assert "8,587,100 people" in table and "vi, 8 words" in table


def test_text_with_html_is_kept_as_text(hanoi) -> None:
    """Markup in a profile text is stored as typed (escaping is the renderer's job), not dropped."""
    hostile = '<script>alert("x")</script> Hà Nội'
    assert hanoi("city", "set", "Hanoi", "mayor_name", hostile).exit_code == 0
    detail = json.loads(hanoi("city", "show", "Hanoi", "--format", "json").stdout)
    assert detail["profile"]["mayor_name"] == {"en": hostile}


def test_clear_a_field(hanoi) -> None:
    """--clear removes a field's value and the change is logged."""
    hanoi("city", "set", "Hanoi", "website", "https://hanoi.gov.vn")
    assert hanoi("city", "set", "Hanoi", "website", "--clear").exit_code == 0
    detail = json.loads(hanoi("city", "show", "Hanoi", "--format", "json").stdout)
    assert "website" not in detail["profile"]
    actions = [e["action"] for e in json.loads(hanoi("log", "--format", "json").stdout)]
    assert actions[:2] == ["city.clear", "city.set"]


def test_setting_the_same_value_again_logs_nothing(hanoi) -> None:
    """Only real changes reach the audit log."""
    hanoi("city", "set", "Hanoi", "challenge.literacy", "3")
    hanoi("city", "set", "Hanoi", "challenge.literacy", "3")
    hanoi("city", "set", "Hanoi", "website", "--clear")
    actions = [e["action"] for e in json.loads(hanoi("log", "--format", "json").stdout)]
    assert actions == ["city.set", "city.add"]


def test_units_nest_at_any_depth(hanoi) -> None:
    """Units sit under the city or under other units, as deep as a city needs."""
    assert hanoi("unit", "add", "Sở Giáo dục và Đào tạo", "--city", "Hanoi", "--kind", "agency").exit_code == 0
    assert hanoi("unit", "add", "Phòng Giáo dục thường xuyên", "--city", "Hanoi", "--kind", "agency",
                 "--parent", "So Giao duc").exit_code == 0
    assert hanoi("unit", "add", "Tổ công tác học tập", "--city", "Hanoi", "--kind", "other",
                 "--parent", "Phong Giao duc thuong xuyen").exit_code == 0
    assert hanoi("unit", "add", "Phường Hoàn Kiếm", "--city", "Hanoi", "--kind", "ward").exit_code == 0
    tree = json.loads(hanoi("unit", "list", "--city", "Hà Nội", "--format", "json").stdout)
    assert [u["name"] for u in tree] == ["Phường Hoàn Kiếm", "Sở Giáo dục và Đào tạo"]
    deepest = tree[1]["units"][0]["units"][0]
    assert deepest["name"] == "Tổ công tác học tập"
    text = hanoi("unit", "list", "--city", "Hanoi").stdout
    assert "      Tổ công tác học tập (other)" in text


def test_same_unit_name_twice_under_one_parent_is_refused(hanoi) -> None:
    """Two units of one name under the same parent would be indistinguishable."""
    hanoi("unit", "add", "Phường Hoàn Kiếm", "--city", "Hanoi", "--kind", "ward")
    result = hanoi("unit", "add", "Phuong Hoan Kiem", "--city", "Hanoi", "--kind", "ward")
    assert result.exit_code == 1
    assert "already at the top of Hà Nội" in result.stderr


def test_every_change_is_in_the_audit_log_with_before_and_after(hanoi) -> None:
    """Who, what, and the row before and after, newest first."""
    hanoi("city", "set", "Hanoi", "population", "8587100", "--year", "2024")
    events = json.loads(hanoi("log", "--city", "ha noi", "--format", "json").stdout)
    assert [e["action"] for e in events] == ["city.set", "city.add"]
    assert all(e["actor"] == "tester" for e in events)
    assert events[1]["before"] is None and events[1]["after"]["name"] == "Hà Nội"
    assert events[0]["before"]["profile"] == {}
    assert events[0]["after"]["profile"]["population"]["value"] == 8587100
    assert "city.set" in hanoi("log").stdout


def test_workspace_command_describes_the_workspace(hanoi, settings) -> None:
    """`readiness workspace` says where things are and how much is there."""
    info = json.loads(hanoi("workspace", "--format", "json").stdout)
    assert info["workspace"] == str(settings.workspace)
    assert info["schema revision"] == db.HEAD_REVISION
    assert info["cities"] == 1
    assert info["database"] == settings.describe_database()


def _store_profile(settings, profile: dict) -> None:
    """Put a profile in the database as an import before profile checks did, bypassing `city set`."""
    from sqlmodel import select

    from readiness.store.db import open_workspace
    from readiness.store.models import City

    with open_workspace(settings) as ws, ws.session() as session:
        city = session.exec(select(City)).one()
        city.profile = profile
        session.add(city)


def test_a_bad_stored_profile_is_shown_as_invalid_and_cleared_field_by_field(hanoi, settings) -> None:
    """A workspace holding a broken profile: `city show` marks each bad value invalid, score runs, --clear repairs."""
    _store_profile(settings, {"population": "abc", "challenges": {"literacy": 99, "numeracy": 3},
                              "motivation": "not a mapping", "colour": "red",
                              "area_km2": {"value": 3359.84, "year": 2024}})
    shown = hanoi("city", "show", "Hanoi")
    assert shown.exit_code == 0, shown.stderr
    assert "invalid: 'abc'" in shown.stdout and "area_km2" in shown.stdout
    rows = {r["field"]: r
            for r in json.loads(hanoi("city", "show", "Hanoi", "--format", "json").stdout)["profile_fields"]}
    assert set(rows["population"]) >= {"invalid"} and "1 to 5" in rows["challenges"]["invalid"]
    assert rows["area_km2"]["value"] == 3359.84 and "invalid" not in rows["area_km2"]
    for args in (["score", "--city", "Hanoi"], ["score"]):
        result = hanoi(*args)
        assert result.exit_code == 0, result.stderr
    for field in ("population", "challenge.literacy", "motivation", "colour"):
        result = hanoi("city", "set", "Hanoi", field, "--clear")
        assert result.exit_code == 0, (field, result.stderr)
    profile = json.loads(hanoi("city", "show", "Hanoi", "--format", "json").stdout)["profile"]
    assert profile == {"challenges": {"numeracy": 3}, "area_km2": {"value": 3359.84, "year": 2024}}


def test_setting_a_field_over_a_bad_stored_value_replaces_it(hanoi, settings) -> None:
    """A rating or a text set where a broken value sits replaces that value instead of crashing."""
    _store_profile(settings, {"challenges": ["literacy"], "motivation": "plain"})
    assert hanoi("city", "set", "Hanoi", "challenge.literacy", "4").exit_code == 0
    assert hanoi("city", "set", "Hanoi", "motivation", "Học tập suốt đời", "--lang", "vi").exit_code == 0
    profile = json.loads(hanoi("city", "show", "Hanoi", "--format", "json").stdout)["profile"]
    assert profile == {"challenges": {"literacy": 4}, "motivation": {"vi": "Học tập suốt đời"}}


def test_the_acting_person_is_who_the_audit_log_names(ws) -> None:
    """A use case records the actor it is given, not the machine's user, and a query takes one too."""
    from readiness.access import Actor
    from readiness.cities import add_city, add_unit, audit_log, list_cities

    add_city(ws, Actor("Lan"), "Huế", "VN")
    add_unit(ws, Actor("Minh"), "Huế", "Phường Phú Hội", "phường")
    events = audit_log(ws, Actor("someone else"))
    assert [(e.actor, e.action) for e in events] == [("Minh", "unit.add"), ("Lan", "city.add")]
    assert [c.name for c in list_cities(ws, Actor("someone else"))] == ["Huế"]


def test_every_workspace_use_case_resolves_and_takes_the_acting_person_second() -> None:
    """api.USE_CASES for the workspace's nouns names real functions, each called as (ws, actor, ...)."""
    import inspect

    from readiness import api

    nouns = ("readiness.cities", "readiness.evidence", "readiness.applicability", "readiness.store.check")
    names = [n for n, module in api.USE_CASES.items() if module in nouns] + ["describe_workspace", "draft_document"]
    assert len(names) > 20
    for name in names:
        assert list(inspect.signature(getattr(api, name)).parameters)[:2] == ["ws", "actor"], name


def test_json_of_cities_and_the_log_does_not_depend_on_the_hash_seed(run, settings) -> None:
    """`city list`, `city show` and `log` as JSON: the same bytes, keys in the table's order, in any run."""
    import os
    import subprocess
    import sys

    assert run("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    assert run("unit", "add", "Phường Hàng Trống", "--city", "HN", "--kind", "ward").exit_code == 0
    assert run("city", "set", "HN", "population", "8587100", "--year", "2024").exit_code == 0
    env = {**os.environ, "READINESS_WORKSPACE": str(settings.workspace)}
    if not settings.is_sqlite:
        env["READINESS_DATABASE_URL"] = settings.database_url
    for args in (["city", "list"], ["city", "show", "HN"], ["log"]):
        runs = [subprocess.run([sys.executable, "-m", "readiness", *args, "--format", "json"], capture_output=True,
                               text=True, env={**env, "PYTHONHASHSEED": seed}, check=True).stdout
                for seed in ("1", "2", "3", "4")]
        assert runs[0] == runs[1] == runs[2] == runs[3], args
    listed = json.loads(subprocess.run([sys.executable, "-m", "readiness", "city", "list", "--format", "json"],
                                       capture_output=True, text=True, env=env, check=True).stdout)
    assert list(listed[0])[:4] == ["id", "name", "code", "country"]


def test_membership_and_application_dates_with_their_sources(hanoi) -> None:
    """Dates are read day first and kept ISO; each fact may carry its source; clearing drops the source too."""
    url = "https://www.vietnamplus.vn/ha-noi-duoc-cong-nhan-post1081239.vnp"
    assert hanoi("city", "set", "Hanoi", "member_since", "04/12/2025", "--source", url).exit_code == 0
    assert hanoi("city", "set", "Hanoi", "sent_to_national_commission", "ngày 20 tháng 5 năm 2025").exit_code == 0
    assert hanoi("city", "set", "Hanoi", "learning_city_award_year", "2019").exit_code == 0
    assert hanoi("city", "set", "Hanoi", "population", "8435700", "--year", "2022",
                 "--source", "General Statistics Office").exit_code == 0
    detail = json.loads(hanoi("city", "show", "Hanoi", "--format", "json").stdout)
    profile = detail["profile"]
    assert profile["member_since"] == "2025-12-04" and profile["sent_to_national_commission"] == "2025-05-20"
    assert profile["learning_city_award_year"] == 2019
    assert profile["sources"] == {"member_since": url, "population": "General Statistics Office"}
    rows = {r["field"]: r for r in detail["profile_fields"]}
    assert rows["member_since"]["source"] == url and "source" not in rows["learning_city_award_year"]
    assert "endorsed_on" in detail["profile_not_set"] and "member_since" not in detail["profile_not_set"]
    table = hanoi("city", "show", "Hanoi").stdout
    assert "SOURCE" in table and "General Statistics Office" in table
    assert "not set (no source gives them yet): " in table and "endorsed_on" in table
    assert hanoi("city", "set", "Hanoi", "member_since", "--clear").exit_code == 0
    profile = json.loads(hanoi("city", "show", "Hanoi", "--format", "json").stdout)["profile"]
    assert "member_since" not in profile and profile["sources"] == {"population": "General Statistics Office"}


def test_the_hanoi_sample_profile_holds_only_sourced_facts(run) -> None:
    """The sample's profile: population and area with their year, the website, member since 4 Dec 2025,
    each with its source; the rest of the form stays empty."""
    assert run("import", "--sample", "hanoi").exit_code == 0
    detail = json.loads(run("city", "show", "Hanoi", "--format", "json").stdout)
    profile = detail["profile"]
    assert profile["population"] == {"value": 8435700, "year": 2022}
    assert profile["area_km2"] == {"value": 3359.82, "year": 2022}
    assert profile["website"] == {"en": "https://hanoi.gov.vn"} and profile["member_since"] == "2025-12-04"
    facts = {"population", "area_km2", "website", "member_since"}
    assert set(profile) == facts | {"sources"}
    assert set(profile["sources"]) == facts and all("https://" in s for s in profile["sources"].values())
    assert {"mayor_name", "contact_email", "gdp_per_capita_city_usd", "motivation", "challenges",
            "sent_to_national_commission", "endorsed_on"} <= set(detail["profile_not_set"])
