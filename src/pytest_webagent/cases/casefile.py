"""Turn a YAML case file into validated ``Case`` objects, or a ``CaseFileError`` naming the line."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_webagent.cases.model import Case, Link, MarkSpec, Step, StepKind, step_kind_and_template
from pytest_webagent.cases.templating import (
    TemplateError,
    check_syntax,
    kept,
    remembered_name,
    render,
)
from pytest_webagent.cases.yamlsource import KeyPath, YamlDocument, format_key_path, load_yaml
from pytest_webagent.errors import CaseFileError
from pytest_webagent.schemas import case_validator, load_schema

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

MAX_ID_LENGTH = 40


def load_cases(path: Path) -> list[Case]:
    document = load_yaml(path)
    _validate(document)
    raw_cases = document.data.get("cases", [document.data])
    base: KeyPath = ("cases",) if "cases" in document.data else ()
    cases: list[Case] = []
    first_line_of_name: dict[str, int] = {}
    for index, raw in enumerate(raw_cases):
        case_path = (*base, index) if base else ()
        name = raw["name"].strip()
        line = document.line_of((*case_path, "name"))
        if name in first_line_of_name:
            raise CaseFileError(
                document.location((*case_path, "name")),
                f"duplicate case name {name!r} (first used on line {first_line_of_name[name]})",
                format_key_path((*case_path, "name")),
            )
        first_line_of_name[name] = line
        cases.extend(_expand(document, raw, case_path))
    return cases


def _validate(document: YamlDocument) -> None:
    if not isinstance(document.data, dict):
        kind = "empty" if document.data is None else type(document.data).__name__
        raise CaseFileError(
            document.location(()),
            f"a case file holds a mapping (one case, or `cases:` with a list); this one is {kind}",
        )
    nan = find_nan(document.data)
    if nan is not None:
        raise CaseFileError(document.location(nan), NAN_PROBLEM, format_key_path(nan))
    if plainly_valid(document.data):
        return
    from jsonschema.exceptions import best_match  # on first use, as in schemas/__init__.py

    error = best_match(case_validator().iter_errors(document.data))
    if error is None:
        return
    error = _most_specific(error)
    key_path = _error_key_path(error)
    raise CaseFileError(
        document.location(key_path), _describe(error), format_key_path(key_path) or "(top level)"
    )


PLAIN_CASE_KEYS = ("name", "description", "url", "steps")
STEP_KEYS = ("do", "expect", "judge")


def plainly_valid(data: Any) -> bool:
    """Whether ``data`` is a case the schema accepts, told without running the schema: one case
    of only ``name``, ``description``, ``url`` and ``steps``, each step text or one of ``do:``,
    ``expect:``, ``judge:`` with text.

    Most case files are that simple, and the JSON Schema validator costs more than reading them
    (0.2 s per thousand files, and importing jsonschema). Text is checked against the schema's
    own definitions. Anything else, and every file with a mistake, is validated in full, so the
    errors a file gets do not change (tests/test_startup.py checks this against the schema).
    """
    if not isinstance(data, dict) or not all(key in PLAIN_CASE_KEYS for key in data):
        return False
    case = _case_schema()["$defs"]["case"]["properties"]
    steps = data.get("steps")
    return (
        "name" in data
        and all(_fits_text(value, case[key]) for key, value in data.items() if key != "steps")
        and isinstance(steps, list)
        and len(steps) > 0
        and all(_plain_step(step) for step in steps)
    )


def _plain_step(step: Any) -> bool:
    forms: list[dict[str, Any]] = _case_schema()["$defs"]["step"]["oneOf"]
    if isinstance(step, dict) and len(step) == 1:
        ((key, text),) = step.items()
        # The mapping form that requires this key (`do:`, `expect:` or `judge:`).
        matching = [form for form in forms if form.get("required") == [key]]
        return (
            key in STEP_KEYS
            and len(matching) == 1
            and _fits_text(text, matching[0]["properties"][key])
        )
    text_forms = [form for form in forms if form.get("type") == "string"]
    return len(text_forms) == 1 and _fits_text(step, text_forms[0])


def _fits_text(value: Any, definition: dict[str, Any]) -> bool:
    """Whether a string definition of the schema accepts ``value``, as jsonschema would decide;
    False as well when the definition says more than type, length and pattern."""
    if not isinstance(value, str) or not definition.keys() <= _TEXT_KEYWORDS:
        return False
    if definition.get("type") != "string" or len(value) < definition.get("minLength", 0):
        return False
    pattern = definition.get("pattern")
    return pattern is None or re.search(pattern, value) is not None


_TEXT_KEYWORDS = {"type", "minLength", "pattern", "description"}


def _case_schema() -> dict[str, Any]:
    return load_schema("case.schema.json")


NAN_PROBLEM = (
    "`.nan` is not a number a case can use (every comparison with it is false, so a limit of "
    "`.nan` seconds would hold nothing); write a number"
)


# The schema's bounds of a step's `timeout:` (case.schema.json), and why they are what they are.
STEP_TIMEOUT_BOUNDS = (
    "a step's timeout is a number of seconds more than 0 and at most 600; 0 is not a limit "
    "(Playwright reads a timeout of 0 as 'wait forever'), and ten minutes is the longest one step "
    "may wait; leave `timeout` out for the default (webagent_step_timeout)"
)


def find_nan(data: Any, key_path: KeyPath = ()) -> KeyPath | None:
    """Where YAML's ``.nan`` (a float that is not a number) is in ``data``, if anywhere.

    JSON Schema cannot refuse it: ``exclusiveMinimum``, ``maximum`` are comparisons, and every
    comparison with NaN is false, so ``timeout: .nan`` would pass as "within range".
    """
    if isinstance(data, float) and math.isnan(data):
        return key_path
    children = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in children:
        found = find_nan(value, (*key_path, key))
        if found is not None:
            return found
    return None


def problem(error: ValidationError) -> str:
    """What is wrong, in words, for an error of the case schema (or of one of its parts)."""
    return _describe(_most_specific(error))


def _most_specific(error: ValidationError) -> ValidationError:
    """Descend a ``oneOf`` into the branch the author evidently meant.

    ``best_match`` stops at a ``oneOf`` whose branches fail equally; a person who wrote a case
    without ``name``, or a step with ``do: 5``, wants the error inside that branch, not "matches
    no branch". The meant branch is the one with the fewest complaints about the mapping itself.
    """
    from jsonschema.exceptions import best_match

    while error.validator == "oneOf" and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        misfits = {key: _misfit(subs) for key, subs in branches.items()}
        fitting = sorted(score for score in misfits.values() if score is not None)
        if not fitting or (len(fitting) > 1 and fitting[0] == fitting[1]):
            return error
        meant = next(key for key, score in misfits.items() if score == fitting[0])
        error = best_match(branches[meant]) or error
    return error


def _misfit(errors: list[ValidationError]) -> int | None:
    """How badly the instance itself misses a branch: None for the wrong type, else the number of
    missing or unexpected keys (errors deeper inside are the author's to fix, not a misfit)."""
    top = [sub for sub in errors if not sub.relative_path]
    if any(sub.validator in ("type", "const", "enum") for sub in top):
        return None
    return len([sub for sub in top if sub.validator in ("required", "additionalProperties")])


def _error_key_path(error: ValidationError) -> KeyPath:
    key_path: KeyPath = tuple(error.absolute_path)
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        # A badly named key: point at that key's line, not at the mapping's.
        return (*key_path, error.instance)
    if error.validator == "additionalProperties":
        # Point at the offending key itself rather than at the mapping holding it.
        unexpected = re.findall(r"'([^']+)'", error.message)
        if unexpected:
            key_path = (*key_path, unexpected[0])
    return key_path


def _describe(error: ValidationError) -> str:
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        return f"{error.message}; allowed keys: {', '.join(allowed)}" + _misspelt(error, allowed)
    branches: list[dict[str, Any]] = list(schema.get("oneOf", []))
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        forms = [branch["required"][0] for branch in branches if "required" in branch]
        if forms and not any("$ref" in branch for branch in branches):
            got = ", ".join(map(str, error.instance)) or "none"
            (key, value), *others = [*error.instance.items(), (None, None)]
            lone_text = not others[:-1] and isinstance(value, (str, int, float))
            if lone_text and isinstance(key, str) and key not in ("timeout", "optional"):
                # `- Check the note: saved`: YAML read the step's ": " as a key and its value.
                return (
                    f"this step has ': ' in it, so YAML read it as the key {key!r} with the value "
                    f"{str(value)!r}; put the whole step in quotes: - '{key}: {value}'"
                )
            return f"a mapping here needs exactly one of the keys {', '.join(forms)} (got: {got})"
    if error.validator == "oneOf":
        description = schema.get("description")
        keys = set(error.instance) if isinstance(error.instance, dict) else set()
        typo = _misspelt(error, ["steps", "cases"]) if keys else ""
        if typo and not {"steps", "cases"} & keys:
            return f"a case needs `steps:` (or a list under `cases:`){typo}"
        if isinstance(description, str):
            return f"{_short(error.instance)} is not valid here: expected {description}"
    if error.validator == "pattern":
        return _pattern_problem(error)
    if (
        error.validator in ("exclusiveMinimum", "maximum")
        and error.path
        and (error.path[-1] == "timeout")
    ):
        return f"{error.instance!r} is out of range: {STEP_TIMEOUT_BOUNDS}"
    if error.validator == "not" and "tags" in error.absolute_path:
        return (
            f"{error.instance!r} is one of pytest's own marks; put it under `marks:`, not `tags:`"
        )
    return error.message


def _misspelt(error: ValidationError, allowed: list[str]) -> str:
    """``; did you mean `steps`?`` for an unexpected key close to an allowed one (``step``)."""
    import difflib

    instance = error.instance if isinstance(error.instance, dict) else {}
    unexpected = [key for key in instance if isinstance(key, str) and key not in allowed]
    for key in unexpected:
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
        if close:
            return f"; did you mean `{close[0]}:` instead of `{key}:`?"
    return ""


IDENTIFIER_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$"


def _pattern_problem(error: ValidationError) -> str:
    """Say in words what a regular expression of the schema wants."""
    last = error.absolute_path[-1] if error.absolute_path else ""
    if last in ("name", "id"):
        what = "names" if last == "name" else "parametrize ids"
        return (
            f"{error.instance!r}: {what} may not be blank or contain brackets, colons, slashes or "
            "newlines (they would break the pytest node id)"
        )
    if error.validator_value == IDENTIFIER_PATTERN:
        return f"{error.instance!r} is not an identifier (letters, digits and _, not a digit first)"
    return error.message


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expand(document: YamlDocument, raw: dict[str, Any], case_path: KeyPath) -> Iterator[Case]:
    """One ``Case`` per parametrize row (or one when not parametrized)."""
    variables = dict(raw.get("vars", {}))
    for row_id, row in _parameter_rows(document, raw.get("parametrize"), case_path):
        values = {**variables, **row}
        yield Case(
            name=raw["name"].strip(),
            param_id=row_id,
            location=document.location((*case_path, "name")),
            description=raw.get("description", "").strip(),
            url=_render(document, raw["url"], values, (*case_path, "url"))
            if "url" in raw
            else None,
            url_line=document.location((*case_path, "url")).line if "url" in raw else 0,
            url_template=raw.get("url"),
            tags=tuple(raw.get("tags", ())),
            marks=tuple(
                _mark(document, spec, (*case_path, "marks", index))
                for index, spec in enumerate(raw.get("marks", ()))
            ),
            usefixtures=tuple(raw.get("usefixtures", ())),
            saves_state=raw.get("saves_state", ""),
            uses_state=raw.get("uses_state", ""),
            usefixtures_lines=tuple(
                document.line_of((*case_path, "usefixtures", index))
                for index in range(len(raw.get("usefixtures", ())))
            ),
            labels=_labels(raw),
            links=tuple(_link(spec) for spec in raw.get("links", ())),
            params=row,
            steps=tuple(_steps(document, raw["steps"], values, (*case_path, "steps"))),
        )


def _parameter_rows(
    document: YamlDocument, spec: Any, case_path: KeyPath
) -> Iterator[tuple[str, dict[str, Any]]]:
    if spec is None:
        yield "", {}
        return
    key_path = (*case_path, "parametrize")
    rows: list[dict[str, Any]]
    explicit_ids: list[str | None]
    if isinstance(spec, dict):
        lengths = {name: len(values) for name, values in spec.items()}
        if len(set(lengths.values())) > 1:
            raise CaseFileError(
                document.location(key_path),
                f"parametrize lists must have the same length, got {lengths}",
                format_key_path(key_path),
            )
        count = next(iter(lengths.values()))
        rows = [{name: values[i] for name, values in spec.items()} for i in range(count)]
        explicit_ids = [None] * count
    else:
        rows = [{k: v for k, v in row.items() if k != "id"} for row in spec]
        explicit_ids = [str(row["id"]) if "id" in row else None for row in spec]
    ids = [given or _readable_id(row) for given, row in zip(explicit_ids, rows, strict=True)]
    for index, (row_id, row) in enumerate(zip(_deduplicate(ids), rows, strict=True)):
        if not row:
            raise CaseFileError(
                document.location((*key_path, index)),
                "a parametrize row needs at least one value besides `id`",
                format_key_path((*key_path, index)),
            )
        yield row_id, row


def _readable_id(row: dict[str, Any]) -> str:
    parts = [re.sub(r"[^\w.@+-]+", "_", str(value)).strip("_") or "empty" for value in row.values()]
    text = "-".join(parts)
    return text if len(text) <= MAX_ID_LENGTH else text[: MAX_ID_LENGTH - 3] + "..."


def _deduplicate(ids: list[str]) -> list[str]:
    """Repeated ids get a number, one no other row has: ``x0, x, x`` -> ``x0, x1, x2`` (a plain
    counter would make the second ``x0`` too: two items with one node id and trajectory key)."""
    totals = Counter(ids)
    taken = {row_id for row_id in ids if totals[row_id] == 1}
    next_number: Counter[str] = Counter()
    unique: list[str] = []
    for row_id in ids:
        if totals[row_id] > 1:
            candidate = f"{row_id}{next_number[row_id]}"
            while candidate in taken:
                next_number[row_id] += 1
                candidate = f"{row_id}{next_number[row_id]}"
            next_number[row_id] += 1
            row_id = candidate
        taken.add(row_id)
        unique.append(row_id)
    return unique


CONDITIONAL_MARKS = ("skipif", "xfail")


def _mark(document: YamlDocument, spec: str | dict[str, Any], key_path: KeyPath) -> MarkSpec:
    if isinstance(spec, str):
        return MarkSpec(spec)
    name, value = next(iter(spec.items()))
    if value is None:
        return MarkSpec(name)
    if isinstance(value, dict):
        _check_condition(document, name, value, (*key_path, name))
        return MarkSpec(name, kwargs=dict(value))
    if name in ("skip", "xfail"):
        return MarkSpec(name, kwargs={"reason": value})
    if name == "skipif":
        _refuse_string_condition(document, name, (*key_path, name))
    return MarkSpec(name, args=(value,))


def _check_condition(
    document: YamlDocument, name: str, kwargs: dict[str, Any], key_path: KeyPath
) -> None:
    condition = kwargs.get("condition", False)
    if name in CONDITIONAL_MARKS and not isinstance(condition, bool):
        _refuse_string_condition(document, name, (*key_path, "condition"))


def _refuse_string_condition(document: YamlDocument, name: str, key_path: KeyPath) -> None:
    """pytest evaluates a string condition of skipif/xfail as Python (``eval``) when the test is
    set up; a case file is data and must never run code, so only true or false is accepted."""
    raise CaseFileError(
        document.location(key_path),
        f"the condition of `{name}` must be true or false: pytest would run a string condition "
        f"as Python, and case files are data; write `{name}: {{condition: true, reason: ...}}`, "
        "or select cases with tags and -m (a Python test can compute conditions)",
        format_key_path(key_path),
    )


def _steps(
    document: YamlDocument, raw_steps: list[Any], values: dict[str, Any], steps_path: KeyPath
) -> Iterator[Step]:
    occurrences: Counter[tuple[StepKind, str]] = Counter()
    values = dict(values)  # grows with the names earlier steps remember from the page
    for index, raw in enumerate(raw_steps):
        step_path = (*steps_path, index)
        options: dict[str, Any] = {}
        if isinstance(raw, str):
            kind, template = StepKind.ACTION, raw
        else:
            key = next(k for k in ("do", "expect", "judge") if k in raw)
            kind = {"do": StepKind.ACTION, "expect": StepKind.ASSERTION}.get(key, StepKind.JUDGE)
            template, options = raw[key], raw
            step_path = (*step_path, key)
        template = " ".join(template.split())  # one line, single spaces: stable trajectory keys
        if kind is StepKind.ASSERTION and step_path in document.quoted and '"' not in template:
            # `expect: "Welcome, Alice"`: YAML ate the quotes the author meant as "this text".
            template = f'"{template}"'
        kind, template = step_kind_and_template(kind, template)
        text = _render(document, template, values, step_path)
        yield Step(
            kind=kind,
            template=template,
            text=text,
            line=document.line_of(step_path),
            occurrence=occurrences[(kind, template)],
            timeout=float(options["timeout"]) if "timeout" in options else None,
            optional=bool(options.get("optional", False)),
        )
        occurrences[(kind, template)] += 1
        name = remembered_name(template)
        if name is not None:
            values[name] = kept(name)


def _render(document: YamlDocument, text: str, values: dict[str, Any], key_path: KeyPath) -> str:
    try:
        check_syntax(text)
        return render(text, values)
    except TemplateError as exc:
        raise CaseFileError(
            document.location(key_path), str(exc), format_key_path(key_path)
        ) from None


LABEL_KEYS = ("feature", "story", "epic", "severity", "owner")


def _labels(raw: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    labels: dict[str, tuple[str, ...]] = {}
    for key in LABEL_KEYS:
        value = raw.get(key)
        if value is not None:
            labels[key] = (value,) if isinstance(value, str) else tuple(value)
    return labels


def _link(spec: str | dict[str, str]) -> Link:
    if isinstance(spec, str):
        return Link(spec)
    return Link(spec["url"], spec.get("name", ""), spec.get("type", "link"))
