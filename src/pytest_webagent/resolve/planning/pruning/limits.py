"""The tunable bounds of pruning, in one place."""

from __future__ import annotations

#: Runs of more than this many consecutive same-role siblings are collapsed.
LONG_RUN = 12


#: How many members of a collapsed run keep their normal rank.
RUN_HEAD = 4


#: An entry whose relevance is at least this share of the best one is a strong match.
STRONG_SHARE = 0.5


#: Share of the budget left after the must-keep entry and its record that the strong matches
#: may fill before the other interactive elements.
STRONG_BUDGET_SHARE = 0.5


#: Largest subtree (in entries) that counts as the "record" around an interactive element.
RECORD_MAX_ENTRIES = 40


#: How many levels above an interactive element its record may start.
RECORD_MAX_LEVELS = 3


#: Weight of the record's relevance in an interactive element's relevance.
RECORD_WEIGHT = 0.5


#: Consecutive candidates of one step that do not fit before the step is given up (the ones
#: after them are mostly alike and would not fit either).
MAX_MISFITS = 64
