"""Rich Text Format (.rtf) with striprtf (BSD, maintained), page by page at RTF's page breaks.

RTF has no laid-out pages; its explicit page breaks (``\\page``) are kept as form feeds, which
striprtf writes as characters, and the text is cut there.
"""

from __future__ import annotations

import re

from nlp.extract import Extraction, ExtractionError
from nlp.extract.office import PageWriter

_PAGE = re.compile(r"(?<!\\)\\page(?![a-zA-Z])\s?")


def extract(data: bytes) -> Extraction:
    """The pages of text of an .rtf file. Raises :class:`ExtractionError` for an unreadable one."""
    from striprtf.striprtf import rtf_to_text

    # RTF is 7-bit text with escapes; Latin-1 maps any stray byte to one character, losslessly.
    source = data.decode("latin-1")
    if not source.lstrip().startswith("{\\rtf"):
        raise ExtractionError("not an RTF file (no {\\rtf header)")
    try:
        text = rtf_to_text(  # type: ignore[no-untyped-call]  # striprtf has no annotations
            _PAGE.sub(r"\\u12?", source), errors="replace"
        )  # \uN then its one-character fallback
    except (ValueError, IndexError, LookupError) as exc:
        raise ExtractionError(f"corrupted RTF file: {exc}") from None
    writer = PageWriter()
    for number, page in enumerate(text.split("\f")):
        if number:
            writer.page_break()
        writer.write(page)
    return writer.extraction()
