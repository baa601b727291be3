"""Progress of long work: a bar on a terminal, a few structured log lines otherwise.

On a terminal (standard error is a TTY) a tqdm bar shows what is done, the rate and the time
left. Under cron, systemd or a pipe there is no bar: an INFO log line in ``key=value`` form every
``interval_s`` seconds and one at the end, e.g.::

    progress task=analysis done=1200 total=5000 unit=documents rate=40.1/s elapsed_s=30 eta_s=95

so logs stay short and can be parsed. ``TQDM_DISABLE=1`` turns the bar off on a terminal too.

:class:`CrawlProgress` is the Scrapy extension of a crawl: sources finished out of the sources of
the run, documents stored and requests made, across the spiders of the process.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import TextIO

log = logging.getLogger("vigie.progress")


class Progress:
    """One long task: ``advance()`` as work gets done; use as a context manager."""

    def __init__(
        self,
        task: str,
        total: int | None = None,
        unit: str = "items",
        *,
        stream: TextIO | None = None,
        interval_s: float = 30.0,
    ) -> None:
        self.task, self.total, self.unit = task, total, unit
        self.stream = stream or sys.stderr
        self.interval_s = interval_s
        self.done = 0
        self.details: dict[str, object] = {}
        self.started = self._last_log = time.monotonic()
        self._bar = None
        if self.stream.isatty() and os.environ.get("TQDM_DISABLE", "") in ("", "0"):
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, desc=task, unit=f" {unit}", file=self.stream, dynamic_ncols=True, leave=True, smoothing=0.1
            )

    def advance(self, count: int = 1, **details: object) -> None:
        """``count`` more units done; ``details`` (documents=…, errors=…) are shown beside."""
        self.done += count
        self.details.update(details)
        if self._bar is not None:
            self._bar.update(count)
            if details:
                self._bar.set_postfix(self.details, refresh=False)
        elif time.monotonic() - self._last_log >= self.interval_s:
            self._log()

    def _log(self) -> None:
        self._last_log = now = time.monotonic()
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        fields = {
            "task": self.task,
            "done": self.done,
            "total": self.total,
            "unit": self.unit,
            "rate": f"{rate:.1f}/s",
            "elapsed_s": round(elapsed),
        }
        if self.total and rate > 0:
            fields["eta_s"] = round((self.total - self.done) / rate)
        fields.update(self.details)
        log.info("progress %s", " ".join(f"{k}={_value(v)}" for k, v in fields.items() if v is not None))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        else:
            self._log()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _value(value: object) -> str:
    # Values are counts and names; quote anything with spaces so that each line parses as key=value.
    text = str(value)
    return f'"{text}"' if " " in text or not text else text


class CrawlProgress:
    """Scrapy extension: one :class:`Progress` for all the spiders of a crawl process.

    ``VIGIE_PROGRESS_SOURCES`` (set by ``vigie.crawl.crawl``) is the number of sources in the
    run; without it the extension is off.
    """

    shared: Progress | None = None

    def __init__(self, crawler, sources: int) -> None:
        from scrapy import signals

        if CrawlProgress.shared is None or CrawlProgress.shared.total != sources:
            CrawlProgress.shared = Progress("crawl", total=sources, unit="sources")
        self.progress = CrawlProgress.shared
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy.exceptions import NotConfigured

        sources = crawler.settings.getint("VIGIE_PROGRESS_SOURCES")
        if sources <= 0:
            raise NotConfigured("VIGIE_PROGRESS_SOURCES setting is not set: no crawl progress to show")
        return cls(crawler, sources)

    def item_scraped(self, item, spider) -> None:
        documents = self.progress.details.get("documents", 0)
        self.progress.advance(0, documents=documents + 1)

    def spider_closed(self, spider, reason) -> None:
        self.progress.advance(1, last=getattr(getattr(spider, "source", None), "id", spider.name))
        if self.progress.done >= (self.progress.total or 0):
            self.progress.close()
            CrawlProgress.shared = None
