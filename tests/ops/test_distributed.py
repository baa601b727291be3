"""Distributed crawling: two crawler processes share one crawl through Redis (scrapy-redis).

A council site of 300 PDFs over 12 listing pages is served on loopback (each page after the first
links the previous page's last PDF again). The server holds every
PDF until both crawlers have asked for one, so the test knows that both took part; then every
page must have been fetched exactly once (the shared duplicate filter) and every document be in
the shared database (the shared queue lost nothing).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from storage.db import Database
from storage.models import Document, SourceRun
from tests.ops.servers import redis_prefix
from tests.ops.sites import build_council_site
from tests.support.http import ScriptedServer

DOCUMENTS = 300
WORKERS = ("worker-1", "worker-2")


class BothWorkersGate:
    """Routes for the PDFs that answer only once a PDF was requested by each worker."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.agents: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.both_seen = threading.Event()

    def route(self, handler):
        agent = next((w for w in WORKERS if w in handler.headers.get("User-Agent", "")), "unknown")
        with self.lock:
            self.agents[agent] += 1
            if all(self.agents[w] for w in WORKERS):
                self.both_seen.set()
        self.both_seen.wait(timeout=30)  # a server that is slow until both have come
        return 200, {"Content-Type": "application/pdf"}, (self.root / handler.path.lstrip("/")).read_bytes()


@pytest.fixture
def council_site(tmp_path: Path):
    root = tmp_path / "site"
    pdfs = build_council_site(root, DOCUMENTS)
    gate = BothWorkersGate(root)
    with ScriptedServer(root, {path: gate.route for path in pdfs}) as server:
        yield server, gate, pdfs


@pytest.mark.slow
@pytest.mark.redis
def test_two_crawlers_fetch_every_document_once_and_lose_none(council_site, vigie_env, database_url, tmp_path):
    server, gate, pdfs = council_site
    with redis_prefix() as (redis_url, prefix):
        command = [
            sys.executable,
            "-m",
            "vigie",
            "crawl",
            "--distributed",
            redis_url,
            "--redis-prefix",
            prefix,
            "--platform",
            "html",
            "--url",
            f"{server.url}/deliberations/",
            "--source",
            "ville",
        ]
        crawlers = [
            subprocess.Popen(
                command,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={
                    **vigie_env,
                    "VIGIE_CONTACT_URL": f"https://example.org/{worker}",
                    "VIGIE_DOWNLOAD_TIMEOUT_S": "60",
                    "VIGIE_LOG_LEVEL": "INFO",
                },
            )
            for worker in WORKERS
        ]
        outcomes = [crawler.communicate(timeout=300) for crawler in crawlers]
        for crawler, (_, stderr) in zip(crawlers, outcomes):
            assert crawler.returncode == 0, stderr[-3000:]
        left_behind = list(redis.Redis.from_url(redis_url).scan_iter(f"{prefix}:*"))

    assert all(gate.agents[w] > 0 for w in WORKERS), gate.agents
    fetched_twice = {path: n for path, n in server.requests.items() if n > 1 and path != "/robots.txt"}
    assert fetched_twice == {}
    assert all(server.requests[path] == 1 for path in pdfs)
    database = Database(database_url)
    with database.session() as session:
        stored = set(session.scalars(select(Document.url).where(Document.content_hash.is_not(None))))
        new_per_worker = list(session.scalars(select(SourceRun.documents_new)))
    database.dispose()
    assert stored == {server.url + path for path in pdfs}
    assert sorted(new_per_worker) == sorted([gate.agents[w] for w in WORKERS])
    assert left_behind == []  # the last crawler out deleted the crawl's keys


@pytest.mark.parametrize(
    "url, reason",
    [
        ("redis://:s3cret@127.0.0.1:1/0", "cannot use the Redis server at redis://:***@127.0.0.1:1/0"),
        ("http://127.0.0.1:6379/0", "is not a Redis URL"),
    ],
)
def test_an_unusable_redis_server_is_a_configuration_error_naming_it(run_vigie, url: str, reason: str) -> None:
    result = run_vigie(
        "crawl", "--distributed", url, "--platform", "html", "--url", "http://127.0.0.1:9/", "--source", "ville"
    )
    assert result.returncode == 2
    assert reason in result.stderr and "s3cret" not in result.stderr
