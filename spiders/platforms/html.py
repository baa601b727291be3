"""The generic spider for a council web page that lists PDF files.

Given only a start URL, it finds the council's documents by itself: it collects the PDF links
of the listing, follows its pagination, and goes down into sub-pages whose link speaks of
the council (séance, délibérations, procès-verbal…). Optional settings in the source's
``config`` refine it for sites that need them:

``document_links`` (CSS)       where the document links are;
``follow_links`` (CSS)         which links lead to sub-pages or further listing pages;
``max_depth`` (2)              how many levels of sub-pages to go down;
``max_pages`` (200)            how many listing pages to read at most, the start page included;
``allowed_domains`` ([])       other hosts whose files may be fetched (a CDN, a regional platform);
``document_extensions`` (pdf)  the extensions of document files (``spiders/vocabulary.yaml``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from spiders.base import CouncilSpider
from spiders.links import (
    Link,
    extract_links,
    is_council_link,
    is_document_url,
    is_pagination,
    page_is_about_council,
    rel_next_urls,
)
from spiders.metadata import guess_kind, meeting_date


def document_title(text: str, heading: str, page_heading: str) -> str:
    """The link text, completed by the séance it belongs to when it says nothing of it.

    "Ordre du jour" alone is useless in an alert; "Ordre du jour — Conseil municipal du
    20 octobre 2026" is not.
    """
    if any(ch.isdigit() for ch in text):
        return text
    for context in (heading, page_heading):
        if context and any(ch.isdigit() for ch in context) and context not in text:
            return f"{text} — {context}"
    return text


class HtmlCouncilSpider(CouncilSpider):
    name = "html"

    def __init__(self, source, **kwargs: Any) -> None:
        super().__init__(source, **kwargs)
        # Every listing page requested, so that `max_pages` counts pages, not links to them.
        self.pages_requested: set[str] = set()

    async def start(self):
        yield self.page_request(self.source.url, 0)

    def page_request(self, url: str, level: int) -> scrapy.Request:
        self.pages_requested.add(url)
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                              meta={"vigie_level": level})

    def parse_listing(self, response: Response):
        if not isinstance(response, TextResponse):
            # The "listing" is itself a document (a PDF linked directly as the start URL).
            yield from self.parse_document(response)
            return
        level = response.meta.get("vigie_level", 0)
        links = extract_links(response.selector, response.url)
        yield from self.documents(response, level, links)
        yield from self.follow(response, level, links)

    def documents(self, response: TextResponse, level: int, links: list[Link]):
        """Requests for the page's document links: those that ``document_links`` selects, or all
        on a council page (the start page unless it is the site's home page, or a page whose title
        speaks of the council), or elsewhere those whose own words speak of the council."""
        css = self.config.get("document_links")
        extensions = self.config.get("document_extensions")
        site_root = urlsplit(response.url).path in ("", "/")
        collect_all = bool(css) or (
            not site_root and (level == 0 or page_is_about_council(response.selector, response.url))
        )
        candidates = extract_links(response.selector, response.url, css) if css else \
            [link for link in links if not link.chrome]
        page_heading = " ".join(" ".join(response.xpath("//h1//text()").getall()).split())
        for link in candidates:
            if not is_document_url(link.url, extensions) or not (collect_all or is_council_link(link)):
                continue
            # Already requested, or stored and fresh: no metadata to guess (re-crawls are fast).
            fields = {} if self.is_settled(link.url) else {
                "title": document_title(link.text, link.heading, page_heading),
                "kind": guess_kind(link.text, link.context, link.heading, link.url),
                "meeting_date": meeting_date(link.text, link.context, link.heading, page_heading, link.url),
            }
            yield from self.document_request(link.url, **fields)

    def follow(self, response: TextResponse, level: int, links: list[Link]):
        """Requests for the listing's next pages (same level) and the council sub-pages (one level
        down), on the source's hosts, within ``max_depth`` and ``max_pages``."""
        max_depth, max_pages = self.config.get("max_depth", 2), self.config.get("max_pages", 200)
        extensions = self.config.get("document_extensions")
        rel_next = rel_next_urls(response.selector, response.url)
        follow_css = self.config.get("follow_links")
        candidates = extract_links(response.selector, response.url, follow_css) if follow_css else links
        for link in candidates:
            if link.url in self.pages_requested or is_document_url(link.url, extensions) \
                    or not self.is_allowed(link.url):
                continue
            if is_pagination(link, rel_next):
                next_level = level  # the same listing, further on
            elif follow_css or is_council_link(link):
                next_level = level + 1
            else:
                continue
            if next_level > max_depth:
                continue
            if len(self.pages_requested) >= max_pages:
                return
            yield self.page_request(link.url, next_level)
