"""Accent- and case-folded text with a map back to the original offsets.

Matching runs on folded text (``"VIDÉO-\\nPROTECTION"`` → ``"videoprotection"``), but evidence must
quote the page as stored. Folding is one C-level ``str.translate`` (same length); the few edits
that change the length (ligatures, soft hyphens, end-of-line hyphenation) are recorded as
segments, so the map costs nothing on the usual page that has none of them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

# Characters that fold to several letters; NFKD leaves œ/æ/ß alone.
_EXPANSIONS = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "œ": "oe",
    "Œ": "oe",
    "æ": "ae",
    "Æ": "ae",
    "ß": "ss",
    "\u1e9e": "ss",
}
# Invisible characters that PDF and HTML text carries inside words.
_DELETED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_APOSTROPHES = "\u2019\u2018\u201b\u02bc\u0060\u00b4\u2032"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_QUOTES = "\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a"

_HYPHENS = "-\u00ad\u2010\u2011"
# A character class first lets the regex engine skip quickly to the few places worth a look.
_ANCHORS = re.compile("[" + re.escape("".join(_EXPANSIONS) + _DELETED + _HYPHENS) + "]")
_LINE_END = re.compile(r"[ \t]*\r?\n[ \t]*")


def _edits(original: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of the changes of length: ligatures, invisible characters, and
    end-of-line hyphenation ("vidéo-\nprotection", "VIDÉO-\nPROTECTION"; "Jean-\nPierre" keeps it)."""
    edits = []
    for anchor in _ANCHORS.finditer(original):
        char, start = anchor.group(), anchor.start()
        if char in _EXPANSIONS:
            edits.append((start, start + 1, _EXPANSIONS[char]))
            continue
        if char in _HYPHENS:
            tail = _LINE_END.match(original, start + 1)
            if tail and start > 0 and tail.end() < len(original):
                before, after = original[start - 1], original[tail.end()]
                if before.isalpha() and after.isalpha() and (before.isupper() or not after.isupper()):
                    edits.append((start, tail.end(), ""))
                    continue
        if char in _DELETED:
            edits.append((start, start + 1, ""))
    return edits


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        char = chr(code)
        if char in _EXPANSIONS:
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base != char:
            table[code] = base
    table.update({ord(c): "'" for c in _APOSTROPHES})
    table.update({ord(c): "-" for c in _DASHES})
    table.update({ord(c): '"' for c in _QUOTES})
    table.update({ord(c): " " for c in "\u00a0\u202f\u2009\u2007\u2002\u2003"})
    return table


_TABLE = _build_table()
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE) if c > 0x7F) + "]")
# Most pages are Latin-1 once a few typographic signs are replaced one for one: bytes.translate then
# folds them in C, ten times faster than a regex callback per accented letter.
_TYPOGRAPHY = [
    (c, _TABLE[ord(c)]) for c in _APOSTROPHES + _DASHES + _QUOTES + "\u202f\u2009\u2007\u2002\u2003" if ord(c) > 0xFF
]
_TYPOGRAPHY += [("€", "¤"), ("…", "."), ("•", "*"), ("\uf0b7", "*"), ("\uf0d7", "*"), ("\uf0a7", "*")]


def _latin1_byte(code: int) -> int:
    """The folded Latin-1 byte of ``code``, itself when its folding is outside Latin-1 ("µ" → "μ")."""
    folded = _TABLE.get(code, chr(code))
    return ord(folded) if ord(folded) < 256 else code


_BYTES_TABLE = bytes(_latin1_byte(code) for code in range(256))


def _fold_one(match: re.Match[str]) -> str:
    return _TABLE[ord(match.group())]


def fold_chars(text: str) -> str:
    """Lower-case and strip accents character by character; the length never changes."""
    if text.isascii():
        return text.lower()
    plain = text
    for char, replacement in _TYPOGRAPHY:
        if char in plain:
            plain = plain.replace(char, replacement)
    try:
        return plain.encode("latin-1").translate(_BYTES_TABLE).decode("latin-1")
    except UnicodeEncodeError:
        pass
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lower-cases to two characters
        return text.translate(_TABLE)
    return _FOLDABLE.sub(_fold_one, lowered)


def fold_squeezed(text: str) -> str:
    """Fold ``text`` the way page text is folded, with white space squeezed."""
    return " ".join(FoldedText(text).text.split())


@lru_cache(maxsize=8192)
def fold_phrase(text: str) -> str:
    """:func:`fold_squeezed` for lexicon phrases, which come back often."""
    return fold_squeezed(text)


class FoldedText:
    """``text`` is ``original`` folded; :meth:`span` maps a folded span back to the original."""

    __slots__ = ("_folded_starts", "_original_starts", "_widths", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        edits = _edits(original)
        if not edits:
            self.text = fold_chars(original)
            self._folded_starts = None
            return
        # Segments: runs folded one to one (width 0) or one replaced unit (width = its original length).
        parts, folded_starts, original_starts, widths = [], [], [], []
        position = folded = 0
        for start, end, replacement in edits:
            if start < position:  # a soft hyphen already taken by a line-end hyphenation
                continue
            if start > position:
                chunk = fold_chars(original[position:start])
                parts.append(chunk)
                folded_starts.append(folded), original_starts.append(position), widths.append(0)
                folded += len(chunk)
            if replacement:
                parts.append(replacement)
                folded_starts.append(folded), original_starts.append(start), widths.append(end - start)
                folded += len(replacement)
            position = end
        if position < len(original):
            parts.append(fold_chars(original[position:]))
            folded_starts.append(folded), original_starts.append(position), widths.append(0)
        self.text = "".join(parts)
        self._folded_starts, self._original_starts, self._widths = folded_starts, original_starts, widths

    def _origin(self, index: int) -> tuple[int, int]:
        """Original [start, end) of the folded character at ``index``."""
        segment = bisect_right(self._folded_starts, index) - 1
        start = self._original_starts[segment]
        width = self._widths[segment]
        if width:
            return start, start + width
        position = start + index - self._folded_starts[segment]
        return position, position + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded span [start, end)."""
        if self._folded_starts is None:
            return start, end
        return self._origin(start)[0], self._origin(end - 1)[1]
