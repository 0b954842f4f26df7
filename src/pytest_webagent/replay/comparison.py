"""The documented comparison of a recorded signature with what the page holds now.

Only what was recorded is compared, so trajectories recorded before a field existed keep
replaying. A field tells one element from another (role, name, tag, href, context, a recorded
attribute) and must hold; what only decorates it (an attribute that appeared, a name gained where
there was none, classes, styles, attribute order, generated ids) is tolerated. The table in
docs/trajectories.md ("What is verified before each action") is this module in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_webagent.replay.signature import Signature

# Must equal what was recorded. `href_path` is the path-only form recorded before `href`.
STRICT = ("role", "tag", "href", "href_path", "context")
# Must equal when recorded with a value; appearing where none was recorded is not drift.
WHEN_RECORDED = ("name", "input_type", "test_id", "name_attr", "placeholder")
# For people only: which of its look-alikes the target was when recorded ("2 of 3").
INFORMATIONAL = ("occurrence",)


@dataclass(frozen=True)
class Comparison:
    matched: list[str] = field(default_factory=list)  # recorded fields that hold
    tolerated: list[str] = field(default_factory=list)  # benign changes, in words
    changed: list[str] = field(default_factory=list)  # drift: "field: 'old' -> 'new'"

    def describe(self) -> str:
        """``matched role, name, tag; tolerated: test_id added`` (an Allure step parameter)."""
        said = f"matched {', '.join(self.matched)}" if self.matched else "nothing to match"
        return said + (f"; tolerated: {', '.join(self.tolerated)}" if self.tolerated else "")


def compare(recorded: Signature, current: Signature) -> Comparison:
    matched: list[str] = []
    tolerated: list[str] = []
    changed: list[str] = []
    for key in sorted(recorded):
        old, new = recorded[key], current.get(key, "")
        if key in INFORMATIONAL:
            continue
        if key in WHEN_RECORDED and not old:
            if new:
                tolerated.append(f"{key} gained ({new!r})")
            continue
        if old == new:
            matched.append(key)
        else:
            changed.append(f"{key}: {old!r} -> {new!r}")
    for key in sorted(set(WHEN_RECORDED) - set(recorded)):
        if current.get(key):
            tolerated.append(f"{key} added ({current[key]!r})")
    return Comparison(matched, tolerated, changed)
