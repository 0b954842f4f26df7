"""Errors a user can meet, each carrying where it happened.

Two families, because pytest and Allure treat them differently:

* ``StepFailed`` and its subclasses are ``AssertionError``s: the application did not do what the
  case says (Allure shows them as *failed*).
* Everything else derives from ``WebagentError`` (not an ``AssertionError``): the tool could not do
  its job, e.g. a bad case file, no browser, an unreachable model (Allure shows *broken*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a case file: path and 1-based line (0 when unknown)."""

    path: Path
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


class WebagentError(Exception):
    """Base class for errors of the tool itself (reported as errors, not test failures)."""


class CaseFileError(WebagentError):
    """A case file cannot be read, parsed or validated. Raised at collection time."""

    def __init__(self, location: Location, message: str, key_path: str = "") -> None:
        self.location = location
        self.key_path = key_path
        self.message = message
        where = f"{location}: {key_path}: " if key_path else f"{location}: "
        super().__init__(where + message)


class CaseDefinitionError(WebagentError):
    """``@webagent.case`` or an agent call is used wrongly (an unknown case name, a step that is
    not text, an unknown placeholder). Raised where the decorator or the call is."""


class BrowserNotFoundError(WebagentError):
    """No usable Chromium could be found."""


class ConfigurationError(WebagentError):
    """An option has an invalid value."""


class ModelError(WebagentError):
    """The model endpoint could not be used (unreachable, refused, too many invalid answers)."""


class TrajectoryFileError(WebagentError):
    """A trajectory file is unreadable or invalid; it is never overwritten silently."""


@dataclass
class StepContext:
    """What a step failure reports about where it happened."""

    case_name: str
    location: Location
    step_number: int
    step_text: str
    mode: str = ""
    details: list[str] = field(default_factory=list)


class StepFailed(AssertionError):
    """A step did not hold: its target could not be found, its action failed or its check failed.

    ``str()`` is the complete report shown by pytest in place of a traceback into generated code.
    """

    headline = "step failed"

    def __init__(self, reason: str, *, hints: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hints = hints or []
        self.context: StepContext | None = None

    def attach(self, context: StepContext) -> StepFailed:
        self.context = context
        return self

    def report(self) -> str:
        lines: list[str] = []
        ctx = self.context
        if ctx is not None:
            lines.append(f"{ctx.location}: {self.headline} in case {ctx.case_name!r}")
            # Step 0 is what comes before the steps: opening the case's url.
            lines.append(f"  step {ctx.step_number}: {ctx.step_text}" if ctx.step_number else
                         f"  {ctx.step_text}")  # fmt: skip
            if ctx.mode:
                lines.append(f"  mode: {ctx.mode}")
        else:
            lines.append(self.headline)
        lines.append(f"  {self.reason}")
        lines.extend(f"  {hint}" for hint in self.hints)
        if ctx is not None:
            lines.extend(f"  {detail}" for detail in ctx.details)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()


class TargetNotFound(StepFailed):
    headline = "target not found"


class TargetAmbiguous(StepFailed):
    headline = "target is ambiguous"


class CheckFailed(StepFailed):
    headline = "check failed"


class ActionFailed(StepFailed):
    headline = "action failed"


class UnresolvableStep(StepFailed):
    headline = "step cannot be resolved"
