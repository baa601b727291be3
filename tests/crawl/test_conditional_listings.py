"""A re-crawl asks the start listing conditionally; unchanged, the source costs one request."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import select

from storage.models import Document, Listing, SourceRun
from tests.support.http import ScriptedServer

PDFS = ("odj-2026-12-15.pdf", "delib-2026-045.pdf", "pv-2026-10-20.pdf", "delib-2026-031.pdf", "delib-2026-012.pdf")


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
    assert result.returncode == 0, result.stderr


def last_run(db) -> SourceRun:
    with db.session() as session:
        return session.scalars(select(SourceRun).order_by(SourceRun.id.desc())).first()


def test_an_unchanged_start_page_answers_304_and_nothing_below_it_is_requested(server, run_vigie, db):
    crawl(run_vigie, server)
    with db.session() as session:
        assert session.scalar(select(Listing.last_modified).where(Listing.source_id == "valmont"))
    crawl(run_vigie, server)
    assert "If-Modified-Since" in server.headers_seen["/"][0]
    assert sum(server.requests.values()) - server.requests["/robots.txt"] == 1
    run = last_run(db)
    assert (run.status, run.error, run.documents_new, run.documents_unchanged) == ("ok", None, 0, 5)


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
    later = time.time() + 5
    os.utime(index, (later, later))  # a new Last-Modified
    crawl(run_vigie, server)
    assert server.requests["/docs/delib-2026-050.pdf"] == 1
    with db.session() as session:
        assert session.scalar(select(Document.id).where(Document.url.endswith("delib-2026-050.pdf")))


def test_a_full_crawl_asks_the_start_page_without_validators(server, run_vigie, db):
    crawl(run_vigie, server)
    crawl(run_vigie, server, "--full")
    assert "If-Modified-Since" not in server.headers_seen["/"][0]


def test_after_the_recheck_delay_the_start_page_is_read_in_full(server, run_vigie, db):
    crawl(run_vigie, server)
    crawl(run_vigie, server, VIGIE_RECHECK_AFTER_DAYS="0")
    assert "If-Modified-Since" not in server.headers_seen["/"][0]
    assert all(server.requests[f"/docs/{name}"] == 1 for name in PDFS)


def test_a_document_that_failed_makes_the_next_crawl_read_the_listing(server, commune_site, run_vigie, db):
    (commune_site / "docs" / PDFS[1]).unlink()  # a 404: that document fails
    crawl(run_vigie, server)
    crawl(run_vigie, server)
    assert "If-Modified-Since" not in server.headers_seen["/"][0]
    assert server.requests[f"/docs/{PDFS[1]}"] == 1
