"""Whether a notifier run could send anything: asked before loading the notifier at all.

A scheduled run that found nothing new should not pay for apprise, the templates and the
labels, nor for the outbox's queries (this module imports none of them). The answer is "maybe"
whenever a delivery waits and is due now (a digest, a retry, one claimed by a process that died;
not one that a retry's delay or the rate cap holds until later), a subscription has never queued
its alerts, or a finding new or revised within what a subscription's next queueing looks back
over has not been queued for it at that revision (perhaps its filters leave it out: then "maybe"
until the look-back has passed); only "surely not" skips the notifier.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BindParameter, ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from storage.models import Delivery, Finding, Subscription, utcnow
from storage.states import DeliveryStatus

# Findings are matched when they are new or revised; one committed late (a long analysis
# transaction) is still caught by looking this far behind the last run (notify.outbox.queue_for).
LOOKBACK = dt.timedelta(days=1)


def due_now(now: dt.datetime | BindParameter[dt.datetime]) -> ColumnElement[bool]:
    """Deliveries waiting whose time has come (a retry's or a rate cap's delay is past); ``now``
    may be a parameter, bound when the statement runs."""
    return and_(
        Delivery.status == DeliveryStatus.PENDING,
        or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
    )


def alerts_may_be_owed(session: Session, now: dt.datetime | None = None) -> bool:
    """False only when :func:`notify.deliver.send_pending` would surely send and queue nothing
    (``now``: the tests move the clock)."""
    now = now or utcnow()
    subscriptions = session.execute(select(Subscription.id, Subscription.created_at, Subscription.queued_until)).all()
    if not subscriptions:
        return False
    # Waiting and due now, or being sent (perhaps by a process that died); those a retry or the
    # rate cap holds until later are the business of a later run.
    waiting = or_(due_now(now), Delivery.status == DeliveryStatus.SENDING)
    if session.scalar(select(Delivery.id).where(waiting).limit(1)) is not None:
        return True
    since: dict[int, dt.datetime] = {}
    for sub_id, created, last_queued in subscriptions:
        if last_queued is None:
            return True
        # As outbox.queue_for looks back: from when the subscription last queued, less LOOKBACK.
        since[sub_id] = max(created, last_queued - LOOKBACK)
    is_recent = Finding.news_at >= min(since.values())
    recent = session.execute(select(Finding.id, Finding.revision, Finding.news_at).where(is_recent)).all()
    if not recent:
        return False
    # Two queries, whatever the number of subscriptions: what was queued of these findings.
    told = select(Delivery.subscription_id, Delivery.finding_id, Delivery.revision).where(
        Delivery.finding_id.in_(select(Finding.id).where(is_recent))
    )
    queued = {tuple(row) for row in session.execute(told)}
    return any(
        news_at >= since[sub_id] and (sub_id, finding_id, revision) not in queued
        for finding_id, revision, news_at in recent
        for sub_id in since
    )
