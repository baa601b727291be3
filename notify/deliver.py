"""Send the alerts owed to subscriptions: `vigie notify`, and the last stage of `vigie run`.

One run: write the deliveries owed for new or revised findings (``outbox.queue_deliveries``,
the findings read once for every subscription), put back those
of a process that died, then serve every subscription with something due, several at once, so
that a slow or dead channel (each has its own timeouts) holds up no other subscriber. Serving
a subscription: claim a batch, send it to each channel that has not accepted it yet, record
each acceptance at once, then close the batch (sent, or retried later with backoff). The
threads' claims and records are written together (``storage.group_commit``, ``notify.claims``):
a thread still waits for its record to be committed before it goes on.

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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select

from nlp.findings import backfill_findings
from notify.admin import alert_maintainers
from notify.channels import Channel, ChannelError, subscription_channels
from notify.claims import ClaimsAhead
from notify.email import SmtpSessions
from notify.labels import load_labels
from notify.messages import Composer, Links, Preview, idempotency_key
from notify.outbox import (
    Batch,
    Findings,
    Send,
    defer_due,
    due_items,
    messages_sent_since,
    overflow_due,
    queue_deliveries,
    record_sends,
    release_stale,
    subscriptions_with_due,
)
from notify.policy import Policy
from notify.redact import install_log_redaction, instantiate, redact_urls
from notify.render import Renderer
from storage.db import Database
from storage.group_commit import GroupCommit
from storage.models import Delivery, Subscription, utcnow
from storage.queue import worker_name

log = logging.getLogger(__name__)

# Subscriptions whose first batch is claimed together: this many times the serving threads (more
# would leave a second notifier running at the same time less to share).
CLAIM_ROUNDS = 2


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
        # The serving threads' claims and records, committed together: eight threads taking
        # turns at SQLite's one writer, a transaction each, spent most of a run waiting.
        self.writes = GroupCommit(db)
        self.findings = Findings()  # loaded once, told to every subscription owed them
        self._recently_sent: dict[int, int] = {}  # messages per subscription within the rate window, at the start
        # Nothing claimed ahead until run() knows who is due: each batch is claimed when asked for.
        self.claims = ClaimsAhead(self.writes, self.worker, self.now, self.policy.batch_size, self.findings, [], 1)

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
        # The first batch of those under their rate cap is claimed for a few subscriptions at a time:
        # as many as the threads serve in a few rounds (each claim is a lease, see notify.claims).
        ahead = [
            sub_id for sub_id in due if self._under_rate_cap(subscriptions[sub_id], self._recently_sent.get(sub_id, 0))
        ]
        self.claims = ClaimsAhead(
            self.writes,
            self.worker,
            self.now,
            self.policy.batch_size,
            self.findings,
            ahead,
            CLAIM_ROUNDS * self.policy.workers,
        )
        if due:
            # Built here, once, rather than by the first of the threads below; its SMTP sessions
            # are kept from one message to the next through a mail server, and closed at the end.
            self.composer.smtp = SmtpSessions()
            self.composer.renderer.compile_all()  # a no-op once done (`vigie run` does it ahead)
        try:
            with ThreadPoolExecutor(max_workers=self.policy.workers, thread_name_prefix="notify") as pool:
                for result in pool.map(self.serve, [subscriptions[sub_id] for sub_id in due]):
                    summary.merge(result)
        finally:
            if due:
                self.composer.smtp.close()
                self.composer.smtp = None
            self.claims.release_untaken()
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
            self._channels_broken(sub, str(exc), result)
            return
        sent = self._recently_sent.get(sub.id, 0)
        while self._within_rate_cap(sub, sent, result):
            batch = self.claims.take(sub.id)
            if batch is None:
                return
            if self._send_batch(sub, channels, batch, result):
                sent += 1
            if batch.last:
                return

    def _under_rate_cap(self, sub: Subscription, sent: int) -> bool:
        return sub.mode != "immediate" or sent < (sub.rate_cap or self.policy.rate_cap)

    def _within_rate_cap(self, sub: Subscription, sent: int, result: DeliverySummary) -> bool:
        """Immediate subscriptions get at most ``rate_cap`` messages in 24 hours (``sent``: so far);
        the rest waits for the next digest hour and then goes out as one message (past the cap)."""
        if self._under_rate_cap(sub, sent):
            return True

        def overflow_or_defer(session) -> int | None:
            if overflow_due(session, sub.id, self.now):
                return None
            return defer_due(session, sub.id, self.now, self.policy.next_digest(self.now, "daily"))

        deferred = self.writes.run(overflow_or_defer)
        if deferred is None:
            return True
        result.deferred += deferred
        return False

    def _send_batch(self, sub: Subscription, channels: list[Channel], batch: Batch, result: DeliverySummary) -> bool:
        """Send a batch to each channel that has not accepted it yet, recording each acceptance
        at once, then close it; True when it went out (a message towards the rate cap)."""
        errors: list[str] = []
        todo = [(channel, batch.pending_for(channel.key)) for channel in channels]
        todo = [(channel, deliveries) for channel, deliveries in todo if deliveries]
        keys = [c.key for c in channels]
        digest = sub.mode != "immediate"
        if not todo:
            _, *closed = self._record(Send(batch, sub.id, None, closes=(keys, None), digest=digest))
            return self._count(closed, result)
        sent = False
        for number, (channel, deliveries) in enumerate(todo, start=1):
            error, told = self._send(sub, channel, batch, deliveries)
            if error is not None or not told:
                errors.append(f"{channel.label}: {error}")
            send = Send(batch, sub.id, channel.key, channel.label, error, digest=digest)
            if error is None:
                send.accepted = frozenset(d.id for d in deliveries)
            if number == len(todo):  # the last channel's acceptance and the batch's close: one transaction
                send.closes = (keys, "; ".join(errors) or None)
            change, *closed = self._record(send)
            if send.closes:
                sent = self._count(closed, result)
            if error is None and told:
                result.messages_sent += 1
            else:
                result.failures.append(f"{sub.name}: {channel.label}: {error}")
                log.warning("Subscription %s, channel %s: %s", sub.name, channel.label, error)
            if change:
                result.notices.append(self._notice(sub, channel, change, error))
        return sent

    def _record(self, send: Send) -> tuple[str | None, int, int]:
        """Record ``send`` with those of the other threads at that moment (``outbox.record_sends``)."""
        return self.writes.run_together(self._record_all, send)

    def _record_all(self, session, sends: list[Send]) -> list[tuple[str | None, int, int]]:
        return record_sends(session, sends, self.worker, self.now, self.policy)

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

    @staticmethod
    def _count(closed: list[int], result: DeliverySummary) -> bool:
        """Count a closed batch, (sent, failed), in ``result``; True when some of it was sent."""
        sent, failed = closed
        result.findings_sent += sent
        result.failed += failed
        return sent > 0

    def _channels_broken(self, sub: Subscription, error: str, result: DeliverySummary) -> None:
        """Its URLs or config file cannot be used: deliveries wait (nothing lost); maintainers told once."""
        result.failures.append(error)

        def mark_failing(session) -> bool:
            row = session.get(Subscription, sub.id)
            if row.failing_since is not None:
                return False
            row.failing_since = self.now
            return True

        if self.writes.run(mark_failing):
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


def prepare(settings: NotifierSettings) -> None:
    """Load what sending takes (apprise's services, the labels, the compiled templates) ahead of
    a run of the notifier: `vigie run` does it while the analysis finishes, in a process that
    would otherwise only wait, so that the alerts go out sooner."""
    instantiate("json://localhost")  # apprise imports every service it knows on the first URL it reads
    load_labels(settings.links.templates_dir or None)
    Renderer.shared(settings.links.templates_dir or None).compile_all()


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
