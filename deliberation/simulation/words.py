"""What a reader sees of a results table: parameter, column and value names in a language.

The tables themselves (``simulate``, ``summarise``, ``failures``, the files ``--out`` writes)
keep their stable English column ids and element ids: they are data to group by. This module
names them for people — the console and the figures: a column by its label, a procedure, stage
or outcome by its name in the definition, a rule by its type's label, a route by the trainer's
route words. In English the console keeps the ids (what a researcher types back in pandas);
in Chinese no id is shown bare: one without a name is shown as code (```…```).

>>> parameter_label("party_away_share", "zh-Hant")
'外出黨員比例'
>>> from deliberation import load_procedure
>>> names = Names([load_procedure("four-deliberations")], "zh-Hans")
>>> names.stage("four-deliberations", "review"), names.outcome("four-deliberations", "rejected")
('审议', '未通过')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from deliberation.definition.wording import code
from deliberation.i18n import Text, _, _p
from deliberation.rules.base import RULES
from deliberation.rules.law import kind_label
from deliberation.simulation.params import SETTING_PREFIX
from deliberation.trainer.catalog import ROUTE_LABELS

if TYPE_CHECKING:
    import pandas as pd

    from deliberation.definition.model import Procedure, Stage

# Every SimParams field (a test checks none is missing): axis labels, facet titles and the
# console's column headers when a parameter is swept.
PARAMETER_LABELS: Final[dict[str, Text]] = {
    "households": _("households in the village"),
    "people": _("people in the village"),
    "adults": _("adult villagers"),
    "party_members": _("Party members"),
    "probationary": _("probationary Party members"),
    "representatives": _("villagers' representatives"),
    "party_committee": _("branch committee members"),
    "villagers_committee": _("villagers' committee members"),
    "supervision_committee": _("supervision committee members"),
    "township_officials": _("township officials attending"),
    "party_away_share": _("share of Party members away"),
    "away_share": _("share of adult villagers away"),
    "household_away_share": _("share of households wholly away"),
    "roster_file": _("roster file"),
    "support": _("mean support"),
    "attendance": _("attendance of resident members"),
    "attendance_by_body": _("attendance by meeting"),
    "away_attendance": _("chance an away member comes back"),
    "away_excused": _("away members excused (not counted as expected)"),
    "support_by_body": _("mean support by meeting"),
    "committee_support": _("mean support in the committees' meetings"),
    "support_concentration": _("concentration of support between cases"),
    "stage_correlation": _("correlation of support across stages"),
    "abstention": _("chance a present voter abstains"),
    "strategic_abstention": _("share of opponents staying away"),
    "revision_gain": _("support gained by a revision"),
    "support_by_item": _("mean support by item"),
    "observer_attendance": _("chance an observer comes"),
    "office_signs": _("chance an office holder comes and signs"),
    "refuse_sign": _("chance a villager refuses to sign"),
    "reach_away": _("chance an away villager is reached per round"),
    "reach_resident": _("chance a resident is reached per round"),
    "reach_away_proxy": _("chance an away villager's proxy is reached per round"),
    "proxies": _("written proxies accepted"),
    "max_consultation_rounds": _("most consultation rounds"),
    "motion_submitters": _("villagers raising the motion"),
    "meeting_interval_days": _("days between meetings"),
    "reconvene_days": _("days before a meeting is held again"),
    "revision_days": _("days to revise a plan"),
    "consultation_round_days": _("days per consultation round"),
    "objection_rate": _("chance of an objection per disclosure"),
    "task_accept": _("chance a task is accepted"),
    "task_solve": _("chance a task is solved"),
    "task_on_time": _("chance a task is reported on time"),
    "task_days": _("days to report on a task"),
    "ratings": _("ratings per evaluation"),
    "satisfaction": _("chance a rating is satisfied"),
    "evaluation_days": _("days per evaluation"),
    "gate_return": _("chance an examination returns the matter"),
    "authority_refusal": _("chance the authority refuses"),
    "gate_days": _("days per examination or decision"),
    "max_reconvenings": _("most meetings held again per stage"),
    "max_steps": _("most steps per case"),
    "settings": _p("simulation.words:column", "settings"),
    "kind": _("kind of matter"),
    "procedure": _("procedure"),
}
# The summary's and the failure table's own columns (the console's headers in Chinese).
COLUMN_LABELS: Final[dict[str, Text]] = {
    "runs": _("runs"),
    "p_adopted": _("P(adopted)"),
    "ci_low": _("lower bound (95%)"),
    "ci_high": _("upper bound (95%)"),
    "days_adopted_median": _("median days to adoption (adopted cases)"),
    "days_q10": _("days to any outcome: 10th percentile"),
    "days_q50": _("days to any outcome: median"),
    "days_q90": _("days to any outcome: 90th percentile"),
    "mean_reconvenings": _("meetings held again (mean)"),
    "mean_revisions": _("revisions (mean)"),
    "mean_consultation_rounds": _("consultation rounds (mean)"),
    "outcome": _p("simulation.words:column", "outcome"),
    "end_stage": _("ended at stage"),
    "end_rule": _("why (rule)"),
    "end_route": _("route taken"),
    "share": _("share of all cases"),
}
# The three quantile columns together, where a note names them.
ALL_DAYS: Final = _("days to any outcome")
SETTING_WORD: Final = _("setting")
BOOLS: Final[dict[bool, Text]] = {True: _p("simulation.words:bool", "yes"),
                                  False: _p("simulation.words:bool", "no")}
# What the simulator names as the reason a stage ended besides a rule of the stage.
REASONS: Final[dict[str, Text]] = {
    "authority": _("the authority refused or returned it"),
    "checks": _("checks not met"),
}
NONE: Final = "—"  # an empty cell (no rule, no adopted run to take a median over)


def parameter_label(name: str, lang: str) -> str:
    """A parameter's (or setting's) label in ``lang``: its axis label, a facet's title, a
    column's header. A setting is named by its id, as code outside English.

    >>> parameter_label("settings.resolution-body", "en")
    'setting resolution-body'
    >>> parameter_label("settings.resolution-body", "zh-Hans")
    '设置 `resolution-body`'
    """
    if name in PARAMETER_LABELS:
        return PARAMETER_LABELS[name].get(lang)
    if name.startswith(SETTING_PREFIX):
        bare = name.removeprefix(SETTING_PREFIX)
        return f"{SETTING_WORD.get(lang)} {bare if lang == 'en' else code(bare)}"
    return name if lang == "en" else code(name)


def column_label(name: str, lang: str) -> str:
    """A console column's header: a result column's label, else the parameter's."""
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name].get(lang)
    return parameter_label(name, lang)


class Names:
    """The names of the elements a results table refers to by id, in ``lang``: procedures
    passed in, or looked up in the built-in library by id; an element without a name is
    shown as code.
    """

    def __init__(self, procedures: Iterable[Procedure], lang: str,
                 ids: Iterable[str] = ()) -> None:
        self.lang = lang
        self._procedures = {p.id: p for p in procedures}
        for pid in ids:  # a value's words may come from any of them (a body's name)
            self._procedure(pid)

    def _procedure(self, pid: str) -> Procedure | None:
        if pid not in self._procedures:
            from deliberation.definition.loader import default_library

            library = default_library()
            if pid not in library.ids():
                return None
            self._procedures[pid] = library.load(pid)
        return self._procedures[pid]

    def _id(self, ident: str) -> str:
        return ident if self.lang == "en" else code(ident)

    def procedure(self, pid: str) -> str:
        p = self._procedure(pid)
        return p.name.get(self.lang) if p is not None else self._id(pid)

    def _stage(self, pid: str, stage_id: str) -> Stage | None:
        p = self._procedure(pid)
        if p is None:
            return None
        return next((s for s in p.stages if s.id == stage_id), None)

    def stage(self, pid: str, stage_id: str) -> str:
        if not stage_id:
            return NONE
        stage = self._stage(pid, stage_id)
        return stage.name.get(self.lang) if stage is not None else self._id(stage_id)

    def outcome(self, pid: str, outcome_id: str) -> str:
        p = self._procedure(pid)
        if p is not None and outcome_id in p.outcomes:
            return p.outcomes[outcome_id].name.get(self.lang)
        return self._id(outcome_id)

    def route(self, key: str) -> str:
        return ROUTE_LABELS[key].get(self.lang) if key in ROUTE_LABELS else self._id(key)

    def rule(self, pid: str, stage_id: str, rule_id: str) -> str:
        """A rule of the stage by its type's label (any body a setting may choose); the
        simulator's other reasons — a task declined, a deadline, the authority — in words."""
        if not rule_id:
            return NONE
        p = self._procedure(pid)
        stage = self._stage(pid, stage_id)
        if p is not None and stage is not None:
            for spec in _specs(p, stage):
                if spec.id == rule_id and spec.rule in RULES:
                    return RULES[spec.rule].label.get(self.lang)
        if rule_id in REASONS:
            return REASONS[rule_id].get(self.lang)
        if rule_id in ROUTE_LABELS:
            return ROUTE_LABELS[rule_id].get(self.lang)
        if rule_id in RULES:  # a rule the simulator checks by its type (a written motion)
            return RULES[rule_id].label.get(self.lang)
        return self._id(rule_id)

    def value(self, pid: str, column: str, value: Any) -> str:
        """A parameter's or setting's value: yes/no, a body by its name, a number as is."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NONE
        if isinstance(value, bool):
            return BOOLS[value].get(self.lang)
        if isinstance(value, float):  # a swept share: 0.3333, not 0.3333333333333333
            return number(value)
        if column == "kind" and isinstance(value, str):
            return kind_label(value).get(self.lang)
        if isinstance(value, str):
            low = value.lower()
            if low in ("true", "false"):
                return BOOLS[low == "true"].get(self.lang)
            procs = [self._procedure(pid)] if pid else list(self._procedures.values())
            for p in procs:
                if p is not None and value in p.bodies:
                    return p.bodies[value].name.get(self.lang)
            if self.lang != "en" and any(c.isascii() and c.isalpha() for c in value):
                return code(value)
        return str(value)


def _specs(p: Procedure, stage: Stage) -> list[Any]:
    """The stage's rules under every body its setting allows, and its items' approvals."""
    from deliberation.definition.model import SettingRef

    overrides: list[Mapping[str, Any] | None] = [None]
    if isinstance(stage.body, SettingRef):
        setting = p.settings[stage.body.setting]
        overrides += [{setting.id: c} for c in setting.choices if c in p.bodies]
    specs: list[Any] = [s for o in overrides for s in p.rules_of(stage, o)]
    specs += [i.approval for i in stage.items if i.approval is not None]
    return specs


# Columns whose cells are element ids, and how each is named.
_ID_COLUMNS: Final = ("outcome", "end_stage", "end_rule", "end_route")


def localise(table: pd.DataFrame, names: Names) -> pd.DataFrame:
    """``table`` (a summary or a failure table) for a reader: cells naming a procedure,
    outcome, stage, rule or route by name, parameters' values in words, headers labelled.
    In English the table is returned as it is (ids are what the files hold)."""
    if names.lang == "en":
        return table
    out = table.copy()
    rows = out.to_dict("records")
    pids = [str(r.get("procedure", "")) for r in rows]
    for col in out.columns:
        cells = [r[col] for r in rows]
        if col == "procedure":
            new = [names.procedure(p) for p in pids]
        elif col == "outcome":
            new = [names.outcome(p, str(v)) for p, v in zip(pids, cells, strict=True)]
        elif col == "end_stage":
            new = [names.stage(p, str(v)) for p, v in zip(pids, cells, strict=True)]
        elif col == "end_rule":
            stages = [str(r.get("end_stage", "")) for r in rows]
            new = [names.rule(p, s, str(v))
                   for p, s, v in zip(pids, stages, cells, strict=True)]
        elif col == "end_route":
            new = [names.route(str(v)) for v in cells]
        elif col in COLUMN_LABELS:
            continue  # numbers
        else:
            new = [names.value(p, str(col), v) for p, v in zip(pids, cells, strict=True)]
        out[col] = new
    return out.rename(columns={c: column_label(str(c), names.lang) for c in out.columns})


def number(x: Any) -> str:
    """A figure for the console: four significant digits, never an exponent (a bound of
    1e-19 is 0.0000), an empty cell as a dash."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return NONE
    text = f"{x:.4g}"
    return f"{x:.4f}" if "e" in text else text
