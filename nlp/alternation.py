"""Several regular expressions searched as their alternation ``(?:a)|(?:b)|…`` would be, faster.

Python's regex engine skips quickly to where a pattern's first letter is, but not for an
alternation of patterns, nor for a pattern that starts with ``\\b``: it then tries every position of
the text. On the pages of a council's register (tens of thousands of characters per document,
every document) that made the act numbers' five patterns cost more than the rest of building the
document's findings. Here each pattern runs alone, a leading ``\\b`` checked by hand, and the
matches are merged as the alternation would choose them.

And a case-insensitive search costs ten times a plain one (16 ns a character here): each pattern
has a **scout**, the longest run of letters that every match of it holds ("unanimit" for the
pattern of "à l'unanimité"), looked for first in the text in lower case (made once per text, for
all the patterns that search it). Most deliberations name no subsidy, and their patterns are
then not run at all.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # type: ignore[import-not-found]  # the engine's own parser (no stub)
from collections.abc import Iterable, Iterator
from typing import Any

BOUNDARY = "\\b"
# A scout shorter than this would be in nearly every text: not worth looking for.
MIN_SCOUT = 3
# Characters that a case-insensitive ASCII letter matches though their lower case is not that
# letter: "ı" and "İ" (i: "İ".lower() is "i" and a combining dot above), "ſ" (s). A text holding
# one is searched without scouts (tests/nlp/test_alternation.py checks the list against the engine).
LOOKALIKES = ("\u0131", "\u017f", "\u0307")


class Alternation:
    """The patterns ``patterns`` (flags ``flags``), matched as one alternation: :meth:`finditer`
    gives the matches ``re.compile("|".join(f"(?:{p})" for p in patterns))`` would give, each with
    the index of the pattern that made it. ``scouts``: look for each pattern's scout first."""

    def __init__(self, patterns: Iterable[str], flags: int = 0, scouts: bool = True) -> None:
        self.patterns = []
        for pattern in patterns:
            bounded = pattern.startswith(BOUNDARY)
            self.patterns.append((re.compile(pattern[len(BOUNDARY) :] if bounded else pattern, flags), bounded))
        # Without scouts where their letters are in nearly every text searched: the text's lower
        # case would cost more than it saves.
        self.scouts = [scout(p, flags) if scouts else None for p in patterns]

    def _searched(self, text: str) -> Iterator[tuple[int, re.Pattern[str], bool]]:
        """(index, regex, bounded) of each pattern that may match ``text``: its scout is in it."""
        for index, ((regex, bounded), found) in enumerate(zip(self.patterns, self.scouts, strict=True)):
            if found is not None:
                letters, ignore_case = found
                haystack = lower_case(text) if ignore_case else text
                if haystack is not None and letters not in haystack:
                    continue
            yield index, regex, bounded

    def _starts(self, text: str) -> Iterator[tuple[int, int, re.Match[str]]]:
        """Every place where some pattern matches: (start, pattern index, match)."""
        for index, regex, bounded in self._searched(text):
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
        for _, regex, bounded in self._searched(text):
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


def scout(pattern: str, flags: int = 0) -> tuple[str, bool] | None:
    """The longest run of ASCII characters that every match of ``pattern`` holds (in lower case
    when the pattern ignores case), and whether it ignores case; None when no run is long enough."""
    parsed = sre_parse.parse(pattern, flags)
    ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    runs, run = [], ""
    for code in _sequence(parsed.data):
        if code is not None and code < 128:
            run += chr(code).lower() if ignore_case else chr(code)
        else:
            runs.append(run)
            run = ""
    best = max(runs + [run], key=len)
    return (best, ignore_case) if len(best) >= MIN_SCOUT else None


def _sequence(items: Iterable[tuple[Any, Any]]) -> Iterator[int | None]:
    """The characters a pattern's items match one after the other: a literal's code, None for
    anything else (a class, a repeat, a choice, an anchor); groups without flags are opened."""
    for op, value in items:
        if op is sre_parse.LITERAL:
            yield value
        elif op is sre_parse.SUBPATTERN and value[1] == value[2] == 0:
            yield from _sequence(value[3].data)
        else:
            yield None


_last_lowered: tuple[str, str | None] = ("", "")


def lower_case(text: str) -> str | None:
    """``text`` in lower case, for the scouts; None when it holds a look-alike (see LOOKALIKES).
    The last text's is kept: the patterns of several alternations search the same deliberation.
    (Not :func:`nlp.folding.fold_chars`: it also strips accents and rewrites typography, a text the
    engine does not compare with; lower case is what ignoring case compares, look-alikes aside.)"""
    global _last_lowered
    if _last_lowered[0] is not text:
        lowered = text.lower()
        _last_lowered = (text, None if any(character in lowered for character in LOOKALIKES) else lowered)
    return _last_lowered[1]
