"""Selector engines that let replay check things inside Playwright calls it makes anyway.

**Identity, inside the action: no round trip of its own.** An engine (``webagent_identity``) is
chained after the recorded selector (``internal:role=button[name="Sign in"s] >>
webagent_identity={...}``). Playwright runs it on the element the recorded selector matched,
every time it looks the element up (before acting and at each retry of its auto-waiting), in the
same round trip as the action. The engine keeps
the element when it is exactly the recorded one and *throws* otherwise, which fails the action at
once, before it acts; several matches fail at once too (Playwright's strict mode).

It is deliberately stricter than :func:`pytest_webagent.replay.comparison.compare`: any
difference, even one the comparison tolerates (an attribute that appeared), and any element whose
role or name it cannot guess, is handed to the full check (:func:`.identity.verify`), which
decides. So the engine changes how fast a replay is, never what it decides.

**A field's value, inside the effect wait** (``webagent_value``): keeps a field whose current
value (the property, not the attribute) is the given one, so that every recorded change of a step
is waited for as one locator (:mod:`pytest_webagent.browser.effect_wait`).
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Selectors

from pytest_webagent.replay.comparison import INFORMATIONAL, WHEN_RECORDED
from pytest_webagent.replay.signature import FIELD_HELPERS_JS, Signature

IDENTITY_ENGINE = "webagent_identity"
VALUE_ENGINE = "webagent_value"
REFUSED = "webagent: not the recorded element"  # what the engine throws: nothing was done

_IDENTITY_ENGINE_JS = (
    "(() => {"
    + FIELD_HELPERS_JS
    + f"const WHEN_RECORDED = {json.dumps(list(WHEN_RECORDED))};"
    + f"const INFORMATIONAL = {json.dumps(list(INFORMATIONAL))};"
    + f"const REFUSED = {json.dumps(REFUSED)};"
    + """
  const refuse = why => { throw new Error(REFUSED + " (" + why + ")"); };
  return {
    queryAll(root, body) {
      if (!root || root.nodeType !== 1) return [];
      const want = JSON.parse(body), recorded = want.signature, found = fields(root);
      const now = Object.assign({}, found, want.pinned
        ? {role: recorded.role, name: recorded.name}
        : {role: found.role_guess, name: found.name_guess});
      if (now.role === null || now.name === null) refuse("role or name not known in the page");
      for (const key of Object.keys(recorded)) {
        if (INFORMATIONAL.includes(key)) continue;
        if ((now[key] || "") !== recorded[key]) refuse(key);
      }
      for (const key of WHEN_RECORDED) {  // a field that appeared: tolerated, but not here
        if (!recorded[key] && now[key]) refuse(key);
      }
      return [root];
    }
  };
})()"""
)

_VALUE_ENGINE_JS = """{
  queryAll(root, body) {
    return root && root.nodeType === 1 && "value" in root && root.value === JSON.parse(body)
      ? [root] : [];
  }
}"""

_registered: set[int] = set()  # id() of the Selectors the engine is registered with


def register(selectors: Selectors) -> None:
    """Make the engines known to every browser context of a Playwright instance (once).

    Playwright registers them with the contexts that exist already and every later one. They run
    as content scripts: the page's own scripts cannot change what they see.
    """
    if id(selectors) in _registered:
        return
    for name, script in ((IDENTITY_ENGINE, _IDENTITY_ENGINE_JS), (VALUE_ENGINE, _VALUE_ENGINE_JS)):
        try:
            selectors.register(name, script, content_script=True)
        except PlaywrightError as error:
            if "already registered" not in str(error):
                raise
    _registered.add(id(selectors))


def narrowing(signature: Signature, pinned: bool) -> str:
    """The selector part that keeps only the recorded element, to chain after its selector;
    ``pinned``: the selector itself holds the recorded role and exact name, not guessed here."""
    body: dict[str, Any] = {"signature": signature, "pinned": pinned}
    return f" >> {IDENTITY_ENGINE}={json.dumps(body, ensure_ascii=False)}"


def holding(value: str) -> str:
    """The selector part that keeps a field only while its value is ``value``."""
    return f" >> {VALUE_ENGINE}={json.dumps(value, ensure_ascii=False)}"


def refused(error: BaseException) -> bool:
    """Whether an action failed before acting because its element is not (only) the recorded
    one: the engine refused it, or the recorded selector matched several elements."""
    text = str(error)
    return REFUSED in text or "strict mode violation" in text


def unknown(error: BaseException) -> bool:
    """Whether an engine is not registered in this browser context (a runner used outside the
    plugin, whose Playwright instance the engines were never given)."""
    return 'Unknown engine "webagent_' in str(error)
