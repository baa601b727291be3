"""Guessing a document's kind, meeting date and title from the words around its link."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.base import TITLE_MAX
from spiders.metadata import find_dates, guess_kind, meeting_date
from spiders.platforms.html import HtmlCouncilSpider, document_title
from spiders.registry import parse_entry


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Séance du 1er février 2016", [dt.date(2016, 2, 1)]),
        ("CM du 12/03/2024, publié le 2024-03-20", [dt.date(2024, 3, 12), dt.date(2024, 3, 20)]),
        ("DELIB_20230115_12.pdf", [dt.date(2023, 1, 15)]),
        ("Meeting of March 3, 2024", [dt.date(2024, 3, 3)]),
        ("Regular Meeting of November 12, 2024", [dt.date(2024, 11, 12)]),
        ("Séance du 1ᵉʳ février 2016", [dt.date(2016, 2, 1)]),  # a typeset ordinal
        ("Sitzung am 3. März 2024", [dt.date(2024, 3, 3)]),
        ("Délibération n° 2024-31/02", []),  # a number, not a date (no 31 February)
    ],
)
def test_find_dates(text, expected):
    assert find_dates(text) == expected


@pytest.mark.parametrize(
    "texts, kind",
    [
        (("Ordre du jour", "", ""), "agenda"),
        (("Convocation du conseil", "", ""), "agenda"),
        (("Procès-verbal de la séance",), "minutes"),
        (("Liste des délibérations votées",), "minutes"),
        (("Télécharger", "/files/pv-cm-2024-03-12.pdf"), "minutes"),  # from the URL when the text says nothing
        (("Délibérations n° 12 à 18",), "deliberation"),
        (("Annexe 2 : plan de financement",), "annex"),
        (("Menu de la cantine",), "other"),
    ],
)
def test_guess_kind(texts, kind):
    assert guess_kind(*texts) == kind


def test_a_platform_says_what_a_document_is_when_its_words_do_not():
    assert (guess_kind("Kostenschätzung"), guess_kind("Kostenschätzung", default="annex")) == ("other", "annex")
    assert guess_kind("Niederschrift", default="annex") == "minutes"


@pytest.mark.parametrize(
    "text, context, heading, page_heading, url, expected",
    [
        # The séance named next to a date wins over other dates in the link text.
        ("Festivités du 14 juillet 2026", "", "Conseil municipal du 30 juin 2026", "", "", dt.date(2026, 6, 30)),
        ("Tarifs à compter du 1er janvier 2027", "", "Séance du 22 septembre 2026", "", "", dt.date(2026, 9, 22)),
        # A sub-page whose nearest heading is a section title: the page's own title has the date.
        (
            "Délibération 2026-045",
            "",
            "Délibérations",
            "Conseil municipal du 20 octobre 2026",
            "",
            dt.date(2026, 10, 20),
        ),
        # A table row: the date cell beside the link.
        ("Budget primitif", "12/03/2026 Budget primitif", "Archives", "", "", dt.date(2026, 3, 12)),
        ("PV", "", "", "", "https://ville.example/pv-2026-04-02.pdf", dt.date(2026, 4, 2)),
        ("Document", "", "", "", "https://ville.example/doc.pdf", None),
    ],
)
def test_meeting_date(text, context, heading, page_heading, url, expected):
    assert meeting_date(text, context, heading, page_heading, url) == expected


@pytest.mark.parametrize(
    "text, heading, page_heading, title",
    [
        (
            "Ordre du jour",
            "Délibérations",
            "Conseil municipal du 20 octobre 2026",
            "Ordre du jour — Conseil municipal du 20 octobre 2026",
        ),
        ("Délibération n° 2026-045", "Séance du 20 octobre 2026", "", "Délibération n° 2026-045"),
        ("Procès-verbal", "Archives", "Conseil municipal", "Procès-verbal"),
    ],
)
def test_a_generic_link_text_is_completed_by_its_seance(text, heading, page_heading, title):
    assert document_title(text, heading, page_heading) == title


def test_a_title_is_cut_whatever_the_platform_gives():
    spider = HtmlCouncilSpider(
        parse_entry(
            {
                "id": "valmont",
                "name": "Valmont",
                "country": "FR",
                "platform": "html",
                "url": "https://valmont.example/conseil/",
            },
            origin="test",
        )
    )
    item = spider.document_item("https://valmont.example/a.pdf", title="Objet : " + "caméras " * 300)
    assert len(item.title) == TITLE_MAX and item.title.startswith("Objet : caméras")
