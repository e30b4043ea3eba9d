"""Loading framework files: strict, every problem of a file reported at once with file and line."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from readiness import yamlfile
from readiness.errors import FrameworkError, Problem, UnreadableFileError
from readiness.frameworks.catalogue import Catalogue, Entry
from readiness.frameworks.schema import (
    ID_PATTERN,
    MAX_FILE_BYTES,
    REF_PATTERN,
    URL_PATTERN,
    Area,
    Condition,
    Criterion,
    EvidenceKind,
    Framework,
    Keywords,
    ProfileCheck,
    ProfileRequirement,
    Text,
)
from readiness.profile import LANG_PATTERN, PROFILE_FIELDS, TOPIC_PATTERN, FieldKind
from readiness.smallfile import read_small_file
from readiness.text import split_ref

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Loading one file


@dataclass
class LoadResult:
    """A framework file read and checked on its own: the framework if it is sound, else None."""

    path: Path
    framework: Framework | None
    problems: list[Problem]
    data: Any = None  # the parsed YAML with line numbers, for crosswalk problems


_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required",
    "string_type": "must be text (put numbers such as 1.10 in quotes: '1.10')",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be {ge} or more",
    "less_than_equal": "must be {le} or less",
    "too_short": "must not be empty",
    "bool_type": "must be true or false",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping (key: value lines)",
    "model_type": "must be a mapping (key: value lines)",
    "model_attributes_type": "must be a mapping (key: value lines)",
}


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "enum":
        return f"{err['input']!r} is not one of: {ctx.get('expected', '')}"
    if kind == "literal_error":
        return f"{err['input']!r} is not one of: {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(ctx.get("pattern", ""), err.get("input"))
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    template = _MESSAGES.get(kind)
    if template:
        try:
            return template.format(**ctx)
        except (KeyError, IndexError):
            return template
    return err["msg"]


_PATTERN_MESSAGES = {
    ID_PATTERN: "is not a valid id: use letters, digits, '.', '_' or '-', starting with a letter "
                "or digit, at most 64 characters",
    LANG_PATTERN: "is not a language code such as en, vi or fr",
    REF_PATTERN: "must be FRAMEWORK:CRITERION, e.g. kflc:2.6.1",
    URL_PATTERN: "must be an http:// or https:// address",
    TOPIC_PATTERN: "must be lower-case letters, digits, - or _",
}


def _pattern_message(pattern: str, value: Any) -> str:
    return f"{value!r} {_PATTERN_MESSAGES.get(pattern, f'does not match {pattern}')}"


def _loc_text(loc: Iterable[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _clean_loc(loc: tuple) -> tuple:
    # A RootModel (Text) and a constrained type add their own names to error locations; they
    # mean nothing in the file, so drop them before looking up the line.
    return tuple(p for p in loc if not (isinstance(p, str) and (p == "constrained-float" or p.startswith("function-"))))


def read_text(path: Path) -> tuple[str | None, Problem | None]:
    """Read a framework file as UTF-8 text, or say why it cannot be read."""
    name = str(path)
    try:
        raw = read_small_file(path, MAX_FILE_BYTES,
                              lambda size: f"is {size:,} bytes; a framework file is at most {MAX_FILE_BYTES:,}",
                              folder="is a folder; give the YAML files in it")
    except UnreadableFileError as exc:
        return None, Problem(name, 0, "", exc.reason)
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(name, line, "", "is not UTF-8 text; save the file as UTF-8")


def load_file(path: Path) -> LoadResult:
    """Read, parse and validate one framework file; every problem is collected."""
    path = Path(path)
    name = str(path)
    text, problem = read_text(path)
    if problem:
        return LoadResult(path, None, [problem])
    assert text is not None
    try:
        doc = yamlfile.load(text)
    except yamlfile.YAMLSyntaxError as exc:
        return LoadResult(path, None, [Problem(name, exc.line, "", exc.message)])

    problems = [
        Problem(name, d.line, d.key, f"duplicate key (first on line {d.first_line})")
        for d in doc.duplicates
    ]
    data = doc.data
    if not isinstance(data, dict):
        what = "empty" if data is None else "a list" if isinstance(data, list) else "a single value"
        what = what if data is None else f"{what}, not a mapping of keys"
        problems.append(Problem(name, 1, "", f"the file is {what}; a framework starts with `id:`"))
        return LoadResult(path, None, problems, data)

    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        split_texts: set[tuple] = set()
        for err in _without_echoes(exc.errors()):
            loc = _clean_loc(err["loc"])
            if loc and loc[-1] == "[key]":
                loc = loc[:-1]
                message = _message(err)
                if " " in str(err.get("input", "")):
                    # {en: Safe, inclusive city, vi: ...}: the comma made "inclusive city" a key.
                    split_texts.add(loc)
                    message = (f"a comma inside {{en: ..., vi: ...}} cut the text before {err['input']!r}: "
                               "put each text in quotes")
                    loc = loc[:-1]
                problems.append(Problem(name, yamlfile.line_of(data, loc), _loc_text(loc), message))
            elif loc not in split_texts:
                problems.append(Problem(name, yamlfile.line_of(data, loc), _loc_text(loc), _message(err)))
        return LoadResult(path, None, problems, data)

    problems += _check_framework(framework, data, name)
    return LoadResult(path, None if problems else framework, problems, data)


def _without_echoes(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """The errors, less the echoes: a list whose only item failed is also reported as too short;
    the item's own error is the one that helps."""
    deeper = [e["loc"] for e in errors]

    def echo(e: ErrorDetails) -> bool:
        loc = e["loc"]
        return e["type"] == "too_short" and any(len(d) > len(loc) and d[: len(loc)] == loc for d in deeper)

    return [e for e in errors if not echo(e)]


def _load_bounded(path: Path) -> LoadResult:
    """``load_file`` in a bounded child process (``bounded.run``); a limit hit is a problem of the file."""
    from readiness.bounded import run
    from readiness.errors import UntrustedInputError

    try:
        return run(load_file, path, file=path)
    except UntrustedInputError as exc:
        return LoadResult(path, None, [Problem(str(path), 0, "", str(exc).removeprefix(f"{path}: "))])


def _check_framework(fw: Framework, data: Any, name: str) -> list[Problem]:
    """Checks that span several fields: unique ids, languages, profile fields, letters, verdict rules."""
    check = _FrameworkCheck(fw, data, name)
    check.text(fw.name, ("name",))
    check.text(fw.description, ("description",))
    for aloc, area in _area_locs(fw.areas, ("areas",)):
        check.area(area, aloc)
    check.verdict_rules()
    check.eligibility()
    return check.problems


class _FrameworkCheck:
    """The problems ``_check_framework`` finds in one framework, each with its line."""

    def __init__(self, fw: Framework, data: Any, name: str):
        self.fw, self.data, self.name = fw, data, name
        self.problems: list[Problem] = []
        self.ids: dict[str, tuple] = {}  # area and criterion ids -> where first seen
        self.indicators: dict[str, tuple] = {}

    def add(self, loc: tuple, message: str) -> None:
        self.problems.append(Problem(self.name, yamlfile.line_of(self.data, loc), _loc_text(loc), message))

    def languages(self, languages: Iterable[str], loc: tuple) -> None:
        """Texts and keywords use only the languages the framework declares."""
        for lang in languages:
            if lang not in self.fw.languages:
                self.add(loc + (lang,), f"language {lang!r} is not in `languages:` ({', '.join(self.fw.languages)})")

    def text(self, text: Text | Keywords | None, loc: tuple) -> None:
        if text is not None:
            self.languages(text.languages(), loc)

    def claim(self, ident: str, loc: tuple, table: dict[str, tuple], what: str) -> None:
        if ident in table:
            first = yamlfile.line_of(self.data, table[ident])
            self.add(loc + ("id",), f"duplicate {what} id {ident!r} (first on line {first})")
        else:
            table[ident] = loc

    def area(self, area: Area, aloc: tuple) -> None:
        self.claim(area.id, aloc, self.ids, "area or criterion")
        self.text(area.title, aloc + ("title",))
        self.text(area.guidance, aloc + ("guidance",))
        self.text(area.keywords, aloc + ("keywords",))
        for j, crit in enumerate(area.criteria):
            self.criterion(crit, aloc + ("criteria", j))

    def criterion(self, crit: Criterion, cloc: tuple) -> None:
        self.claim(crit.id, cloc, self.ids, "area or criterion")
        self.text(crit.title, cloc + ("title",))
        self.text(crit.guidance, cloc + ("guidance",))
        self.text(crit.keywords, cloc + ("keywords",))
        for k, ind in enumerate(crit.indicators):
            self.claim(ind.id, cloc + ("indicators", k), self.indicators, "indicator")
            self.text(ind.title, cloc + ("indicators", k, "title"))
        if crit.profile is not None:
            _check_profile(crit.profile, cloc + ("profile",), self.add)
            for k, topic in enumerate(crit.profile.topics):
                self.text(topic.title, cloc + ("profile", "topics", k, "title"))
        if crit.applies_after is not None:
            _date_field(crit.applies_after, cloc + ("applies_after",), self.add)
        if crit.letter and (crit.evidence is None or EvidenceKind.LETTER not in crit.evidence.kinds):
            self.add(cloc + ("letter",), "a letter is met by records of kind letter: "
                                         "give `evidence: {kinds: [letter], ...}`")
        own = f"{self.fw.id}:{crit.id}"
        if own in crit.maps_to:
            self.add(cloc + ("maps_to", crit.maps_to.index(own)), "a criterion cannot map to itself")

    def verdict_rules(self) -> None:
        rules = self.fw.verdict
        for i, rule in enumerate(rules):
            last = i == len(rules) - 1
            if last and rule.when is not None:
                self.add(("verdict", i), "the last verdict rule must have no `when:` so that every case gets a verdict")
            if not last and rule.when is None:
                self.add(("verdict", i), "a rule without `when:` matches everything: it must be the last")
            if rule.when is not None and rule.when == Condition():
                self.add(("verdict", i, "when"), "give at least one condition, or leave `when:` out")
            self.text(rule.label, ("verdict", i, "label"))
            waits = (rule.when.profile_set if rule.when is not None else None) or ()
            for k, name in enumerate(waits):
                _date_field(name, ("verdict", i, "when", "profile_set", k), self.add)

    def eligibility(self) -> None:
        rules = self.fw.eligibility
        if rules is None:
            return
        for k, text in enumerate(rules.notes):
            self.text(text, ("eligibility", "notes", k))


def _date_field(name: str, loc: tuple, add: Callable[[tuple, str], None]) -> None:
    """A profile field a rule waits for: it must be a date or year field (member_since, ...)."""
    spec = PROFILE_FIELDS.get(name)
    dates = [n for n, f in PROFILE_FIELDS.items() if f.kind in (FieldKind.DATE, FieldKind.YEAR)]
    if spec is None or spec.kind not in (FieldKind.DATE, FieldKind.YEAR):
        add(loc, f"{name!r} is not a profile date; give one of {', '.join(dates)}")


def _check_profile(req: ProfileRequirement, loc: tuple, add: Callable[[tuple, str], None]) -> None:
    expected = {
        ProfileCheck.FIGURE: FieldKind.FIGURE,
        ProfileCheck.TEXT: FieldKind.TEXT,
        ProfileCheck.RATINGS: FieldKind.RATINGS,
    }.get(req.check)
    for k, name in enumerate(req.fields):
        spec = PROFILE_FIELDS.get(name)
        if spec is None:
            add(loc + ("fields", k), f"no profile field {name!r}; known: {', '.join(PROFILE_FIELDS)}")
        elif expected is not None and spec.kind is not expected:
            add(loc + ("fields", k), f"{name!r} is a {spec.kind.value} field; "
                                     f"`check: {req.check.value}` needs a {expected.value} field")
    if req.max_words is not None and req.check is not ProfileCheck.TEXT:
        add(loc + ("max_words",), "only `check: text` takes max_words")
    if req.topics and req.check is not ProfileCheck.RATINGS:
        add(loc + ("topics",), "only `check: ratings` takes topics")
    if req.check is ProfileCheck.RATINGS and not req.topics:
        add(loc + ("check",), "`check: ratings` needs `topics:`, the challenge topics to rate")
    if req.max_age_years is not None and req.check is not ProfileCheck.FIGURE:
        add(loc + ("max_age_years",), "only `check: figure` takes max_age_years")


def framework_files(folder: Path) -> list[Path]:
    """The framework files in a folder: ``*.yaml`` and ``*.yml``, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def collect(sources: list[tuple[str, list[Path]]]) -> tuple[Catalogue, list[Problem]]:
    """Load frameworks from (origin, files) pairs into one catalogue, and every problem found.

    A framework with the id of one from an earlier source replaces it (a city's newer copy of
    a bundled framework, say); two files with one id in the same source are a problem. Broken
    files are left out of the catalogue, and crosswalks are checked against what loaded.
    """
    catalogue = Catalogue()
    problems: list[Problem] = []
    results: dict[str, LoadResult] = {}
    for origin, files in sources:
        origin_ids: dict[str, Path] = {}
        for path in files:
            # Bundled files are ours and load in-process, for speed; a workspace's or a given
            # one is untrusted input and is read with bounded time, memory and output.
            result = load_file(path) if origin == "bundled" else _load_bounded(path)
            problems += result.problems
            fw = result.framework
            if fw is None:
                continue
            if fw.id in origin_ids:
                problems.append(
                    Problem(str(path), yamlfile.line_of(result.data, ("id",)), "id",
                            f"framework {fw.id!r} is also defined in {origin_ids[fw.id]}")
                )
                continue
            origin_ids[fw.id] = path
            if fw.id in catalogue.entries:
                _replacing(catalogue.entries[fw.id], fw, path)
            catalogue.entries[fw.id] = Entry(fw, path, origin)
            results[fw.id] = result
    for fw_id, result in results.items():
        problems += check_crosswalks(catalogue.entries[fw_id].framework, catalogue, str(result.path), result.data)
    return catalogue, sorted(problems)


def _replacing(old: Entry, new: Framework, path: Path) -> None:
    """Say that a framework file replaces another; warn when the copy drops ``suggest:``."""
    log.info("%s replaces %s framework %r from %s", path, old.origin, new.id, old.path)
    if old.framework.suggest is not None and new.suggest is None:
        log.warning("%s replaces the %s framework %r without its `suggest: %s`, so documents no longer get "
                    "suggestions from it by default; add `suggest: %s` to the file to keep them",
                    path, old.origin, new.id, old.framework.suggest, old.framework.suggest)


def check_crosswalks(fw: Framework, catalogue: Catalogue, name: str, data: Any) -> list[Problem]:
    """Every ``maps_to`` must name a criterion that exists in a known framework."""
    problems = []
    for a_loc, area in _area_locs(fw.areas, ("areas",)):
        for j, crit in enumerate(area.criteria):
            for k, ref in enumerate(crit.maps_to):
                target_fw, target = split_ref(ref)
                if target_fw not in catalogue.entries:
                    message = f"no framework {target_fw!r} for crosswalk {ref!r}; known: {', '.join(catalogue.ids())}"
                elif catalogue.resolve(ref) is None:
                    message = f"crosswalk to {ref!r}: framework {target_fw!r} has no criterion {target!r}"
                else:
                    continue
                loc = a_loc + ("criteria", j, "maps_to", k)
                problems.append(Problem(name, yamlfile.line_of(data, loc), _loc_text(loc), message))
    return problems


def _area_locs(areas: tuple[Area, ...], loc: tuple) -> Iterator[tuple[tuple, Area]]:
    for i, area in enumerate(areas):
        yield loc + (i,), area
        yield from _area_locs(area.areas, loc + (i, "areas"))


def _sources(workspace_dir: Path | None, extra_dirs: Iterable[Path]) -> list[tuple[str, list[Path]]]:
    from readiness.resources import bundled

    sources = [("bundled", framework_files(bundled("criteria")))]
    if workspace_dir is not None:
        sources.append(("workspace", framework_files(workspace_dir)))
    for folder in extra_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise FrameworkError([Problem(str(folder), 0, "", "no such folder (given with --criteria-dir)")])
        sources.append(("given", framework_files(folder)))
    return sources


def load_catalogue(workspace_dir: Path | None = None, extra_dirs: Iterable[Path] = ()) -> Catalogue:
    """The bundled frameworks, then the workspace's, then those in ``extra_dirs``.

    Strict: any broken framework file stops here with every problem found (FrameworkError).
    """
    catalogue, problems = collect(_sources(workspace_dir, extra_dirs))
    if problems:
        raise FrameworkError(problems)
    return catalogue


@dataclass
class FrameworkCheck:
    """Framework files a user wrote, checked: the sound frameworks and every problem found."""

    frameworks: list[Framework]
    problems: list[Problem]

    def sound(self) -> list[Framework]:
        """The frameworks, when no file has a problem; else FrameworkError with every problem."""
        if self.problems:
            raise FrameworkError(self.problems)
        return self.frameworks


def validate_frameworks(paths: Iterable[Path], workspace_dir: Path | None = None,
                        extra_dirs: Iterable[Path] = ()) -> FrameworkCheck:
    """Check framework files a user wrote; return the sound ones and every problem in them.

    Crosswalks may point at the bundled frameworks, the workspace's, those in ``extra_dirs``
    and each other. Only problems in the given files are reported.
    """
    given: list[Path] = []
    empty: list[Problem] = []
    for path in map(Path, paths):
        files = framework_files(path) if path.is_dir() else [path]
        if not files:
            empty.append(Problem(str(path), 0, "", "no .yaml or .yml files in this folder"))
        given.extend(files)
    catalogue, problems = collect(_sources(workspace_dir, extra_dirs) + [("given", given)])
    problems += empty
    names = {str(p) for p in given} | {p.file for p in empty}
    frameworks = [e.framework for e in catalogue if e.origin == "given" and str(e.path) in names]
    mine = sorted({p for p in problems if p.file in names})
    bad_files = {p.file for p in mine}
    return FrameworkCheck([fw for fw in frameworks if str(catalogue.entries[fw.id].path) not in bad_files], mine)
