"""Before a crawl, every listing of a source's last complete crawl is asked again, conditionally
(spiders.unchanged): unchanged, the source costs one request per listing and Scrapy is not even
imported; changed anywhere (a sub-page, a later page), the source is crawled."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import select

from spiders.plainget import PlainClient
from storage.models import Document, Listing, SourceRun
from tests.crawl.pdfs import make_pdf
from tests.support.http import ScriptedServer, answer, redirect

PDFS = ("odj-2026-12-15.pdf", "delib-2026-045.pdf", "pv-2026-10-20.pdf", "delib-2026-031.pdf", "delib-2026-012.pdf")
SUB_PAGE = "/vie-municipale/conseil-municipal/page-2.html"


@pytest.fixture
def server(commune_site):
    with ScriptedServer(commune_site) as server:
        yield server


def crawl(run_vigie, server, *args, **env):
    server.requests.clear()
    server.headers_seen.clear()
    result = run_vigie(
        "crawl", "--platform", "html", "--url", server.url + "/", "--source", "valmont", *args, extra_env=env
    )
    assert result.returncode in (0, 1), result.stderr
    return result


def last_run(db) -> SourceRun:
    with db.session() as session:
        return session.scalars(select(SourceRun).order_by(SourceRun.id.desc())).first()


def listing_paths(db) -> set[str]:
    with db.session() as session:
        return {
            url.split("/", 3)[3] for url in session.scalars(select(Listing.url).where(Listing.source_id == "valmont"))
        }


def touch_later(path) -> None:
    later = time.time() + 5
    os.utime(path, (later, later))  # a new Last-Modified


def test_unchanged_listings_cost_one_request_each_and_no_crawl(server, run_vigie, db):
    crawl(run_vigie, server)
    # Every page read as a listing is stored, with the robots.txt of its host.
    assert listing_paths(db) == {
        "",
        "robots.txt",
        "vie-municipale/conseil-municipal/",
        SUB_PAGE[1:],
        "vie-municipale/conseil-municipal/seance-2026-09-22.html",
    }
    # --language: without it, a source given on the command line asks the platform's spider (Scrapy).
    result = crawl(run_vigie, server, "--language", "fr", PYTHONPROFILEIMPORTTIME="1")
    assert result.returncode == 0, result.stderr
    listings = {"/" + path for path in listing_paths(db)}
    assert dict(server.requests) == dict.fromkeys(listings, 1)  # robots.txt included, no document
    pages = listings - {"/robots.txt"}  # the site has none: its 404 has no validator
    assert all("If-Modified-Since" in server.headers_seen[path][0] for path in pages)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert "scrapy" not in imported and "twisted" not in imported
    run = last_run(db)
    assert (run.status, run.finish_reason, run.error, run.documents_new, run.documents_unchanged) == (
        "ok",
        "unchanged",
        None,
        0,
        5,
    )
    assert "5 unchanged" in result.stdout


def test_a_new_document_on_a_sub_page_is_found_though_the_start_page_is_unchanged(server, commune_site, run_vigie, db):
    crawl(run_vigie, server)
    page = commune_site / SUB_PAGE.lstrip("/")
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "</table>",
            '<tr><td>02/12/2026</td><td><a href="/docs/delib-2026-050.pdf">Délibération 2026-050</a></td></tr></table>',
        ),
        encoding="utf-8",
    )
    (commune_site / "docs" / "delib-2026-050.pdf").write_bytes(make_pdf("Délibération n° 2026-050\nVoirie."))
    touch_later(page)
    crawl(run_vigie, server)
    assert server.requests["/docs/delib-2026-050.pdf"] == 1
    assert all(server.requests[f"/docs/{name}"] == 0 for name in PDFS)  # known documents: not again
    with db.session() as session:
        assert session.scalar(select(Document.id).where(Document.url.endswith("delib-2026-050.pdf")))
    assert last_run(db).finish_reason == "finished"


def test_a_changed_start_page_is_read_and_its_new_document_stored(server, commune_site, run_vigie, db):
    crawl(run_vigie, server)
    index = commune_site / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "</body>", '<a href="/docs/delib-2026-050.pdf">Délibération 2026-050</a></body>'
        ),
        encoding="utf-8",
    )
    (commune_site / "docs" / "delib-2026-050.pdf").write_bytes((commune_site / "docs" / PDFS[1]).read_bytes())
    touch_later(index)
    crawl(run_vigie, server)
    assert server.requests["/docs/delib-2026-050.pdf"] == 1
    with db.session() as session:
        assert session.scalar(select(Document.id).where(Document.url.endswith("delib-2026-050.pdf")))


PAGE = b'<html><body><h1>Conseil municipal</h1><a href="/docs/delib-1.pdf">Deliberation 1</a>{more}</body></html>'


def test_a_server_without_validators_is_unchanged_when_the_body_is_the_same(run_vigie, db):
    pdf = make_pdf("Délibération n° 1\nBudget.")
    routes = {
        "/conseil/": answer(200, PAGE.replace(b"{more}", b"")),
        "/docs/delib-1.pdf": answer(200, pdf, "application/pdf"),
        "/docs/delib-2.pdf": answer(200, pdf + b"\n", "application/pdf"),
    }
    with ScriptedServer(routes=routes) as server:

        def crawl_council():
            server.requests.clear()
            server.headers_seen.clear()
            result = run_vigie("crawl", "--platform", "html", "--url", server.url + "/conseil/", "--source", "bourg")
            assert result.returncode == 0, result.stderr

        crawl_council()
        crawl_council()
        assert dict(server.requests) == {"/robots.txt": 1, "/conseil/": 1}
        assert "If-Modified-Since" not in server.headers_seen["/conseil/"][0]
        assert last_run(db).finish_reason == "unchanged"
        # The same page with one more link: a different body, so the source is crawled.
        server.routes["/conseil/"] = answer(
            200, PAGE.replace(b"{more}", b'<a href="/docs/delib-2.pdf">Deliberation 2</a>')
        )
        crawl_council()
        assert server.requests["/docs/delib-2.pdf"] == 1
        assert last_run(db).documents_new == 1


def test_a_full_crawl_skips_the_check(server, run_vigie, db):
    crawl(run_vigie, server)
    crawl(run_vigie, server, "--full")
    assert len(server.headers_seen["/"]) == 1  # the crawl's request, not a check's
    assert "If-Modified-Since" not in server.headers_seen["/"][0]
    assert all(server.requests[f"/docs/{name}"] == 0 for name in PDFS)  # known, still fresh
    assert last_run(db).finish_reason == "finished"


def test_the_check_can_be_switched_off(server, run_vigie, db):
    crawl(run_vigie, server)
    crawl(run_vigie, server, VIGIE_CONDITIONAL_LISTINGS="false")
    assert len(server.headers_seen["/"]) == 1
    assert last_run(db).finish_reason == "finished"


def test_after_the_recheck_delay_the_source_is_crawled_in_full(server, run_vigie, db):
    crawl(run_vigie, server)
    crawl(run_vigie, server, VIGIE_RECHECK_AFTER_DAYS="0")
    assert "If-Modified-Since" not in server.headers_seen["/"][0]
    assert all(server.requests[f"/docs/{name}"] == 1 for name in PDFS)


def test_a_document_that_failed_makes_the_next_run_crawl(server, commune_site, run_vigie, db):
    (commune_site / "docs" / PDFS[1]).unlink()  # a 404: that document fails
    crawl(run_vigie, server)
    crawl(run_vigie, server)
    assert len(server.headers_seen["/"]) == 1
    assert "If-Modified-Since" not in server.headers_seen["/"][0]
    assert server.requests[f"/docs/{PDFS[1]}"] == 1


def test_after_a_failed_crawl_the_source_is_crawled_though_its_listings_are_back(server, run_vigie, db):
    crawl(run_vigie, server)
    server.routes[SUB_PAGE] = answer(500, b"down")
    crawl(run_vigie, server)  # the check sees a change; the crawl records the listing error
    assert last_run(db).errors
    del server.routes[SUB_PAGE]
    crawl(run_vigie, server)
    assert len(server.headers_seen["/"]) == 1  # no check: the last crawl was not complete
    assert last_run(db).finish_reason == "finished"


def test_a_listing_redirected_to_a_metadata_address_is_crawled_and_refused_there(server, run_vigie, db):
    crawl(run_vigie, server)
    server.routes["/"] = redirect("http://169.254.169.254/latest/meta-data/")
    crawl(run_vigie, server)
    run = last_run(db)
    assert run.finish_reason == "finished" and run.errors  # crawled, and the crawl says why
    assert "169.254" in (run.error or "")


def test_the_check_refuses_a_redirection_to_a_forbidden_address():
    """Each hop is checked before a connection: the metadata network is never reached, and a
    redirection off the source's hosts is not followed."""
    routes = {"/meta": redirect("http://169.254.169.254/latest/"), "/away": redirect("http://example.org/")}
    with ScriptedServer(routes=routes) as server:
        client = PlainClient("Vigie-test", timeout_s=5, delay_s=0, max_bytes=1 << 20)
        metadata = client.get(server.url + "/meta", {}, source_private=True, may_follow=lambda url: True)
        assert metadata.problem and "169.254.0.0/16" in metadata.problem and metadata.requests == 1
        away = client.get(server.url + "/away", {}, source_private=True, may_follow=lambda url: False)
        assert away.problem and "not one of the source's hosts" in away.problem
        public = client.get(server.url + "/meta", {}, source_private=False, may_follow=lambda url: True)
        assert public.problem and "loopback" in public.problem and public.requests == 0
    assert server.requests["/meta"] == 1
