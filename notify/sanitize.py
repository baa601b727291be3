"""Make scraped text safe for each output: one-line headers, clean text, neutral chat text.

Everything a council publishes is untrusted. HTML escaping is Jinja's autoescape (see
``render.py``); this module handles the rest: control and bidirectional-override characters,
CR/LF in headers, and the characters chat services interpret (Markdown, mentions).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

# Characters that Markdown-like chat formats interpret, replaced by look-alikes that none does.
# Look-alikes rather than backslashes: apprise escapes again for Markdown services, and a
# backslash would then show. The words of a quote stay readable.
CHAT_LOOKALIKES = str.maketrans(
    {
        "*": "∗",
        "_": "ˍ",
        "`": "ˋ",
        "~": "˜",
        "|": "ǀ",
        "[": "［",
        "]": "］",
        "<": "‹",
        ">": "›",
        "\\": "⧵",
    }
)
# A mention pings people: @everyone, @here, @room, @channel, @alice. A zero-width space after
# the @ keeps it readable and inert (Discord's own advice).
MENTION = re.compile(r"@(?=\w)")
ZWSP = "\u200b"
WHITESPACE = re.compile(r"\s+")
URL_SAFE = ":/?#@&=+%;,.~-!$"


def clean_text(value: object, strip: bool = True) -> str:
    """Text without control or bidi characters, its whitespace (newlines too) collapsed.

    ``strip=False`` keeps one space at either end: for pieces of a sentence put back together.
    """
    if value is None:
        return ""
    # Controls (CR, LF, ESC…) become spaces. Invisible format characters go: bidirectional
    # overrides (U+202E makes a quote read backwards) and soft hyphens ("vidéo\xadsurveillance"
    # stays one word).
    text = str(value)
    # Fast path (the site cleans thousands of quotes): isprintable() is False for every
    # character of those categories, so printable text only needs its whitespace collapsed.
    if not text.isprintable():
        text = "".join(
            " " if unicodedata.category(ch) == "Cc" else ch
            for ch in text
            if unicodedata.category(ch) not in ("Cf", "Co", "Cs", "Cn")
        )
    text = WHITESPACE.sub(" ", text)
    return text.strip() if strip else text


def one_line(value: object, limit: int = 0) -> str:
    """A header value or title: one line (no CR/LF, no header injection), cut to ``limit``."""
    return trim(clean_text(value), limit)


def trim(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (0: no limit)."""
    if limit <= 0 or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def chat_safe(value: object) -> str:
    """Untrusted text for a chat message: one line, no Markdown, no mention, no live link."""
    text = clean_text(value, strip=False).translate(CHAT_LOOKALIKES)
    text = MENTION.sub("@" + ZWSP, text)
    # "http://evil" in a quote would become a link in most chats.
    return text.replace("://", ":/" + ZWSP + "/")


def safe_href(url: object) -> str:
    """``url`` when it is an http(s) link, else "": a scraped ``javascript:`` URL never becomes a link."""
    text = clean_text(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    # Quotes, brackets, parentheses, spaces… percent-encoded: the URL cannot end early in an
    # attribute, a Markdown link or a chat message.
    return quote(text, safe=URL_SAFE)


def with_page(url: str, page: int | None) -> str:
    """``url`` pointing at a PDF page (``#page=N``), replacing any fragment it had."""
    if not url:
        return ""
    parts = urlsplit(url)
    fragment = f"page={page}" if page else parts.fragment
    return urlunsplit(parts._replace(fragment=fragment))


# A spreadsheet reads a cell that starts with one of these as a formula (=HYPERLINK(…), +cmd|…,
# -2+3, @SUM(…)); tab and carriage return can hide one after white space.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A CSV cell: numbers as they are, text that a spreadsheet could run as a formula prefixed
    with an apostrophe (OWASP's advice), which spreadsheets show as text and do not display."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
