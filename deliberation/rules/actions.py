"""What completes a stage, and what a failed rule does to it.

:class:`ActionKind` — the kinds of action, and so which facts an action establishes;
:class:`Effect` — what a rule's failure does to the action it judged (refused, or recorded as
without quorum, rejected or lapsed). A rule type is registered with both
(:func:`~deliberation.rules.base.rule_type`), so its family imports them from here together.

>>> ActionKind("meeting").name
'MEETING'
>>> Effect("no_quorum").name
'NO_QUORUM'
"""

from __future__ import annotations

import enum


class ActionKind(enum.Enum):
    """What completes a stage."""

    MOTION = "motion"  # a written motion with its submitters (动议)
    MEETING = "meeting"  # a meeting with attendance and votes (提议, 商议, 审议, 决议)
    CONSULTATION = "consultation"  # opinions collected with signatures (民议)
    DISCLOSURE = "disclosure"  # a posting on a channel for a period (公开)
    TASK = "task"  # a handler completes, declines or cannot solve a piece of work (派单, 办事)
    EVALUATION = "evaluation"  # ratings recorded with the raters' signatures (评价, 核单)
    # a body examines the matter against named checks and clears or returns it, signed; or an
    # authority above the village approves, refuses or files it (审查, 审批, 备案)
    GATE = "gate"


class Effect(enum.Enum):
    """What a failed rule does to the action that failed it."""

    REFUSE = "refuse"  # a precondition: the action is refused and nothing is recorded
    NO_QUORUM = "no_quorum"  # recorded: the meeting happened and lacked a quorum
    REJECTED = "rejected"  # recorded: the vote (or the ratings) fell short
    DEADLINE = "deadline"  # once passed, refuses the stage's actions; recorded as lapsed
