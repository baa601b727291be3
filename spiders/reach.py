"""Where the crawler may go: every request is checked, redirects and meta refresh included.

The rule (a downloader middleware, so that every spider obeys it without a line of its own):

- only ``http`` and ``https`` (Scrapy's ``file``, ``ftp``, ``s3`` and ``data`` handlers are off
  in ``spiders/settings.py``);
- a listing page stays on the source's hosts (``CouncilSpider.is_allowed``); a document may be
  anywhere public, since councils publish on regional platforms and cloud storage;
- after DNS resolution, a source on a public address never reaches a loopback, private
  (RFC 1918, ULA), link-local or otherwise reserved address, and no request ever reaches
  169.254.0.0/16, where cloud metadata services answer. A source that is itself on a private
  or loopback address (an intranet, a test server on 127.0.0.1) may reach its neighbours.

The address is checked before the request, through the resolver Scrapy connects with (its DNS
cache then gives the connection the same answer), and again on the response's peer address, so
that a name that changes its answer between the two (DNS rebinding) is still caught.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

# The rule itself, without Scrapy: the pre-check of unchanged listings obeys it too.
from spiders.addresses import SCHEMES, Address, address_problem, parse_address

__all__ = ["SCHEMES", "OutOfReach", "ReachMiddleware", "address_problem", "parse_address"]

log = logging.getLogger(__name__)


class OutOfReach(IgnoreRequest):
    """A request the crawler must not make; the message says why, in a maintainer's words."""


class ReachMiddleware:
    """Refuses the requests the rule above forbids (downloader middleware, before robots.txt).

    A refused request fails with :class:`OutOfReach`: spiders record a refused document as
    skipped and a refused listing page as a listing error, with the reason.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.source_private: bool | None = None  # found on the first request of the crawl

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        parts = urlsplit(request.url)
        if parts.scheme not in SCHEMES:
            raise self._refuse(request, f"not fetched: {parts.scheme}: URLs are refused, only http and https")
        spider = self.crawler.spider
        if _kind(request) == "listing" and hasattr(spider, "is_allowed") and not spider.is_allowed(request.url):
            raise self._refuse(
                request,
                f"not read as a listing: {parts.hostname} is not one of the source's hosts "
                f"(a redirection?); add it to allowed_domains in the source's config if it is",
            )
        address = await self._resolve(parts.hostname or "")
        if address is not None:
            self._check(request, address, await self._source_private(spider))
        return None

    def process_response(self, request, response, spider=None):
        address = getattr(response, "ip_address", None)
        if address is not None and self.source_private is not None:
            self._check(request, address, self.source_private)
        return response

    def _check(self, request, address: Address, source_private: bool) -> None:
        problem = address_problem(address, source_private)
        if problem:
            host = urlsplit(request.url).hostname
            raise self._refuse(request, f"not fetched: {host} is at {address}, {problem}")

    def _refuse(self, request, reason: str) -> OutOfReach:
        self.crawler.stats.inc_value("vigie/requests_refused")
        log.warning("Refused %s: %s", request.url[:300], reason)
        return OutOfReach(reason)

    async def _source_private(self, spider) -> bool:
        if self.source_private is None:
            source = getattr(spider, "source", None)
            host = urlsplit(source.url).hostname if source is not None and source.url else ""
            address = await self._resolve(host or "")
            self.source_private = address is not None and not address.is_global
        return self.source_private

    async def _resolve(self, host: str) -> Address | None:
        """The address Scrapy will connect to for ``host`` (None when it cannot be resolved:
        the download then fails with its own, clearer, DNS error)."""
        literal = parse_address(host)
        if literal is not None or not host:
            return literal
        # Imported here: importing the reactor at module level would install the default one
        # before Scrapy installs the asyncio reactor.
        from twisted.internet import reactor

        try:
            return parse_address(await maybe_deferred_to_future(reactor.resolve(host)))
        except Exception:  # any resolver failure: let the download report it
            return None


def _kind(request) -> str:
    """``document``, ``robots`` (robots.txt, asked by Scrapy for each host) or ``listing``."""
    if "vigie_fields" in request.meta:
        return "document"
    if request.meta.get("dont_obey_robotstxt") and urlsplit(request.url).path == "/robots.txt":
        return "robots"
    return "listing"
