"""The spider for the Legistar Web API (Granicus), used by many US councils and boards.

The URL is the client's API base, ``https://webapi.legistar.com/v1/<client>``. It reads:

- events (meetings): their agenda and minutes PDFs;
- each event's items: the item's title as a text document of its own (with its vote tally),
  and the attachments of the matter it carries;
- matters (legislation): their attachments, including those added after the meeting.

The API returns at most 1,000 rows per call: pages are asked with ``$skip`` until a short page
comes back, and rows are de-duplicated by id. After a complete crawl, only what was modified
since (``…LastModifiedUtc``) is asked for. Options in the source's ``config``: see
``LegistarSpider.options``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from scrapy.http import Response

from spiders.api import ApiSpider, with_query
from spiders.metadata import guess_kind
from spiders.options import Option

# The paged collections: the prefix of their fields, and the date a first crawl starts from.
PAGED = {"events": ("Event", "EventDate"), "matters": ("Matter", "MatterIntroDate")}


def odata_time(moment: dt.datetime | dt.date) -> str:
    """An OData v3 ``datetime'…'`` literal (Legistar's …Utc fields are UTC without offset)."""
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    return f"datetime'{moment.isoformat()}'"


def legistar_date(value: Any) -> dt.date | None:
    """``2024-09-26T00:00:00`` → 2024-09-26 (Legistar dates are local and carry no offset)."""
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


class LegistarSpider(ApiSpider):
    name = "legistar"
    options: ClassVar[dict[str, Option]] = {
        "history_days": Option("How far back a first crawl goes, in days.", 365),
        "matters": Option("Read the matters (legislation) and their attachments too.", True),
        "token": Option("The API token, for the clients that require one (keep it out of the bundled registry)."),
        "page_size": Option("Rows per call, at most the API's 1,000.", 1000),
    }
    language = "en"  # Legistar serves councils in the United States
    incremental = True

    def __init__(self, source, **kwargs: Any) -> None:
        super().__init__(source, **kwargs)
        self.seen: set[tuple[str, Any]] = set()  # (collection, row id): rows already read

    @property
    def base(self) -> str:
        return self.source.url.split("?")[0].rstrip("/")

    @property
    def page_size(self) -> int:
        return int(self.option("page_size"))

    def api_url(self, path: str, **params: Any) -> str:
        return with_query(f"{self.base}/{path}", token=self.option("token"), **params)

    def filter_for(self, prefix: str, date_field: str) -> str:
        """Changes since the last complete crawl, or the recent history on a first crawl."""
        if self.since is not None:
            return f"{prefix}LastModifiedUtc gt {odata_time(self.since)}"
        start = dt.date.today() - dt.timedelta(days=int(self.option("history_days")))
        return f"{date_field} ge {odata_time(start)}"

    def paged_request(self, collection: str, callback, skip: int = 0):
        """A page of a paged collection (``events`` or ``matters``), ``$skip`` rows in."""
        prefix, date_field = PAGED[collection]
        url = self.api_url(
            collection,
            **{
                "$filter": self.filter_for(prefix, date_field),
                "$orderby": f"{prefix}Id",
                "$top": self.page_size,
                "$skip": skip,
            },
        )
        return self.listing_request(url, callback, collection=collection, skip=skip)

    def listings(self):
        yield self.paged_request("events", self.parse_events)
        if self.option("matters"):
            yield self.paged_request("matters", self.parse_matters)

    def next_page(self, response: Response, data: Any, callback):
        """The collection's next page, when this one came full (a short page is the last)."""
        if isinstance(data, list) and len(data) >= self.page_size:
            yield self.paged_request(response.meta["collection"], callback, response.meta["skip"] + self.page_size)

    # -- Events and their items --------------------------------------------------------

    def parse_events(self, response: Response):
        data = self.read_json(response)
        for event in self.rows_from(data, response, "events", "EventId"):
            yield from self.event_documents(event)
        yield from self.next_page(response, data, self.parse_events)

    def rows_from(self, data: Any, response: Response, kind: str, id_field: str) -> list[dict]:
        if data is None:
            return []
        if not isinstance(data, list):
            message = data.get("Message") if isinstance(data, dict) else None
            self.listing_error(response.url, f"expected a list of {kind}" + (f": {message}" if message else ""))
            return []
        fresh = []
        for row in data:
            key = (kind, row.get(id_field)) if isinstance(row, dict) else None
            if key and key not in self.seen:
                self.seen.add(key)
                fresh.append(row)
        return fresh

    def event_documents(self, event: dict):
        date = legistar_date(event.get("EventDate"))
        body = event.get("EventBodyName") or "Meeting"
        context = {
            "meeting_date": date,
            "extra": {
                "event": event.get("EventId"),
                "body": body,
                "time": event.get("EventTime"),
                "web": event.get("EventInSiteURL"),
            },
        }
        for field, kind, label in (("EventAgendaFile", "agenda", "Agenda"), ("EventMinutesFile", "minutes", "Minutes")):
            if event.get(field):
                yield from self.document_request(
                    event[field], kind=kind, title=f"{body}: {label} {date or ''}".strip(), **context
                )
        if event.get("EventId") is not None:
            url = self.api_url(f"events/{event['EventId']}/eventitems", AgendaNote=1, MinutesNote=1, Attachments=1)
            yield self.listing_request(url, self.parse_event_items, vigie_event=(event, context))

    def parse_event_items(self, response: Response):
        event, context = response.meta["vigie_event"]
        data = self.read_json(response)
        for item in self.rows_from(data, response, "event items", "EventItemId"):
            title = " ".join(str(item.get("EventItemTitle") or "").split())
            if title:
                yield self.document_item(
                    f"{self.base}/events/{event['EventId']}/eventitems/{item['EventItemId']}",
                    text=self.item_text(item, title, event, context),
                    kind="agenda",
                    title=title,
                    votes=self.item_votes(item),
                    **context,
                )
            for attachment in item.get("EventItemMatterAttachments") or []:
                yield from self.attachment_documents(attachment, context)

    @staticmethod
    def item_text(item: dict, title: str, event: dict, context: dict) -> str:
        lines = [title]
        lines += [
            f"{label}: {item[key]}"
            for label, key in (
                ("File", "EventItemMatterFile"),
                ("Name", "EventItemMatterName"),
                ("Type", "EventItemMatterType"),
                ("Status", "EventItemMatterStatus"),
                ("Action", "EventItemActionText"),
                ("Agenda note", "EventItemAgendaNote"),
                ("Minutes note", "EventItemMinutesNote"),
            )
            if item.get(key)
        ]
        lines.append(f"Meeting: {event.get('EventBodyName') or ''} {context['meeting_date'] or ''}".rstrip())
        return "\n".join(lines) + "\n"

    @staticmethod
    def item_votes(item: dict) -> dict | None:
        votes = {
            k: item[f]
            for k, f in (
                ("tally", "EventItemTally"),
                ("result", "EventItemPassedFlagName"),
                ("action", "EventItemActionName"),
            )
            if item.get(f)
        }
        return votes or None

    # -- Matters and attachments -------------------------------------------------------

    def parse_matters(self, response: Response):
        data = self.read_json(response)
        for matter in self.rows_from(data, response, "matters", "MatterId"):
            context = {
                "meeting_date": legistar_date(matter.get("MatterAgendaDate")),
                "adoption_date": legistar_date(matter.get("MatterPassedDate")),
                "extra": {
                    "matter": matter.get("MatterId"),
                    "matter_file": matter.get("MatterFile"),
                    "matter_type": matter.get("MatterTypeName"),
                    "matter_title": matter.get("MatterTitle"),
                },
            }
            url = self.api_url(f"matters/{matter['MatterId']}/attachments")
            yield self.listing_request(url, self.parse_attachments, vigie_context=context)
        yield from self.next_page(response, data, self.parse_matters)

    def parse_attachments(self, response: Response):
        data = self.read_json(response)
        for attachment in self.rows_from(data, response, "attachments", "MatterAttachmentId"):
            yield from self.attachment_documents(attachment, response.meta["vigie_context"])

    def attachment_documents(self, attachment: dict, context: dict):
        url = attachment.get("MatterAttachmentHyperlink")
        if not url or attachment.get("MatterAttachmentShowOnInternetPage") is False:
            return
        name = attachment.get("MatterAttachmentName") or attachment.get("MatterAttachmentFileName") or url
        yield from self.document_request(url, kind=guess_kind(name, default="annex"), title=name, **context)
