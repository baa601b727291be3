"""Word 97-2003 documents (.doc): the text of the main document, read through its piece table.

olefile (BSD, maintained) opens the Compound File; the text is then found as the Word binary
format specifies ([MS-DOC], https://learn.microsoft.com/openspecs/office_file_formats/ms-doc/):
the File Information Block gives the piece table (``Clx``) in the table stream, whose pieces
are runs of Windows-1252 or UTF-16 text in the ``WordDocument`` stream. Field codes are left
out, their results kept. A .doc has no stored pages: the text is cut at its page and section
breaks.
"""

from __future__ import annotations

import io
import re
import struct

from nlp.extract import Extraction, ExtractionError
from nlp.extract.office import MAX_UNCOMPRESSED, PageWriter

_FIB_IDENT = 0xA5EC
_FLAGS, _CCP_TEXT, _FC_CLX, _LCB_CLX = 0x0A, 0x4C, 0x1A2, 0x1A6
_WHICH_TABLE, _ENCRYPTED = 0x0200, 0x0100
_COMPRESSED = 0x40000000
# Word's control characters: paragraph end, cell end, line break, page break, hyphens, objects.
_CONTROLS = str.maketrans(
    {
        "\r": "\n",
        "\x07": "\t",
        "\x0b": "\n",
        "\x1e": "-",
        "\x1f": None,
        "\x14": None,
        "\x01": None,
        "\x08": None,
        "\x05": None,
    }
)
_FIELD = re.compile("\x13[^\x13\x14\x15]*(?:\x14|\x15)")  # a field's code, up to its result or end


def extract(data: bytes) -> Extraction:
    """The pages of text of a .doc file. Raises :class:`ExtractionError` for an unreadable one."""
    import olefile

    try:
        # A file object: given bytes shorter than a sector, olefile would take them for a path.
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            word = _stream(ole, "WordDocument")
            if len(word) < _LCB_CLX + 4 or struct.unpack_from("<H", word, 0)[0] != _FIB_IDENT:
                raise ExtractionError("not a Word 97-2003 document (no Word header)")
            flags = struct.unpack_from("<H", word, _FLAGS)[0]
            if flags & _ENCRYPTED:
                raise ExtractionError("encrypted Word document: a password is needed to read it")
            table = _stream(ole, "1Table" if flags & _WHICH_TABLE else "0Table")
    except (OSError, struct.error) as exc:  # olefile raises OSError for a broken compound file
        raise ExtractionError(f"corrupted Word (.doc) file: {exc}") from None
    text = _text(word, table)
    while _FIELD.search(text):  # fields nest: strip the innermost codes first
        text = _FIELD.sub("", text)
    text = text.replace("\x15", "").translate(_CONTROLS)
    writer = PageWriter()
    for number, page in enumerate(text.split("\x0c")):
        if number:
            writer.page_break()
        writer.write(page)
    return writer.extraction()


def _stream(ole, name: str) -> bytes:
    if not ole.exists(name):
        raise ExtractionError(f"corrupted Word (.doc) file: no {name} stream")
    if ole.get_size(name) > MAX_UNCOMPRESSED:
        raise ExtractionError(f"Word (.doc) stream {name} larger than {MAX_UNCOMPRESSED // (1024 * 1024)} MB: not read")
    return ole.openstream(name).read()


def _text(word: bytes, table: bytes) -> str:
    """The main document's text, joined from the pieces of the piece table."""
    ccp_text = struct.unpack_from("<i", word, _CCP_TEXT)[0]
    fc_clx, lcb_clx = struct.unpack_from("<II", word, _FC_CLX)
    clx = table[fc_clx : fc_clx + lcb_clx]
    try:
        i = 0
        while i < len(clx) and clx[i] == 0x01:  # Prc: formatting, skipped
            i += 3 + struct.unpack_from("<h", clx, i + 1)[0]
        if i >= len(clx) or clx[i] != 0x02:
            raise ExtractionError("corrupted Word (.doc) file: no piece table")
        size = struct.unpack_from("<I", clx, i + 1)[0]
        plc = clx[i + 5 : i + 5 + size]
        count = (len(plc) - 4) // 12
        cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
        pieces = []
        for n in range(count):
            fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * n + 2)[0]
            length = cps[n + 1] - cps[n]
            if fc & _COMPRESSED:
                start = (fc & ~_COMPRESSED) // 2
                pieces.append(word[start : start + length].decode("cp1252", errors="replace"))
            else:
                pieces.append(word[fc : fc + 2 * length].decode("utf-16-le", errors="replace"))
    except struct.error as exc:
        raise ExtractionError(f"corrupted Word (.doc) file: piece table unreadable ({exc})") from None
    return "".join(pieces)[: max(ccp_text, 0)]
