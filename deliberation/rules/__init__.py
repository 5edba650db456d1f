"""The rules a procedure may name: one module per family, each rule's one code path.

- :mod:`~deliberation.rules.base` — what a rule is (:class:`Rule`, :class:`RuleType`,
  :class:`Verdict`, :class:`Param`) and the registry :data:`RULES`, which imports a rule's
  family the first time the rule is looked up (a command loads only the families it uses);
- :mod:`~deliberation.rules.actions` — :class:`ActionKind`, what completes a stage, and
  :class:`Effect`, what a failed rule does to it;
- :mod:`~deliberation.rules.facts` — :class:`Facts`, what an action establishes;
- :mod:`~deliberation.rules.names` — the names of rules and facts that code outside a rule's
  family looks for (so that looking loads no family);
- families: :mod:`~deliberation.rules.attendance` (quorum, approval, recusal),
  :mod:`~deliberation.rules.composite` (all-of, any-of),
  :mod:`~deliberation.rules.written` (reply-quorum, consent: written consultations),
  :mod:`~deliberation.rules.signatures`, :mod:`~deliberation.rules.observers` (required
  observers at a meeting), :mod:`~deliberation.rules.office_signatures` (signed by role),
  :mod:`~deliberation.rules.motion` (written motion, proposal support),
  :mod:`~deliberation.rules.consultation`,
  :mod:`~deliberation.rules.disclosure` (disclosure, notice period, advance circulation),
  :mod:`~deliberation.rules.comments` (comment-period: villagers' objections, answer deadlines),
  :mod:`~deliberation.rules.publication` (results-published: per-stage disclosure),
  :mod:`~deliberation.rules.regimes` (matter-regime: stricter laws for some matter kinds,
  with their data in :mod:`~deliberation.rules.law`),
  :mod:`~deliberation.rules.gates` (gate-signatures: a gate's decision signed by enough of
  its body), :mod:`~deliberation.rules.tasks` (satisfaction), :mod:`~deliberation.rules.schedules`
  (deadline, lunar schedule);
- :mod:`~deliberation.rules.params` — a rule's parameters read against what the rule declares
  of them (choices, defaults, bounds), as its ``from_params`` reads them;
- the arithmetic and calendars they use: :mod:`~deliberation.rules.thresholds`,
  :mod:`~deliberation.rules.days`, :mod:`~deliberation.rules.calendars`,
  :mod:`~deliberation.rules.channels`.

>>> sorted(RULES)[:4]  # listing every rule imports every family
['advance-circulation', 'all-of', 'any-of', 'approval']
"""

from deliberation.rules.actions import Effect
from deliberation.rules.base import (
    RULES,
    Description,
    Param,
    Requirement,
    Rule,
    RuleType,
    ThresholdView,
    Verdict,
    register,
)
from deliberation.rules.facts import Facts

__all__ = ["RULES", "Description", "Effect", "Facts", "Param", "Requirement", "Rule", "RuleType",
           "ThresholdView", "Verdict", "register"]
