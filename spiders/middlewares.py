"""Downloader middlewares of Vigie's crawler."""

from __future__ import annotations

import email.utils
import random
import time

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, spaced by exponential backoff with jitter and by ``Retry-After``.

    The wait delays only the retried request; the rest of the crawl goes on meanwhile.
    Settings: ``VIGIE_RETRY_BACKOFF_BASE`` and ``VIGIE_RETRY_BACKOFF_MAX`` (seconds).
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("VIGIE_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("VIGIE_RETRY_BACKOFF_MAX", 120.0)

    def backoff(self, retry_times: int, response: Response | None) -> float:
        delay = self.backoff_base * 2 ** max(0, retry_times - 1)
        delay *= random.uniform(0.8, 1.2)
        if response is not None:
            asked = retry_after_seconds(response.headers.get(b"Retry-After"))
            if asked is not None:
                delay = max(delay, asked)
        return min(delay, self.backoff_max)

    async def _wait(self, retry: Request, response: Response | None) -> None:
        delay = self.backoff(retry.meta.get("retry_times", 1), response)
        if delay > 0:
            # Imported here: importing the reactor at module level would install the default
            # one before Scrapy installs the asyncio reactor.
            from twisted.internet import reactor

            self.crawler.stats.inc_value("vigie/retry_wait_seconds", delay)
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))

    async def process_response(self, request: Request, response: Response, spider=None):
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(result, response)
        return result

    async def process_exception(self, request: Request, exception: Exception, spider=None):
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result
