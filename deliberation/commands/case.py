"""``deliberation case new|act|show|log|verify|export|list``: run a durable case from the shell.

A clerk or trainer runs a real case one action per invocation; the case lives in a store
(``--db URL``, default ``sqlite:///deliberation.db`` in the current directory, or the
``DELIBERATION_DB`` environment variable)::

    $ deliberation case new --procedure six-deliberations-guzhuang --matter 修村道 --id road
    $ deliberation case act road submit-motion --text 修村道 --submitters v0100,v0101
    $ deliberation case act road hold-meeting --json '{"present": 5, "yes": 4}'
    $ deliberation case show road --lang en
    $ deliberation case verify road
    $ deliberation case export road --format html -o road.html

``act`` maps ``--field value`` onto the engine's action method (values are JSON when they parse
as JSON, ``a,b,c`` is a list where the method takes ids). A refused action prints the rule, its
numbers and the message, exits 1, and leaves the case unchanged. Exit 2: bad input.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

from deliberation.cliparse import N_, Filled, Parser
from deliberation.commands import summary
from deliberation.commands._library import add_path_option, library_from, table
from deliberation.errors import (
    DeliberationError,
    InvalidAction,
    NotEntitled,
    RuleViolation,
    UnknownProcedure,
)
from deliberation.i18n import DEFAULT_LANG, LANGS, Joined, Text, _, _p, as_written, named, quoted
from deliberation.store.core import CaseInfo, Store, open_store
from deliberation.store.errors import CaseExists, NoStoreFile, StoreError, UnknownCase
from deliberation.store.location import ENV_DB, default_db
from deliberation.zone import local_minute

# Start-up speed: each subcommand imports what only it needs (the procedure model and its
# wording, the roster reader, the law table, the engine) in its own body, marked "lazy", so
# ``case list`` and ``case log`` load no engine and ``case list`` no procedure machinery.
if TYPE_CHECKING:
    from deliberation.definition.loader import Library
    from deliberation.definition.model import Procedure
    from deliberation.engine.case import Case
    from deliberation.engine.clock import Clock
    from deliberation.roster import Roster
    from deliberation.store.signing import HeadVerifier


# The engine's action methods a user may call (see docs/engine.md); nothing else on Case.
ACTIONS: Final = (
    "submit_motion", "give_notice", "circulate_plan", "hold_meeting", "record_opinion",
    "record_opinions", "close_consultation", "post_disclosure", "conclude_disclosure",
    "raise_objection", "answer_objection", "file_objection", "reply_objection", "publish_result",
    "withdraw",
    "check_deadlines", "note",
    "record_task", "record_rating", "record_ratings", "close_evaluation",
    "examine", "record_authority_decision",
)

MSG: Final[Mapping[str, Text]] = {
    "refused": _("action refused; the case is unchanged"),
    "opened": _("opened"),
    "state": _("state"),
    "recorded": _("recorded"),
    "version": _("version"),
    "no-cases": _("no cases in the store"),
    "written": _("written to"),
    "pdf-to-terminal": _("a PDF cannot go to the terminal; give -o FILE"),
    "attached": _("attached"),
}


def register(subparsers: Any) -> None:
    """The ``case`` command and all its subcommands."""
    register_chosen(subparsers, None)


def register_chosen(subparsers: Any, words: Sequence[str] | None) -> None:
    """The ``case`` command with only the subcommand ``words`` (the command line after
    ``case``) names, or with all of them when ``words`` is ``None`` or their list may be shown
    (``--help``, no or an unknown subcommand). Start-up speed: each parser costs argparse
    several gettext look-ups on disk, and a command runs one subcommand."""
    # (the project's Parser for the shared options too: its formatter, which argparse makes to
    # check each option added, needs no shutil for the terminal's width)
    common = Parser(add_help=False)
    common.add_argument("--db", default=default_db(),
                        metavar="URL",
                        help=N_("store URL: sqlite:///FILE (default %(default)s) or postgresql://…"))
    common.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                        help=N_("language of labels and messages (default zh-Hans)"))
    common.add_argument("--key-file", metavar="FILE",
                        help=N_("chain-head key: a secret (HMAC-SHA256) or an Ed25519 PEM key"))
    # --format json on every subcommand but export (whose --format is json or html), as lint
    # and list have it (``act --json`` already names the action's input).
    output = Parser(add_help=False)
    output.add_argument("--format", choices=("text", "json"), default="text",
                        help=N_("text for people (default) or json for programs"))
    add_path_option(common)

    p: argparse.ArgumentParser = subparsers.add_parser(
        "case", help=summary("case"),
        description=N_("Durable cases in an event store (SQLite file or PostgreSQL)."),
    )
    sub = p.add_subparsers(dest="case_command", metavar="SUBCOMMAND", required=True)
    chosen = _chosen_subcommand(words)
    for name, add in _SUBCOMMANDS.items():
        if chosen is None or name == chosen:
            add(sub, common, output)


def _chosen_subcommand(words: Sequence[str] | None) -> str | None:
    """The subcommand ``words`` name when no list of subcommands can be shown, else ``None``."""
    for word in words or ("-h",):
        if word in ("-h", "--help", "--"):
            return None
        if not word.startswith("-"):
            return word if word in _SUBCOMMANDS else None
    return None


def _add_new(sub: Any, common: argparse.ArgumentParser, output: argparse.ArgumentParser) -> None:
    new = sub.add_parser("new", parents=[common, output], help=N_("open a case"))
    new.add_argument("--procedure", required=True, metavar="ID",
                     help=N_("the procedure the case follows (an id, see `deliberation list`)"))
    new.add_argument("--matter", required=True, metavar="TEXT",
                     help=N_("the matter to decide, e.g. \"repair the village road\""))
    new.add_argument("--kind", action=_KindOption, default=None, metavar="KIND")
    new.add_argument("--village", metavar="ID",
                     help=N_("the village the case belongs to "
                             "(the service serves it to its tokens)"))
    src = new.add_mutually_exclusive_group()
    src.add_argument("--roster", metavar="FILE", help=N_("roster as .csv or .yaml"))
    src.add_argument("--generate", metavar="K=V,…",
                     help=N_("synthetic roster, e.g. households=365,people=847 (default: 固庄村)"))
    new.add_argument("--id", dest="case_id", metavar="CASE", help=N_("case id (default: random)"))
    new.add_argument("--setting", action="append", default=[], metavar="K=V",
                     help=N_("procedure setting override (value as JSON, else text); repeatable"))
    new.add_argument("--at", metavar="ISO-TIME", help=N_("the time of the action (default: now)"))
    new.add_argument("--actor", metavar="VILLAGER",
                     help=N_("who opens the case (a villager id on the roster)"))
    new.set_defaults(func=_guard(run_new))


def _add_act(sub: Any, common: argparse.ArgumentParser, output: argparse.ArgumentParser) -> None:
    act = sub.add_parser(
        "act", parents=[common, output], help=N_("take one action on a case"),
        description=Filled(N_("ACTION is an engine action ({actions})."),
                           actions=tuple(a.replace("_", "-") for a in ACTIONS)),
    )
    act.add_argument("case_id", metavar="CASE", help=N_("case id"))
    act.add_argument("action", metavar="ACTION", help=N_("the action, e.g. hold-meeting or note"))
    act.add_argument("--json", metavar="OBJECT", help=N_("the action's fields as one JSON object"))
    act.add_argument("--at", metavar="ISO-TIME", help=N_("the time of the action (default: now)"))
    act.add_argument("--attach", action="append", default=[], metavar="FILE",
                     help=N_("evidence the action carries (PDF, PNG, JPEG, TIFF, WebP or UTF-8 "
                             "text, up to 20 MiB each); repeatable"))
    act.add_argument("fields", nargs=argparse.REMAINDER, help=N_("--field value …"))
    act.set_defaults(func=_guard(run_act))


def _reader(name: str, helptext: str, func: Callable[[argparse.Namespace], int]
            ) -> Callable[[Any, argparse.ArgumentParser, argparse.ArgumentParser], None]:
    """``show``, ``log`` and ``verify``: a case id (``verify``: all cases without one)."""

    def add(sub: Any, common: argparse.ArgumentParser, output: argparse.ArgumentParser) -> None:
        sp = sub.add_parser(name, parents=[common, output], help=helptext)
        if name == "verify":
            sp.add_argument("case_id", metavar="CASE", nargs="?",
                            help=N_("case id (default: every case in the store)"))
        else:
            sp.add_argument("case_id", metavar="CASE", help=N_("case id"))
        sp.set_defaults(func=_guard(func))

    return add


def _add_export(sub: Any, common: argparse.ArgumentParser,
                output: argparse.ArgumentParser) -> None:
    del output  # export's --format is its own (json, html or pdf)
    exp = sub.add_parser(
        "export", parents=[common],
        help=N_("the case's archive as JSON, or its register as HTML or PDF"),
        description=N_("json: the complete archive (re-verifiable offline); html, pdf: the "
                       "register a village files, in --lang (the pdf needs -o FILE or a "
                       "redirected stdout)."))
    exp.add_argument("case_id", metavar="CASE", help=N_("case id"))
    exp.add_argument("--format", choices=("json", "html", "pdf"), default="json",
                     help=N_("json (default), html or pdf"))
    exp.add_argument("-o", "--output", metavar="FILE", help=N_("write here (default: stdout)"))
    exp.add_argument("--attachments", action="store_true",
                     help=N_("json: carry the attachments' bytes too (base64)"))
    exp.set_defaults(func=_guard(run_export))


def _add_list(sub: Any, common: argparse.ArgumentParser, output: argparse.ArgumentParser) -> None:
    ls = sub.add_parser("list", parents=[common, output],
                        help=N_("the cases in the store, a page at a time"),
                        description=N_("Cases oldest first; the database filters and pages them."))
    ls.add_argument("--limit", type=_positive, default=100, metavar="N",
                    help=N_("at most N cases (default %(default)s)"))
    ls.add_argument("--after", metavar="CASE", help=N_("the page after this case id"))
    ls.add_argument("--procedure", metavar="ID", help=N_("only cases under this procedure"))
    ls.add_argument("--village", metavar="ID", help=N_("only cases of this village"))
    ls.add_argument("--state", metavar="STATE",
                    help=N_("only cases in this state now (a stage id or an outcome)"))
    ls.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                    help=N_("opened on or after this day (Beijing time)"))
    ls.add_argument("--until", type=_day, metavar="YYYY-MM-DD",
                    help=N_("opened on or before this day (Beijing time)"))
    ls.add_argument("--updated-since", type=_day, metavar="YYYY-MM-DD",
                    help=N_("last action on or after this day (Beijing time)"))
    ls.add_argument("--updated-until", type=_day, metavar="YYYY-MM-DD",
                    help=N_("last action on or before this day (Beijing time)"))
    ls.set_defaults(func=_guard(run_list))


# -- helpers ------------------------------------------------------------------------------------


class _KindOption(argparse.Action):
    """``--kind``: its help lists the law table's kinds, read only when help is shown (the
    table is parsed on import; start-up speed for every other ``case`` subcommand)."""

    @property
    def help(self) -> str:
        from deliberation.rules.law import DEFAULT_KIND, KINDS  # (lazy: start-up speed)

        return Filled(N_("the matter's kind (default: {default}); one of: {kinds}"),
                      default=DEFAULT_KIND, kinds=tuple(KINDS))

    @help.setter
    def help(self, value: str | None) -> None:
        # argparse.Action.__init__ assigns the help text given; the property above answers
        # instead, so the assignment is dropped
        del value

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        setattr(namespace, self.dest, values)


def _guard(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Database and file errors become a one-line message (exit 2), never a traceback."""

    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except BrokenPipeError:
            raise  # the reader went away: cli.main ends quietly
        except (NoStoreFile, CaseExists, UnknownCase) as err:
            raise StoreError(_next_step(err)) from None
        except OSError as err:
            raise StoreError(_OPTION_ONLY.format(option=W(args.db), problem=W(str(err)))
                             ) from None
        except Exception as err:
            if type(err).__module__.split(".")[0] in ("sqlite3", "psycopg"):
                raise StoreError(_OPTION_ONLY.format(option=W(args.db), problem=_(
                    "database error: {error}").format(error=W(str(err))))) from None
            raise

    return guarded


def _next_step(err: NoStoreFile | CaseExists | UnknownCase) -> Text:
    """A store's refusal with what to do next on the command line (the store's own message
    names no command: the service says these as HTTP statuses)."""
    if isinstance(err, NoStoreFile):
        return _("no store file {path}: name the store with {db} URL (or {env}), or open the "
                 "first case with {new}").format(path=W(err.path), db=W("--db"), env=W(ENV_DB),
                                                new=W("case new"))
    if isinstance(err, CaseExists):
        return _("case {case_id} already exists: choose another {id}, or look at it with "
                 "{show}").format(case_id=W(err.case_id), id=W("--id"),
                                  show=W(f"case show {err.case_id}"))
    if err.near is not None:
        return _("no case {case_id} in the store; did you mean {near}?").format(
            case_id=W(err.case_id), near=W(err.near))
    return _("no case {case_id} in the store: {list} shows the cases it holds").format(
        case_id=W(err.case_id), list=W("case list"))


class UsageError(DeliberationError):
    """Bad command-line input (exit 2)."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(str(_("{value} is not a whole number").format(
            value=quoted(text)))) from None
    if value < 1:
        raise argparse.ArgumentTypeError(str(_("{value} is not positive").format(value=W(text))))
    return value


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(str(_("{value} is not a date (YYYY-MM-DD)").format(
            value=quoted(text)))) from None


def _village(text: str) -> str:
    # Imported here: only case new and list take a village (the check is the service's own,
    # so a village given here is one its tokens can name).
    from deliberation.service.tokens import check_village

    return check_village(text)


def _emit(data: Any) -> None:
    """One JSON document on stdout (``--format json``)."""
    print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


@contextmanager
def _store(
    args: argparse.Namespace, *, readonly: bool = False, create: bool = False
) -> Iterator[Store]:
    """The store for ``--db``, open for the block. Reading commands open it read-only: nothing
    is created or migrated, so an archived copy or a read-only database can be shown and
    verified. Only ``case new`` creates a store (a mistyped --db for ``act`` is an error, not a
    new file). A case id the store does not hold comes out with the nearest one it does."""
    if readonly:
        store = open_store(args.db, readonly=True)
    else:
        from deliberation.store.signing import Ed25519Signer, HmacSigner

        key = _key(args.key_file)
        # A public key only verifies; the store then signs nothing.
        signer = key if isinstance(key, HmacSigner | Ed25519Signer) else None
        store = open_store(args.db, signer=signer, create=create)
    with store:
        try:
            yield store
        except UnknownCase as err:
            if err.near is not None:
                raise
            raise UnknownCase(err.case_id, store.nearest_case(err.case_id)) from None


def _key(path: str | None) -> HeadVerifier | None:
    """``--key-file``: an HMAC secret or an Ed25519 PEM private key (signs and verifies), or an
    Ed25519 PEM public key (verifies only: auditors need no secret)."""
    if not path:
        return None
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise UsageError(_OPTION.format(option=W("--key-file"), value=path,
                                        problem=err.strerror or "")) from None
    except ImportError:  # pragma: no cover - cryptography is an optional extra
        raise UsageError(_OPTION.format(option=W("--key-file"), value=path, problem=_(
            "Ed25519 keys need pip install 'deliberation[signing]'"))) from None
    if raw.lstrip().startswith(b"-----BEGIN PUBLIC KEY"):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        from deliberation.store.signing import Ed25519Verifier

        try:
            public = load_pem_public_key(raw)
        except ValueError:
            raise UsageError(_OPTION.format(option=W("--key-file"), value=path,
                                            problem=_("not a readable PEM public key"))) from None
        if not isinstance(public, Ed25519PublicKey):
            raise UsageError(_OPTION.format(option=W("--key-file"), value=path,
                                            problem=_("not an Ed25519 public key")))
        return Ed25519Verifier(public)
    if raw.lstrip().startswith(b"-----BEGIN"):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        from deliberation.store.signing import Ed25519Signer

        try:
            key = load_pem_private_key(raw, password=None)
        except (ValueError, TypeError):  # TypeError: the key is encrypted
            raise UsageError(_OPTION.format(
                option=W("--key-file"), value=path,
                problem=_("not a readable, unencrypted PEM private key"))) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise UsageError(_OPTION.format(option=W("--key-file"), value=path,
                                            problem=_("not an Ed25519 private key")))
        return Ed25519Signer(key)
    from deliberation.store.signing import HmacSigner

    try:
        return HmacSigner(raw.strip())
    except ValueError as err:
        raise UsageError(_OPTION.format(option=W("--key-file"), value=path,
                                        problem=W(str(err)))) from None


def _clock(at: str | None) -> Clock | None:
    if not at:
        return None
    from deliberation.engine.clock import ManualClock  # (lazy: start-up speed)

    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise UsageError(_OPTION.format(option=W("--at"), value=quoted(at), problem=_(
            "not an ISO time (e.g. 2026-03-01T09:00+08:00)"))) from None
    if when.tzinfo is None:
        raise UsageError(_OPTION.format(option=W("--at"), value=quoted(at),
                                        problem=_("give a time zone (e.g. +08:00)")))
    if when > datetime.now(UTC) + _CLOCK_SKEW:
        # a record dated ahead would meet any period at once (conclude a 7-day posting the
        # day it goes up), as a back-dated one would; the service refuses it the same way
        raise UsageError(_OPTION.format(option=W("--at"), value=quoted(at), problem=_(
            "{at} is in the future: only what has happened can be recorded",
        ).format(at=when.isoformat())))
    return ManualClock(when)


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _generate(spec: str | None) -> Roster:
    from deliberation.roster import Roster, RosterFileError  # (lazy: start-up speed)

    params: dict[str, Any] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise UsageError(_OPTION.format(option=W("--generate"), value=quoted(part),
                                            problem=_("not KEY=VALUE")))
        params[key.strip().replace("-", "_")] = _value(value.strip())
    try:
        return Roster.generate(**params)
    except RosterFileError as err:  # the generator checks its arguments (all at once)
        raise UsageError(_OPTION_ONLY.format(option=W("--generate"), problem=Joined(
            _p("commands.case", "; "), tuple(p.message for p in err.problems)))) from None
    except (TypeError, ValueError) as err:
        raise UsageError(_OPTION_ONLY.format(option=W("--generate"),
                                        problem=W(str(err)))) from None


def _roster(args: argparse.Namespace) -> Roster:
    # Imported here for start-up speed: only ``case new`` reads a roster file, and show/act
    # need neither the scenario reader nor PyYAML's error classes.
    import yaml

    from deliberation.engine.scenario import file_problem
    from deliberation.roster import Roster, RosterError

    try:
        if args.roster:
            path = Path(args.roster)
            problem = file_problem(path)
            if problem:
                raise UsageError(_OPTION.format(option=W("--roster"), value=args.roster,
                                                problem=problem))
            if path.suffix.lower() == ".csv":
                return Roster.from_csv(path)
            return Roster.from_yaml(path)
        return _generate(args.generate)
    except RosterError as err:
        raise UsageError(err.message) from None
    except UnicodeDecodeError as err:
        raise UsageError(_OPTION.format(option=W("--roster"), value=args.roster, problem=_(
            "the file is not UTF-8 text (byte {value})").format(value=err.start))) from None
    except (ValueError, TypeError, yaml.YAMLError) as err:
        # The roster reader's own errors (a YAML syntax error is a ValueError) in one line.
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise UsageError(_OPTION.format(option=W("--roster"), value=args.roster,
                                        problem=W(first))) from None


def _procedure_as_stored(library: Library, info: CaseInfo) -> Procedure:
    """The version of the procedure a stored case names, when the library keeps it (an
    earlier one, for replay), else the current one (its names are still the best there are)."""
    try:
        return library.load(info.procedure_id, info.procedure_version)
    except UnknownProcedure:
        return library.load(info.procedure_id)


def _earlier_data(procedure: Procedure) -> dict[str, Any]:
    """For JSON output: the version that replaced ``procedure`` and the note, when it is an
    earlier version (nothing for a current one)."""
    from deliberation.definition.versions import earlier_version_note  # (lazy: start-up speed)

    note = earlier_version_note(procedure)
    if note is None:
        return {}
    return {"superseded_by": procedure.superseded_by, "earlier_version": note.to_data()}


def _load(store: Store, args: argparse.Namespace, clock: Clock | None = None) -> Any:
    from deliberation.store.cases import load_case

    return load_case(store, args.case_id, library=library_from(args), clock=clock)


# A bad option: the option and its value as written, then what is wrong in words.
_OPTION: Final = _("{option} {value}: {problem}")
# how far ahead of this machine's clock --at may be (another machine's clock may run ahead)
_CLOCK_SKEW: Final = timedelta(minutes=5)
_OPTION_ONLY: Final = _("{option}: {problem}")
_CHOOSE: Final = _("choose one of {choices}")
W = as_written  # an option, a value or a program's own words, as code in a Chinese view

_LIST_HEAD: Final = (_("case"), _("village"),
                     _p("commands.case", "procedure"), _("state"),
                     _("records"), _("created (Beijing time)"),
                     _("updated (Beijing time)"), _("matter"))  # the days --since compares


def _where(procedure: Procedure, state: str, lang: str) -> str:
    """A stage or an outcome by its name, with its id as code (what commands take)."""
    from deliberation.definition.wording import code  # (lazy: start-up speed)

    if state in procedure.outcomes:
        return f"{procedure.outcomes[state].name.get(lang)} ({code(state)})"
    try:
        return f"{procedure.stage(state).name.get(lang)} ({code(state)})"
    except LookupError:
        return code(state)


def _refusal(err: DeliberationError, lang: str, fmt: str = "text",
             case: Case | None = None) -> int:
    """Print a refused action: every violated rule by its label (as ``case show`` lists what
    is missing) with its numbers in words, at the stage named from ``case`` (when it was
    loaded); exit 1. ``--format json`` gives the rule ids and the numbers as data."""
    from deliberation.definition.wording import code  # (lazy: start-up speed)

    if fmt == "json":
        violations = ([v.to_data() for v in err.violations] if isinstance(err, RuleViolation)
                      else [])
        _emit({"refused": True, "error": type(err).__name__, "message": err.message.to_data(),
               "violations": violations})
        return 1
    lines = [f"{MSG['refused'].get(lang)}:"]
    if isinstance(err, RuleViolation):
        for v in err.violations:
            stage, label = code(v.stage), code(v.rule)
            if case is not None and v.stage in case.plan.stage_ids:
                sp = case.plan.stage(v.stage)
                stage = sp.stage.name.get(lang)
                label = next((r.type.label.get(lang) for r in sp.rules if r.id == v.rule), label)
            lines.append(f"  [{label}] ({stage}): {v.explain(lang)}")
    else:
        lines.append(f"  {err.explain(lang)}")
    print("\n".join(lines), file=sys.stderr)
    return 1


def _action_kwargs(method: Any, args: argparse.Namespace) -> dict[str, Any]:
    """``--field value`` pairs (and ``--json``) checked against the method's parameters."""
    sig = inspect.signature(method)
    # The method is taken from the class (no case loaded yet): drop ``self``.
    sig = sig.replace(parameters=[p for p in sig.parameters.values() if p.name != "self"])
    params = sig.parameters
    kwargs: dict[str, Any] = {}
    if args.json:
        data = _value(args.json)
        if not isinstance(data, dict):
            raise UsageError(_("{option} must be a JSON object, e.g. {example}").format(
                option=W("--json"), example=quoted('{"present": 20}')))
        kwargs.update({str(k).replace("-", "_"): v for k, v in data.items()})
    rest = list(args.fields)
    while rest:
        token = rest.pop(0)
        if not token.startswith("--"):
            raise UsageError(_("expected {expected}, found {token}").format(
                expected=W("--field"), token=quoted(token)))
        name, eq, inline = token[2:].partition("=")
        name = name.replace("-", "_")
        if eq:
            raw: str | None = inline
        elif rest and not rest[0].startswith("--"):
            raw = rest.pop(0)
        else:
            raw = None  # a bare flag: true
        if name in _COMMON_OPTIONS:
            kwargs.update(_common_option(args, name, raw))
            continue
        if name not in params:
            _unknown_field(args.action, "--" + name.replace("_", "-"),
                           ["--" + p.replace("_", "-") for p in params])
        kwargs[name] = True if raw is None else _convert(raw, str(params[name].annotation))
    if args.lang not in LANGS:
        raise UsageError(_OPTION.format(option=W("--lang"), value=quoted(args.lang),
                                        problem=_CHOOSE.format(choices=W(", ".join(LANGS)))))
    for key in kwargs:
        if key not in params:  # a key of --json: say which, and the field meant
            _unknown_field(args.action, key, params, in_json=True)
    missing = [name for name, p in params.items()
               if p.default is p.empty and name not in kwargs
               and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if missing:  # the options to add, not Python's "missing a required argument"
        raise UsageError(_("{action} needs {fields}").format(
            action=W(args.action),
            fields=W(", ".join("--" + name.replace("_", "-") for name in missing))))
    try:
        sig.bind(**kwargs)
    except TypeError as err:
        raise UsageError(_OPTION_ONLY.format(option=W(args.action),
                                        problem=W(str(err)))) from None
    return kwargs


def _action_help(method: Any, action: str) -> Text:
    """Every field ACTION takes, as ``--field`` options, the required ones named first."""
    params = [p for p in inspect.signature(method).parameters.values()
              if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    options = ["--" + p.name.replace("_", "-") for p in params]
    required = [o for o, p in zip(options, params, strict=True) if p.default is p.empty]
    fields = W(" ".join(options))
    if required:
        return _("fields of {action} (required: {required}): {fields}").format(
            action=W(action), required=W(", ".join(required)), fields=fields)
    return _("fields of {action}: {fields}").format(action=W(action), fields=fields)


def _unknown_field(action: str, field: str, fields: Iterable[str], *, in_json: bool = False
                   ) -> NoReturn:
    """Refuse an unknown field of ACTION with the one meant (or the fields there are)."""
    from deliberation.diagnostics import suggest  # (lazy: start-up speed; errors only)

    hint = suggest(field, fields)
    if in_json:
        raise UsageError(_("{action}: unknown key {key} in {option} ({hint})").format(
            action=W(action), key=quoted(field), option=W("--json"), hint=hint))
    raise UsageError(_("{action}: no field {field} ({hint})").format(
        action=W(action), field=W(field), hint=hint))


_COMMON_OPTIONS = ("db", "lang", "key_file", "at", "json", "path", "format", "attach")


def _common_option(args: argparse.Namespace, name: str, raw: str | None) -> dict[str, Any]:
    """A common option written after ACTION: honour it (``--json`` also gives fields)."""
    if raw is None:
        raise UsageError(_("{option} needs a value").format(
            option=W("--" + name.replace("_", "-"))))
    if name == "lang" and raw not in LANGS:
        raise UsageError(_OPTION.format(option=W("--lang"), value=quoted(raw),
                                        problem=_CHOOSE.format(choices=W(", ".join(LANGS)))))
    if name == "format" and raw not in ("text", "json"):
        raise UsageError(_OPTION.format(option=W("--format"), value=quoted(raw),
                                        problem=_CHOOSE.format(choices=W("text, json"))))
    if name in ("path", "attach"):  # repeatable
        setattr(args, name, [*(getattr(args, name, None) or []), raw])
    else:
        setattr(args, name, raw)
    return _action_kwargs_json(raw) if name == "json" else {}


def _action_kwargs_json(raw: str | None) -> dict[str, Any]:
    data = _value(raw or "")
    if not isinstance(data, dict):
        raise UsageError(_("{option} must be a JSON object").format(option=W("--json")))
    return {str(k).replace("-", "_"): v for k, v in data.items()}


def _convert(raw: str, annotation: str) -> Any:
    if annotation in ("str", "str | None"):
        return raw
    value = _value(raw)
    if isinstance(value, float) and ("int" in annotation or "Who" in annotation):
        raise UsageError(_("{value}: expected a whole number").format(value=quoted(raw)))
    if isinstance(value, str) and ("Sequence" in annotation or "Who" in annotation):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


# -- subcommands --------------------------------------------------------------------------------


def run_new(args: argparse.Namespace) -> int:
    from deliberation.commands._library import load_ref
    from deliberation.definition.wording import code  # (lazy: start-up speed)
    from deliberation.rules.law import DEFAULT_KIND
    from deliberation.store.cases import new_case

    settings: dict[str, Any] = {}
    for item in args.setting:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(_OPTION.format(option=W("--setting"), value=quoted(item),
                                            problem=_("not KEY=VALUE")))
        settings[key.strip()] = _value(value.strip())
    if args.case_id is not None and not args.case_id.strip():
        raise UsageError(_OPTION_ONLY.format(option=W("--id"),
                                        problem=_("the case id is empty")))
    village = "" if args.village is None else _village(args.village)
    roster = _roster(args)
    procedure = load_ref(args.procedure, library_from(args))
    with _store(args, create=True) as store:
        case = new_case(store, procedure, roster, matter=args.matter, case_id=args.case_id,
                        settings=settings or None, clock=_clock(args.at), actor=args.actor,
                        kind=args.kind or DEFAULT_KIND, village=village)
    if args.format == "json":
        _emit({"case": case.id, "procedure": case.procedure.id, "state": case.state,
               "version": case.version, "village": village,
               "records": [rec.to_data() for rec in case.records]})
        return 0
    lang = args.lang
    print(f"{MSG['opened'].get(lang)} {code(case.id)}  "
          f"{MSG['state'].get(lang)}: {_where(case.procedure, case.state, lang)}  "
          f"{MSG['version'].get(lang)}: {case.version}")
    return 0


def _lang_after_action(args: argparse.Namespace) -> None:
    """Honour a ``--lang`` written after ACTION when its fields are not read (an unknown
    action, or ``--help``), so that the answer is in the language asked for."""
    rest = list(args.fields)
    for i, token in enumerate(rest):
        value = token.partition("=")[2] if token.startswith("--lang=") else (
            rest[i + 1] if token == "--lang" and i + 1 < len(rest) else None)
        if value in LANGS:
            args.lang = value


def _near_action(word: str) -> Text | str:
    """The action a mistyped one most likely meant: the one action the word is a part of
    (``motion`` → ``submit-motion``, ``notice`` → ``give-notice``, where spelling alone would
    say ``note``), else the closest spelling, else the list of actions.

    >>> _near_action("notice").get("en")
    "did you mean 'give-notice'?"
    """
    from deliberation.diagnostics import suggest  # (lazy: start-up speed; errors only)

    actions = [a.replace("_", "-") for a in ACTIONS]
    part_of = [a for a in actions if word.lower() in a.split("-")]
    if len(part_of) == 1:
        return _("did you mean {near}?").format(near=quoted(part_of[0]))
    return suggest(word, actions)


def run_act(args: argparse.Namespace) -> int:
    name = args.action.replace("-", "_")
    if name not in ACTIONS:
        _lang_after_action(args)
        raise UsageError(_("unknown action {action}; {hint}").format(
            action=quoted(args.action), hint=_near_action(args.action)))
    from deliberation.definition.wording import code
    from deliberation.engine.case import Case  # (lazy: start-up speed, as for every command)
    from deliberation.engine.items import ITEM_RESULT
    from deliberation.store.cases import act
    from deliberation.store.evidence import check_count, read_evidence
    from deliberation.trainer.catalog import entry_label, route_label

    if any(f in ("--help", "-h") for f in args.fields):
        _lang_after_action(args)
        print(_action_help(getattr(Case, name), args.action).get(args.lang))
        return 0
    kwargs = _action_kwargs(getattr(Case, name), args)
    clock = _clock(args.at)
    try:
        check_count(len(args.attach))
        evidence = [read_evidence(path) for path in args.attach]
    except InvalidAction as err:
        raise UsageError(err.message) from None
    with _store(args) as store:
        before = store.info(args.case_id).version
        def apply(case: Any) -> Any:
            try:
                return getattr(case, name)(**kwargs)
            except (TypeError, ValueError) as err:
                # A value of the wrong kind that the engine did not word itself.
                raise UsageError(_OPTION_ONLY.format(option=W(args.action),
                                                problem=W(str(err)))) from None

        loaded: list[Any] = []  # the case as loaded: its procedure names a refusal's stage

        def load(cid: str) -> Any:
            loaded.append(_load(store, args, clock))
            return loaded[-1]

        try:
            case = act(store, args.case_id, apply, loader=load, evidence=evidence)
        except (RuleViolation, NotEntitled, InvalidAction) as err:
            if isinstance(err, InvalidAction) and type(err).__name__ in ("UnknownCase",):
                raise
            return _refusal(err, args.lang, args.format, loaded[-1] if loaded else None)
    if args.format == "json":
        _emit({"case": case.id, "state": case.state, "version": case.version,
               "outcome": case.outcome, "closed": case.closed,
               "records": [rec.to_data() for rec in case.records[before:]]})
        return 0
    lang = args.lang
    # an item by its name (its id as code): the reader knows the street lights, not `lights`
    items = {it.id: it.name for st in case.procedure.stages for it in st.items}
    for rec in case.records[before:]:
        route = rec.result.get("route")
        print(f"{MSG['recorded'].get(lang)} #{rec.seq} {entry_label(rec.kind).get(lang)}"
              + (f" → {route_label(str(route)).get(lang)}" if route else ""))
        for item in rec.result.get("items") or ():  # a meeting's items voted one by one
            label = named(items[item["id"]], item["id"]).get(lang) if item["id"] in items else (
                code(item["id"]))
            print(f"  {label}: {ITEM_RESULT[bool(item['adopted'])].get(lang)}")
        for a in rec.attachments:
            print(f"  {MSG['attached'].get(lang)}: {a.name} "
                  f"({code(f'{a.media_type}, {a.size} B, sha256 {a.sha256[:12]}')})")
    print(f"{MSG['state'].get(lang)}: {_where(case.procedure, case.state, lang)}  "
          f"{MSG['version'].get(lang)}: {case.version}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from deliberation.definition.versions import earlier_version_note  # (lazy: start-up speed)
    from deliberation.definition.wording import code

    with _store(args, readonly=True) as store:
        info = store.info(args.case_id)
        case = _load(store, args)
    # The matter as the chained opened record holds it: the cases row's copy can be changed
    # without touching the chain (case verify reports that; show does not repeat it).
    if args.format == "json":
        _emit({**info.to_data(), "matter": case.matter, "state": case.state, "stage": case.stage,
               "outcome": case.outcome, "closed": case.closed, "suspended": case.suspended,
               "blockers": [{"rule": b.rule, "message": b.message.to_data(),
                             "numbers": dict(b.numbers)} for b in case.blockers()],
               "explanation": case.explain(args.lang, command=_act_name),
               **_earlier_data(case.procedure)})
        return 0
    print(f"{code(info.case_id)}  {case.matter}  "
          f"({code(f'{info.procedure_id} v{info.procedure_version}')}, "
          f"{MSG['version'].get(args.lang)} {info.version})")
    if (earlier := earlier_version_note(case.procedure)) is not None:
        print(earlier.get(args.lang))
    print(case.explain(args.lang, command=_act_name))
    return 0


def _act_name(method: str) -> str:
    """An engine action as ``case act`` spells it (``hold_meeting`` → ``hold-meeting``)."""
    return method.replace("_", "-")


def run_log(args: argparse.Namespace) -> int:
    from deliberation.commands.case_log import record_lines
    from deliberation.definition.versions import earlier_version_note  # (lazy: start-up speed)

    with _store(args, readonly=True) as store:
        stored = store.stored(args.case_id)
        info = store.info(args.case_id)
        if args.format == "json":
            _emit([s.to_data() for s in stored])
            return 0
        roster = store.roster(args.case_id)
    try:
        procedure: Procedure | None = _procedure_as_stored(library_from(args), info)
    except DeliberationError:  # the records are still shown, with ids where names would be
        procedure = None
    if procedure is not None and (earlier := earlier_version_note(procedure)) is not None:
        print(earlier.get(args.lang))
    for s in stored:
        print("\n".join(record_lines(s.record, procedure, roster, args.lang)))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from deliberation.store.cases import load_case

    failed = 0
    results: list[dict[str, Any]] = []
    with _store(args, readonly=True) as store:
        ids = [args.case_id] if args.case_id else [c.case_id for c in store.cases()]
        key = _key(args.key_file)
        for result in store.verify_many(ids, key=key):
            case_id = result.case_id
            replay = ""
            earlier: dict[str, Any] = {}
            if result.ok:
                try:
                    earlier = _earlier_data(
                        load_case(store, case_id, library=library_from(args)).procedure)
                except DeliberationError as err:
                    replay = err.explain(args.lang)
            failed += (not result.ok) or bool(replay)
            if args.format == "json":
                results.append({**result.to_data(), "replay": replay or None, **earlier})
                continue
            print(result.explain(args.lang)
                  + (f"  [{result.signature}]" if result.signature != "not-checked" else ""))
            if replay:
                print(f"  replay: {replay}")
            if earlier:
                print(f"  {earlier['earlier_version'][args.lang]}")
    if args.format == "json":
        _emit(results if not args.case_id else results[0])
    return 1 if failed else 0


def run_export(args: argparse.Namespace) -> int:
    # lazy for start-up speed: ReportLab and the templates load only when exporting
    from deliberation.store.archive import archive_data, archive_json, render_html
    from deliberation.store.register_pdf import register_pdf

    if args.attachments and args.format != "json":
        raise UsageError(_("{option} goes with {other}").format(
            option=W("--attachments"), other=W("--format json")))
    if args.format == "pdf" and not args.output and sys.stdout.isatty():
        raise UsageError(MSG["pdf-to-terminal"].get(args.lang))
    with _store(args, readonly=True) as store:
        key = _key(args.key_file)
        if args.format == "json":
            text: str | bytes = archive_json(store, args.case_id, key=key,
                                             attachments=args.attachments)
        elif args.format == "html":
            text = render_html(archive_data(store, args.case_id, key=key), lang=args.lang,
                               library=library_from(args))
        else:
            text = register_pdf(archive_data(store, args.case_id, key=key), lang=args.lang,
                                library=library_from(args))
    if args.output:
        try:
            if isinstance(text, bytes):
                Path(args.output).write_bytes(text)
            else:
                Path(args.output).write_text(text, encoding="utf-8")
        except OSError as err:
            raise UsageError(_OPTION.format(option=W("-o"), value=args.output,
                                            problem=err.strerror or "")) from None
        print(f"{MSG['written'].get(args.lang)} {args.output}")
    elif isinstance(text, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
    else:
        sys.stdout.write(text)
    return 0


def run_list(args: argparse.Namespace) -> int:
    with _store(args, readonly=True) as store:
        cases = store.cases(
            limit=args.limit, after=args.after, procedure=args.procedure, since=args.since,
            until=args.until, village=None if args.village is None else _village(args.village),
            state=args.state, updated_since=args.updated_since,
            updated_until=args.updated_until)
    if args.format == "json":
        _emit({"cases": [c.to_data() for c in cases],
               "next_after": cases[-1].case_id if len(cases) == args.limit else None})
        return 0
    if not cases:
        print(MSG["no-cases"].get(args.lang))
        return 0
    rows = [[h.get(args.lang) for h in _LIST_HEAD]]
    rows += [[c.case_id, c.village, f"{c.procedure_id} v{c.procedure_version}", c.state,
              str(c.version), local_minute(c.created_at),
              local_minute(c.updated_at) if c.updated_at else "", c.matter] for c in cases]
    print(table(rows))
    return 0



# The subcommands in the order of ``deliberation case --help``, each with what adds its parser.
_SUBCOMMANDS: Final[Mapping[str, Callable[[Any, argparse.ArgumentParser,
                                           argparse.ArgumentParser], None]]] = {
    "new": _add_new,
    "act": _add_act,
    "show": _reader("show", N_("the case's state, what is missing and who may act"), run_show),
    "log": _reader("log", N_("every record of the case"), run_log),
    "verify": _reader("verify", N_("check the hash chain (and signed heads with --key-file)"),
                      run_verify),
    "export": _add_export,
    "list": _add_list,
}
