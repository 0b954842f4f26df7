"""The drift report: every step healed after drift, and every drifted step that failed, as
Markdown a person reviews (or a CI job posts on a pull request).

Written at the end of the session, by the controller: to ``--webagent-report-md PATH`` when
given, appended to ``$GITHUB_STEP_SUMMARY`` when that is set and something drifted (GitHub shows
it on the run's page), and attached to Allure as a run-level attachment when Allure collects.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pytest_webagent.report.allure_report import attach_to_run
from pytest_webagent.report.summary import Summary

TITLE = "webagent drift report"
_HEALED = ("Case", "Step", "Drift", "Recorded locator", "New locator", "Resolved by")
_UNHEALED = ("Case", "Step", "Recorded locator", "Drift", "The page now holds", "Why not healed")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _cell(text: str, code: bool = False) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    if code and text:
        return "`" + text.replace("`", "'") + "`"
    return text or "—"


def _table(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def markdown(summary: Summary) -> str:
    healed, unhealed = summary.healed, summary.unhealed
    lines = [f"## {TITLE}", ""]
    if not healed and not unhealed:
        lines.append(f"No recorded target drifted ({_plural(summary.cases, 'case')}).")
        return "\n".join(lines) + "\n"
    lines.append(
        f"{_plural(len(healed), 'step')} healed after drift, "
        f"{_plural(len(unhealed), 'drifted step')} failed ({_plural(summary.cases, 'case')})."
    )
    if healed:
        rows = [
            [_cell(h["case"], True), _cell(f"{h['number']}. {h['step']}"), _cell(h["drift"]),
             _cell(h["old"], True),
             _cell(h["new"], True),
             _cell(h["by"] + ("" if h.get("recorded", "yes") == "yes" else " (case failed: not "
                                                                          "recorded)"))]
            for h in healed
        ]  # fmt: skip
        lines += ["", "### Healed after drift", "", *_table(_HEALED, rows)]
    if unhealed:
        rows = [
            [_cell(u["case"], True), _cell(f"{u['number']}. {u['step']}"), _cell(u["old"], True),
             _cell(u["drift"]), _cell(u["now"]), _cell(u["why"])]
            for u in unhealed
        ]  # fmt: skip
        lines += ["", "### Drifted, not healed", "", *_table(_UNHEALED, rows)]
    return "\n".join(lines) + "\n"


def write(
    summary: Summary,
    path: Path | None,
    *,
    allure: bool = False,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Write the report where it was asked for; problems go to the summary, never raise."""
    env = os.environ if environ is None else environ
    text = markdown(summary)
    targets: list[tuple[Path, str]] = []
    if path is not None:
        targets.append((path, "w"))
    drifted = bool(summary.healed or summary.unhealed)
    if env.get("GITHUB_STEP_SUMMARY") and drifted:
        targets.append((Path(env["GITHUB_STEP_SUMMARY"]), "a"))
    for target, mode in targets:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open(mode, encoding="utf-8") as file:
                file.write(text if mode == "w" else "\n" + text)
        except OSError as error:
            summary.problems.append(f"drift report not written to {target}: {error}")
    if drifted and allure:
        attach_to_run(TITLE, text, "text/markdown", "md")
