"""Names as people write them vs names as pages show them: matched after the same folding.

``Password:``, ``Title*``, ``Email (required)``, ``Yes, I\u2019m sure`` (typographic apostrophe),
a non-breaking space, another case: all name the field or button the author quoted. Both sides are
folded the same way for matching only; a recorded value is never changed. Matching uses a regular
expression Playwright's locators accept (``name=re.compile(..., re.IGNORECASE)``), so the
recorded locator keeps the same tolerance on replay.
"""

from __future__ import annotations

import re
import unicodedata

# Decoration around a label that is no part of its name.
_DECORATION = r"(?:\s*(?:[:*]|\((?:required|optional)\)|\u2217))*"
_QUOTE_CLASSES = {
    "'": "['\u2018\u2019\u02bc]", "\u2018": "['\u2018\u2019\u02bc]",
    "\u2019": "['\u2018\u2019\u02bc]", '"': '["\u201c\u201d]', "\u201c": '["\u201c\u201d]',
    "\u201d": '["\u201c\u201d]', "-": "[-\u2010\u2011\u2012\u2013\u2014]",
}  # fmt: skip
# What an icon-only close button shows, and the name it usually has (aria-label, title).
ICON_NAMES = {"x": "Close", "\u00d7": "Close", "\u2715": "Close", "\u2716": "Close",
              "\u2573": "Close"}  # fmt: skip


def fold(text: str) -> str:
    """Case, spacing, quotes and decoration folded away: for comparing names, never for values."""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    for typographic, plain in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(typographic, plain)
    text = re.sub(rf"{_DECORATION}\s*$", "", " ".join(text.split()))
    return text.casefold()


def bare_name(name: str) -> str:
    """The quoted name without the decoration an author may have copied (``Password:``)."""
    stripped = re.sub(rf"{_DECORATION}\s*$", "", " ".join(name.split()), flags=re.IGNORECASE)
    return stripped or name


def name_pattern(name: str, *, whole: bool = True) -> str:
    """A regular expression (for ``re.IGNORECASE``) matching ``name`` as pages decorate it."""
    parts = []
    for char in bare_name(name):
        if char.isspace():
            parts.append(r"\s+")
        else:
            parts.append(_QUOTE_CLASSES.get(char, re.escape(char)))
    body = "".join(parts).replace(r"\s+\s+", r"\s+")
    return rf"^\s*{body}{_DECORATION}\s*$" if whole else body
