"""``deliberation show ID|FILE [--lang zh-Hans|zh-Hant|en]``: a procedure, step by step.

For each step: who acts, what completes it, every rule with its numbers (settings resolved and
marked ``[open]`` where the law leaves the choice open), where each outcome leads, the records
kept and the sources; then the settings with their defaults and descriptions.

    $ deliberation show six-deliberations-guzhuang --lang en
    $ deliberation show four-deliberations --format yaml     # the flat definition, as YAML
"""

from __future__ import annotations

import argparse
from typing import Any, Final

from deliberation.cliparse import N_
from deliberation.commands._library import add_command, add_procedure_options, procedure_of
from deliberation.definition.checks import route_keys
from deliberation.definition.gate_words import gate_lines
from deliberation.definition.item_words import items_lines
from deliberation.definition.model import (
    ESCALATE,
    RECONVENE,
    ActionKind,
    Body,
    Escalation,
    Procedure,
    RuleSpec,
    SettingRef,
    Stage,
    Supervision,
    Withdrawal,
)
from deliberation.definition.wording import code, describe_rule, plain
from deliberation.i18n import DEFAULT_LANG, Triple, _, _p, series
from deliberation.rules.law import later_citations, required_text
from deliberation.trainer.catalog import TAG_LABELS, reconvene_label


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "show", run,
                    description=N_("Show a procedure (an id on the search path, or a .yaml file) "
                                   "step by step."),
                    options=(add_procedure_options,))
    p.add_argument(
        "--format",
        choices=("text", "yaml"),
        default="text",
        help=N_("yaml: the flat definition (extends resolved), as the loader reads it"),
    )


def run(args: argparse.Namespace) -> int:
    procedure = procedure_of(args)
    if args.format == "yaml":
        from deliberation.definition.dump import to_yaml

        print(to_yaml(procedure), end="")
        return 0
    print(render(procedure, args.lang))  # the command line shows control characters as codes
    return 0


OUTCOME_KINDS: Final = {"success": _("success"), "failure": _("failure"),
                        "withdrawn": _p("outcome kind", "withdrawn"),
                        "lapsed": _p("outcome kind", "lapsed")}

# -- labels -------------------------------------------------------------------------------------

L: Final = {
    "steps": _("Steps"),
    "settings": _("Settings (defaults)"),
    "outcomes": _("Outcomes"),
    "sources": _("Sources"),
    "body": _("acting body"),
    "action": _("action"),
    "rules": _("rules"),
    "records": _("records required"),
    "routes": _("routes"),
    "basis": _("basis"),
    "open": _("[open]"),
    "setting": _("setting"),
    "no-rules": _("(none)"),
    "skip": _("skipped when setting {s} is true (default: {d})"),
    "max-rounds": _("at most {n} round(s)"),
    "per-setting": _("per setting {s}, default: {d}; choices: {c}"),
    "version": _("version"),
    "locality": _("locality"),
    "extends": _("extends"),
    "supervision": _("supervision"),
    "supervision-text": _("{b} may object, suspending the case until answered within {d} day(s)"),
    "withdrawal": _("withdrawal"),
    "escalation": _("escalation"),
    "escalation-text": _(
        "one level up the case returns to '{to}'; unresolved at the top level: {top}",
    ),
    "withdrawal-text": _("{by} may withdraw before '{u}' completes; outcome: {o}"),
    "yes": _p("commands.show:yes", "yes"),
    "no": _p("commands.show:no", "no"),
    "or": _("or"),
    "if-setting": _("rules when setting {s} = {v}:"),
    "elects": _("elects the {group} ({id}): {size}, each selected by {who}"),
    "size": _("{min} to {max} members"),
    "size-open": _("at least {min} members"),
}

# who may withdraw a matter (Withdrawal.by)
WITHDRAWERS: Final = {"submitters": _("the submitters"), "proposers": _("the proposers")}

ACTIONS: Final = {
    ActionKind.MOTION: _("written motion"),
    ActionKind.MEETING: _("meeting and vote"),
    ActionKind.CONSULTATION: _("consultation with signed opinions"),
    ActionKind.DISCLOSURE: _("disclosure"),
    ActionKind.TASK: _("task"),
    ActionKind.EVALUATION: _("signed ratings"),
    ActionKind.GATE: _("examination or approval (gate)"),
}

ROUTES: Final = {
    "pass": _p("commands.show:pass", "passed"),
    "no_quorum": _("no quorum"),
    "rejected": _("rejected"),
    "max_rounds": _("rounds used up"),
    "deadline": _("deadline passed"),
    "objection": _("objection"),
    "declined": _("declined"),
    "unresolved": _("cannot be solved at this level"),
    "short": _("posted too briefly"),
    "returned": _("returned"),
}
ESCALATE_LABEL: Final = _("one level up")

RECORDS: Final = {
    "matter": _("the matter"),
    "date": _("date"),
    "meeting-form": _("meeting form"),
    "attendance": _("expected and present counts"),
    "votes": _("votes"),
    "content": _("content decided"),
    "participant-signatures": _("participants' signatures"),
    "township-witness-signatures": _("township witnesses' signatures"),
    "motion-text": _("text of the motion"),
    "submitter-signatures": _("submitters' signatures"),
    "opinions": _("villagers' opinions"),
    "opinion-signatures": _("signatures on the opinions"),
    "channel": _("channel"),
    "period": _("period"),
    "supervision-opinion": _("supervision committee's opinion"),
    "handler": _("handler"),
    "task-result": _("result of the task"),
    "ratings": _("ratings"),
    "rating-signatures": _("raters' signatures"),
    "level": _("level"),
    "examination-checks": _("each check, met or not met"),
    "return-reasons": _("reasons for returning it"),
    "examiner-signatures": _("examiners' signatures"),
    "instrument": _("the instrument: issuing authority, document number, date"),
}

# -- the whole procedure ----------------------------------------------------------------------


def _where(procedure: Procedure, stage: Stage, target: str, lang: str) -> str:
    if target == RECONVENE:
        return reconvene_label(stage.action).get(lang)
    if target == ESCALATE and procedure.escalation is not None:
        esc = procedure.escalation
        return (f"{ESCALATE_LABEL.get(lang)}: {_where(procedure, stage, esc.to, lang)} "
                f"[{esc.levels[-1].name.get(lang)}: {_where(procedure, stage, esc.top, lang)}]")
    if target in procedure.outcomes:
        return f"{procedure.outcomes[target].name.get(lang)} ({code(target)})"
    try:
        return f"{procedure.stage(target).name.get(lang)} ({code(target)})"
    except KeyError:
        return target


def _body_line(procedure: Procedure, stage: Stage, lang: str) -> str:
    if isinstance(stage.body, SettingRef):
        s = procedure.settings[stage.body.setting]
        names = [
            f"{procedure.bodies[c].name.get(lang)} ({code(c)})"
            for c in s.choices
            if c in procedure.bodies
        ]
        return (
            L["per-setting"]
            .format(
                s=code(s.id) + (f" {L['open'].get(lang)}" if s.open else ""),
                d=code(s.default),
                c="; ".join(names),
            )
            .get(lang)
        )
    body = procedure.bodies[stage.body]
    return f"{body.name.get(lang)} ({code(body.id)})"


def _header_lines(p: Procedure, lang: str) -> list[str]:
    """Name, version, locality, what it extends and its description."""
    out: list[str] = [f"{p.name.get(lang)}  [{code(p.id)}]"]
    meta = [f"{L['version'].get(lang)} {p.version}",
            f"{L['locality'].get(lang)}: {code(p.locality)}"]
    if p.extends:
        meta.append(f"{L['extends'].get(lang)}: {code(p.extends)}")
    out.append("; ".join(meta))
    if p.description is not None:
        out.append(p.description.get(lang).strip())
    return out


def _rule_lines(
    p: Procedure, specs: tuple[RuleSpec, ...], lang: str, used_basis: list[str], body: Body
) -> list[str]:
    """One line per rule (as held by ``body``); the sources the rules cite are added to
    ``used_basis``."""
    out = []
    for spec in specs:
        out.append(f"     - {describe_rule(p, spec, lang, body)}")
        used_basis += spec.basis
    return out


def _stage_rule_lines(p: Procedure, stage: Stage, lang: str, used_basis: list[str]) -> list[str]:
    """The stage's rules, then those of each other body its body setting allows."""
    rules = p.rules_of(stage)
    out = [f"   {L['rules'].get(lang)}:" + ("" if rules else f" {L['no-rules'].get(lang)}")]
    out += _rule_lines(p, rules, lang, used_basis, p.body_of(stage))
    if isinstance(stage.body, SettingRef):
        # The other bodies the setting allows bring their own quorum and approval.
        setting = p.settings[stage.body.setting]
        for choice in setting.choices:
            if choice == setting.default or choice not in p.bodies:
                continue
            out.append("   " + L["if-setting"].format(s=code(setting.id), v=code(choice)).get(lang))
            out += _rule_lines(p, p.rules_of(stage, {setting.id: choice}), lang, used_basis,
                               p.bodies[choice])
    return out


def _routes_line(p: Procedure, stage: Stage, lang: str) -> str:
    """Where each outcome of the stage leads, and its round limit."""
    routes = []
    for key in route_keys(p, stage):
        try:
            target = p.target(stage, key)
        except LookupError:
            continue
        routes.append(f"{ROUTES[key].get(lang)} → {_where(p, stage, target, lang)}")
    if stage.max_rounds is not None:
        routes.append(L["max-rounds"].format(n=stage.max_rounds).get(lang))
    return f"   {L['routes'].get(lang)}: " + "; ".join(routes)


def _stage_lines(p: Procedure, i: int, stage: Stage, lang: str, used_basis: list[str]) -> list[str]:
    """Step ``i``: action, body, skip condition, rules, routes, records and basis."""
    out = [
        f"{i}. {stage.name.get(lang)} ({code(stage.id)}) — "
        f"{L['action'].get(lang)}: {ACTIONS[stage.action].get(lang)}"
    ]
    if stage.description is not None:
        out.append(f"   {stage.description.get(lang).strip()}")
    out.append(f"   {L['body'].get(lang)}: {_body_line(p, stage, lang)}")
    for g in p.groups_elected_at(stage.id):  # a group the meeting creates (groups:)
        size = (L["size"].format(min=g.min_members, max=g.max_members)
                if g.max_members is not None else L["size-open"].format(min=g.min_members))
        out.append("   " + L["elects"].format(
            group=g.name, id=code(g.id), size=size,
            who=series(Triple.same(code(e)) for e in g.eligible)).get(lang))
        used_basis += g.basis
    if stage.skip_when is not None:
        s = p.settings[stage.skip_when]
        skip = L["skip"].format(s=code(stage.skip_when), d=code(plain(s.default)))
        out.append("   " + skip.get(lang))
    if stage.required_from is not None:
        req = stage.required_from
        out.append("   " + required_text(req.law, req.version).get(lang))
    out += _stage_rule_lines(p, stage, lang, used_basis)
    out += items_lines(p, stage, lang)
    out += gate_lines(p, stage, lang)
    out.append(_routes_line(p, stage, lang))
    if stage.records:
        recs = [RECORDS[r].get(lang) if r in RECORDS else r for r in stage.records]
        out.append(f"   {L['records'].get(lang)}: " + ", ".join(recs))
    for b in stage.basis:
        used_basis.append(b)
        if b in p.basis:
            out.append(f"   {L['basis'].get(lang)}: {p.basis[b].title.get(lang)}")
    return out


def _escalation_line(p: Procedure, esc: Escalation, lang: str) -> str:
    ladder = " → ".join(f"{lv.name.get(lang)} ({code(lv.id)})" for lv in esc.levels)
    return (
        f"{L['escalation'].get(lang)}: {ladder}; "
        + L["escalation-text"].format(
            to=_where(p, p.stages[0], esc.to, lang),
            top=_where(p, p.stages[0], esc.top, lang),
        ).get(lang)
    )


def _supervision_line(p: Procedure, supervision: Supervision, lang: str) -> str:
    body = p.bodies.get(supervision.body)
    name = body.name.get(lang) if body else supervision.body
    return (
        f"{L['supervision'].get(lang)}: "
        + L["supervision-text"].format(b=name, d=supervision.answer_within_days).get(lang)
    )


def _withdrawal_line(p: Procedure, w: Withdrawal, lang: str) -> str:
    until = _where(p, p.stages[0], w.until, lang) if w.until else "-"
    return (
        f"{L['withdrawal'].get(lang)}: "
        + L["withdrawal-text"]
        .format(by=series(WITHDRAWERS.get(b, Triple.same(code(b))) for b in w.by), u=until,
                o=_where(p, p.stages[0], w.outcome, lang))
        .get(lang)
    )


def _case_wide_lines(p: Procedure, lang: str) -> list[str]:
    """Escalation, supervision and withdrawal: what applies to the whole case, if any."""
    out = []
    if p.escalation is not None:
        out.append(_escalation_line(p, p.escalation, lang))
    if p.supervision is not None:
        out.append(_supervision_line(p, p.supervision, lang))
    if p.withdrawal is not None:
        out.append(_withdrawal_line(p, p.withdrawal, lang))
    return ["", *out] if out else []


def _outcome_lines(p: Procedure, lang: str) -> list[str]:
    out = ["", f"{L['outcomes'].get(lang)}:"]
    for o in p.outcomes.values():
        kind = OUTCOME_KINDS[o.kind.value].get(lang)
        out.append(f"  {code(o.id)} ({kind}): {o.name.get(lang)}")
    return out


def _setting_lines(p: Procedure, lang: str, used_basis: list[str]) -> list[str]:
    """Each setting with its default, type and description; their sources go to ``used_basis``."""
    if not p.settings:
        return []
    out = ["", f"{L['settings'].get(lang)}:"]
    for s in p.settings.values():
        kind = s.type.value + (f": {' | '.join(s.choices)}" if s.choices else "")
        mark = f" {L['open'].get(lang)}" if s.open else ""
        out.append(f"  {code(f'{s.id} = {plain(s.default)}')}  ({code(kind)}){mark}")
        out.append(f"      {s.description.get(lang)}")
        used_basis += s.basis
    return out


def _source_lines(p: Procedure, used_basis: list[str], lang: str) -> list[str]:
    """The sources, those cited above first (in the order cited), then the rest declared."""
    cited = [b for b in dict.fromkeys(used_basis + list(p.basis)) if b in p.basis]
    if not cited:
        return []
    out = ["", f"{L['sources'].get(lang)}:"]
    for b in cited:
        src = p.basis[b]
        tag = TAG_LABELS[src.tag].get(lang) if src.tag in TAG_LABELS else code(src.tag)
        out.append(f"  {code(b)} [{tag}]: {src.title.get(lang)}")
        if src.law:  # the same article under each later version of the law
            out.extend(f"    {_FROM.format(on=on.isoformat()).get(lang)}: {text.get(lang)}"
                       for on, text in later_citations(src.law, src.article))
    return out


_FROM: Final = _("from {on} (cases opened since)")


def render(procedure: Procedure, lang: str = DEFAULT_LANG) -> str:
    """The procedure as text, in ``lang``.

    >>> from deliberation import load_procedure
    >>> text = render(load_procedure("six-deliberations-guzhuang"), "en")
    >>> "consultation coverage: opinions from at least 100% of adult villagers" in text
    True
    """
    p = procedure
    # Sources in the order the text cites them; every section below that cites one adds it.
    used_basis: list[str] = []
    out = _header_lines(p, lang)
    out += ["", f"{L['steps'].get(lang)}:"]
    for i, stage in enumerate(p.stages, 1):
        out += _stage_lines(p, i, stage, lang, used_basis)
    out += _case_wide_lines(p, lang)
    out += _outcome_lines(p, lang)
    out += _setting_lines(p, lang, used_basis)
    out += _source_lines(p, used_basis, lang)
    return "\n".join(out)
