"""Turn findings into the message each channel gets, and hand it to the channel.

An email channel gets an HTML and a plain-text part (``email.py``); any other apprise service
gets the short chat text, declared as TEXT so that apprise escapes it for Markdown and HTML
services, cut to the service's ``body_maxlen``/``title_maxlen``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apprise import NotifyFormat
from apprise.common import OverflowMode

from notify.channels import Channel
from notify.context import MessageInfo, alert_context
from notify.email import SmtpSessions, send_email, unsubscribe_target
from notify.facts import finding_facts
from notify.labels import load_labels
from notify.outbox import Told
from notify.policy import Policy
from notify.render import Renderer
from notify.sanitize import one_line
from storage.models import Document, Finding, FindingDocument, Source
from storage.safe_yaml import parse_yaml

SAMPLE = Path(__file__).with_name("test_alert.yaml")


@dataclass
class Preview:
    """What one channel would get (``vigie notify --dry-run``)."""

    subscription: str
    channel: str
    subject: str
    text: str


def idempotency_key(batch_key: str, channel: Channel, delivery_ids: Iterable[int]) -> str:
    """The idempotency key of one message to one channel: same hits, same channel, same key."""
    text = f"{batch_key}:{channel.key}:" + ",".join(str(i) for i in sorted(delivery_ids))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Links:
    """Where messages point and what they look like, from the settings (built by vigie)."""

    public_url: str = ""  # VIGIE_PUBLIC_URL: the published archive of documents
    unsubscribe_url: str = ""  # VIGIE_UNSUBSCRIBE_URL
    templates_dir: str = ""  # VIGIE_TEMPLATES_DIR: templates overriding the bundled ones


class Composer:
    """Renders and sends alert messages for one run."""

    def __init__(self, links: Links, policy: Policy, now: dt.datetime) -> None:
        self.links, self.policy, self.now = links, policy, now
        self.renderer = Renderer.shared(links.templates_dir or None)
        self.labels = load_labels(links.templates_dir or None)
        self.smtp: SmtpSessions | None = None  # the run's SMTP sessions (Notifier.run), kept between messages
        # What each finding says, by (id, revision, language): two hundred groups told of one
        # finding get one block, built once (its documents, quotes and labels cleaned once).
        self._facts: dict[tuple[int, int, str], dict[str, Any]] = {}

    def facts(self, finding: Finding, language: str) -> dict[str, Any]:
        """What ``finding`` says in ``language`` today, as every message of this run shows it."""
        key = (finding.id, finding.revision, language)
        if key not in self._facts:
            # Two threads may build the same block at once: the same dict either way.
            self._facts[key] = finding_facts(
                finding, self.labels, language, self.links.public_url, self.policy.today(self.now)
            )
        return self._facts[key]

    def context(
        self, subscription, items: list[Told], digest: str | None, unsubscribe: str, test: bool = False
    ) -> dict[str, Any]:
        info = MessageInfo(
            language=subscription.language,
            subscription=one_line(subscription.name),
            digest=digest,
            unsubscribe_url=unsubscribe,
            public_url=self.links.public_url,
            test=test,
        )
        return alert_context(items, self.labels, info, self.policy.today(self.now), self.facts)

    def _unsubscribe(self, subscription, channel: Channel) -> str:
        # Without VIGIE_UNSUBSCRIBE_URL only an email has somewhere to unsubscribe: its sender.
        if channel.is_email or self.links.unsubscribe_url:
            return unsubscribe_target(self.links.unsubscribe_url, subscription.name, channel.plugin)
        return ""

    def render(self, subscription, channel: Channel, items: list[Told], digest: str | None, test: bool = False):
        """(subject, body) for a preview, and the content to send."""
        context = self.context(subscription, items, digest, self._unsubscribe(subscription, channel), test)
        if channel.is_email:
            content = self.renderer.email(subscription.language, context)
            return content.subject, content.text, content
        content = self.renderer.chat(subscription.language, context, channel.body_maxlen, channel.title_maxlen)
        return content.title, content.body, content

    def preview(self, subscription, channel: Channel, items: list[Told], digest: str | None) -> Preview:
        subject, text, _ = self.render(subscription, channel, items, digest)
        return Preview(subscription.name, channel.label, subject, text)

    def send(
        self, subscription, channel: Channel, items: list[Told], key: str, digest: str | None, test: bool = False
    ) -> str | None:
        """Send one message; None when the channel accepted it, else why (never a secret)."""
        _, _, content = self.render(subscription, channel, items, digest, test)
        if channel.is_email:
            return send_email(
                channel.plugin, content, key, self._unsubscribe(subscription, channel), self.now, self.smtp
            )
        headers = getattr(channel.plugin, "headers", None)
        if isinstance(headers, dict):
            # json://, form://, xml://: the receiver can drop a message it has already seen.
            headers["Idempotency-Key"] = key
        ok = channel.plugin.notify(
            body=content.body, title=content.title, body_format=NotifyFormat.TEXT, overflow=OverflowMode.TRUNCATE
        )
        return None if ok else "the service refused the message or could not be reached"

    def sample_items(self) -> list[Told]:
        """A made-up finding for `vigie subscription test` (``test_alert.yaml``), never stored."""
        data = parse_yaml(SAMPLE.read_text(encoding="utf-8"))
        source = Source(**data["source"])
        items = []
        for number, entry in enumerate(data["findings"], start=1):
            meeting = self.policy.today(self.now) + dt.timedelta(days=entry.pop("meeting_in_days"))
            documents = [
                Document(id=-10 * number - n, source=source, meeting_date=meeting, **doc)
                for n, doc in enumerate(entry.pop("documents"))
            ]
            finding = Finding(
                id=-number,
                source=source,
                meeting_date=meeting,
                revision=1,
                vote=None,
                first_seen_at=self.now,
                news_at=self.now,
                **entry,
            )
            finding.sightings = [FindingDocument(document=doc, document_id=doc.id) for doc in documents]
            for quote in finding.quotes:
                quote["document_id"] = documents[quote.pop("document", 0)].id
            items.append(Told(finding, ["new"]))
        return items
