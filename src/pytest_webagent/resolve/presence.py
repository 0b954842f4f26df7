"""A cheap first question before the search: do the words of the name occur on the page at all?

Role and label selectors compute accessible names for every candidate element in one synchronous
evaluation, which a step timeout cannot interrupt: on a page of 50,000 buttons one such poll runs
for minutes. Every way a target can be named (its text, a label, ``aria-label``, ``title``,
``placeholder``, ``alt``, ``value``, a test id under whatever attribute, an element
``aria-labelledby`` points at) puts the name's words somewhere in the page's text or attribute
values, so when they occur nowhere, nothing can match, and the step fails at its timeout without
asking a selector. The check reads text only: milliseconds per poll on the same page.
"""

from __future__ import annotations

import re
import unicodedata

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

# Folds the page like `words` folds the name (NFKC, case); walks open shadow roots and
# same-origin frames, which Playwright's selectors also reach.
_WORDS_ON_PAGE = """(wanted) => {
  const fold = (s) => (s || '').normalize('NFKC').toLowerCase();
  const parts = [];
  const visit = (root) => {
    parts.push(fold(root.textContent));
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let el = walker.nextNode(); el; el = walker.nextNode()) {
      for (const attribute of el.attributes) {
        if (attribute.value) parts.push(fold(attribute.value));
      }
      // The browser's own names, in no attribute: <input type=submit> is "Submit".
      if (el.tagName === 'INPUT' && !el.hasAttribute('value')) parts.push(el.type);
      if (el.shadowRoot) visit(el.shadowRoot);
      if (el.tagName === 'IFRAME' || el.tagName === 'FRAME') {
        let inner = null;
        try { inner = el.contentDocument; } catch (e) { inner = null; }
        if (inner && inner.documentElement) visit(inner.documentElement);
      }
    }
  };
  visit(document.documentElement);
  const text = parts.join('\\n');
  return wanted.some((words) => words.every((word) => text.includes(word)));
}"""


def words(name: str) -> list[str]:
    """The letters-and-digits words of a name, folded as the page is: what must occur."""
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", name).lower())


def appears(page: Page, names: list[str], timeout_ms: float) -> bool:
    """Whether every word of one of ``names`` occurs on the page, waiting up to ``timeout_ms``.

    True when a name has no words to look for (a multiplication sign, ``+``): only the search
    can tell then.
    """
    wanted = [words(name) for name in names]
    if any(not name_words for name_words in wanted):
        return True
    try:
        page.wait_for_function(_WORDS_ON_PAGE, arg=wanted, timeout=max(timeout_ms, 1), polling=100)
    except PlaywrightError:
        return False
    return True
