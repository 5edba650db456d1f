"""The JSON shapes the service answers with (one function per resource view).

>>> from deliberation import Case, Roster
>>> from deliberation.engine.clock import ManualClock
>>> c = Case.open("four-deliberations", Roster.generate(), case_id="c1", clock=ManualClock())
>>> state_view(c, "guzhuang", "en")["stage"]["name"]
'proposal'
"""

from __future__ import annotations

from typing import Any, Final

from deliberation.definition.dump import to_data
from deliberation.definition.model import Procedure
from deliberation.engine.case import Case
from deliberation.engine.scenario import ACTIONS
from deliberation.store import StoredRecord

# Case methods to the scenario vocabulary (``do:``) that the act endpoint takes.
DO_OF_METHOD: Final = {method: do for do, (method, _, _) in ACTIONS.items() if method}


def etag(version: int) -> str:
    """The strong entity tag of a case at ``version``: what ``If-Match`` sends back."""
    return f'"{version}"'


def state_view(case: Case, village: str, lang: str) -> dict[str, Any]:
    """Where a case stands: state, stage, outcome, version (records) and chain head."""
    proc = case.procedure
    stage: dict[str, Any] | None = None
    if not case.closed and case.stage is not None:
        st = proc.stage(case.stage)
        stage = {"id": st.id, "name": st.name.get(lang)}
    outcome = None
    if case.outcome:
        outcome = {"id": case.outcome, "name": proc.outcomes[case.outcome].name.get(lang)}
    return {
        "id": case.id,
        "village": village,
        "procedure": {"id": proc.id, "version": str(proc.version), "name": proc.name.get(lang)},
        "matter": case.matter,
        "state": case.state,
        "stage": stage,
        "outcome": outcome,
        "closed": case.closed,
        "suspended": case.suspended,
        "level": case.level,
        "version": case.version,
        "opened_at": case.records[0].at.isoformat() if case.records else None,
        "last_at": case.records[-1].at.isoformat() if case.records else None,
    }


def explanation_view(case: Case, lang: str) -> dict[str, Any]:
    """What blocks the case (rule by rule, with numbers), who may act, and a readable account."""
    blockers = [
        {"rule": b.rule, "message": b.message.get(lang), "messages": b.message.to_data(),
         "numbers": {k: str(v) if not isinstance(v, int | str | bool | None) else v
                     for k, v in b.numbers.items()},
         "basis": list(b.basis)}
        for b in case.blockers()
    ]
    actions = [
        {"do": DO_OF_METHOD.get(a.action), "method": a.action, "body": a.body,
         "who": a.who.get(lang), "label": a.label.get(lang)}
        for a in case.available_actions()
    ]
    return {"case": case.id, "version": case.version, "state": case.state,
            "blockers": blockers, "actions": actions,
            # each action as a request's "do" names it (the method where there is none)
            "text": case.explain(lang, command=lambda m: DO_OF_METHOD.get(m) or m)}


def record_view(row: StoredRecord) -> dict[str, Any]:
    """One record with its chain fields (the same shape as in an archive)."""
    return row.to_data()


def procedure_summary(p: Procedure, lang: str) -> dict[str, Any]:
    return {"id": p.id, "version": str(p.version), "name": p.name.get(lang),
            "locality": p.locality, "stages": [s.id for s in p.stages]}


def procedure_view(p: Procedure, lang: str, describe: Any) -> dict[str, Any]:
    """A procedure's steps, rules (described in ``lang``), thresholds and basis; ``definition``
    is the whole definition as data (every text in the three languages)."""
    stages = []
    for s in p.stages:
        stages.append({
            "id": s.id,
            "name": s.name.get(lang),
            "action": s.action.value,
            "body": s.body if isinstance(s.body, str) else {"setting": s.body.setting},
            "rules": [{"id": r.id, "rule": r.rule,
                       "description": describe(p, r, lang, p.body_of(s)),
                       "basis": list(r.basis)} for r in s.rules],
            "basis": list(s.basis),
        })
    basis = {k: {"title": b.title.get(lang), "tag": b.tag, "article": b.article, "url": b.url}
             for k, b in p.basis.items()}
    return {**procedure_summary(p, lang), "stages": stages, "basis": basis,
            "definition": to_data(p)}
