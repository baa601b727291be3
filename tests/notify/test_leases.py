"""A claim is a lease: a notifier that outlived its lease records nothing over the next owner's claim.

A notifier may stall (a channel's timeouts, a suspended machine) past the lease; the deliveries it
claimed are then put back and claimed by another run, with the same message key. When the first
notifier wakes and records its send, the deliveries are no longer its own: what it says must not
close them under the new owner, whose own record then counts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from notify.outbox import Send, claim_batches, queue_deliveries, record_sends, release_stale
from storage.models import Delivery
from tests.notify.factory import add_hit, add_subscription
from vigie.config import load_config

POLICY = load_config(environ={}).delivery_policy()


def claim(db, sub_id: int, worker: str, at: dt.datetime):
    with db.session() as session:
        return claim_batches(session, [sub_id], worker, at, POLICY.batch_size)[sub_id]


def record_accepted(db, batch, sub_id: int, worker: str, at: dt.datetime) -> tuple[int, int]:
    """``worker`` records that the one channel accepted ``batch``: (deliveries sent, failed)."""
    send = Send(batch, sub_id, "json", "json://hook", accepted=frozenset(d.id for d in batch.deliveries))
    send.closes = (["json"], None)
    with db.session() as session:
        [(_, sent, failed)] = record_sends(session, [send], worker, at, POLICY)
    return sent, failed


def test_a_notifier_past_its_lease_records_nothing_over_the_next_owner_whose_record_counts(db, now):
    sub_id = add_subscription(db, "bellerive", ["json://127.0.0.1:9/hook"])
    add_hit(db)
    with db.session() as session:
        queue_deliveries(session, now, POLICY)
    stalled = claim(db, sub_id, "notifier-a", now)
    later = now + POLICY.lease + dt.timedelta(minutes=1)
    with db.session() as session:
        assert release_stale(session, later, POLICY) == 1
    retried = claim(db, sub_id, "notifier-b", later)
    assert retried.key == stalled.key  # the same message, with the same idempotency key

    assert record_accepted(db, stalled, sub_id, "notifier-a", later) == (0, 0)
    with db.session() as session:
        assert session.execute(select(Delivery.status, Delivery.claimed_by)).one() == ("sending", "notifier-b")

    assert record_accepted(db, retried, sub_id, "notifier-b", later) == (1, 0)
    with db.session() as session:
        assert session.scalar(select(Delivery.status)) == "sent"
