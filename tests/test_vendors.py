"""`vigie vendors`: every vendor seen across councils, known to the lexicon or found in the documents.

Two fictional councils' records (written for this test) name the same local integrator, spelled
differently, a known vendor, and a company that sells them something else (heating).
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.crawl.pdfs import make_pdf

VALMONT = (
    "Délibération n° 2027-014 – Extension de la vidéoprotection\n"
    "Le marché d'extension du système de vidéoprotection est attribué à la société\n"
    "ONDINE SÉCURITÉ SYSTÈMES SAS pour un montant de 64 000 € HT.\n"
    "Délibération n° 2027-015 – Chauffage des écoles\n"
    "L'avenant au contrat de chauffage est conclu avec la société Calorbois."
)
CASTELNAU = (
    "Délibération n° 2027-102 – Logiciel d'analyse vidéo\n"
    "Le conseil approuve l'acquisition du logiciel BriefCam pour le centre de supervision urbain,\n"
    "installé par l'entreprise Ondine Sécurité Systèmes, titulaire du marché de maintenance."
)


@pytest.fixture
def councils(cli, tmp_path):
    for source, text in (("valmont", VALMONT), ("castelnau", CASTELNAU)):
        pdf = tmp_path / f"{source}.pdf"
        pdf.write_bytes(make_pdf(text))
        assert cli("ingest", str(pdf), "--source", source, "--date", "2027-03-02").exit_code == 0
    assert cli("analyze").exit_code == 0


def rows(cli, *args: str) -> list[dict]:
    result = cli("vendors", "--format", "jsonl", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_one_company_is_one_vendor_across_councils_whatever_its_spelling(councils, cli) -> None:
    listed = {row["vendor"]: row for row in rows(cli)}
    assert set(listed) == {"Ondine Securite Systemes", "BriefCam"}  # not the heating contractor
    integrator = listed["Ondine Securite Systemes"]
    assert (integrator["status"], integrator["councils"], integrator["documents"]) == ("found", 2, 2)
    assert integrator["findings"] == 2  # one deliberation in each council
    assert integrator["sources"] == ["castelnau", "valmont"]
    assert integrator["written"] in ("ONDINE SÉCURITÉ SYSTÈMES", "Ondine Sécurité Systèmes")
    assert set(integrator["technologies"]) == {"video_surveillance", "algorithmic_video"}
    assert (listed["BriefCam"]["status"], listed["BriefCam"]["councils"]) == ("known", 1)


@pytest.mark.parametrize(
    "args, expected",
    [
        (("--found",), {"Ondine Securite Systemes"}),
        (("--known",), {"BriefCam"}),
        (("--source", "valmont"), {"Ondine Securite Systemes"}),
        (("--min-councils", "2"), {"Ondine Securite Systemes"}),
        (("--country", "DE"), set()),
    ],
)
def test_vendors_can_be_filtered(councils, cli, args, expected) -> None:
    assert {row["vendor"] for row in rows(cli, *args)} == expected


def test_vendors_export_as_csv_with_lists_joined(councils, cli) -> None:
    result = cli("vendors", "--format", "csv", "--found")
    [row] = list(csv.DictReader(io.StringIO(result.output)))
    assert row["sources"] == "castelnau, valmont" and row["councils"] == "2"
