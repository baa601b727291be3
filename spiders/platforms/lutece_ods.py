"""The spider for a Lutèce "ODS" search portal, such as the Conseil de Paris' « Débat-Délibs ».

Lutèce is the City of Paris' open-source portal software; its ODS plugin
(https://github.com/lutece-platform/lutece-tech-plugin-rest, portal/trunk/plugins/plugin-ods) holds
the council's agendas, deliberations, motions and debates, searched through Solr. The URL is the
search page, ``https://a06-v7.apps.paris.fr/a06/jsp/site/Portal.jsp?page=search-solr&items_per_page=50&sort_name=date&sort_order=desc``;
the spider adds ``page_index`` (1, 2…) and reads the pages until one has no result.

Each result is a ``div.itemODS`` block: the title links to ``page=ods-solr.display_document&id_document=N``,
``div.itemODS_meta-item`` hold the séance (``AVRIL 2026``), the kind of document, the reference
(``2025 DAC 83``) and the assembly, ``div.itemODS_content`` says « Séance du 14 avril 2026 », and the
file is ``…/plugins/solr/modules/ods/DoDownload.jsp?id_document=N`` (no extension). So public
third-party readers of the portal found it (quoted phrases return nothing, ``AND`` works); no
recorded page backs it here. Newest first: after a complete crawl, paging stops at the first page
that brings nothing new. Options in the source's ``config``: see ``LuteceOdsSpider.options``.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import parse_qs, urljoin, urlsplit

from scrapy.http import Response

from spiders.api import ApiSpider, with_query
from spiders.metadata import guess_kind, meeting_date
from spiders.options import Option
from spiders.text import fold

_SEANCE = re.compile(r"^[A-ZÉÛÈ]+ \d{4}$")
_REFERENCE = re.compile(r"^\d{4} [A-Z]{1,8} \d+")
DOWNLOAD = "plugins/solr/modules/ods/DoDownload.jsp?id_document={}"


def clean(texts: list[str]) -> str:
    return " ".join(" ".join(texts).split())


def item_metadata(metas: list[str]) -> dict[str, str | None]:
    """The séance, reference, assembly and kind of document among a result's metas, by their shape
    (a document without a reference, such as a motion, shifts the others)."""
    seance = next((m for m in metas if _SEANCE.match(m)), None)
    reference = next((m for m in metas if _REFERENCE.match(m)), None)
    assembly = next((m for m in metas if "onseil" in m), None)
    kind = next((m for m in metas if m not in (seance, reference, assembly)), None)
    return {"seance": seance, "reference": reference, "assembly": assembly, "type": kind}


class LuteceOdsSpider(ApiSpider):
    name = "lutece_ods"
    options: ClassVar[dict[str, Option]] = {
        "query": Option("The search words (`vidéoprotection AND caméras`); none by default."),
        "page_size": Option("Results per page, the `items_per_page` parameter.", 50),
        "max_pages": Option("How many pages a first crawl reads at most (the archive holds far more).", 40),
    }
    incremental = True

    def page_request(self, index: int):
        url = with_query(
            self.source.url, query=self.option("query"), items_per_page=self.option("page_size"), page_index=index
        )
        return self.listing_request(url, self.parse_page, accept="text/html", page_index=index)

    def listings(self):
        yield self.page_request(1)

    def parse_page(self, response: Response):
        page = self.html_listing(response)
        if page is None:
            return
        index = response.meta["page_index"]
        blocks = page.css("div.itemODS")
        if not blocks:
            if index == 1:
                self.listing_error(
                    response.url,
                    "no result (div.itemODS) on the first page: is the search URL right, has the portal changed?",
                )
            return
        fresh = False
        for block in blocks:
            for url, fields in self.item_files(block, page):
                fresh = fresh or not self.is_settled(url)
                yield from self.document_request(url, **fields)
        if self.since is not None and not fresh:
            return  # newest first: the rest was read by an earlier crawl
        if self.since is None and index >= int(self.option("max_pages")):
            self.logger.info("Stopped after %d pages (config max_pages)", index)
            return
        yield self.page_request(index + 1)

    def item_files(self, block, page):
        """(file URL, metadata) of a result's files; its DoDownload link is built from its id when
        the block gives none. Links are relative to the page's ``<base href>`` (Lutèce pages have one)."""
        link = block.css("h3 a, a[href*='display_document']")
        title = clean(link[0].css("::text").getall()) if link else clean(block.css("h3 ::text").getall())
        href = link[0].attrib.get("href", "") if link else ""
        doc_id = (parse_qs(urlsplit(href).query).get("id_document") or [""])[0]
        metas = item_metadata([clean(m.css("::text").getall()) for m in block.css(".itemODS_meta-item")])
        content = clean(block.css(".itemODS_content ::text").getall())
        kind = (
            "minutes"
            if fold(metas["type"] or "").startswith("debat")
            else guess_kind(metas["type"], default="deliberation")
        )
        fields = {
            "title": title or metas["reference"] or doc_id,
            "kind": kind,
            "meeting_date": meeting_date(content, title, None, None, None),
            "extra": {**metas, "page": page.urljoin(href) if href else None},
        }
        files = [page.urljoin(a.attrib["href"]) for a in block.css("a[href*='DoDownload.jsp']")]
        if not files and doc_id:
            site = self.source.url.split("/jsp/site/")[0] + "/jsp/site/"
            files = [urljoin(site, DOWNLOAD.format(doc_id))]
        for url in dict.fromkeys(files):
            yield url, fields
