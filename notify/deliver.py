"""Owe each subscription its new hits, then deliver them through apprise.

A delivery row per (subscription, hit) is written before anything is sent and is unique,
so a hit is never sent twice to the same subscription; it is marked sent only when apprise
reports success.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import apprise
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from notify.render import environment, render_alert
from storage.db import Database
from storage.models import Delivery, Document, Hit, Subscription, utcnow
from vigie.config import Config

log = logging.getLogger(__name__)


@dataclass
class DeliverySummary:
    queued: int = 0
    messages_sent: int = 0
    hits_sent: int = 0
    failures: list[str] = field(default_factory=list)
    previews: list[dict] = field(default_factory=list)


def matches(subscription: Subscription, hit: Hit, document: Document) -> bool:
    """Whether a hit falls within a subscription's filters (empty filter: everything)."""
    f = subscription.filters or {}
    if f.get("sources") and document.source_id not in f["sources"]:
        return False
    if f.get("categories") and hit.category not in f["categories"]:
        return False
    if f.get("vendors") and (hit.vendor or "") not in f["vendors"]:
        return False
    if f.get("kinds") and document.kind not in f["kinds"]:
        return False
    return hit.score >= float(f.get("min_score", 0))


def queue_deliveries(session: Session) -> int:
    """Create the pending deliveries owed for hits that no delivery covers yet."""
    subscriptions = list(session.scalars(select(Subscription).where(Subscription.paused.is_(False))))
    created = 0
    for sub in subscriptions:
        owed = session.execute(
            select(Hit, Document).join(Document, Hit.document_id == Document.id)
            .where(~select(Delivery.id).where(Delivery.subscription_id == sub.id, Delivery.hit_id == Hit.id).exists())
            .where(Hit.created_at >= sub.created_at)
        ).all()
        for hit, document in owed:
            if matches(sub, hit, document):
                session.add(Delivery(subscription_id=sub.id, hit_id=hit.id))
                created += 1
    return created


def _hit_context(hit: Hit) -> dict:
    doc = hit.document
    start = hit.snippet.lower().find(hit.matched.lower())
    before, after = (hit.snippet[:start], hit.snippet[start + len(hit.matched):]) if start >= 0 else (hit.snippet, "")
    return {"label": hit.vendor or hit.category, "matched": hit.matched, "page": hit.page,
            "snippet": hit.snippet, "snippet_before": before, "snippet_after": after,
            "page_url": f"{doc.url}#page={hit.page}", "document_id": doc.id}


def build_context(deliveries: list[Delivery], config: Config) -> dict:
    groups: dict[int, dict] = {}
    for delivery in deliveries:
        doc = delivery.hit.document
        if doc.id not in groups:
            groups[doc.id] = {"source_name": doc.source.name, "title": doc.title or doc.url,
                              "meeting_date": doc.meeting_date, "hits": []}
        groups[doc.id]["hits"].append(_hit_context(delivery.hit))
    ordered = list(groups.values())
    return {"groups": ordered, "hits": [h for g in ordered for h in g["hits"]],
            "councils": sorted({g["source_name"] for g in ordered}),
            "unsubscribe_url": config.unsubscribe_url}


def send_pending(db: Database, config: Config, dry_run: bool = False) -> DeliverySummary:
    """Queue what is owed, then send each subscription one message with its pending hits."""
    summary = DeliverySummary()
    env = environment(config.templates_dir or None)
    with db.session() as session:
        summary.queued = queue_deliveries(session)
    with db.session() as session:
        subs = list(session.scalars(select(Subscription).where(Subscription.paused.is_(False))))
        for sub in subs:
            pending = list(session.scalars(
                select(Delivery).where(Delivery.subscription_id == sub.id, Delivery.status == "pending")
                .options(joinedload(Delivery.hit).joinedload(Hit.document).joinedload(Document.source))
                .order_by(Delivery.id)
            ))
            if not pending:
                continue
            message = render_alert(env, sub.language, build_context(pending, config))
            if dry_run:
                summary.previews.append({"subscription": sub.name, "subject": message.subject, "text": message.text})
                continue
            notifier = apprise.Apprise()
            for url in sub.urls:
                notifier.add(url)
            ok = notifier.notify(title=message.subject, body=message.html, body_format=apprise.NotifyFormat.HTML)
            now = utcnow()
            for delivery in pending:
                delivery.attempts += 1
                if ok:
                    delivery.status, delivery.sent_at = "sent", now
                else:
                    delivery.last_error = "apprise reported a failure"
            if ok:
                summary.messages_sent += 1
                summary.hits_sent += len(pending)
            else:
                summary.failures.append(sub.name)
    return summary
