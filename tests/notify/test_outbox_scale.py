"""A subscription owed tens of thousands of findings at once (one huge document of repeated pages
cut into deliberations, a first run on a large council) gets them queued: deliveries are inserted
in chunks that fit any database's limit on SQL variables (SQLite: 32,766; PostgreSQL: 65,535
parameters, about 9,400 rows of deliveries), in one transaction per subscription."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from notify.outbox import queue_for
from storage.models import Delivery, Finding, Source, Subscription
from vigie.config import load_config

DEFAULT_POLICY = load_config(environ={}).delivery_policy()  # the delivery rules of the default settings

OWED = 40_000  # more than one INSERT could carry on either database


@pytest.mark.slow  # 40,000 findings inserted and queued
def test_forty_thousand_findings_owed_to_one_subscription_are_all_queued(db, now):
    with db.session() as session:
        session.add(
            Source(
                id="fr-grande-ville",
                name="Grande Ville",
                country="FR",
                platform="html",
                url="https://grande-ville.example/",
            )
        )
        session.add(Subscription(name="tout", urls=["json://127.0.0.1:9/x"], created_at=now - dt.timedelta(minutes=1)))
        session.flush()
        session.execute(
            insert(Finding.__table__),
            [
                {
                    "source_id": "fr-grande-ville",
                    "key": f"act:2026-{n}",
                    "categories": {"video_surveillance": 1},
                    "vendors": [],
                    "amounts": [],
                    "subsidies": [],
                    "quotes": [],
                    "kinds": ["deliberation"],
                    "score": 0.9,
                    "status": "active",
                    "revision": 1,
                    "history": [],
                    "news_at": now,
                    "first_seen_at": now,
                    "updated_at": now,
                }
                for n in range(OWED)
            ],
        )

    with db.session() as session:
        queued = queue_for(session, session.scalars(select(Subscription)).one(), now, DEFAULT_POLICY)
    with db.session() as session:  # the next run owes nothing more
        again = queue_for(session, session.scalars(select(Subscription)).one(), now, DEFAULT_POLICY)

    assert (queued, again) == (OWED, 0)
    with db.session() as session:
        assert session.scalar(select(func.count(func.distinct(Delivery.finding_id)))) == OWED
