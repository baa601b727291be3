"""The spider for the acts search API of Mégalis Bretagne and of its white label publication-actes.fr.

One API serves every authority of the platform (about a thousand Breton communes on Mégalis, over a
hundred on publication-actes.fr): a source is its search endpoint with the authority's SIREN,

    https://data-publication.megalis.bretagne.bzh/mq_apis/actes/v1/search?siren=213500473
    https://data-api.publication-actes.fr/mq_apis/actes/v1/search?siren=216405472

The shape, from the API's own source (megalis-bretagne/opendata-extraction,
https://github.com/megalis-bretagne/opendata-extraction/blob/23ff5bb43692eb4edf277ff92d71b4e44a2e6087/app/controller/ActesMarqueBlancheApi.py
and app/service/actes_marque_blanche_api_service/ActesMarqueBlancheApiService.py): ``GET …/search``
with ``query``, ``siren``, ``lignes`` (acts per page), ``types_actes`` and ``classifications`` (comma
separated), ``date_debut`` (on the publication date, ISO) and ``page_suivante`` (a Solr cursor). The
answer is ``{"nb_resultats", "resultats": [acte], "page_suivante"}``, newest publication first; the
last page has an empty ``page_suivante``. ``nb_resultats`` is not reliable (third-party readers of
publication-actes.fr say so): pages are read until the cursor ends. Each ``acte`` has ``id``,
``type`` (1 délibération, 2 acte réglementaire, 3 acte individuel, 4 contrat, 5 budget, 6 autre,
7 hors préfecture, 71 liste des délibérations, 72 arrêté temporaire, 73 procès-verbal),
``typologie`` (``99_DE``, ``99_AT``…), ``objet``, ``date_acte``, ``date_publication``,
``classification_code``/``classification_libelle`` (the @ctes subject tree: 6.1 police municipale),
``url`` (the PDF on the platform's file host, data.megalis.bretagne.bzh/OpenData/<SIREN>/…) and
``annexes`` (``url`` each). Options in the source's ``config``: see ``MegalisSpider.options``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from scrapy.http import Response

from spiders.api import ApiSpider, with_query
from spiders.options import Option

# The API's act types (`type`): the document kind they are (orders are decisions, as in
# spiders/vocabulary.yaml), and what to call them.
ACT_TYPES = {
    "1": ("deliberation", "délibération"),
    "2": ("deliberation", "acte réglementaire"),
    "3": ("deliberation", "acte individuel"),
    "4": ("other", "contrat, convention ou avenant"),
    "5": ("other", "document budgétaire"),
    "6": ("other", "autre acte"),
    "7": ("other", "acte hors préfecture"),
    "71": ("minutes", "liste des délibérations"),
    "72": ("deliberation", "arrêté temporaire"),
    "73": ("minutes", "procès-verbal"),
}


class MegalisSpider(ApiSpider):
    name = "megalis"
    options: ClassVar[dict[str, Option]] = {
        "types_actes": Option("Only these act types (\"1,2\"), as the API takes them; all by default."),
        "classifications": Option("Only these @ctes classes (\"6,1\"); all by default."),
        "annexes": Option("Download the annexes too.", True),
        "page_size": Option("Acts per page, the most the API returns.", 100),
        "lookback_days": Option("How far before the last complete crawl an incremental crawl asks again.", 30),
        "max_pages": Option("A guard against a cursor that never ends.", 1000),
    }
    incremental = True

    def __init__(self, source, **kwargs: Any) -> None:
        super().__init__(source, **kwargs)
        self.cursors: set[str] = set()  # the `page_suivante` tokens already followed
        self.pages = 0

    def search_url(self, cursor: str | None = None) -> str:
        since = None
        if self.since is not None:
            start = self.since.date() - dt.timedelta(days=int(self.option("lookback_days")))
            since = f"{start.isoformat()}T00:00:00Z"
        return with_query(
            self.source.url,
            query="",
            lignes=self.option("page_size"),
            types_actes=self.option("types_actes"),
            classifications=self.option("classifications"),
            date_debut=since,
            page_suivante=cursor,
        )

    def listings(self):
        yield self.listing_request(self.search_url(), self.parse_page)

    def parse_page(self, response: Response):
        data = self.read_json(
            response,
            lambda d: isinstance(d, dict) and isinstance(d.get("resultats"), list),
            "no `resultats` list in the answer: is this the platform's …/mq_apis/actes/v1/search URL with a siren?",
        )
        if data is None:
            return
        self.pages += 1
        for acte in data["resultats"]:
            if isinstance(acte, dict):
                yield from self.act_documents(acte)
        cursor = str(data.get("page_suivante") or "")
        if not cursor:
            return
        if cursor in self.cursors:
            self.listing_error(
                response.url,
                f"the API gave the same next page ({cursor[:40]}) twice: stopped there, the acts read so far are kept",
            )
            return
        if self.pages >= int(self.option("max_pages")):
            self.listing_error(response.url, f"stopped after {self.pages} pages (config max_pages)")
            return
        self.cursors.add(cursor)
        yield self.listing_request(self.search_url(cursor), self.parse_page)

    def act_documents(self, acte: dict):
        """The act's PDF and its annexes, with what the API says of them."""
        code = "1" if acte.get("typologie") == "99_DE" else str(acte.get("type") or "")
        kind, label = ACT_TYPES.get(code, ("other", "acte"))
        decided = self.local_date(acte.get("date_acte"))
        title = " ".join(str(acte.get("objet") or "").split()) or f"{label} {acte.get('id') or ''}".strip()
        fields = {
            "title": title,
            "meeting_date": decided if code == "1" else None,  # a council's vote, not an order's signature
            "adoption_date": decided,
            "published_date": self.local_date(acte.get("date_publication")),
            "extra": {
                "act_type": label,
                "typologie": acte.get("typologie"),
                "platform_id": acte.get("id"),
                "classification": {
                    "code": acte.get("classification_code"),
                    "label": acte.get("classification_libelle"),
                },
            },
        }
        if acte.get("url"):
            yield from self.document_request(str(acte["url"]), kind=kind, **fields)
        if not self.option("annexes"):
            return
        for number, annexe in enumerate(acte.get("annexes") or [], start=1):
            if isinstance(annexe, dict) and annexe.get("url"):
                yield from self.document_request(
                    str(annexe["url"]), kind="annex", **{**fields, "title": f"{title} (annexe {number})"}
                )
