"""Fixtures of the platform spiders' tests: loopback API servers and crawl helpers."""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace

import pytest
import yaml
from sqlalchemy import select

from storage.db import Database
from storage.models import Document, SourceRun
from tests.support.apiserver import ApiServer
from tests.support.workspace import vigie_workspace


def _servers():
    servers: list[ApiServer] = []

    def start(rewrite=(), serve_pdfs: bool = True) -> ApiServer:
        server = ApiServer(rewrite, serve_pdfs).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def api_server():
    """Start loopback API servers: ``api_server(rewrite=[origins])`` → a running ApiServer."""
    yield from _servers()


@pytest.fixture(scope="module")
def module_api_server():
    """The same, shared by the tests of a module that all read one crawl's result."""
    yield from _servers()


def crawl_ad_hoc(run, platform: str, url: str, source_id: str, *extra: str, expect: int = 0):
    """Run `vigie crawl` on a source given by its platform and URL; check it exited as expected."""
    result = run("crawl", "--platform", platform, "--url", url, "--source", source_id, *extra)
    assert result.returncode == expect, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def module_workspace(tmp_path_factory):
    """A data folder, a database and a ``crawl`` runner (``crawl_ad_hoc``) shared by the tests of one module."""
    with vigie_workspace(tmp_path_factory.mktemp("spiders")) as workspace:
        workspace.crawl = partial(crawl_ad_hoc, workspace.run)
        yield workspace


def write_scdl_entry(folder, url: str, source_id: str = "bellerive-scdl") -> dict[str, str]:
    """A registry folder holding one enabled SCDL source (constructed); the environment to use it."""
    folder.mkdir(exist_ok=True)
    (folder / f"{source_id}.yaml").write_text(
        yaml.safe_dump(
            {
                "id": source_id,
                "name": "Bellerive (fictional)",
                "country": "FR",
                "platform": "scdl",
                "url": url,
                "verified": True,
                "enabled": True,
                "established": "constructed test fixture",
            }
        ),
        encoding="utf-8",
    )
    return {"VIGIE_SOURCES_DIRS": str(folder)}


def stored_runs(database: Database, source_id: str) -> list[SourceRun]:
    with database.session() as session:
        return list(session.scalars(select(SourceRun).where(SourceRun.source_id == source_id).order_by(SourceRun.id)))


def stored_documents(database: Database, source_id: str) -> dict[str, Document]:
    with database.session() as session:
        return {d.url: d for d in session.scalars(select(Document).where(Document.source_id == source_id))}


@pytest.fixture
def crawl(run_vigie):
    """``crawl(platform, url, source_id)``: ``crawl_ad_hoc`` in the test's own workspace."""
    return partial(crawl_ad_hoc, run_vigie)


@pytest.fixture
def documents(db):
    """``documents(source_id)`` → the source's stored documents, by URL."""

    return lambda source_id: stored_documents(db, source_id)


@pytest.fixture
def source_runs(db):
    """``source_runs(source_id)`` → the source's crawl records, oldest first."""

    return lambda source_id: stored_runs(db, source_id)


def crawl_twice(workspace, server: ApiServer, platform: str, url: str, source_id: str) -> SimpleNamespace:
    """Crawl a source, then crawl it again unchanged: what each crawl asked, what was stored.

    For modules whose tests all read these two crawls (each `vigie` process costs seconds)."""
    workspace.crawl(platform, url, source_id)
    first_requests = server.requested()
    documents = stored_documents(workspace.db, source_id)
    server.clear_log()
    workspace.crawl(platform, url, source_id)
    return SimpleNamespace(
        server=server,
        documents=documents,
        first_requests=first_requests,
        second_requests=server.requested(),
        runs=stored_runs(workspace.db, source_id),
    )


def write_entries(folder, *entries: dict) -> dict[str, str]:
    """A registry folder holding these entries (constructed sources: verified and enabled unless they
    say otherwise); the environment that makes `vigie` read it."""
    folder.mkdir(exist_ok=True)
    for entry in entries:
        data = {"country": "FR", "verified": True, "enabled": True, "established": "constructed test fixture", **entry}
        (folder / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return {"VIGIE_SOURCES_DIRS": str(folder)}


def runs_by_source(database: Database) -> dict[str, SourceRun]:
    """The last crawl record of each source."""
    with database.session() as session:
        return {r.source_id: r for r in session.scalars(select(SourceRun).order_by(SourceRun.id))}
