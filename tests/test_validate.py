"""`readiness criteria validate`: every broken framework gets one clear line, file and line named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

BROKEN = Path(__file__).parent / "data" / "broken"
GOOD = Path(__file__).parent / "data" / "good"

#: file -> (line, the line's text after "FILE:LINE: "), checked by hand against each file.
EXPECTED = {
    "01-broken-yaml": (16, "broken YAML: did not find expected ',' or '}'"),
    "02-unknown-top-key": (9, "threshhold: unknown key"),
    "03-typo-in-criterion-key": (19, "areas[0].criteria[0].wieght: unknown key"),
    "04-weight-zero": (19, "areas[0].criteria[0].weight: must be greater than 0"),
    "05-area-weight-negative": (16, "areas[0].weight: must be greater than 0"),
    "06-weight-not-a-number": (19, "areas[0].criteria[0].weight: must be a number"),
    "07-duplicate-criterion-id": (22, "areas[0].criteria[1].id: duplicate area or criterion id 'A1' "
                                      "(first on line 17)"),
    "08-unknown-evidence-kind": (20, "areas[0].criteria[0].evidence.kinds[1]: 'festival' is not one of"),
    "09-crosswalk-missing-criterion": (21, "areas[0].criteria[0].maps_to[0]: crosswalk to 'kflc:9.9.9': "
                                           "framework 'kflc' has no criterion '9.9.9'"),
    "10-crosswalk-unknown-framework": (21, "areas[0].criteria[0].maps_to[0]: no framework 'nosuch'"),
    "11-missing-id": (1, "id: required"),
    "12-evidence-and-profile": (17, "areas[0].criteria[0]: give exactly one of `evidence:`"),
    "13-neither-evidence-nor-profile": (17, "areas[0].criteria[0]: give exactly one of `evidence:`"),
    "14-unknown-profile-field": (20, "areas[0].criteria[0].profile.fields[0]: no profile field 'populaton'"),
    "15-threshold-above-one": (8, "threshold: must be 1.0 or less"),
    "16-last-verdict-rule-has-when": (12, "verdict[1]: the last verdict rule must have no `when:`"),
    "17-duplicate-yaml-key": (8, "languages: duplicate key (first on line 7)"),
    "18-language-not-declared": (18, "areas[0].criteria[0].title.vi: language 'vi' is not in `languages:` (en)"),
    "19-unquoted-version": (4, "version: must be text (put numbers such as 1.10 in quotes"),
    "20-comma-splits-text": (18, "areas[0].criteria[0].title: a comma inside {en: ..., vi: ...} cut the text "
                                 "before 'most important criterion': put each text in quotes"),
    "21-empty-file": (1, "the file is empty"),
    "22-list-not-mapping": (1, "the file is a list, not a mapping of keys"),
    "23-id-with-space": (17, "areas[0].criteria[0].id: 'A 1' is not a valid id"),
    "24-empty-area": (22, "areas[1]: an area needs `criteria:` or `areas:`"),
    "25-min-count-zero": (20, "areas[0].criteria[0].evidence.min_count: must be 1 or more"),
    "26-ratings-without-topics": (20, "areas[0].criteria[0].profile.check: `check: ratings` needs `topics:`"),
    "27-tab-indentation": (17, "broken YAML: found character that cannot start any token"),
    "28-not-utf8": (16, "is not UTF-8 text; save the file as UTF-8"),
    "29-alias-bomb": (1, "expands to more than 1,000,000 values through aliases"),
    "30-maps-to-itself": (21, "areas[0].criteria[0].maps_to[0]: a criterion cannot map to itself"),
    "31-huge-integer": (8, "broken YAML: a number of 5,000 digits; at most 4,300"),
    "32-keywords-not-a-list": (17, "areas[0].keywords.en: must be a list"),
    "33-keywords-language-not-declared": (21, "areas[0].criteria[0].keywords.vi: language 'vi' is not in "
                                              "`languages:` (en)"),
    "34-letter-not-met-by-letters": (20, "areas[0].criteria[0].letter: a letter is met by records of kind letter: "
                                         "give `evidence: {kinds: [letter], ...}`"),
}


def test_corpus_is_complete() -> None:
    """At least 15 broken files, and each has its expectation written down."""
    names = sorted(p.stem for p in BROKEN.glob("*.yaml"))
    assert names == sorted(EXPECTED)
    assert len(names) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_framework_gets_one_line_naming_file_and_line(run, name: str) -> None:
    """Exactly one problem line, FILE:LINE: FIELD: MESSAGE, exit 1, no traceback, nothing on stdout."""
    path = BROKEN / f"{name}.yaml"
    result = run("criteria", "validate", str(path))
    line, text = EXPECTED[name]
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:{line}: {text}"), lines[0]


def test_every_problem_of_a_file_is_reported_at_once(run, tmp_path: Path) -> None:
    """Three mistakes in one file give three lines, in line order."""
    text = (BROKEN / "04-weight-zero.yaml").read_text(encoding="utf-8")
    text = text.replace("threshold: 0.5", "threshold: 2").replace("kinds: [event]", "kinds: [gala]")
    path = tmp_path / "three.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("criteria", "validate", str(path))
    assert result.exit_code == 1
    *lines, count = result.stderr.splitlines()
    assert [line.split(":")[1] for line in lines] == ["8", "19", "20"]
    assert count == "3 problems"


def test_several_files_and_folders_are_checked_together(run, tmp_path: Path) -> None:
    """A folder is expanded to its YAML files; good ones pass, broken ones are reported."""
    shutil.copy(GOOD / "hanoi-own.yaml", tmp_path / "a.yaml")
    shutil.copy(BROKEN / "04-weight-zero.yaml", tmp_path / "b.yaml")
    result = run("criteria", "validate", str(tmp_path))
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [str(tmp_path / "b.yaml")]


def test_good_framework_passes(run) -> None:
    """A sound file exits 0 and says what it holds."""
    result = run("criteria", "validate", str(GOOD / "hanoi-own.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "ok: hanoi-own 2025.1: 2 areas, 2 criteria" in result.stderr


def test_crosswalk_may_point_at_another_file_being_checked(run, tmp_path: Path) -> None:
    """Two user frameworks that map to each other validate together."""
    own = (GOOD / "hanoi-own.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(own, encoding="utf-8")
    other = own.replace("id: hanoi-own", "id: vinh-own").replace('"kflc:2.6.1"', '"hanoi-own:HN1.1"')
    (tmp_path / "b.yaml").write_text(other, encoding="utf-8")
    result = run("criteria", "validate", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    assert result.exit_code == 0, result.stderr
    # ... and alone, the second one's crosswalk has nothing to point at
    result = run("criteria", "validate", str(tmp_path / "b.yaml"))
    assert result.exit_code == 1
    assert "no framework 'hanoi-own'" in result.stderr


def test_missing_file_and_folder(run, tmp_path: Path) -> None:
    """A path that does not exist is a problem line, not a traceback."""
    result = run("criteria", "validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{tmp_path / 'nope.yaml'}: no such file"


def test_folder_without_framework_files(run, tmp_path: Path) -> None:
    """A folder with no .yaml or .yml file is a problem, not a silent success."""
    (tmp_path / "notes.txt").write_text("x")
    result = run("criteria", "validate", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{tmp_path}: no .yaml or .yml files in this folder"


def test_huge_file_is_refused_without_reading_it(run, tmp_path: Path) -> None:
    """A file over the size limit is refused by its size."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(6 * 1024 * 1024)
    result = run("criteria", "validate", str(path))
    assert result.exit_code == 1
    assert "a framework file is at most" in result.stderr


def test_broken_file_in_workspace_stops_other_commands_with_its_line(run, settings) -> None:
    """A broken framework in the workspace's criteria/ folder is named by every command that loads it."""
    settings.criteria_dir.mkdir(parents=True)
    shutil.copy(BROKEN / "04-weight-zero.yaml", settings.criteria_dir / "mine.yaml")
    result = run("criteria", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{settings.criteria_dir / 'mine.yaml'}:19: ")


def test_workspace_frameworks_are_listed_beside_bundled(run, settings) -> None:
    """A framework in the workspace's criteria/ folder shows up, marked as from the workspace."""
    settings.criteria_dir.mkdir(parents=True)
    shutil.copy(GOOD / "hanoi-own.yaml", settings.criteria_dir / "hanoi-own.yaml")
    result = run("criteria", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["hanoi-own"]["origin"] == "workspace"
    assert rows["kflc"]["origin"] == "bundled"


def test_criteria_dir_option(run) -> None:
    """--criteria-dir adds a folder of frameworks; a missing folder is a clear error."""
    result = run("criteria", "show", "hanoi-own", "--criteria-dir", str(GOOD), "--lang", "fr")
    assert result.exit_code == 0, result.stderr
    assert "Liste de contrôle de la ville apprenante de Hanoï" in result.stdout
    result = run("criteria", "list", "--criteria-dir", str(GOOD / "nope"))
    assert result.exit_code == 1
    assert "no such folder" in result.stderr


def test_readme_framework_example_is_valid(run, tmp_path: Path) -> None:
    """The framework shown in README.md under "Writing a framework" validates as written."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Writing a framework", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    result = run("criteria", "validate", str(tmp_path / "example.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "ok: hanoi-own 2025.1: 2 areas, 3 criteria" in result.stderr
