"""OpenDocument text (.odt), page by page where LibreOffice recorded its page breaks.

Read with lxml (BSD, already Vigie's HTML parser) from the file's ``content.xml``: ODF is plain
XML in a zip, and odfpy, the ODF library, has had no release since 2020. A new page starts at
each ``text:soft-page-break`` (recorded by LibreOffice when it last laid the text out) and at each
paragraph whose style asks for a page break before it.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from nlp.extract import Extraction, ExtractionError
from nlp.extract.office import PageWriter, open_zip

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
_PARAGRAPHS = (f"{_TEXT}p", f"{_TEXT}h")
# No entities, no network: the file is untrusted.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def extract(data: bytes) -> Extraction:
    """The pages of text of an .odt file. Raises :class:`ExtractionError` for an unreadable one."""
    with open_zip(data, "OpenDocument (.odt)") as archive:
        try:
            root = etree.fromstring(archive.read("content.xml"), _PARSER)
        except (KeyError, etree.XMLSyntaxError) as exc:
            raise ExtractionError(f"corrupted OpenDocument (.odt) file: {exc}") from None
    breaking = {
        style.get(f"{_STYLE}name")
        for style in root.iter(f"{_STYLE}style")
        if any(props.get(f"{_FO}break-before") == "page" for props in style.iter(f"{_STYLE}paragraph-properties"))
    }
    writer = PageWriter()
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag in _PARAGRAPHS and element.get(f"{_TEXT}style-name") in breaking:
                writer.page_break()
            if tag == f"{_TEXT}soft-page-break":
                writer.page_break()
            elif tag == f"{_TEXT}s":
                writer.write(" " * int(element.get(f"{_TEXT}c", "1") or 1))
            elif tag == f"{_TEXT}tab":
                writer.write("\t")
            elif tag == f"{_TEXT}line-break":
                writer.write("\n")
            elif _inside_paragraph(element) or tag in _PARAGRAPHS:
                writer.write(element.text)
        else:
            if tag in _PARAGRAPHS:
                writer.write("\n")
            elif _inside_paragraph(element):
                writer.write(element.tail)
    return writer.extraction()


def _inside_paragraph(element: Any) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in _PARAGRAPHS:
            return True
        parent = parent.getparent()
    return False
