"""Listings of a complete crawl, stored so that the next run can tell an unchanged source.

Every page a spider reads as a listing (the start page, its sub-pages and pagination pages, a
presumed document that turned out to be a page, each API answer) goes through
``CouncilSpider.listing_read``, which keeps its ``ETag``, ``Last-Modified``, the Accept header
it was asked with and a hash of its body. This downloader middleware also keeps the robots.txt
of every host. When the crawl is complete (finished, no listing error, no failed document), the
source's rows of table ``listings`` are replaced by what it read. Before the next crawl,
``spiders.unchanged`` asks each of them again, conditionally, without Scrapy; a source whose
listings all answer 304 or the same body is not crawled.

Nothing is stored, and the source is crawled in full every time, when a listing cannot be asked
again by a plain GET (a form POST) or when the platform's listing URLs depend on today's date
(``CouncilSpider.listings_repeatable``), or after a sampled, recorded or distributed crawl
(which read only part of the source). Nor for an incremental platform (an API asked for what
changed since its last crawl, ``CouncilSpider.incremental``): its own request or two costs less
than asking again every page of the listing its first crawl read. The in-crawl short-cut of earlier versions, a 304 on the
start page ending the source's crawl, is gone: a start page unchanged said nothing of a new
document on a sub-page, and a source the pre-check sends to the crawl has changed somewhere.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import delete

from spiders.unchanged import fingerprint, is_robots, robots_url
from storage.db import shared_database
from storage.models import Listing, utcnow


def header(response, name: bytes, limit: int) -> str | None:
    """A response header as text (latin-1, as HTTP has it), cut to the column's size, or None."""
    return (response.headers.get(name) or b"").decode("latin-1")[:limit] or None


def listing_row(url: str, response, accept: str | None = None) -> Listing:
    """The row stored for a listing (or a robots.txt) answered by ``response``, read at ``url``."""
    return Listing(
        url=url,
        etag=header(response, b"ETag", 500),
        last_modified=header(response, b"Last-Modified", 100),
        body_hash=fingerprint(response.body, response.status),
        accept=(accept or None) and accept[:200],
    )


class ListingRecorder:
    """Downloader middleware: robots.txt answers kept; at the end of a complete crawl, the
    listings read (``spider.listings_seen``) and their hosts' robots.txt stored."""

    def __init__(self, crawler) -> None:
        settings = crawler.settings
        if not settings.get("VIGIE_DATABASE_URL"):
            raise NotConfigured("storing listings needs VIGIE_DATABASE_URL")
        if settings.get("VIGIE_REDIS_URL") or settings.getint("VIGIE_SAMPLE_DOCUMENTS", -1) >= 0:
            raise NotConfigured("a distributed or sampled crawl reads only part of a source's listings")
        if settings.get("VIGIE_RECORD_DIR"):
            raise NotConfigured("a recorded crawl (vigie source record) reads only a sample")
        self.crawler = crawler
        self.db = shared_database(settings["VIGIE_DATABASE_URL"])
        self.robots: dict[str, Listing] = {}  # robots.txt URL -> its row
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        # Scrapy's RobotsTxtMiddleware asks robots.txt through the downloader, marked so.
        if request.meta.get("dont_obey_robotstxt") and is_robots(request.url):
            url = (request.meta.get("redirect_urls") or [request.url])[0]
            self.robots[url] = listing_row(url, response)
        return response

    def spider_closed(self, spider, reason: str) -> None:
        """Replace the source's stored listings by those of this crawl, if it was complete."""
        stats = self.crawler.stats
        complete = (
            reason == "finished"
            and not stats.get_value("vigie/listing_errors")
            and not stats.get_value("vigie/documents_failed")
        )
        source = getattr(spider, "source", None)
        if not complete or source is None:
            return
        seen: dict[str, Listing] = dict(getattr(spider, "listings_seen", {}))
        if not getattr(spider, "listings_repeatable", False) or getattr(spider, "incremental", False):
            seen = {}  # nothing to ask again: the next run crawls the source
        elif seen:
            hosts = {robots_url(url) for url in seen}
            seen.update({url: row for url, row in self.robots.items() if url in hosts})
        now = utcnow()
        with self.db.session() as session:
            session.execute(delete(Listing).where(Listing.source_id == source.id))
            for row in seen.values():
                row.source_id, row.checked_at = source.id, now
                session.add(row)


def request_accept(request) -> str | None:
    """The Accept header a listing request was sent with (None: Scrapy's default)."""
    value = request.headers.get(b"Accept")
    return value.decode("latin-1") if value else None
