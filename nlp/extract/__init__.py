"""Turn a stored file into pages of text: PDF (pypdfium2), Word, OpenDocument, RTF, Excel, HTML
and plain text.

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
    """``pdf``, ``docx``, ``xlsx``, ``odt``, ``doc``, ``rtf``, ``html``, ``archive`` or ``text``, from
    the bytes first: servers and file names lie (``storage.filetypes``). A file that only claims
    a kind (a PDF without a PDF header) is given to that kind's reader, which explains."""
    from storage.filetypes import file_kind

    kind = file_kind(data, media_type, name)
    return "text" if kind == "other" else kind


def extract(
    data: bytes, media_type: str | None = None, name: str | None = None, language: str | None = None
) -> Extraction:
    """Extract the pages of text of a file, whatever its kind, without its prefecture stamp.

    ``language`` guides OCR of scanned pages. The @ctes stamp is parsed into ``metadata``
    (``acte_id``, ``acte``, ``prefecture``) and its lines removed from the pages' text.
    """
    from nlp.extract import office
    from nlp.extract.html import extract_html
    from nlp.extract.pdf import extract_pdf
    from nlp.extract.plain import extract_plain
    from nlp.extract.stamp import stamp_metadata, strip_stamp

    kind = sniff_kind(data, media_type, name)
    if kind == "pdf":
        extraction = extract_pdf(data, language, name)
    elif kind in office.READERS:
        extraction = office.READERS[kind](data)
    elif kind == "archive":
        raise ExtractionError(
            "an archive (zip or compound file) that is not a Word, OpenDocument or Excel document: nothing to read"
        )
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
