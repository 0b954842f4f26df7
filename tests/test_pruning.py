"""Tests of snapshot pruning on realistic Playwright AI-mode snapshot text.

``SIGN_IN`` is verbatim ``page.aria_snapshot(mode="ai")`` output of Playwright 1.65 (Chromium)
for a small form page; the large snapshots are built line by line in the same format (a
catalogue table, a docs sidebar, an inbox), with the quoting rules Playwright applies (names
containing ``: `` make the whole entry a single-quoted YAML scalar).
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import yaml

from pytest_webagent.resolve.planning.pruning import (
    LONG_RUN,
    RUN_HEAD,
    PrunedSnapshot,
    estimate_tokens,
    prune_snapshot,
)

SIGN_IN = """\
- generic [ref=e1]:
  - navigation [ref=e2]:
    - list [ref=e3]:
      - listitem [ref=e4]:
        - link "Home" [ref=e5] [cursor=pointer]:
          - /url: /a?x=1
      - listitem [ref=e6]:
        - link "Docs & API" [ref=e7] [cursor=pointer]:
          - /url: /b
  - main [ref=e10]:
    - heading "Sign in" [level=1] [ref=e11]
    - paragraph [ref=e12]:
      - text: Some bold prose with a
      - link "link" [ref=e13] [cursor=pointer]:
        - /url: /x
      - text: inside. More text here.
    - generic [ref=e14]:
      - text: Email
      - textbox "Email" [active] [ref=e15]:
        - /placeholder: you@x
    - checkbox "Remember me" [checked] [ref=e16]
    - text: Remember me
    - generic [ref=e17]:
      - text: Plan
      - combobox "Plan" [ref=e18]:
        - option "One"
        - option "Two" [selected]
    - radio "R1" [ref=e22]
    - searchbox "Find" [ref=e23]
    - slider "Vol" [ref=e24]: "50"
    - spinbutton "Qty" [ref=e25]: "3"
    - button "Sign in" [ref=e27]
    - tablist [ref=e29]:
      - tab "Tab A" [selected] [ref=e30]
      - tab "Tab B" [ref=e31]
    - switch "Dark" [ref=e33]
    - menu [ref=e34]:
      - menuitem "Cut" [ref=e35]
      - 'menuitem "Copy: \\"x\\"" [ref=e36]'
    - iframe [ref=e61]:
      - generic [ref=f1e1]:
        - button "Inner" [ref=f1e2]
        - paragraph [ref=f1e3]: inside frame
    - paragraph [ref=e64]: "Line with \\"quotes\\" and: colon, 'single', [brackets]"
""".rstrip("\n")

_WORDS: tuple[str, ...] = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")
_WORDS += ("golf", "hotel", "india", "juliet", "kilo", "lima")
_PROSE = (
    "The runner resolves each step against the current page before it acts.",
    "A stale locator never clicks the wrong element, because every target is found again.",
    "Timeouts, retries and the browser channel are read from the configuration file.",
    "In continuous integration, network access is restricted and requests are recorded.",
    "Replays use the same fixtures and environment variables as the original run.",
)


class _Refs:
    def __init__(self) -> None:
        self._next = itertools.count(1)

    def __call__(self) -> str:
        return f"[ref=e{next(self._next)}]"


def _banner(ref: _Refs) -> list[str]:
    lines = [f"- generic [active] {ref()}:", f"  - banner {ref()}:"]
    lines.append(f'    - navigation "Main" {ref()}:')
    lines.append(f"      - list {ref()}:")
    for name in ("Dashboard", "Products", "Orders", "Customers", "Reports"):
        lines.append(f"        - listitem {ref()}:")
        lines.append(f'          - link "{name}" {ref()} [cursor=pointer]:')
        lines.append(f"            - /url: /{name.lower()}")
    lines.append(f"    - search {ref()}:")
    lines.append(f'      - searchbox "Search" {ref()}')
    lines.append(f'      - button "Go" {ref()}')
    return lines


def catalogue(rows: int = 2000, labelled: bool = True) -> str:
    """A product table: per row a checkbox, SKU cell, product link, price and a Delete button
    (named "Delete SKU-…" when ``labelled``, else just "Delete")."""
    ref = _Refs()
    lines = _banner(ref)
    lines += [
        f"  - main {ref()}:",
        f'    - heading "Products" [level=1] {ref()}',
        f"    - paragraph {ref()}: {rows} products in 8 categories.",
        f'    - button "Export CSV" {ref()}',
        f'    - table "Products" {ref()}:',
        f"      - rowgroup {ref()}:",
        f"        - row {ref()}:",
        f'          - columnheader "SKU" {ref()}',
        f'          - columnheader "Name" {ref()}',
        f'          - columnheader "Actions" {ref()}',
        f"      - rowgroup {ref()}:",
    ]
    for i in range(1, rows + 1):
        sku = f"SKU-{i:05d}"
        name = f"{_WORDS[i % 12].capitalize()} {_WORDS[(i * 7) % 12]} {100 + i % 900}"
        lines += [
            f"        - row {ref()}:",
            f"          - cell {ref()}:",
            f'            - checkbox "Select {sku}" {ref()}',
            f'          - cell "{sku}" {ref()}',
            f"          - cell {ref()}:",
            f'            - link "{name}" {ref()} [cursor=pointer]:',
            f"              - /url: /products/{sku.lower()}",
            f'          - cell "${5 + i % 400}.{i % 100:02d}" {ref()}',
            f"          - cell {ref()}:",
            f'            - button "Delete {sku}" {ref()}: Delete'
            if labelled
            else f'            - button "Delete" {ref()}',
        ]
    lines += [f"  - contentinfo {ref()}:", f"    - paragraph {ref()}: © Shopdesk"]
    return "\n".join(lines)


def docs(links_per_topic: int = 40, paragraphs: int = 300) -> str:
    """A docs page: a sidebar of topics with long link lists (quoted entries, since the names
    hold ": "), a long article, and an "Edit this page" link."""
    ref = _Refs()
    lines = _banner(ref)
    lines += [f"  - complementary {ref()}:", f'    - navigation "Docs" {ref()}:']
    lines.append(f"      - list {ref()}:")
    for topic in ("Getting started", "Configuration", "Fixtures", "Debugging", "Recipes"):
        lines += [
            f"        - listitem {ref()}:",
            f"          - group {ref()}:",
            f'            - generic "{topic}" {ref()}',
            f"            - list {ref()}:",
        ]
        for k in range(1, links_per_topic + 1):
            title = f"{topic}: {_WORDS[k % 12]} {k}"
            slug = title.lower().replace(": ", "/").replace(" ", "-")
            lines += [
                f"              - listitem {ref()}:",
                f"                - 'link \"{title}\" {ref()} [cursor=pointer]':",
                f"                  - /url: /docs/{slug}",
            ]
    lines += [f"  - main {ref()}:", f"    - article {ref()}:"]
    lines.append(f'      - heading "Configuring proxies" [level=1] {ref()}')
    for p in range(paragraphs):
        prose = " ".join(_PROSE[(p + k) % len(_PROSE)] for k in range(3))
        lines.append(f"      - paragraph {ref()}: Fixtures, part {p}. {prose}")
    lines += [
        f'    - link "Edit this page" {ref()} [cursor=pointer]:',
        "      - /url: /edit/proxies",
    ]
    return "\n".join(lines)


def inbox(messages: int = 500) -> str:
    """A message list: per message a checkbox, a star button, an unnamed link holding the
    sender and subject, a time."""
    ref = _Refs()
    lines = _banner(ref)
    lines += [
        f"  - main {ref()}:",
        f'    - button "Compose" {ref()}',
        f'    - list "Messages" {ref()}:',
    ]
    for i in range(messages):
        sender = f"{_WORDS[i % 12].capitalize()} {_WORDS[(i // 12) % 12].capitalize()}son"
        subject = f"Invoice #{10000 + i}" if i % 3 else "Re: offsite agenda"
        lines += [
            f"      - listitem {ref()}:",
            f"        - 'checkbox \"Select message from {sender}: {subject}\" {ref()}'",
            f'        - button "Star" {ref()}: ☆',
            f"        - link {ref()} [cursor=pointer]:",
            f"          - /url: /mail/m/{i}",
            f"          - strong {ref()}: {sender}",
            f'          - text: "{subject} Please find the details attached."',
            f"        - time {ref()}: {1 + i % 28} Sep",
        ]
    return "\n".join(lines)


# -- checking a result ----------------------------------------------------------------------

_MARKER = re.compile(r"^( *)- … (\d+) more (?:(\S+) )?elements? \(omitted\)$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _role(line: str) -> str:
    body = line.strip()[2:].lstrip("'\"")
    return body.partition(" ")[0].rstrip(":")


def _is_element(line: str) -> bool:
    """Not a ``text:``, ``/url:`` or other property line (those leave no omission marker)."""
    role = _role(line)
    return role != "text" and not role.startswith("/")


def _parents(lines: list[str]) -> list[int]:
    parents: list[int] = []
    stack: list[int] = []
    for i, line in enumerate(lines):
        while stack and _indent(lines[stack[-1]]) >= _indent(line):
            stack.pop()
        parents.append(stack[-1] if stack else -1)
        stack.append(i)
    return parents


@dataclass
class _Checked:
    """A pruned snapshot mapped back onto its original."""

    kept: list[int]  # Original line indexes of the kept lines, in order.
    markers: list[tuple[int, int, str | None]]  # (original parent, count, role)


def check_pruned(original: str, result: PrunedSnapshot) -> _Checked:
    """Assert that ``result`` is a well-formed pruning of ``original`` and map it back.

    Every line is an original line, verbatim and in the original order, or an omission marker;
    every kept line's parent in the result is its original parent; for every kept entry, its
    kept child elements plus its markers' counts add up to its original child elements.
    """
    source = original.split("\n")
    source_parent = _parents(source)
    out = result.text.split("\n")
    out_parent = _parents(out)
    kept: list[int] = []
    origin: list[int] = []  # Original index of each output line (-1 for markers).
    markers: list[tuple[int, int, str | None]] = []
    position = 0
    for k, line in enumerate(out):
        match = _MARKER.match(line)
        parent = origin[out_parent[k]] if out_parent[k] >= 0 else -1
        if match:
            assert out_parent[k] < 0 or origin[out_parent[k]] >= 0, "marker under a marker"
            markers.append((parent, int(match.group(2)), match.group(3)))
            origin.append(-1)
            continue
        while position < len(source) and source[position] != line:
            position += 1
        assert position < len(source), f"not an original line (or out of order): {line!r}"
        assert source_parent[position] == parent, f"wrong parent for {line!r}"
        kept.append(position)
        origin.append(position)
        position += 1
    for k, line in enumerate(out):
        assert _indent(line) % 2 == 0 and line.lstrip(" ").startswith("- ")
        if k:
            assert _indent(line) <= _indent(out[k - 1]) + 2
    kept_set = set(kept)
    children: dict[int, int] = {}
    for i, parent in enumerate(source_parent):
        if _is_element(source[i]):
            children[parent] = children.get(parent, 0) + 1
    shown: dict[int, int] = {}
    for i in kept:
        if _is_element(source[i]):
            shown[source_parent[i]] = shown.get(source_parent[i], 0) + 1
    for parent, count, _ in markers:
        shown[parent] = shown.get(parent, 0) + count
    for parent in [-1, *kept_set]:
        assert shown.get(parent, 0) == children.get(parent, 0), (
            f"children of {source[parent] if parent >= 0 else 'the top level'!r} do not add up"
        )
    yaml.load(result.text, Loader=yaml.BaseLoader)  # Still a YAML document.
    return _Checked(kept, markers)


def _ref_line(snapshot: str, needle: str) -> str:
    (line,) = [line for line in snapshot.split("\n") if needle in line]
    return line


def _ref(line: str) -> str:
    return line.partition("[ref=")[2].partition("]")[0]


# -- tests -----------------------------------------------------------------------------------


def test_snapshot_under_budget_is_returned_unchanged() -> None:
    result = prune_snapshot(SIGN_IN, 'Click "Sign in"', budget_tokens=10_000)

    assert result.text == SIGN_IN
    assert result.pruned is False
    assert result.tokens == result.original_tokens == estimate_tokens(SIGN_IN)
    assert result.kept_refs == frozenset(re.findall(r"\[ref=([^\]]+)\]", SIGN_IN))
    assert {"e1", "e36", "f1e2"} <= result.kept_refs


def test_budget_equal_to_the_count_is_not_pruned() -> None:
    tokens = estimate_tokens(SIGN_IN)

    assert prune_snapshot(SIGN_IN, "x", tokens).pruned is False
    assert prune_snapshot(SIGN_IN, "x", tokens - 1).pruned is True


def test_target_deep_in_a_big_table_survives_with_its_row() -> None:
    snapshot = catalogue(2000)
    target = _ref_line(snapshot, 'button "Delete SKU-01742"')

    result = prune_snapshot(snapshot, 'Click "Delete" for SKU-01742', 6000)

    assert result.pruned
    assert result.original_tokens > 30 * 6000
    assert result.tokens <= 6000
    assert target in result.text.split("\n")
    assert _ref(target) in result.kept_refs
    # Its record comes along: the SKU cell and the row's checkbox, with their own refs.
    assert _ref(_ref_line(snapshot, 'cell "SKU-01742"')) in result.kept_refs
    assert _ref(_ref_line(snapshot, 'checkbox "Select SKU-01742"')) in result.kept_refs
    # Most of the 2,000 other Delete buttons are gone.
    assert result.text.count('button "Delete SKU-') < 200
    check_pruned(snapshot, result)


def test_target_named_only_by_its_row_survives() -> None:
    # Every button is just "Delete": only the SKU cell of its row tells them apart.
    snapshot = catalogue(2000, labelled=False)
    lines = snapshot.split("\n")
    cell = lines.index(_ref_line(snapshot, 'cell "SKU-01742"'))
    target = next(line for line in lines[cell:] if 'button "Delete"' in line)

    result = prune_snapshot(snapshot, 'Click "Delete" in the row of SKU-01742', 3000)

    assert _ref(target) in result.kept_refs
    assert result.tokens <= 3000
    checked = check_pruned(snapshot, result)
    assert lines.index(target) in checked.kept


def test_ancestors_are_kept_and_indentation_stays_valid() -> None:
    snapshot = docs()
    lines = snapshot.split("\n")
    target = _ref_line(snapshot, "Debugging: hotel 31")

    result = prune_snapshot(snapshot, 'Open "Debugging: hotel 31" in the sidebar', 2000)

    checked = check_pruned(snapshot, result)
    parents = _parents(lines)
    chain = [lines.index(target)]
    while parents[chain[-1]] >= 0:
        chain.append(parents[chain[-1]])
    assert set(chain) <= set(checked.kept)
    assert [_role(lines[i]) for i in reversed(chain)] == [
        "generic",
        "complementary",
        "navigation",
        "list",
        "listitem",
        "group",
        "list",
        "listitem",
        "link",
    ]
    out = result.text.split("\n")
    # The group keeps its name line ("Debugging") too: context for the model.
    group = out.index(lines[chain[3]])
    assert (
        out[group + 1]
        == '            - generic "Debugging" [ref=' + _ref(lines[chain[3] + 1]) + "]"
    )
    # Each kept line sits exactly two spaces under its kept parent.
    for child, parent in itertools.pairwise(chain):
        assert _indent(lines[child]) == _indent(lines[parent]) + 2


def test_long_list_is_collapsed_into_its_head_and_a_count() -> None:
    snapshot = inbox(500)
    lines = snapshot.split("\n")

    result = prune_snapshot(snapshot, 'Click "Compose"', 1500)

    checked = check_pruned(snapshot, result)
    messages = lines.index(_ref_line(snapshot, 'list "Messages"'))
    items = [i for i in checked.kept if _indent(lines[i]) == 6 and i > messages]
    counted = [count for parent, count, _ in checked.markers if parent == messages]
    assert len(items) >= RUN_HEAD
    # The kept messages are the first ones, then one marker counts all the others.
    first = [i for i, line in enumerate(lines) if line.startswith("      - listitem")]
    assert items == first[: len(items)]
    assert counted == [500 - len(items)]
    assert f"      - … {500 - len(items)} more listitem elements (omitted)" in result.text


def test_matching_siblings_in_a_long_run_are_never_collapsed() -> None:
    snapshot = inbox(500)
    lines = snapshot.split("\n")
    wanted = [lines.index(_ref_line(snapshot, f'Invoice #{10000 + n}"')) for n in (137, 290, 431)]

    result = prune_snapshot(
        snapshot, "Tick the messages about Invoice #10137, #10290 and #10431", 1200
    )

    checked = check_pruned(snapshot, result)
    assert set(wanted) <= set(checked.kept)
    assert result.tokens <= 1200
    # Between and around them, the other messages are counted, not shown.
    counts = [count for _, count, role in checked.markers if role == "listitem"]
    assert sum(counts) > 450


@pytest.mark.parametrize("budget", [300, 800, 2000, 6000, 20_000])
@pytest.mark.parametrize(
    ("builder", "step"),
    [
        (catalogue, 'Click "Delete" for SKU-01742'),
        (docs, 'Go to "Fixtures: lima 11"'),
        (inbox, 'Open the email from Alpha Bravoson about "Re: offsite agenda"'),
    ],
)
def test_budget_is_respected(builder: Callable[[], str], step: str, budget: int) -> None:
    snapshot = builder()

    result = prune_snapshot(snapshot, step, budget)

    assert result.pruned
    assert result.tokens == estimate_tokens(result.text)
    assert result.tokens <= budget
    assert result.original_tokens == estimate_tokens(snapshot)
    check_pruned(snapshot, result)


def test_must_keep_target_is_returned_even_over_budget() -> None:
    snapshot = catalogue(300)
    target = _ref_line(snapshot, 'button "Delete SKU-00123"')

    result = prune_snapshot(snapshot, 'Click "Delete" for SKU-00123', 20)

    checked = check_pruned(snapshot, result)
    lines = snapshot.split("\n")
    parents = _parents(lines)
    chain = []
    i = lines.index(target)
    while i >= 0:
        chain.append(i)
        i = parents[i]
    # Exactly the target and its ancestors, the rest summarised by markers.
    assert checked.kept == sorted(chain)
    assert result.tokens > 20
    assert result.pruned
    assert result.tokens == estimate_tokens(result.text)
    assert _ref(target) in result.kept_refs


def test_without_any_match_the_page_outline_is_kept() -> None:
    snapshot = catalogue(500)

    result = prune_snapshot(snapshot, "Do something about zyxwvut", 1000)

    check_pruned(snapshot, result)
    assert result.tokens <= 1000
    assert 'button "Export CSV"' in result.text
    assert 'searchbox "Search"' in result.text


def test_refs_and_lines_are_never_altered() -> None:
    snapshot = docs()
    original_lines = set(snapshot.split("\n"))
    original_refs = set(re.findall(r"\[ref=([^\]]+)\]", snapshot))

    result = prune_snapshot(snapshot, 'Go to "Getting started: kilo 10"', 2500)

    kept_lines = [line for line in result.text.split("\n") if not _MARKER.match(line)]
    assert kept_lines and all(line in original_lines for line in kept_lines)
    assert result.kept_refs == set(re.findall(r"\[ref=([^\]]+)\]", result.text))
    assert result.kept_refs <= original_refs
    # The quoted entry (a name with ": ") is kept whole, quotes included.
    assert '- \'link "Getting started: kilo 10" [ref=' in result.text


def test_output_is_deterministic() -> None:
    snapshot = inbox(400)
    step = 'Tick the checkbox of the message from Alpha Bravoson about "Re: offsite agenda"'

    first = prune_snapshot(snapshot, step, 1500)
    second = prune_snapshot(snapshot, step, 1500)

    assert first == second
    assert prune_snapshot(SIGN_IN, "Click Cut", 60) == prune_snapshot(SIGN_IN, "Click Cut", 60)


def settings_page() -> str:
    """Ten settings sections, each with two links (with long URLs), a button and two
    sentences of static text."""
    ref = _Refs()
    lines = [f"- main {ref()}:", f'  - heading "Account settings" [level=1] {ref()}']
    sections = "Profile Security Billing Notifications Privacy Devices Sessions Apps Data Teams"
    for k, section in enumerate(sections.split()):
        slug = section.lower()
        lines += [
            f'  - {("region", "group")[k % 2]} "{section}" {ref()}:',
            f"    - text: {_PROSE[k % 5]} {_PROSE[(k + 1) % 5]}",
            f'    - link "Open {section} settings" {ref()} [cursor=pointer]:',
            f"      - /url: https://accounts.example.com/settings/{slug}?tab=overview&from=%2Fhome",
            f'    - link "{section} help" {ref()} [cursor=pointer]:',
            f"      - /url: https://help.example.com/articles/{slug}-settings-explained#top",
            f'    - button "Reset {section}" {ref()}',
            f"    - text: {_PROSE[(k + 2) % 5]} {_PROSE[(k + 3) % 5]}",
        ]
    return "\n".join(lines)


def test_url_lines_and_static_text_go_before_interactive_elements() -> None:
    snapshot = settings_page()
    lines = snapshot.split("\n")
    interactive = {_ref(line) for line in lines if "link" in line or "button" in line}
    without = "\n".join(line for line in lines if "/url:" not in line and "- text:" not in line)
    budget = estimate_tokens(without) + 60  # Room for omission markers, not for all the text.

    result = prune_snapshot(snapshot, 'Click "Reset Privacy"', budget)

    check_pruned(snapshot, result)
    assert result.tokens <= budget < estimate_tokens(snapshot) * 0.7
    assert len(interactive) == 30
    assert interactive <= result.kept_refs
    assert "/url:" not in result.text
    assert result.text.count("- text:") <= 2


def test_target_inside_an_iframe_keeps_its_frame_ref() -> None:
    result = prune_snapshot(SIGN_IN, 'Click "Inner" in the frame', 60)

    check_pruned(SIGN_IN, result)
    assert '        - button "Inner" [ref=f1e2]' in result.text.split("\n")
    assert "    - iframe [ref=e61]:" in result.text.split("\n")


def test_text_to_type_does_not_outrank_the_field() -> None:
    # "fixtures" is in every paragraph, but it is the value to type, not the target.
    snapshot = docs()
    search = _ref_line(snapshot, 'searchbox "Search"')

    result = prune_snapshot(snapshot, 'Type "fixtures" into the search box', 400)

    assert _ref(search) in result.kept_refs
    assert result.tokens <= 400


def test_selected_option_of_a_long_combobox_stays_visible() -> None:
    ref = _Refs()
    options = [f'      - option "Country {n:02d}"' for n in range(60)]
    options[37] += " [selected]"
    snapshot = "\n".join(
        [
            f"- main {ref()}:",
            f'  - heading "Settings" [level=1] {ref()}',
            f"  - generic {ref()}:",
            "    - text: Country",
            f'    - combobox "Country" {ref()}:',
            *options,
            f'  - button "Save" {ref()}',
            *[f"  - paragraph {ref()}: Filler text number {n} for the page." for n in range(40)],
        ]
    )

    result = prune_snapshot(snapshot, 'Select "Country 52" in the "Country" dropdown', 150)

    checked = check_pruned(snapshot, result)
    text = result.text.split("\n")
    assert '      - option "Country 37" [selected]' in text
    assert '      - option "Country 52"' in text
    assert '    - combobox "Country" [ref=e4]:' in text
    assert sum(count for _, count, role in checked.markers if role == "option") == 60 - sum(
        1 for line in text if "- option" in line
    )


def test_custom_token_counter_is_used_for_the_budget() -> None:
    snapshot = catalogue(400)

    def words(text: str) -> int:
        return len(text.split())

    result = prune_snapshot(snapshot, 'Click "Delete" for SKU-00321', 900, count_tokens=words)

    assert result.original_tokens == words(snapshot)
    assert result.tokens == words(result.text) <= 900
    assert _ref(_ref_line(snapshot, 'button "Delete SKU-00321"')) in result.kept_refs
    check_pruned(snapshot, result)


def test_continuation_lines_stay_with_their_entry() -> None:
    snapshot = "\n".join(
        [
            "- main [ref=e1]:",
            "  - paragraph [ref=e2]: >-",
            "      a folded scalar",
            "      on two lines",
            *[f'  - button "Action {n}" [ref=e{n + 3}]' for n in range(40)],
        ]
    )

    result = prune_snapshot(snapshot, 'Click "Action 7" under the folded scalar', 80)

    lines = result.text.split("\n")
    # The paragraph matches ("folded scalar"): kept whole, its continuation lines included.
    assert lines[:4] == [
        "- main [ref=e1]:",
        "  - paragraph [ref=e2]: >-",
        "      a folded scalar",
        "      on two lines",
    ]
    assert '  - button "Action 7" [ref=e10]' in lines
    assert result.tokens <= 80


def test_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="budget_tokens"):
        prune_snapshot(SIGN_IN, "x", 0)


# o200k_base token counts of these texts, measured with tiktoken (benchmarks/README.md).
@pytest.mark.parametrize(
    ("text", "o200k"),
    [
        (SIGN_IN, 489),
        (catalogue(200), 25_957),
        (docs(10, 30), 4_531),
        (inbox(100), 11_222),
    ],
    ids=["sign-in", "catalogue", "docs", "inbox"],
)
def test_estimate_tokens_is_close_to_a_real_tokenizer(text: str, o200k: int) -> None:
    assert abs(estimate_tokens(text) - o200k) <= 0.10 * o200k


def test_estimate_tokens_basics() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("a") == 1
    line = '  - button "Delete SKU-01742" [ref=e22696]: Delete'
    assert estimate_tokens(line * 10) > estimate_tokens(line)
    # Indentation is nearly free; a newline and list marker are not.
    assert estimate_tokens("          - x") - estimate_tokens("- x") <= 1
    assert estimate_tokens("- x\n- y") > estimate_tokens("- x - y")
    assert estimate_tokens("テストの手順") >= 6  # Multi-byte text is not undercounted.


def test_five_megabyte_snapshot_prunes_in_well_under_a_second() -> None:
    snapshot = catalogue(12_000)
    assert len(snapshot) > 5_000_000
    prune_snapshot(snapshot, "warm up", 6000)

    # CPU time of this process, so that other jobs on the machine do not count.
    start = time.process_time()
    result = prune_snapshot(snapshot, 'Click "Delete" for SKU-11742', 6000)
    elapsed = time.process_time() - start

    assert _ref(_ref_line(snapshot, 'button "Delete SKU-11742"')) in result.kept_refs
    # About 0.5 s of CPU on this machine; the bound only catches super-linear behaviour.
    assert elapsed < 2.0, f"{elapsed:.2f} s"


def test_collapse_constants_are_consistent() -> None:
    assert 0 < RUN_HEAD < LONG_RUN
