"""A case's records in words, as ``case log`` prints them: one head line per record (number,
the village's local date and time, stage, kind, who acted) and its data as labelled fields —
stages and outcomes by name, people by name from the roster (ids as code), counts with what
they count. ``case log --format json`` keeps the raw records for programs.

>>> from datetime import datetime, timezone
>>> from deliberation import Roster, load_procedure
>>> from deliberation.engine.records import Record
>>> rec = Record(2, "c1", "motion", datetime(2026, 3, 2, 1, tzinfo=timezone.utc), None, "motion",
...              {"text": "修村道", "submitters": ["v0001", "v0002"], "signed": ["v0001"]}, (),
...              {"route": "pass", "state": "proposal"})
>>> six = load_procedure("six-deliberations-guzhuang")
>>> print("\\n".join(record_lines(rec, six, Roster.generate(), "zh-Hans")))
#2  2026年3月2日 09:00  动议 · 书面动议
    动议内容:修村道;提议人:2人:`v0001`、`v0002`;签字:1人:`v0001`
    结果:通过 → 提议 (`proposal`)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from deliberation.definition.model import Procedure
from deliberation.definition.wording import code, person
from deliberation.engine.records import Record
from deliberation.i18n import Text, _, _p
from deliberation.roster import Roster
from deliberation.rules.authorities import DECISION_LABELS
from deliberation.rules.channels import channel_name
from deliberation.rules.law import kind_label
from deliberation.store.register_text import W
from deliberation.trainer.catalog import entry_label, route_label, selector_label

# At most this many names are listed after a count; a longer list is its count alone.
MAX_NAMES: Final = 8

# Each data field's label, in the order fields are shown; a field not listed comes last, by
# its key as code.
LABELS: Final[Mapping[str, Text]] = {
    "matter": W["matter"],
    "kind": _("Kind of matter"),
    "procedure": W["procedure"],
    "settings": _("Settings changed"),
    "roster": _("Roster fingerprint"),
    "engine_format": _("Record format version"),
    "villager": _p("commands.case_log:villager", "Villager"),
    "opinion": _p("commands.case_log:opinion", "Opinion"),
    "text": _("Text of the motion"),
    "submitters": W["submitters"],
    "for": _("Circulated for the step"),
    "place": W["place"],
    "present": W["present"],
    "households": _("Households present"),
    "excused": W["excused"],
    "excluded": W["excluded"],
    "online": W["online"],
    "proxies": W["by-proxy"],
    "non_voting": _("Members present without a vote"),
    "yes": W["yes-names"],
    "no": W["no-names"],
    "abstain": W["abstain-names"],
    "written": W["written"],
    "channel": _p("commands.case_log:channel", "Channel"),
    "content": _p("commands.case_log:content", "Content"),
    "reason": _("Reason"),
    "answer": _("Answer"),
    "redo": _("Step to redo"),
    "by": W["by"],
    "result": W["result"],
    "satisfied": _("Satisfied"),
    "signed": W["signed"],
    "witnesses": W["township"],
    "met": W["checks-met"],
    "not_met": W["checks-not-met"],
    "decision": W["decision"],
    "issuer": _("Issuing authority"),
    "number": _("Document number"),
    "issued_on": _("Date issued"),
    "type": _("Type of order"),
    "stage": _("Step whose result is published"),
    "items": _("Items voted one by one"),
    "elected": _("Elected"),
    "present_among": _("Present among them"),
    "yes_among": _("Yes votes among them"),
    "observers": _("Observers present"),
    "handler": _("Assigned to"),
    "to": _("In reply to"),
    "note": _p("commands.case_log:note", "Note"),
    "comment": _p("commands.case_log:comment", "Comment"),
}
# A field whose meaning depends on the kind of record: the counts form of opinions and ratings,
# a task's result.
KIND_LABELS: Final[Mapping[tuple[str, str], Text]] = {
    ("opinion", "count"): _("Signed opinions"),
    ("opinion", "unsigned"): _("Unsigned opinions"),
    ("opinion", "proxies"): _("Signed by proxy"),
    ("rating", "count"): _("Satisfied (signed)"),
    ("rating", "unsatisfied"): _("Not satisfied (signed)"),
    ("rating", "unsigned"): _("Unsigned ratings"),
    ("task", "result"): _("Task result"),
}
TASK_RESULTS: Final[Mapping[str, Text]] = {
    "done": _p("commands.case_log:task", "done"),
    "declined": route_label("declined"),
    "unresolved": route_label("unresolved"),
}
_ORDER: Final = {key: n for n, key in enumerate(LABELS)}
# Fields that name people (ids, or a count when names were not recorded).
PEOPLE: Final = frozenset({"submitters", "signed", "present", "yes", "no", "abstain", "excused",
                           "online", "witnesses", "villager", "by", "observers", "handler", "to"})
OPINIONS: Final[Mapping[str, Text]] = {"agree": W["agree"], "disagree": W["disagree"]}
YES_NO: Final = (_p("commands.case_log", "no"), _p("commands.case_log", "yes"))
NONE: Final = W["none"]
RESULT: Final = _("Result: {route} → {target}")
NEXT: Final = _("Next: {target}")
WHEN: Final = _("{year}-{month:02d}-{day:02d} {time}")  # the village's local date and time
SKIPPED: Final = frozenset({"version"})  # shown with the procedure


def record_lines(record: Record, procedure: Procedure | None, roster: Roster | None, lang: str,
                 ) -> list[str]:
    """The lines ``case log`` prints for one record, in ``lang``."""
    words = _Words(procedure, roster, lang, record.kind)
    head = [f"#{record.seq}", words.when(record.at)]
    what = entry_label(record.kind).get(lang)
    if record.stage:
        what = f"{words.where(record.stage, named_only=True)} · {what}"
    head.append(what)
    if record.actor:
        head.append(words.who(record.actor))
    lines = ["  ".join(head)]
    # a field left empty (no note, no content, nobody assigned) says nothing
    data = {k: v for k, v in record.data.items() if v is not None and v != ""}
    keys = sorted((k for k in data if k not in SKIPPED), key=lambda k: (_ORDER.get(k, 99), k))
    fields = [words.field(k, data[k], data) for k in keys]
    if fields:
        lines.append("    " + words.sep.join(fields))
    outcome = words.outcome(record)
    if outcome:
        lines.append("    " + outcome)
    return lines


class _Words:
    """What every field reads: language, procedure (names, time zone) and roster (names)."""

    def __init__(self, procedure: Procedure | None, roster: Roster | None, lang: str,
                 kind: str = "") -> None:
        self.procedure, self.lang, self.kind = procedure, lang, kind
        self.roster = roster  # (its own index: no table of people made for every record)
        self.zone = ZoneInfo(procedure.timezone) if procedure is not None else None
        self.colon = ": " if lang == "en" else ":"
        self.sep = "; " if lang == "en" else ";"
        self.list_sep = ", " if lang == "en" else "、"

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    def when(self, at: datetime) -> str:
        local = at.astimezone(self.zone) if self.zone is not None else at
        return self.t(WHEN.format(year=local.year, month=local.month, day=local.day,
                                  time=f"{local:%H:%M}"))

    def who(self, vid: Any) -> str:
        vid, roster = str(vid), self.roster
        name = roster.get(vid).name if roster is not None and vid in roster else ""
        return person(name, vid)

    def where(self, state: str, *, named_only: bool = False) -> str:
        """A stage or an outcome by name (with its id as code unless ``named_only``)."""
        name: Text | None = None
        if self.procedure is not None:
            if state in self.procedure.outcomes:
                name = self.procedure.outcomes[state].name
            else:
                name = next((s.name for s in self.procedure.stages if s.id == state), None)
        if name is None:
            return code(state)
        return name.get(self.lang) if named_only else f"{name.get(self.lang)} ({code(state)})"

    def field(self, key: str, value: Any, data: Mapping[str, Any]) -> str:
        label = KIND_LABELS.get((self.kind, key)) or LABELS.get(key)
        shown = self.value(key, value, data)
        return f"{self.t(label) if label is not None else code(key)}{self.colon}{shown}"

    def value(self, key: str, value: Any, data: Mapping[str, Any]) -> str:
        special: dict[str, Callable[[Any], str]] = {
            "kind": lambda v: f"{self.t(kind_label(str(v)))} ({code(v)})",
            "procedure": lambda v: self._procedure(v, data.get("version")),
            "roster": lambda v: code(str(v)[:19] + "…" if len(str(v)) > 20 else v),
            "for": lambda v: self.where(str(v)),
            "channel": lambda v: self.t(channel_name(str(v), self._channels())),
            "opinion": lambda v: self.t(OPINIONS[v]) if v in OPINIONS else str(v),
            "redo": lambda v: (self.where(v) if isinstance(v, str) else self.t(YES_NO[bool(v)])),
            "met": lambda v: self.list_sep.join(self.check(c) for c in v)
            if isinstance(v, Sequence) and not isinstance(v, str) else self.plain(v),
            "not_met": lambda v: self.list_sep.join(
                f"{self.check(c)}{self.colon}{self.plain(r)}" for c, r in v.items())
            if isinstance(v, Mapping) and v else self.plain(v),
            "decision": lambda v: self.t(DECISION_LABELS[v]) if v in DECISION_LABELS
            else self.plain(v),
            "stage": lambda v: self.where(str(v)),
            "type": lambda v: code(str(v)),  # an order's type, as the scenario names it
            "items": self.items,
            "elected": self.elected,
            "present_among": self.among,
            "yes_among": self.among,
        }
        if self.kind == "task" and key == "result" and value in TASK_RESULTS:
            return self.t(TASK_RESULTS[value])
        if key in special:
            return special[key](value)
        if key in PEOPLE:
            return self.people_value(value)
        return self.plain(value)

    def among(self, value: Any) -> str:
        """Counts by roster selector (``present_among``, ``yes_among``): ``村民代表:11``."""
        if not isinstance(value, Mapping):
            return self.plain(value)
        return self.list_sep.join(f"{self.t(selector_label(str(s)))}{self.colon}{self.plain(n)}"
                                  for s, n in value.items())

    def items(self, value: Any) -> str:
        """Each item by name, with its votes (``修路:赞成 10 票,反对 6 票``)."""
        if not isinstance(value, Mapping):
            return self.plain(value)
        names = {i.id: i.name for s in (self.procedure.stages if self.procedure else ())
                 for i in s.items}
        votes = {"yes": W["yes-names"], "no": W["no-names"], "abstain": W["abstain-names"]}
        parts = []
        for item, counts in value.items():
            name = self.t(names[item]) if item in names else code(str(item))
            shown = (self.list_sep.join(
                f"{self.t(LABELS['yes_among'])}{self.colon}{self.among(n)}" if k == "yes_among"
                else f"{self.t(votes[k]) if k in votes else code(k)} {self.plain(n)}"
                for k, n in counts.items()) if isinstance(counts, Mapping)
                else self.plain(counts))
            parts.append(f"{name} ({shown})")
        return self.list_sep.join(parts)

    def elected(self, value: Any) -> str:
        """The members each group was elected with, by group name."""
        if not isinstance(value, Mapping):
            return self.people_value(value)
        groups = self.procedure.groups if self.procedure is not None else {}
        return self.list_sep.join(
            f"{self.t(groups[g].name) if g in groups else code(str(g))}{self.colon}"
            f"{self.people_value(ids)}" for g, ids in value.items())

    def check(self, check: Any) -> str:
        """A gate's check by name (its id as code when no stage of the procedure has it)."""
        stages = self.procedure.stages if self.procedure is not None else ()
        name = next((c.name for s in stages for c in s.checks if c.id == check), None)
        return self.t(name) if name is not None else code(str(check))

    def people_value(self, value: Any) -> str:
        if isinstance(value, bool):
            return self.t(YES_NO[value])
        if isinstance(value, int):
            return self.t(W["people"].format(n=value))
        if isinstance(value, str):
            return self.who(value)
        if isinstance(value, Sequence):
            if not value:
                return self.t(NONE)
            if len(value) > MAX_NAMES:
                return self.t(W["people"].format(n=len(value)))
            names = self.list_sep.join(self.who(v) for v in value)
            return self.t(W["people-names"].format(n=len(value), names=names))
        return self.plain(value)

    def plain(self, value: Any) -> str:
        if isinstance(value, bool):
            return self.t(YES_NO[value])
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, str):
            return value
        if isinstance(value, Mapping):
            if not value:
                return self.t(NONE)
            return self.list_sep.join(f"{code(k)}{self.colon}{self.plain(v)}"
                                      for k, v in value.items())
        if isinstance(value, Sequence):
            return self.list_sep.join(self.plain(v) for v in value) or self.t(NONE)
        return code(json.dumps(value, ensure_ascii=False, default=str))

    def outcome(self, record: Record) -> str:
        route, state = record.result.get("route"), record.result.get("state")
        if route and state:
            return self.t(RESULT.format(route=route_label(str(route)),
                                        target=self.where(str(state))))
        if state and state != record.stage:
            return self.t(NEXT.format(target=self.where(str(state))))
        return ""

    def _procedure(self, pid: Any, version: Any) -> str:
        ver = f" {version}" if version else ""
        if self.procedure is not None and self.procedure.id == pid:
            return f"{self.t(self.procedure.name)} ({code(str(pid) + ver)})"
        return code(str(pid) + ver)

    def _channels(self) -> Mapping[str, Text] | None:
        return self.procedure.channels if self.procedure is not None else None
