"""Load procedure definitions from YAML: find them by id, validate, compose ``extends:``.

Every problem in a file is collected and reported together (:class:`DefinitionError` carries
the :class:`~deliberation.diagnostics.Diagnostic` list); nothing raises a raw traceback at the
user. ``extends:`` resolves by procedure id on the search path — the built-in ``procedures/``
plus the directories a caller names — never by a file path.

>>> p = load_procedure("six-deliberations-guzhuang")
>>> [s.id for s in p.stages]  # doctest: +NORMALIZE_WHITESPACE
['motion', 'proposal', 'discussion', 'review', 'consultation', 'resolution',
 'resolution-disclosure', 'results-disclosure']
"""

from __future__ import annotations

import enum
import importlib.util
import os
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs

from deliberation.definition import composites, gates, items
from deliberation.definition.checks import check_procedure
from deliberation.definition.groups import read_groups
from deliberation.definition.model import (
    DEFAULT_TIMEZONE,
    RECONVENE,
    ROUTE_KEYS,
    ActionKind,
    Basis,
    Body,
    Escalation,
    FrozenMap,
    Group,
    LawVersionRef,
    Outcome,
    OutcomeKind,
    ParamValue,
    Procedure,
    RuleSpec,
    Setting,
    SettingRef,
    SettingType,
    Stage,
    Supervision,
    Withdrawal,
)
from deliberation.definition.model import Level as _Level
from deliberation.definition.reading import elements, entries, names
from deliberation.diagnostics import Diagnostic, closest, suggest
from deliberation.errors import DefinitionError, UnknownProcedure
from deliberation.i18n import LANGS, Text, Triple, _, as_written, quoted, series
from deliberation.reprs import fields_repr
from deliberation.roster import SELECTORS
from deliberation.rules import RULES, Param
from deliberation.rules.attendance import QUORUM_BASES
from deliberation.rules.channels import CHANNELS
from deliberation.rules.days import zone_names
from deliberation.rules.electorate import EXCLUSION_REASONS, PROXY_MODES
from deliberation.rules.law import LAWS
from deliberation.rules.thresholds import FractionError, parse_fraction
from deliberation.yamlsource import Located, Reporter, read_text_file, read_yaml

FORMAT_VERSION: Final = 1
ID_PATTERN: Final = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")

RECORD_KINDS: Final = (
    "matter",
    "date",
    "meeting-form",
    "attendance",
    "votes",
    "content",
    "participant-signatures",
    "township-witness-signatures",
    "motion-text",
    "submitter-signatures",
    "opinions",
    "opinion-signatures",
    "channel",
    "period",
    "supervision-opinion",
    "handler",
    "task-result",
    "ratings",
    "rating-signatures",
    "level",
    "examination-checks",
    "return-reasons",
    "examiner-signatures",
    "instrument",
)

_TOP_KEYS: Final = (
    "format",
    "id",
    "version",
    "locality",
    "timezone",
    "name",
    "description",
    "basis",
    "settings",
    "bodies",
    "stages",
    "outcomes",
    "supervision",
    "withdrawal",
    "escalation",
    "extends",
    "channels",
    "groups",
    "authorities",
)
_STAGE_KEYS: Final = (
    "id",
    "name",
    "description",
    "action",
    "body",
    "rules",
    "records",
    "on",
    "max_rounds",
    "skip_when",
    "required_from",
    "basis",
    "items",
    "item_policy",
    "checks",
    "authority",
)
_STAGE_OPS: Final = ("insert_before", "insert_after", "replace", "remove", "update")
_UPDATE_KEYS: Final = ("update", "add_rules", "remove_rules", "set")

# an enumeration a file names a member of by its value (an action, a setting type…)
E = TypeVar("E", bound=enum.Enum)


# -- the search path --------------------------------------------------------------------------


def builtin_procedures_dir() -> Path:
    """The folder of the built-in procedures (``procedures/`` in the source tree)."""
    # the package's folder, found without importlib.resources (start-up speed: importing it
    # costs more than the whole lookup); the package is installed as files
    spec = importlib.util.find_spec("deliberation.procedures")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the built-in procedures (deliberation.procedures) are not installed")
    return Path(spec.submodule_search_locations[0])


_ID_LINE: Final = re.compile(r"^id:\s*['\"]?([A-Za-z0-9_.-]+)", re.MULTILINE)
# Earlier versions of the procedures in a folder, kept so that cases stored under them replay:
# ``history/ID@VERSION.yaml`` (never indexed as procedures of their own)
HISTORY: Final = "history"
# (a version a stored case names: bounded, so that no file name it makes is too long to ask for)
VERSION_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def _about(what: Text | str) -> Text:
    """What a diagnostic is about: a phrase in the reader's language, or a YAML key as the file
    writes it (in Chinese as code, so that no English word reads as prose there)."""
    return what if isinstance(what, Text) else as_written(what)


@fields_repr
@attrs.define(repr=False, eq=False)  # a search path with its cache, never compared (as above)
class Library:
    """The procedure search path: built-ins plus user directories, indexed by procedure id.

    >>> lib = Library()
    >>> "four-deliberations" in lib.ids()
    True
    """

    paths: tuple[Path, ...] = ()
    builtins: bool = True
    _index: dict[str, Path] | None = attrs.field(default=None, init=False)
    _cache: dict[str, Procedure] = attrs.field(factory=dict, init=False)

    def __attrs_post_init__(self) -> None:
        self.paths = tuple(Path(p) for p in self.paths)

    def directories(self) -> tuple[Path, ...]:
        # User directories come first so a locality can shadow a built-in id on purpose.
        return self.paths + ((builtin_procedures_dir(),) if self.builtins else ())

    def index(self) -> dict[str, Path]:
        if self._index is None:
            index: dict[str, Path] = {}
            for d in self.directories():
                if not d.is_dir():
                    continue
                for f in sorted(d.iterdir()):
                    if f.suffix not in (".yaml", ".yml"):
                        continue
                    try:
                        m = _ID_LINE.search(f.read_text(encoding="utf-8"))
                    except (OSError, UnicodeDecodeError):
                        continue
                    if m and m.group(1) not in index:
                        index[m.group(1)] = f
            self._index = index
        return self._index

    def ids(self) -> list[str]:
        return sorted(self.index())

    def path_of(self, procedure_id: str) -> Path:
        try:
            return self.index()[procedure_id]
        except KeyError:
            hint = suggest(procedure_id, self.index())
            raise UnknownProcedure(
                _(
                    "no procedure {procedure_id!r} on the search path ({hint})",
                ).format(procedure_id=procedure_id, hint=hint)
            ) from None

    def load(self, procedure_id: str, version: str | None = None) -> Procedure:
        """The procedure with this id, validated and composed (cached): its current version,
        or, when ``version`` names an earlier one, that version as kept for replay in
        ``history/ID@VERSION.yaml`` beside the current file (with
        :attr:`~deliberation.definition.model.Procedure.superseded_by` set; only cases already
        stored under it use it). :class:`UnknownProcedure` when no such version is kept.

        >>> old = Library().load("four-deliberations-shandong", "1.0")
        >>> old.version, old.superseded_by
        ('1.0', '1.2')
        """
        if procedure_id not in self._cache:
            path = self.path_of(procedure_id)
            self._cache[procedure_id] = load_file(path, library=self)
        current = self._cache[procedure_id]
        if version is None or version == current.version:
            return current
        key = f"{procedure_id}@{version}"
        if key not in self._cache:
            path = self.history_path(procedure_id, version)
            old = load_file(path, library=self)
            if (old.id, old.version) != (procedure_id, version):
                raise UnknownProcedure(_(
                    "{file} holds {id} version {version}, not the one its name says",
                ).format(file=str(path), id=old.id, version=old.version))
            self._cache[key] = attrs.evolve(old, superseded_by=current.version)
        return self._cache[key]

    def history_path(self, procedure_id: str, version: str) -> Path:
        """The file that keeps ``version`` of ``procedure_id``, superseded: in ``history/``
        beside the file of its current version (:class:`UnknownProcedure` when there is none;
        the version comes from a stored case and never names another folder)."""
        path = self.path_of(procedure_id).parent / HISTORY / f"{procedure_id}@{version}.yaml"
        if not VERSION_PATTERN.fullmatch(version) or not path.is_file():
            raise UnknownProcedure(_(
                "{id} version {version} is not kept for replay (kept: {kept})",
            ).format(id=as_written(procedure_id), version=as_written(version),
                     kept=self.kept_versions(procedure_id)))
        return path

    def kept_versions(self, procedure_id: str) -> Text:
        """The earlier versions of ``procedure_id`` kept for replay (in ``history/``), as a
        reader sees them ("-" when none)."""
        folder = self.path_of(procedure_id).parent / HISTORY
        kept = sorted(f.stem.partition("@")[2] for f in folder.glob(f"{procedure_id}@*.yaml"))
        return series(as_written(k) for k in kept) if kept else as_written("-")


_DEFAULT_LIBRARY: Library | None = None


def default_library() -> Library:
    """The built-ins plus the directories in ``DELIBERATION_PATH`` (``os.pathsep``-separated)."""
    global _DEFAULT_LIBRARY
    if _DEFAULT_LIBRARY is None:
        _DEFAULT_LIBRARY = Library(env_path())
    return _DEFAULT_LIBRARY


def env_path() -> tuple[Path, ...]:
    """The directories named in ``DELIBERATION_PATH`` (``os.pathsep``-separated)."""
    return tuple(Path(p) for p in os.environ.get("DELIBERATION_PATH", "").split(os.pathsep) if p)


def load_procedure(
    ref: str | os.PathLike[str], search_path: Iterable[str | os.PathLike[str]] = ()
) -> Procedure:
    """Load a procedure by id (on the search path) or from a ``.yaml`` file path.

    Raises :class:`DefinitionError` listing every problem, or :class:`UnknownProcedure`.
    """
    extra = tuple(Path(p) for p in search_path)
    text = os.fspath(ref)
    if text.endswith((".yaml", ".yml")) or os.sep in text or "/" in text:
        # The file's own folder is *not* added: extends resolves only on the search path.
        lib = Library(extra + env_path()) if extra else default_library()
        return load_file(Path(text), library=lib)
    lib = Library(extra + env_path()) if extra else default_library()
    return lib.load(text)


def load_file(path: Path, library: Library | None = None) -> Procedure:
    """Load and validate one file; ``extends:`` resolves on ``library``."""
    text = read_text_file(path)
    if isinstance(text, Diagnostic):
        raise DefinitionError([text])
    return load_text(text, str(path), library=library)


def load_text(text: str, file: str = "<string>", library: Library | None = None) -> Procedure:
    """Load a procedure from YAML text (``file`` names it in diagnostics)."""
    procedure, diagnostics = check_text(text, file, library)
    if diagnostics or procedure is None:
        raise DefinitionError(diagnostics)
    return procedure


def check_text(
    text: str, file: str = "<string>", library: Library | None = None
) -> tuple[Procedure | None, list[Diagnostic]]:
    """Validate YAML text: the procedure (when buildable) and every diagnostic found."""
    reporter = Reporter(file)
    root = read_yaml(text, file, reporter)
    if root is None:
        return None, reporter.diagnostics
    procedure = _Builder(reporter, library or default_library()).build(root)
    if procedure is not None and not reporter.diagnostics:
        check_procedure(procedure, root, reporter)
    if reporter.diagnostics:
        return None, reporter.diagnostics
    return procedure, []


def from_data(
    data: Mapping[str, Any], file: str = "<data>", library: Library | None = None
) -> Procedure:
    """Build a procedure from plain data (e.g. :func:`deliberation.dump.to_data`'s output)."""
    import yaml

    return load_text(yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False), file, library)


# -- building the model ------------------------------------------------------------------------


@fields_repr
@attrs.define(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
class _Builder:
    r: Reporter
    library: Library
    settings: dict[str, Setting] = attrs.field(factory=dict)
    basis_ids: set[str] = attrs.field(factory=set)
    body_ids: set[str] = attrs.field(factory=set)
    group_ids: frozenset[str] = frozenset()  # groups a meeting creates: selectors too
    channels: frozenset[str] = frozenset(CHANNELS)
    # while a rule is read: its stage's action, and how deep in composite rules it stands
    action: ActionKind | None = None
    depth: int = 0

    # .. small typed readers ..
    def keys(self, loc: Located, allowed: Sequence[str], what: Text | str) -> bool:
        if not loc.is_map:
            self.r.error("D202", _("{what} must be a mapping").format(what=_about(what)), loc)
            return False
        for key, k, _unused in loc.items():
            if key not in allowed:
                self.r.error(
                    "D201",
                    _("unknown key {key!r} in {what}").format(key=key, what=_about(what)),
                    k,
                    suggest(key, allowed),
                )
        return True

    def required(self, loc: Located, key: str, what: Text | str) -> Located | None:
        v = loc.get(key)
        if v is None:
            self.r.error(
                "D203",
                _("{what} needs {key!r}").format(what=_about(what), key=key),
                loc,
                path=_path(loc.path, key),
            )
        return v

    def ident(self, loc: Located | None, what: Text | str) -> str | None:
        if loc is None:
            return None
        v = loc.value()
        if not isinstance(v, str) or not ID_PATTERN.match(v):
            self.r.error(
                "D205",
                _("{what} {v!r} is not a valid id").format(what=_about(what), v=v),
                loc,
                _("ids are lower-case ASCII words joined by '-', e.g. 'resolution-disclosure'"),
            )
            return None
        return v

    def text(self, loc: Located | None, what: Text | str) -> Text | None:
        if loc is None:
            return None
        if loc.is_scalar:
            self.r.error(
                "D601",
                _("{what} must give zh-Hans, zh-Hant and en").format(what=_about(what)),
                loc,
                _("write {zh-Hans: …, zh-Hant: …, en: …}"),
            )
            return None
        if not self.keys(loc, LANGS, what):
            return None
        values: dict[str, str] = {}
        for lang in LANGS:
            v = loc.get(lang)
            value = None if v is None else v.value()
            if not isinstance(value, str) or not value.strip():
                self.r.error(
                    "D601",
                    _("{what} has no {lang} text").format(what=_about(what), lang=lang),
                    v or loc,
                    _("add '{lang}:' — labels are shown in all three languages").format(lang=lang),
                    path=_path(loc.path, lang),
                )
            else:
                values[lang] = value
        return Triple.from_data(values) if len(values) == 3 else None

    def integer(self, loc: Located | None, what: Text | str, minimum: int = 0) -> int | None:
        if loc is None:
            return None
        v = loc.value()
        if isinstance(v, bool) or not isinstance(v, int):
            self.r.error(
                "D202",
                _("{what} must be a whole number, not {v!r}").format(what=_about(what), v=v),
                loc,
            )
            return None
        if v < minimum:
            self.r.error(
                "D402",
                _("{what} must be at least {minimum}, not {v}").format(
                    what=_about(what), minimum=minimum, v=v
                ),
                loc,
            )
            return None
        return v

    def bounded(self, loc: Located, param: Param) -> int | None:
        """A whole number within the parameter's bounds (D402 outside them)."""
        n = self.integer(loc, param.name, minimum=param.minimum or 0)
        if n is not None and param.maximum is not None and n > param.maximum:
            self.r.error(
                "D402",
                _("{name} must be at most {maximum}, not {n}").format(
                    name=_about(param.name), maximum=param.maximum, n=n
                ),
                loc,
            )
            return None
        return n

    def member(self, loc: Located, kind: type[E], unknown: Text) -> E | None:
        """The member of the enumeration ``kind`` whose value ``loc`` holds; ``None``, and a D207
        saying ``unknown`` (with did-you-mean), when none does."""
        try:
            return kind(loc.value())
        except ValueError:
            self.r.error("D207", unknown, loc, suggest(str(loc.value()), [m.value for m in kind]))
            return None

    def id_items(self, loc: Located | None, what: Text | str) -> list[tuple[str, Located]]:
        """A list of text ids (a single id is accepted too), each with where it is written."""
        if loc is None:
            return []
        if loc.is_scalar and isinstance(loc.value(), str):
            return [(str(loc.value()), loc)]
        if not loc.is_seq:
            self.r.error("D202", _("{what} must be a list").format(what=_about(what)), loc)
            return []
        out = []
        for el in loc.elements():
            v = el.value()
            if not isinstance(v, str):
                self.r.error(
                    "D202",
                    _("{what} must list text ids, not {v!r}").format(what=_about(what), v=v),
                    el,
                )
            else:
                out.append((v, el))
        return out

    def id_list(self, loc: Located | None, what: Text | str) -> tuple[str, ...]:
        return tuple(v for v, _ in self.id_items(loc, what))

    def known_ids(
        self, loc: Located | None, what: Text | str, known: Iterable[str], code: str, label: Text
    ) -> tuple[str, ...]:
        """A list of ids that must each be one of ``known`` (else ``code``, with a hint)."""
        choices = set(known)
        items = self.id_items(loc, what)
        for v, el in items:
            if v not in choices:
                self.r.error(
                    code,
                    _("unknown {label} {v!r}").format(label=label, v=v),
                    el,
                    suggest(v, choices),
                )
        return tuple(v for v, _ in items)

    def channel_names(self, loc: Located) -> dict[str, Text]:
        """A procedure's own disclosure channels: ``id: {zh-Hans, zh-Hant, en}``."""
        return names(self, loc, _("channels must map ids to names"), _("channel id"),
                     _("channel name"))

    def basis_refs(self, loc: Located | None) -> tuple[str, ...]:
        return self.known_ids(loc, "basis", self.basis_ids, "D301", _("basis"))

    def records(self, loc: Located | None) -> tuple[str, ...]:
        return self.known_ids(loc, "records", RECORD_KINDS, "D305",
                              _("record kind"))

    # .. the document ..
    def build(self, root: Located) -> Procedure | None:
        if not self.keys(root, _TOP_KEYS, _("a procedure")):
            return None
        fmt = root.get("format")
        if fmt is not None and fmt.value() != FORMAT_VERSION:
            self.r.error(
                "D206",
                _("format {fmt!r} is not supported").format(fmt=fmt.value()),
                fmt,
                _("this version reads format {FORMAT_VERSION}").format(
                    FORMAT_VERSION=FORMAT_VERSION
                ),
            )
        proc_id = self.ident(self.required(root, "id", _("a procedure")), _("procedure id"))
        base: Procedure | None = None
        ext = root.get("extends")
        if ext is not None:
            base = self.base(ext, proc_id)
            if base is None:
                return None
            self.settings = dict(base.settings)
            self.basis_ids = set(base.basis)
            self.body_ids = set(base.bodies)

        basis = dict(base.basis) if base else {}
        if (b := root.get("basis")) is not None:
            basis.update(self.basis(b))
        self.basis_ids = set(basis)
        self.settings_section(root.get("settings"), base is not None)

        name_loc = root.get("name") if base else self.required(root, "name", _("a procedure"))
        name = self.text(name_loc, "name") if name_loc else (base.name if base else None)
        desc_loc = root.get("description")
        description = (
            self.text(desc_loc, "description") if desc_loc else (base.description if base else None)
        )
        version_loc = (root.get("version") if base
                       else self.required(root, "version", _("a procedure")))
        version = str(version_loc.value()) if version_loc else (base.version if base else "")
        loc_loc = root.get("locality")
        locality = str(loc_loc.value()) if loc_loc else (base.locality if base else "")
        tz_loc = root.get("timezone")
        timezone = self.timezone(tz_loc) if tz_loc else (base.timezone if base else None)

        channels = self.merged_channels(root, base)
        groups = self.merged_groups(root, base)
        authorities = dict(base.authorities) if base else {}
        if (al := root.get("authorities")) is not None:
            authorities.update(gates.read_authorities(self, al))
        bodies = self.merged_bodies(root, base)
        outcomes = self.merged_outcomes(root, base)
        stages = self.merged_stages(root, base)

        supervision = base.supervision if base else None
        if (sl := root.get("supervision")) is not None:
            supervision = self.supervision(sl)
        withdrawal = base.withdrawal if base else None
        if (wl := root.get("withdrawal")) is not None:
            withdrawal = self.withdrawal(wl)
        escalation = base.escalation if base else None
        if (el := root.get("escalation")) is not None:
            escalation = self.escalation(el)

        if self.r.diagnostics or proc_id is None or name is None:
            return None
        return Procedure(
            id=proc_id,
            version=version,
            name=name,
            locality=locality,
            description=description,
            basis=basis,
            settings=dict(self.settings),
            bodies=bodies,
            stages=tuple(stages),
            outcomes=outcomes,
            supervision=supervision,
            withdrawal=withdrawal,
            escalation=escalation,
            timezone=timezone or DEFAULT_TIMEZONE,
            extends=base.id if base else None,
            channels=channels,
            groups=groups,
            authorities=authorities,
            source=self.r.file,
        )

    def merged_channels(self, root: Located, base: Procedure | None) -> dict[str, Text]:
        """The base's channel names updated by this file's; the channels rules may name."""
        channels = dict(base.channels) if base else {}
        if (cl := root.get("channels")) is not None:
            channels.update(self.channel_names(cl))
        self.channels = frozenset(CHANNELS) | frozenset(channels)
        return channels

    def merged_groups(self, root: Located, base: Procedure | None) -> dict[str, Group]:
        """The base's groups updated by this file's; their ids become selectors bodies name."""
        groups = dict(base.groups) if base else {}
        declared: set[str] = set()
        if (gl := root.get("groups")) is not None:
            groups.update(read_groups(self, gl))
            # a group reported broken is still one a body may name (no second problem there)
            declared = {str(k) for k, _u, _v in gl.items()} if gl.is_map else set()
        self.group_ids = frozenset(groups) | (declared - set(SELECTORS))
        return groups

    def merged_bodies(self, root: Located, base: Procedure | None) -> dict[str, Body]:
        """The base's bodies updated by this file's (required without a base)."""
        bodies = dict(base.bodies) if base else {}
        if (bl := root.get("bodies")) is not None:
            self.body_ids |= {k for k, _, _ in bl.items()} if bl.is_map else set()
            bodies.update(self.bodies(bl))
        elif base is None:
            self.required(root, "bodies", _("a procedure"))
        self.body_ids = set(bodies)
        return bodies

    def merged_outcomes(self, root: Located, base: Procedure | None) -> dict[str, Outcome]:
        """The base's outcomes updated by this file's (required without a base)."""
        outcomes = dict(base.outcomes) if base else {}
        if (ol := root.get("outcomes")) is not None:
            outcomes.update(self.outcomes(ol))
        elif base is None:
            self.required(root, "outcomes", _("a procedure"))
        return outcomes

    def merged_stages(self, root: Located, base: Procedure | None) -> tuple[Stage, ...]:
        """The stage list (required without a base), or the base's stages changed by the ops."""
        stages_loc = root.get("stages")
        if base is None:
            stages_loc = self.required(root, "stages", _("a procedure"))
            return self.stage_list(stages_loc) if stages_loc else ()
        return self.stage_ops(stages_loc, base.stages) if stages_loc else base.stages

    def timezone(self, loc: Located) -> str | None:
        """An IANA time zone name the machine knows (D210 otherwise, with the closest name)."""
        name = loc.value()
        if not isinstance(name, str):
            self.r.error("D202", _("timezone must be text, not {name!r}").format(name=name), loc)
            return None
        if name not in zone_names():
            near = closest(name, zone_names())
            hint: Text
            if near == DEFAULT_TIMEZONE:
                hint = _("did you mean {near}?").format(near=quoted(near))
            elif near is not None:
                hint = _("did you mean {near}? China Standard Time is {default}").format(
                    near=quoted(near), default=quoted(DEFAULT_TIMEZONE))
            else:
                hint = _("write an IANA zone name; China Standard Time is {default}").format(
                    default=quoted(DEFAULT_TIMEZONE))
            self.r.error("D210", _("unknown time zone {name!r}").format(name=name), loc, hint)
            return None
        return name

    def base(self, ext: Located, proc_id: str | None) -> Procedure | None:
        ref = ext.value()
        if not isinstance(ref, str):
            self.r.error("D202", _("extends takes a procedure id"), ext)
            return None
        if "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml")):
            self.r.error(
                "D701",
                _("extends names a procedure id, not a file: {ref!r}").format(ref=ref),
                ext,
                _("put the file's folder on the search path and write its id"),
            )
            return None
        ref, at, pinned = ref.partition("@")
        if at and not VERSION_PATTERN.fullmatch(pinned):
            self.r.error("D202", _("extends takes a procedure id, or ID@VERSION"), ext)
            return None
        if ref == proc_id:
            self.r.error("D702", _("a procedure cannot extend itself"), ext)
            return None
        if not pinned and Path(self.r.file).parent.name == HISTORY:
            # An earlier version is kept so that stored cases replay as they were decided; an
            # unpinned parent would let a later version of the parent change it silently.
            self.r.error(
                "D707",
                _("a version kept in {folder} must name the version of the procedure it "
                  "extends").format(folder=as_written(f"{HISTORY}/")),
                ext,
                _("write {written}, with the version it was decided under").format(
                    written=as_written(f"extends: {ref}@VERSION")),
            )
            return None
        try:
            return _load_base(self.library, ref, proc_id, pinned or None)
        except UnknownProcedure:
            if pinned and ref in self.library.ids():
                self.r.error(
                    "D703",
                    _("extends {ref} version {version}, which is not kept").format(
                        ref=as_written(ref), version=as_written(pinned)),
                    ext,
                    _("the earlier versions kept: {kept}").format(
                        kept=self.library.kept_versions(ref)),
                )
                return None
            self.r.error(
                "D703",
                _("extends unknown procedure {ref!r}").format(ref=ref),
                ext,
                _(
                    "{near} (put a folder of your own on the search path: --path DIR or "
                    "DELIBERATION_PATH)",
                ).format(near=suggest(ref, self.library.ids())),
            )
        except DefinitionError as err:
            if any(d.code == "D702" for d in err.diagnostics):
                self.r.error(
                    "D702",
                    _("extends chain through {ref!r} loops back to {proc_id!r}").format(
                        ref=ref, proc_id=proc_id
                    ),
                    ext,
                    _("a procedure cannot (indirectly) extend itself"),
                )
            else:
                first = err.diagnostics[0].format() if err.diagnostics else ""
                self.r.error(
                    "D704",
                    _(
                        "the procedure it extends, {ref!r}, is invalid ({len} problem(s); lint it "
                        "first)"
                    ).format(ref=ref, len=len(err.diagnostics)),
                    ext,
                    first,
                )
        except RecursionError:
            self.r.error("D702", _("extends chain through {ref!r} loops back").format(ref=ref), ext)
        return None

    def basis(self, loc: Located) -> dict[str, Basis]:
        out: dict[str, Basis] = {}
        for key, k, v in entries(self.r, loc, _("basis must map ids to sources")):
            bid = self.ident(k, _("basis id"))
            about = _("basis {id}").format(id=quoted(key))
            if bid is None or not self.keys(
                v, ("title", "tag", "article", "url", "law"), about
            ):
                continue
            title = self.text(self.required(v, "title", about),
                              _("the title of basis {id}").format(id=quoted(key)))
            tag = str(v.get("tag").value()) if v.get("tag") else "law"  # type: ignore[union-attr]
            if tag not in ("law", "seed", "local", "open"):
                self.r.error(
                    "D207",
                    _("basis tag {tag!r} is unknown").format(tag=tag),
                    v.get("tag"),
                    suggest(tag, ("law", "seed", "local", "open")),
                )
            article = str(v.get("article").value()) if v.get("article") else ""  # type: ignore[union-attr]
            url = str(v.get("url").value()) if v.get("url") else ""  # type: ignore[union-attr]
            law = self.basis_law(v.get("law"), article)
            if title is not None:
                out[bid] = Basis(bid, title, tag, article, url, law)
        return out

    def basis_law(self, loc: Located | None, article: str) -> str:
        """A basis's ``law``: a law of ``rules/law.yaml`` (D301), with an ``article`` (D203)."""
        if loc is None:
            return ""
        law = loc.value()
        if not isinstance(law, str) or law not in LAWS:
            self.r.error("D301", _("unknown law {law}").format(law=quoted(law)), loc,
                         suggest(str(law), LAWS))
            return ""
        if not article:
            self.r.error("D203", _("a basis citing the law {law} needs its {article}").format(
                law=quoted(law), article=quoted("article")), loc)
        return law

    def settings_section(self, loc: Located | None, extending: bool) -> None:
        if loc is None:
            return
        if not loc.is_map:
            self.r.error("D202", _("settings must map ids to settings"), loc)
            return
        for _unused, k, v in loc.items():
            sid = self.ident(k, _("setting id"))
            if sid is None:
                continue
            if extending and sid in self.settings and v.is_map:
                self.override_setting(sid, v)
                continue
            s = self.setting(sid, v)
            if s is not None:
                self.settings[sid] = s

    def override_setting(self, sid: str, v: Located) -> None:
        """An extension re-states an inherited setting: it may change the default, the
        description, ``open`` and ``basis``. ``type`` and ``choices`` may be repeated but not
        changed, because the inherited rules were checked against them."""
        old = self.settings[sid]
        allowed = ("type", "default", "description", "choices", "open", "basis")
        if not self.keys(v, allowed, _("setting {id} (inherited)").format(id=quoted(sid))):
            return
        if (t := v.get("type")) is not None and t.value() != old.type.value:
            self.r.error(
                "D706",
                _(
                    "setting {sid!r} is a {value} in the procedure it extends; an extension cannot "
                    "make it a {t!r}"
                ).format(sid=sid, value=old.type.value, t=t.value()),
                t,
                _("give the new setting its own id"),
            )
            return
        if (c := v.get("choices")) is not None:
            choices = self.id_list(c, "choices")
            if choices != old.choices:
                self.r.error(
                    "D706",
                    _("setting {sid!r}: an extension cannot change its choices {list!r}").format(
                        sid=sid, list=list(old.choices)
                    ),
                    c,
                    _("give the new setting its own id"),
                )
                return
        changes: dict[str, Any] = {}
        if (d := v.get("default")) is not None:
            value = self.setting_value(d, old.type, old.choices, sid)
            if value is None:
                return
            changes["default"] = value
        if (desc := v.get("description")) is not None:
            changes["description"] = self.text(
                desc, _("the description of setting {id}").format(id=quoted(sid)))
        if (o := v.get("open")) is not None:
            if not isinstance(o.value(), bool):
                self.r.error(
                    "D202", _("open takes true or false, not {o!r}").format(o=o.value()), o
                )
                return
            changes["open"] = o.value()
        if v.get("basis") is not None:
            changes["basis"] = self.basis_refs(v.get("basis"))
        if any(value is None for value in changes.values()):
            return
        self.settings[sid] = attrs.evolve(old, **changes)

    def setting(self, sid: str, v: Located) -> Setting | None:
        allowed = ("type", "default", "description", "choices", "open", "basis")
        if not self.keys(v, allowed, _("setting {id}").format(id=quoted(sid))):
            return None
        about = _("setting {id}").format(id=quoted(sid))
        t_loc = self.required(v, "type", about)
        d_loc = self.required(v, "default", about)
        desc = self.text(
            self.required(v, "description", about),
            _("the description of setting {id}").format(id=quoted(sid)),
        )
        if t_loc is None or d_loc is None:
            return None
        stype = self.member(t_loc, SettingType, _("setting type {t_loc!r} is unknown").format(
            t_loc=t_loc.value()))
        if stype is None:
            return None
        choices = self.id_list(v.get("choices"), "choices")
        if stype is SettingType.CHOICE and not choices:
            self.r.error("D203", _("choice setting {sid!r} needs 'choices'").format(sid=sid), v)
        value = self.setting_value(d_loc, stype, choices, sid)
        open_loc = v.get("open")
        is_open = False
        if open_loc is not None:
            if isinstance(open_loc.value(), bool):
                is_open = open_loc.value()
            else:
                self.r.error(
                    "D202",
                    _("open takes true or false, not {open_loc!r}").format(
                        open_loc=open_loc.value()
                    ),
                    open_loc,
                )
        basis = self.basis_refs(v.get("basis"))
        if value is None or desc is None:
            return None
        return Setting(sid, stype, value, desc, choices, is_open, basis)

    def setting_value(
        self, loc: Located, stype: SettingType, choices: Sequence[str], sid: str
    ) -> ParamValue | None:
        raw = loc.value()
        if stype is SettingType.BOOL:
            if not isinstance(raw, bool):
                self.r.error(
                    "D202",
                    _("setting {sid!r} takes true or false, not {raw!r}").format(sid=sid, raw=raw),
                    loc,
                )
                return None
            return raw
        if stype is SettingType.INT:
            return self.integer(loc, _("setting {id}").format(id=quoted(sid)))
        if stype is SettingType.FRACTION:
            return self.fraction(loc)
        if stype is SettingType.COMPARISON:
            return self.comparison(loc)
        if stype is SettingType.CHOICE:
            if raw not in choices:
                self.r.error(
                    "D207",
                    _("{raw!r} is not one of the choices").format(raw=raw),
                    loc,
                    suggest(str(raw), choices),
                )
                return None
            return str(raw)
        return str(raw)

    def fraction(self, loc: Located) -> Fraction | None:
        try:
            return parse_fraction(loc.value())
        except FractionError as err:
            self.r.error("D403", err.text, loc, _("ratios are exact fractions from 0 to 1"))
            return None

    def bodies(self, loc: Located) -> dict[str, Body]:
        out: dict[str, Body] = {}
        if not loc.is_map:
            self.r.error("D202", _("bodies must map ids to bodies"), loc)
            return out
        allowed = ("name", "members", "voters", "unit", "rules", "basis", "description",
                   "exclusions", "attendance")
        for key, k, v in loc.items():
            bid = self.ident(k, _("body id"))
            about = _("body {id}").format(id=quoted(key))
            if bid is None or not self.keys(v, allowed, about):
                continue
            name = self.text(self.required(v, "name", about),
                             _("the name of body {id}").format(id=quoted(key)))
            members = self.selectors(self.required(v, "members", about))
            voters = self.selectors(v.get("voters"))
            unit_loc = v.get("unit")
            unit = str(unit_loc.value()) if unit_loc else "person"
            if unit not in ("person", "household"):
                self.r.error(
                    "D207",
                    _("unit {unit!r} is unknown").format(unit=unit),
                    unit_loc,
                    suggest(unit, ("person", "household")),
                )
            rules = self.rules(v.get("rules"), None)
            desc = self.text(v.get("description"), "description") if v.get("description") else None
            basis = self.basis_refs(v.get("basis"))
            exclusions = self.known_ids(v.get("exclusions"), "exclusions",
                                        tuple(EXCLUSION_REASONS), "D420",
                                        _("exclusion category"))
            online, proxy = self.attendance_modes(v.get("attendance"))
            if name is not None:
                out[bid] = Body(bid, name, members, voters, unit, rules, basis, desc,
                                exclusions, online, proxy)
        return out

    def attendance_modes(self, loc: Located | None) -> tuple[bool, str]:
        """A body's ``attendance: {online: bool, proxy: none|same-household}``."""
        if loc is None or not self.keys(loc, ("online", "proxy"), "attendance"):
            return False, "none"
        online_loc, proxy_loc = loc.get("online"), loc.get("proxy")
        online = online_loc.value() if online_loc is not None else False
        if type(online) is not bool:
            self.r.error("D202", _("{key} must be true or false").format(
                key=as_written("attendance.online")), online_loc)
            online = False
        proxy = str(proxy_loc.value()) if proxy_loc is not None else "none"
        if proxy not in PROXY_MODES:
            self.r.error("D207", _("{key} {value} is unknown").format(
                key=as_written("attendance.proxy"), value=quoted(proxy)), proxy_loc,
                         suggest(proxy, PROXY_MODES))
            proxy = "none"
        return online, proxy

    def selectors(self, loc: Located | None) -> tuple[str, ...]:
        return self.known_ids(loc, _("roster selectors"), (*SELECTORS, *self.group_ids),
                              "D302", _("roster selector"))

    def outcomes(self, loc: Located) -> dict[str, Outcome]:
        out: dict[str, Outcome] = {}
        for key, k, v in entries(self.r, loc, _("outcomes must map ids to outcomes")):
            oid = self.ident(k, _("outcome id"))
            about = _("outcome {id}").format(id=quoted(key))
            if oid is None or not self.keys(v, ("kind", "name"), about):
                continue
            kind_loc = self.required(v, "kind", about)
            name = self.text(self.required(v, "name", about),
                             _("the name of outcome {id}").format(id=quoted(key)))
            if kind_loc is None:
                continue
            kind = self.member(kind_loc, OutcomeKind, _("outcome kind {kind_loc!r} is unknown")
                               .format(kind_loc=kind_loc.value()))
            if kind is not None and name is not None:
                out[oid] = Outcome(oid, name, kind)
        return out

    # .. rules ..
    def rules(self, loc: Located | None, action: ActionKind | None) -> tuple[RuleSpec, ...]:
        listed = elements(self.r, loc, _("rules must be a list")) if loc is not None else None
        if listed is None:
            return ()
        out: list[RuleSpec] = []
        seen: set[str] = set()
        for el in listed:
            spec = self.rule(el, action)
            if spec is None:
                continue
            if spec.id in seen:
                self.r.error(
                    "D404",
                    _("rule id {id!r} appears twice here").format(id=spec.id),
                    el,
                    _("give the second one its own 'id:'"),
                )
            seen.add(spec.id)
            out.append(spec)
        return tuple(out)

    def rule(self, loc: Located, action: ActionKind | None) -> RuleSpec | None:
        self.action = action  # for a composite's rules, read with the same action
        if not self.keys(loc, ("rule", "id", "params", "basis", "note"), _("a rule")):
            return None
        name_loc = self.required(loc, "rule", _("a rule"))
        if name_loc is None:
            return None
        name = name_loc.value()
        if not isinstance(name, str) or name not in RULES:
            self.r.error(
                "D405",
                _("unknown rule {name!r}").format(name=name),
                name_loc,
                suggest(str(name), RULES),
            )
            return None
        rtype = RULES[name]
        if action is not None and action not in rtype.actions:
            self.r.error(
                "D406",
                _("rule {name!r} does not apply to a {value} stage").format(
                    name=name, value=action.value
                ),
                name_loc,
                _("it applies to: {actions}").format(
                    actions=series(quoted(a.value) for a in rtype.actions)),
            )
        rid = self.ident(loc.get("id"), _("rule id")) if loc.get("id") else str(name)
        params: list[tuple[str, ParamValue]] = []
        p_loc = loc.get("params")
        given: set[str] = set()
        if p_loc is not None:
            if not p_loc.is_map:
                self.r.error("D202", _("params must be a mapping"), p_loc)
            else:
                names = [p.name for p in rtype.params]
                for key, k, v in p_loc.items():
                    param = rtype.param(key)
                    if param is None:
                        self.r.error(
                            "D407",
                            _("rule {name!r} has no parameter {key!r}").format(name=name, key=key),
                            k,
                            suggest(key, names) if names else "this rule takes no parameters",
                        )
                        continue
                    given.add(key)
                    value = self.param_value(v, param)
                    if value is not None:
                        params.append((key, value))
        for p in rtype.params:
            if p.required and p.name not in given:
                self.r.error(
                    "D408",
                    _("rule {name!r} needs parameter {name2!r}").format(name=name, name2=p.name),
                    p_loc or loc,
                    p.description or _("add {key} under params").format(key=quoted(f"{p.name}:")),
                    path=_path((p_loc or loc).path if p_loc else loc.path + ".params", p.name),
                )
        basis = self.basis_refs(loc.get("basis"))
        note = self.text(loc.get("note"), "note") if loc.get("note") else None
        if rid is None:
            return None
        spec = RuleSpec(rid, str(name), tuple(params), basis, note)
        composites.check_among(self, loc, spec)
        return spec

    def param_value(self, loc: Located, param: Param) -> ParamValue | None:
        """A rule parameter's value, checked against the parameter's type."""
        if loc.is_map and param.type != "thresholds" and loc.get("setting") is not None:
            return self.setting_ref(loc, param)
        t = param.type
        if t == "fraction":
            return self.fraction(loc)
        if t == "comparison":
            return self.comparison(loc)
        if t in ("base", "choice"):
            return self.choice(loc, param)
        if t == "int":
            return self.bounded(loc, param)
        if t == "bool":
            return self.boolean(loc, param)
        if t == "list":
            if param.choices:  # a closed vocabulary (e.g. legal regimes, matter kinds)
                return self.known_ids(loc, param.name, param.choices, "D413",
                                      _("{name} value").format(name=param.name))
            return self.id_list(loc, param.name)
        if t == "channels":
            return self.known_ids(loc, param.name, self.channels, "D412",
                                  _("disclosure channel"))
        if t == "ints":
            return self.bounded_list(loc, param)
        if t == "thresholds":
            return self.thresholds(loc, param)
        if t == "rules":  # a composite's rules, read by this reader one level deeper
            self.depth += 1
            try:
                return composites.read_rules(self, loc, self.action, self.depth)
            finally:
                self.depth -= 1
        return str(loc.value())

    def comparison(self, loc: Located) -> str | None:
        raw = loc.value()
        if raw not in (">=", ">"):
            self.r.error(
                "D401",
                _("comparison {raw!r} is unknown").format(raw=raw),
                loc,
                _("write '>=' for 以上 (includes the number) or '>' for 超过/过半数"),
            )
            return None
        return str(raw)

    def choice(self, loc: Located, param: Param) -> str | None:
        """One of ``param.choices`` (D409 for a quorum base, D207 for any other choice)."""
        raw = loc.value()
        if raw not in param.choices:
            code = "D409" if param.type == "base" else "D207"
            self.r.error(
                code,
                _("{name} {raw!r} is not allowed here").format(name=param.name, raw=raw),
                loc,
                suggest(str(raw), param.choices),
            )
            return None
        return str(raw)

    def boolean(self, loc: Located, param: Param) -> bool | None:
        raw = loc.value()
        if not isinstance(raw, bool):
            self.r.error(
                "D202",
                _("{name} takes true or false, not {raw!r}").format(name=param.name, raw=raw),
                loc,
            )
            return None
        return raw

    def bounded_list(self, loc: Located, param: Param) -> tuple[ParamValue, ...] | None:
        """A non-empty list of whole numbers, each within the parameter's bounds."""
        if not loc.is_seq or not list(loc.elements()):
            self.r.error(
                "D202", _("{name} must be a list of whole numbers").format(name=param.name), loc
            )
            return None
        nums: list[ParamValue] = []
        for el in loc.elements():
            n = self.bounded(el, param)
            if n is not None:
                nums.append(n)
        return tuple(nums)

    def thresholds(self, loc: Located, param: Param) -> tuple[ParamValue, ...] | None:
        """Alternative thresholds, each a ratio, comparison and base (any one may be met)."""
        if not loc.is_seq:
            self.r.error(
                "D202", _("{name} must be a list of thresholds").format(name=param.name), loc
            )
            return None
        alts: list[ParamValue] = []
        for el in loc.elements():
            if self.keys(el, ("ratio", "compare", "base"), _("a threshold")):
                alts.append(self.threshold(el))
        return tuple(alts)

    def threshold(self, el: Located) -> FrozenMap:
        parts: list[tuple[str, ParamValue]] = []
        for key, p in (
            ("ratio", Param("ratio", "fraction")),
            ("compare", Param("compare", "comparison")),
            ("base", Param("base", "base", choices=QUORUM_BASES)),
        ):
            sub = self.required(el, key, _("a threshold"))
            if sub is not None and (val := self.param_value(sub, p)) is not None:
                parts.append((key, val))
        return FrozenMap(tuple(parts))

    def setting_ref(self, loc: Located, param: Param) -> SettingRef | None:
        self.keys(loc, ("setting",), _("a setting reference"))
        sid = loc.get("setting")
        if sid is None:
            self.r.error(
                "D203",
                _("a setting reference needs 'setting'"),
                loc,
                _("write {setting: <setting id>}"),
            )
            return None
        name = sid.value()
        setting = self.settings.get(str(name))
        if setting is None:
            self.r.error(
                "D303",
                _("unknown setting {name!r}").format(name=name),
                sid,
                suggest(str(name), self.settings),
            )
            return None
        expected = {
            "fraction": (SettingType.FRACTION,),
            "comparison": (SettingType.COMPARISON,),
            "int": (SettingType.INT,),
            "bool": (SettingType.BOOL,),
            "choice": (SettingType.CHOICE, SettingType.STRING),
            "base": (SettingType.CHOICE, SettingType.STRING),
        }.get(param.type, ())
        if setting.type not in expected:
            self.r.error(
                "D304",
                _("setting {name!r} is a {value}, but {name2} needs a {type}").format(
                    name=name, value=setting.type.value, name2=param.name, type=param.type
                ),
                sid,
            )
            return None
        if param.choices and setting.type is SettingType.CHOICE:
            bad = [c for c in setting.choices if c not in param.choices]
            if bad:
                self.r.error(
                    "D304",
                    _("setting {name!r} allows {bad!r}, not valid for {name2}").format(
                        name=name, bad=bad, name2=param.name
                    ),
                    sid,
                    suggest(bad[0], param.choices),
                )
                return None
        if param.type == "int" and setting.type is SettingType.INT:
            # the default must fit the parameter as a number written in its place would (D402)
            low, high, v = param.minimum or 0, param.maximum, setting.default
            if isinstance(v, int) and (v < low or (high is not None and v > high)):
                self.r.error(
                    "D402",
                    _("setting {name!r} defaults to {v}, outside {low}..{high} that {param} "
                      "allows").format(name=name, v=v, low=low, high=high, param=param.name),
                    sid,
                )
                return None
        return SettingRef(str(name))

    # .. stages ..
    def stage_list(self, loc: Located) -> tuple[Stage, ...]:
        if not loc.is_seq:
            self.r.error("D202", _("stages must be a list"), loc)
            return ()
        out: list[Stage] = []
        seen: set[str] = set()
        for el in loc.elements():
            st = self.stage(el)
            if st is None:
                continue
            if st.id in seen:
                self.r.error(
                    "D208", _("stage id {id!r} is used twice").format(id=st.id), el.get("id") or el
                )
            seen.add(st.id)
            out.append(st)
        return tuple(out)

    def stage(self, loc: Located) -> Stage | None:
        if not self.keys(loc, _STAGE_KEYS, _("a stage")):
            return None
        sid = self.ident(self.required(loc, "id", _("a stage")), _("stage id"))
        name = self.text(self.required(loc, "name", _("a stage")), _("stage name"))
        action_loc = self.required(loc, "action", _("a stage"))
        action: ActionKind | None = None
        if action_loc is not None:
            action = self.member(action_loc, ActionKind, _("action {action_loc!r} is unknown")
                                 .format(action_loc=action_loc.value()))
        body = self.stage_body(self.required(loc, "body", _("a stage")))
        rules = self.rules(loc.get("rules"), action)
        records = self.records(loc.get("records"))
        on: list[tuple[str, str]] = []
        if (on_loc := loc.get("on")) is not None:
            if self.keys(on_loc, ROUTE_KEYS, "on"):
                for key, _unused, v in on_loc.items():
                    if key in ROUTE_KEYS:
                        on.append((key, str(v.value())))
        max_rounds = self.integer(loc.get("max_rounds"), "max_rounds", minimum=1)
        skip_loc = loc.get("skip_when")
        skip = self.skip_when(skip_loc) if skip_loc is not None else None
        req_loc = loc.get("required_from")
        required = self.required_from(req_loc) if req_loc is not None else None
        desc = self.text(loc.get("description"), "description") if loc.get("description") else None
        basis = self.basis_refs(loc.get("basis"))
        voted = items.read_items(self, loc.get("items"), action)
        policy = items.read_policy(self, loc.get("item_policy"), loc.get("items") is not None)
        checks = gates.read_checks(self, loc.get("checks"), action)
        authority = gates.read_authority(self, loc.get("authority"), action)
        if sid is None or name is None or action is None or body is None:
            return None
        return Stage(
            sid, name, action, body, rules, records, tuple(on), max_rounds, skip, desc, basis,
            voted, policy, checks, authority, required,
        )

    def required_from(self, loc: Located) -> LawVersionRef | None:
        """A ``required_from`` value: ``{law, version}``, a version of a law of
        ``rules/law.yaml`` (D301 for an unknown law or version)."""
        if not self.keys(loc, ("law", "version"), "required_from"):
            return None
        law_loc = self.required(loc, "law", as_written("required_from"))
        ver_loc = self.required(loc, "version", as_written("required_from"))
        if law_loc is None or ver_loc is None:
            return None
        law, version = law_loc.value(), str(ver_loc.value())
        if not isinstance(law, str) or law not in LAWS:
            self.r.error("D301", _("unknown law {law}").format(law=quoted(str(law))), law_loc,
                         suggest(str(law), LAWS))
            return None
        versions = [v.version for v in LAWS[law].versions]
        if version not in versions:
            self.r.error("D301", _("the law {law} has no version {version}").format(
                law=quoted(law), version=quoted(version)), ver_loc, suggest(version, versions))
            return None
        return LawVersionRef(law, version)

    def skip_when(self, loc: Located) -> str | None:
        """A ``skip_when`` value: the id of a bool setting."""
        skip = str(loc.value())
        s = self.settings.get(skip)
        if s is None:
            self.r.error(
                "D303",
                _("unknown setting {skip!r}").format(skip=skip),
                loc,
                suggest(skip, self.settings),
            )
            return None
        if s.type is not SettingType.BOOL:
            self.r.error(
                "D304",
                _("skip_when needs a bool setting; {skip!r} is a {value}").format(
                    skip=skip, value=s.type.value
                ),
                loc,
            )
            return None
        return skip

    def stage_body(self, loc: Located | None) -> str | SettingRef | None:
        if loc is None:
            return None
        if loc.is_map:
            ref = self.setting_ref(loc, Param("body", "choice"))
            if ref is not None:
                for choice in self.settings[ref.setting].choices:
                    if choice not in self.body_ids:
                        self.r.error(
                            "D306",
                            _("setting {setting!r} offers {choice!r}, which is no body").format(
                                setting=ref.setting, choice=choice
                            ),
                            loc,
                            suggest(choice, self.body_ids),
                        )
            return ref
        name = loc.value()
        if not isinstance(name, str) or name not in self.body_ids:
            self.r.error(
                "D306",
                _("unknown body {name!r}").format(name=name),
                loc,
                suggest(str(name), self.body_ids),
            )
            return None
        return str(name)

    def stage_ops(self, loc: Located, base: tuple[Stage, ...]) -> tuple[Stage, ...]:
        """Apply an extension's stage operations to the inherited stages, in order."""
        if not loc.is_seq:
            self.r.error(
                "D705",
                _(
                    "in a procedure that extends another, stages is a list of operations "
                    "(insert_before, insert_after, replace, remove, update)"
                ),
                loc,
            )
            return base
        stages = list(base)
        for el in loc.elements():
            op = next((o for o in _STAGE_OPS if el.get(o) is not None), None)
            if op is None:
                self.r.error(
                    "D705",
                    _("a stage operation needs one of {ops}").format(
                        ops=series(quoted(o) for o in _STAGE_OPS)),
                    el,
                    _("e.g. '- insert_before: resolution' with 'stage: {...}'"),
                )
                continue
            target_loc = el.get(op)
            assert target_loc is not None
            target = str(target_loc.value())
            ids = [s.id for s in stages]
            if target not in ids:
                self.r.error(
                    "D307",
                    _("{op} names unknown stage {target!r}").format(op=op, target=target),
                    target_loc,
                    suggest(target, ids),
                )
                continue
            i = ids.index(target)
            if op == "remove":
                self.keys(el, ("remove",), _("a remove operation"))
                del stages[i]
            elif op == "update":
                if self.keys(el, _UPDATE_KEYS, _("an update operation")):
                    updated = self.update_stage(el, stages[i])
                    if updated is not None:
                        stages[i] = updated
            else:
                self.keys(el, (op, "stage"), _("an operation {op}").format(op=quoted(op)))
                st_loc = self.required(el, "stage", _("an operation {op}").format(op=quoted(op)))
                new = self.stage(st_loc) if st_loc is not None else None
                if new is None:
                    continue
                if new.id in ids and not (op == "replace" and new.id == target):
                    self.r.error(
                        "D208", _("stage id {id!r} is already used").format(id=new.id), st_loc
                    )
                    continue
                if op == "replace":
                    stages[i] = new
                elif op == "insert_before":
                    stages.insert(i, new)
                else:
                    stages.insert(i + 1, new)
        return tuple(stages)

    def update_stage(self, el: Located, stage: Stage) -> Stage | None:
        changes: dict[str, Any] = {"rules": self.updated_rules(el, stage)}
        if (s := el.get("set")) is not None and self.keys(
            s,
            ("name", "description", "body", "records", "on", "max_rounds", "skip_when",
             "required_from", "basis"),
            "set",
        ):
            changes.update(self.stage_settings(s, stage))
        if any(v is None for k, v in changes.items() if k in ("name", "body")):
            return None
        return attrs.evolve(stage, **changes)

    def updated_rules(self, el: Located, stage: Stage) -> tuple[RuleSpec, ...]:
        """The stage's rules less ``remove_rules``, then ``add_rules`` (replacing by id)."""
        rules = list(stage.rules)
        if (rm := el.get("remove_rules")) is not None:
            for rid, rel in self.id_items(rm, "remove_rules"):
                if rid not in [r.id for r in rules]:
                    self.r.error(
                        "D308",
                        _("stage {id!r} has no rule {rid!r}").format(id=stage.id, rid=rid),
                        rel,
                        suggest(rid, [r.id for r in rules]),
                    )
                rules = [r for r in rules if r.id != rid]
        if (add := el.get("add_rules")) is not None:
            for spec in self.rules(add, stage.action):
                rules = [r for r in rules if r.id != spec.id] + [spec]
        return tuple(rules)

    def stage_settings(self, s: Located, stage: Stage) -> dict[str, Any]:
        """The stage attributes an update's ``set:`` gives (``on`` merged with the stage's)."""
        changes: dict[str, Any] = {}
        if s.get("name") is not None:
            changes["name"] = self.text(s.get("name"), _("stage name"))
        if s.get("description") is not None:
            changes["description"] = self.text(s.get("description"), "description")
        if s.get("body") is not None:
            changes["body"] = self.stage_body(s.get("body"))
        if s.get("records") is not None:
            changes["records"] = self.records(s.get("records"))
        if (on_loc := s.get("on")) is not None and self.keys(on_loc, ROUTE_KEYS, "on"):
            merged = dict(stage.on)
            merged.update({k: str(v.value()) for k, _, v in on_loc.items()})
            changes["on"] = tuple(merged.items())
        if s.get("max_rounds") is not None:
            changes["max_rounds"] = self.integer(s.get("max_rounds"), "max_rounds", 1)
        if (skip_loc := s.get("skip_when")) is not None:
            changes["skip_when"] = self.skip_when(skip_loc)
        if (req_loc := s.get("required_from")) is not None:
            changes["required_from"] = self.required_from(req_loc)
        if s.get("basis") is not None:
            changes["basis"] = self.basis_refs(s.get("basis"))
        return changes

    def supervision(self, loc: Located) -> Supervision | None:
        if not self.keys(loc, ("body", "answer_within_days", "basis"), "supervision"):
            return None
        body_loc = self.required(loc, "body", "supervision")
        if body_loc is not None and not body_loc.is_scalar:
            self.r.error(
                "D202",
                _("supervision.body names one body"),
                body_loc,
                _("write the body id, e.g. 'body: supervision-committee'"),
            )
            body_loc = None
        body = self.stage_body(body_loc)
        days = self.integer(loc.get("answer_within_days"), "answer_within_days", 1)
        basis = self.basis_refs(loc.get("basis"))
        if not isinstance(body, str):
            return None
        return Supervision(body, days if days is not None else 7, basis)

    def escalation(self, loc: Located) -> Escalation | None:
        """The escalation ladder: ``levels`` (ids and names, lowest first), ``to`` (the stage a
        case resumes at one level up) and ``top`` (where escalating from the top level goes)."""
        if not self.keys(loc, ("levels", "to", "top", "basis"), "escalation"):
            return None
        levels: list[_Level] = []
        lv_loc = self.required(loc, "levels", "escalation")
        if lv_loc is not None:
            if not lv_loc.is_seq:
                self.r.error("D202", _("escalation.levels must be a list"), lv_loc)
            else:
                for el in lv_loc.elements():
                    if not self.keys(el, ("id", "name"), _("a level")):
                        continue
                    lid = self.ident(self.required(el, "id", _("a level")), _("level id"))
                    name = self.text(self.required(el, "name", _("a level")), _("level name"))
                    if lid is not None and name is not None:
                        levels.append(_Level(lid, name))
                if len(levels) < 2:
                    self.r.error(
                        "D402",
                        _("escalation.levels needs at least two levels"),
                        lv_loc,
                        _("e.g. village, town, district"),
                    )
        to = self.ident(self.required(loc, "to", "escalation"), "escalation.to")
        top = self.ident(self.required(loc, "top", "escalation"), "escalation.top")
        basis = self.basis_refs(loc.get("basis"))
        if to is None or top is None or len(levels) < 2:
            return None
        return Escalation(tuple(levels), to, top, basis)

    def withdrawal(self, loc: Located) -> Withdrawal | None:
        if not self.keys(loc, ("by", "until", "outcome"), "withdrawal"):
            return None
        by = self.id_list(loc.get("by"), "by") or ("submitters", "proposers")
        until_loc, outcome_loc = loc.get("until"), loc.get("outcome")
        until = self.ident(until_loc, "withdrawal.until") if until_loc is not None else None
        outcome = self.ident(outcome_loc, "withdrawal.outcome") if outcome_loc else "withdrawn"
        if outcome is None or (until_loc is not None and until is None):
            return None
        return Withdrawal(by, until, outcome)


class _Loading(threading.local):
    """The procedure ids being loaded by this thread (so threads do not see each other's)."""

    def __init__(self) -> None:
        self.ids: list[str] = []


_LOADING: Final = _Loading()


def _load_base(library: Library, ref: str, child: str | None,
               version: str | None = None) -> Procedure:
    """Load the base ``ref`` of ``child`` (its ``version`` when pinned, else the current one);
    a chain that comes back to a procedure being loaded raises ``RecursionError`` (reported as
    D702), whatever file started it."""
    loading = _LOADING.ids
    if ref in loading or ref == child:
        raise RecursionError(ref)
    pushed = [x for x in (child, ref) if x is not None and x not in loading]
    loading.extend(pushed)
    try:
        return library.load(ref, version)
    finally:
        del loading[len(loading) - len(pushed) :]


def _path(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


__all__ = [
    "RECONVENE",
    "Library",
    "check_text",
    "default_library",
    "from_data",
    "load_file",
    "load_procedure",
    "load_text",
]
