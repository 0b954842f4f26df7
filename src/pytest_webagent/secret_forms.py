"""Every form a secret value can take in text, as one regular expression per value.

A value typed into a page comes back changed: a field strips a trailing newline, an accessible name
collapses blanks, a browser percent-encodes a URL (``%20``, ``+``, ``%7E``, in either case of hex,
only the characters it must), a failure quotes it as ``repr`` (``\\'``), as JSON (``\\"``,
``\\u00e9``), as HTML (``&amp;``) or inside ``re.compile('a\\\\-b')``. Rather than list whole
encoded strings (an encoder that spares one more character would escape the list), each character
of a value matches any of its encodings, so every mixture of them is found.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable

# Below this length a normalised form (stripped, blanks collapsed) is not masked on its own: a
# secret "\n" must not turn every "n" of a report into a placeholder.
MIN_DERIVED_LENGTH = 3


def base_forms(value: str) -> list[str]:
    """``value`` and what pages and browsers make of it before any encoding."""
    forms = [value]
    derived = [
        value.strip(),
        value.replace("\r", "").replace("\n", ""),  # what a one-line field keeps
        " ".join(value.split()),  # accessible names and inner text collapse blanks
    ]
    for form in [value, *derived]:
        derived += [unicodedata.normalize("NFC", form), unicodedata.normalize("NFKC", form)]
    for form in derived:
        if form not in forms and len(form) >= min(MIN_DERIVED_LENGTH, len(value)):
            forms.append(form)
    return [form for form in forms if form]


def _encodings(char: str) -> set[str]:
    """The ways one character is written in URLs, JSON, repr, regular expressions and HTML."""
    utf8 = char.encode("utf-8")
    percent = "".join(f"%{byte:02X}" for byte in utf8)
    found = {char, percent, percent.lower(), json.dumps(char)[1:-1], repr(char)[1:-1],
             char.encode("unicode_escape").decode("ascii"), html.escape(char),
             f"&#{ord(char)};", f"&#x{ord(char):x};"}  # fmt: skip
    escaped = re.escape(char)
    found |= {escaped, repr(escaped)[1:-1], json.dumps(escaped)[1:-1]}
    if not char.isalnum():
        found |= {"\\" + char, "\\\\" + char}  # an escape a regex did not need, then repr'd
    if char == " ":
        found |= {"+", "\\ ", "&nbsp;", "\xa0"}
    if char == "/":
        found.add("\\/")  # JSON may escape it
    # A percent-encoded character whose own "%" was encoded once more (a redirect's ?to=).
    found.add(percent.replace("%", "%25"))
    return found


def form_pattern(form: str) -> str:
    """A regular expression matching ``form`` with each character in any of its encodings."""
    parts = []
    for char in form:
        choices = sorted(_encodings(char), key=lambda text: (-len(text), text))
        parts.append("(?:" + "|".join(re.escape(choice) for choice in choices) + ")")
    return "".join(parts)


def first_characters(forms: Iterable[str]) -> str:
    """A character class of every character an encoded form of ``forms`` can start with."""
    starts = {encoded[0] for form in forms for encoded in _encodings(form[0])}
    return "[" + "".join(re.escape(char) for char in sorted(starts)) + "]"
