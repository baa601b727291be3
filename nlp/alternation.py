"""Several regular expressions searched as their alternation ``(?:a)|(?:b)|…`` would be, faster.

Python's regex engine skips quickly to where a pattern's first letter is, but not for an
alternation of patterns, nor for a pattern that starts with ``\\b``: it then tries every position of
the text. On the pages of a council's register (tens of thousands of characters per document,
every document) that made the act numbers' five patterns cost more than the rest of building the
document's findings. Here each pattern runs alone, a leading ``\\b`` checked by hand, and the
matches are merged as the alternation would choose them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

BOUNDARY = "\\b"


class Alternation:
    """The patterns ``patterns`` (flags ``flags``), matched as one alternation: :meth:`finditer`
    gives the matches ``re.compile("|".join(f"(?:{p})" for p in patterns))`` would give, each with
    the index of the pattern that made it."""

    def __init__(self, patterns: Iterable[str], flags: int = 0) -> None:
        self.patterns = []
        for pattern in patterns:
            bounded = pattern.startswith(BOUNDARY)
            self.patterns.append((re.compile(pattern[len(BOUNDARY) :] if bounded else pattern, flags), bounded))

    def _starts(self, text: str) -> Iterator[tuple[int, int, re.Match[str]]]:
        """Every place where some pattern matches: (start, pattern index, match)."""
        for index, (regex, bounded) in enumerate(self.patterns):
            for match in _matches(regex, bounded, text):
                yield match.start(), index, match

    def finditer(self, text: str) -> list[tuple[int, re.Match[str]]]:
        """The alternation's matches, in order: (pattern index, match); leftmost first, the first
        pattern first at one place, none overlapping the one before."""
        chosen, end = [], 0
        for start, index, match in sorted(self._starts(text), key=lambda found: found[:2]):
            if start >= end:
                chosen.append((index, match))
                end = max(match.end(), start + 1)
        return chosen

    def search(self, text: str) -> re.Match[str] | None:
        """The alternation's leftmost match, as ``re.search`` would give it (the first pattern first
        at one place); None when no pattern matches."""
        best: re.Match[str] | None = None
        for regex, bounded in self.patterns:
            match = next(_matches(regex, bounded, text), None)
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        return best

    def found_in(self, text: str) -> bool:
        """Whether any of the patterns matches somewhere in ``text``."""
        return next(self._starts(text), None) is not None


def _matches(regex: re.Pattern[str], bounded: bool, text: str) -> Iterator[re.Match[str]]:
    """Every place where ``regex`` matches (a leading ``\\b`` checked by hand when ``bounded``)."""
    position = 0
    while (match := regex.search(text, position)) is not None:
        start = match.start()
        if not bounded or _at_boundary(text, start):
            yield match
        position = start + 1  # a match may start inside another: the alternation could choose it


def _at_boundary(text: str, position: int) -> bool:
    """Whether ``\\b`` holds at ``position`` (a word character on one side only)."""
    before = position > 0 and _word(text[position - 1])
    after = position < len(text) and _word(text[position])
    return before != after


def _word(character: str) -> bool:
    return character.isalnum() or character == "_"
