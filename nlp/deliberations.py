"""The deliberations of a document's text, and what each says: act number, subject, amounts, vote.

A finding is one deliberation (see :mod:`nlp.findings`). A document that holds one act (a
deliberation, a platform's record) is one deliberation; agendas, minutes and collections of acts
are cut where ``nlp/lexicon/evidence.yaml`` says a deliberation starts, except at running page
headers ("Délibération n° 2026_045 – Page 2/2" on every page: a line atop several pages whose
numbers are the same on each or follow the pages', naming one act at most; a register whose next
deliberation happens to open two pages is still cut there) and at the numbered articles of a
decision ("1. APPROUVE …"). Each piece is then read with the rules of ``deliberations.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from nlp.alternation import Alternation
from nlp.evidence import EvidenceRules
from nlp.folding import fold_squeezed
from nlp.lexicon import LEXICON_DIR
from storage.safe_yaml import parse_yaml

RULES_FILE = Path(__file__).with_name("deliberations.yaml")
SUBJECT_WORDS = 8  # a subject's first words identify it (wrapped continuations differ between documents)
MAX_SUBJECT = 300
MAX_AMOUNTS = 30
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+")


@dataclass
class Deliberation:
    """One deliberation as one document shows it: [start, end) of the document's text (pages joined)."""

    start: int
    end: int
    first_page: int | None = None
    last_page: int | None = None
    act_number: str | None = None  # normalised: "2026-61"
    act_label: str | None = None  # as written: "2026_061"
    subject: str | None = None
    amounts: list[dict[str, Any]] = field(default_factory=list)
    subsidies: list[str] = field(default_factory=list)
    vote: dict[str, Any] | None = None
    described: bool = False  # amounts, subsidies and vote read (DeliberationRules.describe)


def normalise_act(label: str) -> str:
    """ "2026_061", "2026-061", "2026 / 61" → "2026-61"; "DEL-2026-D-12" → "2026-d-12"."""
    parts = re.findall(r"\d+|[^\W\d_]+", label.lower())
    return "-".join(str(int(p)) if p.isdigit() else p for p in parts)


@lru_cache(maxsize=4096)
def subject_key(subject: str | None, meeting: Any) -> str | None:
    """The first words of a subject, folded, with the meeting's date: the same item in two documents.
    (Cached: each deliberation's is asked several times while its document's findings are built.)"""
    words = _WORD.findall(fold_squeezed(subject or ""))[:SUBJECT_WORDS]
    if len(words) < 3 or meeting is None:
        return None
    return f"{' '.join(words)}|{meeting.isoformat()}"


class DeliberationRules:
    """The compiled rules of ``deliberations.yaml`` and of the lexicon's ``evidence.yaml``."""

    def __init__(self, data: dict[str, Any], evidence: dict[str, Any], language: str) -> None:
        self.evidence = EvidenceRules(evidence, language)
        # Each pattern has one group: the number as written. "de+fr": a document in both languages.
        by_language = data.get("act_numbers") or {}
        acts = [pattern for code in language.split("+") for pattern in by_language.get(code) or []]
        # Every council document says "délibération": no scouts (see nlp.alternation).
        self.acts = Alternation(acts, re.I, scouts=False) if acts else None
        self.subject_end = _any(data.get("subject_ends"))
        self.draft = _any(data.get("drafts"))
        self.article = re.compile(data["article_lines"], re.M) if data.get("article_lines") else None
        self.tax_columns = re.compile(data["tax_columns"], re.I) if data.get("tax_columns") else None
        self.fillers = re.compile(data.get("purpose_fillers") or r"$^", re.I)
        self.prefixes = re.compile(data.get("purpose_prefixes") or r"$^")
        subsidies = list((data.get("subsidies") or {}).items())
        self.subsidies = [(name, Alternation(patterns, re.I)) for name, patterns in subsidies]

    @classmethod
    @cache
    def for_language(cls, language: str = "fr") -> DeliberationRules:
        """The rules of ``language`` with the bundled lexicon's ``evidence.yaml``."""
        return cls.with_evidence(
            parse_yaml((LEXICON_DIR / "evidence.yaml").read_text(encoding="utf-8")) or {}, language
        )

    @classmethod
    def with_evidence(cls, evidence: dict[str, Any], language: str) -> DeliberationRules:
        """The rules of ``language`` with a lexicon's own ``evidence.yaml`` (``evidence``, parsed)."""
        return cls(_rules_data(), evidence, language)

    def is_draft(self, text: str) -> bool:
        return bool(self.draft and self.draft.search(text[:3000]))

    def act_numbers(self, text: str) -> list[tuple[int, str]]:
        """The act numbers written in ``text``: (offset, number as written), in order."""
        if self.acts is None:
            return []
        return [(m.start(), next(g for g in m.groups() if g)) for _, m in self.acts.finditer(text)]

    def split(self, text: str, page_starts: Sequence[int]) -> list[tuple[int, int]]:
        """[start, end) of each deliberation of ``text`` (the pages joined, each starting at ``page_starts``)."""
        rules = self.evidence
        numbered = [m.start() for m in rules.starts.finditer(text)] if rules.starts else []
        headers = _running_headers(text, page_starts, self.act_numbers)
        starts = {s for s in numbered if _line_of(text, s) not in headers and not self._is_article(text, s)}
        for match in rules.subjects.finditer(text) if rules.subjects else ():
            previous = max((n for n in starts if n < match.start()), default=None)
            if previous is None or text.count("\n", previous, match.start()) > 2:
                starts.add(match.start())
        bounds = sorted(starts | {0})
        return list(zip(bounds, bounds[1:] + [len(text)]))

    def _is_article(self, text: str, start: int) -> bool:
        return bool(self.article and self.article.match(text, _line_start(text, start)))

    def identify(
        self, text: str, start: int, end: int, acts: Sequence[tuple[int, str]], whole: bool = False
    ) -> Deliberation:
        """The act number and subject of the deliberation at [start, end) of ``text``: what matches it
        to the same deliberation in other documents. ``acts``: :meth:`act_numbers` of the whole text.
        ``whole``: it is a whole document, whose first line is no subject (only an "Objet :" line is)."""
        piece = text[start:end]
        item = Deliberation(start, end)
        first = next((label for position, label in acts if start <= position < end), None)
        if first:
            item.act_label = first
            item.act_number = normalise_act(first)
        item.subject = self.subject(piece, whole)
        return item

    def describe(self, item: Deliberation, text: str, voted: bool) -> None:
        """Fill ``item``'s amounts, subsidies and vote (``voted``: may it hold a vote result?), once."""
        if item.described:
            return
        item.described = True
        piece = text[item.start : item.end]
        item.amounts = self.amounts(piece)
        item.subsidies = [name for name, patterns in self.subsidies if patterns.found_in(piece)]
        item.vote = self.evidence.vote(piece) if voted else None
        if item.vote and "result" not in item.vote:
            item.vote = None  # counts alone ("pour : …") are a form to fill, not a result

    def subject(self, piece: str, labelled_only: bool = False) -> str | None:
        """The subject line: after "Objet :" if the piece has one, else its first line, with the
        lines that continue it (starting in lower case), up to the rapporteur."""
        match = self.evidence.subjects.search(piece) if self.evidence.subjects else None
        if match is None and labelled_only:
            return None
        position = match.end() if match else 0
        if not match:
            start = self.evidence.starts.match(piece) if self.evidence.starts else None
            position = start.end() if start else 0
        lines = piece[position:].split("\n")
        taken = [lines[0]]
        for line in lines[1:]:
            stripped = line.strip()
            if not stripped or not (stripped[0].islower() or taken[-1].rstrip().endswith(("-", ":", ","))):
                break
            taken.append(stripped)
        subject = " ".join(" ".join(taken).split())
        if self.subject_end:
            cut = self.subject_end.search(subject)
            subject = subject[: cut.start()] if cut else subject
        subject = subject.strip(" :–—-.;,")
        if len(subject) > MAX_SUBJECT:
            subject = subject[:MAX_SUBJECT].rsplit(" ", 1)[0] + "…"
        return subject if len(_WORD.findall(subject)) >= 2 else None

    def amounts(self, piece: str) -> list[dict[str, Any]]:
        """The amounts of ``piece``, with HT/TTC read from a table's header when the cell does not
        say, and what each pays for when its line says (the words before it on a table's row)."""
        found: list[dict[str, Any]] = []
        by_line: dict[int, list[dict[str, Any]]] = {}
        for match, item in self.evidence.amount_matches(piece):
            line_start = _line_start(piece, match.start())
            by_line.setdefault(line_start, []).append(item)
            purpose = self._purpose(piece[line_start : match.start()]) if self._starts_unit(piece, line_start) else None
            if purpose:
                item["purpose"] = purpose
            found.append(item)
            if len(found) == MAX_AMOUNTS:
                break
        if self.tax_columns:
            for line_start, items in by_line.items():
                if (
                    len(items) == 2
                    and not any("tax" in i for i in items)
                    and self._tax_header_before(piece, line_start)
                ):
                    items[0]["tax"], items[1]["tax"] = "HT", "TTC"
        return found

    def _purpose(self, before: str) -> str | None:
        text = " ".join(self.evidence.amount.sub(" ", before).split())
        # A table's row or a line of its own starts with a capital; a wrapped sentence does not.
        if not text or not text[0].isupper():
            return None
        # A row's label alone ("Total") stays, even when it is also a filler of sentences.
        stripped = self.fillers.sub("", self.prefixes.sub("", text)).strip() if " " in text else text
        return stripped if stripped and len(stripped.split()) <= 14 else None

    def _starts_unit(self, piece: str, line_start: int) -> bool:
        """Whether the line at ``line_start`` starts something (a table's row, a sentence) rather
        than continuing the line before it."""
        previous = piece[:line_start].rstrip("\n").rsplit("\n", 1)[-1].strip()
        return (
            not previous
            or previous.endswith((".", ":", ";", "!", "?"))
            or bool(self.evidence.amount.search(previous))
            or bool(self.tax_columns and self.tax_columns.search(previous))
        )

    def _tax_header_before(self, piece: str, line_start: int) -> bool:
        lines = piece[:line_start].rstrip("\n").split("\n")[-8:]
        return any(self.tax_columns.search(line) for line in lines)


@cache
def _rules_data() -> dict[str, Any]:
    return parse_yaml(RULES_FILE.read_text(encoding="utf-8")) or {}


def _any(patterns: Any) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _line_of(text: str, position: int) -> str:
    start = _line_start(text, position)
    end = text.find("\n", position)
    return _shape(text[start : end if end >= 0 else len(text)])


def _shape(line: str) -> str:
    """A line with its numbers blanked: "Page 1/2" and "Page 2/2" have one shape."""
    return re.sub(r"\d+", "#", " ".join(line.split()))


def _running_headers(
    text: str, page_starts: Sequence[int], act_numbers: Callable[[str], list[tuple[int, str]]]
) -> set[str]:
    """Lines repeated near the top of several pages: page headers ("Délibération n° 2026_045 –
    Page 1/2", then "… Page 2/2"), by shape (:func:`_shape`). An act's or an item's heading that
    happens to open two pages of a register ("Délibération n° 2021-160" atop one, "… 2021-175" atop
    another) is no header: the numbers of a header are the same on every page or follow the pages',
    and it names one act at most (``act_numbers`` finds them)."""
    if len(page_starts) < 2:
        return set()
    tops: dict[str, dict[int, str]] = {}
    for index, start in enumerate(page_starts):
        for line in text[start : start + 400].split("\n")[:3]:
            if line.strip():
                tops.setdefault(_shape(line), {}).setdefault(index, line)
    return {shape for shape, lines in tops.items() if len(lines) >= 2 and _one_header(lines, act_numbers)}


def _one_header(lines: dict[int, str], act_numbers: Callable[[str], list[tuple[int, str]]]) -> bool:
    """Whether ``lines`` (one shape, by the index of the page they top) repeat one header."""
    numbers = [(index, [int(n) for n in _NUMBER.findall(line)]) for index, line in lines.items()]
    for column in zip(*(values for _, values in numbers), strict=True):
        offsets = {value - index for (index, _), value in zip(numbers, column, strict=True)}
        if len(set(column)) > 1 and len(offsets) > 1:  # neither the same nor the page's number
            return False
    return len({normalise_act(label) for line in lines.values() for _, label in act_numbers(line)}) <= 1
