"""Shrink a Playwright AI-mode ARIA snapshot to a token budget, keeping the likely step targets.

The input is the text returned by ``page.aria_snapshot(mode="ai")``: one entry per line, a
``- `` list item indented by two spaces per level, for example::

    - main [ref=e4]:
      - button "Sign in" [ref=e10]
      - list [ref=e12]:
        - listitem [ref=e13]: a

:func:`prune_snapshot` returns the snapshot unchanged when it fits the budget. Otherwise it keeps
a subset of its lines, never altering a kept line (refs survive verbatim), always with all their
ancestors (so the indentation stays a valid tree, and the context is there), and replaces each
run of omitted sibling elements with one line such as ``- … 496 more listitem elements
(omitted)``; omitted ``text:``, ``/url:`` and other property lines leave no such line. Entries
are taken in this order, each with the ancestors it needs, as long as they fit:

1. the *must-keep* entry: the interactive element that matches the step best (the best match of
   any kind when no interactive element matches). It is kept even if it alone, with its
   ancestors and their omission markers, exceeds the budget: then the result is exactly that,
   and this is the only case where the result is larger than the budget;
2. its record, whole (but for ``/url:`` lines): the table row, list item or card around it;
3. strong matches, best first, while they fill at most half of the budget left;
4. the other interactive elements (buttons, links, textboxes, checkboxes, radios, comboboxes,
   options, tabs, menu items, switches, sliders, spin buttons, search boxes, anything with
   ``[cursor=pointer]``), weak matches first, the selected option of a combobox first on ties;
5. property lines such as ``/placeholder:`` of the kept interactive elements;
6. the remaining strong matches;
7. other elements that carry a name or a value (headings, cells, images…);
8. static text: paragraphs and the like, and ``text:`` lines under a kept element;
9. the ``/url:`` lines of the kept links;
10. the members of collapsed runs (see below), one more member of every run at a time, whole.

So when the budget is short, ``/url:`` lines and static text go first, then the rest, and the
likely targets last.

Relevance is word overlap between the step text and an entry's name and value: words are
lower-cased and lightly stemmed, words of the step that only describe the action or the kind of
target ("click", "the", "button"…) are ignored unless quoted, quoted words count double (but
quoted text to type counts little), and each word is weighted by its rarity on the page, so that
``Delete`` shared by 2,000 rows weighs little and ``01742`` much. An interactive element's
relevance also includes the words of its descendants and half of those of the rest of its
record, so the ``Delete`` button in the row of ``SKU-01742`` ranks above the other ``Delete``
buttons. A strong match has at least :data:`STRONG_SHARE` of the best relevance, or of the best
score of a line on its own.

A run of more than :data:`LONG_RUN` consecutive sibling elements with the same role (rows, list
items, options, links…) is collapsed to its first :data:`RUN_HEAD` members; the others come back
only in step 10, except strong matches (never collapsed) and selected options.

The function is pure, deterministic and linear in the size of the snapshot (plus sorts of the
candidates): a 5 MB snapshot prunes in a few hundred milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pytest_webagent.resolve.planning.pruning.limits import LONG_RUN, RUN_HEAD
from pytest_webagent.resolve.planning.pruning.query import REF_RE, parse_step
from pytest_webagent.resolve.planning.pruning.scoring import score
from pytest_webagent.resolve.planning.pruning.selection import select
from pytest_webagent.resolve.planning.pruning.tokens import estimate_tokens
from pytest_webagent.resolve.planning.pruning.tree import Tree

__all__ = ["LONG_RUN", "RUN_HEAD", "PrunedSnapshot", "estimate_tokens", "prune_snapshot"]


@dataclass(frozen=True)
class PrunedSnapshot:
    """The result of :func:`prune_snapshot`."""

    #: The snapshot to show the model: the original or a pruned copy.
    text: str
    #: ``count_tokens`` of the original snapshot.
    original_tokens: int
    #: ``count_tokens`` of :attr:`text`.
    tokens: int
    #: Whether :attr:`text` differs from the original.
    pruned: bool
    #: The ``ref`` of every element line in :attr:`text`.
    kept_refs: frozenset[str]


def prune_snapshot(
    snapshot: str,
    step_text: str,
    budget_tokens: int,
    count_tokens: Callable[[str], int] = estimate_tokens,
) -> PrunedSnapshot:
    """Fit ``snapshot`` into ``budget_tokens``, keeping what ``step_text`` most likely targets.

    See the module documentation for the rules. The result has at most ``budget_tokens`` tokens
    unless the must-keep entry with its ancestors and their omission markers alone has more, in
    which case the result is exactly that.
    """
    if budget_tokens < 1:
        raise ValueError(f"budget_tokens must be positive, not {budget_tokens}")
    original_tokens = count_tokens(snapshot)
    if original_tokens <= budget_tokens:
        return PrunedSnapshot(
            snapshot,
            original_tokens,
            original_tokens,
            False,
            frozenset(REF_RE.findall(snapshot)),
        )
    tree = Tree(snapshot)
    scores = score(tree, snapshot, parse_step(step_text))
    effective = budget_tokens
    text = ""
    tokens = 0
    for _ in range(6):
        text = select(tree, scores, effective, count_tokens).render()
        tokens = count_tokens(text)
        if tokens <= budget_tokens:
            break
        # The per-line costs underestimated the joined text: retry with a smaller budget.
        effective -= max(tokens - budget_tokens, 1 + effective // 50)
        if effective < 1:
            break
    if tokens > budget_tokens:
        text = select(tree, scores, 0, count_tokens).render()
        tokens = count_tokens(text)
    return PrunedSnapshot(text, original_tokens, tokens, True, frozenset(REF_RE.findall(text)))
