"""A source's secrets (an API token in its URLs) never reach logs or health records."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storage.models import SourceRun
from tests.support.http import ScriptedServer, answer

REFUSED = answer(200, b'{"Message": "Invalid token"}', "application/json")


@pytest.mark.parametrize(
    "routes",
    [
        {},  # 404 to everything: the listing could not be downloaded
        {"/v1/nyc/events": REFUSED, "/v1/nyc/matters": REFUSED},  # downloaded, but not a listing
    ],
    ids=["download-failed", "listing-unusable"],
)
def test_an_api_token_is_masked_in_errors_and_logs(run_vigie, db, tmp_path, routes):
    registry = tmp_path / "registry"
    registry.mkdir()
    with ScriptedServer(routes=routes) as server:
        (registry / "nyc.yaml").write_text(
            json.dumps(
                {
                    "id": "nyc",
                    "name": "New York City Council",
                    "country": "US",
                    "platform": "legistar",
                    "url": server.url + "/v1/nyc",
                    "language": "en",
                    "timezone": "America/New_York",
                    "verified": True,
                    "established": "a test server on loopback",
                    "config": {"token": "s3cr3t-t0ken"},
                }
            )
        )
        result = run_vigie("-vv", "crawl", "nyc", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    with db.session() as session:
        run = session.scalars(select(SourceRun)).one()
    assert run.status == "failed" and "***" in run.error
    assert "s3cr3t-t0ken" not in run.error + result.stdout + result.stderr


def test_a_crawl_opens_no_server_that_runs_code(commune_site, serve, run_vigie, tmp_path):
    """Scrapy's telnet console and remote control run code sent to them: a scheduled crawler needs
    neither, and the remote control would leave its access token in a job file under the user's
    state folder (XDG_STATE_HOME) during every crawl."""
    state = tmp_path / "state"
    result = run_vigie(
        "crawl",
        "--platform",
        "html",
        "--url",
        serve(commune_site) + "/",
        "--source",
        "commune",
        extra_env={"XDG_STATE_HOME": str(state)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (state / "scrapy").exists()
    assert "Telnet console listening" not in result.stderr
