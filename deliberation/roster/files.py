"""Reading rosters strictly: CSV and YAML files, a YAML node inside another file (a scenario's
``roster:``) and plain Python rows, all by the one field table in :mod:`.fields`.

Unknown columns or keys, missing required ones, mistyped values, empty or repeated ids are all
reported at once, each with file, line, column and the column name or YAML path, as coded
:class:`~deliberation.roster.problems.RosterProblem` (R-codes, see docs/roster.md). No input
raises anything but :class:`~deliberation.roster.problems.RosterFileError`.

>>> read = parse_csv("id,household,is_adult\\nv1,h1,no\\n", "v.csv")
>>> read.villagers, [p.diagnostic().format() for p in read.problems]
(None, ["v.csv:1:3: R201 is_adult: unknown column 'is_adult' (hint: did you mean 'adult'?)"])
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final, Literal

import attrs
from yaml.nodes import ScalarNode

from deliberation.diagnostics import Diagnostic
from deliberation.i18n import Text, Triple, _, each_lang, quoted
from deliberation.reprs import fields_repr
from deliberation.roster.fields import (
    FIELD,
    FIELDS,
    REQUIRED,
    Bad,
    Cell,
    Field,
    Value,
    default,
    parse,
    parse_text,
    suggest,
)
from deliberation.roster.generate import DEFAULTS, check_generate, generate_villagers
from deliberation.roster.problems import RosterFileError, RosterProblem
from deliberation.roster.villager import Villager
from deliberation.yamlsource import Located, Reporter, read_yaml

FIELD_NAMES: Final = tuple(f.name for f in FIELDS)
CSV_SUFFIXES: Final = (".csv",)
YAML_SUFFIXES: Final = (".yaml", ".yml")
_NULL_TAG: Final = "tag:yaml.org,2002:null"
_NO_HINT: Final = Triple.same("")
# A roster file larger than this is not one a village keeps (far above 20,000 people's rows).
MAX_FILE_BYTES: Final = 64 * 1024 * 1024
_Where = Callable[[str], tuple[int, int, str]]  # a field's line, column and path


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
class Read:
    """What reading gave: the villagers (``None`` when there was any problem) and the problems."""

    villagers: tuple[Villager, ...] | None
    problems: tuple[RosterProblem, ...]

    def unwrap(self) -> tuple[Villager, ...]:
        """The villagers, or :class:`RosterFileError` listing every problem."""
        if self.villagers is None or self.problems:
            raise RosterFileError(self.problems)
        return self.villagers


@fields_repr
@attrs.define(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
class _Problems:
    file: str
    found: list[RosterProblem] = attrs.field(factory=list)

    def add(self, code: str, message: Text, line: int = 0, column: int = 0, path: str = "",
            hint: Text = _NO_HINT) -> None:
        self.found.append(RosterProblem(code, message, self.file, line, column, path, hint))

    def result(self, villagers: list[Villager] | None) -> Read:
        ok = villagers is not None and not self.found
        # In file order; problems without a line (plain rows) keep the order they were found.
        found = sorted(self.found, key=lambda p: (p.line, p.column))
        return Read(tuple(villagers or ()) if ok else None, tuple(found))


# -- files ---------------------------------------------------------------------------------------
def read_file(path: str | Path, kind: Literal["csv", "yaml"] | None = None) -> Read:
    """Read a roster file as ``kind``, or by its suffix (``.csv``, ``.yaml``/``.yml``) when
    ``kind`` is ``None``. Never raises.

    >>> read_file("no-such.csv").problems[0].code
    'R100'
    """
    file = str(path)
    problems = _Problems(file)
    suffix = Path(file).suffix.lower()
    if kind is None and suffix in CSV_SUFFIXES + YAML_SUFFIXES:
        kind = "csv" if suffix in CSV_SUFFIXES else "yaml"
    if kind is None:
        problems.add("R100", _("not a roster file type: {suffix}").format(
            suffix=quoted(suffix) if suffix else _("(no suffix)")), 1, 1, hint=_(
                "a roster is a .csv or a .yaml file",
            ))
        return problems.result(None)
    text = _text(Path(file), problems)
    if text is None:
        return problems.result(None)
    return parse_csv(text, file) if kind == "csv" else parse_yaml(text, file)


def _text(path: Path, problems: _Problems) -> str | None:
    """The file as text (UTF-8, with or without a byte-order mark), or ``None`` and R100."""
    try:
        if path.exists() and not path.is_file():
            # a folder, or a device such as /dev/zero (reading it would never end)
            problems.add("R100", _("not a regular file"), 1, 1)
            return None
        if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
            problems.add("R100", _("larger than {size} MiB").format(
                size=MAX_FILE_BYTES // (1024 * 1024)), 1, 1)
            return None
        data = path.read_bytes()
    except OSError as err:
        problems.add("R100", _("cannot read the file: {value}").format(value=err.strerror or err),
                     1, 1)
        return None
    save_utf8 = _("save it as UTF-8 (in a spreadsheet: 'CSV UTF-8')")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.add("R100", _("the file is UTF-16, not UTF-8"), 1, 1, hint=save_utf8)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.add("R100", _(
            "the file is not UTF-8 text (byte {value})",
        ).format(value=err.start + 1),
                     line, 0, hint=save_utf8)
        return None


# -- CSV -----------------------------------------------------------------------------------------
def parse_csv(text: str, file: str = "<roster.csv>") -> Read:
    """Read CSV roster text: a header row of column names, then one person per row."""
    import csv  # (lazy: start-up speed; a stored case's roster is no CSV)

    problems = _Problems(file)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for row in reader:
            start, last = last + 1, reader.line_num
            if any(cell.strip() for cell in row):  # blank lines (or only commas) are skipped
                rows.append((start, row))
    except csv.Error as err:
        problems.add("R101", _("CSV syntax error: {err}").format(err=err), reader.line_num, 0)
        return problems.result(None)
    if not rows:
        problems.add("R103", _("the file is empty"), 1, 1, hint=_(
            "start with a header row such as id,household,adult",
        ))
        return problems.result(None)
    (header_line, header), body = rows[0], rows[1:]
    columns = _header(header_line, [h.strip() for h in header], problems)
    if columns is None:
        return problems.result(None)
    villagers: list[Villager] = []
    ids: dict[str, int] = {}
    column_of = {f.name: i + 1 for i, f in columns.items()}
    # Flags, Party status and committees take a handful of distinct values in a whole file;
    # read each distinct one once (this call only) — it halves the time of a large roster.
    seen: dict[tuple[str, str | None], Value | Bad] = {}

    def read(f: Field, text: str | None) -> Value | Bad:
        if f.kind == "text":
            return parse_text(f, text)
        key = (f.name, text)
        if key not in seen:
            seen[key] = parse_text(f, text)
        return seen[key]

    for line, row in body:
        if len(row) != len(header):
            # located at the first missing cell (with its column's name) or the first extra one
            first = len(row) + 1 if len(row) < len(header) else len(header) + 1
            name = header[first - 1].strip() if first <= len(header) else ""
            problems.add("R207", _(
                "this row has {len} cell(s), the header has {len2}",
            ).format(len=len(row), len2=len(header)), line, first, name,
                hint=_("look for a missing or extra comma; quote a value that holds a comma"))
        parsed = {f.name: read(f, row[i] if i < len(row) else None) for i, f in columns.items()}
        v = _villager(parsed, _in_row(line, column_of), problems, line, ids)
        if v is not None:
            villagers.append(v)
    return problems.result(villagers)


def _in_row(line: int, column_of: Mapping[str, int]) -> _Where:
    def where(name: str) -> tuple[int, int, str]:
        return line, column_of[name], name

    return where


def _header(line: int, names: list[str], problems: _Problems) -> dict[int, Field] | None:
    """The known columns by position, with R201/R104/R202 for the others; ``None`` (R105) when
    no column is a roster column at all."""
    known = [n for n in names if n in FIELD]
    if not known:
        problems.add("R105", _("this is not a roster: the header has no id, household… column"),
                     line, 1, hint=_separator_hint(names))
        return None
    columns: dict[int, Field] = {}
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            problems.add("R201", _(
                "column {value} has no name",
            ).format(value=i + 1), line, i + 1, hint=_(
                                       "remove the empty column or give it a name",
                                   ))
        elif name in seen:
            problems.add("R104", _(
                "column {name!r} appears twice (first as column {value})",
            ).format(name=name, value=seen[name]),
                         line, i + 1, name)
        elif name not in FIELD:
            problems.add("R201", _("unknown column {name!r}").format(name=name), line, i + 1, name,
                         suggest(name, FIELD_NAMES))
        else:
            columns[i] = FIELD[name]
        seen.setdefault(name, i + 1)
    for name in REQUIRED:
        if name not in seen:
            problems.add("R202", _(
                "missing required column {name!r}",
            ).format(name=name), line, 1, name)
    return columns


def _separator_hint(names: list[str]) -> Text:
    if len(names) == 1 and any(sep in names[0] for sep in ";\t"):
        return _("separate columns with commas")
    return _("the first row names the columns: {value}").format(value=', '.join(FIELD_NAMES))


# -- one person ----------------------------------------------------------------------------------
_DEFAULTS: Final[Mapping[str, Value]] = {f.name: default(f) for f in FIELDS if not f.required}
_REQUIRED: Final = frozenset(REQUIRED)
_VALUE_TYPES: Final = frozenset((str, bool, frozenset))  # a Value's types; anything else is Bad


def _villager(parsed: Mapping[str, Value | Bad], locate: _Where, problems: _Problems, line: int,
              ids: dict[str, int], position: int = 0) -> Villager | None:
    """One person from the values read for the fields present (``locate`` says where each
    stands), or ``None`` with the problems added.

    ``ids`` maps each id seen so far to its line (or, with ``line`` 0, its 0-based position),
    for R206. An absent required field was reported by the caller (R202).
    """
    before = len(problems.found)
    values: dict[str, Any] = dict(_DEFAULTS)
    values.update(parsed)  # (start-up speed) a Bad among them: no villager, values unused
    if not _VALUE_TYPES.issuperset(map(type, parsed.values())):  # (in C: a stored roster has
        # no Bad, and a set finds a type by its hash, where ``in`` would compare each)
        for name, got in parsed.items():
            if type(got) is Bad:
                at_line, column, at = locate(name)
                problems.add(got.code, got.message, at_line, column, at, got.hint)
    vid = values.get("id")
    if isinstance(vid, str):
        if vid in ids:
            first = ids[vid]
            twice = (_("id {vid} appears twice (first at line {n})") if line
                     else _("id {vid} appears twice (first at person {n})"))
            twice = twice.format(vid=quoted(vid), n=first if line else first + 1)
            at_line, column, at = locate("id")  # (the id's own place: read, so it has one)
            problems.add("R206", twice, at_line, column, at, _("give each person their own id"))
        else:
            ids[vid] = line or position
    if len(problems.found) > before or not values.keys() >= _REQUIRED:
        return None
    return Villager(**values)


# -- YAML ----------------------------------------------------------------------------------------
# A YAML problem's roster code, and the lead a Chinese message starts with (the English message
# says what is wrong on its own).
_YAML_LEADS: Final[Mapping[str, tuple[str, Text]]] = {
    "D101": ("R101", _("YAML format error")),
    "D102": ("R102", _("YAML that is not allowed")),
    "D103": ("R103", _("the file is empty")),
    "D104": ("R104", _("a key is repeated")),
}
_YAML_ERROR: Final = ("R101", _("YAML error"))


def parse_yaml(text: str, file: str = "<roster.yaml>") -> Read:
    """Read YAML roster text: a list of people, or a mapping with ``villagers:`` holding one."""
    problems = _Problems(file)
    reporter = Reporter(file)
    root = read_yaml(text.removeprefix("\ufeff"), file, reporter)
    for d in reporter.diagnostics:
        code, lead = _YAML_LEADS.get(d.code, _YAML_ERROR)
        problems.add(code, _yaml_message(lead, d), d.line, d.column, d.path)
    if root is None:
        return problems.result(None)
    return _merge(problems, read_node(root))


def _yaml_message(lead: Text, d: Diagnostic) -> Text:
    """The YAML reader's message, led in Chinese by what kind of problem it is."""
    return each_lang(lambda lang: d.message_in(lang) if lang == "en"
                     else _("{lead}: {message}").format(lead=lead, message=d.message_in(lang))
                     .get(lang))


def _merge(problems: _Problems, read: Read) -> Read:
    problems.found += read.problems
    return problems.result(list(read.villagers) if read.villagers is not None else None)


def read_node(root: Located, allow_generate: bool = False) -> Read:
    """Read a roster from a located YAML node: a list of people, ``{villagers: [...]}`` or, when
    ``allow_generate``, ``{generate: {counts}}`` (a scenario's ``roster:``)."""
    problems = _Problems(root.file)
    keys = ("villagers", "generate") if allow_generate else ("villagers",)
    if root.is_seq:
        return problems.result(_people(root, problems))
    if not root.is_map:
        problems.add("R105", _("this is not a roster: expected a list of people or villagers:"),
                     root.line, root.column, root.path)
        return problems.result(None)
    entries = list(root.items())
    if entries and not any(key in keys for key, _, _ in entries):
        problems.add("R105", _("this is not a roster: there is no villagers: key"),
                     root.line, root.column, root.path, suggest(entries[0][0], keys))
        return problems.result(None)
    for key, k, _unused in entries:
        if key not in keys:
            problems.add("R201", _("unknown key {key!r}").format(key=key),
                         k.line, k.column, k.path, suggest(key, keys))
    people, counts = root.get("villagers"), root.get("generate")
    if people is not None and counts is not None and allow_generate:
        problems.add("R201", _("give either villagers or generate, not both"),
                     root.line, root.column, root.path)
        return problems.result(None)
    if counts is not None and allow_generate:
        return problems.result(_generate(counts, problems))
    if people is None:
        problems.add("R202", _("missing villagers:"),
                     root.line, root.column, root.path)
        return problems.result(None)
    if not people.is_seq:
        problems.add("R203", _("villagers must be a list of people"),
                     people.line, people.column, people.path)
        return problems.result(None)
    return problems.result(_people(people, problems))


def _people(seq: Located, problems: _Problems) -> list[Villager]:
    villagers: list[Villager] = []
    ids: dict[str, int] = {}
    for el in seq.elements():
        if not el.is_map:
            problems.add("R208", _("each person is a mapping such as {id: v1, household: h1}"),
                         el.line, el.column, el.path)
            continue
        cells: dict[str, Cell] = {}
        for key, k, v in el.items():
            if key in FIELD:
                cells[key] = _cell(v)
            else:
                problems.add("R201", _(
                    "unknown key {key!r}",
                ).format(key=key), k.line, k.column, k.path,
                             suggest(key, FIELD_NAMES))
        for name in REQUIRED:
            if name not in cells:
                problems.add("R202", _(
                    "missing required key {name!r}",
                ).format(name=name), el.line, el.column,
                             f"{el.path}.{name}")
        person = _villager(_parse_cells(cells), _locate(cells), problems, el.line, ids)
        if person is not None:
            villagers.append(person)
    return villagers


def _parse_cells(cells: Mapping[str, Cell]) -> dict[str, Value | Bad]:
    return {name: parse(FIELD[name], cell) for name, cell in cells.items()}


def _locate(cells: Mapping[str, Cell]) -> _Where:
    def where(name: str) -> tuple[int, int, str]:
        cell = cells[name]
        return cell.line, cell.column, cell.path

    return where


def _cell(loc: Located) -> Cell:
    """A YAML value as a cell: scalars as written (so ``007`` stays ``'007'``), lists of them."""
    at = attrs.evolve(_NO_CELL, line=loc.line, column=loc.column, path=loc.path)
    node = loc.node
    if isinstance(node, ScalarNode):
        return attrs.evolve(at, text=None if node.tag == _NULL_TAG else str(node.value))
    if loc.is_seq:
        items: list[str] = []
        for el in loc.elements():
            if not isinstance(el.node, ScalarNode):
                return attrs.evolve(at, other="a nested list or mapping")
            items.append("" if el.node.tag == _NULL_TAG else str(el.node.value))
        return attrs.evolve(at, items=tuple(items))
    return attrs.evolve(at, other="a mapping")


_NO_CELL: Final = Cell()


def _generate(loc: Located, problems: _Problems) -> list[Villager] | None:
    if not (loc.is_map or (loc.is_scalar and loc.node.tag == _NULL_TAG)):
        problems.add("R302", _("generate takes counts such as {households: 60, people: 150}"),
                     loc.line, loc.column, loc.path)
        return None
    params: dict[str, Any] = {}
    where: dict[str, Located] = {}
    for key, k, v in loc.items() if loc.is_map else ():
        params[key] = v.value()
        where[key] = k if key not in DEFAULTS else v
    found = check_generate(params)
    for p in found:
        at = where.get(p.param, loc)
        hint = suggest(p.param, tuple(DEFAULTS)) if p.code == "R301" else _NO_HINT
        problems.add(p.code, p.message, at.line, at.column, at.path, hint)
    return None if found else list(generate_villagers(**{**DEFAULTS, **params}))


def read_counts(params: Mapping[str, Any], source: str = "<generate>") -> Read:
    """A synthetic roster from counts (see :mod:`.generate`), or every problem with them."""
    problems = _Problems(source)
    found = check_generate(params)
    for p in found:
        hint = suggest(p.param, tuple(DEFAULTS)) if p.code == "R301" else _NO_HINT
        problems.add(p.code, p.message, path=p.param, hint=hint)
    return problems.result(None if found else list(generate_villagers(**{**DEFAULTS, **params})))


def read_data(data: object, source: str = "<roster>") -> Read:
    """A roster from plain data: ``{generate: {counts}}``, ``{villagers: [rows]}`` or rows."""
    if not isinstance(data, Mapping):
        return read_rows(data, source)
    problems = _Problems(source)
    keys = ("villagers", "generate")
    for key in data:
        if key not in keys:
            problems.add("R201", _("unknown key {key!r}").format(key=key),
                         path=str(key), hint=suggest(str(key), keys))
    if "generate" in data and "villagers" not in data:
        counts = data["generate"] or {}
        if not isinstance(counts, Mapping):
            problems.add("R302", _("generate takes counts such as {households: 60}"),
                         path="generate")
            return problems.result(None)
        return _merge(problems, read_counts(counts, source))
    if "villagers" in data and "generate" not in data:
        return _merge(problems, read_rows(data["villagers"], source))
    problems.add("R105", _("a roster is generate: {…}, villagers: [...] or a list of people"))
    return problems.result(None)


# -- Python rows ---------------------------------------------------------------------------------
def read_rows(rows: object, source: str = "<roster>") -> Read:
    """Read plain rows (mappings of field name to value), as :meth:`Roster.to_data` writes
    them; a problem's path is ``[n].field`` (0-based)."""
    problems = _Problems(source)
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Iterable):
        problems.add("R105", _("a roster is a list of people"))
        return problems.result(None)
    villagers: list[Villager] = []
    ids: dict[str, int] = {}
    # Each distinct value of a field is parsed once (this call only): a stored roster, read on
    # every case load, repeats the same flags, sexes and committees on every row (start-up
    # speed). The values are immutable and depend on nothing else. A field's values are kept
    # by the value itself when it is text, a flag or empty (these never equal one another),
    # by the type and value when a number (True == 1) and as a tuple when a list of texts.
    parsed_once: dict[str, dict[object, Value | Bad]] = {name: {} for name in FIELD}
    for n, row in enumerate(rows):
        # (``type(row) is dict`` first: the plain rows of a stored roster skip the ABC check)
        if type(row) is not dict and not isinstance(row, Mapping):
            problems.add("R208", _("each person is a mapping"), path=f"[{n}]")
            continue
        parsed: dict[str, Value | Bad] = {}
        for key, value in row.items():
            try:
                once = parsed_once[key]
            except KeyError:
                problems.add("R201", _("unknown key {key!r}").format(key=key), path=f"[{n}].{key}",
                             hint=suggest(str(key), FIELD_NAMES))
                continue
            # (the type compared first, most common first: every value of a stored roster
            # comes here)
            kind = type(value)
            if kind is str or kind is bool or value is None:
                memo: object = value
            elif kind is int or kind is float:
                memo = kind, value
            elif kind is list and {*map(type, value)} <= _TEXT_TYPE:
                memo = tuple(value)
            else:
                parsed[key] = _parse_value(FIELD[key], value)
                continue
            got = once.get(memo)
            if got is None:
                got = once[memo] = _parse_value(FIELD[key], value)
            parsed[key] = got
        if not parsed.keys() >= _REQUIRED:
            for name in REQUIRED:
                if name not in parsed:
                    problems.add("R202", _(
                        "missing required key {name!r}",
                    ).format(name=name), path=f"[{n}].{name}")
        v = _villager(parsed, _row_place(n), problems, 0, ids, position=n)
        if v is not None:
            villagers.append(v)
    return problems.result(villagers)


# The element types of a list of texts: a set of them compared in C, not a generator per list.
_TEXT_TYPE: Final = frozenset((str,))


def _row_place(n: int) -> _Where:
    # The path is written only for a problem: a stored case's roster (hundreds of people) is
    # read on every load, and nearly always has none.
    return lambda name: (0, 0, f"[{n}].{name}")


def _parse_value(field: Field, value: object) -> Value | Bad:
    """The typed value of one plain value: a scalar as its text (what :func:`~.fields.parse`
    does with a cell holding just that text), anything else as a cell."""
    if value is None:
        return parse_text(field, None)
    if isinstance(value, bool):
        return parse_text(field, "true" if value else "false")
    if isinstance(value, (str, int, float)):
        return parse_text(field, str(value))
    return parse(field, _value_cell(value))


def _value_cell(value: object) -> Cell:
    """A value that is not a scalar (a list, a mapping…) as a cell."""
    if isinstance(value, (list, tuple, set, frozenset)):
        if all(isinstance(x, str) for x in value):
            return Cell(items=tuple(sorted(value) if isinstance(value, (set, frozenset))
                                    else value))
        return Cell(other="a list of non-text values")
    return Cell(other=f"a {type(value).__name__}")
