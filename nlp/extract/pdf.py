"""PDF text, page by page, with pypdfium2 (the fastest permissively licensed reader measured)."""

from __future__ import annotations

import pypdfium2 as pdfium

from nlp.extract import Extraction, ExtractionError, PageText


def extract_pdf(data: bytes) -> Extraction:
    """Every page's text. Raises :class:`ExtractionError` for files that are not readable PDFs."""
    if b"%PDF-" not in data[:1024]:
        # Some readers "open" an HTML error page served as a PDF; refuse it explicitly.
        start = data[:60].decode("latin-1", "replace").strip()
        raise ExtractionError(f"not a PDF file (it starts with {start!r}): probably an error page")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ExtractionError("encrypted PDF: a password is needed to read it") from None
        raise ExtractionError(f"corrupted PDF: {message}") from None
    pages = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_bounded()
                finally:
                    textpage.close()
            finally:
                page.close()
            pages.append(PageText(index + 1, text.replace("\r\n", "\n").replace("\r", "\n"), "text"))
    except pdfium.PdfiumError as exc:
        raise ExtractionError(f"corrupted PDF: page {len(pages) + 1} unreadable ({exc})") from None
    finally:
        pdf.close()
    return Extraction(pages, {"page_count": len(pages)})
