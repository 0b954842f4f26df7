"""The JSON Schemas shipped with the package, and cached validators for them.

The schema files are the single definition of each format: editors use them through
``# yaml-language-server: $schema=...``, and the code validates against the same files.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is imported on first use: it is a tenth of the plugin's import time
    from jsonschema import Draft202012Validator
    from referencing import Registry

SCHEMA_FILES = (
    "case.schema.json",
    "action.schema.json",
    "planner-answer.schema.json",
    "trajectory.schema.json",
)


@cache
def load_schema(filename: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _registry() -> Registry[Any]:
    from referencing import Registry, Resource

    resources_by_uri: list[tuple[str, Resource[Any]]] = []
    for filename in SCHEMA_FILES:
        schema = load_schema(filename)
        resource: Resource[Any] = Resource.from_contents(schema)
        resources_by_uri.append((schema["$id"], resource))
        resources_by_uri.append((filename, resource))
    return Registry().with_resources(resources_by_uri)


def validator_for(filename: str, definition: str | None = None) -> Draft202012Validator:
    """A validator for a whole schema file, or for one of its ``$defs``."""
    from jsonschema import Draft202012Validator

    schema = load_schema(filename)
    if definition is not None:
        schema = {"$ref": f"{schema['$id']}#/$defs/{definition}"}
    return Draft202012Validator(schema, registry=_registry())


@cache
def case_validator() -> Draft202012Validator:
    return validator_for("case.schema.json")


@cache
def grounded_action_validator() -> Draft202012Validator:
    return validator_for("action.schema.json", "grounded_action")


@cache
def planner_answer_validator() -> Draft202012Validator:
    return validator_for("planner-answer.schema.json")


@cache
def trajectory_validator() -> Draft202012Validator:
    return validator_for("trajectory.schema.json")
