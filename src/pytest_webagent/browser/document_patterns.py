"""Request patterns that pause every document request *except* those to some origins.

CDP's ``Fetch.enable`` pauses the requests that match any of its patterns, and a pattern knows
only ``*`` (any run of characters) and ``?`` (one character): it cannot say "every origin but
these". Pausing every document request costs a round trip through Python per navigation, the
request waiting meanwhile. But "does not start with ``http://127.0.0.1:8000/``" is the union of
"differs from that prefix at position *i*", and each of those is a finite list of prefixes
followed by ``*``: the prefix's first *i* characters, then any other character. URLs in the
network stack are canonical (GURL): every character is printable ASCII, spaces and anything else
percent-escaped, hosts lower-case and punycode, default ports dropped, ``//`` after ``http:``. So
the alphabet is ``!`` to ``~`` and the patterns are exact: a URL is left alone only when it starts
with one of the prefixes, that is when its origin is one of them (the authority ends at the first
``/``). Everything else is paused and judged in Python as before.

About 90 patterns per character of the prefixes (2,000 for ``http://127.0.0.1:8000/``): Chromium
takes them in about 20 ms, once per browser and set of origins, and they cost nothing per request
beyond what enabling ``Fetch`` costs anyway (measured: benchmarks/README.md, navigation_guard).
"""

from __future__ import annotations

from collections.abc import Iterable

# Every character a canonical URL can hold (GURL escapes the rest).
URL_ALPHABET = tuple(chr(code) for code in range(0x21, 0x7F))
WILDCARDS = "*?\\"  # escaped with a backslash in a pattern
DOCUMENT = {"resourceType": "Document", "requestStage": "Request"}
EVERY_DOCUMENT = [{"urlPattern": "*", **DOCUMENT}]


def document_patterns_outside(origins: Iterable[str]) -> list[dict[str, str]]:
    """``Fetch.enable`` patterns that match every document URL whose origin is not one of
    ``origins`` (``scheme://host[:port]`` as ``origins.origin_of`` spells them)."""
    prefixes = {f"{origin}/" for origin in origins}
    if not prefixes:
        return list(EVERY_DOCUMENT)
    # The characters that continue some prefix after each shorter prefix (a trie, flattened).
    continuations: dict[str, set[str]] = {}
    for prefix in prefixes:
        for length in range(len(prefix)):
            continuations.setdefault(prefix[:length], set()).add(prefix[length])
    patterns = []
    for start, allowed_next in sorted(continuations.items()):
        # (No start is a whole prefix: an origin holds no "/" after its "//".)
        # The start itself, ending there (no canonical URL does; nothing is left to chance).
        patterns.append({"urlPattern": _escaped(start), **DOCUMENT})
        for character in URL_ALPHABET:
            if character not in allowed_next:
                patterns.append({"urlPattern": f"{_escaped(start + character)}*", **DOCUMENT})
    return patterns


def _escaped(text: str) -> str:
    return "".join(f"\\{character}" if character in WILDCARDS else character for character in text)
