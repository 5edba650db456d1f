"""A procedure diff in words (zh-Hans, zh-Hant, en) and as JSON data.

Rules are said in their own words (the ``summary`` and ``detail`` their ``describe()`` gave);
labels of actions, records, routes and people come from the trainer's catalogue, so a diff
speaks as ``show``, the diagrams and the walkthrough do.

>>> from deliberation import load_procedure
>>> from deliberation.analysis.diff import diff
>>> d = diff(load_procedure("four-deliberations"), load_procedure("six-deliberations-guzhuang"))
>>> print(to_text(d, "en").splitlines()[2])
+ new step "motion" (written motion, by villagers), before "proposal"
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from deliberation.analysis.diff import Change, Diff
from deliberation.definition.gate_words import gate_summary
from deliberation.definition.model import Procedure
from deliberation.definition.wording import code
from deliberation.i18n import LANGS, Text, Triple, _, _p
from deliberation.rules.authorities import ASK_LABELS
from deliberation.trainer.catalog import (
    TAG_LABELS,
    action_label,
    record_label,
    route_label,
    selector_label,
)

FORMATS: Final = ("text", "json")

W: Final[dict[str, Text]] = {
    "head": _("{a} → {b}: {n} change(s)"),
    "none": _("No difference in governance terms."),
    "stage-added": _("+ new step \"{name}\" ({action}, by {body}), {where}"),
    "before-stage": _("before \"{stage}\""),
    "after-stage": _("after \"{stage}\""),
    "at-start": _("at the start"),
    "stage-removed": _("- step \"{name}\" removed ({action}, by {body})"),
    "stage-moved": _("~ step \"{name}\" moved: step {before} → step {after}"),
    "rule-line": _("    · {label}: {words}"),
    "stage-name": _("~ {stage}: name {before} → {after}"),
    "stage-action": _("~ {stage}: action {before} → {after}"),
    "stage-body": _("~ {stage}: acting body {before} → {after}"),
    "max-rounds": _("~ {stage}: at most rounds {before} → {after}"),
    "skip-when": _("~ {stage}: merged away by setting {before} → {after}"),
    "routes": _("~ {stage}: routes {before} → {after}"),
    "records": _("~ {stage}: records {before} → {after}"),
    "stage-basis": _("~ {stage}: basis {before} → {after}"),
    "rule-added": _("+ {stage}: new rule {label}: {words}"),
    "rule-removed": _("- {stage}: rule removed {label}: {words}"),
    "rule-changed": _("~ {stage}: {label} {before} → {after}"),
    "rule-numbers": _("      (numbers: {before} → {after})"),
    "body-added": _("+ new body \"{name}\": {who}"),
    "body-removed": _("- body \"{name}\" removed"),
    "body-changed": _("~ body \"{name}\": {before} → {after}"),
    "body-rules": _(
        "~ rules of body \"{name}\" (no step uses it at the defaults): {before} → {after}",
    ),
    "setting-added": _("+ new setting {id} ({type}, default {default}): {description}"),
    "setting-removed": _("- setting {id} removed (its default was {default})"),
    "setting-default": _("~ setting {id}, default: {before} → {after}"),
    "setting-type": _("~ setting {id}, type: {before} → {after}"),
    "setting-choices": _("~ setting {id}, choices: {before} → {after}"),
    "setting-open": _("~ setting {id}, left open by the law: {before} → {after}"),
    "outcome-added": _("+ new outcome \"{name}\" ({kind})"),
    "outcome-removed": _("- outcome \"{name}\" removed"),
    "outcome-changed": _("~ outcome {id}: {before} → {after}"),
    "supervision": _("~ supervision: {before} → {after}"),
    "withdrawal": _("~ withdrawal: {before} → {after}"),
    "escalation": _("~ escalation: {before} → {after}"),
    "timezone": _("~ time zone: {before} → {after}"),
    "channel-added": _("+ new disclosure channel {id}: {name}"),
    "channel-removed": _("- disclosure channel {id} removed"),
    "channel-changed": _("~ disclosure channel {id}: {before} → {after}"),
    "basis-added": _("+ new basis {id}: {title}"),
    "basis-removed": _("- basis {id} removed: {title}"),
    "basis-changed": _("~ basis {id}: {before} → {after}"),
    "gate-check-added": _("+ {stage}: new check \"{name}\" ({id})"),
    "gate-check-removed": _("- {stage}: check \"{name}\" removed ({id})"),
    "gate-check-changed": _("~ {stage}: check {id} {before} → {after}"),
    "gate-authority": _("~ {stage}: decided by {before} → {after}"),
    "gate-asked": _("the {authority} ({id}), for {ask}"),
    "gate-examined": _("the {body}, examining its checks"),
    "authority-added": _("+ new authority above the village {id}: {name}"),
    "authority-removed": _("- authority above the village {id} removed: {name}"),
    "authority-changed": _("~ authority above the village {id}: {before} → {after}"),
    "group-added": _("+ new group \"{name}\", elected at \"{stage}\": {size}, from {who}"),
    "group-removed": _("- group \"{name}\" removed (it was elected at \"{stage}\")"),
    "group-changed": _("~ group \"{name}\": {what} {before} → {after}"),
    "group-size": _("{min} to {max} members"),
    "group-size-open": _("at least {min} members"),
    "no-limit": _("no limit"),
    "quoted": _p("analysis.diff_render:quoted", "\"{text}\""),
    "none-value": _("none"),
    "setting-ref": _("setting {id}"),
    "members": _("members: {who}"),
    "voters": _("voters: {who}"),
    "unit": _("unit: {unit}"),
}

# The parts of a group a change names, in the order of the format (docs/format.md, groups).
_GROUP_PARTS: Final[dict[str, Text]] = {
    "name": _p("analysis.diff_render:group", "name"),
    "elected_at": _("elected at"),
    "eligible": _("who may be elected"),
    "min": _("fewest members"),
    "max": _("most members"),
    "basis": _p("analysis.diff_render:group", "basis"),
    "description": _p("analysis.diff_render:group", "description"),
}

_UNITS: Final[dict[str, Text]] = {
    "person": _("by person"),
    "household": _("by household"),
}

_KIND_NAMES: Final[dict[str, Text]] = {
    "success": _("success"),
    "failure": _p("analysis.diff_render:failure", "failure"),
    "withdrawn": _("withdrawn"),
    "lapsed": _p("analysis.diff_render:lapsed", "lapsed"),
}


def _text(data: Any, lang: str) -> str:
    """A ``{"zh-Hans": …}`` mapping in ``lang``."""
    return str(Triple.from_data(data).get(lang))


class _Say:
    """Words for one change in one language."""

    def __init__(self, d: Diff, lang: str) -> None:
        self.d, self.lang = d, lang
        self.sep = ", " if lang == "en" else "、"

    def t(self, key: str, **values: Any) -> str:
        return W[key].format(**values).get(self.lang)

    def none(self, value: Any) -> str:
        if isinstance(value, bool):  # as a setting is written (--setting id=true)
            return "true" if value else "false"
        return self.t("none-value") if value in (None, [], {}) else str(value)

    def stage(self, stage_id: str | None) -> str:
        for p in (self.d.b, self.d.a):
            ids = [s.id for s in p.stages]
            if stage_id in ids:
                return p.stage(stage_id).name.get(self.lang)
        return str(stage_id)

    def who(self, selectors: list[str]) -> str:
        return self.sep.join(self.selector(s) for s in selectors)

    def selector(self, selector: str) -> str:
        """A roster selector, or a group a meeting elects (a selector too) by its name."""
        for p in (self.d.b, self.d.a):
            if selector in p.groups:
                return p.groups[selector].name.get(self.lang)
        return selector_label(selector).get(self.lang)

    def body_ref(self, value: Any, procedure: Procedure) -> str:
        if isinstance(value, dict):
            return self.t("setting-ref", id=code(value.get("setting")))
        body = procedure.bodies.get(str(value))
        return body.name.get(self.lang) if body is not None else str(value)

    def rule_words(self, rule: dict[str, Any]) -> str:
        return _text(rule["detail"], self.lang)

    def routes(self, on: dict[str, str]) -> str:
        if not on:
            return self.t("none-value")
        return self.sep.join(f"{route_label(k).get(self.lang)}→{self.target(v)}"
                             for k, v in on.items())

    def target(self, target: str) -> str:
        """Where a route leads: a stage or an outcome by its name; anything else as code."""
        for p in (self.d.b, self.d.a):
            if target in p.outcomes:
                return p.outcomes[target].name.get(self.lang)
        name = self.stage(target)
        return code(target) if name == target else name

    def records(self, kinds: list[str]) -> str:
        return self.sep.join(record_label(k).get(self.lang) for k in kinds) or self.t(
            "none-value")

    def body_desc(self, body: dict[str, Any]) -> str:
        parts = [self.t("members", who=self.who(body["members"]))]
        if body["voters"]:
            parts.append(self.t("voters", who=self.who(body["voters"])))
        unit = _UNITS.get(body["unit"])
        parts.append(self.t("unit", unit=unit.get(self.lang) if unit else body["unit"]))
        return ("; " if self.lang == "en" else ";").join(parts)

    def basis(self, data: dict[str, Any]) -> str:
        tag = TAG_LABELS.get(data["tag"])
        label = tag.get(self.lang) if tag is not None else data["tag"]
        return f"[{label}] {_text(data['title'], self.lang)}"

    def value(self, value: Any) -> str:
        """A value as written in a procedure (a setting's default, parameters, a small record):
        code, as a reader would type it; numbers as they are, nothing as "none"."""
        if value in (None, [], {}):
            return self.t("none-value")
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return code(self.compact(value))

    def compact(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}={self.compact(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.compact(v) for v in value) + "]"
        return self.none(value)

    # -- one change -----------------------------------------------------------------------
    def lines(self, c: Change) -> list[str]:
        handler: Callable[[Change], list[str]] = getattr(
            self, "_" + c.kind.replace("-", "_"), self._generic)
        return handler(c)

    def _stage_added(self, c: Change) -> list[str]:
        s = c.after
        if s["before"]:
            where = self.t("before-stage", stage=self.stage(s["before"]))
        elif s["after"]:
            where = self.t("after-stage", stage=self.stage(s["after"]))
        else:
            where = self.t("at-start")
        out = [self.t("stage-added", name=_text(s["name"], self.lang),
                      action=action_label(s["action"]).get(self.lang),
                      body=_text(s["body"]["name"], self.lang), where=where)]
        out += [self.t("rule-line", label=_text(r["label"], self.lang), words=self.rule_words(r))
                for r in s["rules"]]
        if s["action"] == "gate":  # what it examines, or who above the village decides it
            out.append("    · " + gate_summary(self.d.b, self.d.b.stage(s["id"])).get(self.lang))
        return out

    def _stage_removed(self, c: Change) -> list[str]:
        s = c.before
        return [self.t("stage-removed", name=_text(s["name"], self.lang),
                       action=action_label(s["action"]).get(self.lang),
                       body=_text(s["body"]["name"], self.lang))]

    def _stage_moved(self, c: Change) -> list[str]:
        return [self.t("stage-moved", name=self.stage(c.stage), before=c.before, after=c.after)]

    def _stage_name(self, c: Change) -> list[str]:
        return [self.t("stage-name", stage=code(c.stage), before=_text(c.before, self.lang),
                       after=_text(c.after, self.lang))]

    def _stage_action(self, c: Change) -> list[str]:
        return [self.t("stage-action", stage=self.stage(c.stage),
                       before=action_label(c.before).get(self.lang),
                       after=action_label(c.after).get(self.lang))]

    def _stage_body(self, c: Change) -> list[str]:
        return [self.t("stage-body", stage=self.stage(c.stage),
                       before=self.body_ref(c.before, self.d.a),
                       after=self.body_ref(c.after, self.d.b))]

    def _routes(self, c: Change) -> list[str]:
        return [self.t("routes", stage=self.stage(c.stage), before=self.routes(c.before),
                       after=self.routes(c.after))]

    def _records(self, c: Change) -> list[str]:
        return [self.t("records", stage=self.stage(c.stage), before=self.records(c.before),
                       after=self.records(c.after))]

    def _rule_added(self, c: Change) -> list[str]:
        return [self.t("rule-added", stage=self.stage(c.stage),
                       label=_text(c.after["label"], self.lang), words=self.rule_words(c.after))]

    def _rule_removed(self, c: Change) -> list[str]:
        return [self.t("rule-removed", stage=self.stage(c.stage),
                       label=_text(c.before["label"], self.lang),
                       words=self.rule_words(c.before))]

    def _rule_changed(self, c: Change) -> list[str]:
        b, a = c.before, c.after
        # the short words when they differ, else the full words, else the parameters as
        # written (e.g. a number that became a setting with the same default), else the basis
        for key in ("summary", "detail"):
            if b[key] != a[key]:
                before, after = _text(b[key], self.lang), _text(a[key], self.lang)
                break
        else:
            if b["written"] != a["written"]:
                before, after = self._changed(b["written"] or {}, a["written"] or {})
            else:
                before, after = self.value(b["basis"]), self.value(a["basis"])
        out = [self.t("rule-changed", stage=self.stage(c.stage),
                      label=_text(a["label"], self.lang), before=before, after=after)]
        if b["params"] != a["params"]:
            before, after = self._changed(b["params"], a["params"])
            out.append(self.t("rule-numbers", before=before, after=after))
        return out

    def _changed(self, b: dict[str, Any], a: dict[str, Any]) -> tuple[str, str]:
        """The keys whose values differ, each side compact: ``{ratio=1/2}``, ``{ratio=2/3}``."""
        keys = [k for k in {**b, **a} if b.get(k) != a.get(k)]
        return (self.value({k: b.get(k) for k in keys}),
                self.value({k: a.get(k) for k in keys}))

    def _body_added(self, c: Change) -> list[str]:
        return [self.t("body-added", name=_text(c.after["name"], self.lang),
                       who=self.body_desc(c.after))]

    def _body_removed(self, c: Change) -> list[str]:
        return [self.t("body-removed", name=_text(c.before["name"], self.lang))]

    def _body_changed(self, c: Change) -> list[str]:
        return [self.t("body-changed", name=_text(c.after["name"], self.lang),
                       before=self.body_desc(c.before), after=self.body_desc(c.after))]

    def _setting_added(self, c: Change) -> list[str]:
        s = c.after
        return [self.t("setting-added", id=code(s["id"]), type=code(s["type"]),
                       default=self.value(s["default"]),
                       description=_text(s["description"], self.lang))]

    def _setting_removed(self, c: Change) -> list[str]:
        return [self.t("setting-removed", id=code(c.subject),
                       default=self.value(c.before["default"]))]

    def _outcome_added(self, c: Change) -> list[str]:
        return [self.t("outcome-added", name=_text(c.after["name"], self.lang),
                       kind=_KIND_NAMES[c.after["kind"]].get(self.lang))]

    def _outcome_changed(self, c: Change) -> list[str]:
        def one(o: dict[str, Any]) -> str:
            kind = _KIND_NAMES[o["kind"]].get(self.lang)
            return f"{_text(o['name'], self.lang)} ({kind})" if self.lang == "en" else \
                f"{_text(o['name'], self.lang)}({kind})"

        return [self.t("outcome-changed", id=code(c.subject), before=one(c.before),
                       after=one(c.after))]

    def _outcome_removed(self, c: Change) -> list[str]:
        return [self.t("outcome-removed", name=_text(c.before["name"], self.lang))]

    def _channel_added(self, c: Change) -> list[str]:
        return [self.t("channel-added", id=code(c.subject), name=_text(c.after, self.lang))]

    def _channel_removed(self, c: Change) -> list[str]:
        return [self.t("channel-removed", id=code(c.subject))]

    def _basis_added(self, c: Change) -> list[str]:
        return [self.t("basis-added", id=code(c.subject), title=self.basis(c.after))]

    def _basis_removed(self, c: Change) -> list[str]:
        return [self.t("basis-removed", id=code(c.subject), title=self.basis(c.before))]

    def _basis_changed(self, c: Change) -> list[str]:
        return [self.t("basis-changed", id=code(c.subject), before=self.basis(c.before),
                       after=self.basis(c.after))]

    def _gate_check_added(self, c: Change) -> list[str]:
        return [self.t("gate-check-added", stage=self.stage(c.stage),
                       name=_text(c.after["name"], self.lang), id=code(c.subject))]

    def _gate_check_removed(self, c: Change) -> list[str]:
        return [self.t("gate-check-removed", stage=self.stage(c.stage),
                       name=_text(c.before["name"], self.lang), id=code(c.subject))]

    def _gate_check_changed(self, c: Change) -> list[str]:
        return [self.t("gate-check-changed", stage=self.stage(c.stage), id=code(c.subject),
                       before=self.t("quoted", text=_text(c.before["name"], self.lang)),
                       after=self.t("quoted", text=_text(c.after["name"], self.lang)))]

    def _gate_authority(self, c: Change) -> list[str]:
        return [self.t("gate-authority", stage=self.stage(c.stage),
                       before=self.decider(c.before, self.d.a, c.stage),
                       after=self.decider(c.after, self.d.b, c.stage))]

    def decider(self, authority: dict[str, Any] | None, p: Procedure, stage: str | None) -> str:
        """Who decides a gate: an authority and what it is asked for, or the stage's body
        examining its checks (nobody, where the stage on that side is not a gate)."""
        if authority is None:
            here = p.stage(str(stage))
            if here.action.value != "gate":
                return self.t("none-value")
            return self.t("gate-examined", body=p.body_of(here).name.get(self.lang))
        return self.t("gate-asked", ask=ASK_LABELS[authority["asks"]].get(self.lang),
                      authority=_text(authority["name"], self.lang), id=code(authority["id"]))

    def _authority_added(self, c: Change) -> list[str]:
        return [self.t("authority-added", id=code(c.subject), name=_text(c.after, self.lang))]

    def _authority_removed(self, c: Change) -> list[str]:
        return [self.t("authority-removed", id=code(c.subject), name=_text(c.before, self.lang))]

    def _authority_changed(self, c: Change) -> list[str]:
        return [self.t("authority-changed", id=code(c.subject),
                       before=_text(c.before, self.lang), after=_text(c.after, self.lang))]

    def _group_added(self, c: Change) -> list[str]:
        g = c.after
        if g["max"] is None:
            size = self.t("group-size-open", min=g["min"])
        else:
            size = self.t("group-size", min=g["min"], max=g["max"])
        return [self.t("group-added", name=_text(g["name"], self.lang),
                       stage=self.stage(g["elected_at"]), size=size,
                       who=self.who(g["eligible"]))]

    def _group_removed(self, c: Change) -> list[str]:
        return [self.t("group-removed", name=_text(c.before["name"], self.lang),
                       stage=self.stage(c.before["elected_at"]))]

    def _group_changed(self, c: Change) -> list[str]:
        """One line for each part of the group that differs."""
        return [self.t("group-changed", name=_text(c.after["name"], self.lang),
                       what=label.get(self.lang), before=self.group_part(part, c.before[part]),
                       after=self.group_part(part, c.after[part]))
                for part, label in _GROUP_PARTS.items() if c.before[part] != c.after[part]]

    def group_part(self, part: str, value: Any) -> str:
        if part in ("name", "description"):
            return _text(value, self.lang) if value is not None else self.t("none-value")
        if part == "elected_at":
            return self.t("quoted", text=self.stage(value))
        if part == "eligible":
            return self.who(value)
        if part == "max" and value is None:
            return self.t("no-limit")
        if part == "basis":
            return self.sep.join(code(v) for v in value) or self.t("none-value")
        return str(value)

    def _generic(self, c: Change) -> list[str]:
        """Kinds whose two sides read well as they are (numbers, ids, small records)."""
        values = {"before": self.value(c.before), "after": self.value(c.after),
                  "id": code(c.subject), "stage": self.stage(c.stage),
                  "name": self.stage(c.stage)}
        if c.kind == "body-rules":
            values["name"] = self.body_ref(c.subject, self.d.b)
        return [self.t(c.kind, **values)]


def _label(p: Procedure, lang: str) -> str:
    return f"{p.name.get(lang)} ({code(p.id)} {p.version})"


def to_text(d: Diff, lang: str) -> str:
    """The diff for people: a heading, then one line (or a few) per change."""
    say = _Say(d, lang)
    lines = [W["head"].format(a=_label(d.a, lang), b=_label(d.b, lang),
                              n=len(d.changes)).get(lang), ""]
    if not d.changes:
        lines.append(W["none"].get(lang))
    for c in d.changes:
        lines += say.lines(c)
    return "\n".join(lines)


def to_data(d: Diff) -> dict[str, Any]:
    """The diff as plain JSON data (``diff.v1.schema.json``): each change with its kind, where
    it is, both sides as data, and its words in the three languages."""
    says = {lang: _Say(d, lang) for lang in LANGS}
    return {
        "schema": 1,
        "a": {"id": d.a.id, "version": d.a.version, "name": d.a.name.to_data()},
        "b": {"id": d.b.id, "version": d.b.version, "name": d.b.name.to_data()},
        "changes": [
            {"kind": c.kind, "stage": c.stage, "subject": c.subject, "before": c.before,
             "after": c.after,
             "text": {lang: "\n".join(says[lang].lines(c)) for lang in LANGS}}
            for c in d.changes
        ],
    }
