"""Delivery you can trust: retried with backoff across runs, per channel, failures reported to
the maintainers only. The runs are driven by a clock the tests move: nothing sleeps."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from storage.models import Channel, Delivery, Subscription
from tests.notify.factory import add_hit, add_subscription
from tests.notify.servers import ScriptedSMTP, Silent, Webhook

MINUTE = dt.timedelta(minutes=1)


def deliveries(db) -> list[Delivery]:
    with db.session() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_a_delivery_is_written_once_per_subscription_and_hit_before_any_send(db, notify, now):
    add_subscription(db, "dead", ["json://127.0.0.1:9/hook"])
    add_hit(db)

    notify(at=now)
    notify(at=now + 10 * MINUTE)

    [delivery] = deliveries(db)
    assert delivery.status == "pending" and delivery.attempts == 2


def test_a_server_that_fails_then_recovers_gets_the_alert_exactly_once_after_retries(db, notify, now):
    with Webhook(statuses=[500, 503]) as hook:
        add_subscription(db, "flaky", [hook.url()])
        add_hit(db)

        first = notify(at=now)
        too_soon = notify(at=now + 4 * MINUTE)  # the first backoff is 5 minutes
        second = notify(at=now + 6 * MINUTE)
        third = notify(at=now + 6 * MINUTE + 11 * MINUTE)  # then 10 minutes
        after = notify(at=now + 60 * MINUTE)

    assert [r.findings_sent for r in (first, too_soon, second, third, after)] == [0, 0, 0, 1, 0]
    assert hook.attempts == 3
    assert len(hook.received) == 1
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_with_two_channels_a_retry_goes_only_to_the_one_that_failed(db, notify, now, mail_server):
    with Webhook(statuses=[500]) as hook:
        add_subscription(db, "both", [mail_server.apprise_url("groupe@example.org"), hook.url()])
        add_hit(db)

        notify(at=now)
        notify(at=now + 6 * MINUTE)

    assert len(mail_server.messages) == 1
    assert len(hook.received) == 1
    [delivery] = deliveries(db)
    assert delivery.status == "sent" and len(delivery.sent_channels) == 2


def test_after_repeated_failures_the_maintainers_are_told_and_the_subscriber_is_not(db, notify, now, config):
    with Webhook() as admin:
        add_subscription(db, "dead", ["json://127.0.0.1:9/hook"])
        add_hit(db)
        moments = [now + dt.timedelta(hours=h) for h in range(0, 30, 3)]
        for moment in moments:
            notify(at=moment, admin_url=admin.url("/admin"), alert_max_attempts=4)

    [notice] = admin.received
    assert notice["json"]["title"] == "[Vigie] Channel of dead is failing"
    assert "json://127.0.0.1:9/hook" in notice["json"]["message"]
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.attempts) == ("failed", 4)
    with db.session() as session:
        channel = session.scalars(select(Channel)).one()
        assert channel.failing_since is not None and channel.failures == 4
        assert session.scalars(select(Subscription)).one().failing_since is not None


def test_resuming_a_subscription_sends_its_failed_alerts_again(db, notify, now, cli, mail_server):
    add_subscription(db, "fixed", [mail_server.apprise_url("groupe@example.org")])
    add_hit(db)
    with db.session() as session:
        session.execute(
            Delivery.__table__.insert().values(
                subscription_id=1, hit_id=1, status="failed", attempts=8, sent_channels=[], created_at=now
            )
        )

    assert "1 failed alert(s) queued again" in cli("subscription", "resume", "fixed").output
    notify(at=now)

    assert len(mail_server.messages) == 1
    assert deliveries(db)[0].status == "sent"


def test_a_silent_channel_does_not_hold_up_the_other_subscribers(db, notify, now):
    with Silent() as silent, ScriptedSMTP() as mail:
        add_subscription(db, "silent", [silent.url(timeout_s=2)])  # served first, were it one at a time
        add_subscription(db, "alive", [mail.apprise_url("groupe@example.org")])
        add_hit(db)

        summary = notify(at=now)

    assert summary.findings_sent == 1
    assert [f.split(":")[0] for f in summary.failures] == ["silent"]
    assert mail.arrived[0] < silent.gave_up[0]  # the email went out while the other send hung
