"""PDF text, page by page, with pypdfium2 (the fastest permissively licensed reader measured);
pages without a text layer (scans) are read by OCR when Tesseract is installed."""

from __future__ import annotations

import ctypes
import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from nlp.extract import Extraction, ExtractionError, PageText, ocr

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20  # fewer letters than this on a page holding an image: a scan
MAX_OCR_PAGES = 200  # a 600-page scanned budget would take hours; the rest is recorded as skipped


def extract_pdf(data: bytes, language: str | None = None, name: str | None = None) -> Extraction:
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
    pages: list[PageText] = []
    scans: list[int] = []  # indexes of pages without a text layer
    metadata: dict[str, Any] = {}
    try:
        for index in range(len(pdf)):
            text = _text(pdf, index)
            if not _has_letters(text, MIN_TEXT_CHARS) and _has_image(pdf, index):
                scans.append(index)
            pages.append(PageText(index + 1, text, "text"))
        if scans:
            _read_scans(pdf, pages, scans, language, name, metadata)
    except pdfium.PdfiumError as exc:
        raise ExtractionError(f"corrupted PDF: page {len(pages) + 1} unreadable ({exc})") from None
    finally:
        pdf.close()
    metadata["page_count"] = len(pages)
    return Extraction(pages, metadata)


def _text(pdf: pdfium.PdfDocument, index: int) -> str:
    """The text of page ``index``, read with pdfium's own functions, as ``PdfTextPage.get_text_bounded``
    reads it: pypdfium2's page and text page objects (each with its finalizer) cost a twentieth of
    the reading, on every page of every document."""
    page = pdfium_c.FPDF_LoadPage(pdf.raw, index)
    if not page:
        raise pdfium.PdfiumError("Failed to load page.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise pdfium.PdfiumError("Failed to load text page.")
        try:
            text = _bounded_text(page, textpage)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)
    # PDFium writes U+0002 for a word hyphenated at the end of a line ("vidéo\x02protection"), line
    # break removed: give the hyphen and the line break back, as on the page.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-\n")


def _bounded_text(page: Any, textpage: Any) -> str:
    """The text of the page's bounding box (its media box within its crop box)."""
    box = pdfium_c.FS_RECTF()
    if not pdfium_c.FPDF_GetPageBoundingBox(page, box):
        raise pdfium.PdfiumError("Failed to get page bounding box.")
    where = (textpage, box.left, box.top, box.right, box.bottom)
    length = pdfium_c.FPDFText_GetBoundedText(*where, None, 0)
    if length <= 0:
        return ""
    buffer = (ctypes.c_ushort * length)()
    pdfium_c.FPDFText_GetBoundedText(*where, buffer, length)
    return bytes(buffer).decode("utf-16-le", errors="ignore")


def _has_letters(text: str, enough: int) -> bool:
    """Whether ``text`` has at least ``enough`` letters; stops counting there (most pages do)."""
    count = 0
    for char in text:
        if char.isalpha():
            count += 1
            if count >= enough:
                return True
    return False


def _has_image(pdf: pdfium.PdfDocument, index: int) -> bool:
    page = pdf[index]
    try:
        return any(obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))
    finally:
        page.close()


def _read_scans(
    pdf: pdfium.PdfDocument,
    pages: list[PageText],
    scans: list[int],
    language: str | None,
    name: str | None,
    metadata: dict[str, Any],
) -> None:
    """OCR of the scanned pages: rendered in turn, read by parallel Tesseract processes.

    At most one rendered page per Tesseract process is held at a time: the next page is rendered
    only once a process is free, so memory stays at a few bitmaps whatever the document's length.
    """
    if not ocr.tesseract():
        ocr.warn_unavailable()
        metadata.update(ocr="unavailable", ocr_skipped_pages=[i + 1 for i in scans])
        return
    if len(scans) > MAX_OCR_PAGES:
        metadata["ocr_skipped_pages"] = [i + 1 for i in scans[MAX_OCR_PAGES:]]
        scans = scans[:MAX_OCR_PAGES]
    workers = ocr.workers()
    reading: deque[tuple[int, Future[str]]] = deque()
    with ThreadPoolExecutor(workers) as pool:
        for index in scans:
            if len(reading) >= workers:
                _record_ocr(pages, metadata, name, *reading.popleft())
            page = pdf[index]
            try:
                image, dpi = ocr.render(page)
            except ocr.OcrError as exc:
                _ocr_failed(metadata, name, index, exc)
                continue
            finally:
                page.close()
            reading.append((index, pool.submit(ocr.read_image, image, language, dpi)))
            del image
        while reading:
            _record_ocr(pages, metadata, name, *reading.popleft())


def _record_ocr(
    pages: list[PageText], metadata: dict[str, Any], name: str | None, index: int, future: Future[str]
) -> None:
    try:
        pages[index] = PageText(index + 1, future.result(), "ocr")
    except ocr.OcrError as exc:
        _ocr_failed(metadata, name, index, exc)
        return
    metadata.setdefault("ocr_pages", []).append(index + 1)
    metadata["ocr"] = "tesseract"


def _ocr_failed(metadata: dict[str, Any], name: str | None, index: int, exc: Exception) -> None:
    log.warning("%s: OCR of page %d failed: %s", name or "PDF", index + 1, exc)
    metadata.setdefault("ocr_failed_pages", []).append(index + 1)
    metadata.setdefault("ocr_errors", []).append(f"page {index + 1}: {exc}")
