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

from pytest_webagent.cases.model import Case
from pytest_webagent.errors import Location, WebagentError
from pytest_webagent.secret_forms import base_forms, first_characters, form_pattern

ENVIRONMENT_PREFIX = "WEBAGENT_SECRET_"
SECRET_PLACEHOLDER = re.compile(r"\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class MissingSecretError(WebagentError):
    """A case uses ``{{ secrets.NAME }}`` and no value is provided for NAME.

    Its message is one line naming the secrets; what to do is said once per run, in the
    terminal summary, with every case that needs each secret (``missing``: plain data, which
    xdist ships from its workers with the report).
    """

    def __init__(self, case: str, missing: list[list[str]]) -> None:
        names = ", ".join(f"{{{{ secrets.{name} }}}} ({state})" for name, state, _ in missing)
        super().__init__(
            f"case {case!r} needs secrets that have no value: {names}; how to give them a value "
            "is said once, at the end of the run (webagent: missing secrets)"
        )
        self.missing = missing  # [name, "not set" | "empty", "file:line"]


def missing_secret_lines(needed_by: dict[str, dict[str, Any]]) -> list[str]:
    """The summary's lines for the secrets that had no value: each once, with the cases that
    needed it (``needed_by``: name -> {"state": ..., "cases": ["file:line (node id)", ...]})."""
    lines = []
    for name, seen in sorted(needed_by.items()):
        cases = seen["cases"]
        lines.append(
            f"missing secret {{{{ secrets.{name} }}}} is {seen['state']}: set the environment "
            f"variable {ENVIRONMENT_PREFIX}{name} or provide it from the webagent_secrets fixture; "
            f"needed by {len(cases)} case{'' if len(cases) == 1 else 's'}, which failed without it:"
        )
        lines += [f"  {case}" for case in cases]
    return lines


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


class SecretMapping(Mapping[str, str]):
    """A ``webagent_secrets`` mapping that shows names only, whatever the user's fixture returned.

    A plain dict of values would print whole in ``--showlocals``/``--fulltrace`` (pytest's own
    frames hold every fixture value), and ``repr`` escapes quotes so masking could miss it.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values

    def __getitem__(self, name: str) -> str:
        return self._values[name]  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"SecretMapping({', '.join(sorted(map(str, self._values)))}: values hidden)"

    __str__ = __repr__


def hide_values(provided: object) -> object:
    """What a ``webagent_secrets`` fixture returned, with its values never printable."""
    if isinstance(provided, Mapping) and not isinstance(
        provided, (SecretMapping, EnvironmentSecrets)
    ):
        return SecretMapping(provided)
    return provided


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
        # Longest first, so a secret that contains another is masked whole. Each form matches in
        # any encoding (secret_forms): values echoed in URLs, JSON, reprs and regexes.
        forms = {form: name for name, value in self._values.items() for form in base_forms(value)}
        self._forms = sorted(forms.items(), key=lambda item: -len(item[0]))
        alternatives = "|".join(
            f"(?P<s{index}>{form_pattern(form)})" for index, (form, _) in enumerate(self._forms)
        )
        # The lookahead lets the regex engine skip, by one character class, the positions where
        # no form can start: four times faster on a large trace.
        starts = first_characters(form for form, _ in self._forms)
        self._pattern = re.compile(f"(?={starts})(?:{alternatives})") if forms else None

    @classmethod
    def for_case(cls, case: Case, provided: Mapping[str, Any]) -> Secrets:
        """The values ``case`` needs from ``provided``; all missing ones are named in one error.

        No local variable holds a value while the error is raised (``--showlocals``).
        """
        needed = case_secret_names(case)
        missing = [
            [name, state, str(location)]
            for name, location in needed.items()
            if (state := _missing_state(provided, name))
        ]
        if missing:
            raise MissingSecretError(case.item_name, missing)
        return cls({name: str(provided[name]) for name in needed})

    def __bool__(self) -> bool:
        return bool(self._values)

    def __repr__(self) -> str:  # tracebacks with --showlocals must not print the values
        return f"Secrets({', '.join(sorted(self._values))})"

    def resolve(self, text: str) -> str:
        """``text`` with each ``{{ secrets.NAME }}`` replaced by its value, for the browser."""
        if "{{" not in text:
            return text
        return SECRET_PLACEHOLDER.sub(lambda m: self._values.get(m.group(1), m.group(0)), text)

    def reveal_target(self, action: dict[str, Any]) -> dict[str, Any]:
        """``action`` with the secrets in its recorded targets (an element whose name holds one:
        the target, a drag's drop target) resolved, for the browser: the identity check compares
        them with the live elements, and the action runs on their selectors."""
        if not self._values:
            return action  # the case has no secret: nothing to put back (every replayed action)
        # Imported here: this module loads with the plugin, the executor only with a run.
        from pytest_webagent.browser.executor import TARGET_KEYS

        revealed = {
            key: self._revealed_target(action[key])
            for key in TARGET_KEYS
            if isinstance(action.get(key), dict) and "{{" in json.dumps(action[key])
        }
        return {**action, **revealed} if revealed else action

    def _revealed_target(self, target: dict[str, Any]) -> dict[str, Any]:
        quoted = {name: json.dumps(value)[1:-1] for name, value in self._values.items()}
        revealed = dict(target)
        for key in ("selector", "code"):  # a quoted string inside a selector or code
            if isinstance(target.get(key), str):
                revealed[key] = SECRET_PLACEHOLDER.sub(
                    lambda m: quoted.get(m.group(1), m.group(0)), target[key]
                )
        if isinstance(target.get("signature"), dict):
            revealed["signature"] = {
                k: self.resolve(str(v)) for k, v in target["signature"].items()
            }
        return revealed

    def mask(self, text: str) -> str:
        """``text`` with every secret value (plain or encoded) replaced by its placeholder."""
        if self._pattern is None or not text:
            return text
        forms = self._forms
        return self._pattern.sub(
            lambda m: self.placeholder(forms[int(str(m.lastgroup)[1:])][1]), text
        )

    def placeholder(self, name: str) -> str:
        """What a value of the secret ``name`` is replaced with."""
        return f"{{{{ secrets.{name} }}}}"

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


def _missing_state(provided: Mapping[str, Any], name: str) -> str:
    """ "not set" or "empty" when ``provided`` has no usable value for ``name``, else ""."""
    value = provided.get(name)
    if value is None:
        return "not set"
    return "empty" if str(value) == "" else ""
