"""Tell the maintainers of sources that have just started failing or gone silent.

The crawl stage (``spiders.health``) only says which sources need a maintainer; sending is the
command line's business, through ``notify.admin`` and the admin URL of the settings.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from spiders.health import new_problems
from spiders.registry import SourceSpec
from storage.db import Database
from vigie.config import Config

log = logging.getLogger(__name__)


def report_new_problems(config: Config, db: Database, specs: Iterable[SourceSpec], run_id: int) -> bool:
    """Tell the maintainers (``VIGIE_ADMIN_URL``) of sources that have just started failing or
    gone silent in this run. Returns True when there was nothing to tell or the message went."""
    lines = new_problems(db, specs, run_id)
    if not lines:
        return True
    # The log names the sources only: the run's summary already prints each one's error.
    log.warning(
        "%d source(s) need a maintainer (see `vigie sources --flagged`): %s",
        len(lines),
        ", ".join(line.split(" ", 1)[0] for line in lines),
    )
    from notify.admin import alert_maintainers  # apprise is loaded only when there is news to send

    subject = f"Vigie: {len(lines)} source(s) need a maintainer"
    body = "\n".join(lines) + "\n\nSee `vigie sources` and `vigie source check ID`.\n"
    return alert_maintainers(config.admin_url, subject, body)
