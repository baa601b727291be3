"""A source given on the command line without a language: its platform's usual language is the
default, and each document is read in the language of its own text.

The two councils here are constructed (their hosts, names and texts are invented): a German OParl
system and an English Legistar client, crawled with `vigie crawl --platform … --url … --source …`
and no `--language`, then analysed. Read with the French lexicon, none of their surveillance
documents would be flagged.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Document, Hit, Source
from tests.crawl.pdfs import make_pdf
from tests.support.apiserver import Reply

MUSTERSTADT = "https://ratsinfo.musterstadt.example"
OPARL = "/oparl/v1"
BELLEVILLE = "https://webapi.legistar.example"


def oparl_object(kind: str, path: str, **fields) -> dict:
    return {"id": f"{MUSTERSTADT}{OPARL}/{path}", "type": f"https://schema.oparl.org/1.1/{kind}", **fields}


def agenda_item(number: str, name: str, result: str) -> dict:
    return oparl_object("AgendaItem", f"agendaitem/{number}", number=number, name=name, public=True, result=result)


def serve_musterstadt(server) -> str:
    """System → body → a meeting (agenda items in German) and a paper (a German PDF)."""
    body = oparl_object(
        "Body",
        "body/1",
        name="Stadt Musterstadt (constructed)",
        meeting=f"{MUSTERSTADT}{OPARL}/body/1/meeting",
        paper=f"{MUSTERSTADT}{OPARL}/body/1/paper",
    )
    meeting = oparl_object(
        "Meeting",
        "meeting/1",
        name="Sitzung des Hauptausschusses",
        start="2030-05-06T17:00:00+02:00",
        agendaItem=[
            agenda_item(
                "4", "Videoüberwachung des Bahnhofsvorplatzes und der Fußgängerzone", "mehrheitlich beschlossen"
            ),
            agenda_item("5", "Anschaffung einer Drohne für die Stadtpolizei", "einstimmig beschlossen"),
            agenda_item("6", "Sanierung der Sporthalle an der Schillerstraße", "einstimmig beschlossen"),
        ],
    )
    paper = oparl_object(
        "Paper",
        "paper/1",
        name="Beschlussvorlage Gesichtserkennung",
        reference="V/2030/017",
        date="2030-04-20",
        mainFile=oparl_object(
            "File",
            "file/1",
            name="Vorlage V/2030/017",
            accessUrl=f"{MUSTERSTADT}/files/vorlage-017.pdf",
            mimeType="application/pdf",
        ),
    )
    server.route(
        f"{OPARL}/system",
        lambda request: request.json(
            oparl_object(
                "System", "system", oparlVersion="https://schema.oparl.org/1.1/", body=f"{MUSTERSTADT}{OPARL}/bodies"
            )
        ),
    )
    server.route(f"{OPARL}/bodies", lambda request: request.json({"data": [body], "links": {}}))
    server.route(f"{OPARL}/body/1/meeting", lambda request: request.json({"data": [meeting], "links": {}}))
    server.route(f"{OPARL}/body/1/paper", lambda request: request.json({"data": [paper], "links": {}}))
    vorlage = make_pdf(
        "Beschlussvorlage V/2030/017\n"
        "Die Verwaltung wird beauftragt zu prüfen, ob die Polizei auf dem Marktplatz eine Software\n"
        "zur Gesichtserkennung einsetzen darf. Der Rat lehnt den Einsatz ab, solange der\n"
        "Datenschutzbeauftragte nicht zugestimmt hat."
    )
    server.route("/files/vorlage-017.pdf", lambda request: Reply(200, vorlage, {"Content-Type": "application/pdf"}))
    return f"{server.url}{OPARL}/system"


def event_item(item_id: int, number: str, title: str) -> dict:
    return {
        "EventItemId": item_id,
        "EventItemEventId": 601,
        "EventItemAgendaNumber": number,
        "EventItemTitle": title,
        "EventItemMatterId": None,
        "EventItemMatterFile": None,
        "EventItemMatterType": "Contract",
        "EventItemMatterStatus": "Agenda Ready",
        "EventItemPassedFlagName": None,
        "EventItemTally": None,
        "EventItemMatterAttachments": [],
    }


def serve_belleville(server) -> str:
    """A client with one meeting whose agenda items (text documents) are in English."""
    base = "/v1/belleville"
    event = {
        "EventId": 601,
        "EventGuid": "CONSTRUCTED-E601",
        "EventLastModifiedUtc": "2030-05-01T18:00:00.1",
        "EventBodyId": 1,
        "EventBodyName": "City Council",
        "EventDate": "2030-05-12T00:00:00",
        "EventTime": "6:30 PM",
        "EventAgendaFile": None,
        "EventMinutesFile": None,
        "EventItems": [],
    }
    items = [
        event_item(
            9101,
            "7.",
            "Approve a three-year subscription for a gunshot detection system covering the "
            "downtown area for the Police Department",
        ),
        event_item(9102, "8.", "Authorize the purchase of surveillance cameras for the Real-Time Crime Center"),
        event_item(9103, "9.", "Approve the annual contract for the fireworks show on the Fourth of July"),
    ]
    server.route(
        f"{base}/events", lambda request: request.json([event] if request.query.get("$skip", "0") == "0" else [])
    )
    server.route(f"{base}/events/601/eventitems", lambda request: request.json(items))
    server.route(f"{base}/matters", lambda request: request.json([]))
    return server.url + base


def flagged(db, source_id: str) -> dict[str, set[str]]:
    """Title → categories of the source's documents that have hits."""
    with db.session() as session:
        rows = session.execute(
            select(Document.title, Hit.category)
            .join(Hit, Hit.document_id == Document.id)
            .where(Document.source_id == source_id)
        )
        out: dict[str, set[str]] = {}
        for title, category in rows:
            out.setdefault(title, set()).add(category)
        return out


@pytest.mark.parametrize(
    "platform, serve, rewrite, source_id, language, expected",
    [
        (
            "oparl",
            serve_musterstadt,
            MUSTERSTADT,
            "musterstadt",
            "de",
            {
                "Videoüberwachung des Bahnhofsvorplatzes und der Fußgängerzone": {"video_surveillance"},
                "Anschaffung einer Drohne für die Stadtpolizei": {"drones"},
                "Vorlage V/2030/017": {"biometrics"},
            },
        ),
        (
            "legistar",
            serve_belleville,
            BELLEVILLE,
            "belleville",
            "en",
            {
                "Approve a three-year subscription for a gunshot detection system covering the downtown area for the Police "
                "Department": {"audio_surveillance"},
                "Authorize the purchase of surveillance cameras for the Real-Time Crime Center": {
                    "video_surveillance",
                    "urban_supervision",
                },
            },
        ),
    ],
)
def test_a_source_given_without_a_language_is_read_in_its_documents_language(
    api_server, crawl, run_vigie, db, platform, serve, rewrite, source_id, language, expected
) -> None:
    server = api_server(rewrite=[rewrite])
    crawl(platform, serve(server), source_id)
    result = run_vigie("analyze")
    assert result.returncode == 0, result.stdout + result.stderr
    with db.session() as session:
        assert session.get(Source, source_id).language == language  # the platform's usual language
    assert flagged(db, source_id) == expected
