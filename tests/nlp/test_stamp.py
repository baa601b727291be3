"""The @ctes stamp: parsed into metadata, removed from the text before matching."""

from __future__ import annotations

import pytest

from nlp.extract import extract
from nlp.extract.stamp import parse_acte_id, strip_stamp
from tests.crawl.pdfs import make_pdf

STAMP_S2LOW = "Envoyé en préfecture le 09/02/2021\nReçu en préfecture le 09/02/2021\nAffiché le\nID : 013-211301106-20210201-1212-AI\n"
STAMP_AR = (
    "Accusé de réception en préfecture\n013-211300561-20211025-RA21_23060-AR\n"
    "Date de télétransmission : 25/10/2021\nDate de réception préfecture : 25/10/2021\n"
)
STAMP_OCR = ":Reça pn préfecture le 16/06/2022\n1D : 030-213001100-20220610-CR28042022-DE |\n"


@pytest.mark.parametrize(
    "stamp, acte_id, dates",
    [
        (STAMP_S2LOW, "013-211301106-20210201-1212-AI", {"sent": "2021-02-09", "received": "2021-02-09"}),
        (
            STAMP_AR,
            "013-211300561-20211025-RA21_23060-AR",
            {"teletransmission": "2021-10-25", "acknowledged": "2021-10-25"},
        ),
        (STAMP_OCR, "030-213001100-20220610-CR28042022-DE", {"received": "2022-06-16"}),
    ],
)
def test_stamp_layouts_are_parsed_and_removed(stamp: str, acte_id: str, dates: dict) -> None:
    body = "OBJET : Vidéoprotection\nLe conseil municipal approuve."
    text, found = strip_stamp(stamp + body)
    assert text == body
    assert found["acte"]["id"] == acte_id
    assert {k: v for k, v in found.items() if k != "acte"} == dates


def test_the_identifier_is_split_into_its_parts() -> None:
    assert parse_acte_id("ID : 069-216901496-20160603-20160526_7-DE") == {
        "id": "069-216901496-20160603-20160526_7-DE",
        "departement": "069",
        "siren": "216901496",
        "date": "2016-06-03",
        "number": "20160526_7",
        "nature": "DE",
        "nature_label": "délibération",
    }


def test_an_identifier_quoted_in_the_text_stays() -> None:
    text = "Vu la délibération 013-211300561-20211025-RA21_23060-AR du conseil métropolitain ;"
    assert strip_stamp(text) == (text, {})


def test_extract_stores_the_cleaned_text_and_returns_the_stamp_as_metadata() -> None:
    pdf = make_pdf("COMMUNE DE BELLERIVE\n" + STAMP_S2LOW + "OBJET : Extension de la vidéoprotection")
    extraction = extract(pdf, "application/pdf", "delib.pdf")
    assert "préfecture" not in extraction.pages[0].text and "ID :" not in extraction.pages[0].text
    assert extraction.metadata["acte_id"] == "013-211301106-20210201-1212-AI"
    assert extraction.metadata["prefecture"] == {"sent": "2021-02-09", "received": "2021-02-09"}
