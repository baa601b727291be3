"""The spider for a council's search form that lists its acts for a date range (GET or POST).

Some councils publish only through a search engine: Lille's
``https://deliberations.mairie-lille.fr/servlet/WebDelibSearchServlet`` answers a POST of ``dtdebut``
and ``dtfin`` (JJ/MM/AAAA) with ``nbresults=200``, its documents opened by
``javascript:f_openDoc('…')`` links leading to ``/files/unzip//<path>``; Poitiers and Grand Poitiers
run the same servlet, whose rows are ``table.tabledelib tbody tr`` (public third-party readers of both
document it). The URL is the form's target; the spider asks for the range window by window (a
window must stay under the engine's result cap), from ``history_days`` ago on a first crawl, from the
last complete crawl minus ``lookback_days`` after that, and reads every row's document links.
Options in the source's ``config``: see ``SearchFormSpider.options``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar
from urllib.parse import quote

from scrapy.http import Response
from w3lib.url import safe_url_string

from spiders.api import ApiSpider, with_query
from spiders.base import CouncilSpider
from spiders.links import is_document_url
from spiders.metadata import find_dates, guess_kind
from spiders.options import Option


def windows(start: dt.date, end: dt.date, days: int) -> list[tuple[dt.date, dt.date]]:
    """[start, end] cut into consecutive windows of ``days`` days, the last one shorter."""
    result = []
    while start <= end:
        stop = min(start + dt.timedelta(days=days - 1), end)
        result.append((start, stop))
        start = stop + dt.timedelta(days=1)
    return result


class SearchFormSpider(ApiSpider):
    name = "searchform"
    options: ClassVar[dict[str, Option]] = {
        "method": Option("POST or GET.", "POST"),
        "form": Option("The form's fixed fields, e.g. {nbresults: \"200\", hideRecDetail: \"false\"}.", {}),
        "date_fields": Option("The names of the range's fields.", {"start": "dtdebut", "end": "dtfin"}),
        "date_format": Option("How the form writes a date.", "%d/%m/%Y"),
        "window_days": Option("The length of one search window, in days.", 30),
        "history_days": Option("How far back a first crawl goes, in days.", 365),
        "lookback_days": Option("How far before the last complete crawl an incremental crawl starts, in days.", 30),
        "rows": Option("CSS of a result row (its text dates its documents).", "tr"),
        "title": Option("CSS of the title within a row (the row's whole text by default)."),
        "link_pattern": Option(
            "A regular expression whose group is the file in a `javascript:` link, "
            "e.g. `f_openDoc\\(\\s*['\"]([^'\"]+)`."
        ),
        "document_url": Option(
            "The file's address from that group, relative to the URL (`/files/unzip//{path}`).", "{path}"
        ),
        "allowed_domains": Option("Other hosts whose files may be fetched.", []),
    }
    incremental = True
    listings_repeatable = False  # its search windows end today: tomorrow asks another URL
    is_allowed = CouncilSpider.is_allowed  # a web page, not a publisher's data: its host and allowed_domains

    def listings(self):
        today = dt.date.today()
        if self.since is None:
            start = today - dt.timedelta(days=int(self.option("history_days")))
        else:
            start = self.since.date() - dt.timedelta(days=int(self.option("lookback_days")))
        fields = {**self.options["date_fields"].default, **self.option("date_fields")}  # one may be renamed alone
        shape = self.option("date_format")
        for first, last in windows(start, today, int(self.option("window_days"))):
            form = {
                **{k: str(v) for k, v in self.option("form").items()},
                fields["start"]: first.strftime(shape),
                fields["end"]: last.strftime(shape),
            }
            if str(self.option("method")).upper() == "GET":
                yield self.listing_request(with_query(self.source.url, **form), self.parse_results, accept="text/html")
            else:
                yield self.listing_request(self.source.url, self.parse_results, accept="text/html", formdata=form)

    def parse_results(self, response: Response):
        page = self.html_listing(response)
        if page is None:
            return
        pattern = self.option("link_pattern")
        for row in page.css(self.option("rows")):
            text = " ".join(" ".join(row.css("::text").getall()).split())
            title_css = self.option("title")
            title = " ".join(" ".join(row.css(f"{title_css} ::text").getall()).split()) if title_css else text
            for link in row.css("a[href]"):
                url = self.file_url(link.attrib["href"], pattern, response)
                if url is None:
                    continue
                label = " ".join(
                    filter(
                        None,
                        [
                            " ".join(link.css("::text").getall()).strip(),
                            link.attrib.get("title", ""),
                            link.css("img::attr(title)").get(""),
                        ],
                    )
                )
                dates = find_dates(text)
                yield from self.document_request(
                    url,
                    title=title or label or url,
                    kind=guess_kind(label, title, default="deliberation"),
                    meeting_date=dates[0] if dates else None,
                    extra={"label": label or None},
                )

    def file_url(self, href: str, pattern: str | None, response: Response) -> str | None:
        """The document behind a row's link: a ``javascript:`` link read with ``link_pattern``, or a
        plain link to a document file; None for the others (a record's page, sorting, paging)."""
        href = href.strip()
        if href.lower().startswith("javascript:"):
            match = re.search(pattern, href) if pattern else None
            if match is None:
                return None
            template = self.option("document_url")
            return safe_url_string(response.urljoin(template.format(path=quote(match[1], safe="/._-"))))
        url = safe_url_string(response.urljoin(href))
        return url if not href.startswith(("#", "mailto:")) and is_document_url(url) else None
