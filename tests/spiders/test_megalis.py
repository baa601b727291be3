"""The `megalis` spider reads the acts search API of Mégalis Bretagne and publication-actes.fr."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.spiders.conftest import crawl_twice, write_entries
from tests.support.fixtures import load_json

FILES = "https://data.megalis.bretagne.bzh"
SEARCH = "/mq_apis/actes/v1/search"


def serve_acts(server, acts: list, page_size: int = 2) -> str:
    """The search endpoint over ``acts``: ``page_size`` acts a page at most (the server's cap), the
    next page behind an opaque ``page_suivante`` cursor, an empty cursor on the last page, and
    ``date_debut`` filtering on the publication date (as the API's source does)."""

    def search(request):
        since = request.query.get("date_debut")
        chosen = [a for a in acts if not since or a["date_publication"] >= since]
        start = int(request.query.get("page_suivante", "cursor-0").split("-")[1])
        size = min(int(request.query.get("lignes", 10)), page_size)
        following = start + size
        return request.json(
            {
                "nb_resultats": len(acts) + 40,  # unreliable, as on publication-actes.fr
                "resultats": chosen[start:following],
                "page_suivante": f"cursor-{following}" if following < len(chosen) else "",
            }
        )

    server.route(SEARCH, search)
    return f"{server.url}{SEARCH}?siren=299000001"


@pytest.fixture(scope="module")
def bellerive(module_api_server, module_workspace):
    """Two crawls of a commune's five acts, two acts a page."""
    server = module_api_server(rewrite=[FILES])
    url = serve_acts(server, load_json("megalis", "bellerive-actes-constructed.json"))
    return crawl_twice(module_workspace, server, "megalis", url, "bellerive-megalis")


def test_pages_are_read_to_the_end_of_the_cursor(bellerive):
    searches = [r for r in bellerive.first_requests if r.startswith(SEARCH)]
    assert len(searches) == 3  # 2 + 2 + 1 acts, whatever nb_resultats claims
    assert "siren=299000001" in searches[0] and "page_suivante=cursor-2" in searches[1]
    assert len(bellerive.documents) == 7  # five acts, two annexes


def test_acts_keep_their_type_subject_dates_and_classification(bellerive):
    docs = {d.title: d for d in bellerive.documents.values()}
    camera = docs["DCM 2026-041 - Extension du dispositif de vidéoprotection urbaine - demande de subvention FIPD"]
    assert (camera.kind, camera.meeting_date, camera.published_date) == (
        "deliberation",
        dt.date(2026, 9, 24),
        dt.date(2026, 9, 29),
    )
    assert camera.extra["classification"] == {
        "code": "6.1",
        "label": "Libertes publiques et pouvoirs de police/Police municipale",
    }
    assert camera.url.startswith(f"{bellerive.server.url}/OpenData/299000001/Deliberation/2026/")
    order = docs["ARRETE PERMANENT_REGLEMENTATION DU STATIONNEMENT RUE DES TANNEURS"]
    assert (order.kind, order.extra["act_type"], order.meeting_date) == ("deliberation", "acte réglementaire", None)
    minutes = docs["Procès-verbal de la séance du conseil municipal du 30 juin 2026"]
    assert minutes.kind == "minutes"
    annexes = [d for d in bellerive.documents.values() if d.kind == "annex"]
    assert sorted(d.title[-10:] for d in annexes) == ["(annexe 1)", "(annexe 2)"]


def test_a_second_crawl_asks_for_recent_publications_and_downloads_nothing(bellerive):
    assert not [r for r in bellerive.first_requests if "date_debut" in r]
    assert [r for r in bellerive.second_requests if "date_debut=" in r]
    assert [r for r in bellerive.second_requests if r.endswith(".pdf")] == []
    first, second = bellerive.runs
    assert (first.documents_new, second.status, second.documents_new) == (7, "ok", 0)


def test_a_malformed_answer_fails_only_its_source(api_server, run_vigie, tmp_path, source_runs, documents):
    server = api_server(rewrite=[FILES])
    good = serve_acts(server, load_json("megalis", "bellerive-actes-constructed.json"))
    server.route("/broken" + SEARCH, lambda request: request.json({"message": "solr 'requete invalide' exe"}))
    env = write_entries(
        tmp_path / "registry",
        {"id": "bellerive-megalis", "name": "Bellerive", "platform": "megalis", "url": good},
        {
            "id": "broken-megalis",
            "name": "Broken",
            "platform": "megalis",
            "url": f"{server.url}/broken{SEARCH}?siren=299000002",
        },
    )
    result = run_vigie("crawl", extra_env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = source_runs("broken-megalis")[0]
    assert broken.status == "failed" and "no `resultats` list in the answer" in broken.error
    assert source_runs("bellerive-megalis")[0].status == "ok"
    assert len(documents("bellerive-megalis")) == 7


def test_a_cursor_that_comes_back_stops_the_listing_and_says_so(api_server, crawl, source_runs, documents):
    server = api_server(rewrite=[FILES])
    acts = load_json("megalis", "bellerive-actes-constructed.json")
    server.route(SEARCH, lambda request: request.json({"resultats": acts[:1], "page_suivante": "same"}))
    crawl("megalis", f"{server.url}{SEARCH}?siren=299000001", "looping")
    assert len(server.requested(SEARCH)) == 2
    assert "same next page" in source_runs("looping")[0].error
    assert len(documents("looping")) == 3
