"""Source health: `vigie sources` shows every source's last result; maintainers hear of new problems."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from spiders.health import Health, flag_for
from spiders.registry import parse_entry
from tests.spiders.conftest import write_scdl_entry
from tests.support.fixtures import fixture_path

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def spec(**changes):
    return parse_entry(
        {
            "id": "bellerive",
            "name": "Bellerive",
            "country": "FR",
            "platform": "scdl",
            "url": "https://example.org/d.csv",
            "publication_interval_days": 30,
            **changes,
        },
        origin="test",
    )


@pytest.mark.parametrize(
    "health, expected",
    [
        (Health(spec(), None), "never crawled"),
        (Health(spec(enabled=False), None), ""),
        (Health(spec(), "failed", NOW), "failing"),
        (Health(spec(), "empty", NOW), "empty"),
        (Health(spec(), "ok", NOW, last_new=NOW - dt.timedelta(days=10)), ""),
        (Health(spec(), "ok", NOW, last_new=NOW - dt.timedelta(days=31)), "silent"),
        (Health(spec(), "ok", NOW, last_new=None, first_run=NOW - dt.timedelta(days=31)), "silent"),
        (Health(spec(publication_interval_days=90), "ok", NOW, last_new=NOW - dt.timedelta(days=31)), ""),
    ],
)
def test_flags(health, expected):
    assert flag_for(health, NOW) == expected


@pytest.fixture
def csv_site(api_server):
    """A loopback site whose CSV can be broken and repaired between crawls."""
    server = api_server(rewrite=["https://data.maville.fr"])
    state = {"file": "comma-utf8.csv"}
    server.route("/d.csv", lambda request: request.file(fixture_path("scdl", state["file"]), "text/csv"))
    return server, state


def test_vigie_sources_shows_each_sources_last_result(csv_site, run_vigie, tmp_path):
    server, _ = csv_site
    env = write_scdl_entry(tmp_path / "registry", f"{server.url}/d.csv")
    assert run_vigie("crawl", "bellerive-scdl", extra_env=env).returncode == 0
    result = run_vigie("sources", "--format", "jsonl", extra_env=env)
    row = json.loads(result.stdout.splitlines()[0])
    assert {k: row[k] for k in ("id", "platform", "status", "last_result", "documents", "flag")} == {
        "id": "bellerive-scdl",
        "platform": "scdl",
        "status": "enabled",
        "last_result": "ok",
        "documents": 4,
        "flag": "",
    }
    table = run_vigie("sources", extra_env=env).stdout
    assert "bellerive-scdl" in table and "1 source(s), 1 enabled" in table


def test_maintainers_hear_once_when_a_source_starts_failing(csv_site, api_server, run_vigie, tmp_path):
    server, state = csv_site
    webhook = api_server()
    env = {
        **write_scdl_entry(tmp_path / "registry", f"{server.url}/d.csv"),
        "VIGIE_ADMIN_URL": f"json://127.0.0.1:{webhook.url.rsplit(':', 1)[1]}/hook",
    }
    assert run_vigie("crawl", "bellerive-scdl", extra_env=env).returncode == 0
    assert webhook.posts == []
    state["file"] = "not-scdl.csv"  # the publisher replaced the file by something else
    failing = run_vigie("crawl", "bellerive-scdl", extra_env=env)
    assert failing.returncode == 1 and len(webhook.posts) == 1
    assert "1 source(s) need a maintainer (see `vigie sources --flagged`): bellerive-scdl\n" in failing.stderr
    message = json.loads(webhook.posts[0][1])
    assert "1 source(s) need a maintainer" in message["title"]
    assert "bellerive-scdl (scdl): failing" in message["message"] and "no DELIB_OBJET column" in message["message"]
    assert run_vigie("crawl", "bellerive-scdl", extra_env=env).returncode == 1
    assert len(webhook.posts) == 1  # still failing: not repeated
    flagged = run_vigie("sources", "--flagged", "--format", "jsonl", extra_env=env).stdout
    assert json.loads(flagged)["flag"] == "failing"
