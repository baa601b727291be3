"""The spider for SCDL « Délibérations » CSV files (schema ``scdl/deliberations`` 2.1.x).

The URL is the CSV file, as a user would copy it from data.gouv.fr or a regional platform.
A data.gouv.fr dataset page (``https://www.data.gouv.fr/fr/datasets/<slug>/``) or its API URL
works too: every CSV resource of the dataset is read. Each row becomes a document: its PDF
(``DELIB_URL``) when it has one, otherwise a text record of its subject and metadata, so that
the subject is analysed even when no file is published. Options in the source's ``config``: see
``ScdlSpider.options``.
"""

from __future__ import annotations

import re
from typing import ClassVar

from scrapy.http import Response

from spiders.api import ApiSpider
from spiders.options import Option
from spiders.scdl_fields import Deliberation, ScdlError, read_table

_DATAGOUV_PAGE = re.compile(r"^(https?://[^/]*data\.gouv\.fr)/(?:[a-z]{2}/)?datasets/([^/?#]+)/?")


def datagouv_api_url(url: str) -> str | None:
    """The data.gouv.fr API URL of a dataset page or API URL, or None for another URL."""
    if "/api/1/datasets/" in url:
        return url
    match = _DATAGOUV_PAGE.match(url)
    return f"{match[1]}/api/1/datasets/{match[2]}/" if match else None


def deliberation_documents(spider: ApiSpider, record: Deliberation | None, listing_url: str):
    """A deliberation's PDF request, or its text record (``<listing_url>#<key>``) when it links
    no file, with its metadata; nothing for a record without a subject. For the SCDL tables of
    this spider and the SCDL datasets of the ``opendatasoft`` one."""
    if record is None:
        spider.crawler.stats.inc_value("vigie/scdl_records_without_subject")
        return
    fields = _record_fields(record)
    if record.url:
        yield from spider.document_request(record.url, **fields)
    else:
        yield spider.document_item(f"{listing_url}#{record.key}", text=record.text(), **fields)


def _record_fields(record: Deliberation) -> dict:
    """The metadata of a deliberation's document, whether a PDF or a text record."""
    return {
        "kind": "deliberation",
        "title": record.subject,
        "meeting_date": record.adopted,  # SCDL deliberations are adopted at the meeting
        "adoption_date": record.adopted,
        "acte_id": record.acte_id,
        "votes": record.votes,
        "extra": {"scdl": record.fields, **({"scdl_extra": record.extra} if record.extra else {})},
    }


class ScdlSpider(ApiSpider):
    name = "scdl"
    options: ClassVar[dict[str, Option]] = {
        "more_urls": Option("Other CSV files of the same body (one per year, say).", []),
        "delimiter": Option("The separator, when sniffing the header is not enough."),
        "encoding": Option("The file's encoding, when it is neither UTF-8 nor Windows-1252."),
    }

    def listings(self):
        for url in [self.source.url, *self.option("more_urls")]:
            api = datagouv_api_url(url)
            if api:
                yield self.listing_request(api, self.parse_dataset)
            else:
                yield self.listing_request(url, self.parse_table)

    def parse_dataset(self, response: Response):
        data = self.read_json(
            response, lambda d: isinstance(d, dict), "not a data.gouv.fr dataset (no `resources`): is this its API URL?"
        )
        if data is None:
            return
        resources = [
            r
            for r in data.get("resources") or []
            if isinstance(r, dict) and str(r.get("format", "")).lower() == "csv" and r.get("url")
        ]
        if not resources:
            self.listing_error(response.url, "the data.gouv.fr dataset has no CSV resource")
        for resource in resources:
            yield self.listing_request(resource["url"], self.parse_table)

    def parse_table(self, response: Response):
        try:
            rows = list(read_table(response.body, self.option("encoding"), self.option("delimiter")))
        except ScdlError as exc:
            self.listing_error(response.url, str(exc))
            return
        self.listing_read(response)
        for record in rows:
            yield from deliberation_documents(self, record, response.url)
