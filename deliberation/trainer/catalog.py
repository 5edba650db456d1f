"""Translated labels the trainer shows: record kinds, actions, routes, selectors, page strings.

Procedures carry their own translated names; these are the words *around* them, in the three
languages of :mod:`deliberation.i18n`. Unknown ids fall back to the id itself, so a locality's
new record kind still shows (in ASCII) rather than failing.

>>> record_label("attendance").get("en")
'attendance (expected / present)'
>>> ui("next").get("zh-Hant")
'下一步'
"""

from __future__ import annotations

from typing import Final

from deliberation.i18n import Text, Triple, _, _p
from deliberation.roster.offices import OFFICE_LABELS
from deliberation.rules.channels import channel_name

RECORD_LABELS: Final[dict[str, Text]] = {
    "matter": _("the matter"),
    "date": _("date"),
    "meeting-form": _("form of meeting"),
    "attendance": _("attendance (expected / present)"),
    "votes": _("votes (yes / no / abstain)"),
    "content": _("what was decided"),
    "participant-signatures": _("signatures of every participant"),
    "township-witness-signatures": _("signatures of the township officials present"),
    "motion-text": _("the written motion"),
    "submitter-signatures": _("submitters' signatures"),
    "opinions": _("villagers' opinions"),
    "opinion-signatures": _("a signature on every opinion"),
    "channel": _("where it was published"),
    "period": _("publication period"),
    "supervision-opinion": _p(
        "trainer.catalog:supervision-opinion",
        "supervision committee's opinion",
    ),
    "handler": _("who handles it"),
    "task-result": _("result of the task"),
    "ratings": _p("trainer.catalog:ratings", "ratings"),
    "rating-signatures": _("raters' signatures"),
    "level": _("level handling it"),
    "examination-checks": _("each check examined, met or not met"),
    "return-reasons": _("the reasons for returning the matter"),
    "examiner-signatures": _("the examiners' signatures on the decision"),
    "instrument": _("the instrument: issuing authority, document number, date issued"),
}

# What a case record says happened (deliberation.records.RECORD_KINDS).
ENTRY_LABELS: Final[dict[str, Text]] = {
    "opened": _("case opened"),
    "motion": _("written motion"),
    "notice": _("meeting notice"),
    "circulated": _("plan circulated"),
    "meeting": _("meeting minutes"),
    "opinion": _("opinions"),
    "consultation-closed": _p("trainer.catalog:consultation-closed", "consultation closed"),
    "disclosure-posted": _p("trainer.catalog:disclosure-posted", "disclosure posted"),
    "disclosure-concluded": _("disclosure concluded"),
    "objection": _p("store.archive:objection", "objection"),
    "answer": _("answer to the objection"),
    "villager-objection": _("villager's objection"),
    "objection-reply": _("answer to a villager's objection"),
    "result-published": _("a step's result published"),
    "withdrawn": _("withdrawn"),
    "lapsed": _("lapsed"),
    "stage-skipped": _("step merged away"),
    "note": _("note"),
    "task": _p("trainer.catalog:task", "task"),
    "rating": _("rating"),
    "evaluation-closed": _("evaluation closed"),
    "examination": _("examination"),
    "authority-decision": _("authority's decision"),
    "order": _("order after adoption"),
}

ACTION_LABELS: Final[dict[str, Text]] = {
    "motion": _("written motion"),
    "meeting": _("meeting and vote"),
    "consultation": _("consultation"),
    "disclosure": _("publication"),
    "task": _("task"),
    "evaluation": _("signed ratings"),
    "gate": _("examination or approval"),
}

ROUTE_LABELS: Final[dict[str, Text]] = {
    "pass": _("passed"),
    "no_quorum": _("no quorum"),
    "rejected": _("rejected"),
    "max_rounds": _("rounds exhausted"),
    "deadline": _("deadline passed"),
    "objection": _("objection"),
    "declined": _p("trainer.catalog:declined", "declined"),
    "unresolved": _("cannot be solved here"),
    "short": _("posted too briefly: post again"),
    "returned": _("returned"),
    "withdraw": _("withdrawn"),
    "skip": _("step merged away"),
    "order": _p("trainer.catalog:route", "by order"),
}

ESCALATE_LABEL: Final = _("one level up")
TOP_LEVEL_LABEL: Final = _("unsolved at the top level")

# Doing a stage again, named by its kind of action: a meeting is reconvened (重新召开), a
# disclosure posted again (重新公布), a task reassigned (重新派单).
AGAIN_LABELS: Final[dict[str, Text]] = {
    "meeting": _("reconvene"),
    "disclosure": _("post again"),
    "task": _("reassign the task"),
    "consultation": _("consult again"),
    "motion": _("submit the motion again"),
    "evaluation": _("rate again"),
    "gate": _("examine again"),
}


def reconvene_label(action: object) -> Text:
    """What doing a stage of ``action`` (an ActionKind or its value) again is called.

    >>> reconvene_label("disclosure").get("zh-Hans")
    '重新公布'
    """
    key = getattr(action, "value", action)
    return AGAIN_LABELS.get(str(key), _("this step again"))

SELECTOR_LABELS: Final[dict[str, Text]] = {
    "villager": _("villagers"),
    "adult": _("villagers aged 18+"),
    "resident": _("resident villagers"),
    "party-member": _("Party members"),
    "full-party-member": _("full Party members"),
    "probationary-party-member": _("probationary Party members"),
    "representative": _("villagers' representatives"),
    "party-committee": _("Party committee members"),
    "villagers-committee": _("villagers' committee members"),
    "supervision-committee": _("supervision committee members"),
    "township-official": _p("trainer.catalog:township-official", "township officials"),
    "woman": _("women members"),
    "man": _("men members"),
    "woman-representative": _("women representatives"),
    "collective-member": _("members of the collective economic organisation"),
    "adult-collective-member": _("members of the collective economic organisation aged 18+"),
    **OFFICE_LABELS,
}

TAG_LABELS: Final[dict[str, Text]] = {
    "law": _("law"),
    "seed": _("source article"),
    "local": _("local practice"),
    "open": _("interpretation"),
}

# Strings of the HTML page and the terminal walkthrough.
UI: Final[dict[str, Text]] = {
    "procedure": _p("trainer.catalog:procedure", "Procedure"),
    "diagram": _("Diagram"),
    "steps": _("Step by step"),
    "step": _("Step {n} of {total}"),
    "next": _("Next"),
    "back": _("Back"),
    "actor": _("Who acts"),
    "action": _("What happens"),
    "rules": _("Rules"),
    "records": _("What must be recorded"),
    "basis": _("Legal basis"),
    "routes": _("Where it goes next"),
    "try": _("Try it"),
    "try-help": _(
        "Enter the numbers; the rule outcome is shown at once, computed as the library does.",
    ),
    "try-none": _("This step has no numeric rule to try."),
    "holds": _("holds"),
    "fails": _("fails"),
    "needed": _("needed"),
    "outcome": _("Outcome"),
    "outcomes": _p("trainer.catalog:outcomes", "Outcomes"),
    "print": _("Print handout"),
    "language": _("Language"),
    "setting": _("setting: {id}"),
    "open-setting": _("(left open by the law; this is the default reading)"),
    "skip-when": _("merged away when the setting {id} is true"),  # {id}: as code
    "max-rounds": _("at most {n} rounds"),
    "sample": _("Sample village: {summary}"),
    "generated": _("Made by deliberation; works offline"),
    "start": _("start"),
    "members": _("members"),
    "voters": _p("trainer.catalog:voters", "voters"),
    "expected": _("expected"),
    "present": _p("trainer.catalog:present", "present"),
    "present_members": _("members present"),
    "households": _("households"),
    "present_households": _("households represented"),
    "adults": _("adults"),
    "present_adults": _("adults present"),
    "yes": _("yes"),
    "representative_members": _("villager representatives (all)"),
    "representative_yes": _("yes of villager representatives"),
    "no": _("no"),
    "abstain": _("abstain"),
    "population": _("to be consulted"),
    "consulted": _("signed opinions"),
    "rule-no": _("Rule {no}"),
}


def _lookup(table: dict[str, Text], key: str) -> Text:
    found = table.get(key)
    return found if found is not None else Triple(key, key, key)


def record_label(kind: str) -> Text:
    """The label of a record kind; the id itself when the kind is new."""
    return _lookup(RECORD_LABELS, kind)


def entry_label(kind: str) -> Text:
    """The label of a case record's kind (``meeting`` → 会议记录)."""
    return _lookup(ENTRY_LABELS, kind)


def action_label(kind: str) -> Text:
    return _lookup(ACTION_LABELS, kind)


def route_label(key: str) -> Text:
    return _lookup(ROUTE_LABELS, key)


def selector_label(selector: str) -> Text:
    return _lookup(SELECTOR_LABELS, selector)


def channel_label(channel: str) -> Text:
    """A disclosure channel's name (the rules' vocabulary)."""
    return channel_name(channel)


def ui(key: str) -> Text:
    """A page or walkthrough string (raises ``KeyError`` for a typo: they are all ours)."""
    return UI[key]
