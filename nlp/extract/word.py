"""Word documents (.docx) with python-docx, page by page where Word recorded its page breaks.

python-docx (MIT, maintained since 2013) opens the package (parts, relationships); the text is
read from the body's XML in document order, tables included, so that a cell stays in its row.
A .docx has no fixed pages: a new page starts at each hard page break and at each break Word
recorded the last time it laid the document out (``w:lastRenderedPageBreak``).
"""

from __future__ import annotations

import io

from lxml import etree

from nlp.extract import Extraction, ExtractionError
from nlp.extract.office import PageWriter, open_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def extract(data: bytes) -> Extraction:
    """The pages of text of a .docx file. Raises :class:`ExtractionError` for an unreadable one."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    open_zip(data, "Word (.docx)").close()  # refuses a zip bomb before python-docx inflates it
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise ExtractionError(f"corrupted Word (.docx) file: {exc}") from None
    writer = PageWriter()
    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_W}t":
                writer.write(element.text)
            elif tag == f"{_W}tab":
                writer.write("\t")
            elif tag == f"{_W}br":
                if element.get(f"{_W}type") == "page":
                    writer.page_break()
                else:
                    writer.write("\n")
            elif tag == f"{_W}lastRenderedPageBreak":
                writer.page_break()
        elif tag == f"{_W}p":
            writer.write("\n")
        elif tag == f"{_W}tc":
            writer.write("\t")
    return writer.extraction()
