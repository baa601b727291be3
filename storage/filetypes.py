"""What a file is, from its first bytes first, then its media type and its name: servers and
file names lie. Shared by the crawler (is this answer a document, a page, or neither?) and by
text extraction (which reader?)."""

from __future__ import annotations

import io
import zipfile

# The kinds Vigie reads as documents; "html" and "text" are read too, "other" is not.
DOCUMENT_KINDS = ("pdf", "docx", "doc", "odt", "rtf", "xlsx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "doc": "application/msword",
    "rtf": "application/rtf",
    "html": "text/html",
    "text": "text/plain",
}
# Words of media types and file extensions, for files whose bytes say nothing.
_CLAIMS = (
    ("pdf", ("pdf",), (".pdf",)),
    ("docx", ("wordprocessingml",), (".docx",)),
    ("xlsx", ("spreadsheetml",), (".xlsx",)),
    ("odt", ("opendocument.text",), (".odt",)),
    ("doc", ("msword",), (".doc",)),
    ("rtf", ("rtf",), (".rtf",)),
    ("html", ("html",), (".html", ".htm")),
    ("text", ("text/plain",), (".txt",)),
)
# Every file name ending Vigie reads (`vigie analyze` and `vigie ingest` pick files by them).
READABLE_SUFFIXES = tuple(suffix for _, _, suffixes in _CLAIMS for suffix in suffixes)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the Compound File of Word 97-2003 (and Excel, Outlook…)
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def file_kind(data: bytes, media_type: str | None = None, name: str | None = None) -> str:
    """``pdf``, ``docx``, ``xlsx``, ``odt``, ``doc``, ``rtf``, ``html``, ``text``, ``archive`` (another
    zip or compound file: a folder of photos, an Excel 97 workbook) or ``other``."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith((b"PK\x03\x04", _OLE)):
        kind = _zip_kind(data) if head.startswith(b"PK") else "doc" if _WORD_STREAM in data else "archive"
        # A broken container that claims a kind goes to that kind's reader, which says what is wrong.
        return claimed_kind(media_type, name) or kind if kind == "archive" else kind
    stripped = head.lstrip()
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    lowered = stripped[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<body" in lowered:
        return "html"
    return claimed_kind(media_type, name) or "other"


def claimed_kind(media_type: str | None, name: str | None) -> str | None:
    """The kind that a media type or a file name claims, or None."""
    media, name = (media_type or "").lower(), (name or "").lower().split("?")[0]
    for kind, media_words, extensions in _CLAIMS:
        if any(word in media for word in media_words) or name.endswith(extensions):
            return kind
    return None


def _zip_kind(data: bytes) -> str:
    """``docx``, ``xlsx`` or ``odt`` from the archive's table of contents; ``archive`` for any other zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "content.xml" in names and "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100)
                return "odt" if mimetype.strip() == MEDIA_TYPES["odt"].encode() else "archive"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return "archive"
    return "archive"
