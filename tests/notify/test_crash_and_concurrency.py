"""No duplicate, no loss: a notifier killed mid-send, and two notifiers running at once.

These run `vigie notify` in real processes against the test's database (SQLite file, or the
PostgreSQL schema with VIGIE_TEST_DATABASE_URL). The SMTP servers script the moment things
happen: no sleeping.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from sqlalchemy import func, select

from storage.models import Delivery
from tests.notify.factory import add_hit, add_subscription
from tests.notify.servers import GatedSMTP, KillingSMTP
from vigie.config import load_config

DEFAULT_POLICY = load_config(environ={}).delivery_policy()  # the delivery rules of the default settings

LEASE = DEFAULT_POLICY.lease


def start_notifier(vigie_env, tmp_path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "vigie", "notify"],
        cwd=tmp_path,
        env=vigie_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def statuses(db) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Delivery.status).order_by(Delivery.id)))


def kill_notifier_mid_send(db, mail: KillingSMTP, vigie_env, tmp_path) -> None:
    """One subscriber, one hit, and a `vigie notify` that ``mail`` kills when the alert arrives."""
    add_subscription(db, "bellerive", [mail.apprise_url("groupe@example.org")])
    add_hit(db)
    process = start_notifier(vigie_env, tmp_path)
    mail.victim = process.pid  # the notifier takes far longer to start than this line
    process.communicate(timeout=120)
    assert process.returncode < 0  # killed before it could record anything
    assert statuses(db) == ["sending"]


def test_killed_after_the_server_accepted_the_alert_is_resent_once_with_the_same_message_id(
    db, notify, vigie_env, tmp_path
):
    with KillingSMTP(accept=True) as mail:
        kill_notifier_mid_send(db, mail, vigie_env, tmp_path)

        within_lease = notify(at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
        after_lease = notify(at=dt.datetime.now(dt.UTC) + LEASE + dt.timedelta(minutes=1))

    assert within_lease.messages_sent == 0  # the claim is respected while the sender may be alive
    assert after_lease.released == 1 and after_lease.findings_sent == 1
    assert statuses(db) == ["sent"]
    # At least once: the server has it twice, as the same message (same Message-ID).
    assert len(mail.messages) == 2
    assert len({message["Message-ID"] for _, message, _ in mail.messages}) == 1


def test_killed_before_the_server_accepted_the_alert_is_sent_exactly_once(db, notify, vigie_env, tmp_path):
    with KillingSMTP(accept=False) as mail:
        kill_notifier_mid_send(db, mail, vigie_env, tmp_path)

        notify(at=dt.datetime.now(dt.UTC) + LEASE + dt.timedelta(minutes=1))

    assert len(mail.messages) == 1
    assert statuses(db) == ["sent"]


def test_two_notifiers_at_once_send_each_alert_once_and_lose_none(db, vigie_env, tmp_path):
    subscribers = 3 * DEFAULT_POLICY.workers
    # The gate opens only when more messages wait at once than one notifier sends at a time:
    # both processes are then sending, each holding its own claims.
    with GatedSMTP(threshold=DEFAULT_POLICY.workers + 1) as mail:
        for n in range(subscribers):
            add_subscription(db, f"groupe-{n}", [mail.apprise_url(f"groupe-{n}@example.org")])
        add_hit(db)
        first, second = start_notifier(vigie_env, tmp_path), start_notifier(vigie_env, tmp_path)
        outputs = [first.communicate(timeout=120), second.communicate(timeout=120)]

    assert mail.opened, outputs
    recipients = sorted(rcpt for rcpts, _, _ in mail.messages for rcpt in rcpts)
    assert recipients == sorted(f"groupe-{n}@example.org" for n in range(subscribers))
    assert statuses(db) == ["sent"] * subscribers
    with db.session() as session:
        assert session.scalar(select(func.count(func.distinct(Delivery.claimed_by)))) == 2
