"""The deliveries table as an outbox: what is owed, claimed, sent, retried, failed.

A delivery is one revision of a finding owed to one subscription, unique per (subscription,
finding, revision), written before anything is sent: the first revision a group hears of, then
one more each time something new is known about the finding (``Finding.revision``), once the
group has got the previous one. Its life:

    pending ──claim──▶ sending ──every channel accepted──▶ sent
       ▲                  │
       └──some failed─────┤ (attempts + 1, next_attempt_at = now + backoff)
                          └──attempts exhausted──▶ failed   (kept; `subscription resume` requeues)

Claiming is a compare-and-set in one transaction: the candidate rows are selected with
``storage.queue.claim`` (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock first on
SQLite), then ``UPDATE … SET status='sending' WHERE id IN (…) AND status='pending' RETURNING …``:
the batch is the rows it returns. Two notifiers at once therefore never hold the same delivery.

The claimed deliveries form a batch, one message, whose ``message_key`` is derived from their
ids and kept across retries: the same alert sent again carries the same idempotency key (the
email's Message-ID, a webhook's Idempotency-Key header). See ``deliver.py`` for what this
means when a process dies between a channel accepting a message and the database recording it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import import_module
from typing import Any

from sqlalchemy import BindParameter, Insert, Select, Update, and_, bindparam, case, func, select, update
from sqlalchemy.orm import Session, joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from notify.due import LOOKBACK, due_now
from notify.filters import finding_query, matches
from notify.policy import Policy
from storage.models import Channel, Delivery, Document, Finding, FindingDocument, Hit, Source, Subscription
from storage.queue import lock_for_claims
from storage.states import AlertMode, DeliveryStatus

# Rows sent to the database at a time. A single multi-row INSERT of every row owed failed beyond
# SQLite's 32,766 variables (about 35,700 hit rows) or PostgreSQL's 65,535 parameters (about 9,400).
CHUNK = 1000
# What rendering a finding needs, loaded with it (the objects outlive their session).
FINDING_LOADED = (joinedload(Finding.source), selectinload(Finding.sightings).joinedload(FindingDocument.document))
# The same for a message, of the documents only what a message shows (notify.facts): a first run
# tells of a thousand findings, whose documents' metadata would be read and decoded for nothing.
FINDING_TOLD = (
    joinedload(Finding.source),
    selectinload(Finding.sightings).options(
        load_only(FindingDocument.document_id),
        joinedload(FindingDocument.document).load_only(
            Document.title, Document.url, Document.kind, Document.meeting_date, Document.content_hash
        ),
    ),
)


def insert_ignoring_duplicates(session: Session, model: type, rows: list[dict[str, Any]], unique: list[str]) -> int:
    """INSERT … ON CONFLICT DO NOTHING (another notifier may insert the same row at the same time),
    in chunks: a subscription may be owed more rows than one statement can carry."""
    if not rows:
        return 0
    statement = _insert_ignoring(session.get_bind().dialect.name, model, tuple(unique))
    connection = session.connection()
    return sum(
        len(connection.execute(statement, rows[start : start + CHUNK]).all()) for start in range(0, len(rows), CHUNK)
    )


@cache
def _insert_ignoring(dialect: str, model: type, unique: tuple[str, ...]) -> Insert:
    """The statement of :func:`insert_ignoring_duplicates`, built once per table (the notifier
    records a channel's first message with it, message after message)."""
    # The dialect's own module, imported here: PostgreSQL's takes a scheduled run on SQLite 35 ms to import.
    insert = import_module(f"sqlalchemy.dialects.{dialect}").insert
    # RETURNING lists the rows inserted; rowcount is not reliable here across drivers. Each
    # chunk is sent as multi-row INSERTs that SQLAlchemy keeps under the database's limit on
    # parameters ("insertmanyvalues").
    statement: Insert = insert(model.__table__).on_conflict_do_nothing(index_elements=list(unique))
    return statement.returning(model.id)


# Subscriptions whose deliveries are worked out together: what they were told is read in one
# query per group, and held in memory for the group only (a first run may owe thousands of findings).
QUEUE_GROUP = 50


def _since(sub: Subscription) -> dt.datetime:
    """From when a subscription may be owed findings: since its last run, less the lookback."""
    return max(sub.created_at, (sub.queued_until or sub.created_at) - LOOKBACK)


def _recent(since: dt.datetime) -> Select[Any]:
    """The ids of the findings new or revised since ``since``: the only ones a run may owe."""
    return select(Finding.id).where(Finding.news_at >= since)


def recent_findings(session: Session, since: dt.datetime) -> list[tuple[Finding, Source]]:
    """The active findings new or revised since ``since``, with their sources: loaded once for
    every subscription, each of which then keeps those its filters let through."""
    needed = load_only(
        Finding.id,
        Finding.source_id,
        Finding.revision,
        Finding.history,
        Finding.categories,
        Finding.vendors,
        Finding.kinds,
        Finding.score,
        Finding.status,
        Finding.news_at,
    )
    query = finding_query({}).where(Finding.news_at >= since).options(needed)
    return [(finding, source) for finding, source in session.execute(query)]


@dataclass
class Heard:
    """What a subscription has been told: the latest revision owed per finding, and the findings
    with a message still on its way (an update waits for it)."""

    told: dict[int, int] = field(default_factory=dict)
    waiting: set[int] = field(default_factory=set)


def _heard(session: Session, sub_ids: list[int], since: dt.datetime) -> dict[int, Heard]:
    """:class:`Heard` of each of ``sub_ids``, about the findings new or revised since ``since``."""
    heard = {sub_id: Heard() for sub_id in sub_ids}
    rows = session.execute(
        select(
            Delivery.subscription_id,
            Delivery.finding_id,
            func.max(Delivery.revision),
            func.max(case((Delivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.SENDING)), 1), else_=0)),
        )
        .where(Delivery.subscription_id.in_(sub_ids), Delivery.finding_id.in_(_recent(since)))
        .group_by(Delivery.subscription_id, Delivery.finding_id)
    )
    for sub_id, finding_id, revision, on_its_way in rows:
        heard[sub_id].told[finding_id] = revision or 0
        if on_its_way:
            heard[sub_id].waiting.add(finding_id)
    # Deliveries written before findings existed named a hit: its finding's first revision was told.
    legacy = (
        select(Delivery.subscription_id, Hit.finding_id)
        .join(Delivery, Delivery.hit_id == Hit.id)
        .where(Delivery.subscription_id.in_(sub_ids), Hit.finding_id.in_(_recent(since)))
        .distinct()
    )
    for sub_id, finding_id in session.execute(legacy):
        heard[sub_id].told.setdefault(finding_id, 1)
    return heard


def _news_since(finding: Finding, revision: int | None) -> list[str]:
    """What a group told of ``revision`` has not heard: ["new"], or what changed since."""
    if revision is None:
        return ["new"]
    news = [n for entry in finding.history or [] if entry.get("revision", 0) > revision for n in entry.get("news", [])]
    return list(dict.fromkeys(n for n in news if n != "new")) or ["new"]


def owed(sub: Subscription, findings: list[tuple[Finding, Source]], heard: Heard) -> list[tuple[Finding, list[str]]]:
    """Among ``findings`` (:func:`recent_findings`), those new or revised since the subscription
    last ran that pass its filters and that it has not been told of in their current revision,
    with what is new for it."""
    filters, since = sub.filters or {}, _since(sub)
    found = []
    for finding, source in findings:
        if finding.news_at < since or not matches(filters, finding, source):
            continue
        revision = heard.told.get(finding.id)
        if revision is not None and (revision >= finding.revision or finding.id in heard.waiting):
            continue  # told already, or its message is still on its way (it will show the news)
        found.append((finding, _news_since(finding, revision)))
    return found


def _digests_waiting(session: Session, sub_ids: list[int]) -> dict[int, dt.datetime]:
    """When the digest already waiting for each of ``sub_ids`` goes out (those with one)."""
    rows = session.execute(
        select(Delivery.subscription_id, func.min(Delivery.next_attempt_at))
        .where(
            Delivery.subscription_id.in_(sub_ids),
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.attempts == 0,
            Delivery.next_attempt_at.is_not(None),
        )
        .group_by(Delivery.subscription_id)
    )
    return {sub_id: moment for sub_id, moment in rows if moment is not None}


def _due_time(sub: Subscription, waiting: dt.datetime | None, now: dt.datetime, policy: Policy) -> dt.datetime | None:
    """When a new finding goes out: now for an immediate subscription; for a digest, with the
    digest already waiting (even one due in this very run), else at the next digest time."""
    if sub.mode == AlertMode.IMMEDIATE:
        return None
    return min(waiting, policy.next_digest(now, sub.mode)) if waiting else policy.next_digest(now, sub.mode)


def queue_deliveries(
    session: Session, now: dt.datetime, policy: Policy, subscriptions: list[Subscription] | None = None
) -> int:
    """Write the deliveries owed to ``subscriptions`` (default: every one; paused ones too, so
    nothing is lost while paused), in ``session`` (a preview rolls it back). Returns how many.

    The findings that may be owed are read once for all of them, and what they were told once
    per :data:`QUEUE_GROUP`: the cost of a run grows with what is new, not with subscriptions
    times findings. Inserting ignores rows already there, so two notifiers at once, or a run
    after a crash, never queue a delivery twice.
    """
    if subscriptions is None:
        subscriptions = list(session.scalars(select(Subscription).order_by(Subscription.id)))
    if not subscriptions:
        return 0
    since = min(_since(sub) for sub in subscriptions)
    findings = recent_findings(session, since)
    created = 0
    for start in range(0, len(subscriptions), QUEUE_GROUP):
        group = subscriptions[start : start + QUEUE_GROUP]
        ids = [sub.id for sub in group]
        heard = _heard(session, ids, since) if findings else {}
        digests = [sub.id for sub in group if sub.mode != AlertMode.IMMEDIATE]
        waiting = _digests_waiting(session, digests) if digests and findings else {}
        rows = []
        for sub in group:
            if findings:
                due = _due_time(sub, waiting.get(sub.id), now, policy)
                rows += [
                    _delivery_row(sub.id, finding, news, due, now)
                    for finding, news in owed(sub, findings, heard[sub.id])
                ]
            sub.queued_until = max(now, sub.queued_until or now)
        created += insert_ignoring_duplicates(session, Delivery, rows, ["subscription_id", "finding_id", "revision"])
    return created


def _delivery_row(
    sub_id: int, finding: Finding, news: list[str], due: dt.datetime | None, now: dt.datetime
) -> dict[str, Any]:
    """The row of a new delivery of ``finding`` to a subscription, due at ``due`` (None: now)."""
    return {
        "subscription_id": sub_id,
        "finding_id": finding.id,
        "revision": finding.revision,
        "news": news,
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": due,
        "sent_channels": [],
        "created_at": now,
    }


def queue_for(session: Session, sub: Subscription, now: dt.datetime, policy: Policy) -> int:
    """:func:`queue_deliveries` for one subscription."""
    return queue_deliveries(session, now, policy, [sub])


def release_stale(session: Session, now: dt.datetime, policy: Policy) -> int:
    """Put back deliveries claimed by a process that died (claim older than the lease).

    Their message_key is kept, so the resend carries the same idempotency key; the attempt is
    counted, so a message that kills its sender every time ends as failed, not in a loop.
    Returns how many were put back (or given up).
    """
    exhausted = Delivery.attempts + 1 >= policy.max_attempts
    result = session.execute(
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < now - policy.lease)
        .values(
            # Plain text: the values of a CASE are bound without the column's type.
            status=case((exhausted, DeliveryStatus.FAILED.value), else_=DeliveryStatus.PENDING.value),
            attempts=Delivery.attempts + 1,
            next_attempt_at=now,
            last_error="the process sending it stopped before recording the result",
        )
        .execution_options(synchronize_session=False)
    )
    return max(result.rowcount or 0, 0)


def _due(sub_id: int, now: dt.datetime):
    return and_(Delivery.subscription_id == sub_id, due_now(now))


def subscriptions_with_due(session: Session, now: dt.datetime) -> list[int]:
    """Active subscriptions with deliveries due now."""
    query = (
        select(Subscription.id)
        .where(Subscription.paused.is_(False))
        .where(select(Delivery.id).where(Delivery.subscription_id == Subscription.id, due_now(now)).exists())
        .order_by(Subscription.id)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class Told:
    """One finding of a message, and what is new in it for the group: ["new"] or ["vote", …]."""

    finding: Finding
    news: list[str]

    @property
    def update(self) -> bool:
        return self.news != ["new"]


class Findings:
    """The findings a run tells of, loaded for rendering once and shared by every subscription
    (each of two hundred groups owed the same finding does not load it again). Safe across the
    serving threads: a finding is only read once loaded, and one loaded twice by two threads at
    once is the same finding. A revision newer than the one loaded (the analysis revised it
    during the run) is loaded again."""

    def __init__(self) -> None:
        self._loaded: dict[int, Finding] = {}

    def get(self, session: Session, revisions: dict[int, int]) -> dict[int, Finding]:
        """The findings of ``revisions`` (finding id: at least this revision) that still exist."""
        missing = [
            i for i, revision in revisions.items() if i not in self._loaded or self._loaded[i].revision < revision
        ]
        if missing:
            query = select(Finding).where(Finding.id.in_(missing)).options(*FINDING_TOLD)
            for finding in session.scalars(query).unique():
                self._loaded[finding.id] = finding
        return {i: self._loaded[i] for i in revisions if i in self._loaded}


def told_items(session: Session, deliveries: list[Delivery], findings: Findings | None = None) -> dict[int, Told]:
    """What each delivery tells, by delivery id (``findings``: those the run loaded already). A
    delivery written before findings existed (it names a hit) tells that hit's finding."""
    legacy = {d.id: d.hit_id for d in deliveries if d.finding_id is None and d.hit_id is not None}
    finding_of_hit = (
        dict(
            session.execute(
                select(Hit.id, Hit.finding_id).where(Hit.id.in_(set(legacy.values())), Hit.finding_id.is_not(None))
            ).all()
        )
        if legacy
        else {}
    )
    finding_ids = {d.id: d.finding_id or finding_of_hit.get(legacy.get(d.id, 0)) for d in deliveries}
    revisions: dict[int, int] = {}
    for delivery in deliveries:
        if (finding_id := finding_ids[delivery.id]) is not None:
            revisions[finding_id] = max(revisions.get(finding_id, 0), delivery.revision or 0)
    loaded = (findings or Findings()).get(session, revisions)
    items = {}
    for delivery in deliveries:
        finding = loaded.get(finding_ids[delivery.id] or 0)
        if finding is not None:  # gone since (its deliveries go with it): nothing to tell
            items[delivery.id] = Told(finding, list(delivery.news or ["new"]))
    return items


def due_items(session: Session, sub_id: int, now: dt.datetime, limit: int) -> list[Told]:
    """What is due now to a subscription, findings loaded (for previews)."""
    deliveries = list(session.scalars(select(Delivery).where(_due(sub_id, now)).order_by(Delivery.id).limit(limit)))
    return unique_findings(told_items(session, deliveries).values())


def unique_findings(items) -> list[Told]:
    """Each finding once (old deliveries named several hits of one finding)."""
    return list({item.finding.id: item for item in items}.values())


@dataclass
class Batch:
    """Deliveries claimed together: one message per channel."""

    key: str
    deliveries: list[Delivery]
    deferred: bool  # held back by the rate cap (not a retry): shown as a digest
    told: dict[int, Told]  # by delivery id
    last: bool = False  # nothing else was due when it was claimed: no need to claim again

    def pending_for(self, channel_key: str) -> list[Delivery]:
        """What this channel has not accepted yet."""
        return [d for d in self.deliveries if channel_key not in (d.sent_channels or [])]

    def items(self, deliveries: list[Delivery]) -> list[Told]:
        """What a message of ``deliveries`` tells, each finding once."""
        return unique_findings(self.told[d.id] for d in deliveries if d.id in self.told)


def batch_key(sub_id: int, ids: list[int]) -> str:
    text = f"vigie-alert:{sub_id}:" + ",".join(str(i) for i in sorted(ids))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# The statements of the serving threads, built once: they run for every message (records) or
# every few subscriptions (claims), and building one (its clauses, then its cache key) cost as
# much as running it. Their values are bound when they run; an ``expanding`` list is an IN (…).
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_SUB_IDS: BindParameter[list[int]] = bindparam("sub_ids", expanding=True)
# Due now, of some subscriptions, in serving order (``now``, ``sub_ids``).
CLAIMABLE = (
    select(Delivery.id, Delivery.subscription_id, Delivery.message_key)
    .where(Delivery.subscription_id.in_(_SUB_IDS), due_now(bindparam("now")))
    .order_by(Delivery.subscription_id, Delivery.id)
    .with_for_update(skip_locked=True, of=Delivery)
)
# The claim's compare-and-set (``ids``, ``worker``, ``now``), returning the rows it took.
CLAIM = (
    update(Delivery)
    .where(Delivery.id.in_(_IDS), Delivery.status == DeliveryStatus.PENDING)
    .values(status=DeliveryStatus.SENDING, claimed_by=bindparam("worker"), claimed_at=bindparam("now"))
    .returning(Delivery)
    .execution_options(synchronize_session=False, populate_existing=True)
)
# Of deliveries ``ids``, those still claimed by ``worker`` (a lease lost to another process is not).
MINE = and_(
    Delivery.id.in_(_IDS), Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_by == bindparam("worker")
)
CLAIMED_STATE = select(Delivery.id, Delivery.sent_channels, Delivery.attempts).where(MINE)
KNOWN_CHANNELS = select(Channel.subscription_id, Channel.key, Channel.failing_since).where(
    Channel.subscription_id.in_(_SUB_IDS)
)
FAILING_SUBSCRIPTIONS = select(Subscription.id).where(
    Subscription.id.in_(_SUB_IDS), Subscription.failing_since.is_not(None)
)
# A send accepted by a channel that was not failing (executed with one row per channel).
HEALTHY_CHANNEL = (
    update(Channel.__table__)
    .where(Channel.subscription_id == bindparam("sub_id"), Channel.key == bindparam("channel_key"))
    .values(label=bindparam("label"), failures=0, last_error=None, last_sent_at=bindparam("now"))
)


def _mine(batches: list[Batch], worker: str) -> dict[str, Any]:
    """The values of :data:`MINE` for the deliveries of ``batches``."""
    return {"ids": [d.id for batch in batches for d in batch.deliveries], "worker": worker}


def claim_batches(
    session: Session, sub_ids: list[int], worker: str, now: dt.datetime, limit: int, findings: Findings | None = None
) -> dict[int, Batch | None]:
    """Claim the next batch of each of ``sub_ids`` (None: nothing due): a retried batch whole
    (same key), else up to ``limit`` new deliveries. In a few statements whatever their number
    (``findings``: those the run loaded already, see :class:`Findings`)."""
    lock_for_claims(session)
    rows = session.execute(CLAIMABLE, {"sub_ids": sub_ids, "now": now}).all()
    due: dict[int, list[tuple[int, str | None]]] = {}
    for delivery_id, sub_id, key in rows:
        due.setdefault(sub_id, []).append((delivery_id, key))
    chosen = {sub_id: _next_batch(waiting, limit) for sub_id, waiting in due.items()}
    ids = [i for _, batch_ids, _ in chosen.values() for i in batch_ids]
    batches: dict[int, Batch | None] = dict.fromkeys(sub_ids)
    if not ids:
        return batches
    # The compare-and-set, returning the rows it took: another notifier may have taken some
    # since the select (PostgreSQL skips locked rows; SQLite's write lock is ours already).
    taken = session.scalars(CLAIM, {"ids": ids, "worker": worker, "now": now}).all()
    by_sub: dict[int, list[Delivery]] = {}
    for delivery in sorted(taken, key=lambda d: d.id):
        by_sub.setdefault(delivery.subscription_id, []).append(delivery)
    keys = []
    for sub_id, deliveries in by_sub.items():
        key, _, last = chosen[sub_id]
        if key is None:  # a new batch's key names the deliveries it holds
            key = batch_key(sub_id, [d.id for d in deliveries])
            keys += [{"delivery_id": d.id, "message_key": key} for d in deliveries]
            for delivery in deliveries:  # as written below, not a change for the session to flush
                set_committed_value(delivery, "message_key", key)
        deferred = any(d.attempts == 0 and d.next_attempt_at is not None for d in deliveries)
        batches[sub_id] = Batch(key, deliveries, deferred, {}, last)
    _update_each(session, keys)
    told = told_items(session, list(taken), findings)
    for batch in batches.values():
        if batch is not None:
            batch.told = {d.id: told[d.id] for d in batch.deliveries if d.id in told}
    return batches


def _next_batch(waiting: list[tuple[int, str | None]], limit: int) -> tuple[str | None, list[int], bool]:
    """Of a subscription's deliveries due (id, message key), in order: the first retried batch
    whole, else up to ``limit`` new ones; (its key or None, ids, whether nothing else is due)."""
    key = next((k for _, k in waiting if k is not None), None)
    ids = [i for i, k in waiting if k == key][:limit]
    # Fewer new deliveries than a batch holds, and no retried batch first: nothing else was due.
    return key, ids, key is None and len(ids) < limit


def messages_sent_since(session: Session, sub_ids: list[int], since: dt.datetime) -> dict[int, int]:
    """Messages (distinct batches) each of ``sub_ids`` received since ``since``: for the rate cap."""
    rows = session.execute(
        select(Delivery.subscription_id, func.count(func.distinct(Delivery.message_key)))
        .where(Delivery.subscription_id.in_(sub_ids), Delivery.status == DeliveryStatus.SENT, Delivery.sent_at >= since)
        .group_by(Delivery.subscription_id)
    )
    return {sub_id: count for sub_id, count in rows}


def overflow_due(session: Session, sub_id: int, now: dt.datetime) -> bool:
    """Whether deliveries held back by the rate cap are due now (their digest goes out)."""
    return (
        session.scalar(
            select(Delivery.id)
            .where(_due(sub_id, now), Delivery.attempts == 0, Delivery.next_attempt_at.is_not(None))
            .limit(1)
        )
        is not None
    )


def defer_due(session: Session, sub_id: int, now: dt.datetime, until: dt.datetime) -> int:
    """Hold the due deliveries of a subscription until ``until`` (rate cap reached)."""
    result = session.execute(
        update(Delivery)
        .where(_due(sub_id, now))
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return max(result.rowcount or 0, 0)


def release_claims(session: Session, batches: list[Batch], worker: str) -> int:
    """Put back batches claimed and never sent (no attempt counted, key kept); returns how many
    deliveries."""
    result = session.execute(
        update(Delivery)
        .where(MINE)
        .values(status=DeliveryStatus.PENDING, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False),
        _mine(batches, worker),
    )
    return max(result.rowcount or 0, 0)


@dataclass
class Send:
    """What a channel did with a batch's message, to record: its acceptance at once (those
    deliveries never go to it again), and for the batch's last channel, the batch's close."""

    batch: Batch
    sub_id: int
    channel_key: str | None  # None: a close with nothing sent (no channel had anything to tell)
    channel_label: str = ""
    error: str | None = None
    accepted: frozenset[int] = frozenset()  # delivery ids the channel accepted
    closes: tuple[list[str], str | None] | None = None  # the last: (every channel's key, the batch's errors)
    digest: bool = False  # a digest subscription's: once sent, its last digest is now


def record_sends(
    session: Session, sends: list[Send], worker: str, now: dt.datetime, policy: Policy
) -> list[tuple[str | None, int, int]]:
    """Record ``sends`` (of different batches) in a few statements whatever their number. A
    batch closes as sent where every channel accepted it, else is retried later or failed.

    Returns, for each send, (its channel's change: "failing", "recovered" or None, deliveries
    sent, deliveries failed for good).
    """
    changes = _channel_health(session, [s for s in sends if s.channel_key is not None], now, policy)
    state = {
        delivery_id: (set(channels or []), attempts)
        for delivery_id, channels, attempts in session.execute(
            CLAIMED_STATE, _mine([send.batch for send in sends], worker)
        )
    }
    updates: list[dict[str, Any]] = []
    results, digests = [], []
    for send in sends:
        sent = failed = 0
        for delivery in send.batch.deliveries:
            if delivery.id not in state:  # a lease lost to another process: not ours to record
                continue
            channels, attempts = state[delivery.id]
            update_: dict[str, Any] = {"delivery_id": delivery.id}
            if delivery.id in send.accepted:
                channels.add(send.channel_key)
                update_["sent_channels"] = sorted(channels)
            if send.closes is not None:
                keys, error = send.closes
                if keys and set(keys) <= channels:
                    update_.update(status=DeliveryStatus.SENT, sent_at=now, last_error=None)
                    sent += 1
                else:
                    update_.update(attempts=attempts + 1, last_error=error or "no channel to send to")
                    if attempts + 1 >= policy.max_attempts:
                        update_["status"] = DeliveryStatus.FAILED
                        failed += 1
                    else:
                        update_.update(
                            status=DeliveryStatus.PENDING, next_attempt_at=now + policy.backoff(attempts + 1)
                        )
            if len(update_) > 1:
                updates.append(update_)
        results.append((changes.get(id(send)), sent, failed))
        if sent and send.digest:
            digests.append(send.sub_id)
    _update_each(session, updates)
    if digests:
        session.execute(
            update(Subscription)
            .where(Subscription.id.in_(digests))
            .values(last_digest_at=now)
            .execution_options(synchronize_session=False)
        )
    return results


def _channel_health(session: Session, sends: list[Send], now: dt.datetime, policy: Policy) -> dict[int, str | None]:
    """Record each send on its channel's health; the changes ("failing", "recovered") by
    ``id(send)``. The usual cases (a send accepted by a channel that was not failing, or used for
    the first time, of a subscription not failing) in a statement or two for all; the others
    one by one (:func:`update_channel`)."""
    if not sends:
        return {}
    sub_ids = {"sub_ids": list({send.sub_id for send in sends})}
    known = {(sub_id, key): failing_since for sub_id, key, failing_since in session.execute(KNOWN_CHANNELS, sub_ids)}
    failing = set(session.scalars(FAILING_SUBSCRIPTIONS, sub_ids))
    healthy, first, others = [], [], []
    for send in sends:
        where = (send.sub_id, send.channel_key)
        if send.error is not None or send.sub_id in failing or known.get(where) is not None:
            others.append(send)
        elif where in known:
            healthy.append(
                {"sub_id": send.sub_id, "channel_key": send.channel_key, "label": send.channel_label, "now": now}
            )
        else:
            first.append(send)
    if healthy:
        session.connection().execute(HEALTHY_CHANNEL, healthy)
    rows = [
        {
            "subscription_id": s.sub_id,
            "key": s.channel_key,
            "label": s.channel_label,
            "failures": 0,
            "last_sent_at": now,
        }
        for s in first
    ]
    if insert_ignoring_duplicates(session, Channel, rows, ["subscription_id", "key"]) < len(rows):
        others += first  # another notifier wrote some of them meanwhile: each recorded as usual
    return {
        id(send): update_channel(session, send.sub_id, send.channel_key, send.channel_label, send.error, now, policy)
        for send in others
    }


def _update_each(session: Session, changes: list[dict[str, Any]]) -> None:
    """Write ``changes`` to deliveries (each a ``delivery_id`` and the columns to set), rows that
    set the same columns in one executemany UPDATE: the statement is compiled once, and no
    ORM object is loaded or flushed for it."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        by_columns.setdefault(tuple(sorted(change)), []).append(change)
    for columns, rows in by_columns.items():
        # On the connection: a Session would take a list of rows for an ORM bulk update by key.
        session.connection().execute(_update_by_id(columns), rows)


@lru_cache(maxsize=64)
def _update_by_id(columns: tuple[str, ...]) -> Update:
    """UPDATE deliveries SET (``columns`` but delivery_id) WHERE id = :delivery_id, built once."""
    return (
        update(Delivery)
        .where(Delivery.id == bindparam("delivery_id"))
        .values({name: bindparam(name) for name in columns if name != "delivery_id"})
    )


def update_channel(
    session: Session, sub_id: int, key: str, label: str, error: str | None, now: dt.datetime, policy: Policy
) -> str | None:
    """Record one send on a channel's health; returns "failing" or "recovered" on a change."""
    if error is None and _healthy_send(session, sub_id, key, label, now):
        return None
    insert_ignoring_duplicates(
        session,
        Channel,
        [{"subscription_id": sub_id, "key": key, "label": label, "failures": 0}],
        ["subscription_id", "key"],
    )
    state = session.scalars(
        select(Channel).where(Channel.subscription_id == sub_id, Channel.key == key).with_for_update()
    ).one()
    state.label, change = label, None
    if error is None:
        change = "recovered" if state.failing_since else None
        state.failures, state.failing_since, state.last_error, state.last_sent_at = 0, None, None, now
    else:
        state.failures, state.last_error = state.failures + 1, error
        if state.failures >= policy.failing_after and state.failing_since is None:
            state.failing_since, change = now, "failing"
    session.flush()
    sub = session.get(Subscription, sub_id)
    sub.failing_since = session.scalar(select(func.min(Channel.failing_since)).where(Channel.subscription_id == sub_id))
    return change


def _healthy_send(session: Session, sub_id: int, key: str, label: str, now: dt.datetime) -> bool:
    """A send accepted by a channel that was not failing, of a subscription not failing either,
    or by a channel used for the first time: the usual cases, recorded in a statement or two.
    False when there is more to it (a recovery to tell): :func:`update_channel` does it all."""
    subscription_failing = select(Subscription.failing_since).where(Subscription.id == sub_id).scalar_subquery()
    result = session.execute(
        update(Channel)
        .where(
            Channel.subscription_id == sub_id,
            Channel.key == key,
            Channel.failing_since.is_(None),
            subscription_failing.is_(None),
        )
        .values(label=label, failures=0, last_error=None, last_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        return True
    first = {"subscription_id": sub_id, "key": key, "label": label, "failures": 0, "last_sent_at": now}
    if not insert_ignoring_duplicates(session, Channel, [first], ["subscription_id", "key"]):
        return False
    # A new channel that works: the subscription is failing only if another channel is (its
    # mark may be that of a config file that could not be read, now fixed).
    session.execute(
        update(Subscription)
        .where(Subscription.id == sub_id, Subscription.failing_since.is_not(None))
        .values(
            failing_since=select(func.min(Channel.failing_since))
            .where(Channel.subscription_id == sub_id)
            .scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )
    return True
