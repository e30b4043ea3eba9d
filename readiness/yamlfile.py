"""YAML that remembers where each value came from.

Framework files (and, later, evidence files) are written by people, so every error must name
the line. ``load`` returns plain dicts and lists (subclasses that carry line numbers) and the
duplicate keys it met, which PyYAML would otherwise drop without a word; ``line_of`` turns a
pydantic error location into the line of the deepest value it reaches.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

_BaseLoader: Any  # CSafeLoader or SafeLoader: the stubs do not relate the two
try:  # the C parser is several times faster; the constructor stays in Python either way
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class LineDict(dict):
    """A mapping from a YAML file, with the line of each key (1-based)."""

    __slots__ = ("line", "key_lines")

    def __init__(self, items: dict, line: int, key_lines: dict):
        super().__init__(items)
        self.line = line
        self.key_lines = key_lines


class LineList(list):
    """A sequence from a YAML file, with the line of each item (1-based)."""

    __slots__ = ("line", "item_lines")

    def __init__(self, items: list, line: int, item_lines: list[int]):
        super().__init__(items)
        self.line = line
        self.item_lines = item_lines


@dataclass
class Duplicate:
    key: str
    line: int
    first_line: int


@dataclass
class Document:
    data: Any
    duplicates: list[Duplicate] = field(default_factory=list)


class _LineLoader(_BaseLoader):
    def __init__(self, stream: Any):
        super().__init__(stream)
        self.duplicates: list[Duplicate] = []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    items: dict = {}
    key_lines: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        line = key_node.start_mark.line + 1
        if key in items:
            loader.duplicates.append(Duplicate(str(key), line, key_lines[key]))
        items[key] = loader.construct_object(value_node, deep=True)
        key_lines[key] = line
    return LineDict(items, node.start_mark.line + 1, key_lines)


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    items = [loader.construct_object(child, deep=True) for child in node.value]
    lines = [child.start_mark.line + 1 for child in node.value]
    return LineList(items, node.start_mark.line + 1, lines)


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int:
    """An integer, or a located error for one Python will not convert (over 4,300 digits)."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        digits = sum(ch.isdigit() for ch in str(node.value))
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {digits:,} digits; at most {sys.get_int_max_str_digits() or 4300:,}",
            node.start_mark) from None


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    """A date, or the text as written when it only looks like one (``2025-99-99``): the field's
    own check then says what is wrong with it, on its line."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return str(node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class YAMLSyntaxError(Exception):
    """The text is not YAML; ``line`` and ``message`` say where and why."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


#: Most values a document may expand to. Aliases (``*name``) share one object, so a small file
#: can stand for billions of values ("billion laughs"); validating it would never end.
MAX_VALUES = 1_000_000


def _count_values(data: Any, budget: int) -> int:
    """Values in ``data`` with every alias expanded, counting down from ``budget`` (stops at 0)."""
    stack = [data]
    while stack and budget > 0:
        item = stack.pop()
        budget -= 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return budget


def load(text: str) -> Document:
    """Parse one YAML document, keeping line numbers; raise YAMLSyntaxError if broken."""
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or exc.context or "not valid YAML"
        raise YAMLSyntaxError(line, f"broken YAML: {reason}") from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(1, f"broken YAML: {exc}") from None
    finally:
        loader.dispose()
    if _count_values(data, MAX_VALUES) <= 0:
        raise YAMLSyntaxError(1, f"expands to more than {MAX_VALUES:,} values through aliases (*name); "
                                 "write the values out")
    return Document(data, loader.duplicates)


def line_of(data: Any, loc: tuple) -> int:
    """The line of the deepest value that the path ``loc`` reaches in ``data``."""
    line = getattr(data, "line", 1)
    current = data
    for part in loc:
        if isinstance(current, LineDict) and part in current:
            line = current.key_lines[part]
            current = current[part]
        elif isinstance(current, LineList) and isinstance(part, int) and 0 <= part < len(current):
            line = current.item_lines[part]
            current = current[part]
        else:
            break
    return line
