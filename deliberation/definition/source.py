"""Safe YAML reading with positions: every value keeps its file, line, column and YAML path.

Only YAML's core types are accepted; any other tag (``!!python/object`` …) is a diagnostic, not
an object. Duplicate keys are reported rather than silently overwritten.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, Final

import attrs
import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from deliberation.diagnostics import Diagnostic

_SAFE_TAGS: Final = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "bool", "null", "float", "seq", "map", "timestamp")
)


@attrs.define
class Reporter:
    """Collects diagnostics for one file, so a loader can report every problem at once."""

    file: str
    diagnostics: list[Diagnostic] = attrs.field(factory=list)

    def error(
        self,
        code: str,
        message: str,
        at: Located | None = None,
        hint: str = "",
        path: str | None = None,
    ) -> None:
        line = at.line if at else 0
        col = at.column if at else 0
        where = path if path is not None else (at.path if at else "")
        self.diagnostics.append(Diagnostic(code, message, self.file, line, col, where, hint))


@attrs.frozen
class Located:
    """A YAML node with where it stands: ``line``/``column`` are 1-based."""

    node: Node
    path: str
    file: str

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    @property
    def column(self) -> int:
        return int(self.node.start_mark.column) + 1

    @property
    def is_map(self) -> bool:
        return isinstance(self.node, MappingNode)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.node, SequenceNode)

    @property
    def is_scalar(self) -> bool:
        return isinstance(self.node, ScalarNode)

    def value(self) -> Any:
        """The plain Python value (core types only; tags were checked on reading)."""
        constructor = _constructor()
        try:
            return constructor.construct_object(self.node, deep=True)
        finally:
            # The constructor memoises every node it builds; forget them, or a
            # long-lived process would keep every file it ever read alive.
            constructor.constructed_objects.clear()
            constructor.recursive_objects.clear()

    def items(self) -> Iterator[tuple[str, Located, Located]]:
        """Mapping entries: key text, key node, value node (a duplicated key: the first)."""
        assert isinstance(self.node, MappingNode)
        seen: set[str] = set()
        for k, v in self.node.value:
            key = str(k.value) if isinstance(k, ScalarNode) else "?"
            if key in seen:
                continue
            seen.add(key)
            yield (
                key,
                Located(k, _join(self.path, key), self.file),
                Located(v, _join(self.path, key), self.file),
            )

    def get(self, key: str) -> Located | None:
        if not isinstance(self.node, MappingNode):
            return None
        for k, v in self.node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return Located(v, _join(self.path, key), self.file)
        return None

    def elements(self) -> Iterator[Located]:
        assert isinstance(self.node, SequenceNode)
        for i, v in enumerate(self.node.value):
            yield Located(v, f"{self.path}[{i}]", self.file)


# One constructor per thread: its memo tables are not safe to share, and a server reads YAML
# (procedures, actions) on many threads at once.
_LOCAL: Final = threading.local()


def _constructor() -> SafeConstructor:
    constructor: SafeConstructor | None = getattr(_LOCAL, "constructor", None)
    if constructor is None:
        constructor = _LOCAL.constructor = SafeConstructor()
    return constructor


# libyaml composes ~15x faster than the pure-Python parser, with the same nodes, tags and
# positions; use it when PyYAML was built with it.
_LOADER: Final[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def read_yaml(text: str, file: str, reporter: Reporter) -> Located | None:
    """Compose ``text`` into nodes, reporting syntax errors, unsafe tags and duplicate keys."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = int(mark.line) + 1 if mark else 0
        col = int(mark.column) + 1 if mark else 0
        problem = err.problem or "invalid YAML"
        ctx = f" ({err.context})" if err.context else ""
        reporter.diagnostics.append(
            Diagnostic(
                "D101",
                f"YAML syntax error: {problem}{ctx}",
                file,
                line,
                col,
                "",
                "check indentation, quotes and colons on this line or the one before",
            )
        )
        return None
    except yaml.YAMLError as err:
        reporter.diagnostics.append(Diagnostic("D101", f"YAML error: {err}", file, 1, 1))
        return None
    if node is None:
        reporter.diagnostics.append(
            Diagnostic("D103", "the file is empty", file, 1, 1, "", "start with 'id:' and 'name:'")
        )
        return None
    root = Located(node, "", file)
    ok = _check_nodes(root, reporter)
    return root if ok else None


def _check_nodes(loc: Located, reporter: Reporter, visited: set[int] | None = None) -> bool:
    """Check tags and keys of ``loc`` and below; ``False`` when the tree cannot be read safely.

    A node reached again through an alias is not walked twice: a "billion laughs" file of
    nested aliases is then checked in linear time.
    """
    visited = set() if visited is None else visited
    node = loc.node
    if id(node) in visited:
        return True
    visited.add(id(node))
    ok = True
    if node.tag not in _SAFE_TAGS:
        reporter.error(
            "D102",
            f"YAML tag {node.tag!r} is not allowed",
            loc,
            "procedure files hold plain data only; remove the tag",
        )
        return False
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for k_node, v_node in node.value:
            key = str(k_node.value) if isinstance(k_node, ScalarNode) else "?"
            k = Located(k_node, _join(loc.path, key), loc.file)
            v = Located(v_node, _join(loc.path, key), loc.file)
            if not k.is_scalar or k_node.tag not in _SAFE_TAGS:
                reporter.error(
                    "D102",
                    "mapping keys must be plain text",
                    k,
                    "write the key as plain text (merge keys '<<' are not supported)",
                )
                ok = False
                continue
            if key in seen:
                # Reported, not fatal: the rest of the file is still checked (the first wins).
                reporter.error(
                    "D104",
                    f"duplicate key {key!r} (first on line {seen[key]})",
                    k,
                    "remove one of them; YAML would silently keep only the last",
                )
                continue
            seen[key] = k.line
            ok = _check_nodes(v, reporter, visited) and ok
    elif isinstance(node, SequenceNode):
        for el in loc.elements():
            ok = _check_nodes(el, reporter, visited) and ok
    return ok
