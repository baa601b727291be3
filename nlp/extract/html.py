"""The readable text of an HTML page, decoded with the charset the page declares (or guessed).

Block elements (paragraphs, list items, headings, cells) become paragraphs separated by a blank
line, and inline elements stay inside their sentence ("Contract with <b>Flock Safety</b> for…"),
so that sentences, and the snippets of hits, follow the page's structure.

libxml2 stops at 256 levels of nesting unless told otherwise, and drops the rest of the page
without a word: pages are parsed with its "huge" option (2,048 levels) and walked without
recursion, and a page nested deeper still is refused with the reason rather than read in part.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from w3lib.encoding import html_to_unicode

from nlp.extract import Extraction, ExtractionError, PageText

_DROPPED_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer")
_DROP = etree.XPath("|".join(f"//{tag}" for tag in _DROPPED_TAGS))  # compiled once, not for every page
_BLOCKS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "section",
    "article",
    "aside",
    "main",
    "blockquote",
    "pre",
    "address",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "details",
    "summary",
    "caption",
    "hr",
    "body",
}
_SPACES = re.compile(r"[ \t\u00a0\r\n]+")
_PARAGRAPH = "\x00"  # a paragraph break, squeezed into one blank line at the end
MAX_DEPTH = 2048  # libxml2's limit with its "huge" option


def extract_html(data: bytes, media_type: str | None = None) -> Extraction:
    """One page holding the visible text of the document, paragraphs separated by blank lines."""
    encoding, text = html_to_unicode(media_type, data)
    parser = lxml_html.HTMLParser(huge_tree=True)
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except (ValueError, etree.ParserError) as exc:
        raise ExtractionError(f"unreadable HTML: {exc}") from None
    if any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in parser.error_log):
        raise ExtractionError(f"HTML nested more than {MAX_DEPTH} levels deep: its text cannot be read past that point")
    for element in _DROP(root):
        element.drop_tree()
    pieces: list[str] = []
    _walk(root.find("body") if root.find("body") is not None else root, pieces)
    paragraphs = []
    for block in "".join(pieces).split(_PARAGRAPH):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    title = (root.findtext(".//title") or "").strip()
    return Extraction([PageText(1, "\n\n".join(paragraphs), "html")], {"encoding": encoding, "title": title})


def _walk(root: Any, pieces: list[str]) -> None:
    """The text of ``root`` and its descendants into ``pieces``, depth first, without recursion."""
    stack = [(root, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        block = tag in _BLOCKS
        if closing:
            if block:
                pieces.append(_PARAGRAPH)
            if element.tail and element is not root:
                pieces.append(element.tail.replace("\n", " "))
            continue
        if block:
            pieces.append(_PARAGRAPH)
        if tag == "br":
            pieces.append("\n")
        if element.text and tag:
            pieces.append(element.text.replace("\n", " "))
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
