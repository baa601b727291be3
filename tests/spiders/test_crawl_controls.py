"""Crawling at scale: a time budget per source, resumable crawls, an HTTP cache for development."""

from __future__ import annotations

import threading

import pytest

from tests.support.apiserver import Reply, fake_pdf

CSV = "/deliberations.csv"


HEADER = "COLL_NOM,DELIB_ID,DELIB_DATE,DELIB_OBJET,DELIB_URL\n"


def many_deliberations(count: int) -> bytes:
    """A constructed SCDL file with ``count`` deliberations, each with its PDF."""
    rows = [
        f"Commune de Bellerive,2024-{n:03d},2024-03-12,Délibération {n},https://data.maville.fr/files/{n}.pdf"
        for n in range(count)
    ]
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


@pytest.fixture
def slow_site(api_server):
    """An SCDL file of 40 deliberations whose PDFs take a while, until ``fast`` is set."""
    server = api_server(rewrite=["https://data.maville.fr"])
    fast = threading.Event()
    table = server.localise(many_deliberations(40))
    server.route(CSV, lambda request: Reply(200, table, {"Content-Type": "text/csv"}))

    def pdf(request):
        fast.wait(timeout=1.5)  # a slow council server (released at once when `fast` is set)
        return Reply(200, fake_pdf(request.path), {"Content-Type": "application/pdf"})

    for n in range(40):
        server.route(f"/files/{n}.pdf", pdf)
    return server, fast


SLOW = {"VIGIE_SOURCE_TIME_BUDGET_S": "1", "VIGIE_CONCURRENT_REQUESTS_PER_DOMAIN": "1"}


def test_a_slow_source_is_cut_by_its_time_budget_and_resumed_later(slow_site, source_runs, data_dir, run_vigie):
    server, fast = slow_site
    url = f"{server.url}{CSV}"
    first = run_vigie("crawl", "--platform", "scdl", "--url", url, "--source", "slow", "--resume", extra_env=SLOW)
    assert first.returncode == 0, first.stdout + first.stderr
    run = source_runs("slow")[0]
    assert run.finish_reason == "closespider_timeout" and run.duration_s < 10
    assert (data_dir / "jobs" / "slow").is_dir()  # pending requests kept for the next crawl
    fast.set()
    server.clear_log()
    second = run_vigie("crawl", "--platform", "scdl", "--url", url, "--source", "slow", "--resume")
    assert second.returncode == 0, second.stdout + second.stderr
    assert server.requested(CSV) == []  # the listing was read already: the crawl went on from its queue
    assert server.requested(".pdf")
    assert source_runs("slow")[1].finish_reason == "finished (resumed)"
    assert not (data_dir / "jobs" / "slow").exists()  # finished: the next crawl starts afresh


@pytest.fixture
def small_site(api_server):
    server = api_server(rewrite=["https://data.maville.fr"])
    table = server.localise(many_deliberations(2))
    server.route(CSV, lambda request: Reply(200, table, {"Content-Type": "text/csv"}))
    return server


def test_without_resume_no_crawl_state_is_kept(small_site, crawl, data_dir):
    crawl("scdl", f"{small_site.url}{CSV}", "fast")
    assert not (data_dir / "jobs").exists()


def test_the_development_http_cache_answers_a_repeated_listing(small_site, run_vigie):
    args = ("crawl", "--platform", "scdl", "--url", f"{small_site.url}{CSV}", "--source", "cached", "--full")
    cache = {"VIGIE_HTTP_CACHE": "true"}
    assert run_vigie(*args, extra_env=cache).returncode == 0
    small_site.clear_log()
    assert run_vigie(*args, extra_env=cache).returncode == 0
    assert small_site.requested(CSV) == []
