"""Shared test fixtures: a fresh database per test (SQLite, or PostgreSQL with
VIGIE_TEST_DATABASE_URL), real servers on loopback, and the `vigie` command."""

from __future__ import annotations

import inspect
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage.db import Database
from tests.support.databases import POSTGRES_URL, fresh_database_url, migrated, vigie_environment
from tests.support.workspace import vigie_runner
from vigie.demo.servers import MailServer, SiteServer

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


# Names whose use in a test or in one of its fixtures means "this test starts a process" (a crawl
# needs a fresh Twisted reactor, so `vigie run` goes into a subprocess) or "uses a database".
STARTS_A_PROCESS = {"subprocess", "vigie_runner", "vigie_workspace", "run_vigie", "Sandbox"}
USES_A_DATABASE = {"fresh_database_url", "vigie_workspace", "Database"}


def _names_used(item: pytest.Item) -> set[str]:
    """The global names read by the test function, by every fixture it depends on (inner
    functions included), and by the suite's helper functions that these call."""
    functions = [item.function] if isinstance(item, pytest.Function) else []
    fixture_info = getattr(item, "_fixtureinfo", None)
    if fixture_info is not None:
        functions += [defs[-1].func for defs in fixture_info.name2fixturedefs.values() if defs]
    pending = [(f.__code__, f.__globals__) for f in map(inspect.unwrap, functions) if hasattr(f, "__code__")]
    names: set[str] = set(getattr(item, "fixturenames", ()))
    seen: set = set()
    while pending:
        code, module_globals = pending.pop()
        if code in seen:
            continue
        seen.add(code)
        names.update(code.co_names)
        pending += [(inner, module_globals) for inner in code.co_consts if inspect.iscode(inner)]
        for name in code.co_names:
            helper = module_globals.get(name)
            if inspect.isfunction(helper) and helper.__module__.startswith("tests."):
                pending.append((helper.__code__, helper.__globals__))
    return names


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that starts a process `slow`, so that `make test-fast` (``-m "not slow"``)
    leaves them out without anyone having to remember the marker. On PostgreSQL, run only the
    tests that use a database: the others do not depend on it and have already run on SQLite."""
    for item in items:
        if STARTS_A_PROCESS & _names_used(item):
            item.add_marker(pytest.mark.slow)
    if "slow" in (config.option.markexpr or ""):
        slow = sum(1 for item in items if item.get_closest_marker("slow"))
        _left_out_file(config).write_text(str(slow), encoding="utf-8")
    if POSTGRES_URL:
        kept = [item for item in items if USES_A_DATABASE & _names_used(item)]
        left_out = [item for item in items if item not in kept]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = kept


def _left_out_file(config: pytest.Config) -> Path:
    """Where the processes that collect (pytest-xdist's workers, children of the one that reports)
    leave the number of slow tests, for the summary."""
    reporter = os.getppid() if hasattr(config, "workerinput") else os.getpid()
    return Path(tempfile.gettempdir()) / f"vigie-tests-left-out-{reporter}"


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """Say how many tests ``-m "not slow"`` left out: pytest-xdist's summary does not."""
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the process that reports says it
        return
    path = _left_out_file(config)
    if "slow" in (config.option.markexpr or "") and path.exists():
        count = path.read_text(encoding="utf-8")
        path.unlink()
        terminalreporter.write_line(
            f"{count} slow tests left out (-m {config.option.markexpr!r}); `make test` runs them all."
        )


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
    database = Database(migrated(database_url))
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
