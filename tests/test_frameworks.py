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
