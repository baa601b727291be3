"""The `searchform` spider asks a council's search form for its acts, date range by date range."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.platforms.searchform import windows
from tests.spiders.conftest import runs_by_source, stored_documents, write_entries
from tests.support.fixtures import fixture_path

SERVLET = "/servlet/WebDelibSearchServlet"
LILLE_LIKE = {
    "form": {"nbresults": "200", "hideRecDetail": "false", "recGlobale": ""},
    "rows": "table.tabledelib tbody tr",
    "title": "td:nth-child(5)",
    "link_pattern": r"f_openDoc\(\s*['\"]([^'\"]+)",
    "document_url": "/files/unzip//{path}",
}


@pytest.mark.parametrize(
    "start, end, days, expected",
    [
        (
            dt.date(2026, 1, 1),
            dt.date(2026, 1, 10),
            4,
            [
                (dt.date(2026, 1, 1), dt.date(2026, 1, 4)),
                (dt.date(2026, 1, 5), dt.date(2026, 1, 8)),
                (dt.date(2026, 1, 9), dt.date(2026, 1, 10)),
            ],
        ),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), 30, [(dt.date(2026, 1, 1), dt.date(2026, 1, 1))]),
    ],
)
def test_the_range_is_cut_into_windows(start, end, days, expected):
    assert windows(start, end, days) == expected


def serve_servlet(server, prefix: str = "") -> str:
    """A search servlet whose acts all fall in the window that ends today; the others find nothing."""
    today = dt.date.today().strftime("%d/%m/%Y")

    def search(request):
        name = "results" if request.query.get("dtfin") == today else "no-results"
        return request.file(fixture_path("searchform", f"{name}-constructed.html"))

    server.route(f"POST {prefix}{SERVLET}", search)
    return server.url + prefix + SERVLET


def entry(url: str, source_id: str = "lille-like", **config) -> dict:
    return {
        "id": source_id,
        "name": "Bellerive (search form)",
        "platform": "searchform",
        "url": url,
        "config": {**LILLE_LIKE, **config},
    }


@pytest.fixture(scope="module")
def two_crawls(module_api_server, module_workspace):
    server = module_api_server()
    env = write_entries(module_workspace.folder / "registry", entry(serve_servlet(server)))
    first = module_workspace.run("crawl", extra_env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    posts = server.requested("POST ")
    documents = stored_documents(module_workspace.db, "lille-like")
    server.clear_log()
    second = module_workspace.run("crawl", extra_env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    return {
        "posts": posts,
        "documents": documents,
        "second": server.requested(),
        "server": server,
        "db": module_workspace.db,
    }


def test_every_window_of_the_year_is_asked_with_the_form(two_crawls):
    posts = two_crawls["posts"]
    assert len(posts) == len(windows(dt.date.today() - dt.timedelta(days=365), dt.date.today(), 30))
    assert "nbresults=200" in posts[0] and "dtdebut=" in posts[0] and "dtfin=" in posts[0]


def test_javascript_links_lead_to_the_files_titled_by_their_row(two_crawls):
    docs = two_crawls["documents"]
    assert len(docs) == 3  # two deliberations and an annex; the record pages are not documents
    camera = docs[f"{two_crawls['server'].url}/files/unzip//2026/CM_20260926/26-0412.pdf"]
    assert camera.title == (
        "Vidéoprotection - Extension du réseau de caméras du quartier Moulins - Demande de subvention"
    )
    assert (camera.kind, camera.meeting_date) == ("deliberation", dt.date(2026, 9, 26))
    annex = docs[f"{two_crawls['server'].url}/files/unzip//2026/CM_20260926/26-0413-annexe.pdf"]
    assert annex.kind == "annex"


def test_a_second_crawl_asks_recent_windows_only_and_downloads_nothing(two_crawls):
    second = two_crawls["second"]
    assert 1 <= len([r for r in second if r.startswith("POST ")]) <= 3
    assert not [r for r in second if "/files/" in r]
    run = runs_by_source(two_crawls["db"])["lille-like"]
    assert (run.status, run.documents_new) == ("ok", 0)


def test_a_get_form_sends_the_range_in_the_query(api_server, run_vigie, tmp_path, documents):
    server = api_server()
    server.route(SERVLET, lambda r: r.file(fixture_path("searchform", "results-constructed.html")))
    env = write_entries(tmp_path / "registry", entry(server.url + SERVLET, method="GET", history_days=20))
    assert run_vigie("crawl", extra_env=env).returncode == 0
    asked = server.requested(SERVLET + "?")
    assert len(asked) == 1 and "dtdebut=" in asked[0] and "nbresults=200" in asked[0]
    assert len(documents("lille-like")) == 3


def test_a_malformed_answer_fails_only_its_source(api_server, run_vigie, tmp_path, source_runs, documents):
    server = api_server()
    good = serve_servlet(server)
    server.route(f"POST /broken{SERVLET}", lambda r: r.json({"error": "session expired"}))
    env = write_entries(
        tmp_path / "registry",
        entry(good),
        entry(server.url + "/broken" + SERVLET, source_id="broken-form", history_days=20),
    )
    result = run_vigie("crawl", extra_env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = source_runs("broken-form")[0]
    assert broken.status == "failed" and "expected an HTML page of the searchform platform" in broken.error
    assert source_runs("lille-like")[0].status == "ok" and len(documents("lille-like")) == 3
