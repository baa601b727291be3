"""`vigie source new|record|check`: adding and repairing a council, against a "live" site on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from spiders.registry import RegistryError, load_registry
from spiders.scaffold import write_entry
from tests.spiders.conftest import write_scdl_entry
from tests.support.apiserver import Reply
from tests.support.fixtures import fixture_path

REPO = Path(__file__).resolve().parents[2]

LISTING = """<!doctype html><html><head><title>Conseil municipal - délibérations</title></head><body>
<h1>Conseil municipal</h1>
<h2>Séance du 12 mars 2030</h2>
<ul><li><a href="/docs/odj-2030-03-12.pdf">Ordre du jour du conseil municipal du 12 mars 2030</a></li></ul>
<h2>Séance du 14 décembre 2029</h2>
<ul><li><a href="/docs/delib-2029-118.pdf">Délibération 2029-118 : caméras de vidéoprotection</a></li>
<li><a href="/docs/pv-2029-12-14.pdf">Procès-verbal de la séance du 14 décembre 2029</a></li></ul>
</body></html>"""


@pytest.fixture
def council_site(api_server):
    """A fictional council's listing page with three PDFs (constructed)."""
    server = api_server()
    server.route(
        "/conseil-municipal/deliberations",
        lambda request: Reply(200, LISTING.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"}),
    )
    return server


def test_source_new_writes_an_entry_a_recording_and_a_test_that_fails_until_written(
    council_site, run_vigie, tmp_path, db
):
    dirs = {name: tmp_path / name for name in ("registry", "fixtures", "generated")}
    result = run_vigie(
        "source",
        "new",
        "bellerive-html",
        "--platform",
        "html",
        "--url",
        f"{council_site.url}/conseil-municipal/deliberations",
        "--name",
        "Commune de Bellerive-sur-Ondine (fictive)",
        "--registry-dir",
        str(dirs["registry"]),
        "--fixtures-dir",
        str(dirs["fixtures"]),
        "--tests-dir",
        str(dirs["generated"]),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    entry = yaml.safe_load((dirs["registry"] / "fr" / "bellerive-html.yaml").read_text(encoding="utf-8"))
    assert (entry["platform"], entry["verified"], entry["enabled"]) == ("html", False, False)
    index = json.loads((dirs["fixtures"] / "bellerive-html" / "recording.json").read_text(encoding="utf-8"))
    assert index["responses"][0]["url"].endswith("/conseil-municipal/deliberations")
    assert (dirs["fixtures"] / "bellerive-html" / "README.md").exists()
    with db.session() as session:  # the real database holds nothing of the recording
        from storage.models import Document

        assert session.query(Document).count() == 0
    council_site.__exit__(None, None, None)  # the generated test replays offline
    test = dirs["generated"] / "test_bellerive_html.py"
    outcome = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(test)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "VIGIE_TEST_REGISTRY_DIR": str(dirs["registry"]),
            "VIGIE_TEST_FIXTURES_DIR": str(dirs["fixtures"]),
        },
    )
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert "write real assertions for bellerive-html" in outcome.stdout  # past `assert documents`


def entry_values(country: str) -> dict:
    return {
        "id": "bellerive",
        "name": "Commune de Bellerive (fictive)",
        "country": country,
        "platform": "html",
        "url": "https://bellerive.example/conseil",
        "language": "fr",
        "timezone": "Europe/Paris",
        "interval": 45,
        "established": "constructed for a test",
    }


def test_source_new_refuses_an_id_already_used_in_another_country_folder(tmp_path):
    registry = tmp_path / "registry"
    first = write_entry(registry, entry_values("FR"))
    with pytest.raises(RegistryError, match=f"{first.path} already uses the id 'bellerive'"):
        write_entry(registry, entry_values("BE"))
    assert list(load_registry([registry], bundled=False)) == ["bellerive"]  # the registry still loads


def test_source_new_with_a_test_left_from_an_earlier_attempt_writes_nothing(cli, tmp_path):
    dirs = {name: tmp_path / name for name in ("registry", "fixtures", "generated")}
    (dirs["generated"]).mkdir()
    (dirs["generated"] / "test_bellerive.py").write_text("# an earlier attempt\n", encoding="utf-8")
    result = cli(
        "source",
        "new",
        "bellerive",
        "--platform",
        "html",
        "--url",
        "https://bellerive.example/conseil",
        "--name",
        "Commune de Bellerive (fictive)",
        "--no-record",
        "--registry-dir",
        str(dirs["registry"]),
        "--fixtures-dir",
        str(dirs["fixtures"]),
        "--tests-dir",
        str(dirs["generated"]),
    )
    assert result.exit_code == 2 and "test_bellerive.py already exists" in result.output
    assert not dirs["registry"].exists()  # so the next attempt, once the file is removed, can succeed


@pytest.fixture
def scdl_site(api_server):
    server = api_server(rewrite=["https://data.maville.fr"])
    server.route("/d.csv", lambda request: request.file(fixture_path("scdl", "comma-utf8.csv"), "text/csv"))
    return server


def test_source_record_rerecords_the_live_pages_with_a_sample_of_documents(scdl_site, run_vigie, tmp_path):
    env = write_scdl_entry(tmp_path / "registry", f"{scdl_site.url}/d.csv")
    fixtures = tmp_path / "fixtures"
    (fixtures / "bellerive-scdl").mkdir(parents=True)
    (fixtures / "bellerive-scdl" / "stale.json").write_text("{}")
    result = run_vigie(
        "source", "record", "bellerive-scdl", "--documents", "1", "--fixtures-dir", str(fixtures), extra_env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    index = json.loads((fixtures / "bellerive-scdl" / "recording.json").read_text(encoding="utf-8"))
    urls = [entry["url"] for entry in index["responses"]]
    assert urls[0].endswith("/d.csv") and len([u for u in urls if u.endswith(".pdf")]) == 1
    assert not (fixtures / "bellerive-scdl" / "stale.json").exists()


def test_source_check_reports_documents_kinds_and_dates_without_storing_them(scdl_site, run_vigie, tmp_path, db):
    env = write_scdl_entry(tmp_path / "registry", f"{scdl_site.url}/d.csv")
    result = run_vigie("source", "check", "bellerive-scdl", extra_env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Documents found: 4 (4 deliberation)" in result.stdout
    assert "Meeting dates: 2017-10-15 to 2024-03-12" in result.stdout
    with db.session() as session:
        from storage.models import Document, SourceRun

        assert session.query(Document).count() == 0 and session.query(SourceRun).count() == 0


def test_source_check_lists_documents_beyond_the_sample_as_skipped_not_failed(scdl_site, run_vigie, tmp_path):
    env = write_scdl_entry(tmp_path / "registry", f"{scdl_site.url}/d.csv")
    result = run_vigie("source", "check", "bellerive-scdl", "--documents", "1", extra_env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = [line.split()[2] for line in result.stdout.splitlines() if line.startswith("deliberation ")]
    assert sorted(statuses) == ["pending", "pending", "pending", "skipped"]  # 2 PDFs (1 sampled), 2 records
    assert "not fetched" not in result.stderr  # nothing for the maintainer to fix: no warning


def test_source_check_of_a_broken_source_says_why_and_exits_1(api_server, run_vigie, tmp_path):
    server = api_server()
    env = write_scdl_entry(tmp_path / "registry", f"{server.url}/gone.csv")
    result = run_vigie("source", "check", "bellerive-scdl", extra_env=env)
    assert result.returncode == 1
    assert "Crawl: failed" in result.stdout and "HTTP 404" in result.stdout
