"""Every setting of Vigie, documented in one place.

A setting is read, in order of precedence, from its environment variable, from the
configuration file (``VIGIE_CONFIG``, by default ``./vigie.yaml`` when it exists, with the
setting's ``key``) and from its default. ``docs/settings.md`` is generated from this table
(``vigie settings --markdown``) and a test fails when the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def time_zone(text: str) -> str:
    """an IANA time zone name such as Europe/Paris"""
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(text) from None
    return text


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    help: str
    # A type, or a parser that returns the value and raises ValueError (its docstring says what it wants).
    type: Callable[[str], object] = str

    @property
    def env(self) -> str:
        return "VIGIE_" + self.key.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "./data", "Folder for the SQLite database, the archived copies of documents and crawl state."),
    Setting("database_url", "", "SQLAlchemy URL of the database. Empty: a SQLite file `vigie.sqlite3` in the data folder. "
            "PostgreSQL: `postgresql+psycopg://user@host/db`."),
    Setting("bundled_sources", True, "Read the registry of sources bundled with Vigie (`spiders/sources/`).", bool),
    Setting("sources_dirs", "", "Extra folders of source registry entries (YAML), separated by `:`, read after the bundled registry."),
    Setting("contact_url", "https://github.com/vigie-civic/vigie",
            "Contact URL put in the User-Agent so that council webmasters can reach the operator."),
    Setting("admin_url", "", "Apprise URL (or apprise config file path) of the maintainers: failing sources and failing channels are reported there, never to subscribers."),
    Setting("max_file_size_mb", 50, "Largest document downloaded, in megabytes; larger ones are recorded as failed.", int),
    Setting("recheck_after_days", 30, "A stored document is re-requested (conditionally) only after this many days; listing pages are always fetched.", int),
    Setting("source_time_budget_s", 1800, "Time budget of one source in a crawl, in seconds, so that one slow council cannot hold up a run.", int),
    Setting("concurrent_requests_per_domain", 2, "Requests in flight at once to one council domain.", int),
    Setting("download_delay_s", 1.0, "Minimum delay between two requests to one domain, in seconds (AutoThrottle adapts above it).", float),
    Setting("download_timeout_s", 60, "Seconds before a request times out.", int),
    Setting("retries", 3, "Retries of a request that failed with a timeout or a 5xx/429 answer.", int),
    Setting("retry_backoff_s", 2.0, "Wait before the first retry, in seconds; doubled at each attempt (Retry-After is honoured).", float),
    Setting("autothrottle", True, "Adapt the delay to each server's latency (Scrapy AutoThrottle).", bool),
    Setting("obey_robots_txt", True, "Obey each site's robots.txt (switch off only for your own test servers).", bool),
    Setting("http_cache", False, "Keep a Scrapy HTTP cache under the data folder (for development, never for scheduled runs).", bool),
    Setting("templates_dir", "", "Folder of Jinja2 templates that override the bundled alert templates."),
    Setting("unsubscribe_url", "", "Page or mailto: address put in every email's unsubscribe link and List-Unsubscribe header; "
            "`{subscription}` in it is replaced by the subscription's name. Empty: a mailto: link to the email's sender."),
    Setting("public_url", "", "Base URL where the archive of documents is published (the data folder's `files/` as it is, so that "
            "`<public_url>/ab/cd/<sha256>` is one document), used in alerts' links to archived copies. Empty: alerts say the copy is not published."),
    Setting("site_url", "", "Base URL where the public site built by `vigie site build` is published; feeds and calendars then carry "
            "absolute links to its pages. Empty: their links are relative (see docs/site.md)."),
    Setting("alert_rate_cap", 12, "Most immediate alert messages one subscription gets in 24 hours (its own `rate_cap` overrides this); "
            "the overflow is folded into one digest at the next digest hour.", int),
    Setting("alert_digest_hour", 7, "Local hour (0-23) at which daily digests, and weekly ones on Mondays, are sent.", int),
    Setting("alert_timezone", "Europe/Paris", "Time zone of the digest hour and of alerts' dates (is a vote still ahead?).", time_zone),
    Setting("alert_max_attempts", 8, "Attempts to deliver an alert, across runs with exponential backoff (5 min, doubling, at most 12 h), "
            "before it is marked failed; a channel failing 3 times in a row is reported to VIGIE_ADMIN_URL.", int),
    Setting("log_level", "WARNING", "Logging level: DEBUG, INFO, WARNING or ERROR. `vigie -v` is INFO."),
)

BY_KEY = {s.key: s for s in SETTINGS}


def markdown_table() -> str:
    """Render the settings as the Markdown table kept in ``docs/settings.md``."""
    lines = [
        "# Settings",
        "",
        "Generated by `vigie settings --markdown` from `vigie/settings.py`; edit that file, not this one.",
        "",
        "| environment variable | config key | default | meaning |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default != "" else "(empty)"
        lines.append(f"| `{s.env}` | `{s.key}` | {default} | {s.help} |")
    return "\n".join(lines) + "\n"
