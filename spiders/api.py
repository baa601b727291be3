"""The base of the spiders that read a publisher's data (SCDL files, OpenDataSoft, OParl, Legistar).

Unlike a web page, a dataset or an API declares its documents itself, wherever they are
hosted (a regional platform such as Mégalis, a file server, a CDN): their links are followed
on any host. A subclass yields its first listing requests from :meth:`ApiSpider.listings`;
listing requests go through :meth:`ApiSpider.listing_request`, so that a failure is recorded as
a listing error of the source, and JSON is parsed with an error that names the URL. A subclass
whose API can ask only for what changed sets ``incremental``: ``self.since`` is then when the
last complete crawl started (see ``spiders.incremental``), or None for a full crawl.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import HtmlResponse, Response

from spiders.base import CouncilSpider


def with_query(url: str, **params: Any) -> str:
    """``url`` with ``params`` added to (or replacing those in) its query string."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += [(k, str(v)) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query, safe="$:',")))


def parse_datetime(value: Any) -> dt.datetime | None:
    """An ISO 8601 date-time (``Z``, an offset or none), or None when empty or unreadable."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class ApiSpider(CouncilSpider):
    """A spider reading structured listings; subclasses implement ``listings``."""

    async def start(self):
        for request in self.listings():
            yield request
        for request in self.retry_failed_documents():
            yield request

    def listings(self):
        """The first listing requests of the source."""
        raise NotImplementedError(f"{type(self).__name__} must say where its listings start")

    def is_allowed(self, url: str) -> bool:
        # The publisher's own data names these files: follow them wherever they are hosted.
        return url.startswith(("http://", "https://"))

    def listing_request(
        self,
        url: str,
        callback,
        *,
        accept: str = "application/json",
        formdata: dict[str, str] | None = None,
        **meta: Any,
    ) -> scrapy.Request:
        """A request for a page of the listing; its failure counts as a source error.

        ``accept`` is the media type asked for (an HTML listing asks for ``text/html``);
        ``formdata`` makes it a form POST (a search form answering a date range).
        """
        self.crawler.stats.inc_value("vigie/listings_requested")
        if formdata is not None:
            return scrapy.FormRequest(
                url,
                formdata=formdata,
                callback=callback,
                errback=self.listing_failed,
                meta=meta,
                headers={"Accept": accept},
            )
        return scrapy.Request(
            url, callback=callback, errback=self.listing_failed, meta=meta, headers={"Accept": accept}
        )

    def html_listing(self, response: Response) -> HtmlResponse | None:
        """The response as an HTML page, or None after recording that it is not one (a file, JSON,
        an empty answer): HTML platforms read their listings with it."""
        if isinstance(response, HtmlResponse):
            self.listing_read(response)
            return response
        media = (response.headers.get(b"Content-Type") or b"?").decode("latin-1")
        self.listing_error(
            response.url,
            f"expected an HTML page of the {self.name} platform, got {media}: is this the right URL for the source?",
        )
        return None

    def read_json(self, response: Response, fits: Callable[[Any], bool] = lambda data: True, problem: str = "") -> Any:
        """The JSON body of a listing response, or None after recording why it is unusable: it is
        not JSON, or ``fits(data)`` is false (``problem`` then says what is wrong, for the maintainer)."""
        try:
            data = json.loads(response.body)
        except ValueError:
            media = (response.headers.get(b"Content-Type") or b"?").decode("latin-1")
            self.listing_error(response.url, f"expected JSON, got {media}: is this the API URL of the source?")
            return None
        if not fits(data):
            self.listing_error(response.url, problem)
            return None
        self.listing_read(response)
        return data

    def retry_failed_documents(self):
        """Request again the documents that failed last time, on an incremental crawl.

        It lists only what changed: a file that failed (a 500, a timeout) would otherwise never
        be asked for again. A full listing names it again by itself.
        """
        if self.since is None:
            return
        for url in self.known.failed_urls():
            yield from self.document_request(url)

    def local_date(self, value: Any) -> dt.date | None:
        """The calendar date of a date-time in the source's time zone (a meeting's day)."""
        moment = parse_datetime(value)
        if moment is None:
            return None
        if moment.tzinfo is not None:
            moment = moment.astimezone(ZoneInfo(self.source.timezone))
        return moment.date()
