"""OCR of scanned pages: real scans of a commune's minutes, read by Tesseract when it is installed."""

from __future__ import annotations

import logging
import shutil

import pytest

from nlp.extract import extract, ocr
from tests.nlp.conftest import FIXTURES

SCAN = FIXTURES / "pdf" / "flaux-compte-rendu-cm-2022-04-28-page1.pdf"
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason=f"Tesseract is not installed ({ocr.INSTALL_HINT})"
)


@needs_tesseract
@pytest.mark.slow
def test_a_scanned_page_is_read_by_ocr_and_its_stamp_parsed() -> None:
    extraction = extract(SCAN.read_bytes(), "application/pdf", SCAN.name, "fr")
    page = extraction.pages[0]
    assert page.method == "ocr"
    assert "conseil municipal" in page.text.lower() and "séance du 28 avril 2022" in page.text.lower()
    assert extraction.metadata["ocr_pages"] == [1]
    assert extraction.metadata["acte_id"] == "030-213001100-20220610-CR28042022-DE"
    assert "030-213001100" not in page.text


def test_without_tesseract_scanned_pages_are_skipped_with_a_clear_message(monkeypatch, caplog) -> None:
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    ocr.warn_unavailable.cache_clear()
    with caplog.at_level(logging.WARNING):
        extraction = extract(SCAN.read_bytes(), "application/pdf", SCAN.name, "fr")
    assert extraction.pages[0].text.strip() == "" and extraction.pages[0].method == "text"
    assert extraction.metadata["ocr"] == "unavailable" and extraction.metadata["ocr_skipped_pages"] == [1]
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in caplog.text


def test_tesseract_languages_fall_back_to_an_installed_one(monkeypatch) -> None:
    monkeypatch.setattr(ocr, "installed_languages", lambda: frozenset({"eng", "fra", "osd"}))
    assert [ocr.tesseract_language(lang) for lang in ("fr", "en", "de", None)] == ["fra", "eng", "fra", "fra"]


def test_a_grey_bitmap_becomes_a_pgm_without_its_row_padding() -> None:
    image = ocr.pgm(2, 2, 4, bytes([1, 2, 0, 0, 3, 4, 0, 0]))
    assert image == b"P5\n2 2\n255\n" + bytes([1, 2, 3, 4])


def test_a_large_plan_is_rendered_at_a_lower_resolution_within_the_pixel_cap() -> None:
    import pypdfium2 as pdfium

    from tests.nlp.hostile_pdfs import wall_sized_scan

    plan = pdfium.PdfDocument(wall_sized_scan(points=3370))  # 119 cm square: 196 megapixels at 300 dpi
    try:
        image, dpi = ocr.render(plan[0])
    finally:
        plan.close()
    width, height = map(int, image.split(b"\n")[1].split())
    assert dpi == 128 and width * height <= ocr.MAX_PIXELS
