"""Findings as open data: one record per finding, the same for `vigie findings`, ``findings.csv``
and ``findings.json``. The columns are documented in docs/open-data.md (keep them in step).

Records hold typed values (lists, numbers, ISO dates); :func:`flat` turns them into one line of
text per cell for CSV and tables, and every CSV cell goes through :func:`notify.sanitize.spreadsheet_safe`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from notify.sanitize import spreadsheet_safe

COLUMNS = (
    "id",
    "source",
    "council",
    "country",
    "departement",
    "act_number",
    "subject",
    "meeting_date",
    "vote_ahead",
    "vote_result",
    "vote_unanimous",
    "vote_for",
    "vote_against",
    "vote_abstentions",
    "categories",
    "technologies",
    "vendors",
    "amount_max",
    "amount_currency",
    "amount_tax",
    "amounts",
    "subsidies",
    "document_kinds",
    "document_urls",
    "quote",
    "quote_page",
    "quote_url",
    "score",
    "revision",
    "first_seen_at",
    "updated_at",
    "page",
)
TABLE_COLUMNS = ("source", "meeting_date", "vote_result", "categories", "vendors", "amount_max", "subject")


def finding_record(facts: dict[str, Any], score: float, country: str, page: str = "") -> dict[str, Any]:
    """The record of one finding from its facts (:func:`notify.facts.finding_facts`); ``page`` is
    its page on the public site, when known."""
    vote = facts["vote"] or {}
    total = facts["amounts"][0] if facts["amounts"] else {}
    quote = facts["quotes"][0] if facts["quotes"] else {}
    return {
        "id": facts["id"],
        "source": facts["source_id"],
        "council": facts["council"],
        "country": country,
        "departement": facts["departement"],
        "act_number": facts["act"],
        "subject": facts["subject"],
        "meeting_date": _date(facts["meeting_date"]),
        "vote_ahead": bool(facts["vote_date"]),
        "vote_result": vote.get("result"),
        "vote_unanimous": vote.get("unanimous"),
        "vote_for": vote.get("for"),
        "vote_against": vote.get("against"),
        "vote_abstentions": vote.get("abstentions"),
        "categories": {t["id"]: t["count"] for t in facts["technologies"]},
        "technologies": [t["label"] for t in facts["technologies"]],
        "vendors": facts["vendors"],
        "amount_max": total.get("value"),
        "amount_currency": total.get("currency"),
        "amount_tax": total.get("tax"),
        "amounts": facts["amounts"],
        "subsidies": facts["subsidies"],
        "document_kinds": sorted({d["kind"] for d in facts["documents"]}),
        "document_urls": [d["url"] for d in facts["documents"] if d["url"]],
        "quote": "".join((quote.get("before", ""), quote.get("match", ""), quote.get("after", ""))) or None,
        "quote_page": quote.get("page"),
        "quote_url": quote.get("page_url") or None,
        "score": round(score, 3),
        "revision": facts["revision"],
        "first_seen_at": _date(facts["first_seen_at"]),
        "updated_at": _date(facts["news_at"]),
        "page": page or None,
    }


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return value.isoformat() if isinstance(value, dt.date) else value


def flat(record: dict[str, Any]) -> dict[str, Any]:
    """One line of text per cell: lists joined with " | ", categories as "id:count", amounts as
    "value currency tax (purpose)"."""
    out = {}
    for name, value in record.items():
        if name == "amounts":
            value = " | ".join(
                " ".join(str(x) for x in (a["value"], a["currency"], a.get("tax")) if x)
                + (f" ({a['purpose']})" if a.get("purpose") else "")
                for a in value
            )
        elif isinstance(value, dict):
            value = " | ".join(f"{k}:{v}" for k, v in value.items())
        elif isinstance(value, list):
            value = " | ".join(str(v) for v in value)
        out[name] = value
    return out


def csv_text(records: Iterable[dict[str, Any]]) -> str:
    """``findings.csv``: a header, then one row per record, every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        row = flat(record)
        writer.writerow([spreadsheet_safe(row.get(c)) for c in COLUMNS])
    return buffer.getvalue()
