"""The readers of office documents, by kind (``storage.filetypes``), and what they share.

Each format has its own module and library: ``word`` (.docx, python-docx), ``word97`` (.doc,
olefile), ``opendocument`` (.odt, lxml), ``rtf`` (striprtf), ``spreadsheet`` (.xlsx, openpyxl).
They are imported on first use: a run with only PDFs never loads them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from importlib import import_module

from nlp.extract import Extraction, ExtractionError, PageText

# An office file is a zip of XML: a few kilobytes can inflate to gigabytes. Real agendas and
# minutes hold well under this once uncompressed.
MAX_UNCOMPRESSED = 200 * 1024 * 1024

_MODULES = {"docx": "word", "doc": "word97", "odt": "opendocument", "rtf": "rtf", "xlsx": "spreadsheet"}


def _reader(kind: str) -> Callable[[bytes], Extraction]:
    def read(data: bytes) -> Extraction:
        return import_module(f"nlp.extract.{_MODULES[kind]}").extract(data)

    return read


READERS: dict[str, Callable[[bytes], Extraction]] = {kind: _reader(kind) for kind in _MODULES}


def open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """The zip archive of an office file, refused when it would inflate beyond MAX_UNCOMPRESSED."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractionError(f"corrupted {what} file: {exc}") from None
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNCOMPRESSED:
        archive.close()
        raise ExtractionError(
            f"{what} file of {total // (1024 * 1024)} MB once uncompressed, more than the "
            f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB a council document needs: not read"
        )
    return archive


class PageWriter:
    """Text written piece by piece, cut into pages at page breaks (the format's own, or those its
    editor recorded when it last laid the document out)."""

    def __init__(self, method: str = "text") -> None:
        self.method = method
        self.pages: list[str] = []
        self.pieces: list[str] = []

    def write(self, text: str | None) -> None:
        if text:
            self.pieces.append(text)

    def page_break(self) -> None:
        """End the page here, unless nothing was written on it yet (a break right after another)."""
        if "".join(self.pieces).strip():
            self.pages.append("".join(self.pieces))
            self.pieces = []

    def extraction(self, **metadata) -> Extraction:
        self.page_break()
        texts = [_tidy(page) for page in self.pages] or [""]
        return Extraction(
            [PageText(i + 1, text, self.method) for i, text in enumerate(texts)], {"page_count": len(texts), **metadata}
        )


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):  # one blank line at most between paragraphs
            tidy.append(line)
    return "\n".join(tidy).strip("\n")
