"""The recorded effect of a step: the durable part of what its actions changed, kept in its entry.

```json
"effect": {
  "url_path": "/dashboard.html",
  "appeared": [{"role": "heading", "name": "Welcome, Alice"}, {"role": "alert", "text": "Saved"}],
  "disappeared": [{"role": "button", "name": "Sign in"}],
  "values": [{"field": "get_by_role(\\"textbox\\", name=\\"Email\\")", "value": "{{ email }}"}],
  "dialog": "confirm",
  "new_tab": true
}
```

Elements are named by role and accessible name, or (live regions: alert, status, log, dialog,
whose accessible name is not their content) by role and the text they show. Every key is
optional, and an entry without ``effect`` (recorded before effects existed, or whose step changed
nothing durable) is replayed without an effect check. Durable means the same at every run: a name
with digits the step does not mention (a counter, a time, an id) is left out, as is progress text
("Loading…"), a query string, and a value the page did not keep. At most ``MAX_ELEMENTS`` elements
each way, the most telling first (dialogs and alerts, headings, landmarks, controls), so the
summary stays reviewable. Values from the case's placeholders are recorded as the placeholder,
secrets masked, like the actions' values.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from pytest_webagent.browser.effects import NamedElement, Observed, element_text
from pytest_webagent.cases.templating import PLACEHOLDER
from pytest_webagent.replay.trajectory import Action, concrete

Effect = dict[str, Any]
MAX_ELEMENTS = 3
MAX_NAME = 80
MIN_PLACEHOLDER_VALUE = 3  # shorter case values are too likely to occur in names by chance
IGNORED_ROLES = frozenset({"generic", "none", "presentation", "progressbar", "text"})
_RANK = {
    **dict.fromkeys(("dialog", "alertdialog", "alert", "status"), 0),
    "heading": 1,
    **dict.fromkeys(("main", "navigation", "region", "form", "table", "tabpanel", "menu"), 2),
    **dict.fromkeys(("button", "link", "textbox", "checkbox", "radio", "combobox", "tab"), 3),
}
_DIGITS = re.compile(r"\d+")
_PROGRESS = ("…", "...")


def summarize(
    observed: Observed,
    step_text: str,
    actions: list[Action],
    values: dict[str, str],
    mask: Any,
) -> Effect:
    """The effect to record for ``observed`` (``{}`` when nothing durable changed).

    ``actions`` are the step's actions as recorded (placeholders kept), ``values`` the case's
    placeholder values and ``mask`` puts secret placeholders back into text read from the page.
    """
    effect: Effect = {}
    before, after = urlparse(observed.url_before).path, urlparse(observed.url_after).path
    if after != before:
        effect["url_path"] = mask(after)
    general = _generaliser(values)
    for key, found in (("appeared", observed.appeared), ("disappeared", observed.disappeared)):
        kept = _durable(found, step_text, mask, general)
        if kept:
            effect[key] = kept
    kept_values = _kept_values(observed.values, actions, values, mask)
    if kept_values:
        effect["values"] = kept_values
    if observed.dialogs:
        effect["dialog"] = observed.dialogs[0]
    if observed.tabs:
        effect["new_tab"] = True
    return effect


def _durable(
    elements: list[NamedElement], step_text: str, mask: Any, general: Any
) -> list[dict[str, str]]:
    mentioned = set(_DIGITS.findall(step_text))
    chosen: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for role, name, named_by in elements:
        name = " ".join(name.split())
        if role in IGNORED_ROLES or not name or len(name) > MAX_NAME:
            continue
        if name.endswith(_PROGRESS) or not set(_DIGITS.findall(name)) <= mentioned:
            continue
        shown = general(mask(name))
        if (role, shown) not in seen:
            seen.add((role, shown))
            chosen.append({"role": role, named_by: shown})
    chosen.sort(key=lambda element: _RANK.get(element["role"], 4))  # stable: document order kept
    return chosen[:MAX_ELEMENTS]


def _generaliser(values: dict[str, str]) -> Any:
    """Text read from the page with the case's placeholder values put back as placeholders."""
    by_value = sorted(
        ((value, name) for name, value in values.items() if len(value) >= MIN_PLACEHOLDER_VALUE),
        key=lambda pair: -len(pair[0]),
    )

    def general(text: str) -> str:
        for value, name in by_value:
            text = text.replace(value, f"{{{{ {name} }}}}")
        return text

    return general


def _kept_values(
    found: dict[str, str], actions: list[Action], values: dict[str, str], mask: Any
) -> list[dict[str, str]]:
    """Fields whose value is still the one the step put in (a fill the page did not swallow)."""
    last: dict[str, Action] = {}
    for action in actions:
        if action["type"] in ("fill", "select") and "target" in action:
            last[action["target"]["code"]] = action
    kept: list[dict[str, str]] = []
    for code, action in last.items():
        if code not in found:
            continue
        now = mask(found[code])
        if now == concrete(action, values)["value"]:
            kept.append({"field": code, "value": action["value"]})
        elif action["type"] == "select" and now:
            kept.append({"field": code, "value": now})  # chosen by label: the option's value
    return kept


def with_values(effect: Effect, values: dict[str, str]) -> Effect:
    """``effect`` with the case's current values in place of its placeholders (not secrets)."""

    def substitute(text: str) -> str:
        return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)

    result = dict(effect)
    for key in ("appeared", "disappeared"):
        if key in effect:
            result[key] = [{k: substitute(v) if k != "role" else v for k, v in e.items()}
                           for e in effect[key]]  # fmt: skip
    if "values" in effect:
        result["values"] = [{**v, "value": substitute(v["value"])} for v in effect["values"]]
    return result


def describe(effect: Effect) -> list[str]:
    """The effect in words, one change a line, for reports and ``webagent show``."""
    lines: list[str] = []
    if "url_path" in effect:
        lines.append(f"the URL path becomes {effect['url_path']!r}")
    lines += [f"{element_text(e)} appears" for e in effect.get("appeared", ())]
    lines += [f"{element_text(e)} disappears" for e in effect.get("disappeared", ())]
    lines += [f"{v['field']} keeps the value {v['value']!r}" for v in effect.get("values", ())]
    if "dialog" in effect:
        lines.append(f"a {effect['dialog']} dialog opens")
    if effect.get("new_tab"):
        lines.append("a new tab opens")
    return lines
