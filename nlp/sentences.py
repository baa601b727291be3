"""Sentences of extracted page text, found by rules that only look at their neighbourhood.

Text extracted from PDFs breaks lines inside sentences and has headings without full stops, so a
statistical parser's sentences are of little help here. These rules are deterministic and local:
the same sentence comes out whether the whole page or a window of it is split, which keeps
snippets (and so the fingerprints of hits) stable across re-analyses.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right

MAX_SENTENCE = 600  # characters; longer runs (tables, lists without punctuation) are cut at spaces
_CUT_AT = 500

# End punctuation followed by a capital, a digit or a bullet; not after "M.", "Mme.", "art." etc.
_PUNCTUATION = re.compile(
    r"(?<=[.!?;…])(?<!\bM\.)(?<!\bMM\.)(?<!\bMme\.)(?<!\bMlle\.)(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)"
    r"(?<!\bSt\.)(?<!\bNo\.)(?<!\bno\.)(?<!\bart\.)(?<!\bArt\.)(?<!\bcf\.)(?<!\bp\.)(?<!\bn°\.)(?<!\bNr\.)"
    r"\s+(?=[\"«“(\[]?[A-ZÀ-ÖØ-Þ0-9•])"
)
_LINES = re.compile(r"[^\n]*(?:\n|$)")
# A line that starts a new unit whatever precedes it: bullets, numbers, visas, articles, decisions.
_LINE_STARTS = re.compile(
    r"[ \t]*(?:[-•–◦▪*\uf0a7\uf0b7\uf0d7]\s|\d{1,3}\s*[.)°-]\s|(?:Vu|VU|Considérant|CONSIDÉRANT|CONSIDERANT|"
    r"Article|ARTICLE|DÉCIDE|DECIDE|Décide|OBJET|Objet|Rapporteure?|RAPPORTEURE?|Whereas|WHEREAS|Item|ITEM)\b)"
)
# A header line ("OBJET : …", "Rapporteur : …") ends where a capitalised line follows it.
_SUBJECT = re.compile(r"[ \t]*(?:OBJET|Objet|Subject|SUBJECT|Betreff|BETREFF|Rapporteure?|RAPPORTEURE?)\s*:")


def _is_heading(line: str) -> bool:
    """A line in capitals ("DÉCIDE", "OBJET : VIDÉOPROTECTION"): every cased character upper case."""
    return line.isupper() and len(line.strip()) >= 6


def _line_starts(text: str) -> list[int]:
    """Offsets where a line begins a new sentence."""
    starts, previous, in_header = [], "", False
    for match in _LINES.finditer(text):
        line = match.group()
        if not line:
            break
        body = line.strip()
        if previous and body:
            prev = previous.rstrip()
            # A line ending with a hyphen continues on the next one ("VIDÉO-\nPROTECTION"); a heading
            # spread over two lines is one sentence; entering or leaving a heading starts a new one;
            # a header ("Objet : …", over one line or more) ends at the next capitalised line.
            if not prev.endswith(("-", "\u00ad")) and (
                prev.endswith(":")
                or _is_heading(prev) != _is_heading(body)
                or _LINE_STARTS.match(line)
                or (in_header and body[0].isupper())
            ):
                starts.append(match.start())
                in_header = False
        elif body and not previous:
            starts.append(match.start())
        if _SUBJECT.match(line):
            in_header = True
        previous = line if body else ""
        if not body:
            in_header = False
    return starts


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of ``text``, white space trimmed, in order."""
    cuts = sorted({0, *(m.end() for m in _PUNCTUATION.finditer(text)), *_line_starts(text), len(text)})
    spans = []
    for start, end in itertools.pairwise(cuts):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.extend(_cut(text, start, end))
    return spans


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A long run cut into pieces at spaces, every ~500 characters counted from its start."""
    pieces = []
    while end - start > MAX_SENTENCE:
        space = text.rfind(" ", start + _CUT_AT // 2, start + _CUT_AT)
        cut = space if space > start else start + _CUT_AT
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    pieces.append((start, end))
    return pieces


class Sentences:
    """The sentences of one text, to find the one around an offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = sentence_spans(text)
        self._starts = [s for s, _ in self.spans]

    def around(self, offset: int) -> tuple[int, int]:
        """The sentence containing ``offset`` (or the nearest one before it)."""
        index = max(bisect_right(self._starts, offset) - 1, 0)
        return self.spans[index] if self.spans else (0, len(self.text))

    def snippet(self, offset: int) -> str:
        start, end = self.around(offset)
        return " ".join(self.text[start:end].split())

    def cover(self, start: int, end: int) -> tuple[int, int]:
        """The smallest run of whole sentences covering [start, end)."""
        first = self.around(max(start, 0))[0]
        last = self.around(min(end, len(self.text)) - 1)[1] if end > 0 else 0
        return min(first, max(start, 0)), max(last, min(end, len(self.text)))
