"""The names of the built-in rules that code outside their family looks for in a procedure.

A procedure names a rule by its name (``rule: comment-period``). The definition checks find a
family's rules by that name alone; taking it from here rather than from the family's module
lets them run without importing the family (its rule class, its parameters, the calendars it
counts on) when the procedure does not use it: start-up speed for every command that loads a
procedure. Each family's module takes its own name from here too, so the name is written once.

>>> COMMENT_PERIOD, RESULTS_PUBLISHED
('comment-period', 'results-published')
"""

from __future__ import annotations

from typing import Final

COMMENT_PERIOD: Final = "comment-period"
RESULTS_PUBLISHED: Final = "results-published"
