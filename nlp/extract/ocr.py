"""OCR of scanned PDF pages with Tesseract (Debian: ``apt-get install tesseract-ocr tesseract-ocr-fra``).

Tesseract is found on the PATH at run time. Where it is absent, scanned pages keep no text, the
document's metadata says so, and one warning says how to install it: the run goes on.
Pages are rendered by pypdfium2 in grey levels and handed to ``tesseract`` as a PGM image on its
standard input, so that no imaging library is needed; several pages are read at once, one
single-threaded Tesseract process per core (measured: a process pool for PDF text extraction itself
was slower than one process on these two cores, as performance.md found for spaCy).

A page's bitmap is capped at :data:`MAX_PIXELS`: a page the size of a wall (a PDF page may be
5 m wide) would ask for gigabytes at 300 dpi. A large page is rendered at a lower resolution, down
to :data:`MIN_DPI`; a larger one is refused with its size, and the document keeps its other pages.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import subprocess
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

DPI = 300  # Tesseract's accuracy drops quickly below about 250 dpi on typewritten minutes
MAX_PIXELS = 36_000_000  # an A2 sheet at 300 dpi; 36 MB in grey levels
MIN_DPI = 100  # below it, Tesseract reads little more than titles
TIMEOUT_S = 180  # per page
LANGUAGES = {"fr": "fra", "en": "eng", "de": "deu"}
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-fra"


class OcrError(Exception):
    """Tesseract failed on one page; the message says why."""


@lru_cache(maxsize=1)
def tesseract() -> str | None:
    """Path of the ``tesseract`` program, or None when it is not installed."""
    return shutil.which("tesseract")


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    path = tesseract()
    if not path:
        return frozenset()
    result = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30)
    return frozenset(line.strip() for line in result.stdout.splitlines()[1:] if line.strip())


def tesseract_language(language: str | None) -> str:
    """Tesseract's code for a document language, falling back to French, then to what is installed."""
    installed = installed_languages()
    for code in (LANGUAGES.get(language or "fr", "fra"), "fra", "eng"):
        if code in installed:
            return code
    return next(iter(sorted(installed)), "eng")


@lru_cache(maxsize=1)
def warn_unavailable() -> None:
    """Said once per process: scanned pages are being skipped."""
    log.warning(
        "Scanned pages (no text layer) are left without text: Tesseract is not installed. Install it to read them: %s",
        INSTALL_HINT,
    )


def pgm(width: int, height: int, stride: int, buffer: Any) -> bytes:
    """A grey-level bitmap as a binary PGM image (rows copied without their stride padding)."""
    header = f"P5\n{width} {height}\n255\n".encode()
    pixels = memoryview(buffer).cast("B")
    if stride == width:
        return header + pixels[: width * height].tobytes()
    return header + b"".join(pixels[row * stride : row * stride + width].tobytes() for row in range(height))


def render(page: Any) -> tuple[bytes, int]:
    """A pypdfium2 page as a grey-level PGM image, and its resolution: :data:`DPI`, or less for a
    page too large for :data:`MAX_PIXELS`. Raises :class:`OcrError` for a page too large to read
    at :data:`MIN_DPI`. pdfium is not thread-safe: call it in turn."""
    width, height = page.get_size()  # points: 1/72 inch
    dpi = min(DPI, int(72 * math.sqrt(MAX_PIXELS / max(width * height, 1.0))))
    if dpi < MIN_DPI:
        raise OcrError(
            f"page of {width / 72 * 2.54:.0f} × {height / 72 * 2.54:.0f} cm, too large to read at "
            f"{MIN_DPI} dpi within {MAX_PIXELS // 1_000_000} megapixels"
        )
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        return pgm(bitmap.width, bitmap.height, bitmap.stride, bitmap.buffer), dpi
    finally:
        bitmap.close()


def read_image(image: bytes, language: str | None = None, dpi: int = DPI) -> str:
    """The text Tesseract reads in a PGM image. Raises :class:`OcrError`; safe to call from threads."""
    path = tesseract()
    if not path:
        raise OcrError(f"Tesseract is not installed ({INSTALL_HINT})")
    # One thread per Tesseract process: pages are read in parallel processes instead.
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    try:
        result = subprocess.run(
            [path, "stdin", "stdout", "-l", tesseract_language(language), "--psm", "3", "--dpi", str(dpi)],
            input=image,
            capture_output=True,
            timeout=TIMEOUT_S,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise OcrError(f"Tesseract took more than {TIMEOUT_S} s") from None
    if result.returncode != 0:
        raise OcrError(f"Tesseract failed: {result.stderr.decode('utf-8', 'replace').strip()[:300]}")
    return result.stdout.decode("utf-8", "replace")


def workers() -> int:
    """Tesseract processes run at once: one per core (OCR is the slowest step by far)."""
    return max(os.cpu_count() or 1, 1)
