"""Fields whose label is beside them rather than tied to them.

``<p><label>Password</label><input type="password"></p>``, a ``<th>`` or ``<td>`` caption, text
before the input in the same row, a fieldset legend, a label after the input: Playwright's
``get_by_label`` finds none of these. The page script (``NEAR_LABEL_JS``) pairs each matching label
with the one field of its smallest container; the field is then recorded with a locator that
says the same in Playwright terms, checked to find exactly that field:
``locator("p").filter(has_text=re.compile("^...Password...$", re.IGNORECASE))``
``.locator("input[type=\\"password\\"]")``.
"""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator

from pytest_webagent.resolve.locating import Found, Scoped, field_css, finds_marked, literal
from pytest_webagent.resolve.locating import regex_code as _regex_code
from pytest_webagent.resolve.normalise import name_pattern
from pytest_webagent.resolve.page_scripts import NEAR_LABEL_JS

FIELDS_BY_USAGE = {
    "input": "input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit])"
    ":not([type=button]):not([type=reset]):not([type=image]):not([type=file]), textarea",
    "select": "select",
    "toggle": "input[type=checkbox], input[type=radio]",
}


def near_label(scoped: Scoped, name: str, usage: str) -> list[Found]:
    """The fields labelled ``name`` by nearby text: exact (folded) first, then containing it."""
    fields = FIELDS_BY_USAGE.get(usage)
    if fields is None:
        return []
    whole = name_pattern(name)
    part = name_pattern(name, whole=False)
    # The whole text of the label, else a short text that holds the name as words ("Movie Genre"
    # for "Genre"), never a sentence.
    for pattern in (whole, rf"^[^.!?]{{0,30}}\b{part}\b[^.!?]{{0,30}}$"):
        found = _paired(scoped, pattern, fields)
        if found:
            return found
    return []


def _paired(scoped: Scoped, pattern: str, fields: str) -> list[Found]:
    token = secrets.token_hex(4)
    root = scoped.root if isinstance(scoped.root, Locator) else scoped.root.locator("body")
    try:
        pairs = root.first.evaluate(NEAR_LABEL_JS, {"pattern": pattern, "fields": fields,
                                                     "token": token})  # fmt: skip
    except PlaywrightError:
        return []
    found = []
    for index, pair in enumerate(pairs):
        css = field_css(pair["tag"], pair["type"])
        box = pair["box"]
        regex = re.compile(pattern, re.IGNORECASE)
        locator = scoped.root.locator(box).filter(has_text=regex).locator(css)
        code = scoped.join(
            f"locator({literal(box)}).filter(has_text={_regex_code(pattern)})"
            f".locator({literal(css)})"
        )
        if not finds_marked(locator, f"{token}:{index}"):
            continue  # no locator says it as plainly: leave it to the other strategies
        found.append(Found(locator, code))
    return found
