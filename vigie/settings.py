"""Every setting of Vigie, documented in one place.

A setting is read, in order of precedence, from its environment variable, from the
configuration file (``VIGIE_CONFIG``, by default ``./vigie.yaml`` when it exists, with the
setting's ``key``) and from its default. ``docs/settings.md`` is generated from this table
(``vigie settings --markdown``) and a test fails when the two disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def time_zone(text: str) -> str:
    """an IANA time zone name such as Europe/Paris"""
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(text) from None
    return text


def at_least(minimum: int | float, kind: type = int) -> Callable[[str], object]:
    """A parser of whole numbers (``kind=int``) or numbers (``float``) of ``minimum`` or more."""

    def parse(text: str) -> object:
        value = kind(text)
        if value < minimum:
            raise ValueError(text)
        return value

    parse.__doc__ = f"{'an integer' if kind is int else 'a number'} of {minimum} or more"
    return parse


def hour(text: str) -> int:
    """an hour from 0 to 23"""
    value = int(text)
    if not 0 <= value <= 23:
        raise ValueError(text)
    return value


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def log_level(text: str) -> str:
    """DEBUG, INFO, WARNING or ERROR"""
    if text.upper() not in LOG_LEVELS:
        raise ValueError(text)
    return text.upper()


def _url(text: str, schemes: tuple[str, ...]) -> str:
    # No white space or control character: these values end up in HTTP and email headers.
    if text and (
        text.split(":", 1)[0].lower() not in schemes or not text.isprintable() or any(c.isspace() for c in text)
    ):
        raise ValueError(text)
    return text


def web_url(text: str) -> str:
    """an http:// or https:// URL (or nothing)"""
    return _url(text, ("http", "https"))


def link_url(text: str) -> str:
    """an http://, https:// or mailto: URL (or nothing)"""
    return _url(text, ("http", "https", "mailto"))


def apprise_target(text: str) -> str:
    """an apprise URL (scheme://…) or the path of an existing apprise config file (or nothing)"""
    if text and "://" not in text and not Path(text).expanduser().is_file():
        raise ValueError(text)
    return text


def folder(text: str) -> str:
    """an existing folder (or nothing)"""
    if text and not Path(text).expanduser().is_dir():
        raise ValueError(text)
    return text


def count_or_auto(text: str) -> object:
    """``auto`` or an integer of 0 or more"""
    if text.strip().lower() == "auto":
        return None
    return at_least(0)(text)


def setting(default: Any, help: str, parse: Callable[[str], object] | None = None) -> Any:
    """A field of :class:`Settings`: its default, its meaning, and the parser of its text (by
    default the field's type; a parser returns the value and raises ValueError, and its docstring
    says what it wants)."""
    return field(default=default, metadata={"help": help, "parse": parse})


@dataclass(frozen=True)
class Settings:
    """Every setting, declared once: its name, type, default, meaning and check. The configuration
    (``vigie.config.Config``) is an instance; the table below and docs/settings.md derive from it."""

    data_dir: str = setting(
        "./data", "Folder for the SQLite database, the archived copies of documents and crawl state."
    )
    database_url: str = setting(
        "",
        "SQLAlchemy URL of the database. Empty: a SQLite file `vigie.sqlite3` in the data folder. "
        "PostgreSQL: `postgresql+psycopg://user@host/db`.",
    )
    bundled_sources: bool = setting(True, "Read the registry of sources bundled with Vigie (`spiders/sources/`).")
    sources_dirs: str = setting(
        "", "Extra folders of source registry entries (YAML), separated by `:`, read after the bundled registry."
    )
    contact_url: str = setting(
        "https://github.com/vigie-civic/vigie",
        "Contact URL put in the User-Agent so that council webmasters can reach the operator.",
        web_url,
    )
    admin_url: str = setting(
        "",
        "Apprise URL (or apprise config file path) of the maintainers: failing sources and failing channels are reported there, never to subscribers.",
        apprise_target,
    )
    max_file_size_mb: int = setting(
        50, "Largest document downloaded, in megabytes; larger ones are recorded as failed.", at_least(1)
    )
    recheck_after_days: int = setting(
        30,
        "A stored document is re-requested (conditionally) only after this many days; a source whose listings are "
        "unchanged since its last complete crawl is not crawled, except every this many days.",
        at_least(0),
    )
    conditional_listings: bool = setting(
        True,
        "Before crawling, ask each source's listings of its last complete crawl again, conditionally, and crawl only "
        "the sources where one changed (see docs/operations.md); false: crawl every source.",
    )
    source_time_budget_s: int = setting(
        1800,
        "Time budget of one source in a crawl, in seconds, so that one slow council cannot hold up a run.",
        at_least(1),
    )
    sources_at_once: int = setting(
        200,
        "Sources crawled at once by one process; the next starts when one is done. Each asks its own "
        "server one request at a time (or so), so this is the run's concurrency: see docs/operations.md.",
        at_least(1),
    )
    concurrent_requests_per_domain: int = setting(2, "Requests in flight at once to one council domain.", at_least(1))
    download_delay_s: float = setting(
        1.0,
        "Minimum delay between two requests to one domain, in seconds (AutoThrottle adapts above it).",
        at_least(0, float),
    )
    download_timeout_s: int = setting(60, "Seconds before a request times out.", at_least(1))
    retries: int = setting(3, "Retries of a request that failed with a timeout or a 5xx/429 answer.", at_least(0))
    retry_backoff_s: float = setting(
        2.0,
        "Wait before the first retry, in seconds; doubled at each attempt (Retry-After is honoured).",
        at_least(0, float),
    )
    autothrottle: bool = setting(True, "Adapt the delay to each server's latency (Scrapy AutoThrottle).")
    obey_robots_txt: bool = setting(True, "Obey each site's robots.txt (switch off only for your own test servers).")
    http_cache: bool = setting(
        False, "Keep a Scrapy HTTP cache under the data folder (for development, never for scheduled runs)."
    )
    templates_dir: str = setting("", "Folder of Jinja2 templates that override the bundled alert templates.", folder)
    unsubscribe_url: str = setting(
        "",
        "Page or mailto: address put in every email's unsubscribe link and List-Unsubscribe header; "
        "`{subscription}` in it is replaced by the subscription's name. Empty: a mailto: link to the email's sender.",
        link_url,
    )
    public_url: str = setting(
        "",
        "Base URL where the archive of documents is published (the data folder's `files/` as it is, so that "
        "`<public_url>/ab/cd/<sha256>` is one document), used in alerts' links to archived copies. Empty: alerts say the copy is not published.",
        web_url,
    )
    site_url: str = setting(
        "",
        "Base URL where the public site built by `vigie site build` is published; feeds and calendars then carry "
        "absolute links to its pages. Empty: their links are relative (see docs/site.md).",
        web_url,
    )
    alert_rate_cap: int = setting(
        12,
        "Most immediate alert messages one subscription gets in 24 hours (its own `rate_cap` overrides this); "
        "the overflow is folded into one digest at the next digest hour.",
        at_least(1),
    )
    alert_digest_hour: int = setting(
        7, "Local hour (0-23) at which daily digests, and weekly ones on Mondays, are sent.", hour
    )
    alert_timezone: str = setting(
        "Europe/Paris", "Time zone of the digest hour and of alerts' dates (is a vote still ahead?).", time_zone
    )
    alert_max_attempts: int = setting(
        8,
        "Attempts to deliver an alert, across runs with exponential backoff (5 min, doubling, at most 12 h), "
        "before it is marked failed; a channel failing 3 times in a row is reported to VIGIE_ADMIN_URL.",
        at_least(1),
    )
    analysis_workers: int | None = setting(
        None,
        "Analysis processes of `vigie run` working while the crawl goes on (`--workers`): `auto` (the "
        "default), one per core; 0, the analysis after the crawl, in the run's own process.",
        count_or_auto,
    )
    analysis_memory_mb: int = setting(
        2048,
        "Memory (address space) that reading one document may take, in megabytes: PDF text and OCR "
        "run in a worker process under this limit, and a document that needs more is failed alone (\"resource limit "
        "exceeded: memory\").",
        at_least(256),
    )
    analysis_time_limit_s: int = setting(
        900,
        "Seconds that reading one document (its OCR included) may take before it is "
        "failed alone (\"resource limit exceeded: time\").",
        at_least(1),
    )
    channel_timeout_s: float = setting(
        30.0,
        "Seconds an alert channel (a webhook, a chat or mail server) may take to connect, "
        "and then to answer, before the attempt counts as failed (apprise's own default, 4 s, fails slow servers).",
        at_least(1, float),
    )
    log_level: str = setting("WARNING", "Logging level: DEBUG, INFO, WARNING or ERROR. `vigie -v` is INFO.", log_level)


@dataclass(frozen=True)
class Setting:
    """One setting as the loader and the documentation see it (derived from :class:`Settings`)."""

    key: str
    default: object
    help: str
    type: Callable[[str], object] = str

    @property
    def env(self) -> str:
        return "VIGIE_" + self.key.upper()


_TYPES: dict[str, Callable[[str], object]] = {"str": str, "int": int, "float": float, "bool": bool}

SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.default, f.metadata["help"], f.metadata["parse"] or _TYPES[str(f.type)]) for f in fields(Settings)
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
        default = "(empty)" if s.default == "" else "`auto`" if s.default is None else f"`{s.default}`"
        lines.append(f"| `{s.env}` | `{s.key}` | {default} | {s.help} |")
    return "\n".join(lines) + "\n"
