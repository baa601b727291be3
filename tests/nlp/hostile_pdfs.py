"""Hostile PDFs, written byte by byte when a test needs them (none is committed).

Each is a valid PDF that any reader opens, and that asks it for far more than its size:

- :func:`form_bomb`: 4 KB; the page draws a form object that draws the next one four times,
  twenty levels deep: 4²⁰ (a million million) drawings of the last one;
- :func:`inflate_bomb`: 2 MB; its page's content stream inflates to 2 GiB of spaces;
- :func:`wall_sized_scan`: 700 bytes; one page 5 metres square holding only an image (a "scan"),
  which OCR at 300 dpi would render as a 3.6 gigapixel bitmap.
"""

from __future__ import annotations

import zlib

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def assemble(*objects: bytes) -> bytes:
    """A PDF file of ``objects`` (numbered from 1; the first is the catalog), with its xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def one_page(page_attributes: bytes, *more: bytes) -> bytes:
    """A catalog, its page tree and one page (object 3) with ``page_attributes``; ``more`` from object 4."""
    return assemble(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R " + page_attributes + b" >>",
        *more,
    )


def form_bomb(depth: int = 20, fanout: int = 4) -> bytes:
    """A page whose form objects draw each other ``fanout`` ** ``depth`` times."""
    forms = []
    first = 6  # objects 4 and 5: the page's content stream and its font
    for level in range(depth):
        if level == depth - 1:
            content, resources = b"BT /F1 12 Tf 50 700 Td (encore) Tj ET", b"<< /Font << /F1 5 0 R >> >>"
        else:
            content, resources = b" ".join([b"/X Do"] * fanout), b"<< /XObject << /X %d 0 R >> >>" % (first + level + 1)
        forms.append(stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + resources, content))
    return one_page(
        b"/MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >>",
        stream(b"", b"BT /F1 12 Tf 50 800 Td (Deliberation) Tj ET /X Do"),
        HELVETICA,
        *forms,
    )


def inflate_bomb(size: int = 2 << 30) -> bytes:
    """A page whose content stream inflates to ``size`` bytes (mostly spaces)."""
    return one_page(
        b"/MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>",
        stream(b"/Filter /FlateDecode", _zlib_of_spaces(size)),
        HELVETICA,
    )


def wall_sized_scan(points: int = 14400) -> bytes:
    """One page ``points`` wide and high (14,400 points: 5 metres, the largest a PDF page may be)
    holding one grey image and no text."""
    image = stream(
        b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", b"\x80"
    )
    return one_page(
        b"/MediaBox [0 0 %d %d] /Contents 4 0 R /Resources << /XObject << /I 5 0 R >> >>" % (points, points),
        stream(b"", b"q %d 0 0 %d 0 0 cm /I Do Q" % (points, points)),
        image,
    )


def _zlib_of_spaces(size: int, block: int = 1 << 20) -> bytes:
    """A zlib stream of ``size`` spaces, in a second rather than the minute compressing them takes:
    after a full flush, every block of spaces compresses to the same bytes, so one is repeated."""
    chunk = b" " * block
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush(zlib.Z_FINISH)[:-4]  # its checksum covers two blocks: written below for all
    checksum = 1
    for _ in range(size // block):
        checksum = zlib.adler32(chunk, checksum)
    return first + repeated * (size // block - 1) + end + checksum.to_bytes(4, "big")
