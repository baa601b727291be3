"""Turn a stored file into pages of text: PDF (pypdfium2), HTML and plain text.

``extract`` never lets a bad file escape as anything but :class:`ExtractionError`, whose
message is the reason recorded on the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ExtractionError(Exception):
    """The file could not be read; the message says why, in words a maintainer can act on."""


@dataclass
class PageText:
    number: int  # 1-based
    text: str  # as stored in the ``pages`` table: hits' offsets refer to it
    method: str = "text"  # text, ocr, html, record


@dataclass
class Extraction:
    pages: list[PageText]
    metadata: dict[str, Any] = field(default_factory=dict)


def sniff_kind(data: bytes, media_type: str | None = None, name: str | None = None) -> str:
    """``pdf``, ``html`` or ``text``, from the bytes first: servers and file names lie."""
    head = data[:1024].lstrip()
    if b"%PDF-" in data[:1024]:
        return "pdf"
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<body" in lowered:
        return "html"
    media = (media_type or "").lower()
    name = (name or "").lower()
    if "pdf" in media or name.endswith(".pdf"):
        return "pdf"  # claims to be a PDF but has no PDF header: extract_pdf explains
    if "html" in media or name.endswith((".html", ".htm")):
        return "html"
    return "text"


def extract(data: bytes, media_type: str | None = None, name: str | None = None,
            language: str | None = None) -> Extraction:
    """Extract the pages of text of a file, whatever its kind, without its prefecture stamp.

    ``language`` guides OCR of scanned pages. The @ctes stamp is parsed into ``metadata``
    (``acte_id``, ``acte``, ``prefecture``) and its lines removed from the pages' text.
    """
    from nlp.extract.html import extract_html
    from nlp.extract.pdf import extract_pdf
    from nlp.extract.plain import extract_plain
    from nlp.extract.stamp import stamp_metadata, strip_stamp

    kind = sniff_kind(data, media_type, name)
    if kind == "pdf":
        extraction = extract_pdf(data, language, name)
    elif kind == "html":
        extraction = extract_html(data, media_type)
    else:
        extraction = extract_plain(data, media_type)
    stamps = []
    for page in extraction.pages:
        page.text, found = strip_stamp(page.text)
        stamps.append(found)
    extraction.metadata.update(stamp_metadata(stamps))
    return extraction
