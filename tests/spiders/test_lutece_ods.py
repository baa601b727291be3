"""The `lutece_ods` spider reads a Lutèce ODS search portal (Paris' « Débat-Délibs »)."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.platforms.lutece_ods import item_metadata
from tests.spiders.conftest import crawl_twice, write_entries
from tests.support.apiserver import Reply, fake_pdf
from tests.support.fixtures import fixture_path

PARIS = "https://a06-v7.apps.paris.fr"
PORTAL = "/a06/jsp/site/Portal.jsp"
SEARCH = f"{PORTAL}?page=search-solr&items_per_page=50&sort_name=date&sort_order=desc"
DOWNLOAD = "/a06/jsp/site/plugins/solr/modules/ods/DoDownload.jsp"


@pytest.mark.parametrize(
    "metas, expected",
    [
        (
            ["AVRIL 2026", "Délibération", "2026 DAC 83", "Conseil municipal"],
            {
                "seance": "AVRIL 2026",
                "type": "Délibération",
                "reference": "2026 DAC 83",
                "assembly": "Conseil municipal",
            },
        ),
        (
            ["AVRIL 2026", "Vœu", "Conseil municipal"],  # no reference: the others shift, read by their shape
            {"seance": "AVRIL 2026", "type": "Vœu", "reference": None, "assembly": "Conseil municipal"},
        ),
    ],
)
def test_metas_are_read_by_their_shape_not_their_place(metas, expected):
    assert item_metadata(metas) == expected


def serve_portal(server, prefix: str = "") -> str:
    def search(request):
        index = int(request.query.get("page_index", 1))
        return request.file(fixture_path("lutece_ods", f"search-page{min(index, 4)}-constructed.html"))

    server.route(prefix + PORTAL, search)
    server.route(
        prefix + DOWNLOAD, lambda r: Reply(200, fake_pdf(r.query["id_document"]), {"Content-Type": "application/pdf"})
    )
    return server.url + prefix + SEARCH


@pytest.fixture(scope="module")
def paris(module_api_server, module_workspace):
    server = module_api_server(rewrite=[PARIS])
    return crawl_twice(module_workspace, server, "lutece_ods", serve_portal(server), "paris")


def test_pages_are_read_until_one_has_no_result(paris):
    indexes = [r.split("page_index=")[1].split("&")[0] for r in paris.first_requests if r.startswith(PORTAL)]
    assert indexes == ["1", "2", "3", "4"]
    assert len(paris.documents) == 5


def test_results_keep_their_reference_seance_and_kind(paris):
    docs = {d.title: d for d in paris.documents.values()}
    camera = docs[
        "Convention avec la Préfecture de Police relative au raccordement des caméras du Plan "
        "de vidéoprotection pour Paris"
    ]
    assert (camera.kind, camera.meeting_date) == ("deliberation", dt.date(2026, 4, 14))
    assert camera.extra["reference"] == "2026 DPMP 12"
    assert camera.url == f"{paris.server.url}{DOWNLOAD}?id_document=130101"
    assert camera.media_type == "application/pdf"
    assert docs["Débat sur le budget supplémentaire 2026"].kind == "minutes"
    # The last result had no file link: its file is the one its id names.
    assert docs["Marché de maintenance des équipements de verbalisation automatisée"].url.endswith(
        f"{DOWNLOAD}?id_document=129951"
    )


def test_a_second_crawl_stops_at_the_first_page_with_nothing_new(paris):
    assert [r for r in paris.second_requests if r.startswith(PORTAL)] == [
        r for r in paris.first_requests if r.startswith(PORTAL)
    ][:1]
    assert not [r for r in paris.second_requests if r.startswith(DOWNLOAD)]
    first, second = paris.runs
    assert (first.documents_new, second.status, second.documents_new) == (5, "ok", 0)


def test_a_malformed_answer_fails_only_its_source(api_server, run_vigie, tmp_path, source_runs, documents):
    server = api_server(rewrite=[PARIS])
    good = serve_portal(server)
    server.route(
        "/broken" + PORTAL,
        lambda r: Reply(200, b"<html><body><p>Service indisponible</p></body></html>", {"Content-Type": "text/html"}),
    )
    env = write_entries(
        tmp_path / "registry",
        {"id": "paris", "name": "Paris", "platform": "lutece_ods", "url": good},
        {"id": "broken-ods", "name": "Broken", "platform": "lutece_ods", "url": server.url + "/broken" + SEARCH},
    )
    result = run_vigie("crawl", extra_env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = source_runs("broken-ods")[0]
    assert broken.status == "failed" and "no result (div.itemODS) on the first page" in broken.error
    assert source_runs("paris")[0].status == "ok" and len(documents("paris")) == 5
