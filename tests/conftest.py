"""Shared test fixtures: a fresh database per test (SQLite, or PostgreSQL with
VIGIE_TEST_DATABASE_URL), real servers on loopback, and the `vigie` command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage.db import Database
from tests.support.databases import fresh_database_url, vigie_environment
from tests.support.workspace import vigie_runner
from vigie.demo.servers import MailServer, SiteServer

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI (``CI`` set, as `.ci/run` does) a skipped test fails: a missing server or tool
    there is a broken CI set-up, not a reason to pass without testing."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, which must provide what this test needs: {reason}"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def database_url(tmp_path: Path):
    """A database of its own for each test: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    with fresh_database_url(tmp_path) as url:
        yield url


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def vigie_env(data_dir: Path, database_url: str) -> dict[str, str]:
    """Environment for running `vigie` against this test's database, fast and offline."""
    return vigie_environment(data_dir, database_url)


@pytest.fixture
def run_vigie(vigie_env: dict[str, str], tmp_path: Path):
    """Run `vigie ARGS…` in a new process (a crawl needs a fresh Twisted reactor)."""
    return vigie_runner(vigie_env, tmp_path)


@pytest.fixture
def cli(vigie_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Invoke `vigie ARGS…` in this process, for commands that do not crawl."""
    from vigie.cli.main import cli as vigie_cli

    for key in [k for k in os.environ if k.startswith("VIGIE_")]:
        monkeypatch.delenv(key)
    for key, value in vigie_env.items():
        if key.startswith("VIGIE_"):
            monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(vigie_cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def serve():
    """Serve a folder over HTTP on 127.0.0.1; returns the base URL."""
    servers = []

    def start(root: Path) -> str:
        server = SiteServer(root).__enter__()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def mail_server(tmp_path: Path):
    with MailServer(tmp_path / "mail") as server:
        yield server
