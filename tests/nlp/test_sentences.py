"""Sentences of extracted text: the snippet of a hit, the same whether a page or a window is split."""

from __future__ import annotations

import pytest

from nlp.extract import PageText
from nlp.language import document_language, guess_language
from nlp.sentences import Sentences, sentence_spans


def _sentences(text: str) -> list[str]:
    return [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("M. Dupont présente le rapport. Mme Martin répond.", ["M. Dupont présente le rapport.", "Mme Martin répond."]),
        (
            "Le conseil municipal\napprouve le projet de\nvidéoprotection.",
            ["Le conseil municipal approuve le projet de vidéoprotection."],
        ),
        (
            "OBJET : EXTENSION DE LA VIDÉO-\nPROTECTION URBAINE\nLe Maire expose le projet.",
            ["OBJET : EXTENSION DE LA VIDÉO- PROTECTION URBAINE", "Le Maire expose le projet."],
        ),
        (
            "OBJET : Maintenance des caméras\nLe marché est attribué.",
            ["OBJET : Maintenance des caméras", "Le marché est attribué."],
        ),
        (
            "Vu le code ;\nVu l'avis de la commission ;\nConsidérant que",
            ["Vu le code ;", "Vu l'avis de la commission ;", "Considérant que"],
        ),
        ("Premier paragraphe sans point\n\nSecond paragraphe", ["Premier paragraphe sans point", "Second paragraphe"]),
        # Headers over several lines without full stops, as deliberations open.
        (
            "Objet : Extension de la vidéoprotection – demande de\nsubvention (FIPD)\nRapporteur : M. Benali, adjoint à la\n"
            "sécurité\nPar délibération du 4 avril 2019, le conseil a créé le système.",
            [
                "Objet : Extension de la vidéoprotection – demande de subvention (FIPD)",
                "Rapporteur : M. Benali, adjoint à la sécurité",
                "Par délibération du 4 avril 2019, le conseil a créé le système.",
            ],
        ),
    ],
)
def test_sentence_rules(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_a_window_starting_at_a_sentence_is_split_like_the_page() -> None:
    page = "Le Maire ouvre la séance. Vu le code ;\nDÉCIDE :\nd'approuver le rapport. Adopté à l'unanimité."
    start = page.index("Vu le code")
    assert [(a - start, b - start) for a, b in sentence_spans(page) if a >= start] == sentence_spans(page[start:])


def test_long_runs_without_punctuation_are_cut_the_same_way_every_time() -> None:
    text = " ".join(["cellule"] * 300)
    spans = sentence_spans(text)
    assert len(spans) > 1 and all(b - a <= 600 for a, b in spans) and spans == sentence_spans(text)


def test_the_snippet_is_the_sentence_around_an_offset() -> None:
    text = "Premier point.   Le conseil approuve\nla vidéoprotection. Dernier point."
    assert Sentences(text).snippet(text.index("vidéo")) == "Le conseil approuve la vidéoprotection."


@pytest.mark.parametrize(
    "text, language",
    [
        ("Le conseil municipal approuve la délibération de la commune.", "fr"),
        ("The City Council will approve the agreement for the purchase.", "en"),
        ("Der Rat der Stadt beschließt die Vorlage und die Mittel für das Jahr.", "de"),
        ("12 345 678", "fr"),
    ],
)
def test_the_language_of_a_file_is_guessed_from_its_common_words(text: str, language: str) -> None:
    assert guess_language(text) == language


@pytest.mark.parametrize("declared, language", [("=de", "de"), ("de", "en"), ("nl", "en"), (None, "en")])
def test_a_document_keeps_its_declared_language_only_when_the_source_insists(declared, language: str) -> None:
    pages = [PageText(1, "The City Council will approve the agreement for the purchase.")]
    assert document_language(pages, declared) == language
