"""Find, on a council's web page, the links to documents and to further listing pages.

Every word and URL shape used here is data, in ``spiders/vocabulary.yaml``. The work per page is
bounded: one pass over the page's links, each enclosing block's text computed once, at most
``max_links`` links, and the source's time budget checked while reading (a page of a million
links must not hold up the other sources of the run).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

from parsel import Selector

from spiders.metadata import matches_any, vocabulary
from spiders.text import fold

# Where the words around a link are: a list item or table row first (a row holds the date
# cell beside the link cell), then any enclosing block.
_ROWS = frozenset(("li", "tr", "dd", "p"))
_BLOCKS = frozenset(("td", "article", "section", "div"))
_HEADINGS = ("h1", "h2", "h3", "h4")
# A <header> or <footer> inside these is the section's own, not the site's.
_SECTIONS = frozenset(("article", "section", "aside", "main"))
CONTEXT_MAX = 400
# How often (in links) the time budget is looked at: a clock read per link would cost more than
# the link.
_CLOCK_EVERY = 256
# Media types that an <a type="…"> declares for a document.
_DOCUMENT_TYPES = ("pdf", "msword", "officedocument", "opendocument", "rtf", "ms-excel")


@dataclass(frozen=True)
class Link:
    url: str
    text: str  # the link's own text, else its image's alt, aria-label or title, its row's text, its file name
    context: str  # the text around it: its list item, table row or paragraph
    heading: str  # the nearest heading before it, often "Conseil municipal du 12 mars 2024"
    chrome: bool = False  # in a menu, header or footer
    declared: bool = False  # the markup says it is a file: a document `type`, a `download` attribute


class Links(list):
    """The links of a page, in document order; ``truncated`` says why the rest was not read."""

    truncated: str | None = None


@lru_cache(maxsize=1)
def _patterns(key: str) -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in vocabulary()[key]]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def is_document_url(url: str, extensions: list[str] | None = None) -> bool:
    """Whether the URL names a document file by its extension, in its path or its query
    (``download.php?file=pv.pdf``)."""
    parts = urlsplit(url)
    path, query = unquote(parts.path).lower(), unquote(parts.query).lower()
    exts = extensions or vocabulary()["document_extensions"]
    return any(path.endswith("." + e) or re.search(r"\." + e + r"(&|$)", query) for e in exts)


def is_download_endpoint(url: str) -> bool:
    """Whether the URL has the shape of a download endpoint that serves files without an
    extension (``DocumentCenter/View/1234``, ``telecharger.php?id=…``): ``download_url_patterns``."""
    return any(p.search(url) for p in _patterns("download_url_patterns"))


def says_document(link: Link) -> bool:
    """Whether the link's markup, words or row say that it gives a file: ``type="application/pdf"``,
    a ``download`` attribute, "Télécharger", "Agenda Packet", "(PDF – 218 Ko)"."""
    if link.declared:
        return True
    words = vocabulary()["document_link_words"]
    if matches_any(fold(link.text), words):
        return True
    return any(p.search(link.text) or p.search(link.context) for p in _patterns("document_size_patterns"))


# -- the page's structure ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _chrome_tokens() -> tuple[frozenset[str], frozenset[str]]:
    data = vocabulary()
    return frozenset(data["chrome_tokens"]), frozenset(data["chrome_roles"])


def _tokens_xpath(tokens: list[str]) -> str:
    """An XPath test true for an element whose id is, or whose classes include, one of ``tokens``
    (whole tokens: ``wsite-not-footer`` is not ``footer``)."""
    tests = []
    for token in tokens:
        tests.append(f"@id='{token}'")
        tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {token} ')")
    return " or ".join(tests)


def _main_holders(root) -> tuple[set, set]:
    """The elements holding the page's main content (``<main>``, ``role=main``, ``#content``…),
    and those with all their ancestors: none of these is ever chrome, whatever its class says."""
    test = _tokens_xpath(vocabulary()["main_tokens"])
    mains = set(root.xpath(f"//main | //*[@role='main'] | //*[{test}]"))
    holders = set(mains)
    for element in mains:
        holders.update(element.iterancestors())
    return mains, holders


def _is_chrome_element(element, tokens: frozenset[str], roles: frozenset[str]) -> bool:
    if element.tag == "nav" or element.get("role", "").strip().lower() in roles:
        return True
    if element.get("id", "").strip().lower() in tokens:
        return True
    classes = element.get("class")
    return bool(classes) and not tokens.isdisjoint(classes.lower().split())


def _surroundings(anchor, mains: set, holders: set) -> tuple[object | None, bool]:
    """The block whose text is the link's context, and whether the link is in the site's chrome
    (a menu, the site's header or footer), in one walk up its ancestors."""
    tokens, roles = _chrome_tokens()
    row = block = None
    chrome = None
    header_or_footer = False  # the site's, unless it belongs to a section of content
    for element in anchor.iterancestors():
        tag = element.tag
        if row is None and tag in _ROWS:
            row = element
        elif block is None and tag in _BLOCKS:
            block = element
        if chrome is None:
            if tag in _SECTIONS or element in mains:
                header_or_footer = False  # the header or footer seen was this section's own
            if element in holders:
                chrome = header_or_footer  # the site's footer is beside the main content, not in it
            elif _is_chrome_element(element, tokens, roles):
                chrome = True
            elif tag in ("header", "footer"):
                header_or_footer = True
        if chrome is not None and row is not None:
            break
    return (row if row is not None else block), (header_or_footer if chrome is None else chrome)


def _bounded_text(element, limit: int) -> str:
    """The element's text, squeezed, cut at ``limit``: read only as far as needed."""
    pieces, size = [], 0
    for piece in element.itertext():
        pieces.append(piece)
        size += len(piece)
        if size > 4 * limit:
            break
    return _clean(" ".join(pieces))[:limit]


# -- links ------------------------------------------------------------------------------------


def extract_links(
    selector: Selector, base_url: str, css: str | None = None, max_links: int = 10_000, deadline: float = float("inf")
) -> Links:
    """Every link of the page (or of the elements matched by ``css``), made absolute, with the
    words around it, in one pass in document order: the nearest heading before each link is the
    last one seen. Stops after ``max_links`` links or at ``deadline`` (``time.monotonic()``),
    saying so in ``truncated``."""
    root = selector.root
    mains, holders = _main_holders(root)
    scope = None
    if css:
        scope = {a.root for node in selector.css(css) for a in ([node] if node.root.tag == "a" else node.xpath(".//a"))}
    links, heading = Links(), ""
    texts: dict = {}  # block → its text: each block's text is computed once, however many links it holds
    seen = 0
    for element in root.iter(*_HEADINGS, "a"):
        if element.tag in _HEADINGS:
            heading = _bounded_text(element, 200)
            continue
        if scope is not None and element not in scope:
            continue
        seen += 1
        if seen % _CLOCK_EVERY == 0 and time.monotonic() >= deadline:
            links.truncated = "the source's time budget ran out while reading the page"
            break
        link = _link(element, base_url, heading, (mains, holders), texts)
        if link is None:
            continue
        if len(links) >= max_links:
            links.truncated = f"more than {max_links} links on the page, the most read on one page"
            break
        links.append(link)
    return links


def _link(anchor, base_url: str, heading: str, main: tuple[set, set], texts: dict) -> Link | None:
    href = script_url(anchor)
    if not href:
        return None
    url = urljoin(base_url, href).split("#")[0]
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    block, chrome = _surroundings(anchor, *main)
    if block is None:
        context = ""
    else:
        context = texts.get(block)
        if context is None:
            context = texts[block] = _bounded_text(block, CONTEXT_MAX)
    text = _clean(" ".join(anchor.itertext())) or _icon_text(anchor) or context[:200]
    if not text:
        text = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    declared = anchor.get("download") is not None or any(
        t in (anchor.get("type") or "").lower() for t in _DOCUMENT_TYPES
    )
    return Link(url, text, context, heading, chrome, declared)


def _icon_text(anchor) -> str:
    """What a link without text says of itself: its image's ``alt``, its ``aria-label`` or ``title``."""
    for image in anchor.iter("img"):
        alt = _clean(image.get("alt") or "")
        if alt:
            return alt
    for value in (anchor.get("aria-label"), anchor.get("title"), *(image.get("title") for image in anchor.iter("img"))):
        if value and _clean(value):
            return _clean(value)
    return ""


_QUOTED = re.compile(r"""(["'])(.*?)(?<!\\)\1""")


def script_url(anchor) -> str:
    """The link's target: its ``href``, or the URL given to a script call in its ``href``
    (``javascript:openDoc('/docs/pv.pdf')``) or ``onclick`` (``window.open('…')``); "" for none."""
    href = (anchor.get("href") or "").strip()
    if href and not href.lower().startswith(("javascript:", "#", "mailto:", "tel:")):
        return href
    for code in (href if href.lower().startswith("javascript:") else "", anchor.get("onclick") or ""):
        for _, argument in _QUOTED.findall(code):
            if _looks_like_url(argument):
                return argument
    return ""


def _looks_like_url(text: str) -> bool:
    if not text or any(c.isspace() for c in text) or text.startswith(("#", "javascript:")):
        return False
    return (
        text.startswith(("http://", "https://", "/", "./", "../"))
        or "/" in text
        or re.search(r"\.[a-z0-9]{2,5}(\?|$)", text, re.I) is not None
    )


# -- what a link leads to ---------------------------------------------------------------------


def is_pagination(link: Link, selector_rel_next: set[str]) -> bool:
    """Whether the link leads to the next page of the same listing (``rel=next``, its words, its URL)."""
    if link.url in selector_rel_next:
        return True
    folded = fold(link.text)
    words = vocabulary()["pagination_words"]
    if folded in words or (folded.isdigit() and link_year(link.text) is None):
        return True
    return any(p.search(link.url) for p in _patterns("pagination_url_patterns"))


def _url_words(url: str) -> str:
    return fold(re.sub(r"[-_/.+?=&]", " ", unquote(urlsplit(url).path)))


def is_council_link(link: Link) -> bool:
    """A link whose text or URL speaks of the council's meetings or decisions."""
    words = vocabulary()["council_words"]
    return matches_any(fold(link.text), words) or matches_any(_url_words(link.url), words)


def is_subpage_link(link: Link) -> bool:
    """A link to a page of meetings, of a board or committee, or of a year of them: "Séances 2025",
    "2024 Board of Health Meetings", "Ausschuss für Umwelt", ``/meetings/2024/``, or the year alone."""
    if is_council_link(link):
        return True
    words = vocabulary()["subpage_words"]
    if matches_any(fold(link.text), words) or matches_any(_url_words(link.url), words):
        return True
    if any(p.search(link.url) for p in _patterns("subpage_url_patterns")):
        return True
    return re.fullmatch(r"(?:19|20)\d\d", fold(link.text)) is not None


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def link_year(*texts: str) -> int | None:
    """The latest year written in the texts (a link's words, its URL), if any."""
    years = [int(y) for text in texts if text for y in _YEAR.findall(text)]
    return max(years) if years else None


def page_is_about_council(selector: Selector, url: str) -> bool:
    """Whether the page's title, main heading or URL speaks of the council's meetings or decisions."""
    title = " ".join(selector.xpath("//title//text() | //h1//text()").getall())
    words = vocabulary()["council_words"]
    return matches_any(fold(title), words) or matches_any(fold(re.sub(r"[-_/.]", " ", urlsplit(url).path)), words)


def rel_next_urls(selector: Selector, base_url: str) -> set[str]:
    """The URLs the page declares as its next page (``rel="next"`` on a link or an anchor)."""
    hrefs = selector.xpath(
        "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href | //link[@rel='next']/@href"
    ).getall()
    return {urljoin(base_url, h).split("#")[0] for h in hrefs}
