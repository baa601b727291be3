"""The language a document is read in: the source's a default, the text's words the judge."""

from __future__ import annotations

import pytest

from nlp.analyze import Analyzer
from nlp.extract import PageText
from nlp.language import declared_language, document_language

DE = (
    "Der Rat der Stadt beschließt, die Verwaltung mit der Prüfung einer Videoüberwachung am Bahnhof zu beauftragen. "
    "Die Kosten werden im Haushalt für das kommende Jahr eingeplant und mit der Polizei abgestimmt."
)
FR = (
    "Le conseil municipal approuve le projet de la commune et autorise le maire à signer la convention avec la "
    "préfecture pour les travaux de voirie de la rue des Écoles."
)
EN = (
    "The City Council approved the agreement with the county and authorized the City Manager to sign it on behalf "
    "of the city for the repaving of Main Street."
)


@pytest.mark.parametrize(
    "pages, declared, expected",
    [
        ([DE], "fr", "de"),  # a German paper on a source recorded as French
        ([EN], "de", "en"),
        ([FR], "fr", "fr"),
        ([DE], "=fr", "fr"),  # the source insists
        (["Videoüberwachung am Bahnhof"], "de", "de"),  # too few words to overrule the source
        (["Videoüberwachung am Bahnhof und in der Innenstadt"], None, "de"),  # without a source, a few words choose
        ([FR, DE], "fr", "de+fr"),  # a French deliberation with a German annex
        ([FR + " " + DE], "fr", "de+fr"),  # one page in two languages
    ],
)
def test_a_document_is_read_in_the_language_of_its_text(pages, declared, expected) -> None:
    assert document_language([PageText(i + 1, t) for i, t in enumerate(pages)], declared) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("de", ("de", False)),
        ("=de", ("de", True)),
        (" =EN ", ("en", True)),
        ("it", (None, False)),
        (None, (None, False)),
    ],
)
def test_a_source_insists_on_its_language_with_an_equals_sign(value, expected) -> None:
    assert declared_language(value) == expected


def test_each_page_of_a_document_in_two_languages_is_read_in_its_own() -> None:
    pages = [
        PageText(1, FR + " Le conseil approuve l'extension du système de vidéoprotection de la commune."),
        PageText(2, DE + " Die Drohne der Stadtpolizei wird für Großveranstaltungen beschafft."),
    ]
    analyzer = Analyzer.for_language(document_language(pages, "fr"))
    found = {(d.page, d.category, d.details["language"]) for d in analyzer.analyze(pages)}
    assert found == {(1, "video_surveillance", "fr"), (2, "video_surveillance", "de"), (2, "drones", "de")}
