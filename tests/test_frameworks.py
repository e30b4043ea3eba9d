"""The bundled frameworks and the framework schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from readiness.errors import UnknownFrameworkError
from readiness.frameworks import loader, schema
from readiness.frameworks.catalogue import Catalogue
from readiness.frameworks.schema import EvidenceKind, ProfileCheck, Verdict

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return loader.load_catalogue()


def test_four_frameworks_are_bundled(catalogue: Catalogue) -> None:
    """The bundled catalogue holds exactly the four frameworks the issue names."""
    assert sorted(catalogue.ids()) == ["gnlc-application", "guidelines", "kflc", "learning-city-award"]
    assert all(entry.origin == "bundled" for entry in catalogue)


def test_kflc_has_three_groups_and_twelve_areas(catalogue: Catalogue) -> None:
    """KFLC: 3 groups, 12 areas under them, about 42 features; wording marked draft."""
    kflc = catalogue.get("kflc")
    assert [a.id for a in kflc.areas] == ["1", "2", "3"]
    assert [a.id for a in kflc.leaf_areas()] == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3"
    ]
    assert 40 <= len(kflc.criteria) <= 45
    assert kflc.status == "draft"
    assert all(c.status == "draft" for c in kflc.criteria.values())
    assert kflc.criteria["2.6.1"].title.get("vi") == "Sự kiện công cộng tôn vinh học tập"
    assert kflc.area_of("2.6.1").id == "2.6"
    assert any(i.id == "adult-literacy-rate" for i in kflc.criteria["1.1.1"].indicators)


def test_every_bundled_text_has_english_and_vietnamese(catalogue: Catalogue) -> None:
    """Every title and guidance of the bundled frameworks exists in both languages."""
    for entry in catalogue:
        fw = entry.framework
        assert set(fw.name.languages()) == {"en", "vi"}
        for area in fw.all_areas():
            assert set(area.title.languages()) == {"en", "vi"}, (fw.id, area.id)
        for crit in fw.criteria.values():
            assert set(crit.title.languages()) == {"en", "vi"}, (fw.id, crit.id)
            if crit.guidance is not None:
                assert set(crit.guidance.languages()) == {"en", "vi"}, (fw.id, crit.id)


def test_guidelines_has_six_areas_with_crosswalks_into_kflc(catalogue: Catalogue) -> None:
    """G1-G6, each with criteria that map to KFLC criteria that exist."""
    guidelines = catalogue.get("guidelines")
    assert [a.id for a in guidelines.leaf_areas()] == ["G1", "G2", "G3", "G4", "G5", "G6"]
    for crit in guidelines.criteria.values():
        assert crit.maps_to, crit.id
        assert all(ref.startswith("kflc:") and catalogue.resolve(ref) for ref in crit.maps_to)
    assert guidelines.criteria["G1.1"].blocking
    assert guidelines.criteria["G3.1"].evidence.kinds == (EvidenceKind.EVENT,)


def test_application_form_mixes_profile_facts_and_evidence(catalogue: Catalogue) -> None:
    """The form's texts are profile criteria with 200-word limits; pledge and endorsement are letters."""
    form = catalogue.get("gnlc-application")
    motivation = form.criteria["motivation"].profile
    assert motivation.check is ProfileCheck.TEXT and motivation.max_words == 200
    assert form.criteria["implementation"].profile.max_words == 200
    assert form.criteria["challenges"].profile.check is ProfileCheck.RATINGS
    assert form.criteria["population"].profile.check is ProfileCheck.FIGURE
    for letter in ("pledge", "endorsement"):
        ev = form.criteria[letter].evidence
        assert ev.kinds == (EvidenceKind.LETTER,) and ev.file_required and ev.verified_required
    # the pledge blocks; the endorsement comes after the city has sent the form, so it cannot
    assert form.criteria["pledge"].blocking and form.criteria["pledge"].applies_after is None
    assert not form.criteria["endorsement"].blocking
    assert form.criteria["endorsement"].applies_after == "sent_to_national_commission"


def test_framework_vocabulary_is_in_the_files(catalogue: Catalogue) -> None:
    """The framework vocabulary is read from the files: keywords, letters, default suggestions, challenge topics."""
    # Keywords on every KFLC and Guidelines area in both languages, the letters the dossier lists, the frameworks
    # suggested by default and the challenge topics.
    for fw_id in ("kflc", "guidelines"):
        for area in catalogue.get(fw_id).leaf_areas():
            assert area.keywords is not None and set(area.keywords.languages()) == {"en", "vi"}, area.id
    week = next(a for a in catalogue.get("kflc").leaf_areas() if a.id == "2.6")
    assert "tuần lễ hưởng ứng học tập suốt đời" in week.keywords.root["vi"]
    assert catalogue.suggested() == ("kflc", "guidelines")
    assert catalogue.letters("gnlc-application") == ["pledge", "endorsement"]
    assert [fw for fw in catalogue.ids() if catalogue.letters(fw)] == ["gnlc-application", "learning-city-award"]
    assert catalogue.letters("learning-city-award") == ["N.1", "N.2"]
    assert catalogue.letters("no-such-framework") == []
    assert catalogue.rating_topics("challenges")[:2] == ["sustainable-development", "equity-inclusion"]
    assert len(catalogue.rating_topics("challenges")) == 7
    assert catalogue.rating_topics("motivation") == []


def test_a_citys_framework_carries_its_own_vocabulary(tmp_path: Path) -> None:
    """A city's framework may mark itself suggested, give keywords per language and mark letters."""
    # Keywords on areas and criteria; the catalogue puts it after the bundled ones by its number.
    text = (DATA / "good" / "hanoi-own.yaml").read_text(encoding="utf-8")
    text = text.replace("unverified_weight: 0.25\n", "unverified_weight: 0.25\nsuggest: 3\n")
    text = text.replace("    criteria:\n      - id: HN1.1\n",
                        "    keywords: {vi: [tuần lễ học tập], fr: [semaine]}\n    criteria:\n      - id: HN1.1\n"
                        "        keywords:\n          en: [ward week]\n")
    text = text.replace("evidence: {kinds: [event, report], min_count: 2",
                        "letter: true\n        evidence: {kinds: [letter, report], min_count: 2")
    (tmp_path / "hanoi-own.yaml").write_text(text, encoding="utf-8")
    catalogue = loader.load_catalogue(extra_dirs=[tmp_path])
    own = catalogue.get("hanoi-own")
    assert own.suggest == 3 and catalogue.suggested() == ("kflc", "guidelines", "hanoi-own")
    assert own.areas[0].keywords.words() == ["tuần lễ học tập", "semaine"]
    assert own.criteria["HN1.1"].keywords.root == {"en": ("ward week",)}
    assert catalogue.letters("hanoi-own") == ["HN1.1"]
    # a framework that says nothing keeps the defaults it had
    plain = loader.load_file(DATA / "good" / "hanoi-own.yaml").framework
    assert plain.suggest is None and plain.letters() == [] and plain.areas[0].keywords is None


def test_award_has_the_eight_2024_criteria(catalogue: Catalogue) -> None:
    """The Learning City Award framework has one area per 2024 criterion."""
    award = catalogue.get("learning-city-award")
    assert [a.id for a in award.leaf_areas()] == [f"A{n}" for n in range(1, 9)] + ["N"]
    # the nomination file: the mayor-signed form and the consent form, both required
    assert all(award.criteria[c].blocking and award.criteria[c].letter for c in ("N.1", "N.2"))
    rules = award.eligibility
    assert rules is not None and rules.member_more_than_months == 12 and rules.past_winner_wait_years == 6
    assert rules.evidence_since_membership
    assert "up to two" in rules.notes[0].get("en") and "tối đa hai" in rules.notes[0].get("vi")


def test_models_are_immutable(catalogue: Catalogue) -> None:
    """Nothing can change a loaded framework."""
    kflc = catalogue.get("kflc")
    with pytest.raises(ValidationError):
        kflc.threshold = 0.1  # type: ignore[misc]
    with pytest.raises(ValidationError):
        kflc.criteria["2.6.1"].weight = 5  # type: ignore[misc]
    assert isinstance(kflc.areas, tuple)


def test_unknown_framework_names_the_known_ones(catalogue: Catalogue) -> None:
    """Asking for a framework that does not exist lists those that do."""
    with pytest.raises(UnknownFrameworkError, match="known: .*kflc"):
        catalogue.get("kflcc")


def test_text_falls_back_to_another_language() -> None:
    """A missing translation falls back to the asked fallback, then English, then any."""
    text = schema.Text({"vi": "Kế hoạch", "fr": "Plan"})
    assert text.get("vi") == "Kế hoạch"
    assert text.get("en", "fr") == "Plan"
    assert text.get("de") == "Kế hoạch"


def test_a_users_framework_in_three_languages_loads() -> None:
    """A city's own framework with French and a crosswalk into KFLC is sound."""
    check = loader.validate_frameworks([DATA / "good" / "hanoi-own.yaml"])
    frameworks, problems = check.frameworks, check.problems
    assert problems == []
    [fw] = frameworks
    assert fw.languages == ("en", "vi", "fr")
    assert fw.name.get("fr").startswith("Liste")


def test_new_version_keeps_links_whose_ids_exist_and_reports_the_rest(catalogue: Catalogue) -> None:
    """Evidence links to ids that a new version dropped are reported, never silently lost."""
    check = catalogue.get("kflc").reconcile(["2.6.1", "9.9", "3.1.2", "2.7.4"])
    assert check.kept == ["2.6.1", "3.1.2"]
    assert check.gone == ["9.9", "2.7.4"]


@pytest.mark.parametrize(
    ("blocking_unmet", "score", "met_share", "expected"),
    [
        (True, 1.0, 1.0, Verdict.NOT_READY),  # a blocking gap beats a perfect score
        (False, 0.8, 0.5, Verdict.READY),  # exactly at the threshold and the met share
        (False, 0.8, 0.49, Verdict.READY_WITH_GAPS),  # met share just short
        (False, 0.79, 1.0, Verdict.READY_WITH_GAPS),  # score just short
        (False, None, None, Verdict.READY_WITH_GAPS),  # "no score" never matches a score rule
    ],
)
def test_verdict_rules_from_the_file(blocking_unmet: bool, score: float | None, met_share: float | None,
                                     expected: Verdict) -> None:
    """The verdict follows the file's rules, first match wins (threshold 0.8, met share 0.5)."""
    fw = loader.load_file(DATA / "good" / "hanoi-own.yaml").framework
    assert fw is not None
    assert fw.decide(blocking_unmet=blocking_unmet, score=score, met_share=met_share) is expected


def test_workspace_framework_replaces_bundled_one_with_same_id(tmp_path: Path) -> None:
    """A newer kflc in the workspace's criteria folder is used instead of the bundled one."""
    folder = tmp_path / "criteria"
    folder.mkdir()
    from readiness.resources import bundled

    text = (bundled("criteria") / "kflc.yaml").read_text(encoding="utf-8")
    (folder / "kflc.yaml").write_text(text.replace('version: "2013-draft.2"', 'version: "2026.1"'), encoding="utf-8")
    catalogue = loader.load_catalogue(folder)
    assert catalogue.get("kflc").version == "2026.1"
    assert catalogue.entries["kflc"].origin == "workspace"
    # the guidelines' crosswalks now resolve against the workspace's copy
    assert catalogue.resolve("kflc:2.6.1") is not None


# ---------------------------------------------------------------------------------------------
# The bundled frameworks against UNESCO's public texts (issue 17)


def test_kflc_holds_the_42_features_the_sources_count(catalogue: Catalogue) -> None:
    """42 features, split per area as the file's header says (10 + 22 + 10), all draft; 1.2.2 retired."""
    kflc = catalogue.get("kflc")
    per_area = {a.id: len(a.criteria) for a in kflc.leaf_areas()}
    assert per_area == {"1.1": 4, "1.2": 3, "1.3": 3, "2.1": 4, "2.2": 4, "2.3": 4, "2.4": 3, "2.5": 4,
                        "2.6": 3, "3.1": 3, "3.2": 2, "3.3": 5}
    assert sum(per_area.values()) == len(kflc.criteria) == 42
    groups = {g.id: sum(len(a.criteria) for a in g.areas) for g in kflc.areas}
    assert groups == {"1": 10, "2": 22, "3": 10}
    # the retired id is not reused: a link to it is reported, not moved to another feature
    assert "1.2.2" not in kflc.criteria and kflc.reconcile(["1.2.2", "1.2.3"]).gone == ["1.2.2"]
    assert kflc.status == "draft" and all(c.status == "draft" for c in kflc.criteria.values())
    assert any("Beijing" in s.title and s.year == 2014 for s in kflc.sources)


def test_kflc_indicators_are_our_own_proxies_with_units(catalogue: Catalogue) -> None:
    """The twelve indicators are marked own, each with a unit."""
    indicators = [i for c in catalogue.get("kflc").criteria.values() for i in c.indicators]
    assert len(indicators) == 12
    assert all(i.own and i.unit for i in indicators)
    assert {i.unit for i in indicators} == {"%", "per 10,000 residents", "events", "people", "partnerships"}


def test_vietnamese_names_follow_the_official_usage(catalogue: Catalogue) -> None:
    """One Vietnamese name for KFLC, and the wording fixes: việc xây dựng, khơi dậy sức sống, mầm non."""
    kflc = catalogue.get("kflc")
    name = "Các đặc trưng cơ bản của Thành phố Học tập"
    assert kflc.name.get("vi") == name
    titles = {a.id: a.title.get("vi") for a in kflc.all_areas()}
    assert titles["1"] == "Lợi ích rộng lớn của việc xây dựng thành phố học tập"
    assert titles["2.2"].startswith("Khơi dậy sức sống học tập") and "Đổi mới" not in titles["2.2"]
    assert kflc.criteria["2.1.1"].title.get("vi") == "Chăm sóc và giáo dục mầm non"
    # wherever another framework names the Key Features in Vietnamese, it uses the same name
    pledge = catalogue.get("gnlc-application").criteria["pledge"].guidance
    assert pledge is not None and name in pledge.get("vi") and "đặc trưng chính" not in pledge.get("vi")


def test_guidelines_are_a_publication_of_their_own(catalogue: Catalogue) -> None:
    """The Guidelines (UIL 2015) are not part of the Guiding Documents; G1 is a plan for becoming a learning city."""
    guidelines = catalogue.get("guidelines")
    assert guidelines.areas[0].title.get("en") == "Develop a plan for becoming a learning city"
    note = guidelines.sources[0].note or ""
    assert "not part of the GNLC Guiding Documents" in note and guidelines.sources[0].year == 2015
    assert guidelines.own_thresholds
    g31 = guidelines.criteria["G3.1"]
    assert "our threshold, not UNESCO's" in g31.guidance.get("en")
    assert "không phải của UNESCO" in g31.guidance.get("vi")


def test_application_form_does_not_overstate_what_we_checked(catalogue: Catalogue) -> None:
    """The form's version names the undated copy; the motivation item asks for the social context;
    the challenge topics are draft and titled in both languages."""
    form = catalogue.get("gnlc-application")
    assert form.version == "undated-copy.1" and "2025" not in form.version
    assert form.criteria["motivation"].title.get("en").startswith(
        "Social context and motivation for becoming a learning city")
    challenges = form.criteria["challenges"]
    assert challenges.status == "draft" and challenges.profile is not None
    assert all(t.title is not None and set(t.title.languages()) == {"en", "vi"} for t in challenges.profile.topics)
    assert catalogue.topic_label("challenges", "sustainable-development", "vi") == "Giáo dục vì phát triển bền vững"
    assert catalogue.topic_label("challenges", "literacy", "en") == "Literacy"
    assert catalogue.topic_label("challenges", "not-a-topic", "vi") == "not-a-topic"
    # the verdicts in the form's words
    labels = {rule.verdict.value: rule.label.get("en") for rule in form.verdict if rule.label is not None}
    assert labels["ready"] == "ready to send to the National Commission"
    assert [r.verdict.value for r in form.verdict][:3] == ["member", "endorsed", "sent"]
    assert all(catalogue.get(fw).own_thresholds for fw in catalogue.ids())


def test_topics_may_be_bare_ids_or_titled(tmp_path: Path) -> None:
    """A ratings criterion's topics: a bare id keeps working, a titled one gives its title; titles obey `languages:`."""
    profile = {"fields": ["challenges"], "check": "ratings",
               "topics": ["literacy", {"id": "health", "title": {"en": "Health", "vi": "Sức khỏe"}}]}
    req = schema.ProfileRequirement.model_validate(profile)
    assert req.topic_ids == ("literacy", "health")
    assert [t.label("vi") for t in req.topics] == ["literacy", "Sức khỏe"]
    text = (DATA / "good" / "hanoi-own.yaml").read_text(encoding="utf-8")
    text += ("      - id: HN2.2\n        title: {en: Challenges, vi: Thách thức}\n        profile:\n"
             "          fields: [challenges]\n          check: ratings\n"
             "          topics: [literacy, {id: health, title: {en: Health, de: Gesundheit}}]\n")
    path = tmp_path / "own.yaml"
    path.write_text(text, encoding="utf-8")
    problems = loader.load_file(path).problems
    assert [p.field for p in problems] == ["areas[1].criteria[1].profile.topics[1].title.de"]


@pytest.mark.parametrize(("snippet", "message"), [
    ("applies_after: population", "'population' is not a profile date"),
    ("applies_after: member_snice", "'member_snice' is not a profile date"),
])
def test_applies_after_must_name_a_profile_date(tmp_path: Path, snippet: str, message: str) -> None:
    """`applies_after:` waits for a date of the profile; anything else is a problem with its line."""
    text = (DATA / "good" / "hanoi-own.yaml").read_text(encoding="utf-8")
    text = text.replace("        weight: 2\n", f"        weight: 2\n        {snippet}\n", 1)
    path = tmp_path / "own.yaml"
    path.write_text(text, encoding="utf-8")
    result = loader.load_file(path)
    assert result.framework is None or result.problems
    assert any(message in p.message and p.field.endswith("applies_after") for p in result.problems)


def test_verdict_rules_may_wait_for_profile_dates_and_carry_labels(tmp_path: Path) -> None:
    """`profile_set` names profile dates; a label must use the framework's languages."""
    text = (DATA / "good" / "hanoi-own.yaml").read_text(encoding="utf-8")
    text = text.replace("verdict:\n", "verdict:\n  - verdict: sent\n    when: {profile_set: [website]}\n"
                        "    label: {de: gesendet}\n", 1)
    path = tmp_path / "own.yaml"
    path.write_text(text, encoding="utf-8")
    problems = loader.load_file(path).problems
    assert any("'website' is not a profile date" in p.message for p in problems)
    assert any("language 'de' is not in `languages:`" in p.message for p in problems)


def test_eligibility_rules_hold_for_the_award(catalogue: Catalogue) -> None:
    """Decide applies profile_set: the same score gives different verdicts as the dates are set."""
    form = catalogue.get("gnlc-application")
    args = {"blocking_unmet": False, "score": 1.0, "met_share": 1.0}
    assert form.decide(**args) is Verdict.READY
    assert form.decide(**args, profile={"sent_to_national_commission": "2025-05-20"}) is Verdict.SENT
    assert form.decide(**args, profile={"member_since": "2025-12-04"}) is Verdict.MEMBER
    assert form.decide(blocking_unmet=True, score=0.2, met_share=0.1) is Verdict.NOT_READY
