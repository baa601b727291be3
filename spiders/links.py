"""Find, on a council's web page, the links to documents and to further listing pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

from parsel import Selector

from spiders.metadata import matches_any, vocabulary
from spiders.text import fold

# Where the words around a link are: a list item or table row first (a row holds the date
# cell beside the link cell), then any enclosing block.
_ROWS = ("li", "tr", "dd", "p")
_BLOCKS = ("td", "article", "section", "div")
_HEADINGS = ("h1", "h2", "h3", "h4")


@dataclass(frozen=True)
class Link:
    url: str
    text: str  # the link's own text (or title, or file name)
    context: str  # the text around it: its list item, table row or paragraph
    heading: str  # the nearest heading before it, often "Conseil municipal du 12 mars 2024"
    chrome: bool = False  # in a menu, header or footer


@lru_cache(maxsize=1)
def _pagination_url_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in vocabulary()["pagination_url_patterns"]]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def is_document_url(url: str, extensions: list[str] | None = None) -> bool:
    """Whether the URL names a document file by its extension, in its path or its query
    (``download.php?file=pv.pdf``)."""
    parts = urlsplit(url)
    path, query = unquote(parts.path).lower(), unquote(parts.query).lower()
    exts = extensions or vocabulary()["document_extensions"]
    return any(path.endswith("." + e) or re.search(r"\." + e + r"(&|$)", query) for e in exts)


# Site chrome: menus and footers link the same files from every page (legal notices, site
# maps); documents are looked for in the page's content, outside these.
_CHROME = ("ancestor::nav or ancestor::header or ancestor::footer or ancestor::*[@role='navigation' "
           "or @role='contentinfo' or contains(@class, 'footer') or contains(@id, 'footer')]")


def extract_links(selector: Selector, base_url: str, css: str | None = None) -> list[Link]:
    """Every ``<a href>`` of the page (or of the elements matched by ``css``), made absolute,
    with the words around it. One pass over the page in document order: the nearest heading
    before each link is the last one seen."""
    chrome = {a.root for a in selector.xpath(f"//a[@href][{_CHROME}]")}
    scope = None
    if css:
        scope = {a.root for node in selector.css(css)
                 for a in ([node] if node.root.tag == "a" else node.xpath(".//a[@href]"))}
    links, heading = [], ""
    for element in selector.root.iter(*_HEADINGS, "a"):
        if element.tag in _HEADINGS:
            heading = _clean(" ".join(element.itertext()))[:200]
            continue
        if scope is not None and element not in scope:
            continue
        link = _link(element, base_url, heading, element in chrome)
        if link is not None:
            links.append(link)
    return links


def _link(anchor, base_url: str, heading: str, chrome: bool) -> Link | None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    url = urljoin(base_url, href).split("#")[0]
    text = _clean(" ".join(anchor.itertext())) or anchor.get("title", "")
    if not text:
        text = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    block = _nearest(anchor, _ROWS)
    if block is None:
        block = _nearest(anchor, _BLOCKS)
    context = _clean(" ".join(block.itertext()))[:400] if block is not None else ""
    return Link(url, text, context, heading, chrome)


def _nearest(element, tags: tuple[str, ...]):
    for ancestor in element.iterancestors(*tags):
        return ancestor
    return None


def is_pagination(link: Link, selector_rel_next: set[str]) -> bool:
    """Whether the link leads to the next page of the same listing (``rel=next``, its words, its URL)."""
    if link.url in selector_rel_next:
        return True
    folded = fold(link.text)
    words = vocabulary()["pagination_words"]
    if folded in words or folded.isdigit():
        return True
    return any(p.search(link.url) for p in _pagination_url_patterns())


def is_council_link(link: Link) -> bool:
    """A link whose text or URL speaks of the council's meetings or decisions."""
    words = vocabulary()["council_words"]
    url_words = fold(re.sub(r"[-_/.+?=&]", " ", unquote(urlsplit(link.url).path)))
    return matches_any(fold(link.text), words) or matches_any(url_words, words)


def page_is_about_council(selector: Selector, url: str) -> bool:
    """Whether the page's title, main heading or URL speaks of the council's meetings or decisions."""
    title = " ".join(selector.xpath("//title//text() | //h1//text()").getall())
    words = vocabulary()["council_words"]
    return matches_any(fold(title), words) or matches_any(fold(re.sub(r"[-_/.]", " ", urlsplit(url).path)), words)


def rel_next_urls(selector: Selector, base_url: str) -> set[str]:
    """The URLs the page declares as its next page (``rel="next"`` on a link or an anchor)."""
    hrefs = selector.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href "
                           "| //link[@rel='next']/@href").getall()
    return {urljoin(base_url, h).split("#")[0] for h in hrefs}
