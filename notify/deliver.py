"""Send the alerts owed to subscriptions: `vigie notify`, and the last stage of `vigie run`.

One run: write the deliveries owed for new or revised findings (``outbox.queue_deliveries``,
the findings read once for every subscription), put back those
of a process that died, then serve every subscription with something due, several at once, so
that a slow or dead channel (each has its own timeouts) holds up no other subscriber. Serving
a subscription: claim a batch, send it to each channel that has not accepted it yet, record
each acceptance at once, then close the batch (sent, or retried later with backoff).

What "exactly once" means here. Claims are atomic, so two notifiers never send the same
delivery, and a delivery is marked sent only after its channel accepted it, so nothing is
lost. One window remains: the process dies after a channel accepted a message and before the
database recorded it (a few milliseconds per message). No channel can be asked afterwards
whether it got the message (SMTP cannot), so Vigie chooses at-least-once over at-most-once: the
claim expires after the lease (15 minutes) and the message is sent again, with the same
idempotency key: the same email Message-ID per recipient, the same ``Idempotency-Key`` header
on webhooks. Mail systems that deduplicate by Message-ID (Gmail does) show it once; a webhook
receiver can drop it. A lost alert would be worse than a recognisable duplicate.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select

from nlp.findings import backfill_findings
from notify.admin import alert_maintainers
from notify.channels import Channel, ChannelError, subscription_channels
from notify.email import SmtpSessions
from notify.messages import Composer, Links, Preview, idempotency_key
from notify.outbox import (
    Batch,
    Findings,
    claim_batch,
    defer_due,
    due_items,
    finish_batch,
    messages_sent_since,
    overflow_due,
    queue_deliveries,
    record_accepted,
    release_stale,
    subscriptions_with_due,
    update_channel,
)
from notify.policy import Policy
from notify.redact import install_log_redaction, redact_urls
from storage.db import Database
from storage.models import Delivery, Subscription, utcnow
from storage.queue import worker_name

log = logging.getLogger(__name__)


@dataclass
class DeliverySummary:
    queued: int = 0
    messages_sent: int = 0  # messages a channel accepted
    findings_sent: int = 0  # deliveries completed (every channel accepted them): findings and updates
    failed: int = 0  # deliveries given up after the last attempt
    released: int = 0  # deliveries taken back from a process that died
    deferred: int = 0  # held back by a rate cap
    failures: list[str] = field(default_factory=list)  # "subscription: channel: why", masked
    previews: list[Preview] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (subject, body) for the maintainers

    def merge(self, other: DeliverySummary) -> None:
        for name in ("messages_sent", "findings_sent", "failed", "deferred"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures += other.failures
        self.previews += other.previews
        self.notices += other.notices


def digest_of(subscription: Subscription, batch: Batch | None = None) -> str | None:
    if subscription.mode in ("daily", "weekly"):
        return subscription.mode
    return "overflow" if batch is not None and batch.deferred else None


@dataclass(frozen=True)
class NotifierSettings:
    """What the notifier needs of Vigie's settings, built by ``vigie`` (``Config.notifier_settings``)."""

    policy: Policy
    links: Links
    admin_url: str | None = None  # the maintainers' apprise URL or config file


class Notifier:
    """One run of the notifier, at one moment (``now``: the tests move the clock)."""

    def __init__(self, db: Database, settings: NotifierSettings, now: dt.datetime | None = None) -> None:
        self.db, self.settings = db, settings
        self.now = now or utcnow()
        self.policy = settings.policy
        self.worker = worker_name()
        # SQLite has one writer, and a writer that finds the database locked sleeps in its busy
        # handler (up to 100 ms a time): eight threads claiming and recording through one file
        # spent most of a run asleep. Taking turns on a lock of this process costs nothing.
        # PostgreSQL locks rows: its threads work side by side.
        self._turns = threading.Lock() if db.engine.dialect.name == "sqlite" else nullcontext()
        self.findings = Findings()  # loaded once, told to every subscription owed them
        self._recently_sent: dict[int, int] = {}  # messages per subscription within the rate window, at the start

    @contextmanager
    def _session(self) -> Iterator:
        """A unit of work of a serving thread (one at a time on SQLite, see ``_turns``)."""
        with self._turns, self.db.session() as session:
            yield session

    @cached_property
    def composer(self) -> Composer:
        # Built on first use: loading the templates and labels is most of a run with nothing due.
        return Composer(self.settings.links, self.policy, self.now)

    def run(self) -> DeliverySummary:
        summary = DeliverySummary()
        backfill_findings(self.db.session)  # deliveries written before an upgrade name hits
        with self.db.session() as session:
            summary.queued = queue_deliveries(session, self.now, self.policy)
        with self.db.session() as session:
            summary.released = release_stale(session, self.now, self.policy)
            due = subscriptions_with_due(session, self.now)
            subscriptions = {s.id: s for s in session.scalars(select(Subscription).where(Subscription.id.in_(due)))}
            # Read once for all: each thread then counts the messages it sends (see _within_rate_cap).
            self._recently_sent = messages_sent_since(session, due, self.now - self.policy.rate_window)
        if due:
            # Built here, once, rather than by the first of the threads below; its SMTP sessions
            # are kept from one message to the next through a mail server, and closed at the end.
            self.composer.smtp = SmtpSessions()
        try:
            with ThreadPoolExecutor(max_workers=self.policy.workers, thread_name_prefix="notify") as pool:
                for result in pool.map(self.serve, [subscriptions[sub_id] for sub_id in due]):
                    summary.merge(result)
        finally:
            if due:
                self.composer.smtp.close()
                self.composer.smtp = None
        for subject, body in summary.notices:
            alert_maintainers(self.settings.admin_url, subject, body)
        return summary

    def preview(self) -> DeliverySummary:
        """What a run would send now; the transaction is rolled back, so nothing changes."""
        summary = DeliverySummary()
        session = self.db.sessions()
        try:
            summary.queued = queue_deliveries(session, self.now, self.policy)
            for sub_id in subscriptions_with_due(session, self.now):
                sub = session.get(Subscription, sub_id)
                items = due_items(session, sub_id, self.now, self.policy.batch_size)
                try:
                    channels = subscription_channels(sub, self.policy.channel_timeout)
                except ChannelError as exc:
                    summary.failures.append(str(exc))
                    continue
                summary.previews += [self.composer.preview(sub, c, items, digest_of(sub)) for c in channels]
        finally:
            session.rollback()
            session.close()
        return summary

    def serve(self, sub: Subscription) -> DeliverySummary:
        """Send everything due to one subscription. Never raises: one subscriber's trouble stays its own."""
        result = DeliverySummary()
        try:
            self._serve(sub, result)
        except Exception as exc:
            log.error("Subscription #%s: unexpected %s: %s", sub.id, type(exc).__name__, redact_urls(str(exc)))
            result.failures.append(f"subscription #{sub.id}: unexpected {type(exc).__name__}")
        return result

    def _serve(self, sub: Subscription, result: DeliverySummary) -> None:
        try:
            channels = subscription_channels(sub, self.policy.channel_timeout)
        except ChannelError as exc:
            with self._session() as session:
                self._channels_broken(session, session.get(Subscription, sub.id), str(exc), result)
            return
        sent = self._recently_sent.get(sub.id, 0)
        while self._within_rate_cap(sub, sent, result):
            with self._session() as session:
                batch = claim_batch(session, sub.id, self.worker, self.now, self.policy.batch_size, self.findings)
            if batch is None:
                return
            if self._send_batch(sub, channels, batch, result):
                sent += 1
            if batch.last:
                return

    def _within_rate_cap(self, sub: Subscription, sent: int, result: DeliverySummary) -> bool:
        """Immediate subscriptions get at most ``rate_cap`` messages in 24 hours (``sent``: so far);
        the rest waits for the next digest hour and then goes out as one message (past the cap)."""
        if sub.mode != "immediate" or sent < (sub.rate_cap or self.policy.rate_cap):
            return True
        with self._session() as session:
            if overflow_due(session, sub.id, self.now):
                return True
            result.deferred += defer_due(session, sub.id, self.now, self.policy.next_digest(self.now, "daily"))
        return False

    def _send_batch(self, sub: Subscription, channels: list[Channel], batch: Batch, result: DeliverySummary) -> bool:
        """Send a batch to each channel that has not accepted it yet, recording each acceptance
        at once, then close it; True when it went out (a message towards the rate cap)."""
        errors: list[str] = []
        todo = [(channel, batch.pending_for(channel.key)) for channel in channels]
        todo = [(channel, deliveries) for channel, deliveries in todo if deliveries]
        sent = False
        for number, (channel, deliveries) in enumerate(todo, start=1):
            error, told = self._send(sub, channel, batch, deliveries)
            if error is not None or not told:
                errors.append(f"{channel.label}: {error}")
            accepted = (channel.key, {d.id for d in deliveries}) if error is None else None
            with self._session() as session:
                change = update_channel(session, sub.id, channel.key, channel.label, error, self.now, self.policy)
                if number == len(todo):  # the last channel's acceptance and the batch's close: one transaction
                    sent = self._close(session, sub, channels, batch, errors, result, accepted)
                elif accepted:
                    record_accepted(session, batch, self.worker, *accepted)
            if error is None and told:
                result.messages_sent += 1
            else:
                result.failures.append(f"{sub.name}: {channel.label}: {error}")
                log.warning("Subscription %s, channel %s: %s", sub.name, channel.label, error)
            if change:
                result.notices.append(self._notice(sub, channel, change, error))
        if not todo:
            with self._session() as session:
                sent = self._close(session, sub, channels, batch, errors, result)
        return sent

    def _send(
        self, sub: Subscription, channel: Channel, batch: Batch, deliveries: list[Delivery]
    ) -> tuple[str | None, bool]:
        """Send ``deliveries`` of ``batch`` to ``channel``: (None or why it failed, whether there was
        anything to tell: the finding of an old delivery may be gone, and then nothing is sent)."""
        key = idempotency_key(batch.key, channel, [d.id for d in deliveries])
        items = batch.items(deliveries)
        if not items:
            return None, False
        try:
            return self.composer.send(sub, channel, items, key, digest_of(sub, batch)), True
        except Exception as exc:
            return f"unexpected {type(exc).__name__}", True

    def _close(
        self,
        session,
        sub: Subscription,
        channels: list[Channel],
        batch: Batch,
        errors: list[str],
        result: DeliverySummary,
        accepted: tuple[str, set[int]] | None = None,
    ) -> bool:
        """Close ``batch``, recording what the last channel ``accepted`` (see ``outbox.finish_batch``);
        True when some of it was sent."""
        error = "; ".join(errors) or None
        keys = [c.key for c in channels]
        sent, failed = finish_batch(session, batch, self.worker, keys, error, self.now, self.policy, accepted)
        if sent and sub.mode != "immediate":
            session.get(Subscription, sub.id).last_digest_at = self.now
        result.findings_sent += sent
        result.failed += failed
        return sent > 0

    def _channels_broken(self, session, sub: Subscription, error: str, result: DeliverySummary) -> None:
        """Its URLs or config file cannot be used: deliveries wait (nothing lost); maintainers told once."""
        result.failures.append(error)
        if sub.failing_since is None:
            sub.failing_since = self.now
            result.notices.append(
                (
                    f"[Vigie] Subscription {sub.name} cannot be sent to",
                    f"{error}\nIts alerts are kept and will go out once it is fixed "
                    f"(`vigie subscription show {sub.name}`).",
                )
            )

    def _notice(self, sub: Subscription, channel: Channel, change: str, error: str | None) -> tuple[str, str]:
        if change == "recovered":
            return (f"[Vigie] Channel of {sub.name} works again", f"{channel.label} accepted an alert again.")
        return (
            f"[Vigie] Channel of {sub.name} is failing",
            f"{channel.label} failed {self.policy.failing_after} times in a row; last error: {error}\n"
            f"Vigie keeps retrying with backoff; after {self.policy.max_attempts} attempts an alert is marked "
            f"failed. Check the URL with `vigie subscription test {sub.name}`; `vigie subscription resume "
            f"{sub.name}` sends the failed alerts again.",
        )


def send_pending(
    db: Database, settings: NotifierSettings, dry_run: bool = False, now: dt.datetime | None = None
) -> DeliverySummary:
    """Queue what is owed and send what is due (``dry_run``: render it, change nothing)."""
    install_log_redaction()
    notifier = Notifier(db, settings, now)
    return notifier.preview() if dry_run else notifier.run()


def send_test(db: Database, settings: NotifierSettings, name: str) -> list[tuple[str, str | None]]:
    """Send a made-up alert to every channel of subscription ``name``: [(channel, error or None)].

    Raises LookupError for an unknown name and ChannelError for unusable channels.
    """
    install_log_redaction()
    notifier = Notifier(db, settings)
    with db.session() as session:
        sub = session.scalar(select(Subscription).where(Subscription.name == name))
    if sub is None:
        raise LookupError(name)
    items = notifier.composer.sample_items()
    results = []
    for channel in subscription_channels(sub, notifier.policy.channel_timeout):
        key = f"test-{notifier.now.timestamp():.0f}-{channel.key}"
        results.append((channel.label, notifier.composer.send(sub, channel, items, key, None, test=True)))
    return results
