"""The spider for Digitech Webdelib+, the publication pages many councils run on their own host.

The URL is any public page of the host, as a user copies it, e.g.
``https://conseilmunicipal.limoges.fr/webdelibplus/jsp/seances.jsp?role=usager`` (the folder may be
``webdelibplus_Central`` and the like). Every host has the same pages under ``…/jsp/``, each tab read
month by month with ``&date=MM-YYYY``:

- ``seances.jsp`` lists the séances: a link to each ``seance_agenda.jsp`` (its acts) and the agenda
  (« Ordre du jour du JJ/MM/AAAA ») as an ``openfile.jsp`` link;
- ``seance_agenda.jsp?date=…`` lists a séance's acts, each an ``openfile.jsp`` link;
- ``summary_orders.jsp`` lists the orders (arrêtés): rows ``td.tableActe`` holding the title (before
  the link, or in it) and an ``openfile.jsp?datePub=JJ/MM/AAAA&pdf=…`` link.

``openfile.jsp`` answers with a page whose script moves to ``showFile.jsp``, which sends the file:
the spider follows that move and stores the file under the ``openfile.jsp`` address, the one the
public page gives. Seen in public third-party readers of Limoges', Lyon's, Béziers' and CAPSO's hosts
(e.g. https://conseilmunicipal.limoges.fr/webdelibplus/jsp/seances.jsp?role=usager and
https://lyon-webdelib.digitechcloud.fr/webdelibplus_Central/jsp/summary_orders.jsp?role=usager);
that ``seances.jsp`` takes ``&date=`` like the orders tab is inferred. Options in ``config``: see
``WebdelibSpider.options``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar
from urllib.parse import parse_qs, urljoin, urlsplit

from scrapy.http import Response, TextResponse
from w3lib.url import safe_url_string

from spiders.api import ApiSpider
from spiders.metadata import first_date, guess_kind
from spiders.options import Option

_MOVE = re.compile(r"""location(?:\.href)?\s*=\s*['"]([^'"]*showFile\.jsp[^'"]*)['"]""", re.I)
DEFAULT_KIND = {"seances": "agenda", "seance_agenda": "deliberation", "summary_orders": "deliberation"}


def months_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    """(year, month) of this month and the ``count - 1`` before it, newest first."""
    year, month = today.year, today.month
    result = []
    for _ in range(max(count, 1)):
        result.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result


def query_value(url: str, name: str) -> str:
    return (parse_qs(urlsplit(url).query).get(name) or [""])[0]


def meeting_day(value: str) -> dt.date | None:
    """A séance's ``date`` parameter: ``24-09-2026`` or ``20260924``."""
    return first_date(value.replace("-", "/")) if "-" in value else first_date(value)


class WebdelibSpider(ApiSpider):
    name = "webdelib"
    options: ClassVar[dict[str, Option]] = {
        "tabs": Option("The tabs to read.", ["seances", "summary_orders"]),
        "history_months": Option("How many months a first crawl reads, this one included.", 12),
        "lookback_months": Option(
            "How many months before the last complete crawl an incremental crawl reads again.", 1
        ),
    }
    incremental = True
    listings_repeatable = False  # one listing per month up to today: a new month is a new URL

    def __init__(self, source, **kwargs: Any) -> None:
        super().__init__(source, **kwargs)
        self.base = source.url.split("/jsp/")[0] + "/jsp/"
        self.seances: set[str] = set()

    def month_count(self) -> int:
        if self.since is None:
            return int(self.option("history_months"))
        today = dt.date.today()
        start = self.since.date()
        return (today.year - start.year) * 12 + today.month - start.month + 1 + int(self.option("lookback_months"))

    def listings(self):
        for year, month in months_back(dt.date.today(), self.month_count()):
            for tab in self.option("tabs"):
                url = f"{self.base}{tab}.jsp?role=usager&date={month:02d}-{year}"
                yield self.listing_request(url, self.parse_listing, accept="text/html", tab=tab)

    def parse_listing(self, response: Response):
        page = self.html_listing(response)
        if page is None:
            return
        tab = response.meta.get("tab", "seance_agenda")
        held = meeting_day(query_value(response.url, "date")) if tab == "seance_agenda" else None
        for link in page.css("a[href]"):
            # As Scrapy will send it (`name=Acte n° …` escaped): the stored address, known next time.
            url = safe_url_string(urljoin(response.url, link.attrib["href"]))
            if "seance_agenda.jsp" in url and url not in self.seances:
                self.seances.add(url)
                yield self.listing_request(url, self.parse_listing, accept="text/html", tab="seance_agenda")
            elif "openfile.jsp" in url:
                yield from self.act_request(link, url, tab, held)

    def act_request(self, link, url: str, tab: str, held: dt.date | None):
        """The act behind an ``openfile.jsp`` link, titled by its row (or its link, or its name)."""
        if self.is_settled(url):
            yield from self.document_request(url)
            return
        cell = link.xpath("ancestor::td[contains(@class, 'tableActe')][1]")
        before = " ".join(
            " ".join(
                cell.xpath("./a[1]/preceding-sibling::node()//text() | ./a[1]/preceding-sibling::text()").getall()
            ).split()
        )
        text = " ".join(" ".join(link.css("::text").getall()).split())
        name = query_value(url, "name").strip()
        title = before.strip(" -") or (text if len(text) > 12 else " ".join(filter(None, [name, text])))
        published = first_date(query_value(url, "datePub"))
        yield from self.document_request(
            url,
            title=title or url,
            kind=guess_kind(title, name, default=DEFAULT_KIND[tab]),
            meeting_date=held or (first_date(name) if tab == "seances" else None),
            published_date=published,
            extra={"webdelib_tab": tab},
        )

    def parse_document(self, response: Response):
        # openfile.jsp moves to showFile.jsp by a script: follow it, keep the public address.
        original = response.meta.get("vigie_document_url") or response.request.url
        if "openfile.jsp" in response.url and response.status != 304 and isinstance(response, TextResponse):
            move = _MOVE.search(response.text)
            if move is None:
                yield self.document_item(
                    original,
                    error="openfile.jsp answered a page without its move to showFile.jsp: has the host changed?",
                    **response.meta.get("vigie_fields", {}),
                )
                return
            yield response.request.replace(
                url=urljoin(response.url, move[1]), meta={**response.meta, "vigie_document_url": original}
            )
            return
        for item in super().parse_document(response):
            item.url = original
            yield item

    def document_failed(self, failure):
        original = failure.request.meta.get("vigie_document_url")
        for item in super().document_failed(failure):
            item.url = original or item.url
            yield item
