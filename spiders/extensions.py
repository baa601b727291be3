"""Crawl extensions: the health record of each source's crawl."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured

from storage.db import shared_database
from storage.models import SourceRun, utcnow
from storage.states import RunStatus

log = logging.getLogger(__name__)


def source_status(stats: dict, finish_reason: str | None, distributed: bool = False) -> tuple[RunStatus, str | None]:
    """``ok``, ``empty`` or ``failed``, with the reason, from a finished crawl's stats.

    A crawl that found nothing is never silently fine: a redesigned site yields zero items;
    except for one worker of a distributed crawl, whose share may be nothing at all.
    """
    found = sum(stats.get(f"vigie/documents_{k}", 0) for k in ("new", "changed", "unchanged", "failed", "skipped"))
    listing_errors = stats.get("vigie/listing_errors", 0)
    if listing_errors and found == 0:
        return RunStatus.FAILED, stats.get("vigie/last_error") or "the listing could not be read"
    # A crawl stopped by its time budget or by a page limit (a source check) still read what it read.
    if finish_reason not in ("finished", "closespider_timeout", "closespider_pagecount"):
        return RunStatus.FAILED, f"crawl ended: {finish_reason}"
    if found == 0:
        if stats.get("vigie/incremental_since") and stats.get("vigie/listings_read") and not listing_errors:
            # An API asked only for changes answered properly that nothing changed.
            return RunStatus.OK, None
        if distributed and not listing_errors:
            return RunStatus.OK, "distributed crawl: the other workers took this source's requests"
        if stats.get("vigie/documents_blocked") or stats.get("vigie/blocked"):
            return RunStatus.EMPTY, (
                f"everything found is forbidden by the site's robots.txt ({stats.get('vigie/blocked', 0)} "
                f"blocked): ask the council to allow it, or request the documents"
            )
        return RunStatus.EMPTY, "no document found: has the site changed? (vigie source check)"
    return RunStatus.OK, stats.get("vigie/last_error")


class SourceHealth:
    """Writes a ``source_runs`` row when a source's spider closes."""

    def __init__(self, crawler) -> None:
        url = crawler.settings.get("VIGIE_DATABASE_URL")
        if not url:
            raise NotConfigured("VIGIE_DATABASE_URL setting must be set to record source health")
        self.crawler = crawler
        self.db = shared_database(url)
        self.run_id = crawler.settings.get("VIGIE_RUN_ID")
        self.started_at = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        self.started_at = utcnow()

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        status, error = source_status(stats, reason, distributed=bool(self.crawler.settings.get("VIGIE_REDIS_URL")))
        finished = utcnow()
        errors = stats.get("vigie/listing_errors", 0) + stats.get("vigie/documents_failed", 0)
        with self.db.session() as session:
            session.add(
                SourceRun(
                    run_id=self.run_id,
                    source_id=spider.source.id,
                    started_at=self.started_at or finished,
                    finished_at=finished,
                    status=status,
                    finish_reason=f"{reason} (resumed)" if self.crawler.settings.getbool("VIGIE_RESUMED") else reason,
                    requests=stats.get("downloader/request_count", 0),
                    documents_new=stats.get("vigie/documents_new", 0),
                    documents_changed=stats.get("vigie/documents_changed", 0),
                    documents_unchanged=stats.get("vigie/documents_unchanged", 0),
                    documents_failed=stats.get("vigie/documents_failed", 0),
                    blocked=stats.get("vigie/blocked", 0),
                    errors=errors,
                    error=error,
                    duration_s=(finished - (self.started_at or finished)).total_seconds(),
                )
            )
        log.info("Source %s: %s (%s)", spider.source.id, status, error or reason)
