"""What a message says, as plain data for the templates: one block per finding.

Blocks about votes still ahead come first, soonest first, then the others, the latest meeting
first. The message's subject names what matters most: the soonest vote ahead, else the largest
amount. A finding the group has heard of before is an update, said as such, with what is new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from notify.facts import finding_facts, reading_order
from notify.labels import Labels
from notify.outbox import Told
from storage.models import Finding


@dataclass(frozen=True)
class MessageInfo:
    """What the templates need besides the findings."""

    language: str
    subscription: str
    digest: str | None = None  # None, "daily", "weekly", or "overflow" (rate cap reached)
    unsubscribe_url: str = ""
    public_url: str = ""
    test: bool = False


def _lead(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The block a subject should name: the soonest vote ahead, else the largest amount, else the first."""
    ahead = [b for b in blocks if b["vote_date"]]
    if ahead:
        return min(ahead, key=lambda b: b["vote_date"])
    priced = [b for b in blocks if b["amounts"]]
    if priced:
        return max(priced, key=lambda b: b["amounts"][0]["value"])
    return blocks[0]


# What a finding says in a language: finding_facts, or a run's copy of it kept for every message.
Facts = Callable[[Finding, str], dict[str, Any]]


def alert_context(
    items: Iterable[Told], labels: Labels, info: MessageInfo, today: dt.date, facts: Facts | None = None
) -> dict[str, Any]:
    """The templates' context for ``items`` (findings with their source and documents loaded).

    ``facts``: what a finding says (default: :func:`finding_facts` of ``labels`` and ``today``);
    a block is a copy of it, so the blocks it returns may be shared by several messages."""
    if facts is None:

        def facts(finding: Finding, language: str) -> dict[str, Any]:
            return finding_facts(finding, labels, language, info.public_url, today)

    blocks = [
        {**facts(item.finding, info.language), "is_update": item.update, "news": [n for n in item.news if n != "new"]}
        for item in items
    ]
    blocks.sort(key=lambda b: reading_order(b["vote_date"], b["meeting_date"], b["id"]))
    sections = [
        {"upcoming": upcoming, "findings": [b for b in blocks if bool(b["vote_date"]) is upcoming]}
        for upcoming in (True, False)
    ]
    return {
        "subscription": info.subscription,
        "digest": info.digest,
        "test": info.test,
        "sections": [s for s in sections if s["findings"]],
        "items": blocks,
        "count": len(blocks),
        "updates": sum(1 for b in blocks if b["is_update"]),
        "councils": list(dict.fromkeys(b["council"] for b in blocks)),
        "lead": _lead(blocks) if blocks else None,
        "unsubscribe_url": info.unsubscribe_url,
        "archive_published": bool(info.public_url),
    }
