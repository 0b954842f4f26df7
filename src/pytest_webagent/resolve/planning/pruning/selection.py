"""Choosing entries to keep within the budget, and rendering them with omission markers."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pytest_webagent.resolve.planning.pruning.limits import MAX_MISFITS, STRONG_BUDGET_SHARE
from pytest_webagent.resolve.planning.pruning.scoring import Scores
from pytest_webagent.resolve.planning.pruning.tree import STATIC, URL, Tree


class _Selection:
    """Kept entries and the token cost of their rendering, kept up to date incrementally."""

    def __init__(self, tree: Tree, count_tokens: Callable[[str], int]) -> None:
        self.tree = tree
        self.count_tokens = count_tokens
        self.kept = [False] * tree.n
        self._line_cost: dict[int, int] = {}
        self._marker_cost: dict[int, int] = {}
        self.cost = self.marker_cost(-1) if tree.last_child[0] >= 0 else 0

    def line_cost(self, i: int) -> int:
        cost = self._line_cost.get(i)
        if cost is None:
            cost = self.count_tokens(self.tree.texts[i] + "\n")
            self._line_cost[i] = cost
        return cost

    def marker_cost(self, parent: int) -> int:
        """An upper bound of the cost of an omission marker among the children of ``parent``
        (-1: the top level): as many digits as it has children, its longest child role."""
        cost = self._marker_cost.get(parent)
        if cost is None:
            t = self.tree
            first = parent + 1
            end = parent + t.size[parent] if parent >= 0 else t.n
            count = 0
            longest = ""
            child = first
            while child < end:
                if t.kind[child] < STATIC:
                    count += 1
                    if len(t.roles[child]) > len(longest):
                        longest = t.roles[child]
                child += t.size[child]
            indent = " " * (t.indents[first] if first < t.n else 0)
            marker = f"{indent}- … {'9' * len(str(count))} more {longest} elements (omitted)\n"
            cost = self.count_tokens(marker)
            self._marker_cost[parent] = cost
        return cost

    def plan(self, entries: Iterable[int]) -> tuple[list[int], int]:
        """The entries (ancestors first) that keeping ``entries`` adds, and their cost.

        The cost includes the change in omission markers: a newly kept entry with non-property
        children starts with one (all its children omitted); keeping an omitted child splits its
        run of omitted siblings in two (+1 marker), shortens it (0) or removes it (-1).
        """
        t = self.tree
        kept = self.kept
        adding: list[int] = []
        added: set[int] = set()
        cost = 0
        for entry in entries:
            chain: list[int] = []
            j = entry
            while j >= 0 and not kept[j] and j not in added:
                chain.append(j)
                j = t.parent[j]
            for x in reversed(chain):
                cost += self.line_cost(x)
                if t.last_child[x + 1] >= 0:
                    cost += self.marker_cost(x)
                if t.kind[x] < STATIC:
                    prev, nxt = t.prev_sib[x], t.next_sib[x]
                    left = prev >= 0 and not kept[prev] and prev not in added
                    right = nxt >= 0 and not kept[nxt] and nxt not in added
                    if left and right:
                        cost += self.marker_cost(t.parent[x])
                    elif not left and not right:
                        cost -= self.marker_cost(t.parent[x])
                added.add(x)
                adding.append(x)
        return adding, cost

    def commit(self, adding: list[int], cost: int) -> None:
        for x in adding:
            self.kept[x] = True
        self.cost += cost

    def render(self) -> str:
        """The kept lines, with one marker line per run of omitted siblings."""
        t = self.tree
        out: list[str] = []
        gap_parent = -2
        gap_count = 0
        gap_role: str | None = None
        gap_indent = 0

        def flush() -> None:
            if gap_count:
                what = f"{gap_role} element" if gap_role else "element"
                plural = "" if gap_count == 1 else "s"
                out.append(f"{' ' * gap_indent}- … {gap_count} more {what}{plural} (omitted)")

        i = 0
        while i < t.n:
            if self.kept[i]:
                flush()
                gap_count = 0
                out.append(t.texts[i])
                i += 1
                continue
            # Every entry reached here has a kept parent (or none): omitted subtrees are skipped.
            if t.kind[i] < STATIC:
                p = t.parent[i]
                if gap_count and p == gap_parent:
                    gap_count += 1
                    if gap_role != t.roles[i]:
                        gap_role = None
                else:
                    flush()
                    gap_parent, gap_count, gap_role, gap_indent = p, 1, t.roles[i], t.indents[i]
            i += t.size[i]
        flush()
        return "\n".join(out)


def select(
    tree: Tree,
    scores: Scores,
    budget: int,
    count_tokens: Callable[[str], int],
) -> _Selection:
    t = tree
    rel = scores.relevance
    sel = _Selection(t, count_tokens)
    if scores.must_keep >= 0:
        sel.commit(*sel.plan([scores.must_keep]))
    if sel.cost > budget:
        return sel  # The must-keep entry alone is over budget: nothing else.

    def by_relevance(entries: list[int]) -> list[int]:
        """Best match first; on ties, selected options first; then document order."""
        selected = t.selected
        return sorted(entries, key=lambda i: (-rel[i], i not in selected, i))

    def keep(group: list[int], limit: int = budget) -> bool:
        adding, cost = sel.plan(group)
        if sel.cost + cost > limit:
            return False
        sel.commit(adding, cost)
        return True

    def keep_each(entries: Iterable[int], parent_kept: bool = False, limit: int = budget) -> None:
        misfits = 0
        for i in entries:
            if sel.kept[i]:
                continue
            if parent_kept and not sel.kept[t.parent[i]]:
                continue
            if keep([i], limit):
                misfits = 0
            else:
                misfits += 1
                if misfits >= MAX_MISFITS:
                    return

    if scores.must_keep >= 0:
        record = t.record(scores.must_keep)
        if record >= 0:
            keep([j for j in range(record, record + t.size[record]) if t.kind[j] != URL])
    # The strong matches, best first, up to a share of the budget left: when the step's words
    # are common on the page, the rest come after the other interactive elements.
    strong = sorted(scores.strong, key=lambda i: (-rel[i], i))
    keep_each(strong, limit=sel.cost + int((budget - sel.cost) * STRONG_BUDGET_SHARE))
    keep_each(by_relevance(t.interactive))
    keep_each(t.props, parent_kept=True)
    keep_each(strong)
    keep_each(by_relevance(t.elements))
    keep_each(
        i
        for i in by_relevance(t.textual)
        if t.kind[i] != STATIC or t.parent[i] < 0 or sel.kept[t.parent[i]]
    )
    keep_each(t.urls, parent_kept=True)
    # Re-expand the collapsed runs, one more member of every run at a time, each member whole
    # but for its /url lines.
    misfits = 0
    for member in t.collapsed:
        if sel.kept[member]:
            continue
        if keep([j for j in range(member, member + t.size[member]) if t.kind[j] != URL]):
            misfits = 0
        else:
            misfits += 1
            if misfits >= MAX_MISFITS:
                break
    return sel
