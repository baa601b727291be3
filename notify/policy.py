"""When alerts go out: retries with backoff, digests, the rate cap, the lease on claimed work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vigie.config import Config, ConfigError

MODES = ("immediate", "daily", "weekly")


@dataclass(frozen=True)
class Policy:
    """The delivery rules of one run, from the configuration."""

    max_attempts: int = 8
    rate_cap: int = 12  # immediate messages per subscription per RATE_WINDOW
    digest_hour: int = 7
    timezone: ZoneInfo = ZoneInfo("Europe/Paris")
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
    channel_timeout: float = 30.0  # seconds a channel gets to connect, then to answer

    @classmethod
    def from_config(cls, config: Config) -> "Policy":
        try:
            zone = ZoneInfo(config.alert_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"VIGIE_ALERT_TIMEZONE: unknown time zone {config.alert_timezone!r}; "
                              "use an IANA name such as Europe/Paris") from None
        if not 0 <= config.alert_digest_hour <= 23:
            raise ConfigError(f"VIGIE_ALERT_DIGEST_HOUR must be an hour from 0 to 23, got {config.alert_digest_hour}")
        if config.alert_max_attempts < 1 or config.alert_rate_cap < 1:
            raise ConfigError("VIGIE_ALERT_MAX_ATTEMPTS and VIGIE_ALERT_RATE_CAP must be at least 1")
        return cls(max_attempts=config.alert_max_attempts, rate_cap=config.alert_rate_cap,
                   digest_hour=config.alert_digest_hour, timezone=zone, channel_timeout=config.channel_timeout_s)

    def backoff(self, attempts: int) -> dt.timedelta:
        """Wait after the ``attempts``-th failed attempt: 5 min, 10 min, 20 min… at most 12 h."""
        return min(self.first_backoff * (2 ** max(attempts - 1, 0)), self.max_backoff)

    def next_digest(self, now: dt.datetime, mode: str) -> dt.datetime:
        """The next digest time after ``now``: the digest hour, the next day for daily, the next
        Monday for weekly (in the configured time zone; returned in UTC)."""
        local = now.astimezone(self.timezone)
        moment = local.replace(hour=self.digest_hour, minute=0, second=0, microsecond=0)
        if moment <= local:
            moment += dt.timedelta(days=1)
        if mode == "weekly":
            moment += dt.timedelta(days=(7 - moment.weekday()) % 7)
        # Rebuild through the zone so that a daylight-saving change keeps the wall-clock hour.
        moment = moment.replace(tzinfo=None).replace(tzinfo=self.timezone)
        return moment.astimezone(dt.timezone.utc)

    def today(self, now: dt.datetime) -> dt.date:
        """The local date of ``now``: a meeting on that date or later is still ahead."""
        return now.astimezone(self.timezone).date()
