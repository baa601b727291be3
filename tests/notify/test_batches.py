"""One run serves each subscription everything due, batch after batch: more findings than a
message holds go out as several messages, a retried batch goes out whole beside the new ones, and
a channel's first accepted message clears a subscription's failing mark. Runs on a moved clock."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from notify.deliver import send_pending
from storage.models import Channel, Delivery, Subscription
from tests.notify.factory import add_hit, add_subscription
from tests.notify.servers import Webhook

MINUTE = dt.timedelta(minutes=1)


def notify_in_batches_of(db, config, size: int, at: dt.datetime):
    """A run whose messages hold at most ``size`` findings."""
    settings = config.notifier_settings()
    settings = dataclasses.replace(settings, policy=dataclasses.replace(settings.policy, batch_size=size))
    return send_pending(db, settings, now=at)


def test_more_findings_than_a_message_holds_go_out_in_as_many_messages_in_one_run(db, config, webhook, now):
    add_subscription(db, "grand-groupe", [webhook.url()])
    for _ in range(5):
        add_hit(db)

    summary = notify_in_batches_of(db, config, 2, now)

    assert (summary.messages_sent, summary.findings_sent) == (3, 5)
    assert len(webhook.received) == 3
    assert len({post["headers"]["Idempotency-Key"] for post in webhook.received}) == 3
    with db.session() as session:
        assert set(session.scalars(select(Delivery.status))) == {"sent"}


def test_a_retried_message_goes_out_whole_and_with_its_key_beside_the_new_findings(db, notify, now):
    with Webhook(statuses=[500]) as hook:
        add_subscription(db, "patient", [hook.url()])
        add_hit(db)
        notify(at=now)  # refused: retried after 5 minutes
        add_hit(db)

        later = notify(at=now + 6 * MINUTE)

    assert (later.messages_sent, later.findings_sent) == (2, 2)
    with db.session() as session:
        first, second = session.scalars(select(Delivery).order_by(Delivery.id))
    assert (first.status, first.attempts, second.status, second.attempts) == ("sent", 1, "sent", 0)
    assert first.message_key != second.message_key


def test_a_batch_claimed_ahead_for_a_subscription_that_cannot_be_sent_to_is_put_back_untouched(
    db, notify, now, webhook, tmp_path
):
    """The first claim takes the first batch of the next subscriptions too (notify/claims.py):
    one whose channels cannot be read never takes it, and it waits for the next run as it was."""
    add_subscription(db, "premier", [webhook.url()])
    broken_id = add_subscription(db, "mal-configure", [], apprise_config=str(tmp_path / "absent.yaml"))
    add_hit(db)

    first = notify(at=now)

    assert first.messages_sent == 1
    with db.session() as session:
        waiting = session.scalars(select(Delivery).where(Delivery.subscription_id == broken_id)).one()
        assert (waiting.status, waiting.attempts, waiting.claimed_by) == ("pending", 0, None)
        session.get(Subscription, broken_id).apprise_config = None
        session.get(Subscription, broken_id).urls = [webhook.url("/fixed")]
    assert notify(at=now + MINUTE).messages_sent == 1


def test_a_subscription_whose_config_file_was_missing_is_no_longer_failing_once_a_channel_accepts(
    db, notify, now, webhook, tmp_path
):
    sub_id = add_subscription(db, "mal-configure", [], apprise_config=str(tmp_path / "absent.yaml"))
    add_hit(db)
    broken = notify(at=now)
    with db.session() as session:
        sub = session.get(Subscription, sub_id)
        assert sub.failing_since is not None and broken.messages_sent == 0
        sub.apprise_config, sub.urls = None, [webhook.url()]  # fixed

    fixed = notify(at=now + MINUTE)

    assert fixed.messages_sent == 1 and len(webhook.received) == 1
    with db.session() as session:
        assert session.get(Subscription, sub_id).failing_since is None
        channel = session.scalars(select(Channel)).one()
        assert (channel.failures, channel.failing_since, channel.last_sent_at) == (0, None, now + MINUTE)
