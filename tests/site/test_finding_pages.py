"""Finding first: a page per finding with its evidence, a council's findings by year and
technology, and failures named by their kind, never by their text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from notify.site import layout
from storage.models import Document, Finding, Hit
from tests.site.conftest import Sample
from tests.site.factory import NOW, add_document, add_hit, add_source, add_source_run
from tests.site.pages import page, text_of


def finding_of(db, document_id: int) -> int:
    with db.session() as s:
        return s.scalars(select(Hit.finding_id).where(Hit.document_id == document_id)).first()


def test_a_finding_page_gives_its_facts_documents_and_evidence(db, build, sample: Sample, tmp_path: Path) -> None:
    finding_id = finding_of(db, sample.lyon_agenda)
    with db.session() as s:
        finding = s.get(Finding, finding_id)
        finding.subject, finding.act_label, finding.subsidies = "Extension de la vidéoprotection", "2025-31", ["FIPD"]
        finding.amounts = [{"value": 223680.0, "currency": "EUR", "tax": "TTC", "purpose": "Total"}]
    build()
    doc = page(tmp_path / "site", layout.finding_page(finding_id))
    assert text_of(doc, "h1") == ["Extension de la vidéoprotection"]
    facts = dict(zip(text_of(doc, "dl.facts dt"), text_of(doc, "dl.facts dd")))
    assert facts == {
        "Conseil": "Ville de Lyon",
        "Numéro": "2025-31",
        "Vote": "vote le 20 mars 2025",
        "Technologies": "Entreprise de surveillance (1 mention), Vidéosurveillance (1 mention)",
        "Entreprises": "BriefCam",
        "Subventions": "FIPD",
    }
    assert text_of(doc, "ul.amounts li") == ["223 680 € TTC (Total)"]
    assert doc.css("ul.documents a::attr(href)").getall()[:2] == [
        f"../documents/{sample.lyon_agenda}.html",
        "https://www.lyon.fr/files/odj-2025-03-20.pdf",
    ]
    assert text_of(doc, "section[aria-labelledby=evidence] h3") == [
        "Ordre du jour du conseil municipal du 20 mars 2025 — ordre du jour"
    ]
    assert doc.css("article.hit mark::text").getall() == ["vidéoprotection", "BriefCam"]


def test_a_voted_finding_says_when_and_how(db, build, sample: Sample, tmp_path: Path) -> None:
    finding_id = finding_of(db, sample.lyon_deliberation)
    with db.session() as s:
        s.get(Finding, finding_id).vote = {
            "result": "adopted",
            "unanimous": False,
            "for": 40,
            "against": 15,
            "abstentions": 2,
        }
    build()
    facts = text_of(page(tmp_path / "site", layout.finding_page(finding_id)), "dl.facts dd")
    assert "voté le 3 février 2025 : adoptée (40 pour, 15 contre, 2 abstention(s))" in facts


def test_a_council_page_tables_its_findings_by_year_and_technology(db, build, sample: Sample, tmp_path: Path) -> None:
    with db.session() as s:
        old = add_document(
            s,
            s.get(Document, sample.lyon_agenda).source,
            title="Délibération de 2023",
            meeting_date=dt.date(2023, 6, 1),
        )
        add_hit(s, old, "caméras-piétons", category="body_cameras", created_at=NOW - dt.timedelta(days=600))
    build()
    council = page(tmp_path / "site", layout.council_page("fr-lyon"))
    summary = council.css("table.summary")
    assert text_of(summary, "thead th") == ["Technologies", "2025", "2023", "Total"]
    assert [text_of(row, "th, td") for row in summary.css("tbody tr")] == [
        ["Caméras-piétons", "1", "1", "2"],
        ["Entreprise de surveillance", "1", "", "1"],
        ["Vidéosurveillance", "1", "", "1"],
    ]
    assert text_of(council, "section[aria-labelledby=findings] h3") == ["2025", "2023"]
    rows = council.css("table.findings")[0].css("tbody tr")
    assert text_of(rows[0], "td")[1:2] == ["Ordre du jour du conseil municipal du 20 mars 2025 — BriefCam"]
    assert text_of(rows[0], "td")[-1] == "vote à venir"


def test_a_failure_is_shown_by_its_kind_and_never_by_its_text(db, build, tmp_path: Path) -> None:
    secret = "root:x:0:0:root:/root:/bin/bash <script>alert(1)</script>"
    with db.session() as s:
        source = add_source(s, "fr-hostile", "Ville piégée")
        add_source_run(s, source, "failed", error=f"listing at file:///etc/passwd: {secret}")
        for error in (
            f"extraction failed: resource limit exceeded {secret}",
            f"not a PDF: {secret}",
            f"not a PDF: starts with {secret}",
        ):
            document = add_document(s, source, title="x")
            document.status, document.error = "failed", error
    build()
    council = page(tmp_path / "site", layout.council_page("fr-hostile"))
    health = dict(zip(text_of(council, "dl.facts dt"), text_of(council, "dl.facts dd")))
    assert health["Type d'échec"] == "liste des documents illisible"
    assert health["Documents en échec :"] == "limite de ressources dépassée (1), ce n'est pas un PDF (2)"
    html = (tmp_path / "site" / layout.council_page("fr-hostile")).read_text(encoding="utf-8")
    assert "root:x" not in html and "passwd" not in html
