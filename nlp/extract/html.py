"""The readable text of an HTML page, decoded with the charset the page declares (or guessed).

Block elements (paragraphs, list items, headings, cells) become paragraphs separated by a blank
line, and inline elements stay inside their sentence ("Contract with <b>Flock Safety</b> for…"),
so that sentences, and the snippets of hits, follow the page's structure.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html
from w3lib.encoding import html_to_unicode

from nlp.extract import Extraction, ExtractionError, PageText

_DROPPED_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer")
_DROP = etree.XPath("|".join(f"//{tag}" for tag in _DROPPED_TAGS))  # compiled once, not for every page
_BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td",
           "th", "thead", "tbody", "section", "article", "aside", "main", "blockquote", "pre", "address", "figure",
           "figcaption", "form", "fieldset", "details", "summary", "caption", "hr", "body"}
_SPACES = re.compile(r"[ \t\u00a0\r\n]+")
_PARAGRAPH = "\x00"  # a paragraph break, squeezed into one blank line at the end


def extract_html(data: bytes, media_type: str | None = None) -> Extraction:
    """One page holding the visible text of the document, paragraphs separated by blank lines."""
    encoding, text = html_to_unicode(media_type, data)
    try:
        root = lxml_html.document_fromstring(text)
    except (ValueError, etree.ParserError) as exc:
        raise ExtractionError(f"unreadable HTML: {exc}") from None
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


def _walk(element, pieces: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    block = tag.lower() in _BLOCKS
    if block:
        pieces.append(_PARAGRAPH)
    if tag.lower() == "br":
        pieces.append("\n")
    if element.text and tag:
        pieces.append(element.text.replace("\n", " "))
    for child in element:
        _walk(child, pieces)
        if child.tail:
            pieces.append(child.tail.replace("\n", " "))
    if block:
        pieces.append(_PARAGRAPH)
