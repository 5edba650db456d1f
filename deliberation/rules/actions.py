"""What completes a stage: the kinds of action, and so which facts an action establishes.

>>> ActionKind("meeting").name
'MEETING'
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
