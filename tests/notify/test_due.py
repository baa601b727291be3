"""notify.due: a run skips the notifier only when it would surely send nothing."""

from __future__ import annotations

import datetime as dt

from notify.due import alerts_may_be_owed
from tests.notify.factory import add_hit, add_subscription


def owed(db) -> bool:
    with db.session() as session:
        return alerts_may_be_owed(session)


def test_without_subscriptions_nothing_is_owed(db):
    add_hit(db)
    assert not owed(db)


def test_a_new_finding_may_be_owed_to_a_subscription(db, webhook):
    add_subscription(db, "collectif", [webhook.url()])
    add_hit(db)
    assert owed(db)


def test_once_sent_and_past_the_lookback_nothing_is_owed(db, webhook, notify, now):
    add_subscription(db, "collectif", [webhook.url()])
    add_hit(db)
    assert notify(at=now).findings_sent == 1
    assert notify(at=now + dt.timedelta(days=2)).queued == 0
    assert not owed(db)


def test_once_sent_nothing_is_owed_even_within_the_lookback(db, webhook, notify, now):
    add_subscription(db, "collectif", [webhook.url()])
    add_hit(db)
    assert notify(at=now).findings_sent == 1
    assert not owed(db)


def test_a_subscription_that_never_queued_may_be_owed_what_others_were_sent(db, webhook, notify, now):
    add_subscription(db, "collectif", [webhook.url()])
    add_hit(db)
    notify(at=now)
    add_subscription(db, "voisins", [webhook.url()])
    assert owed(db)


def test_a_delivery_waiting_for_a_retry_brings_the_notifier_back_when_the_retry_is_due(db, notify, now):
    from sqlalchemy import select

    from storage.models import Delivery
    from tests.notify.servers import Webhook

    with Webhook(statuses=[500] * 10) as failing:
        add_subscription(db, "collectif", [failing.url()])
        add_hit(db)
        notify(at=now)
        notify(at=now + dt.timedelta(days=2))
    with db.session() as session:
        retry_at = session.scalar(select(Delivery.next_attempt_at))
        assert not alerts_may_be_owed(session, retry_at - dt.timedelta(minutes=1))
        assert alerts_may_be_owed(session, retry_at)
