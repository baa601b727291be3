"""The base of every platform spider: its source, document requests and failure records.

A platform spider only says where documents are (``start`` and its ``parse_*`` callbacks)
and calls :meth:`CouncilSpider.document_request` for each; downloading, incremental checks,
failures and metadata defaults are handled here once.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import exceptions as scrapy_errors
from scrapy import signals
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_errors
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from spiders.addresses import site_host
from spiders.incremental import crawl_since
from spiders.items import DocumentItem
from spiders.known import KnownDocuments
from spiders.listings import listing_row, request_accept
from spiders.options import Option
from spiders.reach import OutOfReach
from spiders.recorder import NotSampled
from spiders.registry import SourceSpec
from storage.db import shared_database


def describe_failure(failure: Failure, max_size_mb: float) -> str:
    """A one-line reason for a failed download that a maintainer can act on."""
    exc = failure.value
    if isinstance(exc, HttpError):
        response = exc.response
        retried = response.request.meta.get("retry_times", 0) if response.request else 0
        return f"HTTP {response.status}" + (f" after {retried} retries" if retried else "")
    reasons = (
        (
            (scrapy_errors.DownloadTimeoutError, tx_errors.TimeoutError, tx_errors.TCPTimedOutError),
            "timed out (VIGIE_DOWNLOAD_TIMEOUT_S)",
        ),
        (
            (scrapy_errors.CannotResolveHostError, tx_errors.DNSLookupError),
            "host name not found (DNS): is the URL right, is the network up?",
        ),
        (
            (scrapy_errors.DownloadConnectionRefusedError, tx_errors.ConnectionRefusedError),
            "connection refused by the server",
        ),
        (
            (scrapy_errors.DownloadCancelledError, CancelledError),
            f"larger than the limit of {max_size_mb:g} MB (VIGIE_MAX_FILE_SIZE_MB)",
        ),
    )
    for types, reason in reasons:
        if isinstance(exc, types):
            return reason
    text = str(exc) or type(exc).__name__
    if isinstance(exc, OutOfReach):
        return text
    if is_blocked(failure):
        return ROBOTS_BLOCKED
    if isinstance(exc, scrapy_errors.IgnoreRequest):
        if "redirect" in text.lower():
            return f"too many redirections (a redirect loop?): {text}"
        return f"ignored: {text}"
    return f"{type(exc).__name__}: {text}"


ROBOTS_BLOCKED = "forbidden by the site's robots.txt: not fetched; ask the council to allow it, or request the document"


def is_blocked(failure: Failure) -> bool:
    """Whether the request was refused by the site's robots.txt (Scrapy's RobotsTxtMiddleware)."""
    return failure.check(scrapy_errors.IgnoreRequest) is not None and "robots.txt" in str(failure.value)


def link_url(request) -> str:
    """The URL a request was made for, before any redirection: the document's identity, so that
    a re-crawl finds it known by the link that names it."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


# A subject or an agenda item's text can run to pages; the title is a line in alerts and listings.
TITLE_MAX = 500

# Source config keys that hold secrets: never written to logs or health records.
SECRET_KEYS = ("token", "api_key", "password")


class CouncilSpider(scrapy.Spider):
    """A spider crawling one source. Subclasses set ``name`` (the platform) and yield their first
    requests from ``start`` (from ``listings`` for those of ``spiders.api``)."""

    source: SourceSpec
    known: KnownDocuments
    # The usual language of the platform's documents: a source given on the command line without
    # one takes it (each document's language is still checked from its text, see nlp.language).
    language = "fr"
    # True for platforms whose API can list only what changed since a given time (spiders.api).
    incremental = False
    # When the last complete crawl started (spiders.incremental), for those platforms; None for
    # a full crawl. Left None for the others: a listing they read in full that yields nothing
    # is "empty", never "nothing changed" (spiders.extensions.source_status).
    since: dt.datetime | None = None
    # The options the platform reads from a source's ``config``, with their defaults and meaning
    # (spiders.options): set by each platform spider; any other option is refused on load.
    options: ClassVar[dict[str, Option]] = {}
    # Whether the same answers from the same listing URLs mean the same documents, so that the
    # pre-check of a run (spiders.unchanged) may skip the source: False for a platform whose
    # listing URLs follow today's date (a new search window, a new month), which that check,
    # asking only the URLs of the last crawl, would never see.
    listings_repeatable: ClassVar[bool] = True

    def __init__(self, source: SourceSpec, **kwargs: Any) -> None:
        super().__init__(name=self.name, **kwargs)
        self.source = source
        self.config = source.config
        self.allowed_hosts = {
            site_host(h)
            for h in {urlsplit(source.url).hostname or ""} | set(source.config.get("allowed_domains", []))
            if h
        }
        self.requested: set[str] = set()
        # The listings read, by the URL asked (spiders.listings stores them after a complete crawl).
        self.listings_seen: dict[str, Any] = {}
        # When the source's time budget runs out (VIGIE_SOURCE_TIME_BUDGET_S): long parsing
        # checks it, since Scrapy's own timer cannot fire while a page is being parsed.
        self.deadline = float("inf")

    def option(self, name: str) -> Any:
        """The source's value of the platform option ``name``, or its declared default."""
        return self.config.get(name, self.options[name].default)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if settings.get("VIGIE_DATABASE_URL"):
            database = shared_database(settings["VIGIE_DATABASE_URL"])
            spider.known = KnownDocuments.load(
                database,
                spider.source.id,
                settings.getfloat("VIGIE_RECHECK_AFTER_DAYS", 30),
            )
            if spider.incremental and settings.getbool("VIGIE_INCREMENTAL", True):
                spider.since = crawl_since(database, spider.source.id)
        else:
            spider.known = KnownDocuments({}, dt.timedelta(0))
        crawler.signals.connect(spider.record_since, signal=signals.spider_opened)
        budget = settings.getfloat("CLOSESPIDER_TIMEOUT")
        if budget > 0:
            spider.deadline = time.monotonic() + budget
        return spider

    def out_of_time(self) -> bool:
        """Whether the source's time budget is spent (for callbacks that work long on one page)."""
        return time.monotonic() >= self.deadline

    def record_since(self, spider) -> None:
        """Put the incremental start in the crawl's stats (read by spiders.extensions.SourceHealth)."""
        if self.since is not None:
            self.crawler.stats.set_value("vigie/incremental_since", self.since.isoformat())

    # -- documents ---------------------------------------------------------------------

    def is_allowed(self, url: str) -> bool:
        """Whether the URL is on the source's host or an ``allowed_domains`` one (or below them,
        ``www.`` or not): where its listing pages may be. Documents may be on any public host
        (``spiders.reach`` checks where every request goes)."""
        host = site_host(urlsplit(url).hostname or "")
        return any(host == h or host.endswith("." + h) for h in self.allowed_hosts)

    def document_item(self, url: str, **fields: Any) -> DocumentItem:
        """Every item of the spider is built here: a title is cut to TITLE_MAX characters."""
        if fields.get("title") is not None:
            fields["title"] = str(fields["title"])[:TITLE_MAX]
        return DocumentItem(source_id=self.source.id, url=url, **fields)

    def is_settled(self, url: str) -> bool:
        """Already requested in this crawl, or stored and checked recently: no request needed."""
        return url in self.requested or self.known.is_fresh(url)

    def document_request(self, url: str, meta: dict | None = None, **fields: Any):
        """Request a document unless it is fresh in the database; yields a Request or a skipped item.

        ``fields`` are the metadata known before download (kind, title, meeting_date, …);
        they travel with the request and end up on the stored document. A document may be on
        any public host (a regional platform, cloud storage): its host is recorded on it.
        """
        if url in self.requested:
            return
        self.requested.add(url)
        if self.known.is_fresh(url):
            self.crawler.stats.inc_value("vigie/documents_unchanged")
            return
        yield scrapy.Request(
            url,
            callback=self.parse_document,
            errback=self.document_failed,
            headers=self.known.conditional_headers(url),
            meta={"vigie_fields": fields, "handle_httpstatus_list": [304], **(meta or {})},
            priority=-1,  # listings first, so that pagination is never starved by downloads
            # Duplicates are filtered above; Scrapy's filter would also drop the second hop of a
            # redirect loop silently, where the redirect limit records it as a failure.
            dont_filter=True,
        )

    def parse_document(self, response: Response):
        fields = dict(response.meta.get("vigie_fields", {}))
        url = link_url(response.request) if response.request else response.url
        if response.status == 304:
            yield self.document_item(url, not_modified=True, **fields)
            return
        # Where the file came from (after redirects): the source's own server, a regional
        # platform, cloud storage.
        fields["extra"] = {**(fields.get("extra") or {}), "host": urlsplit(response.url).hostname}
        yield self.document_item(
            url,
            body=response.body,
            media_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1") or None,
            etag=(response.headers.get(b"ETag") or b"").decode("latin-1") or None,
            last_modified=(response.headers.get(b"Last-Modified") or b"").decode("latin-1") or None,
            **fields,
        )

    def failure_reason(self, failure: Failure) -> str:
        return describe_failure(failure, self.settings.getint("DOWNLOAD_MAXSIZE") / 1024 / 1024)

    def document_failed(self, failure: Failure):
        request = failure.request  # set by Scrapy on errback failures
        fields = request.meta.get("vigie_fields", {})
        url = link_url(request)
        if failure.check(NotSampled, OutOfReach):
            # Left out on purpose (by `vigie source check/record`, or where the crawler may not
            # go): recorded with its reason, not as a failure of the site.
            yield self.document_item(url, skipped=True, error=str(failure.value), **fields)
            return
        if is_blocked(failure):
            self.crawler.stats.inc_value("vigie/blocked")
            yield self.document_item(url, blocked=True, error=ROBOTS_BLOCKED, **fields)
            return
        reason = self.failure_reason(failure)
        self.logger.warning("Document %s failed: %s", self.masked(url), reason)
        yield self.document_item(url, error=reason, **fields)

    # -- listings ----------------------------------------------------------------------

    def listing_read(self, response: Response) -> None:
        """Count a response read as a listing, and keep it for the next run's pre-check
        (spiders.listings stores what a complete crawl read)."""
        self.crawler.stats.inc_value("vigie/listings_read")
        request = response.request
        if request is None or request.method != "GET":
            # A form POST cannot be asked again by the pre-check's plain GET: crawl every time.
            self.listings_repeatable = False  # type: ignore[misc]
            return
        url = link_url(request)
        self.listings_seen[url] = listing_row(url, response, request_accept(request))

    def listing_failed(self, failure: Failure):
        """A listing page could not be downloaded (the errback of listing requests).

        A sub-page that robots.txt forbids is counted (``vigie sources`` shows it), not an error;
        the start page (or an API's listing) forbidden leaves the source nothing to read.
        """
        if is_blocked(failure):
            self.crawler.stats.inc_value("vigie/blocked")
            if failure.request.meta.get("vigie_level", 0) > 0:
                self.logger.info("Page %s: %s", self.masked(failure.request.url), ROBOTS_BLOCKED)
                return
        self.listing_error(link_url(failure.request), self.failure_reason(failure))

    def listing_error(self, url: str, reason: str) -> None:
        """Record a listing that failed or could not be used: a source error, whose last one
        is stored on the source's health record (spiders.extensions.SourceHealth)."""
        line = self.masked(f"{url}: {reason}")
        self.crawler.stats.inc_value("vigie/listing_errors")
        self.crawler.stats.set_value("vigie/last_error", line)
        self.logger.error("Listing %s", line)

    def masked(self, text: str) -> str:
        """``text`` with the source's secrets (``config`` keys in SECRET_KEYS, such as an API
        token put in URLs) replaced by ``***``: errors are stored and shown to maintainers."""
        for key in SECRET_KEYS:
            secret = self.config.get(key)
            if secret:
                text = text.replace(str(secret), "***")
        return text
