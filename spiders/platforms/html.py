"""The generic spider for a council web page that lists PDF files.

Given only a start URL, it finds the council's documents by itself: it collects the PDF links
of the listing, follows its pagination, and goes down into sub-pages whose link speaks of
the council (séance, délibérations, procès-verbal…). Optional settings in the source's
``config`` refine it for sites that need them:

``document_links`` (CSS)  where the document links are;
``follow_links`` (CSS)    which links lead to sub-pages or further listing pages;
``max_depth`` (2)         how many levels of sub-pages to go down;
``max_pages`` (200)       how many listing pages to read at most;
``allowed_domains`` ([])  other hosts whose files may be fetched (a CDN, a regional platform).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from spiders.base import CouncilSpider
from spiders.links import (
    extract_links,
    is_council_link,
    is_document_url,
    is_pagination,
    page_is_about_council,
    rel_next_urls,
)
from spiders.metadata import first_date, guess_kind


class HtmlCouncilSpider(CouncilSpider):
    name = "html"

    async def start(self):
        self.pages_read = 0
        yield scrapy.Request(self.source.url, callback=self.parse_listing, errback=self.listing_failed,
                             meta={"vigie_level": 0}, dont_filter=True)

    def parse_listing(self, response: Response):
        if not isinstance(response, TextResponse):
            # The "listing" is itself a document (a PDF linked directly as the start URL).
            yield from self.parse_document(response)
            return
        self.pages_read += 1
        level = response.meta.get("vigie_level", 0)
        extensions = self.config.get("document_extensions")
        links = extract_links(response.selector, response.url, self.config.get("document_links"))
        site_root = urlsplit(response.url).path in ("", "/")
        collect_all = bool(self.config.get("document_links")) or (
            not site_root and (level == 0 or page_is_about_council(response.selector, response.url))
        )
        for link in links:
            if is_document_url(link.url, extensions) and (collect_all or is_council_link(link)):
                yield from self.document_request(
                    link.url,
                    title=link.text,
                    kind=guess_kind(link.text, link.context, link.heading, link.url),
                    meeting_date=first_date(link.text, link.context, link.heading, link.url),
                )
        yield from self.follow(response, level)

    def follow(self, response: TextResponse, level: int):
        if self.pages_read >= self.config.get("max_pages", 200):
            return
        max_depth = self.config.get("max_depth", 2)
        rel_next = rel_next_urls(response.selector, response.url)
        follow_css = self.config.get("follow_links")
        candidates = extract_links(response.selector, response.url, follow_css) if follow_css else \
            extract_links(response.selector, response.url)
        for link in candidates:
            if not self.is_allowed(link.url) or is_document_url(link.url, self.config.get("document_extensions")):
                continue
            if is_pagination(link, rel_next):
                next_level = level  # the same listing, further on
            elif follow_css or is_council_link(link):
                next_level = level + 1
            else:
                continue
            if next_level <= max_depth:
                yield scrapy.Request(link.url, callback=self.parse_listing, errback=self.listing_failed,
                                     meta={"vigie_level": next_level})
