"""An interactive terminal walkthrough of a procedure on a sample village.

At each step it shows who acts, what must be recorded, the numbered rules with their legal basis
and what they mean for the sample village; the trainer types actions (a wrong one too) and sees
what the engine (:mod:`deliberation.engine.case`) records, or why it refuses, in the chosen
language.
Plain ``input()``/``print``; from a script (one command per line) it rehearses the same session.

>>> import io
>>> out = io.StringIO()
>>> walk = Walkthrough.start("six-deliberations-guzhuang", lang="en", out=out)
>>> walk.run(["motion 1", "meeting present=2 yes=2"], echo=True)
0
>>> "no quorum" in out.getvalue() and "Rule 2.1" in out.getvalue()
True
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TextIO

import attrs

from deliberation.definition.item_words import items_summary
from deliberation.definition.loader import load_procedure
from deliberation.definition.model import ActionKind, Procedure
from deliberation.definition.wording import code
from deliberation.engine.case import Case
from deliberation.engine.clock import ManualClock
from deliberation.errors import DeliberationError, RuleViolation
from deliberation.i18n import LANGS, Text, Triple, _, check_lang, series
from deliberation.roster import Roster
from deliberation.rules.authorities import authority_name
from deliberation.rules.days import local_date
from deliberation.rules.observers import Observers
from deliberation.rules.thresholds import Base, Comparison, Threshold
from deliberation.safetext import printable
from deliberation.trainer.catalog import entry_label, route_label, ui
from deliberation.trainer.steps import (
    ProcedureView,
    RuleView,
    StepView,
    basis_line,
    build_view,
    sample_counts,
    setting_line,
)

W: Final[dict[str, Text]] = {
    "welcome": _(
        "Walkthrough: {procedure}\nMatter: {matter}\nSample village: {households} households, "
        "{people} people, {party} Party members, {reps} representatives. Type help for commands.",
    ),
    "step-head": _("Step {n} of {total}: {name}"),
    "sample-of": _("sample village: at least {needed} of {total}"),
    "sample-present": _("counted on those present"),
    "sample-body": _("sample village: {members}"),
    "try": _("Try: {commands}"),
    "refused": _("✗ Refused; nothing was recorded and the case is unchanged:"),
    "recorded": _("✓ Recorded ({kinds})"),
    "result": _("Result: {route} → {target}"),
    "round": _(" (round {n})"),
    "closed": _("The case is closed: {outcome}"),
    "unknown": _("unknown command {cmd}; type help for the commands"),
    "bad": _("bad command: {problem}"),
    "waited": _("{days} day(s) pass; it is now {date}"),
    "lang": _("Language: English"),
    "status": _("Now at: {state}; {n} record(s)"),
    "error": _("internal error: {error}"),
    "bye": _("End of the walkthrough."),
    "suspended": _("the case is suspended by an objection; answer it first (answer)"),
}

HELP: Final = _(
    "Commands (numbers as present=19, or in order):\n  motion N [signed=M]            N villagers "
    "submit the written motion (M sign; default all)\n  notice | circulate             give notice "
    "of the meeting | circulate the plan\n  wait DAYS                      let days pass\n  "
    "meeting present=N yes=N [no=N abstain=N witnesses=N signed=N households=N excused=N "
    "among.woman=N]\n                                 hold the meeting and vote (closes a "
    "consultation first)\n  opinions N [unsigned=N]        record N signed opinions (unsigned: how "
    "many lack a signature)\n  opinions all                   record a signed opinion for everyone "
    "to be consulted\n  close                          close the consultation (or the "
    "evaluation)\n  task [declined|unresolved]     report on the task: done (default), declined, "
    "cannot solve here\n  ratings N [unsatisfied=N]      record N satisfied signed ratings "
    "(unsatisfied: how many not)\n  post CHANNEL | conclude        post the disclosure "
    "(notice-board, broadcast…) | conclude it\n  object [reason] | answer [redo]  the supervision "
    "committee objects | answer (redo: redo step)\n  withdraw                       withdraw the "
    "matter\n  show | explain | status | records | lang zh-Hans|zh-Hant|en | help | quit",
)

# The commands of a public comment period and of per-stage disclosure (kept apart from HELP,
# whose wording is translated whole)
HELP_COMMENTS: Final = _(
    "  comment VILLAGER REASON        a villager objects, signed (in a public comment period)\n"
    "  reply VILLAGER ANSWER          the villagers' committee answers that villager's objection\n"
    "  publish STEP [CHANNEL]         publish an earlier step's result (per-step disclosure)",
)

# The commands of a gate (an examination by the stage's body, or an authority's decision)
HELP_GATES: Final = _(
    "  clear [signed=N]               the gate's body finds every check met; its first N members "
    "sign (default all)\n"
    "  return CHECK REASON            the gate's body returns the matter: CHECK not met, for "
    "REASON\n"
    "  decide DECISION [REASON]       record the authority's decision (approved, refused, "
    "returned, filed) with a sample instrument",
)

_COMMANDS_BY_ACTION: Final[dict[ActionKind, tuple[str, ...]]] = {
    ActionKind.MOTION: ("motion 1",),
    ActionKind.MEETING: ("meeting present=N yes=N",),
    ActionKind.CONSULTATION: ("opinions all", "close"),
    ActionKind.DISCLOSURE: ("post notice-board", "wait 7", "conclude"),
    ActionKind.TASK: ("task", "task declined"),
    ActionKind.EVALUATION: ("ratings 5", "close"),
    ActionKind.GATE: ("clear", "return CHECK REASON"),
}

_MEETING_KEYS: Final = ("present", "yes", "no", "abstain")
# the records whose checks and route the walkthrough reports
_ROUTED: Final = ("meeting", "examination", "authority-decision")
_MEETING_OPTIONS: Final = ("witnesses", "signed", "households", "excused", "non_voting",
                           "interested_voting")


class CommandError(ValueError):
    """A walkthrough command could not be understood (nothing was done); says why in words."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def _prefixed(args: list[str], prefix: str) -> dict[str, int]:
    """``["among.woman=7"]`` with prefix ``among.`` → ``{"woman": 7}``."""
    given = [a.removeprefix(prefix) for a in args if a.startswith(prefix)]
    return _ints(given, (), tuple(a.partition("=")[0] for a in given))


def _ints(args: list[str], positional: tuple[str, ...], options: tuple[str, ...]
          ) -> dict[str, int]:
    """``["19", "yes=12"]`` → ``{"present": 19, "yes": 12}``; whole numbers ≥ 0 only."""
    out: dict[str, int] = {}
    pos = 0
    for arg in args:
        if "=" in arg:
            key, _unused, value = arg.partition("=")
            key = key.strip()
            if key not in positional and key not in options:
                # ``non-voting`` for ``non_voting``; a selector (``among.woman-representative``)
                # keeps its own hyphens
                key = key.replace("-", "_")
            if key not in positional and key not in options:
                known = series([Triple.same(code(k)) for k in positional + options])
                raise CommandError(_("unknown option {key} (known: {known})").format(
                    key=code(key), known=known))
        else:
            if pos >= len(positional):
                raise CommandError(_("too many numbers: {arg}").format(arg=code(arg)))
            key, value = positional[pos], arg
            pos += 1
        if not value.strip().isdigit():
            raise CommandError(_("{key} must be a whole number, 0 or more, not {value}").format(
                key=code(key), value=code(value)))
        out[key] = int(value)
    return out


@attrs.define
class Walkthrough:
    """One walkthrough session: a case on a sample village, a language, an output stream."""

    procedure: Procedure
    view: ProcedureView
    case: Case
    clock: ManualClock
    lang: str = "zh-Hans"
    out: TextIO = attrs.field(factory=lambda: sys.stdout)
    matter: str = ""
    malformed: int = 0  # commands that could not be understood (not refusals: those are lessons)

    @classmethod
    def start(
        cls,
        procedure: Procedure | str,
        *,
        lang: str = "zh-Hans",
        out: TextIO | None = None,
        matter: str = "",
        roster: Roster | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Walkthrough:
        """Open a case on ``roster`` (default: the 固庄 sample village) with a manual clock."""
        proc = load_procedure(procedure) if isinstance(procedure, str) else procedure
        roster = roster if roster is not None else Roster.generate()
        clock = ManualClock()
        matter = matter or _DEFAULT_MATTER.get(check_lang(lang))
        case = Case.open(proc, roster, matter=matter, settings=settings, clock=clock)
        view = build_view(proc, case.settings or None, roster)
        return cls(proc, view, case, clock, lang, out if out is not None else sys.stdout, matter)

    # -- output --------------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        # labels and the matter come from files and people: no control character acts
        print(printable(text), file=self.out)

    def t(self, key: str, **values: Any) -> str:
        return W[key].format(**values).get(self.lang) if values else W[key].get(self.lang)

    def welcome(self) -> None:
        r = self.case.roster
        self.say(self.t("welcome", procedure=self.procedure.name.get(self.lang), matter=self.matter,
                        households=r.households, people=r.count("villager"),
                        party=r.count("party-member"), reps=r.count("representative")))
        self.say()
        self.show()

    def show(self) -> None:
        """The current step: who acts, the rules with numbers and basis, records, routes."""
        if self.case.closed:
            self._closed()
            return
        step = self.view.step(self.case.state)
        if any(m in self.procedure.groups for m in step.body.members):
            # a group a meeting created: its sample is the members this case elected
            step = attrs.evolve(step, sample=sample_counts(step.body, self.case.roster))
        lang = self.lang
        sep = "; " if lang == "en" else ";"
        colon = ": " if lang == "en" else ":"
        head = self.t("step-head", n=step.number, total=len(self.view.steps),
                      name=step.name.get(lang))
        self.say("━━ " + head + " ━━")
        if step.stage.description is not None:
            self.say(step.stage.description.get(lang))
        sample = self.t("sample-body", members=step.sample.get("members", 0))
        self.say(f"{ui('actor').get(lang)}{colon}{step.actor.get(lang)} — {sample}")
        action = step.action.get(lang)
        if step.stage.max_rounds is not None:
            action += " · " + ui("max-rounds").format(n=step.stage.max_rounds).get(lang)
        if step.stage.items:
            action += " · " + items_summary(step.stage).get(lang)
        if step.gate is not None:
            action += " · " + step.gate.get(lang)
        self.say(f"{ui('action').get(lang)}{colon}{action}")
        self.say(f"{ui('rules').get(lang)}{colon}".rstrip())
        for rule in step.rules:
            self.say(f"  {ui('rule-no').format(no=rule.number).get(lang)}  {rule.detail.get(lang)}"
                     + self._sample_note(step, rule))
            for b in rule.basis:
                self.say(f"      {basis_line(b, lang)}")
            for s in rule.settings:
                self.say(f"      {setting_line(s, lang)}")
        records = ("、" if lang != "en" else ", ").join(r.get(lang) for r in step.records)
        self.say(f"{ui('records').get(lang)}{colon}{records}")
        routes = sep.join(
            f"{route_label(r.key).get(lang)} → {self.view.route_target(r).get(lang)}"
            for r in step.routes
        )
        self.say(f"{ui('routes').get(lang)}{colon}{routes}")
        self.say(self.t("try", commands=" | ".join(code(c) for c in self._commands(step))))

    def _commands(self, step: StepView) -> list[str]:
        """The walkthrough commands that act at ``step``, as its stage and rules need them."""
        commands = list(_COMMANDS_BY_ACTION.get(step.stage.action, ()))
        if step.stage.authority is not None:
            commands = ["decide approved", "decide returned REASON"]
        names = {r.rule for r in step.rules}
        if step.stage.items:  # each item's yes votes instead of the meeting's
            commands = ["meeting present=N " + " ".join(f"item.{it.id}=N"
                                                        for it in step.stage.items)]
        if "observers" in names:
            commands = [c + " observers=N" if c.startswith("meeting") else c for c in commands]
        if self.procedure.groups_elected_at(step.stage.id):  # the members of the group
            commands = [c + " elected=N" if c.startswith("meeting") else c for c in commands]
        if "notice-period" in names:
            commands.insert(0, "notice")
        if "advance-circulation" in names:
            commands.insert(0, "circulate")
        if names & {"notice-period", "advance-circulation"}:
            commands.insert(1, "wait DAYS")
        return commands

    def _sample_note(self, step: StepView, rule: RuleView) -> str:
        if not rule.thresholds or not step.sample:
            return ""
        t = rule.thresholds[0]
        totals = dict(step.sample)
        totals["population"] = (step.sample["households"]
                                if rule.params.get("unit") == "household"
                                else step.sample["adults"])
        if t.total_field not in totals:
            return f"  [{self.t('sample-present')}]"
        total = totals[t.total_field]
        needed = Threshold(t.ratio, Comparison(t.compare), Base(t.base)).needed(total)
        return f"  [{self.t('sample-of', total=total, needed=needed)}]"

    def _closed(self) -> None:
        outcome = self.case.outcome or self.case.state
        self.say(self.t("closed", outcome=self.view.target_name(outcome).get(self.lang)))

    # -- commands ----------------------------------------------------------------------------
    def run(self, lines: Iterable[str], *, echo: bool = False) -> int:
        """Run commands (a script, or stdin); returns 0, or 1 if any command was malformed."""
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if echo:
                self.say(f"> {line}")
            if not self.execute(line):
                break
        return 1 if self.malformed else 0

    def interact(self) -> int:
        """Read commands with ``input()`` until ``quit`` or end of input."""
        while True:
            try:
                line = input("> ")
            except EOFError:
                self.say()
                break
            if line.strip() and not self.execute(line.strip()):
                break
        return 1 if self.malformed else 0

    def execute(self, line: str) -> bool:
        """Do one command and say what happened; ``False`` asks to stop."""
        try:
            words = shlex.split(line)
        except ValueError:  # shlex: an unclosed quote
            self.malformed += 1
            self.say(self.t("bad", problem=_("a quotation mark is not closed")))
            return True
        cmd, args = words[0].lower(), words[1:]
        if cmd in ("quit", "exit", "q"):
            self.say(self.t("bye"))
            return False
        handler = self._handlers().get(cmd)
        if handler is None:
            self.malformed += 1
            self.say(self.t("unknown", cmd=code(cmd)))
            return True
        before = (self.case.state, self.case.version)
        try:
            handler(args)
        except CommandError as err:
            self.malformed += 1
            self.say(self.t("bad", problem=err.text))
        except RuleViolation as err:
            self._refused(err)
        except DeliberationError as err:
            self.say(self.t("refused"))
            self.say(f"  {err.explain(self.lang)}")
        except Exception as err:  # a walkthrough never shows a traceback to a trainer
            self.say(self.t("error", error=f"{type(err).__name__}: {err}"))
        else:
            self._after(before)
        return True

    def _handlers(self) -> dict[str, Callable[[list[str]], object]]:
        return {
            "help": self._help,
            "?": self._help,
            "show": lambda a: self.show(),
            "explain": lambda a: self.say(self.case.explain(
                self.lang, command=lambda method: _COMMAND_OF.get(method, method))),
            "status": lambda a: self.say(self.t("status", state=self._where(self.case.state),
                                                n=self.case.version)),
            "records": self._records,
            "lang": self._lang,
            "motion": self._motion,
            "notice": lambda a: self._no_args(a) or self.case.give_notice(),
            "circulate": lambda a: self._no_args(a) or self.case.circulate_plan(),
            "wait": self._wait,
            "meeting": self._meeting,
            "vote": self._meeting,
            "opinions": self._opinions,
            "close": self._close,
            "task": self._task,
            "ratings": self._ratings,
            "post": self._post,
            "conclude": lambda a: self._no_args(a) or self.case.conclude_disclosure(
                actor=self._member_of_stage_body()),
            "object": self._object,
            "answer": self._answer,
            "comment": self._comment,
            "publish": self._publish,
            "reply": self._reply,
            "withdraw": self._withdraw,
            "clear": self._clear,
            "return": self._return,
            "decide": self._decide,
        }

    @staticmethod
    def _no_args(args: list[str]) -> None:
        if args:
            raise CommandError(_("no arguments expected, got {args}").format(
                args=code(" ".join(args))))

    def _lang(self, args: list[str]) -> None:
        if len(args) != 1 or args[0] not in LANGS:
            raise CommandError(_("lang takes one of {langs}").format(
                langs=series([Triple.same(code(lang)) for lang in LANGS])))
        self.lang = args[0]
        self.say(self.t("lang"))

    def _records(self, args: list[str]) -> None:
        for rec in self.case.records:
            parts = [f"#{rec.seq} {entry_label(rec.kind).get(self.lang)}"]
            if rec.stage:
                parts.append(self.view.target_name(rec.stage).get(self.lang))
            route = rec.result.get("route")
            if route:
                parts.append(route_label(str(route)).get(self.lang))
            self.say("  " + " · ".join(parts))

    def _motion(self, args: list[str]) -> None:
        n = _ints(args, ("submitters",), ("signed",))
        count = n.get("submitters", 1)
        adults = [v.id for v in self.case.roster.select(("adult",))]
        if count > len(adults):
            raise CommandError(_("the village has only {n} adults").format(n=len(adults)))
        # Submitters from the end of the roster: ordinary villagers rather than cadres.
        subs = adults[len(adults) - count:]
        signed = subs[: n["signed"]] if "signed" in n else None
        self.case.submit_motion(self.matter, subs, signed=signed)

    def _wait(self, args: list[str]) -> None:
        n = _ints(args, ("days",), ())
        if "days" not in n:
            raise CommandError(_("say how many days, e.g. {example}").format(
                example=code("wait 3")))
        self.clock.advance(days=n["days"])
        self.say(self.t("waited", days=n["days"], date=self.clock.now().date().isoformat()))

    def _meeting(self, args: list[str]) -> None:
        # among.woman=N: how many of a subset some quorum counts apart are present;
        # item.road=N: the yes votes on an item voted on by itself (the others present vote no)
        among, items = (_prefixed(args, "among."), _prefixed(args, "item."))
        n = _ints([a for a in args if not a.startswith(("among.", "item."))], _MEETING_KEYS,
                  (*_MEETING_OPTIONS, "observers", "elected"))
        if "present" not in n:
            raise CommandError(_("meeting needs {present} (and {yes})").format(
                present=code("present=N"), yes=code("yes=N")))
        options: dict[str, Any] = {k: n[k] for k in _MEETING_OPTIONS if k in n}
        if among:
            options["present_among"] = among
        if items:
            options["items"] = {k: {"yes": v, "no": max(0, n["present"] - v)}
                                for k, v in items.items()}
        if n.get("observers"):
            # observers=N: the first N of each body the stage's observers rules require
            sp = self.case.plan.stage(self.case.state)
            named = [v.id for r in sp.preconditions if isinstance(r, Observers)
                     for v in self.case.roster.select((r.of,))[:n["observers"]]]
            options["observers"] = list(dict.fromkeys(named))
        if "elected" in n:
            # elected=N: the group the meeting elects, its first N eligible villagers
            stage = self.case.stage or ""
            options["elected"] = {
                g.id: [v.id for v in self.case.roster.select(g.eligible)][:n["elected"]]
                for g in self.procedure.groups_elected_at(stage)}
        self.case.hold_meeting(n["present"], n.get("yes", 0), n.get("no", 0),
                               n.get("abstain", 0), **options)

    def _opinions(self, args: list[str]) -> None:
        if args == ["all"]:
            missing = self._missing_opinions()
            self.case.record_opinions(missing)
            return
        n = _ints(args, ("signed",), ("unsigned", "proxies"))
        if "signed" not in n:
            raise CommandError(_("write {usage}").format(
                usage=code("opinions N [unsigned=N]") + " | " + code("opinions all")))
        self.case.record_opinions(n["signed"], unsigned=n.get("unsigned", 0),
                                  proxies=n.get("proxies", 0))

    def _close(self, args: list[str]) -> None:
        self._no_args(args)
        stage = self.case.stage
        if stage is not None and self.procedure.stage(stage).action is ActionKind.EVALUATION:
            self.case.close_evaluation()
        else:
            self.case.close_consultation()

    def _task(self, args: list[str]) -> None:
        if len(args) > 1 or (args and args[0] not in ("done", "declined", "unresolved")):
            raise CommandError(_("write {usage}").format(
                usage=code("task [done|declined|unresolved]")))
        self.case.record_task(args[0] if args else "done", actor=self._member_of_stage_body())

    def _ratings(self, args: list[str]) -> None:
        n = _ints(args, ("satisfied",), ("unsatisfied", "unsigned"))
        if "satisfied" not in n:
            raise CommandError(_("write {usage}").format(usage=code("ratings N [unsatisfied=N]")))
        self.case.record_ratings(n["satisfied"], unsatisfied=n.get("unsatisfied", 0),
                                 unsigned=n.get("unsigned", 0))

    def _missing_opinions(self) -> int:
        for b in self.case.blockers():
            if b.rule == "consultation-coverage":
                return int(b.numbers.get("missing", 0))
        return 0

    def _member_of_stage_body(self) -> str | None:
        stage = self.case.stage
        if stage is None:
            return None
        body = self.procedure.body_of(self.procedure.stage(stage), self.case.settings or None)
        members = self.case.roster.select(body.members)
        return members[0].id if members else None

    def _first(self, selector: str) -> str:
        found = self.case.roster.select((selector,))
        if not found:
            raise CommandError(_("the sample village has no one selected by {selector}").format(
                selector=code(selector)))
        return found[0].id

    def _post(self, args: list[str]) -> None:
        if len(args) != 1:
            raise CommandError(_("say where it is posted, e.g. {example}").format(
                example=code("post notice-board")))
        self.case.post_disclosure(args[0], actor=self._member_of_stage_body())

    def _object(self, args: list[str]) -> None:
        self.case.raise_objection(self._first("supervision-committee"), " ".join(args))

    def _answer(self, args: list[str]) -> None:
        redo: bool | str = False
        if args:
            redo = True if args[0] == "redo" else args[0]
        self.case.answer_objection(self._first("villagers-committee"), redo=redo)

    def _comment(self, args: list[str]) -> None:
        if len(args) < 2:
            raise CommandError(_("write {usage}, e.g. {example}").format(
                usage=code("comment VILLAGER REASON"),
                example=code("comment v0041 the road takes my plot")))
        self.case.file_objection(args[0], " ".join(args[1:]))

    def _reply(self, args: list[str]) -> None:
        if len(args) < 2:
            raise CommandError(_("write {usage}, e.g. {example}").format(
                usage=code("reply VILLAGER ANSWER"),
                example=code("reply v0041 the route was changed")))
        self.case.reply_objection(args[0], self._first("villagers-committee"), " ".join(args[1:]))

    def _publish(self, args: list[str]) -> None:
        if len(args) not in (1, 2):
            raise CommandError(_("write {usage}, e.g. {example}").format(
                usage=code("publish STEP [CHANNEL]"),
                example=code("publish proposal notice-board")))
        self.case.publish_result(args[0], args[1] if len(args) == 2 else "notice-board",
                                 actor=self._first("villagers-committee"))

    def _help(self, args: list[str]) -> None:
        self.say(HELP.get(self.lang) + "\n" + HELP_COMMENTS.get(self.lang) + "\n"
                 + HELP_GATES.get(self.lang))

    def _gate_members(self, signed: int | None = None) -> list[str]:
        stage = self.case.stage
        if stage is None:
            return []
        body = self.procedure.body_of(self.procedure.stage(stage), self.case.settings or None)
        members = [v.id for v in self.case.roster.select(body.members)]
        return members if signed is None else members[:signed]

    def _checks(self) -> list[str]:
        stage = self.case.stage
        return [c.id for c in self.procedure.stage(stage).checks] if stage is not None else []

    def _clear(self, args: list[str]) -> None:
        n = _ints(args, (), ("signed",))
        self.case.examine(met=self._checks(), signed=self._gate_members(n.get("signed")))

    def _return(self, args: list[str]) -> None:
        if len(args) < 2:
            raise CommandError(_("write {usage}, e.g. {example}").format(
                usage=code("return CHECK REASON"),
                example=code("return materials the survey is missing")))
        self.case.examine(met=[c for c in self._checks() if c != args[0]],
                          not_met={args[0]: " ".join(args[1:])}, signed=self._gate_members())

    def _decide(self, args: list[str]) -> None:
        if not args:
            raise CommandError(_("write {usage}, e.g. {example}").format(
                usage=code("decide DECISION [REASON]"), example=code("decide approved")))
        stage = self.case.stage
        auth = self.procedure.stage(stage).authority if stage is not None else None
        issuer = (authority_name(auth.id, self.procedure.authorities).get(self.lang)
                  if auth is not None else "-")
        today = local_date(self.clock.now(), self.procedure.zone).isoformat()
        self.case.record_authority_decision(
            args[0], issuer=issuer, number=f"{today}-1", issued_on=today,
            reason=" ".join(args[1:]), actor=self._member_of_stage_body())

    def _withdraw(self, args: list[str]) -> None:
        submitters: list[str] = []
        for rec in self.case.records:
            if rec.kind == "motion":
                submitters = list(rec.data.get("submitters") or ())
        by = submitters[0] if submitters else self._first("party-committee")
        self.case.withdraw(by, " ".join(args))

    # -- explaining what happened -------------------------------------------------------------
    def _rule_view(self, stage: str | None, rule_id: str) -> RuleView | None:
        try:
            step = self.view.step(stage or "")
        except KeyError:
            return None
        return next((r for r in step.rules if r.id == rule_id), None)

    def _refused(self, err: RuleViolation) -> None:
        self.say(self.t("refused"))
        for v in err.violations:
            rv = self._rule_view(v.stage, v.rule)
            number = ui("rule-no").format(no=rv.number).get(self.lang) if rv else v.rule
            label = rv.label.get(self.lang) if rv else v.rule
            self.say(f"  ✗ {number} [{label}] {v.explain(self.lang)}")
            for b in v.basis:
                basis = self.procedure.basis.get(b)
                if basis is not None:
                    self.say(f"      {basis_line(basis, self.lang)}")

    def _after(self, before: tuple[str, int]) -> None:
        state, version = before
        new = self.case.records[version:]
        if not new:
            return
        sep = ", " if self.lang == "en" else "、"
        kinds = sep.join(entry_label(r.kind).get(self.lang) for r in new)
        self.say(self.t("recorded", kinds=kinds))
        for rec in new:
            result = rec.result
            if rec.kind not in _ROUTED or not result:
                continue
            for check in result.get("checks") or ():
                self._check_line(rec.stage, check)
            route = str(result.get("route", ""))
            if route:
                target = self._route_target(rec.stage, route)
                line = self.t("result", route=route_label(route).get(self.lang), target=target)
                if result.get("round"):
                    line += self.t("round", n=result["round"])
                self.say(line)
        if self.case.suspended:
            self.say(self.t("suspended"))
        if self.case.state != state or self.case.closed:
            self.say()
            self.show()

    def _where(self, state: str) -> str:
        """A stage or an outcome by its name, with its id as code (what commands name)."""
        return f"{self.view.target_name(state).get(self.lang)} ({code(state)})"

    def _route_target(self, stage: str | None, route: str) -> str:
        try:
            step = self.view.step(stage or "")
        except KeyError:
            return ""
        for r in step.routes:
            if r.key == route:
                return self.view.route_target(r).get(self.lang)
        return ""

    def _check_line(self, stage: str | None, check: Mapping[str, Any]) -> None:
        rule_id = str(check.get("rule", ""))
        rv = self._rule_view(stage, rule_id)
        numbers = check.get("numbers") or {}
        mark = "✓" if check.get("ok") else "✗"
        number = rv.number if rv else rule_id
        detail = rv.detail.get(self.lang) if rv else rule_id
        count, needed = numbers.get("count"), numbers.get("needed")
        if count is None:  # a rule that counted nothing here (e.g. no regime binds the kind)
            self.say(f"  {mark} {number} {detail}")
            return
        if "total" in numbers:
            nums = _("{count} / {total}, at least {needed}").format(
                count=count, total=numbers["total"], needed=needed).get(self.lang)
        else:
            nums = _("{count}, at least {needed}").format(count=count, needed=needed).get(self.lang)
        self.say(f"  {mark} {number} {detail} — {nums}")


# The walkthrough's command for each engine action ``explain`` may offer.
_COMMAND_OF: Final = {
    "submit_motion": "motion", "give_notice": "notice", "reconvene": "notice",
    "circulate_plan": "circulate", "hold_meeting": "meeting", "record_opinion": "opinions",
    "record_opinions": "opinions", "close_consultation": "close", "post_disclosure": "post",
    "conclude_disclosure": "conclude", "raise_objection": "object", "answer_objection": "answer",
    "file_objection": "comment", "reply_objection": "reply", "publish_result": "publish",
    "record_task": "task", "record_rating": "ratings", "record_ratings": "ratings",
    "close_evaluation": "close", "examine": "clear", "record_authority_decision": "decide",
}

_DEFAULT_MATTER: Final = _("Building the village road (rehearsal)")


def run_walk(
    procedure: Procedure | str,
    lines: Iterable[str] | None = None,
    *,
    lang: str = "zh-Hans",
    out: TextIO | None = None,
    matter: str = "",
    settings: Mapping[str, Any] | None = None,
) -> int:
    """A whole session: welcome, then ``lines`` (echoed, as a script) or ``input()``."""
    walk = Walkthrough.start(procedure, lang=lang, out=out, matter=matter, settings=settings)
    walk.welcome()
    if lines is None:
        return walk.interact()
    return walk.run(lines, echo=True)
