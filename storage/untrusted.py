"""Text a council published, made safe for where Vigie writes it: terminals, files, spreadsheets.

Everything crawled is untrusted. A file named ``\\x1b]0;…\\x07`` rewrites the title of the
terminal that lists it, ``\\u202e`` makes it read backwards, and a cell starting with ``=`` runs
as a formula in the spreadsheet that opens a CSV export (``=HYPERLINK(…)`` leaks, ``=cmd|…``
runs on old Excel). This module sits in the bottom layer so that spiders (titles, when items are
built), notify and the command line (every output format) share one definition.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 control characters (and DEL), and the bidirectional embeddings, overrides and
# isolates that reorder what a terminal shows. Zero-width joiners and marks stay: scripts need them.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def without_controls(text: str, keep: str = "\n\t") -> str:
    """``text`` without control characters, except those in ``keep`` (by default new lines and tabs)."""
    if text.isprintable():  # the usual case, at C speed
        return text
    return _CONTROLS.sub(lambda match: match.group() if match.group() in keep else "", text)


def one_line(text: str | None) -> str | None:
    """A title or a name: control characters gone, white space (new lines too) folded into single spaces."""
    if text is None:
        return None
    return _SPACES.sub(" ", without_controls(text, keep="\n\t\r")).strip()


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text without control characters (new lines and tabs kept) and,
    when it would start a formula, with a leading apostrophe so that a spreadsheet shows it as
    text. Numbers and other values are left as they are."""
    if not isinstance(value, str):
        return value
    text = without_controls(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """Every cell of ``row`` through :func:`csv_cell`."""
    return {key: csv_cell(value) for key, value in row.items()}
