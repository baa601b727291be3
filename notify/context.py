"""What a message says, as plain data for the templates: hits grouped by council and document.

Every string taken from a council's document goes through ``clean_text`` here (no control or
bidi characters); escaping for HTML is the templates' autoescape, and for chat the ``chat``
filter (see ``render.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from notify.filters import departement_of
from notify.labels import Labels
from notify.sanitize import clean_text, safe_href, with_page
from storage.blobs import BlobStore
from storage.models import Document, Hit

# Minutes are written after their meeting: a date ahead on them is a typo, not a vote to come.
AFTER_THE_MEETING = ("minutes",)
NEVER = dt.date.min


@dataclass(frozen=True)
class MessageInfo:
    """What the templates need besides the hits."""

    language: str
    subscription: str
    digest: str | None = None  # None, "daily", "weekly", or "overflow" (rate cap reached)
    unsubscribe_url: str = ""
    public_url: str = ""
    test: bool = False


def archive_url(public_url: str, content_hash: str | None, page: int | None = None) -> str:
    """The published copy of a document (``<public_url>/ab/cd/<sha256>``), or "" when unpublished."""
    if not public_url or not content_hash:
        return ""
    relative = BlobStore(Path()).path(content_hash).as_posix()
    return with_page(f"{public_url.rstrip('/')}/{relative}", page)


def highlight(snippet: str, matched: str) -> tuple[str, str, str]:
    """The sentence cut around the matched words: (before, match, after); no match: all before."""
    sentence = clean_text(snippet)
    words = clean_text(matched)
    found = re.search(re.escape(words), sentence, re.IGNORECASE) if words else None
    if found is None:
        return sentence, "", ""
    return sentence[: found.start()], sentence[found.start(): found.end()], sentence[found.end():]


def document_title(doc: Document) -> str:
    """The document's title, else the last part of its URL (a file name says something)."""
    return clean_text(doc.title) or clean_text(doc.url.rsplit("/", 1)[-1]) or "—"


def _hit(hit: Hit, labels: Labels, info: MessageInfo, document_url: str, content_hash: str | None) -> dict[str, Any]:
    before, match, after = highlight(hit.snippet, hit.matched)
    return {
        "kind": hit.kind, "category": hit.category, "vendor": clean_text(hit.vendor) or None,
        "what": labels.category(hit.category, info.language), "matched": clean_text(hit.matched),
        "before": before, "match": match, "after": after, "page": hit.page, "score": hit.score,
        "page_url": with_page(document_url, hit.page),
        "archive_url": archive_url(info.public_url, content_hash, hit.page),
    }


def vote_date(doc: Document, today: dt.date) -> dt.date | None:
    """The date of the vote when the document's meeting is still ahead, else None.

    A meeting still ahead means a vote to come: an agenda, a draft resolution ("projet de
    délibération", stored as a deliberation) or an annex; minutes come after the meeting.
    """
    if doc.meeting_date and doc.meeting_date >= today and doc.kind not in AFTER_THE_MEETING:
        return doc.meeting_date
    return None


def reading_order(vote: dt.date | None, meeting: dt.date | None, document_id: int) -> tuple:
    """Sort key of documents: votes ahead first, soonest first; then the latest meetings, the
    newest document first; undated documents last."""
    if vote:
        return (0, vote.toordinal(), document_id)
    return (1, -(meeting or NEVER).toordinal(), -document_id)


def _document(doc: Document, labels: Labels, info: MessageInfo, today: dt.date) -> dict[str, Any]:
    url = safe_href(doc.url)
    return {
        "id": doc.id, "title": document_title(doc),
        "kind": doc.kind, "kind_label": labels.kind(doc.kind, info.language),
        "meeting_date": doc.meeting_date, "vote_date": vote_date(doc, today),
        "url": url, "archive_url": archive_url(info.public_url, doc.content_hash),
        "council": clean_text(doc.source.name), "departement": departement_of(doc.source), "hits": [],
    }


def _sections(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Votes ahead, then the rest (in reading order), each grouped by council."""
    ordered = sorted(documents, key=lambda d: reading_order(d["vote_date"], d["meeting_date"], d["id"]))
    sections = []
    for upcoming in (True, False):
        councils: dict[str, dict[str, Any]] = {}
        for doc in ordered:
            if bool(doc["vote_date"]) is upcoming:
                councils.setdefault(doc["council"], {"name": doc["council"], "departement": doc["departement"],
                                                     "documents": []})["documents"].append(doc)
        if councils:
            sections.append({"upcoming": upcoming, "councils": list(councils.values())})
    return sections


def alert_context(hits: Iterable[Hit], labels: Labels, info: MessageInfo, today: dt.date) -> dict[str, Any]:
    """The templates' context for ``hits`` (each with its document and source loaded)."""
    documents: dict[int, dict[str, Any]] = {}
    for hit in sorted(hits, key=lambda h: (h.document_id, h.page, h.start)):
        doc = hit.document
        entry = documents.get(doc.id) or documents.setdefault(doc.id, _document(doc, labels, info, today))
        entry["hits"].append(_hit(hit, labels, info, entry["url"], doc.content_hash))
    sections = _sections(list(documents.values()))
    ordered = [d for s in sections for c in s["councils"] for d in c["documents"]]
    items = [{**h, "document": d} for d in ordered for h in d["hits"]]
    votes = [d["vote_date"] for d in ordered if d["vote_date"]]
    return {
        "subscription": info.subscription, "digest": info.digest, "test": info.test,
        "sections": sections, "items": items, "count": len(items),
        "councils": list(dict.fromkeys(d["council"] for d in ordered)),
        "next_vote": min(votes) if votes else None,
        "unsubscribe_url": info.unsubscribe_url, "archive_published": bool(info.public_url),
    }
