"""The states of stored rows, one StrEnum each: their values are the text stored in the database.

A StrEnum member is a ``str``: it compares equal to its value, so a query, a template or a JSON
export that uses the text keeps working, and the columns stay ``VARCHAR(40)`` (no migration).
"""

from __future__ import annotations

from enum import StrEnum


class DocumentStatus(StrEnum):
    """Where a document is in the pipeline (``documents.status``)."""

    PENDING = "pending"  # stored, to analyse
    ANALYSING = "analysing"  # claimed by an analysis worker (claimed_by, claimed_at)
    ANALYSED = "analysed"
    FAILED = "failed"  # download or extraction failed (see error)
    SKIPPED = "skipped"  # deliberately not fetched: out of reach, or not a document after all
    BLOCKED = "blocked"  # robots.txt forbids it


class FindingStatus(StrEnum):
    """Whether a finding still stands (``findings.status``)."""

    ACTIVE = "active"
    RETRACTED = "retracted"  # no hit left after a re-analysis


class DeliveryStatus(StrEnum):
    """Where one alert to one subscription is (``deliveries.status``)."""

    PENDING = "pending"  # due at next_attempt_at (or now)
    SENDING = "sending"  # claimed by a worker (claimed_by, claimed_at)
    SENT = "sent"
    FAILED = "failed"  # every attempt failed


class RunStatus(StrEnum):
    """How one crawl of one source ended (``source_runs.status``)."""

    OK = "ok"
    EMPTY = "empty"  # it ran and found nothing
    FAILED = "failed"


class AlertMode(StrEnum):
    """When a subscription hears of new findings (``subscriptions.mode``)."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
