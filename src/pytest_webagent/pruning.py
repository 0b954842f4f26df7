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

import bisect
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate

__all__ = ["LONG_RUN", "RUN_HEAD", "PrunedSnapshot", "estimate_tokens", "prune_snapshot"]

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
_MAX_MISFITS = 64

_PUNCT = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_DIGITS = b"0123456789"


def estimate_tokens(text: str) -> int:
    """A cheap estimate of the number of LLM tokens in ``text``.

    A linear model of character classes, counted with C-speed string methods only (about 20 ms
    per megabyte), fitted against OpenAI's ``o200k_base`` tokenizer on real AI-mode snapshots:
    a letter costs 0.15 token, a digit 0.5, a punctuation mark 0.8, a word-separating space 0.22
    and a newline 2 (it stands for the ``- `` list marker and the indentation of the next line;
    indentation itself is free), and each byte of a multi-byte UTF-8 character adds 0.5. On
    snapshots it is typically within ±5 % of the real count (``benchmarks/snapshot_tokens.py``
    prints the calibration); it overestimates CJK text about twofold, and plain HTML by less.
    """
    if not text:
        return 0
    data = text.encode("utf-8", "surrogatepass")
    multibyte = len(data) - len(text)
    punct = len(data) - len(data.translate(None, _PUNCT))
    digits = len(data) - len(data.translate(None, _DIGITS))
    spaces = text.count(" ")
    newlines = text.count("\n")
    words = spaces - 2 * text.count("  ")
    letters = len(text) - spaces - newlines - punct - digits
    hundredths = 15 * letters + 50 * digits + 80 * punct + 22 * words + 200 * newlines
    return (hundredths + 50 * multibyte + 99) // 100


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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_REF_RE = re.compile(r"\[ref=([^\]\s]+)\]")
_WORD_RE = re.compile(r"[^\W_]+")
_QUOTED_RE = re.compile(r"\"([^\"]+)\"|“([^”]+)”|(?<!\w)'([^']+)'(?!\w)")

_INTERACTIVE = _words(
    """button link textbox searchbox checkbox radio combobox listbox option tab menuitem
    menuitemcheckbox menuitemradio switch slider spinbutton treeitem"""
)
_TEXTUAL = _words(
    """paragraph code blockquote strong emphasis time mark deletion insertion subscript
    superscript term definition note"""
)
# Words of a step that describe the action or the kind of target rather than its name.
_STOPWORDS = _words(
    """a an the this that these those it its there here to into in on onto off at of for from
    with by as and or but then than is are be been should must can will do does not no
    click clicks double right press tap hit type enter fill clear write put set change select
    choose pick check tick uncheck untick toggle turn switch open close go navigate visit hover
    scroll wait see verify assert expect make sure using use via under next named called
    labelled labeled button link field input box checkbox radio tab dropdown menu option item
    textbox combobox slider page value"""
)
# Words of a step that name the kind of target, and the roles they suggest.
_ROLE_HINTS: dict[str, frozenset[str]] = {
    "button": frozenset({"button"}),
    "link": frozenset({"link"}),
    "checkbox": frozenset({"checkbox"}),
    "tick": frozenset({"checkbox"}),
    "radio": frozenset({"radio"}),
    "tab": frozenset({"tab"}),
    "switch": frozenset({"switch", "checkbox"}),
    "toggle": frozenset({"switch", "checkbox", "button"}),
    "dropdown": frozenset({"combobox", "listbox"}),
    "combobox": frozenset({"combobox"}),
    "select": frozenset({"combobox", "listbox", "option"}),
    "option": frozenset({"option"}),
    "field": frozenset({"textbox", "searchbox", "spinbutton", "combobox"}),
    "input": frozenset({"textbox", "searchbox", "spinbutton"}),
    "textbox": frozenset({"textbox"}),
    "box": frozenset({"textbox", "searchbox", "checkbox"}),
    "type": frozenset({"textbox", "searchbox", "spinbutton", "combobox"}),
    "fill": frozenset({"textbox", "searchbox", "spinbutton"}),
    "search": frozenset({"searchbox"}),
    "slider": frozenset({"slider"}),
    "menu": frozenset({"menuitem", "menuitemcheckbox", "menuitemradio"}),
}
_VALUE_VERBS = _words("type types typing enter write input paste")
_FILL_VERBS = _words("fill type enter")
_SET_VERBS = _words("set change update")
_VALUE_WEIGHT = 0.5
_ROLE_HINT_FACTOR = 1.2
_EQUAL_PHRASE_FACTOR = 1.5
_CONTAINS_PHRASE_FACTOR = 1.2

# Entry kinds: elements, interactive elements, textual elements (paragraphs…); then the lines
# that are no elements and leave no omission marker: static text, properties, /url.
_ELEMENT, _INTERACTIVE_KIND, _TEXT, _STATIC, _PROP, _URL = range(6)


def _stem(word: str) -> str:
    """Stemming-lite: fold plurals and common verb endings onto one form."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("es") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    elif word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in _WORD_RE.findall(text.lower())}


@dataclass(frozen=True)
class _Query:
    weights: dict[str, float]  # stem -> 2.0 if quoted else 1.0
    phrases: tuple[str, ...]  # quoted phrases, lower-cased, whitespace collapsed
    role_hints: frozenset[str]
    phrase_stems: tuple[frozenset[str], ...] = ()  # the stems of each phrase


def _parse_step(step_text: str) -> _Query:
    weights: dict[str, float] = {}
    phrases: list[str] = []
    lowered = step_text.lower()
    verbs = set(_WORD_RE.findall(lowered))
    for match in _QUOTED_RE.finditer(step_text):
        phrase = next(g for g in match.groups() if g is not None)
        before = lowered[: match.start()].split()
        previous = before[-1] if before else ""
        # Text to type is a value, not a description of the target: it counts for little.
        is_value = (
            previous in _VALUE_VERBS
            or (previous == "with" and not verbs.isdisjoint(_FILL_VERBS))
            or (previous == "to" and not verbs.isdisjoint(_SET_VERBS))
        )
        if not is_value:
            phrases.append(" ".join(phrase.lower().split()))
        for stem in _stems(phrase):
            weights[stem] = max(weights.get(stem, 0.0), _VALUE_WEIGHT if is_value else 2.0)
    hints: set[str] = set()
    for word in _WORD_RE.findall(lowered):
        hints.update(_ROLE_HINTS.get(word, ()))
        if word in _STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        weights.setdefault(_stem(word), 1.0)
    kept = tuple(p for p in phrases if p)
    return _Query(weights, kept, frozenset(hints), tuple(frozenset(_stems(p)) for p in kept))


_QUOTES = ("'", '"')
# Attribute markup whose words a step word could otherwise match, and its replacement in the
# lower-cased copy searched for step words: same length, one unmatchable word.
_FILLER = "\u3005"
_ATTRIBUTES = (
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
_REF_ID_RE = re.compile(r"[ef][0-9e]*")


class _Tree:
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
        roles = [(b[1:] if b[:1] in _QUOTES else b).partition(" ")[0] for b in bodies]
        roles = [r[:-1] if r.endswith(":") else r for r in roles]
        kind_of: dict[str, int] = {}
        for role in set(roles):
            if role == "/url":
                kind_of[role] = _URL
            elif role.startswith("/"):
                kind_of[role] = _PROP
            elif role in _INTERACTIVE:
                kind_of[role] = _INTERACTIVE_KIND
            elif role == "text":
                kind_of[role] = _STATIC
            elif role in _TEXTUAL:
                kind_of[role] = _TEXT
            else:
                kind_of[role] = _ELEMENT
        kind = [kind_of[r] for r in roles]
        for i in [i for i, b in enumerate(bodies) if "[cursor=pointer]" in b]:
            if kind[i] < _STATIC:
                kind[i] = _INTERACTIVE_KIND
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
            if kind[i] >= _STATIC:
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
        self.interactive = [i for i in outside if kind[i] == _INTERACTIVE_KIND]
        self.selected = frozenset(i for i in self.interactive if "[selected]" in bodies[i])
        self.props = [
            i
            for i in outside
            if kind[i] == _PROP and parent[i] >= 0 and kind[parent[i]] == _INTERACTIVE_KIND
        ]
        self.elements = [
            i for i in outside if kind[i] == _ELEMENT and ('"' in bodies[i] or ": " in bodies[i])
        ]
        self.textual = [i for i in outside if kind[i] in (_TEXT, _STATIC)]
        self.urls = [i for i in range(n) if kind[i] == _URL]
        self.scorable = n - sum(1 for k in kind if k >= _PROP)

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


@dataclass(frozen=True)
class _Scores:
    relevance: list[float]
    strong: frozenset[int]
    must_keep: int


def _score(tree: _Tree, snapshot: str, query: _Query) -> _Scores:
    """Relevance of every entry to the step (0.0 for most), the strong matches, the must-keep.

    A strong match has at least :data:`STRONG_SHARE` of the best relevance, or of the best score
    of a line on its own (so that a cell holding the SKU of the step is one, although the
    buttons of its row have a higher relevance).
    """
    n = tree.n
    rel = [0.0] * n
    hits = _find_words(tree, snapshot, query)
    if not hits:
        return _Scores(rel, frozenset(), -1)
    df: dict[str, int] = {}
    for stems in hits.values():
        for stem in stems:
            df[stem] = df.get(stem, 0) + 1
    weight = {s: query.weights[s] * math.log(1.0 + tree.scorable / df[s]) for s in df}
    score: dict[int, float] = {}
    for i in sorted(hits):
        points = sum(weight[s] for s in sorted(hits[i]))
        if any(stems <= hits[i] for stems in query.phrase_stems):
            folded = " ".join(_entry_name(tree.bodies[i]).lower().split())
            if folded and folded in query.phrases:
                points *= _EQUAL_PHRASE_FACTOR
            elif folded and any(" " in p and p in folded for p in query.phrases):
                points *= _CONTAINS_PHRASE_FACTOR
        if tree.roles[i] in query.role_hints:
            points *= _ROLE_HINT_FACTOR
        score[i] = points
        if tree.kind[i] != _INTERACTIVE_KIND:
            rel[i] = points
    # Subtree sums of the scores, for the entries with a scored descendant.
    agg: dict[int, float] = {}
    for i, points in score.items():
        j = i
        while j >= 0:
            agg[j] = agg.get(j, 0.0) + points
            j = tree.parent[j]
    # Interactive elements: their own subtree, plus part of the rest of their record.
    records: set[int] = set()
    for i in score:
        j = tree.parent[i]
        while j >= 0 and tree.size[j] <= RECORD_MAX_ENTRIES:
            records.add(j)
            j = tree.parent[j]
    boosted = {i for i in agg if tree.kind[i] == _INTERACTIVE_KIND}
    kind = tree.kind
    for r in records:
        if tree.parent[r] not in records:  # The outermost ones hold the others.
            boosted.update(e for e in range(r, r + tree.size[r]) if kind[e] == _INTERACTIVE_KIND)
    for e in boosted:
        own = agg.get(e, 0.0)
        record = tree.record(e)
        context = agg.get(record, 0.0) - own if record >= 0 else 0.0
        rel[e] = own + RECORD_WEIGHT * context
    best_rel = max(rel[i] for i in boosted.union(score))
    best_own = max(score.values())
    strong = {i for i in boosted.union(score) if rel[i] >= STRONG_SHARE * best_rel}
    strong.update(i for i, points in score.items() if points >= STRONG_SHARE * best_own)
    # The must-keep: the best interactive match, else the best match; the first one on ties.
    interactive = sorted(i for i in boosted if rel[i] > 0.0)
    pool = interactive or sorted(score)
    must_keep = max(pool, key=lambda i: (rel[i] or score[i], -i))
    return _Scores(rel, frozenset(strong), must_keep)


def _find_words(tree: _Tree, snapshot: str, query: _Query) -> dict[int, set[str]]:
    """The step stems found in each entry's name or value, by entry."""
    if not query.weights or tree.n == 0:
        return {}
    low = snapshot.replace("\u0130", "i").lower()  # U+0130 is the only char lower() lengthens.
    # A stem is a prefix of its words, but for a final "i" that stands for "y".
    keys: dict[str, set[str]] = {}
    for stem in query.weights:
        key = stem[:-1] if stem.endswith("i") and len(stem) > 3 else stem
        keys.setdefault(key, set()).add(stem)
    for attribute in _ATTRIBUTES:
        words = _WORD_RE.findall(attribute)
        clash = any(w.startswith(k) for w in words for k in keys)
        clash = clash or (attribute == "[ref=" and any(_REF_ID_RE.fullmatch(k) for k in keys))
        clash = clash or (attribute == "[level=" and any(k.isdigit() for k in keys))
        if clash and attribute in low:
            low = low.replace(attribute, "[" + _FILLER * (len(attribute) - 1))
    starts = list(accumulate((len(t) + 1 for t in tree.texts), initial=0))
    word_at = _WORD_RE.match
    hits: dict[int, set[str]] = {}
    for key in sorted(keys):
        stems = keys[key]
        width = len(key)
        pos = low.find(key)
        while pos >= 0:
            if pos == 0 or not low[pos - 1].isalnum():
                word = word_at(low, pos)
                if word is not None and len(word.group()) - width <= 5:
                    stem = _stem(word.group())
                    if stem in stems:
                        i = bisect.bisect_right(starts, pos) - 1
                        if tree.kind[i] < _PROP and not _in_role(tree, i, pos - starts[i]):
                            hits.setdefault(i, set()).add(stem)
            pos = low.find(key, pos + width)
    return hits


def _in_role(tree: _Tree, i: int, offset: int) -> bool:
    """Whether ``offset`` in entry ``i``'s text falls in its role word (or its indentation)."""
    start = tree.indents[i] + 2 + (1 if tree.bodies[i][:1] in _QUOTES else 0)
    return offset < start + len(tree.roles[i])


def _entry_name(body: str) -> str:
    """The accessible name in an entry's text (after ``- ``): what its first quotes hold."""
    if body[:1] == "'":  # A YAML single-quoted entry: '' stands for '.
        end = 1
        while True:
            end = body.find("'", end)
            if end < 0 or body[end + 1 : end + 2] != "'":
                break
            end += 2
        key = body[1:end].replace("''", "'") if end > 0 else body[1:]
    else:
        colon = body.find(": ")
        key = body[:colon] if colon >= 0 else body
    first = key.find('"')
    last = key.rfind('"')
    return key[first + 1 : last].replace('\\"', '"') if 0 <= first < last else ""


class _Selection:
    """Kept entries and the token cost of their rendering, kept up to date incrementally."""

    def __init__(self, tree: _Tree, count_tokens: Callable[[str], int]) -> None:
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
                if t.kind[child] < _STATIC:
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
                if t.kind[x] < _STATIC:
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
            if t.kind[i] < _STATIC:
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


def _select(
    tree: _Tree,
    scores: _Scores,
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
                if misfits >= _MAX_MISFITS:
                    return

    if scores.must_keep >= 0:
        record = t.record(scores.must_keep)
        if record >= 0:
            keep([j for j in range(record, record + t.size[record]) if t.kind[j] != _URL])
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
        if t.kind[i] != _STATIC or t.parent[i] < 0 or sel.kept[t.parent[i]]
    )
    keep_each(t.urls, parent_kept=True)
    # Re-expand the collapsed runs, one more member of every run at a time, each member whole
    # but for its /url lines.
    misfits = 0
    for member in t.collapsed:
        if sel.kept[member]:
            continue
        if keep([j for j in range(member, member + t.size[member]) if t.kind[j] != _URL]):
            misfits = 0
        else:
            misfits += 1
            if misfits >= _MAX_MISFITS:
                break
    return sel


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
            frozenset(_REF_RE.findall(snapshot)),
        )
    tree = _Tree(snapshot)
    scores = _score(tree, snapshot, _parse_step(step_text))
    effective = budget_tokens
    text = ""
    tokens = 0
    for _ in range(6):
        text = _select(tree, scores, effective, count_tokens).render()
        tokens = count_tokens(text)
        if tokens <= budget_tokens:
            break
        # The per-line costs underestimated the joined text: retry with a smaller budget.
        effective -= max(tokens - budget_tokens, 1 + effective // 50)
        if effective < 1:
            break
    if tokens > budget_tokens:
        text = _select(tree, scores, 0, count_tokens).render()
        tokens = count_tokens(text)
    return PrunedSnapshot(text, original_tokens, tokens, True, frozenset(_REF_RE.findall(text)))
