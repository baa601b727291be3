"""The database schema, as SQLAlchemy 2.0 typed models.

Every change here needs an Alembic migration in ``storage/migrations/versions``
(``alembic revision --autogenerate -m "..."`` from the repository root); a test
fails when the models and the migrations disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from sqlalchemy import JSON, ForeignKey, Index, MetaData, String, Text, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.states import AlertMode, DeliveryStatus, DocumentStatus, FindingStatus, RunStatus
from storage.types import StateText, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Shared column types.
str_id = Annotated[str, mapped_column(String(100))]
short = Annotated[str, mapped_column(String(40))]
text = Annotated[str, mapped_column(Text)]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


created = Annotated[dt.datetime, mapped_column(default=utcnow, server_default=func.now())]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - read by SQLAlchemy from the class, never changed
        dict[str, Any]: JSON,
        list[Any]: JSON,
        dt.datetime: UTCDateTime(),
    }


class Source(Base):
    """A publishing body: a council, a metropolis, a county board. Mirrors the source registry."""

    __tablename__ = "sources"

    id: Mapped[str_id] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    official_code: Mapped[str | None] = mapped_column(String(40))
    platform: Mapped[short]
    url: Mapped[text]
    language: Mapped[str] = mapped_column(String(8), default="fr")
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/Paris")
    enabled: Mapped[bool] = mapped_column(default=True)
    # registry: from the bundled registry; command-line: given to `vigie crawl --url`; local: `vigie ingest`.
    origin: Mapped[short] = mapped_column(default="registry")
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Where the council sits (WGS 84 degrees, from the registry's ``coordinates``): the site's map.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    created_at: Mapped[created]

    documents: Mapped[list[Document]] = relationship(back_populates="source")


class Document(Base):
    """One file or record published by a source: an agenda, a deliberation, minutes, an annex."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("source_id", "url"), Index("ix_documents_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str_id] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    url: Mapped[text]
    kind: Mapped[short] = mapped_column(default="other")  # agenda, deliberation, minutes, report, annex, other
    title: Mapped[str | None] = mapped_column(Text)
    meeting_date: Mapped[dt.date | None]
    adoption_date: Mapped[dt.date | None]
    published_date: Mapped[dt.date | None]
    language: Mapped[str] = mapped_column(String(8), default="fr")
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[DocumentStatus] = mapped_column(StateText(DocumentStatus), default=DocumentStatus.PENDING)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[dt.datetime | None]
    # Claims of this document since its last analysis: one whose worker died is taken again
    # alone, and a document that stopped its worker twice is failed instead of taken a third time.
    analysis_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    acte_id: Mapped[str | None] = mapped_column(String(120))
    votes: Mapped[dict[str, Any] | None]
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    lexicon_version: Mapped[str | None] = mapped_column(String(40))
    first_seen_at: Mapped[created]
    last_checked_at: Mapped[dt.datetime | None]
    changed_at: Mapped[dt.datetime | None]
    analysed_at: Mapped[dt.datetime | None]

    source: Mapped[Source] = relationship(back_populates="documents")
    pages: Mapped[list[Page]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Page.number"
    )
    hits: Mapped[list[Hit]] = relationship(back_populates="document", cascade="all, delete-orphan")


class Page(Base):
    """The text of one page of a document (one page for HTML, text and records)."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[text]
    method: Mapped[short] = mapped_column(default="text")  # text, ocr, html, record

    document: Mapped[Document] = relationship(back_populates="pages")


class Hit(Base):
    """A mention of a surveillance technology or vendor, with its evidence."""

    __tablename__ = "hits"
    __table_args__ = (UniqueConstraint("document_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    # Stable across re-analyses of the same text: a hit found again is not alerted again.
    fingerprint: Mapped[str] = mapped_column(String(64))
    kind: Mapped[short]  # technology or vendor
    category: Mapped[short]
    vendor: Mapped[str | None] = mapped_column(String(100))
    matched: Mapped[text]
    page: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    snippet: Mapped[text]
    score: Mapped[float]
    lexicon_version: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The deliberation this mention stands in (see Finding); set when findings are built.
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[created]

    document: Mapped[Document] = relationship(back_populates="hits")

    @property
    def retracted_by(self) -> str | None:
        """The lexicon version that no longer finds this hit (a false positive since fixed), if any.

        The row stays as a record of what was found and alerted; it is not shown or alerted again.
        """
        return retraction(self.details)


def retraction(details: dict[str, Any] | None) -> str | None:
    """:attr:`Hit.retracted_by` of a hit whose ``details`` are these (read as a row, not an object)."""
    return (details or {}).get("not_found_by")


class Finding(Base):
    """One deliberation (agenda item, act) of one council in which Vigie found mentions.

    Documents that repeat it (the agenda, the deliberation, the minutes) are its sightings
    (:class:`FindingDocument`); its hits are the evidence. What it says (amounts, vote, vendors…)
    is gathered from them by ``nlp.findings``. ``revision`` grows when something new is known
    (a vote result, an amount, a vendor): a subscription hears of it once per revision.
    """

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("source_id", "key"), Index("ix_findings_news_at", "news_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str_id] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    # Identity within the source, from the first sighting: "act:2026-61", "subject:<hash>", "document:<id>".
    key: Mapped[str] = mapped_column(String(200))
    act_number: Mapped[str | None] = mapped_column(String(60), index=True)  # normalised: "2026-61"
    act_label: Mapped[str | None] = mapped_column(String(120))  # as written: "2026_061"
    subject: Mapped[str | None] = mapped_column(Text)
    meeting_date: Mapped[dt.date | None]  # the meeting that votes (or voted) it
    categories: Mapped[dict[str, Any]] = mapped_column(default=dict)  # category -> mentions
    vendors: Mapped[list[Any]] = mapped_column(default=list)
    amounts: Mapped[list[Any]] = mapped_column(default=list)  # {value, currency, tax, text, purpose}
    subsidies: Mapped[list[Any]] = mapped_column(default=list)
    vote: Mapped[dict[str, Any] | None]  # {result, unanimous, for, against, abstentions, text}
    quotes: Mapped[list[Any]] = mapped_column(default=list)  # the best 1-3 hits: {hit_id, document_id, page, …}
    kinds: Mapped[list[Any]] = mapped_column(default=list)  # kinds of the documents that show it
    score: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[FindingStatus] = mapped_column(StateText(FindingStatus), default=FindingStatus.ACTIVE)
    revision: Mapped[int] = mapped_column(default=1)
    history: Mapped[list[Any]] = mapped_column(default=list)  # [{revision, at, news: [vote, amount, vendor…]}]
    news_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # when the last revision began
    first_seen_at: Mapped[created]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    source: Mapped[Source] = relationship()
    sightings: Mapped[list[FindingDocument]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="FindingDocument.id"
    )
    hits: Mapped[list[Hit]] = relationship(order_by=[Hit.document_id, Hit.page, Hit.start], viewonly=True)


class FindingDocument(Base):
    """One document's view of a finding: where it shows the deliberation and what it says there."""

    __tablename__ = "finding_documents"
    __table_args__ = (
        UniqueConstraint("finding_id", "document_id"),
        # How a document's deliberations find their council's findings (nlp.findings._existing).
        Index("ix_finding_documents_source_act", "source_id", "act_number"),
        Index("ix_finding_documents_source_subject", "source_id", "subject_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"))
    source_id: Mapped[str | None] = mapped_column(String(100))  # the finding's council
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    first_page: Mapped[int | None]
    last_page: Mapped[int | None]
    act_number: Mapped[str | None] = mapped_column(String(60))
    act_label: Mapped[str | None] = mapped_column(String(120))
    subject: Mapped[str | None] = mapped_column(Text)
    # The subject's first words, folded, and the meeting date: how another document is matched to it.
    subject_key: Mapped[str | None] = mapped_column(String(200))
    amounts: Mapped[list[Any]] = mapped_column(default=list)
    subsidies: Mapped[list[Any]] = mapped_column(default=list)
    vote: Mapped[dict[str, Any] | None]
    seen_at: Mapped[created]

    finding: Mapped[Finding] = relationship(back_populates="sightings")
    document: Mapped[Document] = relationship()


class Subscription(Base):
    """A local group's alert channel(s) and what it wants to hear about."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    urls: Mapped[list[Any]] = mapped_column(default=list)  # apprise URLs; secrets inside: print masked
    apprise_config: Mapped[str | None] = mapped_column(Text)  # path of an apprise config file
    tags: Mapped[list[Any]] = mapped_column(default=list)
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    mode: Mapped[AlertMode] = mapped_column(StateText(AlertMode), default=AlertMode.IMMEDIATE)
    language: Mapped[str] = mapped_column(String(8), default="fr")
    paused: Mapped[bool] = mapped_column(default=False)
    failing_since: Mapped[dt.datetime | None]
    last_digest_at: Mapped[dt.datetime | None]
    # Most immediate messages in 24 hours (None: the VIGIE_ALERT_RATE_CAP default); the overflow
    # waits for the next digest.
    rate_cap: Mapped[int | None]
    # Hits created up to this time have been matched against the filters (see notify.outbox).
    queued_until: Mapped[dt.datetime | None]
    created_at: Mapped[created]

    deliveries: Mapped[list[Delivery]] = relationship(back_populates="subscription", cascade="all, delete-orphan")
    channels: Mapped[list[Channel]] = relationship(back_populates="subscription", cascade="all, delete-orphan")


class Channel(Base):
    """The health of one apprise URL of a subscription (its key is a hash: never the URL itself)."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("subscription_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[text]  # the URL with its secrets masked
    failures: Mapped[int] = mapped_column(default=0)  # consecutive failed sends
    failing_since: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_sent_at: Mapped[dt.datetime | None]

    subscription: Mapped[Subscription] = relationship(back_populates="channels")


class Delivery(Base):
    """One revision of a finding owed to one subscription (the first, or an update). Written
    before any send; unique, so never sent twice. Rows written before findings existed name a hit."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "hit_id"),
        UniqueConstraint("subscription_id", "finding_id", "revision", name="uq_deliveries_finding_revision"),
        Index("ix_deliveries_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    hit_id: Mapped[int | None] = mapped_column(ForeignKey("hits.id", ondelete="CASCADE"))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int | None]
    # What this message tells the group: ["new"], or what is new since it last heard ("vote", "amount", "vendor").
    news: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[DeliveryStatus] = mapped_column(StateText(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    message_key: Mapped[str | None] = mapped_column(String(64))
    # Keys of the channels that accepted this hit: a retry goes only to the others.
    sent_channels: Mapped[list[Any]] = mapped_column(default=list)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created]

    subscription: Mapped[Subscription] = relationship(back_populates="deliveries")
    hit: Mapped[Hit | None] = relationship()
    finding: Mapped[Finding | None] = relationship()


class CrawlRun(Base):
    """One invocation of `vigie run` or `vigie crawl`, with its summary."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    command: Mapped[short]
    started_at: Mapped[created]
    finished_at: Mapped[dt.datetime | None]
    exit_code: Mapped[int | None]
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)

    sources: Mapped[list[SourceRun]] = relationship(back_populates="run", cascade="all, delete-orphan")


class SourceRun(Base):
    """What one crawl of one source did: the health record of that source."""

    __tablename__ = "source_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[str_id] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[RunStatus] = mapped_column(StateText(RunStatus))
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    requests: Mapped[int] = mapped_column(default=0)
    documents_new: Mapped[int] = mapped_column(default=0)
    documents_changed: Mapped[int] = mapped_column(default=0)
    documents_unchanged: Mapped[int] = mapped_column(default=0)
    documents_failed: Mapped[int] = mapped_column(default=0)
    # Pages and documents that the site's robots.txt forbids (their documents: status `blocked`).
    blocked: Mapped[int] = mapped_column(default=0, server_default="0")
    errors: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    duration_s: Mapped[float] = mapped_column(default=0.0)

    run: Mapped[CrawlRun | None] = relationship(back_populates="sources")


class Listing(Base):
    """A listing page of a source as its last complete crawl read it: every page read as a listing
    (start page, sub-pages, pagination, API answers), and the robots.txt of their hosts. Before the
    next crawl, ``spiders.unchanged`` asks each one again, conditionally; a source whose listings
    all answer "304 Not Modified", or the same body, is not crawled (``spiders.listings`` writes them)."""

    __tablename__ = "listings"

    source_id: Mapped[str_id] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # SHA-256 of the body (spiders.unchanged.fingerprint): many council servers send no validator,
    # and an unconditional answer with the same body says "unchanged" all the same.
    body_hash: Mapped[str | None] = mapped_column(String(64))
    # The Accept header the crawl sent: an API may answer JSON or HTML as asked.
    accept: Mapped[str | None] = mapped_column(String(200))
    checked_at: Mapped[dt.datetime]
