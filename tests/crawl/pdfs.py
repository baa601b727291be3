"""Small real PDFs for crawl tests, made with reportlab (a test dependency)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def make_pdf(*pages: str, password: str | None = None) -> bytes:
    """A PDF with one page per text (lines split on new lines); encrypted when ``password`` is set."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, encrypt=password)
    for text in pages:
        y = 800
        for line in text.splitlines():
            pdf.drawString(60, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def corrupted_pdf() -> bytes:
    """A file that claims to be a PDF and is not one."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF"
