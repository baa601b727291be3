"""The spider for OParl 1.0 and 1.1 servers (German council information systems).

The URL is the server's ``System`` object (a ``Body`` or a body list works too). It walks
System → bodies → meetings and papers, page after page while ``links.next`` is present, and
asks only for objects modified since the last complete crawl (``modified_since``). Documents:

- a meeting's invitation (agenda), results and verbatim protocols (minutes) and other files;
- each agenda item's name, as a text document of its own (with the result of the vote),
  its resolution file (deliberation) and other files;
- each paper's main file (report) and other files (annex).

Options in the source's ``config``: see ``OParlSpider.options``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from scrapy.http import Response

from spiders.api import ApiSpider, parse_datetime, with_query
from spiders.metadata import guess_kind
from spiders.options import Option

_VOTES = {"for": r"(\d+)\s*Ja", "against": r"(\d+)\s*Nein", "abstention": r"(\d+)\s*Enthaltung"}


def type_name(obj: Any) -> str:
    """``https://schema.oparl.org/1.1/Meeting`` → ``Meeting`` (1.0 and 1.1 alike)."""
    return str(obj.get("type", "")).rstrip("/").rsplit("/", 1)[-1] if isinstance(obj, dict) else ""


def vote_counts(result: str | None) -> dict[str, Any] | None:
    """Counts from a result such as "Einstimmig15 Ja-Stimmen, 0 Nein-Stimmen, 0 Enthaltungen"."""
    if not result:
        return None
    votes: dict[str, Any] = {"result": result.strip()}
    for key, pattern in _VOTES.items():
        if match := re.search(pattern, result):
            votes[key] = int(match.group(1))
    return votes


def body_matches(body: dict, wanted: str | None) -> bool:
    if not wanted:
        return True
    return wanted in {str(body.get(k)) for k in ("id", "name", "shortName", "ags")}


class OParlSpider(ApiSpider):
    name = "oparl"
    options: ClassVar[dict[str, Option]] = {
        "body": Option("The id URL, name, short name or AGS of the one body to read, when a system hosts several."),
        "papers": Option("Read the papers (Vorlagen) too, not only the meetings.", True),
        "file_url": Option("Which URL of a File to fetch first: `downloadUrl` or `accessUrl`.", "downloadUrl"),
    }
    language = "de"  # OParl is the German councils' standard
    incremental = True

    def listings(self):
        yield self.listing_request(self.source.url, self.parse_object)

    def paged(self, response: Response, callback):
        """The list page's objects (not deleted), and a request for the next page if any."""
        data = self.read_json(
            response,
            lambda d: isinstance(d, dict) and isinstance(d.get("data"), list),
            "not an OParl list (no `data` array)",
        )
        if data is None:
            return [], None
        following = (data.get("links") or {}).get("next")
        request = self.listing_request(following, callback) if following else None
        return [o for o in data["data"] if isinstance(o, dict) and not o.get("deleted")], request

    def changed(self, list_url: str) -> str:
        """A list URL restricted to what changed since the last complete crawl."""
        if self.since is None:
            return list_url
        return with_query(list_url, modified_since=self.since.isoformat(timespec="seconds"))

    # -- System and bodies -------------------------------------------------------------

    def parse_object(self, response: Response):
        data = self.read_json(response)
        if data is None:
            return
        kind = type_name(data)
        if kind == "System":
            bodies = data.get("body")
            for url in bodies if isinstance(bodies, list) else [bodies]:
                if isinstance(url, str):
                    yield self.listing_request(url, self.parse_bodies)
        elif kind == "Body":
            yield from self.body_lists(data)
        elif isinstance(data, dict) and isinstance(data.get("data"), list):
            yield from self.parse_bodies(response)
        else:
            self.listing_error(response.url, f"expected an OParl System or Body, got {kind or 'no type'}")

    def parse_bodies(self, response: Response):
        bodies, following = self.paged(response, self.parse_bodies)
        for body in bodies:
            if body_matches(body, self.option("body")):
                yield from self.body_lists(body)
        if following:
            yield following

    def body_lists(self, body: dict):
        if isinstance(body.get("meeting"), str):
            yield self.listing_request(self.changed(body["meeting"]), self.parse_meetings)
        if self.option("papers") and isinstance(body.get("paper"), str):
            yield self.listing_request(self.changed(body["paper"]), self.parse_papers)

    # -- Meetings and their agenda items -----------------------------------------------

    def parse_meetings(self, response: Response):
        meetings, following = self.paged(response, self.parse_meetings)
        for meeting in meetings:
            yield from self.meeting_documents(meeting)
        if following:
            yield following

    def meeting_documents(self, meeting: dict):
        context = {
            "meeting_date": self.local_date(meeting.get("start")),
            "extra": {
                "meeting": meeting.get("id"),
                "meeting_name": meeting.get("name"),
                **({"cancelled": True} if meeting.get("cancelled") else {}),
            },
        }
        name = meeting.get("name") or "Sitzung"
        for key, kind in (("invitation", "agenda"), ("resultsProtocol", "minutes"), ("verbatimProtocol", "minutes")):
            yield from self.file_documents(meeting.get(key), kind, name, context)
        for file in meeting.get("auxiliaryFile") or []:
            yield from self.file_documents(file, None, name, context)
        for item in meeting.get("agendaItem") or []:
            if isinstance(item, dict) and not item.get("deleted"):
                yield from self.agenda_item_documents(item, meeting, context)

    def agenda_item_documents(self, item: dict, meeting: dict, context: dict):
        name = " ".join(str(item.get("name") or "").split())
        if name and item.get("id"):
            lines = [
                f"{item.get('number') or ''} {name}".strip(),
                f"{meeting.get('name') or ''} {context['meeting_date'] or ''}".strip(),
            ]
            lines += [str(item[k]) for k in ("result", "resolutionText") if item.get(k)]
            yield self.document_item(
                item["id"],
                text="\n".join(lines) + "\n",
                kind="agenda",
                title=name,
                votes=vote_counts(item.get("result")),
                **context,
            )
        yield from self.file_documents(item.get("resolutionFile"), "deliberation", name, context)
        for file in item.get("auxiliaryFile") or []:
            yield from self.file_documents(file, None, name, context)

    # -- Papers ------------------------------------------------------------------------

    def parse_papers(self, response: Response):
        papers, following = self.paged(response, self.parse_papers)
        for paper in papers:
            date = parse_datetime(paper.get("date"))
            context = {
                "published_date": date.date() if date else None,
                "extra": {
                    "paper": paper.get("id"),
                    "reference": paper.get("reference"),
                    "paper_type": paper.get("paperType"),
                },
            }
            name = paper.get("name") or paper.get("reference") or "Vorlage"
            main_kind = guess_kind(paper.get("paperType"), name, default="report")
            yield from self.file_documents(paper.get("mainFile"), main_kind, name, context)
            for file in paper.get("auxiliaryFile") or []:
                yield from self.file_documents(file, "annex", name, context)
        if following:
            yield following

    # -- Files -------------------------------------------------------------------------

    def file_url(self, file: dict) -> str | None:
        order = (
            ("downloadUrl", "accessUrl") if self.option("file_url") == "downloadUrl" else ("accessUrl", "downloadUrl")
        )
        return next((file[k] for k in order if file.get(k)), None)

    def file_documents(self, file: Any, kind: str | None, parent: str, context: dict):
        """A File embedded in its parent (the usual case) becomes a document request."""
        if isinstance(file, str):
            # Referenced by URL only: fetch the File object to learn where its content is.
            yield self.listing_request(file, self.parse_file, vigie_file=(kind, parent, context))
            return
        if not isinstance(file, dict) or file.get("deleted"):
            return
        url = self.file_url(file)
        if not url:
            return
        title = file.get("name") or file.get("fileName") or parent
        date = parse_datetime(file.get("date"))
        fields = {**context, "published_date": context.get("published_date") or (date.date() if date else None)}
        yield from self.document_request(url, kind=kind or guess_kind(title, default="annex"), title=title, **fields)

    def parse_file(self, response: Response):
        data = self.read_json(response)
        if isinstance(data, dict):
            kind, parent, context = response.meta["vigie_file"]
            yield from self.file_documents(data, kind, parent, context)
