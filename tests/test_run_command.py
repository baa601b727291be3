"""`vigie run`: crawl every enabled source, analyse, alert; exit 0, 1 or 2; a summary at the end."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storage.models import CrawlRun, Document, SourceRun
from tests.crawl.pdfs import make_pdf
from tests.support.http import ScriptedServer, answer

LISTING = b"""<html><head><title>Deliberations du conseil municipal</title></head><body>
<h2>Seance du 3 mars 2026</h2><ul><li><a href="/d/1.pdf">Deliberation videoprotection</a></li></ul></body></html>"""


def write_entry(folder, source_id, url, **extra):
    entry = {
        "id": source_id,
        "name": source_id.title(),
        "country": "FR",
        "platform": "html",
        "url": url,
        "verified": True,
        "established": "a test server on loopback",
        **extra,
    }
    (folder / f"{source_id}.yaml").write_text(json.dumps(entry))


@pytest.fixture
def registry(tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    return folder


@pytest.fixture
def council():
    routes = {
        "/conseil/": answer(200, LISTING),
        "/d/1.pdf": answer(200, make_pdf("Extension de la vidéoprotection urbaine."), "application/pdf"),
    }
    with ScriptedServer(routes=routes) as server:
        yield server


def test_all_sources_well_exits_0_with_a_summary(registry, council, run_vigie, db):
    write_entry(registry, "bonneville", council.url + "/conseil/")
    result = run_vigie("run", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    assert result.returncode == 0, result.stderr
    assert "1 source(s) crawled: 1 ok" in result.stdout
    assert "Analysis: 1 document(s), 1 new hit(s)" in result.stdout


def test_an_unreachable_source_exits_1_and_the_others_are_still_done(registry, council, run_vigie, db):
    write_entry(registry, "bonneville", council.url + "/conseil/")
    write_entry(registry, "hors-ligne", "http://conseil.invalid/deliberations/")
    result = run_vigie("run", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    assert result.returncode == 1, result.stderr
    assert "hors-ligne: failed: " in result.stdout
    with db.session() as session:
        runs = {r.source_id: r for r in session.scalars(select(SourceRun))}
        assert session.scalar(select(Document.status)) == "analysed"
        crawl_run = session.scalars(select(CrawlRun)).one()
    assert runs["hors-ligne"].status == "failed" and "host name not found" in runs["hors-ligne"].error
    assert runs["bonneville"].status == "ok"
    assert crawl_run.exit_code == 1 and crawl_run.summary["sources"] == {"bonneville": "ok", "hors-ligne": "failed"}


def test_a_disabled_source_is_not_crawled(registry, run_vigie, db):
    write_entry(registry, "en-pause", "http://conseil.invalid/", enabled=False)
    result = run_vigie("run", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    assert result.returncode == 0, result.stderr
    assert "0 source(s) crawled" in result.stdout


@pytest.mark.parametrize(
    "env, message",
    [
        ({"VIGIE_MAX_FILE_SIZE_MB": "beaucoup"}, "VIGIE_MAX_FILE_SIZE_MB must be an integer"),
        ({"VIGIE_SOURCES_DIRS": "/nonexistent/registry"}, "registry folder not found"),
    ],
)
def test_a_configuration_error_exits_2_and_says_what_to_fix(run_vigie, env, message):
    result = run_vigie("run", extra_env=env)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_malformed_registry_entry_exits_2_naming_the_file(registry, run_vigie):
    (registry / "broken.yaml").write_text(
        "id: broken\nname: Broken\ncountry: France\nplatform: html\n"
        "url: https://x.org/\nverified: false\nestablished: a test\n"
    )
    result = run_vigie("run", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    assert result.returncode == 2
    assert "broken.yaml: country must be an ISO 3166 alpha-2 code" in result.stderr


def test_the_alerts_owed_are_sent_even_when_the_analysis_stops(db, data_dir, vigie_env, mail_server, monkeypatch):
    from nlp import stage
    from nlp.lexicon import LexiconError
    from tests.nlp.test_stage import add_document
    from tests.notify.factory import add_hit, add_subscription
    from vigie.config import load_config
    from vigie.jobs import run_job

    add_subscription(db, "groupe-local", [mail_server.apprise_url("groupe@example.org")])
    add_hit(db)  # found by an earlier run, not alerted yet
    add_document(db, data_dir, "nouveau.pdf", make_pdf("Vidéoprotection"))

    def broken_lexicon(language):
        raise LexiconError("nlp/lexicon/vendors.yaml: invalid YAML")

    monkeypatch.setattr(stage, "_analyzer", broken_lexicon)

    summary = run_job(load_config(vigie_env), db, [], "run")

    assert len(mail_server.messages) == 1 and summary.alerts_sent == 1
    assert summary.exit_code == 1
    assert "Stopped: the analysis: LexiconError: nlp/lexicon/vendors.yaml: invalid YAML" in summary.lines()
    with db.session() as session:
        assert session.scalars(select(CrawlRun)).one().exit_code == 1
