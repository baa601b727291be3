"""Resumable crawls: one Scrapy job directory per source, under ``<data>/jobs/<source id>``.

With ``VIGIE_RESUME`` set (``vigie crawl --resume``), each source's pending requests and seen
fingerprints are kept on disk (Scrapy's ``JOBDIR``), so that a crawl stopped by a signal, a
crash or its time budget goes on where it stopped the next time. A source whose crawl ran to
its end has its job directory removed: the next crawl starts afresh (and incremental).

Scrapy keeps the scheduler's queue only: requests already handed to the downloader when the
crawl stopped are not kept. They are not lost for good: they are not in the database, so the
next crawl asks for them, and a resumed crawl never counts as complete for incremental crawls.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess

from spiders.registry import SourceSpec

log = logging.getLogger(__name__)


def job_dir(data_dir: str | Path, source_id: str) -> Path:
    return Path(data_dir) / "jobs" / source_id


def make_crawler(process: CrawlerProcess, spider_cls, spec: SourceSpec) -> Crawler:
    """A crawler for one source, with its own job directory when crawls are resumable."""
    crawler = process.create_crawler(spider_cls)
    if crawler.settings.getbool("VIGIE_RESUME"):
        # The crawler's settings are its own copy, frozen only when its crawl starts.
        folder = job_dir(crawler.settings.get("VIGIE_DATA_DIR", "./data"), spec.id)
        if folder.exists():
            log.info("Source %s: resuming the crawl kept in %s", spec.id, folder)
            # Recorded on its source_runs row: a resumed crawl does not count as complete for
            # incremental crawls (requests already handed to the downloader when it stopped are lost).
            crawler.settings.set("VIGIE_RESUMED", True, priority="cmdline")
        crawler.settings.set("JOBDIR", str(folder), priority="cmdline")
    return crawler


def clear_finished(crawlers: list[Crawler]) -> None:
    """Remove the job directory of each source whose crawl finished (not cut short)."""
    for crawler in crawlers:
        folder = crawler.settings.get("JOBDIR")
        if folder and crawler.stats and crawler.stats.get_value("finish_reason") == "finished":
            shutil.rmtree(folder, ignore_errors=True)
