"""Scrapy's log messages, with the source's secrets masked (an API token in request URLs)."""

from __future__ import annotations

from scrapy import logformatter


class MaskingLogFormatter(logformatter.LogFormatter):
    """Every message about a request or response goes through ``spider.masked``."""

    def _masked(self, entry, spider):
        mask = getattr(spider, "masked", None)
        if mask is None or not entry:
            return entry
        args = {key: mask(str(value)) if value is not None else value for key, value in entry["args"].items()}
        return {**entry, "args": args}

    def crawled(self, request, response, spider):
        return self._masked(super().crawled(request, response, spider), spider)

    def scraped(self, item, response, spider):
        return self._masked(super().scraped(item, response, spider), spider)

    def dropped(self, item, exception, response, spider):
        return self._masked(super().dropped(item, exception, response, spider), spider)

    def item_error(self, item, exception, response, spider):
        return self._masked(super().item_error(item, exception, response, spider), spider)

    def spider_error(self, failure, request, response, spider):
        return self._masked(super().spider_error(failure, request, response, spider), spider)

    def download_error(self, failure, request, spider, errmsg=None):
        return self._masked(super().download_error(failure, request, spider, errmsg), spider)
