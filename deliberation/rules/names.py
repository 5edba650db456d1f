"""The names of built-in rules, and of facts, that code outside the rule's family looks for.

A procedure names a rule by its name (``rule: comment-period``); a rule reads the facts an
action establishes by theirs (``signed_offices``). The definition checks find a family's rules
by name, and the engine counts a fact a stage reads by name; taking the name from here rather
than from the family's module lets them run without importing the family (its rule classes, its
parameters, the calendars it counts on) when the procedure does not use it: start-up speed for
every command that loads a procedure. Each family takes its names from here too, so each name is
written once.

>>> COMMENT_PERIOD, RESULTS_PUBLISHED, RESULTS_UNPUBLISHED
('comment-period', 'results-published', 'results_unpublished')
"""

from __future__ import annotations

from typing import Final

COMMENT_PERIOD: Final = "comment-period"
RESULTS_PUBLISHED: Final = "results-published"
# the fact the results-published rule reads: the passed stages whose result is not published
RESULTS_UNPUBLISHED: Final = "results_unpublished"
# the observers rule, and the fact it reads: who observed a meeting, per roster selector
OBSERVERS: Final = "observers"
# the fact the signed-by rule reads: the offices whose holders signed
SIGNED_OFFICES: Final = "signed_offices"
