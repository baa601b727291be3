"""Plain text: decoded from its declared charset, else UTF-8, else the most likely encoding."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from nlp.extract import Extraction, PageText


def decode_text(data: bytes, media_type: str | None = None) -> str:
    declared = re.search(r"charset=([\w-]+)", media_type or "", re.I)
    candidates = [declared.group(1)] if declared else []
    for encoding in (*candidates, "utf-8-sig"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("cp1252", errors="replace")


def extract_plain(data: bytes, media_type: str | None = None) -> Extraction:
    """One page per form feed (``\\f``), as ``pdftotext`` writes them; otherwise one page."""
    text = decode_text(data, media_type)
    parts = text.split("\f") if "\f" in text else [text]
    return Extraction([PageText(i + 1, part, "text") for i, part in enumerate(parts)])
