"""Whether a notifier run could send anything: asked before loading the notifier at all.

A scheduled run that found nothing new should not pay for apprise, the templates and the
labels. The answer is "maybe" whenever a delivery waits (due now or later: a digest, a retry,
one claimed by a process that died) or a finding is new or revised since the subscriptions
last queued theirs; only "surely not" skips the notifier.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.outbox import LOOKBACK
from storage.models import Delivery, Finding, Subscription


def alerts_may_be_owed(session: Session) -> bool:
    """False only when :func:`notify.deliver.send_pending` would surely send and queue nothing."""
    subscriptions = session.execute(select(Subscription.created_at, Subscription.queued_until)).all()
    if not subscriptions:
        return False
    waiting = select(Delivery.id).where(Delivery.status.in_(("pending", "sending"))).limit(1)
    if session.scalar(waiting) is not None:
        return True
    # As outbox.queue_for looks back: from when each subscription last queued, less LOOKBACK.
    since = min(max(created, (queued or created) - LOOKBACK) for created, queued in subscriptions)
    return session.scalar(select(Finding.id).where(Finding.news_at >= since).limit(1)) is not None
