"""A snapshot as a tree of entries: kinds, depths, records and runs of look-alike siblings."""

from __future__ import annotations

import re

from pytest_webagent.resolve.planning.pruning.limits import (
    LONG_RUN,
    RECORD_MAX_ENTRIES,
    RECORD_MAX_LEVELS,
    RUN_HEAD,
)
from pytest_webagent.resolve.planning.pruning.query import INTERACTIVE, TEXTUAL

# Entry kinds: elements, interactive elements, textual elements (paragraphs…); then the lines
# that are no elements and leave no omission marker: static text, properties, /url.
_ELEMENT, INTERACTIVE_KIND, _TEXT, STATIC, PROP, URL = range(6)


QUOTES = ("'", '"')


# Attribute markup whose words a step word could otherwise match, and its replacement in the
# lower-cased copy searched for step words: same length, one unmatchable word.
FILLER = "\u3005"


ATTRIBUTES = (
    "[ref=",
    "[cursor=pointer]",
    "[level=",
    "[active]",
    "[checked]",
    "[checked=mixed]",
    "[selected]",
    "[disabled]",
    "[expanded]",
    "[pressed]",
    "[pressed=mixed]",
    "[aria-hidden]",
)


REF_ID_RE = re.compile(r"[ef][0-9e]*")


class Tree:
    """The parsed snapshot: one entry per ``- `` line (continuation lines stay with it).

    Built in a few linear passes; everything the selection needs that does not depend on the
    step is computed here once.
    """

    def __init__(self, snapshot: str) -> None:
        lines = snapshot.split("\n")
        stripped = [line.lstrip(" ") for line in lines]
        if all(s.startswith("- ") for s in stripped[1:]):
            texts = lines
            indents = [len(a) - len(b) for a, b in zip(lines, stripped, strict=True)]
            bodies = [s[2:] if s.startswith("- ") else s for s in stripped]
        else:
            texts, indents, bodies = _merge_continuations(lines, stripped)
        n = len(texts)
        self.n = n
        self.texts = texts
        self.indents = indents
        self.bodies = bodies
        roles = [(b[1:] if b[:1] in QUOTES else b).partition(" ")[0] for b in bodies]
        roles = [r[:-1] if r.endswith(":") else r for r in roles]
        kind_of: dict[str, int] = {}
        for role in set(roles):
            if role == "/url":
                kind_of[role] = URL
            elif role.startswith("/"):
                kind_of[role] = PROP
            elif role in INTERACTIVE:
                kind_of[role] = INTERACTIVE_KIND
            elif role == "text":
                kind_of[role] = STATIC
            elif role in TEXTUAL:
                kind_of[role] = _TEXT
            else:
                kind_of[role] = _ELEMENT
        kind = [kind_of[r] for r in roles]
        for i in [i for i, b in enumerate(bodies) if "[cursor=pointer]" in b]:
            if kind[i] < STATIC:
                kind[i] = INTERACTIVE_KIND
        self.roles = roles
        self.kind = kind

        parent = [-1] * n
        size = [1] * n
        prev_sib = [-1] * n
        next_sib = [-1] * n
        run_head = list(range(n))
        run_pos = [0] * n
        # last_child[p + 1]: the last non-property child of p so far (slot 0: the top level).
        last_child = [-1] * (n + 1)
        open_entries: list[int] = []
        open_indents: list[int] = []
        for i in range(n):
            ind = indents[i]
            while open_indents and open_indents[-1] >= ind:
                open_indents.pop()
                done = open_entries.pop()
                size[done] = i - done
            p = open_entries[-1] if open_entries else -1
            parent[i] = p
            open_entries.append(i)
            open_indents.append(ind)
            if kind[i] >= STATIC:
                continue
            prev = last_child[p + 1]
            last_child[p + 1] = i
            if prev >= 0:
                prev_sib[i] = prev
                next_sib[prev] = i
                if roles[prev] == roles[i]:
                    run_head[i] = run_head[prev]
                    run_pos[i] = run_pos[prev] + 1
        for done in open_entries:
            size[done] = n - done
        self.parent = parent
        self.size = size
        self.prev_sib = prev_sib
        self.next_sib = next_sib
        self.last_child = last_child

        # overflow[i]: the position, in its collapsed run, of i or of its outermost ancestor
        # beyond the head of a collapsed run; -1 for entries outside collapsed runs.
        overflow = [-1] * n
        long_runs = [run_head[i] for i in range(n) if run_pos[i] == LONG_RUN]
        for head in long_runs:
            member = head
            while member >= 0 and run_head[member] == head:
                if run_pos[member] >= RUN_HEAD and overflow[member] < 0:
                    width = size[member]
                    overflow[member : member + width] = [run_pos[member]] * width
                member = next_sib[member]
        self.overflow = overflow
        # The outermost collapsed members: what re-expanding a run brings back, whole.
        members: list[int] = []
        for head in long_runs:
            member = head
            while member >= 0 and run_head[member] == head:
                p = parent[member]
                if run_pos[member] >= RUN_HEAD and (p < 0 or overflow[p] < 0):
                    members.append(member)
                member = next_sib[member]
        self.collapsed = sorted(members, key=lambda m: (overflow[m], m))

        # Candidates of each tier of the selection, in document order.
        # Outside collapsed runs, or the selected option of a collapsed list of options.
        outside = [
            i
            for i in range(n)
            if overflow[i] < 0
            or ("[selected]" in bodies[i] and (parent[i] < 0 or overflow[parent[i]] < 0))
        ]
        self.interactive = [i for i in outside if kind[i] == INTERACTIVE_KIND]
        self.selected = frozenset(i for i in self.interactive if "[selected]" in bodies[i])
        self.props = [
            i
            for i in outside
            if kind[i] == PROP and parent[i] >= 0 and kind[parent[i]] == INTERACTIVE_KIND
        ]
        self.elements = [
            i for i in outside if kind[i] == _ELEMENT and ('"' in bodies[i] or ": " in bodies[i])
        ]
        self.textual = [i for i in outside if kind[i] in (_TEXT, STATIC)]
        self.urls = [i for i in range(n) if kind[i] == URL]
        self.scorable = n - sum(1 for k in kind if k >= PROP)

    def record(self, i: int) -> int:
        """The record around ``i`` (its table row, list item, card…), or -1: the highest of its
        ancestors at most :data:`RECORD_MAX_LEVELS` up, with at most
        :data:`RECORD_MAX_ENTRIES` entries, that has a sibling of the same role."""
        record = -1
        j = self.parent[i]
        for _ in range(RECORD_MAX_LEVELS):
            if j < 0 or self.size[j] > RECORD_MAX_ENTRIES:
                break
            role = self.roles[j]
            prev, nxt = self.prev_sib[j], self.next_sib[j]
            if (prev >= 0 and self.roles[prev] == role) or (nxt >= 0 and self.roles[nxt] == role):
                record = j
            j = self.parent[j]
        return record


def _merge_continuations(
    lines: list[str], stripped: list[str]
) -> tuple[list[str], list[int], list[str]]:
    """Entries of a snapshot with lines that do not start an entry (multi-line scalars, blank
    lines): each such line stays with the entry above it, so it is kept or dropped with it."""
    texts: list[str] = []
    indents: list[int] = []
    bodies: list[str] = []
    for line, rest in zip(lines, stripped, strict=True):
        if rest.startswith("- ") or not texts:
            texts.append(line)
            indents.append(len(line) - len(rest))
            bodies.append(rest[2:] if rest.startswith("- ") else rest)
        else:
            texts[-1] += "\n" + line
    return texts, indents, bodies
