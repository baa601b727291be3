"""`vigie demo` end to end: the fictional commune's site crawled, analysed and alerted, twice.

The two runs happen once for the whole module (each is a new `vigie` process: a crawl needs a
fresh Twisted reactor); the tests then read what they printed, stored and mailed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support.databases import fresh_database_url, vigie_environment
from vigie.demo.pages import SITE, render_site
from vigie.demo.run import SUBSCRIBER
from vigie.demo.servers import free_port

pytestmark = pytest.mark.slow

CANTEEN_MENU = "documents/menus/menus-restauration-scolaire-decembre-2026.pdf"  # linked from the home page only
COUNCIL_PDFS = sorted(
    str(p.relative_to(SITE)) for p in (SITE / "documents").rglob("*.pdf") if str(p.relative_to(SITE)) != CANTEEN_MENU
)
UPCOMING_AGENDA = "documents/2026/12/convocation-odj-cm-2026-12-15.pdf"
# Documents about other things entirely; the near misses (drone show, rue Thalès, webcast, thermal
# camera, ENGIE) are left to the detection tests.
WITHOUT_SURVEILLANCE = {
    "budget": "documents/2026/10/deliberation-2026-043-dm2-budget-principal.pdf",
    "canteen prices": "documents/2026/09/deliberation-2026-036-tarifs-restauration-scolaire.pdf",
    "sports subsidies": "documents/2026/09/deliberation-2026-037-subventions-associations-sportives.pdf",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Two `vigie demo` runs on the same data folder, database and port, and what `vigie documents`
    and `vigie hits` list after them."""
    folder = tmp_path_factory.mktemp("demo")
    data = folder / "data"
    data.mkdir()
    with fresh_database_url(folder) as url:
        env = vigie_environment(data, url)

        def vigie(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [sys.executable, "-m", "vigie", *args], cwd=folder, env=env, capture_output=True, text=True, timeout=120
            )

        port = str(free_port())
        first = vigie("demo", "--port", port)
        second = vigie("demo", "--port", port)
        documents, hits = vigie("documents", "--format", "jsonl"), vigie("hits", "--format", "jsonl")
        findings = vigie("findings", "--format", "jsonl")
        yield SimpleNamespace(first=first, second=second, data=data, documents=documents, hits=hits, findings=findings)


def rows(result: subprocess.CompletedProcess) -> list[dict]:
    """The JSON lines printed by `vigie documents|hits|findings --format jsonl`."""
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def mail_paths(output: str) -> list[Path]:
    return [Path(m) for m in re.findall(r"^\s+(/\S+\.eml)$", output, flags=re.MULTILINE)]


def site_path(url: str) -> str:
    return re.sub(r"^https?://[^/]+/", "", url)


def test_first_run_succeeds(demo):
    assert demo.first.returncode == 0, demo.first.stdout + demo.first.stderr


def test_the_demo_collects_every_council_pdf_and_nothing_else(demo):
    documents = rows(demo.documents)
    assert sorted(site_path(d["url"]) for d in documents) == COUNCIL_PDFS
    assert len(COUNCIL_PDFS) == 15


def first_email(demo) -> str:
    paths = mail_paths(demo.first.stdout)
    assert len(paths) == 1, demo.first.stdout
    message = message_from_bytes(paths[0].read_bytes(), policy=policy.default)
    assert SUBSCRIBER in message["To"]
    return message.get_body(preferencelist=("plain",)).get_content()


def test_the_email_has_one_block_per_deliberation_not_one_per_mention(demo):
    text = first_email(demo)
    findings = rows(demo.findings)
    assert text.count("\n■ ") == len(findings) < len(rows(demo.hits)) / 2
    for finding in findings:
        assert f"■ {finding['subject']}" in text


def test_the_videoprotection_block_has_its_amounts_vote_date_and_quotes(demo):
    block = first_email(demo).split("■ Extension du système de vidéoprotection urbaine", 1)[1].split("\n■ ", 1)[0]
    assert "(n° 2026_061)" in block
    assert "15 DÉCEMBRE 2026" in block.upper()  # "VOTE LE …" while ahead, "séance du …" after
    assert "Montants : 223\u202f680\u00a0€ TTC (Total) ; 186\u202f400\u00a0€ HT (Total)" in block
    assert "Subventions : FIPD" in block
    assert "Entreprises : Ondine Sécurité Systèmes" in block  # named as the text writes it, found by no list
    assert 1 <= block.count("\n  « ") <= 3 and "#page=" in block


def test_vigie_findings_lists_the_extension_with_its_total_amount(demo):
    findings = rows(demo.findings)
    [extension] = [f for f in findings if f["act_number"] == "2026_061"]
    assert (extension["amount_max"], extension["amount_currency"], extension["amount_tax"]) == (223680.0, "EUR", "TTC")
    assert extension["meeting_date"] == "2026-12-15" and extension["document_kinds"] == ["agenda", "deliberation"]
    [drone] = [f for f in findings if f["act_number"] == "2026_045"]
    assert (drone["vote_result"], drone["vote_for"], drone["vote_against"]) == ("adopted", 21, 5)
    assert drone["document_kinds"] == ["agenda", "deliberation", "minutes"]  # one deliberation seen three times


def test_second_run_sends_nothing(demo):
    assert demo.second.returncode == 0, demo.second.stdout + demo.second.stderr
    assert mail_paths(demo.second.stdout) == []
    assert len(list((demo.data / "demo-mail").glob("*.eml"))) == 1


def test_the_demo_prints_each_finding_on_one_line(demo):
    """Scraped text is folded before it reaches the terminal."""
    _, _, rest = demo.first.stdout.partition("Findings in the demo commune's documents (")
    count, _, listing = rest.partition(" deliberations, ")
    lines = listing.partition(":\n")[2].split("\n\n")[0].splitlines()
    assert len(lines) == int(count) == len(rows(demo.findings)) and all(line.startswith("  [") for line in lines)


def test_hits_carry_page_and_snippet(demo):
    hits = rows(demo.hits)
    assert hits
    assert all(isinstance(h["page"], int) and h["page"] >= 1 and h["snippet"].strip() for h in hits)


def test_the_upcoming_seance_agenda_has_a_hit_with_its_meeting_date(demo):
    hits = [h for h in rows(demo.hits) if site_path(h["document_url"]) == UPCOMING_AGENDA]
    assert hits, "no hit in the ordre du jour of 15 December 2026"
    assert {h["meeting_date"] for h in hits} == {"2026-12-15"}
    assert any("vidéoprotection" in h["snippet"].lower() for h in hits)


@pytest.mark.parametrize("path", WITHOUT_SURVEILLANCE.values(), ids=WITHOUT_SURVEILLANCE.keys())
def test_documents_without_surveillance_have_no_hits(demo, path):
    documents = {site_path(d["url"]): d for d in rows(demo.documents)}
    assert documents[path]["status"] == "analysed"
    assert documents[path]["hits"] == 0


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site as `vigie demo` serves it: the committed PDFs and the pages rendered from the texts."""
    return render_site(tmp_path_factory.mktemp("demo-site"))


def test_from_the_home_page_the_spider_collects_the_council_pdfs_but_not_the_canteen_menu(site, serve, run_vigie):
    url = serve(site) + "/"
    crawl = run_vigie("crawl", "--platform", "html", "--url", url, "--source", "bellerive-home")
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    documents = rows(run_vigie("documents", "--format", "jsonl"))
    assert sorted(site_path(d["url"]) for d in documents) == COUNCIL_PDFS


def test_every_page_says_the_commune_is_fictional(site):
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))
    assert len(pages) == 9, pages  # home, news, council members, procedures, contact, 3 listings, 1 séance
    assert [page for page in pages if "Commune fictive" not in (site / page).read_text(encoding="utf-8")] == []


def test_the_committed_pdfs_are_what_their_texts_build(tmp_path):
    from vigie.demo.build_site import build

    built = {str(p.relative_to(tmp_path)) for p in build(tmp_path)}
    committed = {str(p.relative_to(SITE)) for p in SITE.rglob("*.pdf")}
    assert built == committed
    stale = [name for name in sorted(built) if (tmp_path / name).read_bytes() != (SITE / name).read_bytes()]
    assert stale == [], "run `.venv/bin/python -m vigie.demo.build_site` and commit the result"
    assert list(SITE.rglob("*.html")) == [], "the pages are rendered when the demo starts: do not commit them"
