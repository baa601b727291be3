"""The `oparl` spider walks OParl 1.0 and 1.1 servers: System → bodies → meetings and papers."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.platforms.oparl import body_matches, type_name, vote_counts
from tests.spiders.conftest import crawl_twice, stored_documents
from tests.support.apiserver import Reply, fake_pdf
from tests.support.fixtures import fixture_path, load_json

HUERTGENWALD = "https://sdnetrim.kdvz-frechen.de"
RIM = "/rim4220/webservice/oparl/v1.0"
LEIPZIG = "https://ratsinfo.leipzig.de"
WUPPERTAL = "http://oparl.wuppertal.de"


@pytest.mark.parametrize(
    "obj, expected",
    [
        ({"type": "https://schema.oparl.org/1.0/Meeting"}, "Meeting"),
        ({"type": "https://schema.oparl.org/1.1/Body"}, "Body"),
        ({"type": "https://oparl.org/schema/1.0/System"}, "System"),
        ({}, ""),
    ],
)
def test_types_are_read_in_both_versions(obj, expected):
    assert type_name(obj) == expected


@pytest.mark.parametrize(
    "result, expected",
    [
        (
            "Einstimmig15 Ja-Stimmen, 0 Nein-Stimmen, 0 Enthaltungen",
            {
                "result": "Einstimmig15 Ja-Stimmen, 0 Nein-Stimmen, 0 Enthaltungen",
                "for": 15,
                "against": 0,
                "abstention": 0,
            },
        ),
        ("zur Kenntnis genommen", {"result": "zur Kenntnis genommen"}),
        (None, None),
    ],
)
def test_vote_results_keep_their_counts(result, expected):
    assert vote_counts(result) == expected


@pytest.mark.parametrize(
    "wanted, expected", [(None, True), ("5358016", True), ("Gemeinde Hürtgenwald", True), ("Stadt Köln", False)]
)
def test_one_body_of_a_system_can_be_chosen(wanted, expected):
    body = load_json("oparl", "huertgenwald-body-list.json")["data"][0]
    assert body_matches(body, wanted) is expected


def serve_huertgenwald(server):
    files = {
        "system": "huertgenwald-system.json",
        "body": "huertgenwald-body-list.json",
        "body/1/meeting": "huertgenwald-meeting-list-page15.json",
    }
    for path, name in files.items():
        server.route(f"{RIM}/{path}", fixture_path("oparl", name))

    def papers(request):
        name = (
            "huertgenwald-paper-list-page85-constructed.json"
            if request.query.get("page") == "85"
            else "huertgenwald-paper-list-page84.json"
        )
        return request.file(fixture_path("oparl", name))

    server.route(f"{RIM}/body/1/paper", papers)
    return f"{server.url}{RIM}/system"


@pytest.fixture(scope="module")
def huertgenwald(module_api_server, module_workspace):
    """Two crawls of the real Hürtgenwald payloads (the paper list's page 85 is constructed), read by
    several tests."""
    server = module_api_server(rewrite=[HUERTGENWALD])
    return crawl_twice(module_workspace, server, "oparl", serve_huertgenwald(server), "huertgenwald")


def test_meeting_files_have_their_kind_and_meeting_date(huertgenwald):
    docs = huertgenwald.documents
    invitation = next(
        d for u, d in docs.items() if "Bekanntmachung_Ausschuss_fuer_Gemeindeentwicklung" in u and "24.06.2021" in u
    )
    assert (invitation.kind, invitation.meeting_date) == ("agenda", dt.date(2021, 6, 24))
    assert "/files/download/" in invitation.url  # downloadUrl preferred to accessUrl
    protocol = next(d for u, d in docs.items() if "Oeffentliche_Niederschrift" in u)
    assert protocol.kind == "minutes"


def test_agenda_items_are_documents_of_their_own_with_the_vote(huertgenwald):
    server, docs = huertgenwald.server, huertgenwald.documents
    items = [d for d in docs.values() if "/agendaitem/" in d.url]
    assert len(items) == 199
    item = docs[f"{server.url}{RIM}/body/1/agendaitem/9909"]
    assert item.title.startswith("16. Änderung des Flächennutzungsplanes")
    assert (item.kind, item.meeting_date, item.media_type) == (
        "agenda",
        dt.date(2021, 6, 24),
        "text/plain; charset=utf-8",
    )
    assert item.votes == {
        "result": "Einstimmig15 Ja-Stimmen, 0 Nein-Stimmen, 0 Enthaltungen",
        "for": 15,
        "against": 0,
        "abstention": 0,
    }


def test_papers_are_followed_through_links_next(huertgenwald):
    docs = huertgenwald.documents
    assert f"{RIM}/body/1/paper?page=85" in huertgenwald.first_requests
    report = next(d for u, d in docs.items() if u.endswith("Beschlussvorlage_140-2021.pdf"))
    assert (report.kind, report.published_date) == ("report", dt.date(2021, 11, 2))
    assert not [u for u in docs if "/paper/3802" in u]  # deleted papers are left alone


def test_a_second_crawl_asks_for_changes_only_and_downloads_nothing(huertgenwald):
    second = huertgenwald.second_requests
    assert [r for r in second if r.startswith(f"{RIM}/body/1/meeting?modified_since=")]
    assert [r for r in second if r.startswith(f"{RIM}/body/1/paper?modified_since=")]
    assert [r for r in second if "/files/" in r] == []
    first, again = huertgenwald.runs
    assert first.documents_new == len(huertgenwald.documents)
    assert (again.status, again.documents_new, again.documents_changed) == ("ok", 0, 0)
    assert again.documents_unchanged == first.documents_new


def serve_leipzig_shapes(server):
    """Another OParl instance: ALLRIS-like URLs with query strings, OParl 1.1 types."""
    meetings = [load_json("oparl", "wuppertal-meeting.json"), *load_json("oparl", "oparl11-meetings-constructed.json")]
    server.route("/bi/oparl/1.0/system.asp", fixture_path("oparl", "leipzig-system-constructed.json"))
    server.route(
        "/bi/oparl/1.0/bodies.asp",
        lambda request: request.json({"data": [load_json("oparl", "leipzig-body.json")], "links": {}}),
    )
    server.route(
        "/bi/oparl/1.0/meetings.asp",
        lambda request: (
            request.json({"data": meetings, "links": {}})
            if request.query.get("body") == "2387"
            else request.json({"error": "body missing"}, 400)
        ),
    )
    server.route("/bi/oparl/1.0/papers.asp", fixture_path("oparl", "oparl11-papers-constructed.json"))
    server.route(
        "/bi/getfile.asp",
        lambda request: Reply(200, fake_pdf(request.query["id"]), {"Content-Type": "application/pdf"}),
    )
    return f"{server.url}/bi/oparl/1.0/system.asp"


@pytest.fixture(scope="module")
def leipzig_shapes(module_api_server, module_workspace):
    server = module_api_server(rewrite=[LEIPZIG, WUPPERTAL])
    module_workspace.crawl("oparl", serve_leipzig_shapes(server), "leipzig-shapes")
    return stored_documents(module_workspace.db, "leipzig-shapes")


def test_another_instance_works_with_only_its_url(leipzig_shapes):
    docs = leipzig_shapes
    wuppertal = [d for d in docs.values() if "/downloadfiles/" in d.url]
    assert {d.title for d in wuppertal} == {
        "Einladung gesamt",
        "Niederschrift",
        "Zusammenstellung_der_amtlichen_Ergebnisse",
    }
    assert {d.kind for d in wuppertal if d.title == "Einladung gesamt"} == {"agenda"}
    assert all(d.meeting_date == dt.date(2020, 9, 29) for d in wuppertal)
    annex = next(d for d in docs.values() if d.title == "Anlage 1 Kostenschätzung")
    assert annex.kind == "annex"
    assert not [d for d in docs.values() if d.title == "Withdrawn item (deleted)"]


def test_the_agenda_of_a_meeting_ahead_keeps_its_exact_local_date(leipzig_shapes):
    docs = leipzig_shapes
    invitation = next(d for d in docs.values() if "id=900010" in d.url)
    # 00:30 in Leipzig on 13 March is still 12 March in UTC: the meeting's own day is kept.
    assert (invitation.kind, invitation.meeting_date) == ("agenda", dt.date(2030, 3, 13))
    drones = next(d for d in docs.values() if d.title == "Einsatz von Drohnen durch das Ordnungsamt")
    assert drones.meeting_date == dt.date(2030, 3, 13)
    assert drones.votes["for"] == 40
