"""Amounts and vote results of the deliberation a hit stands in."""

from __future__ import annotations

import re

import pytest

from nlp.evidence import EvidenceRules, LineRegex, parse_number
from nlp.extract import PageText
from nlp.lexicon import load_lexicon


@pytest.mark.parametrize(
    "text, value",
    [
        ("186 450,00", 186450.0),
        ("1,245,000", 1245000.0),
        ("120.000", 120000.0),
        ("1,8", 1.8),
        ("187,500", 187500.0),
        ("42 800", 42800.0),
        ("3,45", 3.45),
        ("1.234.567,89", 1234567.89),
    ],
)
def test_numbers_in_french_english_and_german_notation(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("fr", "pour un montant de 186 450,00 € HT", [(186450.0, "EUR", "HT")]),
        ("fr", "une enveloppe de 1,8 M€ et 9 840 euros TTC", [(1800000.0, "EUR", None), (9840.0, "EUR", "TTC")]),
        (
            "en",
            "not to exceed $187,500 over three years, or $1.2 million in total",
            [(187500.0, "USD", None), (1200000.0, "USD", None)],
        ),
        ("de", "Kosten von 120.000 Euro", [(120000.0, "EUR", None)]),
        ("fr", "les 12 caméras de la rue du 8 mai 1945", []),
    ],
)
def test_amounts(language: str, text: str, expected: list) -> None:
    found = EvidenceRules(load_lexicon().evidence, language).amounts(text)
    assert [(a["value"], a["currency"], a.get("tax")) for a in found] == expected


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("fr", "Adopté à l'unanimité.", {"result": "adopted", "unanimous": True}),
        (
            "fr",
            "Pour : 25 – Contre : 3 – Abstentions : 2",
            {"result": "adopted", "for": 25, "against": 3, "abstentions": 2},
        ),
        (
            "fr",
            "La motion est adoptée par 31 voix pour, 4 contre et 2 abstentions.",
            {"result": "adopted", "unanimous": False, "for": 31, "against": 4, "abstentions": 2},
        ),
        ("fr", "Le vœu est rejeté.", {"result": "rejected", "unanimous": False}),
        (
            "en",
            "Motion carried 5-2. Ayes: 5 Noes: 2",
            {"result": "adopted", "unanimous": False, "for": 5, "against": 2},
        ),
        ("de", "Der Antrag wird einstimmig beschlossen.", {"result": "adopted", "unanimous": True}),
        ("fr", "Le Maire présente le rapport.", None),
    ],
)
def test_vote_results(language: str, text: str, expected: dict | None) -> None:
    vote = EvidenceRules(load_lexicon().evidence, language).vote(text)
    assert (None if vote is None else {k: v for k, v in vote.items() if k != "text"}) == expected


def test_a_hit_gets_the_amounts_and_vote_of_its_own_deliberation_across_pages(fr) -> None:
    pages = [
        PageText(
            1,
            "Délibération n° 2023-014\nOBJET : Tarifs de la cantine\nLe repas est fixé à 3,45 €.\n"
            "Adopté à l'unanimité.\n\nDélibération n° 2023-015\nOBJET : Extension de la vidéoprotection\n"
            "Le Maire présente le projet d'installation de huit caméras supplémentaires sur la voie publique.",
        ),
        PageText(
            2,
            "La dépense s'élève à 62 400 € HT.\nPour : 22 – Contre : 5 – Abstentions : 2\n\n"
            "Délibération n° 2023-016\nOBJET : Subvention au comité des fêtes de 1 500 €.\nAdopté à l'unanimité.",
        ),
    ]
    detections = fr.analyze(pages)
    assert {f.category for f in detections} == {"video_surveillance"}
    for detection in detections:
        assert [a["value"] for a in detection.details["amounts"]] == [62400.0]
        assert detection.details["vote"]["for"] == 22 and detection.details["vote"]["against"] == 5


AGENDA = """ORDRE DU JOUR
1.
2. Vidéoprotection : extension du réseau
  3) Subvention au titre du FIPD
Objet : 4. ne commence pas une ligne
5.\tConvention"""


@pytest.mark.parametrize("body", [r"[ \t]*\d{1,3}\s*[-.)]\s+", r"[ \t]*objet\s*:", r"[ \t]*(?:\d\.\s*)?\w"])
@pytest.mark.parametrize("pos, endpos", [(0, None), (14, None), (15, None), (0, 40), (3, 70)])
def test_a_line_regex_finds_what_the_anchored_multiline_regex_finds(body, pos, endpos):
    # "1.\n2. …": the first match ends with the newline, and the next one starts right after it.
    anchored = re.compile("^" + body, re.I | re.M)
    lines = LineRegex(body, re.I)
    end = len(AGENDA) if endpos is None else endpos

    assert [m.span() for m in lines.finditer(AGENDA, pos, endpos)] == [
        m.span() for m in anchored.finditer(AGENDA, pos, end)
    ]
    first, expected = lines.search(AGENDA, pos, endpos), anchored.search(AGENDA, pos, end)
    assert (first and first.span()) == (expected and expected.span())
