"""The spider for OpenDataSoft portals (Explore API v2.1), such as SCDL datasets re-hosted there.

The URL is the dataset's API URL, ``https://<portal>/api/explore/v2.1/catalog/datasets/<id>``.
Records are read 100 at a time from ``/records``; the API refuses ``offset + limit`` above
10,000, so a larger dataset is read in one go from ``/exports/json``, which has no row cap.
SCDL field names (in lower case on these portals) are understood as they are; another
dataset maps its fields in the source's ``config`` (see ``OpenDataSoftSpider.options``).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from scrapy.http import Response

from spiders.api import ApiSpider, with_query
from spiders.options import Option
from spiders.platforms.scdl import deliberation_documents
from spiders.scdl_fields import parse_record

MAX_WINDOW = 10_000  # offset + limit must stay within this (InvalidRESTParameterError)
SCDL_FIELDS = {"subject": "delib_objet", "url": "delib_url", "date": "delib_date", "id": "delib_id"}
ROLES = {"subject": "DELIB_OBJET", "url": "DELIB_URL", "date": "DELIB_DATE", "id": "DELIB_ID"}


def uses_export(total_count: int) -> bool:
    """True when the records endpoint cannot reach every record (offset + limit cap)."""
    return total_count > MAX_WINDOW


def next_offset(offset: int, got: int, total_count: int, page_size: int) -> int | None:
    """The offset of the next records page, or None when the listing is complete.

    Advances by what the server returned, not by what was asked, since a portal may cap
    ``limit`` below ours.
    """
    following = offset + got
    if got == 0 or following >= total_count or following + page_size > MAX_WINDOW:
        return None
    return following


class OpenDataSoftSpider(ApiSpider):
    name = "opendatasoft"
    options: ClassVar[dict[str, Option]] = {
        "fields": Option("{subject, url, date, id} → the dataset's field names (SCDL's by default).", {}),
        "date_field": Option("The date field used to ask only for recent records (the `date` field by default)."),
        "lookback_days": Option(
            "How far before the last complete crawl to ask again, since records are often "
            "published weeks after their date.",
            120,
        ),
        "page_size": Option("Records per request.", 100),
    }
    incremental = True

    @property
    def dataset_url(self) -> str:
        return self.source.url.split("?")[0].rstrip("/").removesuffix("/records")

    @property
    def fields(self) -> dict[str, str]:
        return {**SCDL_FIELDS, **self.option("fields")}

    def where(self) -> str | None:
        """The ODSQL filter of an incremental crawl, on the dataset's date field."""
        if self.since is None:
            return None
        field = self.option("date_field") or self.fields["date"]
        start = self.since.date() - dt.timedelta(days=self.option("lookback_days"))
        return f"{field} >= date'{start.isoformat()}'"

    def records_url(self, offset: int) -> str:
        return with_query(
            f"{self.dataset_url}/records", limit=self.option("page_size"), offset=offset, where=self.where()
        )

    def listings(self):
        yield self.listing_request(self.records_url(0), self.parse_records, offset=0)

    def parse_records(self, response: Response):
        data = self.read_json(
            response,
            lambda d: isinstance(d, dict) and "results" in d,
            "no `results` in the answer: is this an Explore v2.1 dataset URL?",
        )
        if data is None:
            return
        total = int(data.get("total_count") or 0)
        if uses_export(total):
            export = with_query(f"{self.dataset_url}/exports/json", where=self.where())
            yield self.listing_request(export, self.parse_export)
            return
        yield from self.records_documents(data["results"])
        offset = response.meta["offset"]
        following = next_offset(offset, len(data["results"]), total, self.option("page_size"))
        if following is not None:
            yield self.listing_request(self.records_url(following), self.parse_records, offset=following)

    def parse_export(self, response: Response):
        data = self.read_json(response, lambda d: isinstance(d, list), "the JSON export is not a list of records")
        if data is None:
            return
        yield from self.records_documents(data)

    def records_documents(self, records: list):
        names = self.fields
        for raw in records:
            if not isinstance(raw, dict):
                continue
            row = dict(raw)
            for role, scdl_name in ROLES.items():
                # The dataset's own name for each role, read as the SCDL field.
                value = row.pop(names[role], None)
                if value is not None:
                    row[scdl_name] = value
            yield from deliberation_documents(self, parse_record(row), self.dataset_url)
