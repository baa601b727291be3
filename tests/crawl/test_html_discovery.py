"""The generic HTML spider finds a council's documents from a start URL alone."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from scrapy.http import HtmlResponse
from sqlalchemy import select

from spiders.links import extract_links
from spiders.platforms.html import HtmlCouncilSpider
from spiders.registry import parse_entry
from storage.models import Document, SourceRun
from tests.crawl.conftest import build_commune_site
from tests.support.http import ScriptedServer


@pytest.fixture(scope="module")
def crawled(module_workspace):
    """Crawl the commune from its home page once; returns (server, documents by file name, process)."""
    site = build_commune_site(module_workspace.folder / "site")
    with ScriptedServer(site) as server:
        result = module_workspace.run("crawl", "--platform", "html", "--url", server.url + "/", "--source", "valmont")
    with module_workspace.db.session() as session:
        docs = {d.url.rsplit("/", 1)[-1]: d for d in session.scalars(select(Document))}
    return server, docs, result


def test_finds_every_council_pdf_and_nothing_else(crawled):
    _, docs, result = crawled
    assert result.returncode == 0, result.stderr
    assert set(docs) == {
        "odj-2026-12-15.pdf",
        "delib-2026-045.pdf",
        "pv-2026-10-20.pdf",
        "delib-2026-031.pdf",
        "delib-2026-012.pdf",
    }


@pytest.mark.parametrize(
    "name, kind, meeting_date",
    [
        ("odj-2026-12-15.pdf", "agenda", dt.date(2026, 12, 15)),  # under its séance heading
        ("delib-2026-045.pdf", "deliberation", dt.date(2026, 10, 20)),
        ("pv-2026-10-20.pdf", "minutes", dt.date(2026, 10, 20)),
        ("delib-2026-031.pdf", "deliberation", dt.date(2026, 9, 22)),  # on a séance sub-page
        ("delib-2026-012.pdf", "deliberation", dt.date(2026, 3, 12)),  # page 2, date in a table cell
    ],
)
def test_guesses_kind_and_meeting_date(crawled, name, kind, meeting_date):
    _, docs, _ = crawled
    assert (docs[name].kind, docs[name].meeting_date) == (kind, meeting_date)


def test_keeps_the_link_text_as_title(crawled):
    _, docs, _ = crawled
    assert docs["delib-2026-045.pdf"].title == "Délibération n° 2026-045 — Vidéoprotection"


def test_archives_each_file_under_its_hash(crawled, module_workspace):
    _, docs, _ = crawled
    doc = docs["delib-2026-045.pdf"]
    archived = module_workspace.data_dir / "files" / doc.content_hash[:2] / doc.content_hash[2:4] / doc.content_hash
    assert archived.read_bytes() == (module_workspace.folder / "site" / "docs" / "delib-2026-045.pdf").read_bytes()


def test_reads_each_listing_page_once_and_obeys_robots(crawled):
    server, _, _ = crawled
    assert server.requests["/robots.txt"] == 1
    assert server.requests["/vie-municipale/conseil-municipal/page-2.html"] == 1
    assert server.requests["/docs/menu-cantine-decembre.pdf"] == 0


def test_identifies_itself_with_a_contact_url(crawled):
    server, _, _ = crawled
    agent = server.headers_seen["/docs/delib-2026-045.pdf"][0]["User-Agent"]
    assert agent.startswith("Vigie/") and "+https://" in agent


def test_records_the_crawl_in_the_source_health(crawled, module_workspace):
    with module_workspace.db.session() as session:
        run = session.scalars(select(SourceRun)).one()
    assert (run.source_id, run.status, run.documents_new) == ("valmont", "ok", 5)


def test_robots_txt_forbidding_the_documents_is_obeyed(commune_site, run_vigie, db):
    (commune_site / "robots.txt").write_text("User-agent: *\nDisallow: /docs/\n")
    with ScriptedServer(commune_site) as server:
        run_vigie("crawl", "--platform", "html", "--url", server.url + "/", "--source", "valmont")
    assert server.requests["/docs/delib-2026-045.pdf"] == 0


def test_optional_selectors_refine_the_search(commune_site, run_vigie, db, tmp_path):
    registry = tmp_path / "registry"
    registry.mkdir()
    with ScriptedServer(commune_site) as server:
        (registry / "valmont.yaml").write_text(
            json.dumps(
                {
                    "id": "valmont",
                    "name": "Valmont-les-Essarts",
                    "country": "FR",
                    "platform": "html",
                    "url": server.url + "/vie-municipale/conseil-municipal/",
                    "verified": True,
                    "established": "a test server on loopback",
                    "config": {"document_links": "ul li a[href*=delib]", "max_depth": 0},
                }
            )
        )
        result = run_vigie("crawl", "valmont", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    assert result.returncode == 0, result.stderr
    with db.session() as session:
        names = {d.url.rsplit("/", 1)[-1] for d in session.scalars(select(Document))}
    # Only the listing's own deliberation links: no agenda, no minutes, no sub-page, no page 2.
    assert names == {"delib-2026-045.pdf"}


def listing(url: str, pages: range) -> HtmlResponse:
    """A listing page linking the pages of its pagination."""
    links = "".join(f'<a href="/conseil/?page={n}">{n}</a>' for n in pages)
    return HtmlResponse(url, body=f"<html><body>{links}</body></html>".encode(), encoding="utf-8")


def test_max_pages_caps_the_listing_pages_requested_the_start_page_included():
    spider = HtmlCouncilSpider(
        parse_entry(
            {
                "id": "valmont",
                "name": "Valmont-les-Essarts",
                "country": "FR",
                "platform": "html",
                "url": "https://valmont.example/conseil/",
                "config": {"max_pages": 3},
            },
            origin="test",
        )
    )
    start = spider.page_request(spider.source.url, 0)
    first = listing(start.url, range(2, 12))
    requested = [r.url for r in spider.follow(first, 0, extract_links(first.selector, first.url))]
    assert requested == ["https://valmont.example/conseil/?page=2", "https://valmont.example/conseil/?page=3"]
    second = listing("https://valmont.example/conseil/?page=2", range(2, 12))
    assert list(spider.follow(second, 0, extract_links(second.selector, second.url))) == []


def test_when_the_page_budget_is_short_the_newest_years_come_first():
    spider = HtmlCouncilSpider(
        parse_entry(
            {
                "id": "valmont",
                "name": "Valmont-les-Essarts",
                "country": "FR",
                "platform": "html",
                "url": "https://valmont.example/conseil/",
                "config": {"max_pages": 3},
            },
            origin="test",
        )
    )
    start = spider.page_request(spider.source.url, 0)
    body = "".join(f'<a href="/conseil/seances-{year}/">Séances {year}</a>' for year in (2019, 2025, 2022, 2024))
    page = HtmlResponse(start.url, body=f"<html><body>{body}</body></html>".encode(), encoding="utf-8")
    requested = [r.url for r in spider.follow(page, 0, extract_links(page.selector, page.url))]
    assert requested == [
        "https://valmont.example/conseil/seances-2025/",
        "https://valmont.example/conseil/seances-2024/",
    ]
