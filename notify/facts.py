"""What a finding says, as plain data for templates: the alerts' and the public site's.

Every string taken from a council's document goes through ``clean_text`` here (no control or
bidi characters, one line) and every link through ``safe_href`` (http and https only); escaping
is each output's job (HTML autoescape, the chat filter, iCalendar escaping, CSV neutralising).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from notify.filters import departement_of
from notify.labels import Labels
from notify.sanitize import clean_text, safe_href, trim, with_page
from storage.blobs import BlobStore
from storage.models import Document, Finding

# Minutes are written after their meeting: a date ahead on them is a typo, not a vote to come.
AFTER_THE_MEETING = ("minutes",)
# Which document a reader should open first about a deliberation.
DOCUMENT_ORDER = {"deliberation": 0, "agenda": 1, "minutes": 2, "report": 3, "annex": 4}
NEVER = dt.date.min
SUBJECT_LENGTH = 300


def archive_url(public_url: str, content_hash: str | None, page: int | None = None) -> str:
    """The published copy of a document (``<public_url>/ab/cd/<sha256>``), or "" when unpublished."""
    if not public_url or not content_hash:
        return ""
    relative = BlobStore(Path()).path(content_hash).as_posix()
    return with_page(f"{public_url.rstrip('/')}/{relative}", page)


def document_title(doc: Document) -> str:
    """The document's title, else the last part of its URL (a file name says something)."""
    return clean_text(doc.title) or clean_text(doc.url.rsplit("/", 1)[-1]) or "—"


def highlight(snippet: str, matched: str) -> tuple[str, str, str]:
    """The sentence cut around the matched words: (before, match, after); no match: all before."""
    sentence = clean_text(snippet)
    words = clean_text(matched)
    found = re.search(re.escape(words), sentence, re.IGNORECASE) if words else None
    if found is None:
        return sentence, "", ""
    return sentence[: found.start()], sentence[found.start() : found.end()], sentence[found.end() :]


def vote_ahead(finding: Finding, today: dt.date) -> dt.date | None:
    """The date of the vote when it is still ahead, else None: the meeting is today or later, no
    result is known, and it is not only minutes (written after the meeting) that show it."""
    meeting = finding.meeting_date
    if not meeting or meeting < today or (finding.vote or {}).get("result"):
        return None
    if finding.kinds and all(kind in AFTER_THE_MEETING for kind in finding.kinds):
        return None
    return meeting


def reading_order(vote: dt.date | None, meeting: dt.date | None, ident: int) -> tuple[Any, ...]:
    """Sort key: votes ahead first, soonest first; then the latest meetings, the newest first;
    undated last."""
    if vote:
        return (0, vote.toordinal(), ident)
    return (1, -(meeting or NEVER).toordinal(), -ident)


def _document(doc: Document, labels: Labels, language: str, public_url: str) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": document_title(doc),
        "kind": doc.kind,
        "kind_label": labels.kind(doc.kind, language),
        "meeting_date": doc.meeting_date,
        "url": safe_href(doc.url),
        "archive_url": archive_url(public_url, doc.content_hash),
        "content_hash": doc.content_hash,
    }


def _quote(
    quote: dict[str, Any], documents: dict[int, dict[str, Any]], labels: Labels, language: str, public_url: str
) -> dict[str, Any]:
    before, match, after = highlight(quote.get("snippet") or "", quote.get("matched") or "")
    doc = documents.get(quote.get("document_id")) or {}
    page = quote.get("page")
    return {
        "before": before,
        "match": match,
        "after": after,
        "page": page,
        "what": labels.category(quote.get("category") or "", language),
        "vendor": clean_text(quote.get("vendor")) or None,
        "document_title": doc.get("title", ""),
        "kind_label": doc.get("kind_label", ""),
        "page_url": with_page(doc.get("url", ""), page),
        "archive_url": archive_url(public_url, doc.get("content_hash"), page),
    }


def _amount(amount: dict[str, Any]) -> dict[str, Any]:
    return {
        "value": amount.get("value") or 0,
        "currency": clean_text(amount.get("currency")) or "EUR",
        "tax": clean_text(amount.get("tax")) or None,
        "purpose": trim(clean_text(amount.get("purpose")), 120) or None,
    }


def finding_facts(finding: Finding, labels: Labels, language: str, public_url: str, today: dt.date) -> dict[str, Any]:
    """Everything a block about ``finding`` shows (its source and sightings' documents loaded)."""
    docs = sorted(
        (s.document for s in finding.sightings),
        key=lambda d: (DOCUMENT_ORDER.get(d.kind, 9), -(d.meeting_date or NEVER).toordinal(), d.id),
    )
    documents = {d.id: _document(d, labels, language, public_url) for d in docs}
    vote = dict(finding.vote) if finding.vote and finding.vote.get("result") else None
    subject = trim(clean_text(finding.subject), SUBJECT_LENGTH) or (documents[docs[0].id]["title"] if docs else "—")
    source = finding.source
    return {
        "id": finding.id,
        "subject": subject,
        "act": clean_text(finding.act_label) or None,
        "council": clean_text(source.name) or clean_text(source.id),
        "source_id": source.id,
        "departement": departement_of(source),
        "meeting_date": finding.meeting_date,
        "vote_date": vote_ahead(finding, today),
        "voted_on": finding.meeting_date if vote else None,
        "vote": vote and {k: vote.get(k) for k in ("result", "unanimous", "for", "against", "abstentions")},
        "technologies": [
            {"id": clean_text(c), "label": clean_text(labels.category(c, language)), "count": n}
            for c, n in (finding.categories or {}).items()
        ],
        "vendors": [v for v in (clean_text(v) for v in finding.vendors or []) if v],
        "amounts": [_amount(a) for a in finding.amounts or []],
        "subsidies": [s for s in (clean_text(s) for s in finding.subsidies or []) if s],
        "quotes": [_quote(q, documents, labels, language, public_url) for q in finding.quotes or []],
        "documents": list(documents.values()),
        "revision": finding.revision,
        "first_seen_at": finding.first_seen_at,
        "news_at": finding.news_at,
    }
