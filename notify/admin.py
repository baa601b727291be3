"""Tell the maintainers (never the subscribers) that something needs their attention."""

from __future__ import annotations

import logging

import apprise

from notify.channels import CONFIG_SUFFIXES
from notify.redact import apprise_silenced, install_log_redaction

log = logging.getLogger(__name__)


def alert_maintainers(admin_url: str | None, subject: str, body: str) -> bool:
    """Send ``subject``/``body`` to ``admin_url`` (``VIGIE_ADMIN_URL``: an apprise URL or config file).

    Returns False, and logs why, when no admin URL is set or the send fails; never raises.
    """
    install_log_redaction()
    target = admin_url
    if not target:
        log.warning("No VIGIE_ADMIN_URL set; maintainers not told: %s", subject)
        return False
    notifier = apprise.Apprise()
    if target.lower().endswith(CONFIG_SUFFIXES):
        source = apprise.AppriseConfig()
        source.add(target)
        notifier.add(source)
    else:
        with apprise_silenced():
            added = notifier.add(target)
        if not added:
            log.error("VIGIE_ADMIN_URL is not a URL apprise can use; maintainers not told: %s", subject)
            return False
    # TEXT: the body may quote an error from a remote server; apprise escapes it per service.
    ok = bool(notifier.notify(title=subject, body=body, body_format=apprise.NotifyFormat.TEXT))
    if not ok:
        log.error("Could not reach the maintainers through VIGIE_ADMIN_URL: %s", subject)
    return ok
