"""Deterministic generators of large, real-looking HTML pages for the snapshot benchmarks.

Every page is built from a fixed seed, so two runs produce byte-identical HTML (and therefore the
same ARIA snapshots). Each generator returns a :class:`Page` with the HTML and a few natural
language steps, each naming the element (ARIA role and accessible name) it should resolve to.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    text: str
    #: The element the step should resolve to: its ARIA role and accessible name.
    role: str
    name: str
    #: For an element without a name: a unique text of a line in its subtree.
    anchor: str = ""

    @property
    def needle(self) -> str:
        """A text unique to the snapshot line of the target, or of a line inside it."""
        return self.anchor or f'{self.role} "{self.name}"'


@dataclass(frozen=True)
class Page:
    name: str
    title: str
    html: str
    steps: tuple[Step, ...]


def _split(text: str) -> list[str]:
    return text.split()


_FIRST = _split(
    "Ada Nora Liam Omar Priya Chen Sofia Mateo Yuki Amara Lukas Elena Tomas Ines Kofi Maya "
    "Arjun Freya Hugo Zara Ivan Leila Diego Hana Felix Noor Ravi Clara Emil Aisha"
)
_LAST = _split(
    "Castillo Okafor Lindqvist Tanaka Moreau Haddad Novak Fischer Rossi Silva Kowalski Patel "
    "Jensen Duarte Nakamura Brennan Osei Varga Kim Laurent Ibrahim Costa Weber Horvat Quinn"
)
_ADJ = _split(
    "Compact Rugged Classic Smart Wireless Ergonomic Foldable Premium Eco Modular Portable "
    "Heavy-duty Slim Vintage Insulated Adjustable Magnetic Solar Quiet Turbo"
)
_NOUN = _split(
    "Kettle Backpack Desk Lamp Headphones Blender Thermos Drill Tent Keyboard Monitor Stand "
    "Chair Speaker Router Charger Tripod Grinder Scale Fan Heater Mixer Jacket Bottle"
)
_CATEGORIES = (
    "Kitchen",
    "Outdoor",
    "Office",
    "Audio",
    "Tools",
    "Home",
    "Travel",
    "Networking",
)
_LOREM = _split(
    "the runner resolves each step against the current page before acting so that a stale "
    "locator never clicks the wrong element while the configuration file keeps defaults for "
    "timeouts retries and the browser channel used in continuous integration builds where "
    "network access is restricted and every request must be recorded for later replay with "
    "the same fixtures and environment variables that the original run used"
)
_TOPICS = (
    "Getting started",
    "Installation",
    "Configuration",
    "Fixtures",
    "Selectors",
    "Assertions",
    "Network",
    "Authentication",
    "Reporters",
    "Parallelism",
    "Debugging",
    "Recipes",
)
_SUBTOPIC_WORDS = _split(
    "overview basics proxies timeouts retries caching headers cookies sessions storage "
    "screenshots videos traces mocking routing frames dialogs downloads uploads keyboard "
    "mouse touch locales timezones permissions geolocation emulation snapshots sharding "
    "markers plugins hooks"
)
_COUNTRIES = _split(
    "Argentina Australia Austria Belgium Brazil Bulgaria Canada Chile China Colombia Croatia "
    "Cyprus Czechia Denmark Egypt Estonia Finland France Germany Ghana Greece Hungary Iceland "
    "India Indonesia Ireland Israel Italy Japan Kenya Latvia Lithuania Luxembourg Malaysia "
    "Malta Mexico Morocco Netherlands Nigeria Norway Pakistan Peru Philippines Poland Portugal "
    "Romania Senegal Serbia Singapore Slovakia Slovenia Spain Sweden Switzerland Thailand "
    "Tunisia Turkey Uganda Ukraine Uruguay Vietnam Zambia"
)

_STYLE = (
    "<style>body{font-family:sans-serif;margin:0}header,nav,aside{padding:8px}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
    ".row-click{cursor:pointer}.hidden{display:none}</style>"
)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(_LOREM) for _ in range(words)]
    return " ".join(picked).capitalize() + "."


def _doc(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"{_STYLE}</head><body>{body}</body></html>"
    )


def _site_header(app: str, links: list[str]) -> str:
    items = "".join(
        f'<li><a href="/{_e(link.lower().replace(" ", "-"))}">{_e(link)}</a></li>' for link in links
    )
    return (
        f'<header><a href="/" aria-label="{_e(app)} home"><img src="/logo.svg" alt="{_e(app)}"></a>'
        f'<nav aria-label="Main"><ul>{items}</ul></nav>'
        '<form role="search"><input type="search" aria-label="Search" placeholder="Search…">'
        "<button>Go</button></form>"
        '<button aria-haspopup="menu" aria-expanded="false">Account</button></header>'
    )


def catalogue(rows: int = 2000) -> Page:
    """Product catalogue: a filter form and a table of ``rows`` products with per-row actions."""
    rng = random.Random(1742)
    filters = (
        "<section aria-label='Filters'><h2>Filters</h2>"
        "<label>Name contains <input name=q></label>"
        "<label>Category <select name=cat><option>All</option>"
        + "".join(f"<option>{c}</option>" for c in _CATEGORIES)
        + "</select></label>"
        "<label><input type=checkbox name=stock> In stock only</label>"
        "<label>Max price <input type=number name=max value=500></label>"
        "<button>Apply filters</button><button type=reset>Reset</button></section>"
    )
    body_rows = []
    for i in range(1, rows + 1):
        sku = f"SKU-{i:05d}"
        name = f"{rng.choice(_ADJ)} {rng.choice(_NOUN)} {rng.randint(100, 999)}"
        price = f"${rng.randint(5, 900)}.{rng.randint(0, 99):02d}"
        stock = rng.randint(0, 400)
        cat = rng.choice(_CATEGORIES)
        body_rows.append(
            f"<tr><td><input type=checkbox aria-label='Select {sku}'></td><td>{sku}</td>"
            f'<td><a href="/products/{sku.lower()}">{_e(name)}</a></td><td>{cat}</td>'
            f"<td>{price}</td><td>{stock if stock else 'Out of stock'}</td>"
            f"<td><button aria-label='Edit {sku}'>Edit</button> "
            f"<button aria-label='Duplicate {sku}'>Duplicate</button> "
            f"<button aria-label='Delete {sku}'>Delete</button></td></tr>"
        )
    table = (
        "<table><caption>Products</caption><thead><tr><th><input type=checkbox "
        "aria-label='Select all'></th><th>SKU</th><th>Name</th><th>Category</th><th>Price</th>"
        "<th>Stock</th><th>Actions</th></tr></thead><tbody>"
        + "".join(body_rows)
        + "</tbody></table>"
    )
    pager = (
        "<nav aria-label='Pagination'>"
        + "".join(f"<a href='?page={p}'>{p}</a> " for p in range(1, 21))
        + "<a href='?page=2'>Next</a></nav>"
    )
    body = (
        _site_header("Shopdesk", ["Dashboard", "Products", "Orders", "Customers", "Reports"])
        + f"<main><h1>Products</h1><p>{rows} products in 8 categories.</p>"
        "<button>Add product</button> <button>Export CSV</button>"
        + filters
        + table
        + pager
        + "</main><footer><p>© Shopdesk</p><a href='/help'>Help centre</a></footer>"
    )
    steps = (
        Step('Click "Delete" for SKU-01742', "button", "Delete SKU-01742"),
        Step("Tick the checkbox of SKU-00007", "checkbox", "Select SKU-00007"),
        Step('Click "Export CSV"', "button", "Export CSV"),
        Step(
            'Duplicate product SKU-01999 using its "Duplicate" button',
            "button",
            "Duplicate SKU-01999",
        ),
    )
    return Page("catalogue", "Products", _doc("Products · Shopdesk", body), steps)


def docs(links: int = 500, paragraphs: int = 400) -> Page:
    """Documentation page: a ``links``-entry sidebar nav and a long article."""
    rng = random.Random(500)
    per_topic = links // len(_TOPICS)
    sidebar = []
    made = 0
    link_titles: list[str] = []
    for t, topic in enumerate(_TOPICS):
        count = per_topic + (1 if t < links - per_topic * len(_TOPICS) else 0)
        items = []
        for k in range(count):
            title = f"{topic}: {_SUBTOPIC_WORDS[(k * 7 + t) % len(_SUBTOPIC_WORDS)]} {k + 1}"
            link_titles.append(title)
            slug = title.lower().replace(": ", "/").replace(" ", "-")
            items.append(f'<li><a href="/docs/{slug}">{_e(title)}</a></li>')
            made += 1
        sidebar.append(
            f"<li><details open><summary>{topic}</summary><ul>{''.join(items)}</ul></details></li>"
        )
    nav = f'<nav aria-label="Docs"><ul>{"".join(sidebar)}</ul></nav>'
    article = ["<h1>Configuring proxies</h1>"]
    toc = []
    for p in range(paragraphs):
        if p % 25 == 0:
            heading = (
                f"{rng.choice(_SUBTOPIC_WORDS).capitalize()} and {rng.choice(_SUBTOPIC_WORDS)}"
            )
            anchor = f"s{p // 25}"
            article.append(f'<h2 id="{anchor}">{heading}</h2>')
            toc.append(f'<li><a href="#{anchor}">{heading}</a></li>')
        if p % 40 == 7:
            article.append(
                "<pre><code>webagent_proxy = {\n  server: 'http://127.0.0.1:3128',\n"
                f"  bypass: 'localhost,.internal',\n  retries: {p % 5}\n}}</code></pre>"
            )
        article.append(f"<p>{_sentence(rng, rng.randint(30, 60))}</p>")
    body = (
        _site_header("Webagent Docs", ["Guides", "API", "Examples", "Changelog", "Community"])
        + f"<aside>{nav}</aside><main><article>{''.join(article)}</article>"
        + "<a href='/edit/proxies'>Edit this page</a> "
        + "<button aria-pressed='false'>Was this page helpful?</button></main>"
        + f"<aside aria-label='On this page'><h2>On this page</h2><ul>{''.join(toc)}</ul></aside>"
        + "<footer><p>Released under the MIT licence.</p></footer>"
    )
    steps = (
        Step(f'Open the "{link_titles[437]}" page from the sidebar', "link", link_titles[437]),
        Step('Type "fixtures" into the search box', "searchbox", "Search"),
        Step('Click "Edit this page"', "link", "Edit this page"),
        Step(f'Go to "{link_titles[3]}"', "link", link_titles[3]),
    )
    return Page("docs", "Configuring proxies", _doc("Configuring proxies · Docs", body), steps)


def admin(users: int = 400) -> Page:
    """Admin dashboard: tabs, settings forms, a big country combobox, a users table, an iframe."""
    rng = random.Random(77)
    tabs = ["General", "Security", "Notifications", "Billing", "Integrations", "Audit log"]
    tablist = (
        '<div role="tablist" aria-label="Settings">'
        + "".join(
            f'<button role="tab" aria-selected="{"true" if i == 0 else "false"}" '
            f'aria-controls="p{i}">{t}</button>'
            for i, t in enumerate(tabs)
        )
        + "</div>"
    )
    countries = "".join(
        f"<option{' selected' if c == 'Germany' else ''}>{c}</option>" for c in _COUNTRIES
    )
    general = (
        '<div role="tabpanel" id="p0"><form aria-label="Organisation">'
        "<h2>Organisation</h2>"
        "<label>Organisation name <input value='Acme Robotics'></label>"
        "<label>Billing email <input type=email placeholder='billing@example.com'></label>"
        f"<label>Country <select name=country>{countries}</select></label>"
        "<label>Session timeout (minutes) <input type=number value=30 min=5 max=240></label>"
        "<label>Upload limit (MB) <input type=range min=1 max=100 value=25></label>"
        "<fieldset><legend>Default plan</legend>"
        + "".join(
            f"<label><input type=radio name=plan {'checked' if p == 'Team' else ''}> {p}</label>"
            for p in ("Free", "Team", "Business", "Enterprise")
        )
        + "</fieldset><button>Save changes</button> <button type=reset>Discard</button></form>"
    )
    switches = "".join(
        f'<div><span id="sw{i}">{label}</span><button role="switch" aria-checked='
        f'"{"true" if i % 3 == 0 else "false"}" aria-labelledby="sw{i}"></button>'
        f"<p>{_sentence(rng, 12)}</p></div>"
        for i, label in enumerate(
            [
                "Weekly digest",
                "Security alerts",
                "Product updates",
                "Usage reports",
                "Invoice reminders",
                "Mention notifications",
                "Login from new device",
                "API key expiry",
            ]
        )
    )
    notifications = (
        f'<form aria-label="Notification preferences"><h2>Notifications</h2>{switches}'
        "<button>Save notification settings</button></form>"
    )
    roles = ("Viewer", "Editor", "Admin", "Owner")
    user_rows = []
    for i in range(1, users + 1):
        person = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        email = f"{person.lower().replace(' ', '.')}{i}@acme.test"
        role = rng.choice(roles)
        opts = "".join(f"<option{' selected' if r == role else ''}>{r}</option>" for r in roles)
        user_rows.append(
            f"<tr><td>{_e(person)}</td><td>{email}</td>"
            f"<td><select aria-label='Role for {email}'>{opts}</select></td>"
            f"<td>{rng.randint(1, 28)} Oct</td>"
            f"<td><button aria-label='Remove {email}'>Remove</button></td></tr>"
        )
    users_table = (
        "<section aria-label='Members'><h2>Members</h2>"
        "<label>Invite by email <input type=email></label><button>Send invite</button>"
        "<table><thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Last seen</th><th></th>"
        "</tr></thead><tbody>" + "".join(user_rows) + "</tbody></table></section>"
    )
    cards = "".join(
        f"<section aria-label='{k}'><h3>{k}</h3><p>{rng.randint(100, 99999)}</p>"
        f"<a href='/reports/{k.lower().replace(' ', '-')}'>View report</a></section>"
        for k in ("Active users", "Monthly revenue", "Open tickets", "Churn rate", "API calls")
    )
    chat = (
        '<iframe title="Support chat" srcdoc="&lt;p&gt;Chat with support&lt;/p&gt;'
        "&lt;textarea aria-label='Message'&gt;&lt;/textarea&gt;&lt;button&gt;Send message"
        '&lt;/button&gt;"></iframe>'
    )
    body = (
        _site_header("Acme Admin", ["Overview", "Users", "Settings", "Audit", "Support"])
        + f"<main><h1>Settings</h1><div>{cards}</div>{tablist}{general}{notifications}</div>"
        + users_table
        + chat
        + "</main>"
    )
    steps = (
        Step('Select "Portugal" in the "Country" dropdown', "combobox", "Country"),
        Step('Turn on the "Security alerts" switch', "switch", "Security alerts"),
        Step('Click the "Billing" tab', "tab", "Billing"),
        Step('Set "Session timeout (minutes)" to 45', "spinbutton", "Session timeout (minutes)"),
        Step('Click "Send message" in the support chat', "button", "Send message"),
    )
    return Page("admin", "Settings", _doc("Settings · Acme Admin", body), steps)


def inbox(messages: int = 1500) -> Page:
    """Webmail inbox: folders, a toolbar and ``messages`` message rows with per-row controls."""
    rng = random.Random(88213)
    subjects = (
        "Q3 budget review",
        "Invoice #{n}",
        "Re: offsite agenda",
        "Your order has shipped",
        "Design sync notes",
        "Contract renewal",
        "Weekly metrics",
        "Lunch on Friday?",
        "Security notice",
        "Draft: launch post",
    )
    folders = "".join(
        f"<li><a href='/mail/{f.lower()}'>{f}</a> <span>{rng.randint(0, 90)}</span></li>"
        for f in ("Inbox", "Starred", "Snoozed", "Sent", "Drafts", "Spam", "Trash", "Archive")
    )
    items = []
    named: list[tuple[str, str]] = []
    for i in range(messages):
        sender = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        subject = rng.choice(subjects).replace("{n}", str(rng.randint(10000, 99999)))
        named.append((sender, subject))
        snippet = _sentence(rng, 14)
        unread = " unread" if i % 4 == 0 else ""
        items.append(
            f'<li class="msg{unread}"><input type=checkbox aria-label="Select message from '
            f'{_e(sender)}: {_e(subject)}">'
            '<button aria-label="Star" aria-pressed="false">☆</button>'
            f'<a href="/mail/m/{i}"><strong>{_e(sender)}</strong> <span>{_e(subject)}</span>'
            f" <span>{_e(snippet)}</span></a><time>{rng.randint(1, 28)} Sep</time>"
            f'<button aria-label="Archive">🗄</button></li>'
        )
    body = (
        _site_header("Mailbox", ["Mail", "Calendar", "Contacts", "Tasks"])
        + "<aside><button>Compose</button><nav aria-label='Folders'><ul>"
        + folders
        + "</ul></nav></aside><main><h1>Inbox</h1><div role='toolbar' aria-label='Actions'>"
        "<button>Refresh</button><button>Mark all as read</button><button>Delete</button>"
        "<label>Sort by <select><option>Newest</option><option>Oldest</option>"
        "<option>Sender</option></select></label></div><ul aria-label='Messages'>"
        + "".join(items)
        + "</ul></main>"
    )
    target = 1137
    sender, subject = named[target]
    steps = (
        # The message link has no accessible name of its own in Chromium: find it by its URL.
        Step(
            f'Open the email from {sender} about "{subject}"',
            "link",
            "",
            anchor=f"/url: /mail/m/{target}",
        ),
        Step(
            f'Tick the checkbox of the message from {sender} about "{subject}"',
            "checkbox",
            f"Select message from {sender}: {subject}",
        ),
        Step('Click "Compose"', "button", "Compose"),
        Step('Sort the list by "Sender"', "combobox", "Sort by"),
    )
    return Page("inbox", "Inbox", _doc("Inbox (1,500) · Mailbox", body), steps)


def all_pages() -> list[Page]:
    return [catalogue(), docs(), admin(), inbox()]
