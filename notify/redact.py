"""Keep the secrets inside apprise URLs out of logs, errors and command output.

An apprise URL carries credentials in places that differ per service: the password of
``mailto://user:pass@host``, the token of ``discord://id/token``, a ``+Authorization=...``
header in the query string. apprise masks them in ``url(privacy=True)`` but not in every log
line (an unparseable URL is logged as given) and never in header values. So Vigie shows a
channel as its privacy URL without the query string, and rewrites every URL that apprise or
urllib3 logs down to its scheme (and host, for schemes whose host is a server name).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator

import apprise

# apprise's generic webhooks: their path is whatever the receiver chose, a token included.
GENERIC_WEBHOOKS = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})
# Schemes whose "host" is a server name rather than a token: showing it helps and leaks nothing.
HOST_IS_SERVER = frozenset({"http", "https", "mailto", "mailtos", "smtp", "smtps"}) | GENERIC_WEBHOOKS
URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]{1,24})://([^\s'\"<>]*)")
# Paths without a scheme: urllib3's "Max retries exceeded with url: /hooks/TOKEN" and its
# request lines '"POST /api/webhooks/ID/TOKEN HTTP/1.1" 204'.
BARE_PATHS = (re.compile(r"(with url: )/\S*"), re.compile(r"(\b(?:GET|POST|PUT|PATCH|DELETE) )/\S*(?= HTTP/)"))
LOGGERS = ("apprise", "urllib3.connectionpool", "requests")
TOKEN_LENGTH = 16  # a path segment this long on a generic webhook is taken to be a secret


def redact_urls(text: str) -> str:
    """Every URL in ``text`` cut down to ``scheme://host/…`` (or ``scheme://…``)."""

    def cut(match: re.Match[str]) -> str:
        scheme, rest = match.group(1), match.group(2)
        if scheme.lower() not in HOST_IS_SERVER:
            return f"{scheme}://…"
        host = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
        return f"{scheme}://{host}/…" if host else f"{scheme}://…"

    text = URL.sub(cut, text)
    for pattern in BARE_PATHS:
        text = pattern.sub(r"\1/…", text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message with :func:`redact_urls` before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact_urls(record.getMessage()), None
        return True


def install_log_redaction() -> None:
    """Put the redacting filter on the loggers that print URLs (once; safe to call again)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


@contextlib.contextmanager
def apprise_silenced() -> Iterator[None]:
    """Silence apprise while it parses URLs given by a person: Vigie reports the problem itself."""
    logger = logging.getLogger("apprise")
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


def instantiate(url: str):
    """The apprise plugin for ``url``, or None when apprise cannot parse it (nothing is logged)."""
    with apprise_silenced():
        try:
            return apprise.Apprise.instantiate(url)
        except Exception:  # a plugin may raise anything on a malformed URL
            return None


def mask_plugin(plugin) -> str:
    """A channel as people may see it: its privacy URL, without the query string (header values).

    apprise cannot know which part of a generic webhook's path is a token
    (``json://host/hooks/T0/B0/XXXXXXXX``): there, long path segments are masked too.
    """
    shown = plugin.url(privacy=True).split("?", 1)[0]
    scheme, _, rest = shown.partition("://")
    if scheme not in GENERIC_WEBHOOKS:
        return shown
    host, _, path = rest.partition("/")
    segments = [s if len(s) < TOKEN_LENGTH else f"{s[0]}...{s[-1]}" for s in path.split("/")]
    return f"{scheme}://{host}/" + "/".join(segments) if path else shown


def mask_url(url: str) -> str:
    """An apprise URL as people may see it; an unparseable one is cut down to its scheme."""
    plugin = instantiate(url)
    if plugin is None:
        return redact_urls(url) if "://" in url else "(not a URL)"
    return mask_plugin(plugin)
