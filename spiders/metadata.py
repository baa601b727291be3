"""Guess a document's kind and dates from its link text, its context and its URL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from spiders.text import fold
from storage.safe_yaml import parse_yaml

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")
KINDS = ("agenda", "deliberation", "minutes", "report", "annex", "other")


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The spider vocabulary (``spiders/vocabulary.yaml``), loaded once."""
    data = parse_yaml(VOCABULARY_FILE.read_text(encoding="utf-8"))
    for key in (
        "council_words",
        "subpage_words",
        "subpage_url_patterns",
        "meeting_words",
        "pagination_words",
        "pagination_url_patterns",
        "document_extensions",
        "download_url_patterns",
        "document_link_words",
        "document_size_patterns",
        "chrome_tokens",
        "chrome_roles",
        "main_tokens",
        "kinds",
        "months",
    ):
        if key not in data:
            raise ValueError(f"{VOCABULARY_FILE}: missing key {key!r}")
    unknown = set(data["kinds"]) - set(KINDS)
    if unknown:
        raise ValueError(f"{VOCABULARY_FILE}: unknown kinds {sorted(unknown)}; use one of {KINDS}")
    return data


@lru_cache(maxsize=256)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex finding any of ``words`` as whole words, with an optional plural s or x."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?:" + alternatives + r")[sx]?(?![a-z0-9])")


def guess_kind(*texts: str | None, default: str = "other") -> str:
    """The first kind whose words appear in the texts, tried in order (link text before URL);
    ``default`` when none does (an API's file attached to a paper is an annex, say)."""
    kinds = vocabulary()["kinds"]
    for text in texts:
        if not text:
            continue
        folded = fold(re.sub(r"[_/.+]", " ", text))
        for kind, words in kinds.items():
            if matches_any(folded, words):
                return kind
    return default


@lru_cache(maxsize=1)
def _date_patterns() -> list[tuple[re.Pattern[str], str]]:
    months = "|".join(sorted(vocabulary()["months"], key=len, reverse=True))
    return [
        (re.compile(r"(?<!\d)(\d{1,2})(?:er|st|nd|rd|th|\.)?\s+(" + months + r")\.?\s+(\d{4})(?!\d)"), "dmy-words"),
        (re.compile(r"\b(" + months + r")\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)"), "mdy-words"),
        (re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), "iso"),
        (re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)"), "dmy"),
        (re.compile(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)"), "compact"),
    ]


def find_dates(text: str | None) -> list[dt.date]:
    """Every valid calendar date written in ``text``, in order of appearance.

    Understands "1er février 2016", "March 3, 2024", "3. März 2024", "2024-03-12",
    "12/03/2024" (day first, as in Europe) and "20240312" (in file names).
    """
    return [d for _, d in _dates_in(fold(text))] if text else []


def _dates_in(folded: str) -> list[tuple[int, dt.date]]:
    """(position, date) of every date in already folded text, in order of appearance."""
    months = vocabulary()["months"]
    found: list[tuple[int, dt.date]] = []
    for pattern, shape in _date_patterns():
        for m in pattern.finditer(folded):
            a, b, c = m.groups()
            try:
                if shape == "dmy-words":
                    day, month, year = int(a), months[b], int(c)
                elif shape == "mdy-words":
                    day, month, year = int(b), months[a], int(c)
                elif shape in ("iso", "compact"):
                    year, month, day = int(a), int(b), int(c)
                else:
                    day, month, year = int(a), int(b), int(c)
                found.append((m.start(), dt.date(year, month, day)))
            except ValueError:
                continue
    return sorted(found, key=lambda pair: pair[0])


def first_date(*texts: str | None) -> dt.date | None:
    """The first date found in the first text that has one."""
    for text in texts:
        dates = find_dates(text)
        if dates:
            return dates[0]
    return None


def meeting_date(
    text: str | None, context: str | None, heading: str | None, page_heading: str | None, url: str | None
) -> dt.date | None:
    """The meeting date of a document linked from a listing.

    A date right after words naming a meeting ("séance du 3 mars 2026") wins wherever it is;
    otherwise the nearest heading's date, then the link's row, the page's title, the URL, and
    last the link text, which often holds other dates ("festivités du 14 juillet").
    """
    words = vocabulary()["meeting_words"]
    for candidate in (text, context, heading, page_heading):
        if not candidate:
            continue
        folded = fold(candidate)
        for position, date in _dates_in(folded):
            before = folded[max(0, position - 40) : position]
            if matches_any(before, words):
                return date
    return first_date(heading, context, page_heading, url, text)


def matches_any(folded_text: str, words: Iterable[str]) -> bool:
    """Whether any of ``words`` (folded) is in ``folded_text`` as a whole word."""
    return _words_pattern(tuple(words)).search(folded_text) is not None
