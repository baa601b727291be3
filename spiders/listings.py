"""Conditional start listings: a source whose listings have not changed costs one request.

A spider marks its first listing requests (the start page of a web source, the first answers
of an API) with ``meta["vigie_start"]``. After a complete crawl (finished, no listing error),
this middleware stores their ``ETag`` and ``Last-Modified`` (table ``listings``); the next crawl
asks for them conditionally (``If-None-Match``, ``If-Modified-Since``). A server that answers
"304 Not Modified" says the listing is as it was: its documents are those already stored, so
nothing below it is requested, and the source is recorded as crawled, unchanged.

What could hide behind an unchanged start listing (a document replaced under the same link, a
change deep in the pagination) is caught by the full crawl that follows every
``VIGIE_RECHECK_AFTER_DAYS``: validators older than that are not used, nor are they after a
crawl that failed some document (it must be tried again).
"""

from __future__ import annotations

import datetime as dt

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from sqlalchemy import select

from spiders.incremental import last_complete_crawl
from storage.db import shared_database
from storage.models import Listing, utcnow


class ListingUnchanged(IgnoreRequest):
    """The server answered 304 to a conditional start listing: nothing to read below it."""


class ConditionalListings:
    """Downloader middleware: validators on start listings, and the source skipped when unchanged."""

    def __init__(self, crawler) -> None:
        url = crawler.settings.get("VIGIE_DATABASE_URL")
        settings = crawler.settings
        if (
            not url
            or not settings.getbool("VIGIE_CONDITIONAL_LISTINGS", True)
            or not settings.getbool("VIGIE_INCREMENTAL", True)
        ):  # `vigie crawl --full` reads everything
            raise NotConfigured(
                "conditional listings need VIGIE_DATABASE_URL, VIGIE_CONDITIONAL_LISTINGS and VIGIE_INCREMENTAL"
            )
        self.crawler = crawler
        self.db = shared_database(url)
        self.recheck_after = dt.timedelta(days=crawler.settings.getfloat("VIGIE_RECHECK_AFTER_DAYS", 30))
        self.validators: dict[str, tuple[str | None, str | None]] = {}  # url -> (etag, last_modified), to send
        self.seen: dict[str, tuple[str | None, str | None]] = {}  # read in this crawl, to store
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        source = getattr(spider, "source", None)
        known = getattr(spider, "known", None)
        if source is None or known is None or known.failed_urls():
            return  # failed documents are asked for again: the listing must be read
        if last_complete_crawl(self.db, source.id) is None:
            return
        fresh_after = utcnow() - self.recheck_after
        with self.db.session() as session:
            rows = session.scalars(
                select(Listing).where(Listing.source_id == source.id, Listing.checked_at >= fresh_after)
            )
            self.validators = {row.url: (row.etag, row.last_modified) for row in rows}

    def process_request(self, request, spider=None):
        if not request.meta.get("vigie_start") or request.method != "GET":
            return None
        etag, modified = self.validators.get(request.url, (None, None))
        if etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = etag
        if modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = modified
        return None

    def process_response(self, request, response, spider=None):
        if not request.meta.get("vigie_start") or request.method != "GET":
            return response
        if response.status == 304 and request.url in self.validators:
            stats = self.crawler.stats
            stats.inc_value("vigie/listings_unchanged")
            known = getattr(self.crawler.spider, "known", None)
            if known is not None:
                # Its documents are the stored ones: counted unchanged, as a full crawl would.
                stats.max_value("vigie/documents_unchanged", len(known.by_url))
            raise ListingUnchanged(f"{request.url}: not modified since the last complete crawl")
        if response.status == 200:
            etag = (response.headers.get(b"ETag") or b"").decode("latin-1")[:500] or None
            modified = (response.headers.get(b"Last-Modified") or b"").decode("latin-1")[:100] or None
            if etag or modified:
                self.seen[request.url] = (etag, modified)
        return response

    def spider_closed(self, spider, reason: str) -> None:
        """Store the validators read by a complete crawl (one that might have missed nothing)."""
        stats = self.crawler.stats
        complete = (
            reason == "finished"
            and not stats.get_value("vigie/listing_errors")
            and not stats.get_value("vigie/documents_failed")
        )
        source = getattr(spider, "source", None)
        if not complete or source is None or not self.seen:
            return
        now = utcnow()
        with self.db.session() as session:
            for url, (etag, modified) in self.seen.items():
                row = session.get(Listing, (source.id, url)) or Listing(source_id=source.id, url=url)
                row.etag, row.last_modified, row.checked_at = etag, modified, now
                session.add(row)
