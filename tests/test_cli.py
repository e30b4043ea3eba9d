"""The command line as a whole: help texts, start-up imports, criteria list and show."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from readiness import profile
from readiness.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((prefix + (name,), command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, prefix + (name,)))
    return found


@pytest.mark.parametrize(("path", "command"), _commands(cli), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_help_with_an_example(run, path: tuple[str, ...], command: click.Command) -> None:
    """`--help` works for every command; every leaf command shows an example."""
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert command.help and command.help.strip()
    if not isinstance(command, click.Group):
        example = result.stdout.partition("Example:")[2]
        assert f"readiness {' '.join(path)}" in example, f"the example does not show `readiness {' '.join(path)}`"


def test_help_lists_every_profile_field(run) -> None:
    """`city set --help` names every field the profile knows."""
    out = " ".join(run("city", "set", "--help").stdout.split())
    for name in profile.PROFILE_FIELDS:
        assert (name if name != "challenges" else "challenge.TOPIC") in out


def test_help_imports_nothing_heavy() -> None:
    """`readiness --help` loads neither pydantic, SQLAlchemy, rich, YAML nor WeasyPrint."""
    code = (
        "import sys\n"
        "from readiness.cli import cli\n"
        "try:\n"
        "    cli(['--help'], prog_name='readiness')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('pydantic', 'sqlalchemy', 'sqlmodel', 'rich', 'yaml', 'weasyprint', 'alembic')"
        " if m in sys.modules]\n"
        "print(heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr.strip() == "[]"
    assert "criteria" in result.stdout


def test_version(run) -> None:
    """--version names the tool."""
    assert run("--version").stdout.startswith("readiness ")


def test_criteria_list_table_and_json(run) -> None:
    """The list shows id, name, version, areas, criteria and source; JSON holds the same."""
    table = run("criteria", "list")
    assert table.exit_code == 0
    for text in ("kflc", "Key Features", "2013-draft.2", "42", "UNESCO Institute"):
        assert text in table.stdout
    rows = {r["id"]: r for r in json.loads(run("criteria", "list", "--format", "json").stdout)}
    assert rows["kflc"]["areas"] == 12 and rows["kflc"]["criteria"] == 42
    assert rows["guidelines"]["areas"] == 6
    assert rows["kflc"]["status"] == "draft"
    vi = {r["id"]: r for r in json.loads(run("criteria", "list", "--format", "json", "--lang", "vi").stdout)}
    assert vi["kflc"]["name"] == "Các đặc trưng cơ bản của Thành phố Học tập"


def test_criteria_show_tree(run) -> None:
    """The tree shows areas, criteria, what evidence satisfies each, and crosswalks."""
    result = run("criteria", "show", "guidelines")
    assert result.exit_code == 0
    out = result.stdout
    assert "G3 Initiate and maintain the process with celebratory events" in out
    assert "G3.1 Celebratory learning events held regularly" in out
    assert "evidence: event · 2 records or more · within 2 years" in out
    assert "also counts for: kflc:2.6.1" in out
    assert "blocking" in out
    assert "6 areas, 12 criteria" in out


def test_criteria_show_in_vietnamese_without_guidance(run) -> None:
    """--lang vi shows the Vietnamese titles; --no-guidance leaves the guidance out."""
    out = run("criteria", "show", "kflc", "--lang", "vi", "--no-guidance").stdout
    assert "2.6.1 Sự kiện công cộng tôn vinh học tập" in out
    assert "Tuần lễ hưởng ứng" not in out  # that is guidance text
    assert "draft" in out


def test_criteria_show_profile_criteria(run) -> None:
    """Application-form items say which profile fields meet them."""
    out = run("criteria", "show", "gnlc-application").stdout
    assert "city profile: motivation · text · at most 200 words" in out
    assert "evidence: letter · within 1 years (our threshold, not UNESCO's) · file attached · verified" in out
    assert "city profile: population · figure with its year · data within 5 years (our threshold, not UNESCO's)" in out
    # the 200-word limit is the form's own: no marker after it
    assert "at most 200 words (our" not in out
    # the challenge topics show their titles, the endorsement waits for the form to be sent
    assert "literacy (Literacy)" in out
    flat = " ".join(out.split())  # the tree wraps long lines at the terminal's width
    assert "due once sent_to_national_commission is set" in flat
    assert "ready at 100% (our threshold, not UNESCO's)" in flat


def test_criteria_show_json_round_trips(run) -> None:
    """The JSON of a framework validates back into the same framework."""
    from readiness.frameworks.loader import load_catalogue
    from readiness.frameworks.schema import Framework

    data = json.loads(run("criteria", "show", "kflc", "--format", "json").stdout)
    assert Framework.model_validate(data) == load_catalogue().get("kflc")


def test_criteria_show_unknown_framework(run) -> None:
    """An unknown id is one error line naming the known ones."""
    result = run("criteria", "show", "kflcc")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no framework 'kflcc'; known: ")


def test_criteria_show_labels_in_vietnamese(run) -> None:
    """With --lang vi the tool's own words are Vietnamese too, not only the framework's titles."""
    out = run("criteria", "show", "guidelines", "--lang", "vi").stdout
    assert "minh chứng: sự kiện · từ 2 minh chứng trở lên · trong vòng 2 năm" in out
    assert "cũng được tính cho: kflc:2.6.1" in out
    assert "6 lĩnh vực, 12 tiêu chí" in out
    assert "evidence:" not in out


def test_every_kind_and_check_has_labels_in_every_language() -> None:
    """No evidence kind or profile check falls back to English for lack of a label."""
    from readiness.frameworks.schema import EvidenceKind, ProfileCheck
    from readiness.labels import LABELS

    for key in [k.value for k in EvidenceKind] + [c.value for c in ProfileCheck]:
        assert set(LABELS[key]) == {"en", "vi", "fr"}, key
    assert all({"en", "vi"} <= set(texts) for texts in LABELS.values())


def test_quiet_leaves_stderr_to_warnings_and_errors(run) -> None:
    """`-q` silences what a command says it did (and the dossier's progress), never its data or its errors."""
    loud = run("import", "--sample", "hanoi")
    assert loud.exit_code == 0 and "HN-0001" in loud.stderr
    quiet = run("-q", "evidence", "verify", "HN-0002")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    listed = run("-q", "evidence", "list", "--format", "json")
    assert listed.stderr == "" and len(json.loads(listed.stdout)) == 9
    html = run("-q", "dossier", "--city", "Hanoi", "--format", "html", "-o", "-")
    assert html.exit_code == 0 and html.stderr == "" and "<html" in html.stdout
    failed = run("-q", "evidence", "verify", "HN-9999")
    assert failed.exit_code == 1 and failed.stderr.startswith("error: ")
    again = run("evidence", "verify", "HN-0003")  # the next command without -q speaks again
    assert "verified HN-0003" in again.stderr


@pytest.mark.parametrize(("args", "line"), [
    (("evidence", "reject", "HN-0005"),
     'error: evidence reject needs --reason "..." (what is wrong, so the owner can fix it); '
     "see `readiness evidence reject --help`"),
    (("evidence", "show"), "error: evidence show needs EVIDENCE_ID; see `readiness evidence show --help`"),
    (("gaps",), 'error: gaps needs --city "..." (the city whose gaps to list); see `readiness gaps --help`'),
    (("score", "--format", "xml"),
     "error: score: invalid value for '--format': 'xml' is not one of 'table', 'json', 'csv'; "
     "see `readiness score --help`"),
    (("score", "--as-of"), "error: score: option '--as-of' requires an argument; see `readiness score --help`"),
    (("gaps", "--city", "Hanoi", "--limit", "0"),
     "error: gaps: invalid value for '--limit': 0 is not in the range x>=1; see `readiness gaps --help`"),
    (("evidence", "lst"),
     "error: evidence: no such command 'lst'; see `readiness evidence --help`; did you mean 'list'?"),
    (("--bogus",), "error: no such option '--bogus'; see `readiness --help`; did you mean '--verbose'?"),
])
def test_click_usage_mistakes_are_one_error_line_and_exit_1(run, args, line) -> None:
    """A missing or bad option, argument or command: one `error:` line naming it, exit 1, no usage block."""
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == line + "\n"
    assert result.stdout == ""


def test_help_and_a_bare_group_still_exit_0(run) -> None:
    """`--help` and a group named without its command print the help on stdout, exit 0."""
    for args in (("--help",), ("evidence", "reject", "--help"), ("evidence",)):
        result = run(*args)
        assert result.exit_code == 0, args
        assert result.stdout.startswith("Usage: ") and result.stderr == ""


@pytest.mark.parametrize(("args", "line"), [
    (("evidence", "attach", "HN-0001", "report.pdf", "--max-size", "12XB"),
     "error: size '12XB': write a number of bytes or e.g. 200MB, 2GB"),
    (("evidence", "add", "--city", "Hanoi", "--kind", "plan", "--title", "KH", "--max-size", "lots"),
     "error: size 'lots': write a number of bytes or e.g. 200MB, 2GB"),
    (("evidence", "list", "--lang", "fr"),
     "error: evidence list: invalid value for '--lang': 'fr' is not one of 'en', 'vi'; "
     "see `readiness evidence list --help`"),
    (("evidence", "list", "--since", "2025-13-45"), "error: --since: '2025-13-45' has month 13; months run 1-12"),
    (("due", "--city", "Hanoi", "--within", "5q"), "error: --within: '5q' is not a span; write 90d, 12w, 6m or 1y"),
    (("score", "--explain", "kflc:2.6.1"), "error: --explain needs --city: it shows one city's records"),
    (("score", "--by", "unit"), "error: --by needs --city: it shows one city's records"),
    (("score", "--city", "Hanoi", "--explain", "kflc:9.9.9"),
     "error: --explain 'kflc:9.9.9': kflc has no criterion '9.9.9'; see `readiness criteria show kflc`"),
    (("score", "--lang", "xx"),
     "error: score: invalid value for '--lang': 'xx' is not one of 'en', 'vi', 'fr'; see `readiness score --help`"),
    (("dossier", "--city", "Hanoi", "--max-embed", "lots"),
     "error: size 'lots': write a number of bytes or e.g. 200MB, 2GB"),
    (("dossier", "--city", "Hanoi", "--lang", "fr"),
     "error: --lang 'fr': the readiness report is written in en or vi (the application in en or fr)"),
    (("dossier", "--city", "Hanoi", "--lang", "xx"),
     "error: dossier: invalid value for '--lang': 'xx' is not one of 'en', 'vi', 'fr'; see `readiness dossier --help`"),
    (("dossier", "--city", "Hanoi", "--since", "2025-12-04"),
     "error: --since is for --kind progress (the report's window)"),
])
def test_a_bad_value_is_refused_at_the_edge_before_the_workspace_opens(run, settings, args, line) -> None:
    """Sizes, languages and dates are read once by their parameter type: one line, and no workspace is made."""
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", line + "\n")
    assert not settings.workspace.exists()


def test_a_pdf_is_not_written_to_a_terminal_and_no_workspace_is_made(run, settings, stdout_is_a_terminal) -> None:
    """dossier -o - refuses a terminal before any work (HTML is text: a terminal may show it)."""
    from readiness.cli import options

    terminal = stdout_is_a_terminal
    result = run("dossier", "--city", "Hanoi", "-o", "-")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "error: -o -: will not write a PDF to the terminal; pipe it, or give a file name\n")
    assert terminal.getvalue() == b"" and not settings.workspace.exists()
    options.write_to_stdout(b"<html></html>", None)
    assert terminal.getvalue() == b"<html></html>"


def test_empty_dates_mean_the_default() -> None:
    """--as-of "" is today and --created "" now, as an empty --since is no date: the option's default."""
    import datetime as dt

    from readiness.cli.options import DATETIME, DAY

    assert DAY.convert("", None, None) is None and DAY.convert("  ", None, None) is None
    assert DATETIME.convert("", None, None) is None
    assert DAY.convert("15/06/2026", None, None) == dt.date(2026, 6, 15)
    hanoi = dt.timezone(dt.timedelta(hours=7))
    assert DATETIME.convert("2026-06-15T09:00+07:00", None, None) == dt.datetime(2026, 6, 15, 2, tzinfo=dt.timezone.utc)
    assert DATETIME.convert(dt.datetime(2026, 6, 15, 9, tzinfo=hanoi), None, None).tzinfo == dt.timezone.utc


def test_the_language_choices_are_those_the_labels_have() -> None:
    """--lang of score, gaps, due and suggest offers the languages of labels.py; the dossier its own two."""
    from readiness import labels
    from readiness.cli.options import DOSSIER_LANGS, LABEL_LANGS
    from readiness.dossier.context import LANGUAGES

    assert set(LABEL_LANGS) == {lang for texts in labels.LABELS.values() for lang in texts}
    assert DOSSIER_LANGS == LANGUAGES
    for name in ("score", "gaps", "due", "suggest"):
        lang = next(p for p in cli.commands[name].params if p.name == "lang")
        assert isinstance(lang.type, click.Choice) and tuple(lang.type.choices) == LABEL_LANGS, name
