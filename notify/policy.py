"""When alerts go out: retries with backoff, digests, the rate cap, the lease on claimed work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from storage.states import AlertMode

MODES = tuple(mode.value for mode in AlertMode)  # immediate, daily, weekly


@dataclass(frozen=True)
class Policy:
    """The delivery rules of one run. The command line builds it from the settings, which own and
    check the first five values (``vigie.config.Config.delivery_policy``); the others are the
    house's constants."""

    max_attempts: int  # VIGIE_ALERT_MAX_ATTEMPTS
    rate_cap: int  # VIGIE_ALERT_RATE_CAP: immediate messages per subscription per rate_window
    digest_hour: int  # VIGIE_ALERT_DIGEST_HOUR
    timezone: ZoneInfo  # VIGIE_ALERT_TIMEZONE
    channel_timeout: float  # VIGIE_CHANNEL_TIMEOUT_S: seconds a channel gets to connect, then to answer
    first_backoff: dt.timedelta = dt.timedelta(minutes=5)
    max_backoff: dt.timedelta = dt.timedelta(hours=12)
    # A channel that failed this many sends in a row is "failing": the maintainers are told.
    failing_after: int = 3
    # A claim older than this is taken to be from a process that died (see outbox.release_stale).
    # Far above the time one batch can take: a few channels, each with its own timeouts.
    lease: dt.timedelta = dt.timedelta(minutes=15)
    rate_window: dt.timedelta = dt.timedelta(hours=24)
    batch_size: int = 100  # hits in one message at most
    workers: int = 8  # subscriptions served at once, so that a slow channel holds up no one else

    def backoff(self, attempts: int) -> dt.timedelta:
        """Wait after the ``attempts``-th failed attempt: 5 min, 10 min, 20 min… at most 12 h."""
        backoff: dt.timedelta = self.first_backoff * (2 ** max(attempts - 1, 0))
        return min(backoff, self.max_backoff)

    def next_digest(self, now: dt.datetime, mode: str) -> dt.datetime:
        """The next digest time after ``now``: the digest hour, the next day for daily, the next
        Monday for weekly (in the configured time zone; returned in UTC)."""
        local = now.astimezone(self.timezone)
        moment = local.replace(hour=self.digest_hour, minute=0, second=0, microsecond=0)
        if moment <= local:
            moment += dt.timedelta(days=1)
        if mode == AlertMode.WEEKLY:
            moment += dt.timedelta(days=(7 - moment.weekday()) % 7)
        # Rebuild through the zone so that a daylight-saving change keeps the wall-clock hour.
        moment = moment.replace(tzinfo=None).replace(tzinfo=self.timezone)
        return moment.astimezone(dt.UTC)

    def today(self, now: dt.datetime) -> dt.date:
        """The local date of ``now``: a meeting on that date or later is still ahead."""
        return now.astimezone(self.timezone).date()
