"""The architecture, read from the source: the library imports no front end and no cycle, and prints nothing.

The command line (``readiness/cli/``) parses, calls one library function and formats; the rules live in the library
below it, so that the web app can call the same functions. These tests read every module's imports with ``ast``
(nothing is imported to find them), so a forbidden import is caught even inside a function that no test runs.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "readiness"
CLI = "readiness.cli"
# `python -m readiness` runs the command line: the one module outside cli/ that may import it (nothing imports it).
ENTRY_POINTS = {"readiness.__main__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _in_cli(module: str) -> bool:
    return module == CLI or module.startswith(CLI + ".")


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute name a ``from ... import`` reads from, relative levels resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """Every module an import statement names: ``from a.b import c`` gives ``a.b`` and ``a.b.c``."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    source = _absolute(module, is_package, node)
    yield source
    for alias in node.names:
        if alias.name != "*":
            yield f"{source}.{alias.name}"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The imports that run when the module is imported (``if`` and ``try`` blocks too, not ``if TYPE_CHECKING:``)."""
    # Imports in a function or a class body run later, or never: they are not part of the import graph.
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _module_level_imports(node.body)
            yield from _module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _module_level_imports(block)
        elif isinstance(node, ast.With):
            yield from _module_level_imports(node.body)


def _tree(module: str) -> ast.Module:
    path = MODULES[module]
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _all_imports(module: str) -> set[str]:
    """Every module named by any import in the file, wherever it stands (functions and TYPE_CHECKING included)."""
    is_package = _is_package(MODULES[module])
    return {
        name
        for node in ast.walk(_tree(module))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in _imported(module, is_package, node)
    }


def _front_end_imports(module: str) -> list[str]:
    return sorted(
        name for name in _all_imports(module) if name == "click" or name.startswith("click.") or _in_cli(name)
    )


def test_no_library_module_imports_click_or_the_command_line() -> None:
    """No module outside readiness/cli/ imports click or readiness.cli, not even inside a function."""
    offenders = {
        module: found
        for module in MODULES
        if not _in_cli(module) and module not in ENTRY_POINTS and (found := _front_end_imports(module))
    }
    assert not offenders, "library modules that import a front end: " + json.dumps(offenders, indent=2)


def test_importing_the_command_line_pulls_in_no_module_that_imports_it_back() -> None:
    """``import readiness.cli`` loads no module outside readiness/cli/ that imports readiness.cli."""
    code = (
        "import json, sys\n"
        "import readiness.cli\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'readiness' or m.startswith('readiness.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent, timeout=60
    )
    loaded = json.loads(done.stdout)
    assert CLI in loaded and set(loaded) <= set(MODULES), loaded
    back = {
        module: [name for name in _all_imports(module) if _in_cli(name)]
        for module in loaded
        if not _in_cli(module)
    }
    back = {module: names for module, names in back.items() if names}
    assert not back, "loaded by `import readiness.cli` and importing it back: " + json.dumps(back, indent=2)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules its module-level imports load (``from a import b``: ``a``, and ``a.b``)."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        names = {
            name
            for node in _module_level_imports(_tree(module).body)
            for name in _imported(module, _is_package(path), node)
        }
        graph[module] = {name for name in names if name in MODULES and name != module}
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None: a depth-first search in a fixed order."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(module: str) -> list[str] | None:
        path.append(module)
        on_path.add(module)
        for target in sorted(graph[module]):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done and (cycle := visit(target)):
                return cycle
        on_path.discard(path.pop())
        done.add(module)
        return None

    for start in sorted(graph):
        if start not in done and (cycle := visit(start)):
            return cycle
    return None


def test_the_cycle_finder_reports_a_cycle_and_only_a_cycle() -> None:
    """The helper below finds a three-module cycle and finds none in a diamond."""
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) is None


def test_no_import_cycle_between_the_package_modules() -> None:
    """The modules' top-level imports (not those in functions or under TYPE_CHECKING) form no cycle."""
    graph = _import_graph()
    assert graph["readiness.cli"], "the graph holds no edge out of readiness.cli: the import reader is broken"
    cycle = _find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_every_use_case_in_the_api_table_resolves_to_a_callable() -> None:
    """Every name in readiness.api.USE_CASES is a callable in the module the table names: the table is the truth."""
    import readiness.api as api

    missing = []
    for name, module in api.USE_CASES.items():
        try:
            found = getattr(api, name)
        except (AttributeError, ImportError) as exc:
            missing.append(f"{module}.{name}: {exc}")
            continue
        if not callable(found):
            missing.append(f"{module}.{name}: not callable")
    assert not missing, "use cases that do not resolve:\n" + "\n".join(missing)


def test_every_use_case_takes_the_workspace_and_the_acting_person_first() -> None:
    """(ws, actor, ...) for every use case but the set-up steps, so no front end can act for nobody."""
    import inspect

    import readiness.api as api

    shapes = {name: list(inspect.signature(getattr(api, name)).parameters)[:2] for name in api.USE_CASES}
    assert {name for name, first in shapes.items() if first != ["ws", "actor"]} == set(api.SET_UP)


def test_every_type_in_the_api_table_is_a_class_of_its_module() -> None:
    """readiness.api.TYPES names classes (options, queries, results) defined in the module it gives."""
    import inspect

    import readiness.api as api

    for name, module in api.TYPES.items():
        found = getattr(api, name)
        assert inspect.isclass(found) and found.__module__ == module, name


def test_the_api_names_for_type_checkers_are_the_table() -> None:
    """api.py's TYPE_CHECKING imports name exactly the use cases of USE_CASES, each from its module."""
    import readiness.api as api

    imported = {}
    for node in ast.walk(ast.parse((PACKAGE / "api.py").read_text("utf-8"))):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom)
                imported.update({alias.name: stmt.module for alias in stmt.names})
    assert imported == {**api.USE_CASES, **api.TYPES}


def _print_calls(module: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(_tree(module))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
    ]


def test_library_code_never_prints() -> None:
    """No ``print(`` in readiness/ outside readiness/cli/: the library returns data, a front end shows it."""
    found = {
        f"{MODULES[module].relative_to(PACKAGE.parent)}:{line}"
        for module in MODULES
        if not _in_cli(module)
        for line in _print_calls(module)
    }
    assert not found, "print() in library code: " + ", ".join(sorted(found))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import click\n", ["click"]),
        ("def f():\n    from click import echo\n", ["click", "click.echo"]),
        ("from readiness import cli\n", ["readiness.cli"]),
        ("from ..cli.options import CONTEXT\n", ["readiness.cli.options", "readiness.cli.options.CONTEXT"]),
        ("import clickhouse\nfrom readiness.client import x\n", []),
    ],
)
def test_the_import_reader_sees_front_end_imports_wherever_they_stand(
    source: str, expected: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The reader behind these tests resolves relative imports and sees imports inside functions."""
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    monkeypatch.setitem(MODULES, "readiness.scoring.mod", path)
    assert _front_end_imports("readiness.scoring.mod") == expected
