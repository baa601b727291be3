"""The readable text of an HTML page, decoded with the charset the page declares (or guessed)."""

from __future__ import annotations

import re

from lxml import html as lxml_html
from w3lib.encoding import html_to_unicode

from nlp.extract import Extraction, ExtractionError, PageText

_DROP = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer")
_BLOCK_GAPS = re.compile(r"[ \t\u00a0]+")


def extract_html(data: bytes, media_type: str | None = None) -> Extraction:
    """One page holding the visible text of the document, blocks separated by new lines."""
    encoding, text = html_to_unicode(media_type, data)
    try:
        root = lxml_html.document_fromstring(text)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise ExtractionError(f"unreadable HTML: {exc}") from None
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROP)):
        element.drop_tree()
    for br in root.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    lines = []
    for block in root.itertext():
        line = _BLOCK_GAPS.sub(" ", block).strip()
        if line:
            lines.append(line)
    title = (root.findtext(".//title") or "").strip()
    return Extraction([PageText(1, "\n".join(lines), "html")], {"encoding": encoding, "title": title})
