"""Amounts of money and vote results of the deliberation a hit stands in.

A document is cut into deliberations (agenda items) at the lines that start one ("Délibération
n°", "OBJET :", "Item 14", "TOP 5"; patterns in ``nlp/lexicon/evidence.yaml``), across pages. The
amounts and the vote found in a hit's deliberation go into the hit's details.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Any

from nlp.alternation import Alternation

_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"


@dataclass
class Segment:
    """One deliberation: [start, end) in the document's text (pages joined)."""

    start: int
    end: int


class EvidenceRules:
    """The compiled patterns of ``evidence.yaml`` for one language."""

    def __init__(self, evidence: dict[str, Any], language: str) -> None:
        self.starts = line_regex(evidence.get("deliberation_starts"))
        self.subjects = line_regex(evidence.get("subject_lines"))
        amounts = evidence.get("amounts") or {}
        self.currencies = {k.lower(): v for k, v in (amounts.get("currencies") or {}).items()}
        self.multipliers = {k.lower(): float(v) for k, v in (amounts.get("multipliers") or {}).items()}
        self.max_amounts = int(amounts.get("max_per_hit", 8))
        currency = "|".join(re.escape(c) for c in sorted(self.currencies, key=len, reverse=True))
        multiplier = "|".join(re.escape(m) for m in sorted(self.multipliers, key=len, reverse=True))
        taxes = "|".join(re.escape(t) for t in amounts.get("taxes") or [])
        self.amount = re.compile(
            rf"(?<![\w.,])(?:(?P<pre>{currency})\s?(?P<n1>{_NUMBER})(?:\s?(?P<m1>{multiplier})\b)?"
            rf"|(?P<n2>{_NUMBER})\s?(?:(?P<m2>{multiplier})\s?)?(?P<post>{currency})(?!\w))"
            rf"(?:\s?(?P<tax>{taxes})(?!\w))?",
            re.I,
        )
        votes = (evidence.get("votes") or {}).get(language) or (evidence.get("votes") or {}).get("fr", {})
        # Each pattern is searched alone, in its order. As an Alternation, a pattern's leading \b is
        # checked by hand: the engine would otherwise try it at every position of the deliberation,
        # for each of the sixteen patterns every described deliberation goes through.
        self.results = [
            (name, [Alternation([p], re.I) for p in votes.get(name, [])])
            for name in ("unanimous", "rejected", "adopted")
        ]
        self.counts = {
            name: [Alternation([p], re.I) for p in patterns] for name, patterns in (votes.get("counts") or {}).items()
        }

    def amounts(self, text: str) -> list[dict[str, Any]]:
        return [item for _, item in islice(self.amount_matches(text), self.max_amounts)]

    def amount_matches(self, text: str) -> Iterator[tuple[re.Match[str], dict[str, Any]]]:
        """Each amount of ``text`` with its match (where it is): ``{text, value, currency[, tax]}``."""
        for match in self.amount.finditer(text):
            number = match.group("n1") or match.group("n2")
            value = parse_number(number)
            multiplier = (match.group("m1") or match.group("m2") or "").lower()
            currency = self.currencies[(match.group("pre") or match.group("post")).lower()]
            if value is None:
                continue
            value *= self.multipliers.get(multiplier, 1.0)
            item = {"text": " ".join(match.group().split()), "value": round(value, 2), "currency": currency}
            if match.group("tax"):
                item["tax"] = match.group("tax").upper().replace(".", "")
            yield match, item

    def vote(self, text: str) -> dict[str, Any] | None:
        vote: dict[str, Any] = {}
        for name, patterns in self.results:
            match = next((m for p in patterns for m in [p.search(text)] if m), None)
            if match:
                vote["result"] = "rejected" if name == "rejected" else "adopted"
                vote["unanimous"] = name == "unanimous"
                vote["text"] = " ".join(match.group().split())
                break
        for name, patterns in self.counts.items():
            match = next((m for p in patterns for m in [p.search(text)] if m), None)
            if match:
                vote[name] = int(match.group(1))
        if "result" not in vote and "for" in vote and "against" in vote:
            vote["result"] = "adopted" if vote["for"] > vote["against"] else "rejected"
        return vote or None


def line_regex(patterns: list[str] | tuple[str, ...] | None) -> LineRegex | None:
    """One regex matching a line that starts with any of ``patterns`` (case-insensitive)."""
    return LineRegex(r"[ \t]*(?:" + "|".join(f"(?:{p})" for p in patterns) + ")", re.I) if patterns else None


class LineRegex:
    """``^`` + ``body`` in MULTILINE mode (a match at a line's start only), searched faster.

    Python's engine tries a pattern anchored at line starts at every character of the text (ten
    nanoseconds each, on every document's whole text); led by the newline before the line, the
    same pattern starts with a plain character, which the engine skips to. Each line found so is
    then matched as ``^`` + ``body`` would match it: the matches, their spans and groups are those
    of ``re.compile("^" + body, flags | re.M)``, whose ``match``, ``search`` and ``finditer`` this
    has.
    """

    def __init__(self, body: str, flags: int = 0) -> None:
        self.regex = re.compile("^" + body, flags | re.M)
        self._after_newline = re.compile("\n" + body, flags | re.M)
        self.pattern = self.regex.pattern

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        return self.regex.match(text, pos, len(text) if endpos is None else endpos)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        return next(self.finditer(text, pos, endpos), None)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        match, newline_from = self.match(text, pos, end), pos
        while True:
            if match is not None:
                yield match
                # The next match starts where this one ends, as ``finditer`` goes on: at a line
                # whose newline may be this match's last character.
                newline_from = max(match.end(), match.start() + 1) - 1
            newline = self._after_newline.search(text, newline_from, end)
            if newline is None:
                return
            match, newline_from = self.match(text, newline.start() + 1, end), newline.start() + 1


def parse_number(text: str) -> float | None:
    """ "186 450,00" → 186450.0; "1,245,000" → 1245000.0; "120.000" → 120000.0; "1,8" → 1.8."""
    digits = re.sub(r"[ \u00a0\u202f]", "", text)
    commas, dots = digits.count(","), digits.count(".")
    decimal: str | None
    if commas and dots:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif commas or dots:
        separator = "," if commas else "."
        tail = digits.rsplit(separator, 1)[1]
        # One separator before exactly three digits groups thousands ("187,500", "120.000").
        decimal = None if digits.count(separator) > 1 or len(tail) == 3 else separator
    else:
        decimal = None
    if decimal:
        whole, fraction = digits.rsplit(decimal, 1)
        digits = whole.replace(",", "").replace(".", "") + "." + fraction
    else:
        digits = digits.replace(",", "").replace(".", "")
    try:
        return float(digits)
    except ValueError:
        return None


class DocumentEvidence:
    """The deliberations of one document and, on demand, their amounts and vote.

    ``split(text, page_starts)`` cuts the document's text (its pages joined by blank lines) into
    deliberations, [start, end) each: :meth:`nlp.deliberations.DeliberationRules.split`, the cut
    its findings are built on, so that a mention's amounts and vote are its finding's deliberation's.
    """

    def __init__(
        self,
        texts: Sequence[str],
        rules: EvidenceRules,
        split: Callable[[str, Sequence[int]], list[tuple[int, int]]],
    ) -> None:
        self.rules = rules
        self.offsets, position = [], 0
        for text in texts:
            self.offsets.append(position)
            position += len(text) + 2
        self.text = "\n\n".join(texts)
        self._split = split
        self._details: dict[int, dict[str, Any]] = {}

    @cached_property
    def segments(self) -> list[Segment]:
        return [Segment(start, end) for start, end in self._split(self.text, self.offsets)]

    @cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.segments]

    def details(self, page_index: int, offset: int) -> dict[str, Any]:
        """Amounts and vote of the deliberation around ``offset`` of page ``page_index`` (0-based)."""
        position = self.offsets[page_index] + offset
        index = max(bisect_right(self._starts, position) - 1, 0)
        if index not in self._details:
            segment = self.segments[index]
            text = self.text[segment.start : segment.end]
            out: dict[str, Any] = {}
            amounts = self.rules.amounts(text)
            if amounts:
                out["amounts"] = amounts
            vote = self.rules.vote(text)
            if vote:
                out["vote"] = vote
            self._details[index] = out
        return self._details[index]
