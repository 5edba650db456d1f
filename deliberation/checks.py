"""Whole-procedure checks run after a definition is built: references between parts.

The builder (:mod:`deliberation.loader`) checks each part on its own; this module checks how
the parts fit together, reporting against the stage's position in the file.
"""

from __future__ import annotations

from deliberation.definition import RECONVENE, Procedure, Stage
from deliberation.diagnostics import did_you_mean
from deliberation.yamlsource import Located, Reporter


def stage_locations(procedure: Procedure, root: Located) -> dict[str, Located]:
    """Where each stage is written in this file (inherited stages point at ``extends:``)."""
    out: dict[str, Located] = {}
    fallback = root.get("extends") or root
    stages = root.get("stages")
    if stages is not None and stages.is_seq:
        for el in stages.elements():
            node = el.get("stage") if el.get("stage") is not None else el
            assert node is not None
            sid = node.get("id")
            if sid is not None and isinstance(sid.value(), str):
                out[str(sid.value())] = node
    for s in procedure.stages:
        out.setdefault(s.id, fallback)
    return out


def check_procedure(procedure: Procedure, root: Located, reporter: Reporter) -> None:
    """Report problems in how the stages, bodies and outcomes of ``procedure`` fit together."""
    where = stage_locations(procedure, root)
    targets = {s.id for s in procedure.stages} | set(procedure.outcomes) | {RECONVENE}
    for stage in procedure.stages:
        _check_routes(procedure, stage, where[stage.id], targets, reporter)


def _check_routes(
    procedure: Procedure, stage: Stage, at: Located, targets: set[str], reporter: Reporter
) -> None:
    on = at.get("on") or at
    for key, target in stage.on:
        if target not in targets:
            loc = on.get(key) if on.get(key) is not None else at
            reporter.error("D309", f"stage {stage.id!r}: {key} leads to unknown {target!r}", loc,
                           did_you_mean(target, targets))
