"""Secrets: ``{{ secrets.NAME }}`` placeholders, their values, and masking them out of text.

Everything the plugin writes or sends (prompts, trajectories, the working store, reports, failure
text) holds the placeholder; the value exists only in the browser call that needs it. Because a
page can echo a typed value back (a field's content in the ARIA snapshot, a URL, an error message),
every outgoing text also goes through :meth:`Secrets.mask`, which puts the placeholder back.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

from pytest_webagent.cases.model import Case
from pytest_webagent.errors import Location, WebagentError

ENVIRONMENT_PREFIX = "WEBAGENT_SECRET_"
SECRET_PLACEHOLDER = re.compile(r"\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class MissingSecretError(WebagentError):
    """A case uses ``{{ secrets.NAME }}`` and no value is provided for NAME."""


class EnvironmentSecrets(Mapping[str, str]):
    """``WEBAGENT_SECRET_<NAME>`` variables, read when looked up (never copied, never listed)."""

    def __getitem__(self, name: str) -> str:
        return os.environ[ENVIRONMENT_PREFIX + name]

    def __iter__(self) -> Iterator[str]:
        prefix = ENVIRONMENT_PREFIX
        return (key[len(prefix) :] for key in os.environ if key.startswith(prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"EnvironmentSecrets({ENVIRONMENT_PREFIX}*)"


def secret_names(text: str) -> list[str]:
    return SECRET_PLACEHOLDER.findall(text)


def case_secret_names(case: Case) -> dict[str, Location]:
    """The secrets ``case`` uses, each with the first place it appears."""
    found: dict[str, Location] = {}
    for name in secret_names(case.url or ""):
        found.setdefault(name, case.location)
    for step in case.steps:
        for name in secret_names(step.text):
            found.setdefault(name, Location(step.source or case.location.path, step.line))
    return found


class Secrets:
    """The secret values one case uses: resolves placeholders and masks values."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = dict(values or {})
        self._compile()

    def add(self, more: Secrets) -> None:
        """Take the values of ``more`` too: a Python test's steps, and so the secrets they use,
        come one at a time, and everything holding this object must see the new ones."""
        if more._values.keys() - self._values.keys():
            self._values.update(more._values)
            self._compile()

    def _compile(self) -> None:
        # Longest first, so a secret that contains another is masked whole. Encoded forms cover
        # values echoed in URLs and JSON (a password typed into a search field, then in ?q=).
        forms = {
            form: name
            for name, value in self._values.items()
            for form in (value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1])
            if form
        }
        self._forms = sorted(forms.items(), key=lambda item: -len(item[0]))
        self._pattern = (
            re.compile("|".join(re.escape(form) for form, _ in self._forms)) if forms else None
        )

    @classmethod
    def for_case(cls, case: Case, provided: Mapping[str, Any]) -> Secrets:
        """The values ``case`` needs from ``provided``; all missing ones are named in one error."""
        values: dict[str, str] = {}
        missing: list[str] = []
        for name, location in case_secret_names(case).items():
            value = provided.get(name)
            if value is None or str(value) == "":
                state = "empty" if value is not None else "not set"
                missing.append(
                    f"  {location}: {{{{ secrets.{name} }}}} is {state}: set the environment "
                    f"variable {ENVIRONMENT_PREFIX}{name} or provide it from the "
                    "webagent_secrets fixture"
                )
            else:
                values[name] = str(value)
        if missing:
            raise MissingSecretError(
                f"case {case.item_name!r} needs secrets that have no value:\n" + "\n".join(missing)
            )
        return cls(values)

    def __bool__(self) -> bool:
        return bool(self._values)

    def __repr__(self) -> str:  # tracebacks with --showlocals must not print the values
        return f"Secrets({', '.join(sorted(self._values))})"

    def resolve(self, text: str) -> str:
        """``text`` with each ``{{ secrets.NAME }}`` replaced by its value, for the browser."""
        if "{{" not in text:
            return text
        return SECRET_PLACEHOLDER.sub(lambda m: self._values.get(m.group(1), m.group(0)), text)

    def mask(self, text: str) -> str:
        """``text`` with every secret value (plain or encoded) replaced by its placeholder."""
        if self._pattern is None or not text:
            return text
        names = dict(self._forms)
        return self._pattern.sub(lambda m: f"{{{{ secrets.{names[m.group(0)]} }}}}", text)

    def mask_data(self, data: Any) -> Any:
        """A JSON-like structure with every string in it masked."""
        if self._pattern is None:
            return data
        if isinstance(data, str):
            return self.mask(data)
        if isinstance(data, list):
            return [self.mask_data(item) for item in data]
        if isinstance(data, dict):
            return {key: self.mask_data(value) for key, value in data.items()}
        return data

    def scrub_exception(self, error: BaseException) -> None:
        """Mask the messages of ``error`` and the exceptions chained to it, in place.

        pytest, Allure and junit-xml all read these messages; Playwright's assertion errors quote
        the expected value, which may be a secret.
        """
        if self._pattern is None:
            return
        seen: set[int] = set()
        current: BaseException | None = error
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            current.args = tuple(
                self.mask(arg) if isinstance(arg, str) else arg for arg in current.args
            )
            for attribute in ("_message", "message", "reason"):
                value = getattr(current, attribute, None)
                if isinstance(value, str):
                    # Some exception classes expose these read-only: then args already carry it.
                    with contextlib.suppress(AttributeError):
                        setattr(current, attribute, self.mask(value))
            # StepFailed's report lines: its hints and its context's details.
            details = getattr(getattr(current, "context", None), "details", None)
            for lines in (getattr(current, "hints", None), details):
                if isinstance(lines, list):
                    lines[:] = [self.mask(str(line)) for line in lines]
            current = current.__cause__ or current.__context__
