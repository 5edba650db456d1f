"""Safe YAML reading with positions: every value keeps its file, line, column and YAML path.

Only YAML's core types are accepted; any other tag (``!!python/object`` …) is a diagnostic, not
an object. Duplicate keys are reported rather than silently overwritten.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import attrs
import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from deliberation.diagnostics import Diagnostic
from deliberation.i18n import Text, _
from deliberation.reprs import fields_repr

_SAFE_TAGS: Final = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "bool", "null", "float", "seq", "map", "timestamp")
)
_STR_TAG: Final = "tag:yaml.org,2002:str"


@fields_repr
@attrs.define(repr=False, eq=False)  # a collector, never compared: no __eq__ to compile
class Reporter:
    """Collects diagnostics for one file, so a loader can report every problem at once."""

    file: str
    diagnostics: list[Diagnostic] = attrs.field(factory=list)

    def error(
        self,
        code: str,
        message: str | Text,
        at: Located | None = None,
        hint: str | Text = "",
        path: str | None = None,
    ) -> None:
        line = at.line if at else 0
        col = at.column if at else 0
        where = path if path is not None else (at.path if at else "")
        self.diagnostics.append(Diagnostic(code, message, self.file, line, col, where, hint))


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
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
        node = self.node
        if type(node) is ScalarNode and node.tag == _STR_TAG:
            # what the constructor gives a string, without it (start-up speed: every label)
            return node.value
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
            path = _join(self.path, key)
            yield key, Located(k, path, self.file), Located(v, path, self.file)

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


# A procedure file larger than this is not one a person wrote (and could exhaust memory).
MAX_FILE_BYTES: Final = 16 * 1024 * 1024


def read_text_file(path: str | os.PathLike[str]) -> str | Diagnostic:
    """The file's text, or a located D100 diagnostic saying why it cannot be read: missing, not
    a regular file (a folder, /dev/zero), too large, or not UTF-8 (at the offending byte's
    line and column). File-level problems are located at 1:1, never at line 0.

    >>> read_text_file("/no/such.yaml").format()
    '/no/such.yaml:1:1: D100 no such file (hint: check the path)'
    """
    name = os.fspath(path)
    p = Path(name)
    try:
        if not p.exists():
            return Diagnostic("D100", _("no such file"), name, 1, 1, hint=_("check the path"))
        if not p.is_file():
            return Diagnostic("D100", _("not a regular file"), name, 1, 1,
                              hint=_("give a .yaml file"))
        if p.stat().st_size > MAX_FILE_BYTES:
            return Diagnostic(
                "D100",
                _("larger than {value} MiB").format(value=MAX_FILE_BYTES // (1024 * 1024)),
                name,
                1,
                1,
            )
        data = p.read_bytes()
    except OSError as err:
        return Diagnostic(
            "D100", _("cannot read the file: {strerror}").format(strerror=err.strerror), name, 1, 1
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return Diagnostic(
            "D100",
            _("not UTF-8 text (byte 0x{value:02x})").format(value=data[err.start]),
            name,
            line,
            column,
            hint=_("save the file as UTF-8"),
        )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _syntax_error(reporter: Reporter, file: str, line: int, col: int, problem: str | None,
                  context: str | None) -> None:
    # PyYAML's words in the reader's language; imported here, for start-up speed: the table is
    # needed only when a file is broken
    from deliberation import yamlwords

    said = yamlwords.problem(problem, context) if problem else _("invalid YAML")
    reporter.diagnostics.append(
        Diagnostic(
            "D101",
            _("YAML syntax error: {problem}").format(problem=said),
            file,
            line,
            col,
            "",
            _("check indentation, quotes and colons on this line or the one before"),
        )
    )


def _escape_beyond_unicode(text: str) -> tuple[int, int]:
    """Line and column (from 1) of the digits of the first ``\\UXXXXXXXX`` escape beyond
    U+10FFFF in ``text`` (where libyaml places the error), else the start of the file.

    >>> _escape_beyond_unicode('a: 1\\nb: "x\\\\U0011FFFF"\\n')
    (2, 8)
    """
    for found in re.finditer(r"\\U([0-9A-Fa-f]{8})", text):
        if int(found.group(1), 16) > 0x10FFFF:
            start = found.start()
            line_start = text.rfind("\n", 0, start) + 1
            return text.count("\n", 0, start) + 1, start - line_start + 3
    return 1, 1


def read_yaml(text: str, file: str, reporter: Reporter) -> Located | None:
    """Compose ``text`` into nodes, reporting syntax errors, unsafe tags and duplicate keys."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = int(mark.line) + 1 if mark else 0
        col = int(mark.column) + 1 if mark else 0
        _syntax_error(reporter, file, line, col, err.problem, err.context)
        return None
    except (ValueError, OverflowError):
        # Only the pure-Python scanner (PyYAML without libyaml): it hands an escape beyond
        # Unicode ("\U0011FFFF") to chr() unchecked; libyaml refuses it as a ScannerError.
        line, col = _escape_beyond_unicode(text)
        _syntax_error(reporter, file, line, col,
                      "found invalid Unicode character escape code", None)
        return None
    except yaml.YAMLError as err:
        from deliberation import yamlwords  # start-up speed, as above

        said: Text | str = str(err)
        if isinstance(err, yaml.reader.ReaderError) and not isinstance(err.character, bytes):
            said = yamlwords.reader_error(err.character, err.reason, str(err))
        reporter.diagnostics.append(
            Diagnostic("D101", _("YAML error: {err}").format(err=said), file, 1, 1)
        )
        return None
    except RecursionError:  # the pure-Python composer, on absurdly deep nesting
        reporter.diagnostics.append(
            Diagnostic(
                "D101",
                _("nested more than {MAX_DEPTH} levels deep").format(MAX_DEPTH=MAX_DEPTH),
                file,
                1,
                1,
            )
        )
        return None
    if node is None:
        reporter.diagnostics.append(
            Diagnostic(
                "D103", _("the file is empty"), file, 1, 1, "", _("start with 'id:' and 'name:'")
            )
        )
        return None
    root = Located(node, "", file)
    ok = _check_nodes(root, reporter) and _check_expansion(root, reporter)
    return root if ok else None


# What a file may expand to once its aliases are followed: far above any real procedure (a few
# thousand values), far below what a "billion laughs" file reaches (and memory would not hold).
MAX_EXPANDED: Final = 200_000


def _check_expansion(root: Located, reporter: Reporter) -> bool:
    """Refuse aliases that multiply into more than :data:`MAX_EXPANDED` values, located at the
    innermost value that is too large (where the multiplying happens)."""
    sizes: dict[int, int] = {}

    def size(node: Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        # plain loops, scalars counted in place (start-up speed: every node of every file)
        if isinstance(node, MappingNode):
            for k, v in node.value:
                total += (1 if type(k) is ScalarNode else size(k)) + (
                    1 if type(v) is ScalarNode else size(v))
        elif isinstance(node, SequenceNode):
            for v in node.value:
                total += 1 if type(v) is ScalarNode else size(v)
        sizes[id(node)] = min(total, MAX_EXPANDED + 1)  # capped: no huge integers either
        return sizes[id(node)]

    if size(root.node) <= MAX_EXPANDED:
        return True
    loc = root
    while True:
        children = (
            [v for _, _, v in loc.items()]
            if loc.is_map
            else list(loc.elements())
            if loc.is_seq
            else []
        )
        big = next((c for c in children if size(c.node) > MAX_EXPANDED), None)
        if big is None:
            break
        loc = big
    reporter.error(
        "D101",
        _("aliases here expand to more than {MAX_EXPANDED:,} values").format(
            MAX_EXPANDED=MAX_EXPANDED
        ),
        loc,
        _("a procedure file does not need aliases that repeat others many times"),
    )
    return False


# Deeper than any procedure or scenario needs; far from Python's recursion limit.
MAX_DEPTH: Final = 64
# Integers beyond a signed 64-bit value mean nothing in a procedure (and a 3,600-digit number
# would break every later step that formats or compares it).
MAX_INT: Final = 2**63 - 1
_TYPED_SCALARS: Final = {
    "tag:yaml.org,2002:int": _("an integer"),
    "tag:yaml.org,2002:float": _("a number"),
    "tag:yaml.org,2002:timestamp": _("a date"),
}


_NODE_TAGS: Final[dict[type, frozenset[str]]] = {
    ScalarNode: _SAFE_TAGS - {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"},
    SequenceNode: frozenset({"tag:yaml.org,2002:seq"}),
    MappingNode: frozenset({"tag:yaml.org,2002:map"}),
}


def _check_scalar(loc: Located, reporter: Reporter) -> bool:
    """A typed scalar must construct (``2026-13-45`` is not a date, ``0x_`` not an int)."""
    kind = _TYPED_SCALARS.get(loc.node.tag)
    if kind is None:
        return True
    try:
        value = _constructor().construct_object(loc.node)
    except (
        ValueError,
        TypeError,
        OverflowError,
        AttributeError,
        IndexError,
        yaml.YAMLError,
    ) as err:  # AttributeError: PyYAML's own, on "!!timestamp x"
        reporter.error(
            "D101",
            _("{value!r} is not {kind} ({err})").format(
                value=str(loc.node.value)[:40], kind=kind, err=err
            ),
            loc,
            _("quote it to keep it as text"),
        )
        return False
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        reporter.error(
            "D202",
            _("the integer {value}… is too large").format(value=str(loc.node.value)[:20]),
            loc,
            _("integers are at most {MAX_INT}").format(MAX_INT=MAX_INT),
        )
        return False
    return True


def _check_nodes(
    loc: Located,
    reporter: Reporter,
    visited: set[int] | None = None,
    depth: int = 0,
    walking: set[int] | None = None,
) -> bool:
    """Check tags, keys and typed values of ``loc`` and below; ``False`` when the tree cannot
    be read safely.

    A node reached again through an alias is not walked twice: a "billion laughs" file of
    nested aliases is then checked in linear time. Nesting deeper than :data:`MAX_DEPTH` is
    refused, so no later step can overflow the stack.
    """
    visited = set() if visited is None else visited
    walking = set() if walking is None else walking  # the ancestors of this node
    node = loc.node
    if id(node) in walking:
        reporter.error(
            "D101",
            _("an alias refers to a value that contains it"),
            loc,
            _("a value cannot include itself; copy the part you need"),
        )
        return False
    if id(node) in visited:
        return True
    visited.add(id(node))
    walking.add(id(node))
    try:
        return _check_node(loc, node, reporter, visited, depth, walking)
    finally:
        walking.discard(id(node))


def _wrong_tag(node: Node) -> tuple[Text, Text] | None:
    """What is wrong with ``node``'s tag (the message and the hint), or ``None``: a tag beyond
    plain data, or a plain-data tag that does not fit the node."""
    if node.tag not in _SAFE_TAGS:
        return (_("YAML tag {tag!r} is not allowed").format(tag=node.tag),
                _("procedure files hold plain data only; remove the tag"))
    expected = _NODE_TAGS.get(type(node))
    if expected is not None and node.tag not in expected:
        # e.g. "!!seq x": a collection tag on a scalar, which PyYAML cannot construct.
        return (_("YAML tag {tag!r} does not fit this value").format(tag=node.tag),
                _("remove the tag"))
    return None


def _check_node(
    loc: Located,
    node: Node,
    reporter: Reporter,
    visited: set[int],
    depth: int,
    walking: set[int],
) -> bool:
    ok = True
    if depth > MAX_DEPTH:
        reporter.error(
            "D101",
            _("nested more than {MAX_DEPTH} levels deep").format(MAX_DEPTH=MAX_DEPTH),
            loc,
            _("procedure and scenario files are a few levels deep"),
        )
        return False
    wrong_tag = _wrong_tag(node)
    if wrong_tag is not None:
        message, hint = wrong_tag
        reporter.error("D102", message, loc, hint)
        return False
    if isinstance(node, ScalarNode):
        return _check_scalar(loc, reporter)
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for k_node, v_node in node.value:
            key = str(k_node.value) if isinstance(k_node, ScalarNode) else "?"
            # the key's Located and path only for a problem or a value walked (start-up
            # speed: every key of every file)
            if not isinstance(k_node, ScalarNode) or k_node.tag not in _SAFE_TAGS:
                reporter.error(
                    "D102",
                    _("mapping keys must be plain text"),
                    Located(k_node, _join(loc.path, key), loc.file),
                    _("write the key as plain text (merge keys '<<' are not supported)"),
                )
                ok = False
                continue
            if key in seen:
                # Reported, not fatal: the rest of the file is still checked (the first wins).
                reporter.error(
                    "D104",
                    _("duplicate key {key!r} (first on line {value})").format(
                        key=key, value=seen[key]
                    ),
                    Located(k_node, _join(loc.path, key), loc.file),
                    _("remove one of them; YAML would silently keep only the last"),
                )
                continue
            seen[key] = int(k_node.start_mark.line) + 1  # as Located.line
            if not _plain(v_node, depth + 1):
                v = Located(v_node, _join(loc.path, key), loc.file)
                ok = _check_nodes(v, reporter, visited, depth + 1, walking) and ok
    elif isinstance(node, SequenceNode):
        for i, el_node in enumerate(node.value):
            if not _plain(el_node, depth + 1):
                el = Located(el_node, f"{loc.path}[{i}]", loc.file)  # as Located.elements
                ok = _check_nodes(el, reporter, visited, depth + 1, walking) and ok
    return ok


# Scalars with nothing to check: text, null, a flag (no value to construct, see _check_scalar)
_PLAIN_TAGS: Final = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "null", "bool"))


def _plain(node: Node, depth: int) -> bool:
    """Whether ``node`` at ``depth`` is a scalar that :func:`_check_nodes` would pass without a
    word: most values of a file, which are then not walked (start-up speed)."""
    return type(node) is ScalarNode and node.tag in _PLAIN_TAGS and depth <= MAX_DEPTH
