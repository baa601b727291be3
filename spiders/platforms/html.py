"""The generic spider for a council web page that lists documents.

Given only a start URL, it finds the council's documents by itself: it collects the document
links of the listing (PDF, Word, OpenDocument, RTF and Excel files, and download endpoints
without an extension), follows its pagination, and goes down into sub-pages whose link speaks
of the council, its meetings, boards, committees or years (newest years first). Listing pages
stay on the source's hosts; documents are fetched wherever they are hosted (a regional
platform, cloud storage), within the rule of ``spiders.reach``. Optional settings in the
source's ``config`` refine it for sites that need them: see ``HtmlCouncilSpider.options``.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from spiders.base import CouncilSpider, link_url
from spiders.links import (
    Link,
    extract_links,
    is_council_link,
    is_document_url,
    is_download_endpoint,
    is_pagination,
    is_subpage_link,
    link_year,
    page_is_about_council,
    rel_next_urls,
    says_document,
)
from spiders.metadata import guess_kind, meeting_date
from spiders.options import Option
from storage.filetypes import DOCUMENT_KINDS, file_kind

# What a home page presents as council documents, among its links to files.
_COUNCIL_KINDS = ("agenda", "minutes", "deliberation")


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


def response_kind(response: Response) -> str:
    """``document``, ``page`` (HTML) or ``other``, from the answer itself: its first bytes, then its
    ``Content-Type`` and the file name of its ``Content-Disposition`` or URL."""
    media = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    disposition = (response.headers.get(b"Content-Disposition") or b"").decode("latin-1")
    name = disposition.rsplit("filename=", 1)[-1].strip("\"' ;") if "filename=" in disposition else response.url
    kind = file_kind(response.body, media, name)
    if kind in DOCUMENT_KINDS or (kind == "text" and "text/plain" in media):
        return "document"
    return "page" if kind == "html" else "other"


class HtmlCouncilSpider(CouncilSpider):
    name = "html"
    options: ClassVar[dict[str, Option]] = {
        "document_links": Option("CSS of the document links (all links to documents by default)."),
        "follow_links": Option("CSS of the links that lead to sub-pages or further listing pages."),
        "max_depth": Option("How many levels of sub-pages to go down.", 2),
        "max_pages": Option("How many listing pages to read at most, the start page included.", 200),
        "allowed_domains": Option("Other hosts whose pages are the source's listings too.", []),
        "document_extensions": Option(
            "The extensions of document files (those of `spiders/vocabulary.yaml` by default)."
        ),
    }

    def __init__(self, source, **kwargs: Any) -> None:
        super().__init__(source, **kwargs)
        # Every listing page requested, so that `max_pages` counts pages, not links to them.
        self.pages_requested: set[str] = set()
        self.max_depth = self.option("max_depth")
        self.max_pages = self.option("max_pages")

    async def start(self):
        yield self.page_request(self.source.url, 0)

    def page_request(self, url: str, level: int, fields: dict | None = None) -> scrapy.Request:
        self.pages_requested.add(url)
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            meta={"vigie_level": level, "vigie_link_fields": fields or {}},
        )

    def parse_listing(self, response: Response):
        if not isinstance(response, TextResponse) or response_kind(response) == "document":
            # The "listing" is itself a document (a PDF linked directly, or served for a page).
            response.meta["vigie_fields"] = response.meta.get("vigie_link_fields", {})
            yield from super().parse_document(response)
            return
        yield from self.read_page(response, response.meta.get("vigie_level", 0))

    def parse_document(self, response: Response):
        """A document's answer; a presumed one (a download endpoint, a "Télécharger" link) is
        decided by what came: a file is stored, an HTML page on the source's hosts is read as a
        listing (within the depth and page budget), anything else is recorded as skipped."""
        if not response.meta.get("vigie_presumed") or response.status == 304:
            yield from super().parse_document(response)
            return
        kind = response_kind(response)
        if kind == "document":
            yield from super().parse_document(response)
        elif kind == "page" and isinstance(response, TextResponse):
            level = response.meta["vigie_level"]
            if (
                self.is_allowed(response.url)
                and level <= self.max_depth
                and len(self.pages_requested) < self.max_pages
                and response.url not in self.pages_requested
            ):
                self.pages_requested.add(response.url)
                # Presented as a document of the listing: its own documents are the council's.
                yield from self.read_page(response, level, collect_all=True)
            else:
                self.crawler.stats.inc_value("vigie/presumed_documents_not_documents")
        else:
            media = (response.headers.get(b"Content-Type") or b"?").decode("latin-1")[:100]
            yield self.document_item(
                link_url(response.request),
                skipped=True,
                error=f"not a document: the server sent {media}",
                **response.meta.get("vigie_fields", {}),
            )

    def read_page(self, response: TextResponse, level: int, collect_all: bool = False):
        self.listing_read(response)
        settings = self.settings
        links = extract_links(
            response.selector,
            response.url,
            max_links=settings.getint("VIGIE_MAX_LINKS_PER_PAGE", 10_000),
            deadline=self.deadline,
        )
        if links.truncated:
            self.crawler.stats.inc_value("vigie/listings_truncated")
            self.listing_error(response.url, f"listing truncated: {links.truncated}; the rest of the page was not read")
        yield from self.documents(response, level, links, collect_all)
        if not self.out_of_time():
            yield from self.follow(response, level, links)

    def documents(self, response: TextResponse, level: int, links: list[Link], collect_all: bool = False):
        """Requests for the page's document links: those that ``document_links`` selects, or all
        on a council page (the start page unless it is the site's home page, or a page whose title
        speaks of the council), or elsewhere those whose words speak of the council or that the
        page presents as agendas, minutes or deliberations."""
        css = self.option("document_links")
        extensions = self.option("document_extensions")
        site_root = urlsplit(response.url).path in ("", "/")
        collect_all = (
            collect_all
            or bool(css)
            or (not site_root and (level == 0 or page_is_about_council(response.selector, response.url)))
        )
        candidates = (
            extract_links(response.selector, response.url, css) if css else [link for link in links if not link.chrome]
        )
        page_heading = " ".join(" ".join(response.xpath("//h1//text()").getall()).split())
        for link in candidates:
            certain = is_document_url(link.url, extensions)
            if not certain and not self.presumed_document(link, response.url):
                continue
            if not (
                collect_all
                or is_council_link(link)
                or guess_kind(link.text, link.context, link.heading) in _COUNCIL_KINDS
            ):
                continue
            # Already requested, or stored and fresh: no metadata to guess (re-crawls are fast).
            fields = {} if self.is_settled(link.url) else self.link_fields(link, page_heading)
            meta = None if certain else {"vigie_presumed": True, "vigie_level": level + 1}
            yield from self.document_request(link.url, meta=meta, **fields)

    def presumed_document(self, link: Link, page_url: str) -> bool:
        """A link without a document extension that gives a file all the same, by its URL's shape
        or by what the page says of it (never the page itself)."""
        return (
            link.url != page_url
            and link.url not in self.pages_requested
            and (is_download_endpoint(link.url) or says_document(link))
        )

    @staticmethod
    def link_fields(link: Link, page_heading: str) -> dict:
        """The metadata a link gives of its document: title, kind, meeting date."""
        return {
            "title": document_title(link.text, link.heading, page_heading),
            "kind": guess_kind(link.text, link.context, link.heading, link.url),
            "meeting_date": meeting_date(link.text, link.context, link.heading, page_heading, link.url),
        }

    def follow(self, response: TextResponse, level: int, links: list[Link]):
        """Requests for the listing's next pages (same level) and the sub-pages (one level down:
        council, meetings, boards, committees, years), on the source's hosts, within
        ``max_depth`` and ``max_pages``; when the budget is short, the newest years first."""
        extensions = self.option("document_extensions")
        rel_next = rel_next_urls(response.selector, response.url)
        follow_css = self.option("follow_links")
        candidates = extract_links(response.selector, response.url, follow_css) if follow_css else links
        wanted: list[tuple[int, Link]] = []
        for link in candidates:
            if (
                link.url in self.pages_requested
                or link.url in self.requested
                or is_document_url(link.url, extensions)
                or not self.is_allowed(link.url)
            ):
                continue
            if is_pagination(link, rel_next):
                wanted.append((level, link))  # the same listing, further on
            elif (follow_css or is_subpage_link(link)) and level + 1 <= self.max_depth:
                wanted.append((level + 1, link))
        # Pagination first, then sub-pages without a year (entry points: "Conseil municipal"), then
        # those of a year, newest first; a stable sort keeps the page's order otherwise.
        wanted.sort(key=lambda pair: (pair[0] > level, -(link_year(pair[1].text, pair[1].url) or 9999)))
        for next_level, link in wanted:
            if len(self.pages_requested) >= self.max_pages:
                return
            if link.url not in self.pages_requested:
                yield self.page_request(link.url, next_level, self.link_fields(link, ""))
