"""Scripts run in the page for what Playwright's locators cannot ask: does an element act as a
control (a ``<span>`` with ``cursor: pointer``), which field a loose label belongs to, where a
candidate sits (row, section, dialog). Elements are marked with a JavaScript property (never an
attribute: the page's DOM and selectors do not change) so a locator can be checked to find
exactly the element chosen.
"""

from __future__ import annotations

MARK = "__webagentMark"

# Whether an element acts as a control: native controls, ARIA widget roles, click handlers,
# keyboard focus or a pointer cursor (what `Click the "In" link` on a <span class="alink"> means).
INTERACTIVE_JS = """
function interactive(e) {
  const tags = ["A", "BUTTON", "INPUT", "SELECT", "TEXTAREA", "SUMMARY", "OPTION", "LABEL"];
  const roles = ["button", "link", "tab", "menuitem", "option", "checkbox", "radio", "switch",
                 "treeitem", "textbox", "combobox"];
  if (tags.includes(e.tagName) || roles.includes(e.getAttribute("role") || "")) return true;
  if (e.hasAttribute("onclick") || typeof e.onclick === "function") return true;
  if (e.hasAttribute("tabindex") && e.getAttribute("tabindex") !== "-1") return true;
  const cursor = getComputedStyle(e).cursor;
  const parentCursor = e.parentElement ? getComputedStyle(e.parentElement).cursor : "";
  return cursor === "pointer" && parentCursor !== "pointer";
}
"""

# What an element is, as a role word would say it: its ARIA role (explicit, else the one its tag
# implies), "label" for a field's caption, "" for an element with no role of its own.
ROLE_JS = """
function roleOf(e) {
  const explicit = (e.getAttribute("role") || "").split(" ")[0];
  if (explicit) return explicit;
  const tag = e.tagName, type = (e.getAttribute("type") || "").toLowerCase();
  if (tag === "A" && e.hasAttribute("href")) return "link";
  if (tag === "BUTTON" || tag === "SUMMARY") return "button";
  if (tag === "INPUT") {
    if (["button", "submit", "reset", "image"].includes(type)) return "button";
    if (type === "checkbox" || type === "radio") return type;
    return type === "search" ? "searchbox" : "textbox";
  }
  if (tag === "SELECT") return "combobox";
  if (tag === "TEXTAREA") return "textbox";
  if (tag === "OPTION") return "option";
  if (/^H[1-6]$/.test(tag)) return "heading";
  if (tag === "LABEL") return "label";
  return "";
}
"""

# Of the elements given, those that act as controls (by index), whether each is a sentence
# (more words than the name it was found by): prose is never a click target; and its role.
CONTROLS_JS = (
    "(elements, words) => {"
    + INTERACTIVE_JS
    + ROLE_JS
    + """
  return elements.map(e => ({
    // The text of a control is often wrapped (<li style="cursor:pointer"><div>Oman</div>).
    interactive: interactive(e) || !!e.closest("a,button,[role=button],[role=link]")
      || [e.parentElement, e.parentElement && e.parentElement.parentElement]
           .some(p => p && p !== document.body && interactive(p)),
    sentence: (e.textContent || "").trim().split(/\\s+/).length > words + 2,
    role: roleOf(e),
    control: e.tagName === "LABEL" && e.control ? roleOf(e.control) : "",
    text: (e.innerText || e.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 40),
  }));
}"""
)

# The one element every other one contains (a button inside a tab both named "Submit"), or -1.
INNERMOST_JS = """elements => {
  for (let i = 0; i < elements.length; i++) {
    if (elements.every((o, j) => j === i || o.contains(elements[i]))) return i;
  }
  return -1;
}"""

MARK_JS = f"(e, token) => {{ e.{MARK} = token; }}"
IS_MARKED_JS = f"(elements, token) => elements.length === 1 && elements[0].{MARK} === token"

# Where each element sits, to tell candidates apart in an ambiguity message.
CONTEXT_JS = """elements => elements.map((e, index) => {
  const text = n => (n ? (n.innerText || n.textContent || "").replace(/\\s+/g, " ").trim() : "");
  const row = e.closest("tr,[role=row]");
  let rowName = "";
  if (row) {
    for (const cell of row.querySelectorAll("td,th,[role=cell],[role=gridcell]")) {
      const t = text(cell);
      if (t && !cell.contains(e)) { rowName = t; break; }
    }
  }
  const headings = "h1,h2,h3,h4,h5,h6,legend,summary,caption,[role=heading]";
  let heading = "";
  const all = [...document.querySelectorAll(headings)];
  for (const h of all) {
    if (h.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING && !h.contains(e)) {
      heading = text(h);
    }
  }
  const dialog = e.closest("dialog,[role=dialog],[role=alertdialog]");
  const dialogName = dialog ? (dialog.getAttribute("aria-label") ||
    text(document.getElementById(dialog.getAttribute("aria-labelledby") || "")) || "") : "";
  return {row: rowName.slice(0, 60), heading: heading.slice(0, 60),
          dialog: dialog ? (dialogName || "(unnamed)") : "", position: index + 1};
})"""

# Fields whose label is near them but not tied to them (`<p><label>Password</label><input>`,
# `<tr><th>Genre</th><td><input>`, a legend, text after the input): from every element whose own
# text matches, climb to the smallest container that holds exactly one field of the kind; the
# container's whole text must match too, so a sentence that mentions the word is no label.
# Returns [{tag, containerTag, index}] and marks each field with the token plus its index.
NEAR_LABEL_JS = (
    "(root, args) => {"
    + """
  const {pattern, fields, token} = args;
  const re = new RegExp(pattern, "i");
  const norm = s => (s || "").replace(/\\s+/g, " ").trim();
  const shown = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)
                     && getComputedStyle(e).visibility !== "hidden";
  const found = [];
  for (const label of root.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "OPTION"].includes(label.tagName) || label.matches(fields)) continue;
    if (!re.test(norm(label.textContent))) continue;
    if ([...label.children].some(c => re.test(norm(c.textContent)))) continue;  // smallest
    if (!shown(label)) continue;
    for (let box = label; box && box !== root.parentElement; box = box.parentElement) {
      const inside = [...box.querySelectorAll(fields)].filter(shown);
      if (inside.length > 1) break;
      if (inside.length === 1) {
        if (re.test(norm(box.textContent)) && !found.some(f => f.field === inside[0])) {
          found.push({field: inside[0], box});
        }
        break;
      }
    }
  }
  return found.map((f, index) => {
    f.field."""
    + MARK
    + """ = token + ":" + index;
    return {tag: f.field.tagName.toLowerCase(), type: f.field.getAttribute("type") || "",
            box: f.box.tagName.toLowerCase()};
  });
}"""
)
