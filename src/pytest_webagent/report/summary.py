"""Step statistics: per item (attached to its report, so xdist ships them to the controller) and
summed for the terminal summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_webagent.cases.model import StepKind
from pytest_webagent.resolve.planning.llm import Usage
from pytest_webagent.secret_values import missing_secret_lines

if TYPE_CHECKING:
    from pytest_webagent.run.results import StepResult

RESOLUTIONS = ("replayed", "direct", "planned", "re-planned", "judged")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def healed_steps(results: list[StepResult]) -> list[dict[str, str]]:
    """Each step re-resolved after drift: what was recorded, what replaced it, and who chose."""
    healed = []
    for number, result in enumerate(results, 1):
        if result.drift is None or result.entry is None:
            continue
        new = [a["target"]["code"] if "target" in a else a["type"] for a in result.entry["actions"]]
        healed.append({"number": str(number), "step": result.step.text,
                       "drift": result.drift.describe(), "old": result.drift.recorded,
                       "new": "; ".join(new), "by": str(result.entry["resolved_by"])})  # fmt: skip
    return healed


def healed_line(healed: dict[str, str]) -> str:
    """``case: step 3 'Click "Add"': old -> new (by direct)``."""
    line = (
        f"{healed['case']}: step {healed['number']} {healed['step']!r}: "
        f"{healed['old']} -> {healed['new']} (by {healed['by']})"
    )
    return line + ("" if healed.get("recorded", "yes") == "yes" else " [case failed: not recorded]")


def item_statistics(
    results: list[StepResult],
    case_file: Path,
    case_id: str,
    failed_usage: Usage,
    unhealed: list[dict[str, str]] | None = None,
    *,
    total_steps: int = 0,
    failed: bool = False,
) -> dict[str, Any]:
    """What the controller needs of one case: step counts, model usage (failed steps included),
    assertions to review, steps healed or failed after drift, and which case of which file ran
    (stale entries are judged only over the cases that ran)."""
    usage = Usage()
    usage.add(failed_usage)
    for result in results:
        usage.add(result.usage)
    fallbacks = [f"{r.step.text} ({r.fallback})" for r in results if r.fallback]
    review = [
        f"{r.step.text} (drift: {r.drift.describe()})"
        for r in results
        if r.resolution == "re-planned" and r.step.kind is StepKind.ASSERTION and r.drift
    ]
    # Every step of the case: those that passed, the one it failed at, those never reached.
    total = max(total_steps, len(results))
    failed_steps = 1 if failed and total > len(results) else 0
    return {
        "outcomes": {"failed": failed_steps, "not reached": total - len(results) - failed_steps},
        "resolutions": dict(Counter(r.resolution for r in results)),
        "usage": usage.as_dict(),
        "review": review,
        "healed": healed_steps(results),
        "unhealed": unhealed or [],
        "fallbacks": fallbacks,
        "file": str(case_file.resolve()),
        "case": case_id,
    }


@dataclass
class Summary:
    cases: int = 0
    resolutions: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)  # steps failed and not reached
    usage: Usage = field(default_factory=Usage)
    review: list[str] = field(default_factory=list)
    # steps re-resolved after drift, and drifted steps that failed: dicts with the case's node id
    healed: list[dict[str, str]] = field(default_factory=list)
    unhealed: list[dict[str, str]] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)  # explicit steps the model planned
    files_written: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    # case file -> ids of its cases that ran: the selection stale entries are judged over
    ran: dict[Path, set[str]] = field(default_factory=dict)
    # test module -> test id -> step keys, of the Python tests that ran to their end and passed
    python_steps: dict[Path, dict[str, set[tuple[str, str, int]]]] = field(default_factory=dict)
    # test module -> every test id it defines (known once imported), for renamed or deleted tests
    python_defined: dict[Path, set[str]] = field(default_factory=dict)
    # secret name -> {"state": "not set" | "empty", "cases": ["file:line (node id)", ...]}
    missing_secrets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_missing_secrets(self, nodeid: str, missing: list[list[str]]) -> None:
        for name, state, location in missing:
            seen = self.missing_secrets.setdefault(name, {"state": state, "cases": []})
            seen["cases"].append(f"{location} ({nodeid})")

    def add(self, nodeid: str, statistics: dict[str, Any]) -> None:
        self.cases += 1
        if statistics.get("python"):
            if "module_tests" in statistics:
                defined = self.python_defined.setdefault(Path(statistics["file"]), set())
                defined.update(map(str, statistics["module_tests"]))
            if "steps" in statistics:
                steps = {(str(k), str(t), int(n)) for k, t, n in statistics["steps"]}
                tests = self.python_steps.setdefault(Path(statistics["file"]), {})
                tests[str(statistics["case"])] = steps
        elif "file" in statistics:
            self.ran.setdefault(Path(statistics["file"]), set()).add(str(statistics["case"]))
        self.resolutions.update(statistics.get("resolutions", {}))
        self.outcomes.update(statistics.get("outcomes", {}))
        self.usage.add(Usage(**statistics.get("usage", {})))
        self.review.extend(f"{nodeid}: {line}" for line in statistics.get("review", []))
        passed = bool(statistics.get("passed", True))
        for healed in statistics.get("healed", []):
            self.healed.append({**healed, "case": nodeid, "recorded": "yes" if passed else "no"})
        self.unhealed.extend({**drift, "case": nodeid} for drift in statistics.get("unhealed", []))
        self.fallbacks.extend(f"{nodeid}: {line}" for line in statistics.get("fallbacks", []))

    def lines(self, pruned: bool) -> list[str]:
        if not self.cases and not self.problems and not self.stale:
            return missing_secret_lines(self.missing_secrets)
        passed = sum(self.resolutions.values())
        counts = ", ".join(
            f"{self.resolutions[r]} {r}" + (" after drift" if r == "re-planned" else "")
            for r in RESOLUTIONS
            if self.resolutions[r]
        )
        unfinished = [
            f"{self.outcomes[o]} {o}" for o in ("failed", "not reached") if self.outcomes[o]
        ]
        if unfinished:  # every step counted: "7 steps: 5 passed (4 direct, 1 replayed), 1 failed"
            counts = ", ".join(
                [f"{passed} passed" + (f" ({counts})" if counts else ""), *unfinished]
            )
        steps = passed + sum(self.outcomes.values())
        u = self.usage
        lines = [
            f"{_plural(self.cases, 'case')}, {_plural(steps, 'step')}"
            + (f": {counts}" if counts else ""),
            f"model: {_plural(u.calls, 'call')}, {u.prompt_tokens} prompt + "
            f"{u.completion_tokens} completion tokens, "
            f"{_plural(u.memo_hits, 'answer')} from the memo",
            f"trajectory files written: {len(self.files_written)}"
            + "".join(f"\n  {path}" for path in self.files_written),
        ]
        lines += [f"review re-planned assertion: {line}" for line in self.review]
        if self.healed:
            lines.append(f"healed after drift ({len(self.healed)}):")
            lines += [f"  {healed_line(healed)}" for healed in self.healed]
        lines += [f"explicit step planned by the model: {line}" for line in self.fallbacks]
        if self.stale:
            verb = "removed" if pruned else "stale (remove with --webagent-prune)"
            lines.append(f"{len(self.stale)} trajectory entries {verb}:")
            lines += [f"  {entry}" for entry in self.stale]
        lines += self.problems
        return lines + missing_secret_lines(self.missing_secrets)
