"""Small real office documents for tests, generated (no binary file is committed).

.docx with python-docx and .xlsx with openpyxl (Vigie's own readers' libraries, writing);
.odt and .rtf written as their specifications say; .doc as a minimal Word 97 binary file inside
a Compound File ([MS-CFB], [MS-DOC]) built here, since no maintained library writes one.
Each function takes pages of text: one string per page, lines split on new lines.
"""

from __future__ import annotations

import io
import struct
import zipfile


def make_docx(*pages: str) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for number, page in enumerate(pages):
        for line in page.splitlines():
            paragraph = document.add_paragraph(line)
        if number < len(pages) - 1:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx(**sheets: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">
<office:automatic-styles><style:style style:name="P1" style:family="paragraph">
<style:paragraph-properties fo:break-before="page"/></style:style></office:automatic-styles>
<office:body><office:text>{paragraphs}</office:text></office:body></office:document-content>"""


def make_odt(*pages: str) -> bytes:
    from xml.sax.saxutils import escape

    paragraphs = []
    for number, page in enumerate(pages):
        for index, line in enumerate(page.splitlines()):
            style = ' text:style-name="P1"' if number and not index else ""
            paragraphs.append(f"<text:p{style}>{escape(line)}</text:p>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", _ODT_CONTENT.format(paragraphs="".join(paragraphs)), zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return buffer.getvalue()


def make_rtf(*pages: str) -> bytes:
    def escaped(line: str) -> str:
        out = []
        for char in line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}"):
            out.append(char if ord(char) < 128 else f"\\'{char.encode('cp1252').hex()}")
        return "".join(out)

    body = "\\page\n".join("".join(f"{escaped(line)}\\par\n" for line in page.splitlines()) for page in pages)
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n" + body + "}").encode("ascii")


# -- Word 97 (.doc) ------------------------------------------------------------------------

_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_TEXT_AT = 0x800  # where the text starts in the WordDocument stream


def make_doc(*pages: str) -> bytes:
    """A Word 97 document whose main text is ``pages``, separated by page breaks (one piece of
    Windows-1252 text)."""
    text = "\x0c".join("\r".join(page.splitlines()) + "\r" for page in pages).encode("cp1252")
    word = bytearray(max(4096, _TEXT_AT + len(text) + 1))
    struct.pack_into("<HH", word, 0, 0xA5EC, 0x00C1)  # wIdent, nFib (Word 97)
    struct.pack_into("<H", word, 0x0A, 0x0200)  # fWhichTblStm: the table stream is 1Table
    struct.pack_into("<i", word, 0x4C, len(text))  # ccpText
    clx = (
        struct.pack("<BI", 0x02, 4 * 2 + 8)
        + struct.pack("<II", 0, len(text))
        + struct.pack("<HIH", 0, (_TEXT_AT * 2) | 0x40000000, 0)
    )  # one compressed piece
    struct.pack_into("<II", word, 0x1A2, 0, len(clx))  # fcClx, lcbClx
    word[_TEXT_AT : _TEXT_AT + len(text)] = text
    table = clx + bytes(4096 - len(clx))
    return compound_file({"1Table": table, "WordDocument": bytes(word)})


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A Compound File (version 3) holding ``streams`` (each of 4096 bytes or more, so that all
    live in regular sectors), in the order given: names must be in the format's order (shorter
    first)."""
    sectors: list[bytes] = []
    fat: list[int] = []
    starts = []
    for data in streams.values():
        if len(data) < 4096:
            raise ValueError("streams of the mini stream are not supported: pad them to 4096 bytes")
        count = -(-len(data) // _SECTOR)
        starts.append(len(sectors))
        for n in range(count):
            sectors.append(data[n * _SECTOR : (n + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(len(sectors) if n < count - 1 else _END)
    entries = [_entry("Root Entry", 5, child=1, start=_END, size=0)]
    names = list(streams)
    for index, name in enumerate(names):
        entries.append(
            _entry(
                name,
                2,
                right=index + 2 if index + 1 < len(names) else _NOSTREAM,
                start=starts[index],
                size=len(streams[name]),
            )
        )
    directory = b"".join(entries).ljust(-(-len(entries) * 128 // _SECTOR) * _SECTOR, b"\0")
    directory_start = len(sectors)
    for n in range(len(directory) // _SECTOR):
        sectors.append(directory[n * _SECTOR : (n + 1) * _SECTOR])
        fat.append(len(sectors) if n < len(directory) // _SECTOR - 1 else _END)
    fat_sectors = -(-(len(fat) + 1) // (_SECTOR // 4))
    while -(-(len(fat) + fat_sectors) // (_SECTOR // 4)) > fat_sectors:
        fat_sectors += 1
    fat_start = len(sectors)
    fat += [_FATSECT] * fat_sectors
    fat += [_FREE] * (fat_sectors * (_SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    for n in range(fat_sectors):
        sectors.append(fat_bytes[n * _SECTOR : (n + 1) * _SECTOR])
    difat = [fat_start + n for n in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        fat_sectors,
        directory_start,
        0,
        4096,
        _END,
        0,
        _END,
        0,
    )
    header += struct.pack("<109I", *difat)
    return header + b"".join(sectors)


def _entry(
    name: str, kind: int, child: int = _NOSTREAM, right: int = _NOSTREAM, start: int = 0, size: int = 0
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, _NOSTREAM, right, child, bytes(16), 0, 0, 0, start, size
    )
