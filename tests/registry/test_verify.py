"""`vigie sources verify` turns unverified sources on where they answer, and says why the others do not."""

from __future__ import annotations

import datetime as dt

import yaml

from spiders.registry import parse_entry
from spiders.verification import judge
from tests.support.apiserver import ApiServer, Reply

COUNCIL_PAGE = """<html><head><title>Conseil municipal - délibérations</title></head><body><main>
<h2>Conseil municipal du 24 septembre 2026</h2>
<ul><li><a href="/docs/dcm-2026-041.pdf">Délibération 2026-041 : extension de la vidéoprotection</a></li>
<li><a href="/docs/pv-2026-09-24.pdf">Procès-verbal de la séance du 24 septembre 2026</a></li></ul>
</main></body></html>"""


def entry_file(folder, source_id: str, url: str, comment: str = "") -> str:
    text = (
        f"{comment}id: {source_id}\nname: Bellerive ({source_id})\ncountry: FR\nplatform: html\nurl: {url}\n"
        "verified: false\nenabled: false\nestablished: >-\n  Constructed for a test: a fictional commune's "
        "page served on loopback.\n"
    )
    (folder / f"{source_id}.yaml").write_text(text, encoding="utf-8")
    return text


def test_verify_all_enables_the_source_that_answers_and_keeps_the_other_off_with_its_reason(run_vigie, tmp_path):
    registry = tmp_path / "registry"
    registry.mkdir()
    with ApiServer() as server:
        server.route(
            "/conseil", lambda r: Reply(200, COUNCIL_PAGE.encode(), {"Content-Type": "text/html; charset=utf-8"})
        )
        entry_file(registry, "answers", f"{server.url}/conseil", comment="# Kept: a maintainer's comment.\n")
        entry_file(registry, "fails", f"{server.url}/gone")
        result = run_vigie("sources", "verify", "--all", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    assert result.returncode == 1, result.stdout + result.stderr
    answers_text = (registry / "answers.yaml").read_text(encoding="utf-8")
    answers = yaml.safe_load(answers_text)
    assert (answers["verified"], answers["enabled"]) == (True, True)
    assert answers["verification"]["result"] == "ok" and answers["verification"]["documents"] == 2
    assert answers["verification"]["date"] == dt.date.today().isoformat()
    assert answers_text.startswith("# Kept: a maintainer's comment.\nid: answers\n")
    fails = yaml.safe_load((registry / "fails.yaml").read_text(encoding="utf-8"))
    assert (fails["verified"], fails["enabled"]) == (False, False)
    assert fails["verification"]["result"] == "failed"
    assert fails["verification"]["error"].endswith("/gone: HTTP 404")
    assert "+ answers: verified and enabled, 2 document(s)" in result.stdout
    assert "/gone: HTTP 404. Next: the URL is gone: find the current page" in result.stdout
    for path in registry.glob("*.yaml"):  # both files are still valid registry entries
        parse_entry(yaml.safe_load(path.read_text(encoding="utf-8")), path)


def test_a_verified_source_that_still_works_is_left_as_it_is(run_vigie, tmp_path):
    registry = tmp_path / "registry"
    registry.mkdir()
    with ApiServer() as server:
        server.route("/conseil", lambda r: Reply(200, COUNCIL_PAGE.encode(), {"Content-Type": "text/html"}))
        text = entry_file(registry, "answers", f"{server.url}/conseil").replace(
            "verified: false\nenabled: false", "verified: true\nenabled: true"
        )
        (registry / "answers.yaml").write_text(text, encoding="utf-8")
        result = run_vigie("sources", "verify", "answers", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "= answers: verified already, still works (entry unchanged)" in result.stdout
    assert (registry / "answers.yaml").read_text(encoding="utf-8") == text


def test_verify_needs_sources_or_all(run_vigie):
    result = run_vigie("sources", "verify")
    assert result.returncode == 2 and "give --all" in result.stderr


def spec():
    return parse_entry(
        {
            "id": "bellerive",
            "name": "Bellerive",
            "country": "FR",
            "platform": "html",
            "url": "https://bellerive.example/conseil",
        },
        origin="command-line",
    )


def test_a_robots_refusal_says_to_ask_the_webmaster():
    outcome = judge(spec(), "failed", "https://bellerive.example/conseil: ignored: Forbidden by robots.txt", [])
    assert not outcome.ok and "robots.txt forbids Vigie" in outcome.advice


def test_an_empty_page_says_where_to_refine_the_entry():
    outcome = judge(spec(), "empty", "no document found: has the site changed?", [])
    assert outcome.record["result"] == "empty" and "config.document_links" in outcome.advice
