"""A re-crawl downloads and analyses only what changed."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import select

from storage.models import Document, Hit, SourceRun
from tests.crawl.pdfs import make_pdf
from tests.support.http import ScriptedServer

PDFS = ("odj-2026-12-15.pdf", "delib-2026-045.pdf", "pv-2026-10-20.pdf", "delib-2026-031.pdf", "delib-2026-012.pdf")


@pytest.fixture
def server(commune_site):
    """One server for both crawls of a test: a document's URL must stay the same."""
    with ScriptedServer(commune_site) as server:
        yield server


def crawl(run_vigie, server, **env):
    server.requests.clear()
    server.headers_seen.clear()
    result = run_vigie("crawl", "--platform", "html", "--url", server.url + "/", "--source", "valmont", extra_env=env)
    assert result.returncode == 0, result.stderr


def last_run(db) -> SourceRun:
    with db.session() as session:
        return session.scalars(select(SourceRun).order_by(SourceRun.id.desc())).first()


def test_a_recent_document_is_not_requested_again(server, run_vigie, db):
    crawl(run_vigie, server)
    crawl(run_vigie, server)
    assert all(server.requests[f"/docs/{name}"] == 0 for name in PDFS)
    run = last_run(db)
    assert (run.documents_new, run.documents_unchanged) == (0, 5)


def test_an_older_document_is_requested_conditionally_and_not_stored_again(server, run_vigie, db):
    crawl(run_vigie, server)
    crawl(run_vigie, server, VIGIE_RECHECK_AFTER_DAYS="0")
    headers = server.headers_seen["/docs/delib-2026-045.pdf"][0]
    assert "If-Modified-Since" in headers
    run = last_run(db)
    assert (run.documents_new, run.documents_changed, run.documents_unchanged) == (0, 0, 5)


def test_a_changed_document_is_stored_and_analysed_again_keeping_earlier_hits(server, commune_site, run_vigie, db):
    crawl(run_vigie, server)
    assert run_vigie("analyze").returncode == 0
    with db.session() as session:
        before = session.scalar(select(Document).where(Document.url.endswith("delib-2026-045.pdf")))
        old_hash, old_hits = before.content_hash, len(before.hits)
    assert old_hits > 0
    changed = commune_site / "docs" / "delib-2026-045.pdf"
    changed.write_bytes(
        make_pdf("Délibération n° 2026-045 modifiée\nAchat de caméras-piétons pour la police municipale.")
    )
    later = time.time() + 3600
    os.utime(changed, (later, later))

    crawl(run_vigie, server, VIGIE_RECHECK_AFTER_DAYS="0")
    run = last_run(db)
    assert (run.documents_changed, run.documents_unchanged) == (1, 4)
    assert run_vigie("analyze").returncode == 0
    with db.session() as session:
        doc = session.scalar(select(Document).where(Document.url.endswith("delib-2026-045.pdf")))
        categories = set(session.scalars(select(Hit.category).where(Hit.document_id == doc.id)))
        assert doc.content_hash != old_hash and doc.status == "analysed"
    # The earlier version's hit stays as evidence; the new version's hit is added.
    assert {"video_surveillance", "body_cameras"} <= categories
