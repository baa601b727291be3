"""Write rows as JSON lines, CSV or an aligned table: the output formats of listing commands.

Every value may come from a council's site: no format lets a control character through (a
terminal would obey it), and no CSV cell can start a spreadsheet formula (:mod:`storage.untrusted`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from storage.untrusted import csv_cell, without_controls

FORMATS = ("table", "jsonl", "csv")


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return without_controls(value)
    return value


def write_rows(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    out: TextIO | None = None,
    table_columns: Sequence[str] | None = None,
    width: int = 60,
) -> int:
    """Write ``rows``; returns how many were written. Tables show ``table_columns`` only, cut to ``width``."""
    out = out or sys.stdout  # resolved at call time: test runners swap sys.stdout
    count = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({c: _plain(row.get(c)) for c in columns}, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: csv_cell(_plain(row.get(c))) for c in columns})
            count += 1
    else:
        shown = list(table_columns or columns)
        cells = [[_cell(row.get(c), width) for c in shown] for row in rows]
        count = len(cells)
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(shown)]
        out.write("  ".join(c.ljust(w) for c, w in zip(shown, widths)).rstrip() + "\n")
        for r in cells:
            out.write("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() + "\n")
    return count


def printable(value: Any) -> str:
    """``value`` as one line of text fit for a terminal: white space folded, control characters
    (terminal escapes hidden in scraped text) replaced by spaces."""
    text = "" if value is None else str(_plain(value))
    return "".join(ch if ch.isprintable() else " " for ch in " ".join(text.split()))


def _cell(value: Any, width: int) -> str:
    text = printable(value)
    return text if len(text) <= width else text[: width - 1] + "…"
