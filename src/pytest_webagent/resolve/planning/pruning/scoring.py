"""How relevant each entry is to the step, which are strong matches, which one must be kept."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from itertools import accumulate

from pytest_webagent.resolve.planning.pruning.limits import (
    RECORD_MAX_ENTRIES,
    RECORD_WEIGHT,
    STRONG_SHARE,
)
from pytest_webagent.resolve.planning.pruning.query import (
    CONTAINS_PHRASE_FACTOR,
    EQUAL_PHRASE_FACTOR,
    ROLE_HINT_FACTOR,
    WORD_RE,
    Query,
    stem_of,
)
from pytest_webagent.resolve.planning.pruning.tree import (
    ATTRIBUTES,
    FILLER,
    INTERACTIVE_KIND,
    PROP,
    QUOTES,
    REF_ID_RE,
    Tree,
)


@dataclass(frozen=True)
class Scores:
    relevance: list[float]
    strong: frozenset[int]
    must_keep: int


def score(tree: Tree, snapshot: str, query: Query) -> Scores:
    """Relevance of every entry to the step (0.0 for most), the strong matches, the must-keep.

    A strong match has at least :data:`STRONG_SHARE` of the best relevance, or of the best score
    of a line on its own (so that a cell holding the SKU of the step is one, although the
    buttons of its row have a higher relevance).
    """
    n = tree.n
    rel = [0.0] * n
    hits = _find_words(tree, snapshot, query)
    if not hits:
        return Scores(rel, frozenset(), -1)
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
                points *= EQUAL_PHRASE_FACTOR
            elif folded and any(" " in p and p in folded for p in query.phrases):
                points *= CONTAINS_PHRASE_FACTOR
        if tree.roles[i] in query.role_hints:
            points *= ROLE_HINT_FACTOR
        score[i] = points
        if tree.kind[i] != INTERACTIVE_KIND:
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
    boosted = {i for i in agg if tree.kind[i] == INTERACTIVE_KIND}
    kind = tree.kind
    for r in records:
        if tree.parent[r] not in records:  # The outermost ones hold the others.
            boosted.update(e for e in range(r, r + tree.size[r]) if kind[e] == INTERACTIVE_KIND)
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
    return Scores(rel, frozenset(strong), must_keep)


def _find_words(tree: Tree, snapshot: str, query: Query) -> dict[int, set[str]]:
    """The step stems found in each entry's name or value, by entry."""
    if not query.weights or tree.n == 0:
        return {}
    low = snapshot.replace("\u0130", "i").lower()  # U+0130 is the only char lower() lengthens.
    # A stem is a prefix of its words, but for a final "i" that stands for "y".
    keys: dict[str, set[str]] = {}
    for stem in query.weights:
        key = stem[:-1] if stem.endswith("i") and len(stem) > 3 else stem
        keys.setdefault(key, set()).add(stem)
    for attribute in ATTRIBUTES:
        words = WORD_RE.findall(attribute)
        clash = any(w.startswith(k) for w in words for k in keys)
        clash = clash or (attribute == "[ref=" and any(REF_ID_RE.fullmatch(k) for k in keys))
        clash = clash or (attribute == "[level=" and any(k.isdigit() for k in keys))
        if clash and attribute in low:
            low = low.replace(attribute, "[" + FILLER * (len(attribute) - 1))
    starts = list(accumulate((len(t) + 1 for t in tree.texts), initial=0))
    word_at = WORD_RE.match
    hits: dict[int, set[str]] = {}
    for key in sorted(keys):
        stems = keys[key]
        width = len(key)
        pos = low.find(key)
        while pos >= 0:
            if pos == 0 or not low[pos - 1].isalnum():
                word = word_at(low, pos)
                if word is not None and len(word.group()) - width <= 5:
                    stem = stem_of(word.group())
                    if stem in stems:
                        i = bisect.bisect_right(starts, pos) - 1
                        if tree.kind[i] < PROP and not _in_role(tree, i, pos - starts[i]):
                            hits.setdefault(i, set()).add(stem)
            pos = low.find(key, pos + width)
    return hits


def _in_role(tree: Tree, i: int, offset: int) -> bool:
    """Whether ``offset`` in entry ``i``'s text falls in its role word (or its indentation)."""
    start = tree.indents[i] + 2 + (1 if tree.bodies[i][:1] in QUOTES else 0)
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
