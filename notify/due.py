"""Whether a notifier run could send anything: asked before loading the notifier at all.

A scheduled run that found nothing new should not pay for apprise, the templates and the
labels. The answer is "maybe" whenever a delivery waits and is due now (a digest, a retry, one
claimed by a process that died; not one that a retry's delay or the rate cap holds until later), a subscription has never queued its alerts, or a finding
new or revised within what a subscription's next queueing looks back over has not been queued
for it at that revision (perhaps its filters leave it out: then "maybe" until the look-back has
passed); only "surely not" skips the notifier.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from notify.outbox import LOOKBACK, due_now
from storage.models import Delivery, Finding, Subscription, utcnow
from storage.states import DeliveryStatus


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
    for sub_id, created, queued in subscriptions:
        if queued is None:
            return True
        # As outbox.queue_for looks back: from when the subscription last queued, less LOOKBACK.
        queued_for_it = (
            select(Delivery.id)
            .where(
                Delivery.subscription_id == sub_id,
                Delivery.finding_id == Finding.id,
                Delivery.revision == Finding.revision,
            )
            .exists()
        )
        recent = Finding.news_at >= max(created, queued - LOOKBACK)
        if session.scalar(select(Finding.id).where(recent, ~queued_for_it).limit(1)) is not None:
            return True
    return False
