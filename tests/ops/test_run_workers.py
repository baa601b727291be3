"""`vigie run --workers N`: analysis beside the crawl, each document analysed once, none lost."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from nlp import stage
from nlp.sandbox import Limits
from spiders.registry import SourceSpec
from storage.models import Document, Hit, Page, SourceRun
from tests.crawl.pdfs import make_pdf
from tests.nlp.test_stage import add_document
from tests.support.http import ScriptedServer, answer
from vigie import jobs
from vigie.config import load_config
from vigie.workers import AnalysisWorkers, follow_crawl

DOCUMENTS = 12


def council_routes() -> dict:
    links = "".join(f'<li><a href="/d/{n}.pdf">Deliberation {n} videoprotection</a></li>' for n in range(DOCUMENTS))
    listing = (
        f"<html><head><title>Deliberations du conseil municipal</title></head><body><h2>Seance du 3 mars "
        f"2026</h2><ul>{links}</ul></body></html>".encode()
    )
    routes = {"/conseil/": answer(200, listing)}
    for n in range(DOCUMENTS):
        text = f"Délibération n° {n} : extension de la vidéoprotection urbaine, {n + 2} caméras."
        routes[f"/d/{n}.pdf"] = answer(200, make_pdf(text), "application/pdf")
    return routes


def test_a_run_with_several_workers_analyses_every_document_exactly_once(tmp_path, run_vigie, db):
    registry = tmp_path / "registry"
    registry.mkdir()
    with ScriptedServer(routes=council_routes()) as server:
        (registry / "bonneville.yaml").write_text(
            json.dumps(
                {
                    "id": "bonneville",
                    "name": "Bonneville",
                    "country": "FR",
                    "platform": "html",
                    "url": server.url + "/conseil/",
                    "verified": True,
                    "established": "a test server on loopback",
                }
            )
        )
        result = run_vigie("run", "--workers", "3", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    assert result.returncode == 0, result.stderr
    # The workers' counts and the last pass's add up to the documents: none twice, none left.
    assert f"Analysis: {DOCUMENTS} document(s)" in result.stdout
    with db.session() as session:
        assert session.scalar(select(SourceRun.status)) == "ok"
        statuses = session.execute(select(Document.status, func.count()).group_by(Document.status)).all()
        assert statuses == [("analysed", DOCUMENTS)]
        # A document analysed twice would have its pages twice, or hits with the same offsets.
        pages = session.execute(
            select(Page.document_id, Page.number, func.count())
            .group_by(Page.document_id, Page.number)
            .having(func.count() > 1)
        ).all()
        hits = session.execute(
            select(Hit.document_id, Hit.start, Hit.page, func.count())
            .group_by(Hit.document_id, Hit.start, Hit.page)
            .having(func.count() > 1)
        ).all()
    assert pages == [] and hits == []


class _Passes:
    """An analysis pass that finds ``found[i]`` documents at its i-th call."""

    def __init__(self, found: list[int]) -> None:
        self.found, self.calls = found, 0

    def __call__(self, db, data_dir, limits=None):
        found = self.found[self.calls] if self.calls < len(self.found) else 0
        self.calls += 1
        return stage.AnalysisSummary(documents=found)


def test_a_worker_keeps_looking_while_the_crawl_goes_on_and_drains_after_it(database_url, tmp_path):
    passes = _Passes([3, 0, 2, 1])
    crawl_states = iter([False, False, False, True])
    report = follow_crawl(database_url, str(tmp_path), Limits(), lambda: next(crawl_states), poll_s=0, analyse=passes)
    # Three passes while the crawl ran, then the last one, started after its end.
    assert passes.calls == 4 and report.documents == 6


def test_workers_in_processes_share_the_pending_documents_and_take_each_once(db, database_url, data_dir):
    ids = [add_document(db, data_dir, f"d{n}.pdf", make_pdf(f"Délibération {n} : vidéoprotection.")) for n in range(8)]
    with AnalysisWorkers(database_url, data_dir, Limits(), count=2) as workers:
        workers.start()
        workers.crawl_finished()
        reports = workers.reports()
    assert [r.stopped for r in reports] == [None, None]
    assert sum(r.documents for r in reports) == len(ids)
    with db.session() as session:
        assert set(session.scalars(select(Document.status))) == {"analysed"}


@pytest.mark.parametrize("listings_changed, warmed", [(True, ["warm up", "crawl"]), (False, [])])
def test_the_analysis_is_loaded_ahead_only_when_some_source_is_to_be_crawled(
    monkeypatch, vigie_env, db, listings_changed: bool, warmed: list[str]
) -> None:
    """The workers' fork server starts loading spaCy when the crawl starts (not at its first
    document); a run whose listings are all unchanged loads nothing."""
    import vigie.crawl
    import vigie.maintainers

    calls: list[str] = []
    spec = SourceSpec("valmont", "Valmont", "FR", "html", "http://127.0.0.1:9/conseil/")
    monkeypatch.setattr(vigie.crawl, "skip_unchanged", lambda *args: [spec] if listings_changed else [])
    monkeypatch.setattr(vigie.crawl, "crawl", lambda *args: calls.append("crawl"))
    monkeypatch.setattr(vigie.crawl, "sync_sources", lambda *args: None)
    monkeypatch.setattr(jobs, "collect_crawl", lambda *args: None)
    monkeypatch.setattr(vigie.maintainers, "report_new_problems", lambda *args: None)
    config = load_config(vigie_env)
    jobs.crawl_sources(config, db, [spec], "run", on_crawl=lambda: calls.append("warm up"))
    assert calls == warmed
