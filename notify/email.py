"""Send an alert by email with OUR plain-text part, an idempotency key and List-Unsubscribe.

Why not ``apprise.notify(body=html, body_format=HTML)``: apprise 2.x's email plugin builds the
text/plain part itself from the HTML (``convert_between(HTML, TEXT, …)`` in
``NotifyEmail.prepare_emails``, a static method it calls by class name) and always stamps a
random ``Message-ID`` after the URL's ``+Header`` values, so a Message-ID of ours would be a
second, invalid one. There is no hook for either. So Vigie keeps apprise for what it does
well, parsing the ``mailto://`` URL (provider presets, TLS mode, credentials, recipients,
``+Header`` values) and opening the authenticated SMTP session (``AppriseSMTPController``),
and composes the MIME message itself: text part from ``email.txt.j2``, HTML part from
``email.html.j2``, a ``Message-ID`` derived from the delivery ids, ``List-Unsubscribe``.

A URL with PGP encryption (``?pgp=...``) is sent by apprise itself (with its own text part),
so that encryption is never silently lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from urllib.parse import quote

from apprise import NotifyFormat
from apprise.exception import AppriseException
from apprise.plugins.email import NotifyEmail
from apprise.plugins.email.base import PGP_MODE_DEFAULT
from apprise.plugins.email.smtp import SMTP_EXCEPTIONS, AppriseSMTPController

from notify.render import EmailContent
from notify.sanitize import one_line


class SmtpSessions:
    """The SMTP sessions of one notifier run: one per server and account per thread, opened at the
    first message and kept for the next ones, so that a run's messages through one mail server pay
    for the connection, TLS and login once, not once each. Close them at the end of the run.

    smtplib's sessions are not shared between threads: each of the notifier's threads has its own.
    """

    def __init__(self) -> None:
        self._open: dict[tuple, AppriseSMTPController] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(plugin: NotifyEmail) -> tuple:
        return (
            threading.get_ident(),
            plugin.smtp_host,
            plugin.port,
            plugin.secure_mode,
            plugin.user,
            plugin.password,
            plugin.verify_certificate,
        )

    def session(self, plugin: NotifyEmail) -> AppriseSMTPController:
        """An open session for ``plugin``'s server and account: this thread's, if it still answers."""
        key = self._key(plugin)
        smtp = self._open.get(key)
        if smtp is not None:
            try:
                smtp._socket.noop()  # the server may have closed an idle session
                return smtp
            except SMTP_EXCEPTIONS:
                self.drop(plugin)
        smtp = _controller(plugin).__enter__()
        with self._lock:
            self._open[key] = smtp
        return smtp

    def drop(self, plugin: NotifyEmail) -> None:
        """Close this thread's session for ``plugin`` (after an error: the next message reconnects)."""
        with self._lock:
            smtp = self._open.pop(self._key(plugin), None)
        if smtp is not None:
            smtp.__exit__(None, None, None)

    def close(self) -> None:
        with self._lock:
            sessions, self._open = list(self._open.values()), {}
        for smtp in sessions:
            smtp.__exit__(None, None, None)


OURS = (
    "subject",
    "from",
    "to",
    "cc",
    "reply-to",
    "date",
    "message-id",
    "list-unsubscribe",
    "auto-submitted",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
)


def unsubscribe_target(configured: str, subscription: str, plugin: NotifyEmail) -> str:
    """The unsubscribe link: VIGIE_UNSUBSCRIBE_URL (``{subscription}`` filled in), else a mailto:
    to the sender asking to unsubscribe."""
    if configured:
        return one_line(configured.replace("{subscription}", quote(subscription, safe="")))
    subject = quote(f"unsubscribe {subscription}", safe="")
    return f"mailto:{plugin.from_addr[1]}?subject={subject}"


def message_id(key: str, recipient: str, sender: str) -> str:
    """The same alert to the same recipient always has the same Message-ID: a resend after a
    crash is recognisable as a duplicate by the receiving side."""
    domain = sender.rpartition("@")[2] or "vigie.invalid"
    tag = hashlib.sha256(f"{key}\x1f{recipient.lower()}".encode()).hexdigest()[:24]
    return f"<vigie.{tag}@{domain}>"


def compose(
    plugin: NotifyEmail, content: EmailContent, key: str, unsubscribe: str, now: dt.datetime
) -> list[tuple[list[str], EmailMessage]]:
    """One message per recipient, as apprise does: (envelope recipients, message)."""
    # apprise names the sender after itself ("Apprise") when the URL gives no name.
    name = plugin.from_addr[0]
    sender_name, sender = (name if name and name != plugin.app_id else "Vigie"), plugin.from_addr[1]
    messages = []
    for name, address in plugin.targets:
        cc = sorted(plugin.cc - plugin.bcc - {address})
        msg = EmailMessage(policy=SMTP)
        msg["Subject"] = one_line(content.subject, 250)
        msg["From"] = formataddr((one_line(sender_name), sender))
        msg["To"] = Address(one_line(name or ""), addr_spec=address)
        if cc:
            msg["Cc"] = ", ".join(cc)
        if plugin.reply_to - {address}:
            msg["Reply-To"] = ", ".join(sorted(plugin.reply_to - {address}))
        msg["Date"] = format_datetime(now)
        msg["Message-ID"] = message_id(key, address, sender)
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the sender
        for header, value in plugin.headers.items():
            if header.lower() not in OURS:
                msg[one_line(header)] = one_line(value)
        msg.set_content(content.text)
        msg.add_alternative(content.html, subtype="html")
        envelope = [address, *cc, *sorted(plugin.bcc - {address})]
        messages.append((envelope, msg))
    return messages


def send_email(
    plugin: NotifyEmail,
    content: EmailContent,
    key: str,
    unsubscribe: str,
    now: dt.datetime,
    sessions: SmtpSessions | None = None,
) -> str | None:
    """Send to every recipient of ``plugin``; None on success, else why (never a secret).

    ``sessions``: the run's open SMTP sessions (one is opened for this message alone without)."""
    if plugin.pgp_mode != PGP_MODE_DEFAULT:
        plugin.headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        ok = plugin.notify(body=content.html, title=content.subject, body_format=NotifyFormat.HTML)
        return None if ok else "the SMTP server refused the message or could not be reached"
    refused = []
    messages = compose(plugin, content, key, unsubscribe, now)
    try:
        if sessions is None:
            with _controller(plugin) as smtp:
                refused = _send_all(smtp, plugin, messages)
        else:
            refused = _send_all(sessions.session(plugin), plugin, messages)
            if refused:
                sessions.drop(plugin)  # refused, or the session broke: the next message starts afresh
    except (*SMTP_EXCEPTIONS, AppriseException) as exc:
        if sessions is not None:
            sessions.drop(plugin)
        return f"SMTP server {plugin.smtp_host}:{plugin.port}: {type(exc).__name__}: {one_line(exc, 200)}"
    if refused:
        return f"SMTP server {plugin.smtp_host}:{plugin.port} refused {len(refused)} recipient(s)"
    return None


def _controller(plugin: NotifyEmail) -> AppriseSMTPController:
    """A connection to ``plugin``'s server and account, as apprise opens it (TLS, login, timeout)."""
    return AppriseSMTPController(
        host=plugin.smtp_host,
        port=plugin.port,
        secure_mode=plugin.secure_mode,
        user=plugin.user,
        password=plugin.password,
        verify_certificate=plugin.verify_certificate,
        socket_connect_timeout=plugin.socket_connect_timeout,
    )


def _send_all(
    smtp: AppriseSMTPController, plugin: NotifyEmail, messages: list[tuple[list[str], EmailMessage]]
) -> list[str]:
    """Send each message in ``smtp``; the first recipients of those refused."""
    return [
        envelope[0] for envelope, msg in messages if not smtp.sendmail(plugin.from_addr[1], envelope, msg.as_bytes())
    ]
