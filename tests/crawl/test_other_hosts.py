"""Documents on other hosts are fetched; listing pages stay on the source's hosts.

The pages are constructed for these tests. The council's site is on 127.0.0.1 and its documents
on a "regional platform" on 127.0.0.2 (another loopback address: another host, with its own
robots.txt and its own politeness slot), as a French commune's acts on a regional publication
platform, or a US board's packets on cloud storage.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Document, SourceRun
from tests.crawl.pdfs import make_pdf
from tests.support.http import ScriptedServer, answer, redirect

DOCUMENTS = 300
PDF = make_pdf("Délibération du conseil municipal\nVidéoprotection : extension du réseau.")


def _listing(platform_url: str) -> bytes:
    rows = "".join(
        f'<li><a href="{platform_url}/actes/{n:04d}">Délibération n° 2026-{n:03d} (PDF – 218 Ko)</a></li>'
        for n in range(1, DOCUMENTS // 2 + 1)
    )
    rows += "".join(
        f'<li><a href="{platform_url}/fichiers/delib-2026-{n:03d}.pdf">Délibération n° 2026-{n:03d}</a></li>'
        for n in range(DOCUMENTS // 2 + 1, DOCUMENTS + 1)
    )
    return (
        f"<html><head><title>Délibérations du conseil municipal</title></head><body><main>"
        f"<h1>Délibérations du conseil municipal</h1><ul>{rows}</ul>"
        f'<p><a href="{platform_url}/seances-2026.html">Séances 2026 (sur la plateforme régionale)</a></p>'
        f'<p><a href="/conseil/seances-2025.html">Séances 2025</a></p>'
        f'<p><a href="/conseil/seances-2024.html">Séances 2024</a></p>'
        f"</main></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def platform():
    routes = {
        f"/actes/{n:04d}": answer(
            200, PDF, "application/octet-stream", Content_Disposition=f'attachment; filename="delib-{n}.pdf"'
        )
        for n in range(1, DOCUMENTS // 2 + 1)
    }
    routes.update(
        {
            f"/fichiers/delib-2026-{n:03d}.pdf": answer(200, PDF, "application/pdf")
            for n in range(DOCUMENTS // 2 + 1, DOCUMENTS + 1)
        }
    )
    routes["/robots.txt"] = answer(200, b"User-agent: *\nDisallow: /fichiers/delib-2026-300.pdf\n", "text/plain")
    routes["/seances-2026.html"] = answer(200, b'<html><body><a href="/fichiers/autre.pdf">Autre</a></body></html>')
    with ScriptedServer(routes=routes, host="127.0.0.2") as server:
        yield server


@pytest.fixture(scope="module")
def crawls(module_workspace, platform):
    """Two crawls of the council (the second of an unchanged site); returns (council, (first, second))."""
    routes = {
        "/conseil/": answer(200, _listing(platform.url)),
        # A sub-page that moved to another host, by a redirection and by a meta refresh: not listings.
        "/conseil/seances-2025.html": redirect(platform.url + "/seances-2026.html"),
        "/conseil/seances-2024.html": answer(
            200,
            (
                f'<html><head><meta http-equiv="refresh" content="0; url={platform.url}/seances-2026.html">'
                f"</head><body>Cette page a déménagé.</body></html>"
            ).encode(),
        ),
    }
    with ScriptedServer(routes=routes) as council:
        args = ("crawl", "--platform", "html", "--url", council.url + "/conseil/", "--source", "bourg")
        first = module_workspace.run(*args)
        requests_after_first = sum(platform.requests.values())
        second = module_workspace.run(*args)
    return council, (first, second, requests_after_first)


def test_every_document_on_the_other_host_is_fetched(crawls, platform, module_workspace):
    _, (first, _, _) = crawls
    assert first.returncode == 0, first.stderr
    with module_workspace.db.session() as session:
        stored = session.scalars(select(Document).where(Document.status == "pending")).all()
    assert len(stored) == DOCUMENTS - 1  # the last one is forbidden by the platform's robots.txt
    assert all(platform.requests[path] == 1 for path in platform.requests if path.startswith(("/actes/", "/fichiers/")))


def test_the_document_records_the_host_that_served_it(crawls, module_workspace):
    with module_workspace.db.session() as session:
        doc = session.scalars(select(Document).where(Document.url.endswith("/actes/0001"))).one()
    assert doc.extra["host"] == "127.0.0.2"
    assert (doc.title, doc.kind) == ("Délibération n° 2026-001 (PDF – 218 Ko)", "deliberation")


def test_the_other_host_has_its_own_robots_txt(crawls, platform, module_workspace):
    assert platform.requests["/robots.txt"] >= 1
    with module_workspace.db.session() as session:
        doc = session.scalars(select(Document).where(Document.url.endswith("delib-2026-300.pdf"))).one()
    assert (doc.status, platform.requests["/fichiers/delib-2026-300.pdf"]) == ("blocked", 0)
    assert "robots.txt" in doc.error


def test_a_second_crawl_downloads_none_of_them_again(crawls, platform):
    _, (_, second, requests_after_first) = crawls
    assert second.returncode == 0, second.stderr
    fetched_again = sum(platform.requests.values()) - requests_after_first
    assert fetched_again <= 1  # at most the platform's robots.txt, for the blocked document


def test_pages_on_another_host_are_never_read_as_listings(crawls, platform):
    # A link, a redirection and a meta refresh to the platform's page: it is never asked for.
    assert platform.requests["/seances-2026.html"] == 0
    assert platform.requests["/fichiers/autre.pdf"] == 0


def test_a_listing_redirected_off_the_source_says_where(crawls, module_workspace):
    with module_workspace.db.session() as session:
        runs = session.scalars(select(SourceRun).order_by(SourceRun.id)).all()
    assert runs[0].status == "ok"
    assert "127.0.0.2 is not one of the source's hosts" in runs[0].error
