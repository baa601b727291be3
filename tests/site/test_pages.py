"""The site's pages: what a volunteer reads on the index, a council, a document and a category."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from notify.site import layout
from tests.site.conftest import ARCHIVE, Sample
from tests.site.pages import html_files, page, text_of


def test_the_index_puts_votes_ahead_first_flagged_with_their_date(site: Path, sample_ids: Sample) -> None:
    index = page(site, "index.html")
    sections = text_of(index, "main h2")
    assert sections == ["Votes à venir", "Dernières délibérations"]
    [upcoming] = index.css("section[aria-labelledby=upcoming] article")
    assert text_of(upcoming, "h3") == ["Ordre du jour du conseil municipal du 20 mars 2025"]
    assert text_of(upcoming, ".vote") == ["vote le 20 mars 2025"]
    assert text_of(upcoming, ".tag") == ["entreprise de surveillance", "Vidéosurveillance", "BriefCam"]
    assert upcoming.css("h3 a::attr(href)").get().startswith("deliberations/")


def test_the_index_lists_the_other_findings_newest_first(site: Path) -> None:
    latest = page(site, "index.html").css("section[aria-labelledby=latest] article")
    assert [" ".join(a.css("mark::text").getall()) for a in latest] == ["drones", "LAPI", "caméras-piétons"]


def test_an_empty_database_gives_an_index_that_says_so(build, tmp_path: Path) -> None:
    build()
    assert "Aucune mention pour l'instant." in text_of(page(tmp_path / "site", "index.html"), "main p")


def test_a_document_page_gives_each_hit_with_its_evidence(site: Path, sample_ids: Sample) -> None:
    doc = page(site, layout.document_page(sample_ids.lyon_agenda))
    assert text_of(doc, "h1") == ["Ordre du jour du conseil municipal du 20 mars 2025"]
    hits = doc.css("article.hit")
    assert text_of(doc, "article.hit h3") == ["Vidéosurveillance", "Entreprise de surveillance — BriefCam"]
    vendor = hits[1]
    assert vendor.css("mark::text").get() == "BriefCam"
    assert text_of(vendor, "blockquote") == ["Acquisition du logiciel BriefCam d'analyse des images."]
    assert "page 3" in text_of(vendor, ".meta")[0]
    links = dict(zip(text_of(vendor, ".links a"), vendor.css(".links a::attr(href)").getall()))
    assert links["document original, page 3"] == "https://www.lyon.fr/files/odj-2025-03-20.pdf#page=3"
    assert links["copie archivée, page 3"].startswith(ARCHIVE + "/")
    assert links["copie archivée, page 3"].endswith("#page=3")


def test_a_document_page_flags_a_vote_ahead_and_links_to_its_council(site: Path, sample_ids: Sample) -> None:
    doc = page(site, layout.document_page(sample_ids.lyon_agenda))
    facts = dict(zip(text_of(doc, "dl.facts dt"), text_of(doc, "dl.facts dd")))
    assert facts["Séance"] == "20 mars 2025 — vote le 20 mars 2025"
    assert facts["Type de document"] == "Ordre du jour"
    assert doc.css("dl.facts dd a::attr(href)").get() == "../conseils/fr-lyon.html"


def test_without_a_public_archive_a_document_page_says_the_copy_is_not_published(build, sample, tmp_path) -> None:
    build(public_url="")
    doc = page(tmp_path / "site", layout.document_page(sample.lyon_deliberation))
    assert "copie archivée non publiée" in text_of(doc, "dl.facts dd")[-1]
    assert not [href for href in doc.css("a::attr(href)").getall() if href.startswith(ARCHIVE)]


def test_a_council_page_lists_its_documents_votes_ahead_first(site: Path, sample_ids: Sample) -> None:
    council = page(site, layout.council_page("fr-lyon"))
    assert council.css("ul.documents a::attr(href)").getall() == [
        f"../documents/{sample_ids.lyon_agenda}.html",
        f"../documents/{sample_ids.lyon_deliberation}.html",
    ]
    assert text_of(council, "ul.documents li")[0] == (
        "Ordre du jour du conseil municipal du 20 mars 2025 — ordre du jour, vote le 20 mars 2025 — 2 mentions "
        "(Vidéosurveillance, entreprise de surveillance — BriefCam)"
    )


@pytest.mark.parametrize(
    ("source_id", "facts"),
    [
        (
            "fr-lyon",
            {
                "Dernière collecte": "9 mars 2025, réussie, 3 nouveaux documents",
                "Dernière collecte réussie": "9 mars 2025",
            },
        ),
        (
            "fr-nice",
            {
                "Dernière collecte": "9 mars 2025, échouée",
                "Type d'échec": "le serveur a répondu par une erreur",  # its kind: never the server's words
                "Dernière collecte réussie": "3 mars 2025",
            },
        ),
        ("fr-brest", {"Dernière collecte": "jamais collecté", "Dernière collecte réussie": "aucune"}),
    ],
)
def test_a_council_page_shows_the_health_of_its_crawls(site: Path, source_id: str, facts: dict) -> None:
    health = page(site, layout.council_page(source_id)).css("section[aria-labelledby=health]")
    assert dict(zip(text_of(health, "dt"), text_of(health, "dd"))) == facts


def test_the_list_of_councils_flags_a_failing_crawl(site: Path) -> None:
    rows = text_of(page(site, layout.COUNCILS), "ul.councils li")
    assert rows == [
        "Ville de Brest — 0 mentions",
        "Ville de Lyon — 3 mentions",
        "Ville de Nice — 2 mentions — dernière collecte échouée",
    ]


def test_a_category_page_has_only_its_hits(site: Path) -> None:
    category = page(site, layout.category_page("drones"))
    assert text_of(category, "h1") == ["Drones"]
    assert category.css("article.hit mark::text").getall() == ["drones"]
    assert text_of(page(site, layout.CATEGORIES), "ul.categories li") == [
        "Caméras-piétons — 1 mention",
        "Drones — 1 mention",
        "Entreprise de surveillance — 1 mention",
        "Lecture automatisée de plaques (LAPI) — 1 mention",
        "Vidéosurveillance — 1 mention",
    ]


def test_the_site_can_be_built_in_english(build, sample: Sample, tmp_path: Path) -> None:
    build(language="en")
    index = page(tmp_path / "site", "index.html")
    assert index.css("html::attr(lang)").get() == "en"
    assert text_of(index, "main h2") == ["Votes ahead", "Latest resolutions"]
    assert text_of(index, ".vote") == ["vote on 20 March 2025"]
    assert text_of(index, "section[aria-labelledby=latest] .tag") == [
        "Drones",
        "Automated licence-plate readers",
        "Body-worn cameras",
    ]


def test_every_link_between_pages_leads_to_a_built_file(site: Path) -> None:
    for path in html_files(site):
        base = path.relative_to(site).as_posix()
        for href in page(site, base).css("a::attr(href), link::attr(href)").getall():
            if urlsplit(href).scheme in ("http", "https", "data"):
                continue
            target = urlsplit(urljoin(base, href)).path
            assert (site / target).is_file(), f"{base} links to {href}, which was not built"


def test_pages_load_nothing_from_elsewhere_and_run_no_script(site: Path) -> None:
    for path in html_files(site):
        doc = page(site, path.relative_to(site).as_posix())
        assert not doc.css("script, iframe, object, embed, img"), path
        assert doc.css("link[rel=stylesheet]::attr(href)").getall() == [
            layout.root_of(path.relative_to(site).as_posix()) + "style.css"
        ]
        assert "script-src 'none'" in doc.css("meta[http-equiv=Content-Security-Policy]::attr(content)").get()


def test_pages_are_readable_on_a_phone_and_by_screen_readers(site: Path, sample_ids: Sample) -> None:
    doc = page(site, layout.document_page(sample_ids.lyon_agenda))
    assert doc.css("meta[name=viewport]::attr(content)").get() == "width=device-width, initial-scale=1"
    assert doc.css("html::attr(lang)").get() == "fr"
    assert doc.css("a.skip::attr(href)").get() == "#main" and doc.css("main#main")
    assert len(doc.css("h1")) == 1


def test_an_operator_can_override_a_template(build, sample: Sample, tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    (overrides / "site").mkdir(parents=True)
    (overrides / "site" / "index.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block title %}Veille{% endblock %}'
        '{% block main %}<h1>Veille du collectif</h1>{% endblock %}',
        encoding="utf-8",
    )
    build(templates_dir=str(overrides))
    assert text_of(page(tmp_path / "site", "index.html"), "h1") == ["Veille du collectif"]
    assert text_of(page(tmp_path / "site", layout.COUNCILS), "h1") == ["Conseils"]  # the others stay


def test_an_operators_labels_rename_a_category(build, sample: Sample, tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "labels.yaml").write_text("categories:\n  drones:\n    fr: drones de surveillance\n", encoding="utf-8")
    build(templates_dir=str(overrides))
    site = tmp_path / "site"
    assert text_of(page(site, layout.category_page("drones")), "h1") == ["Drones de surveillance"]
    assert "Drones de surveillance — 1 mention" in text_of(page(site, layout.CATEGORIES), "ul.categories li")
