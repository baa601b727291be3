"""Robust matching: the same term however a PDF or a clerk wrote it."""

from __future__ import annotations

import pytest

from nlp.evaluation import text_labels as labels
from nlp.extract import PageText
from nlp.folding import FoldedText
from nlp.lexicon import load_lexicon
from nlp.patterns import Inflector, scanner_for


@pytest.mark.parametrize(
    "text",
    [
        "Extension du système de vidéoprotection.",
        "Extension du système de VIDÉOPROTECTION.",
        "Extension du système de videoprotection.",
        "Extension du système de vidéo-protection.",
        "Extension du système de vidéo protection.",
        "Extension du système de vidéo-\nprotection.",
        "EXTENSION DU SYSTEME DE VIDEO-\nPROTECTION",
        "Extension du système de vidéo\u00adprotection.",
        "Extension du système de vidéo –\nprotection.",
    ],
)
def test_spelling_variants_of_one_term(fr, text: str) -> None:
    assert labels(fr, text) == {"video_surveillance"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Acquisition de caméras-piétons.", "body_cameras"),
        ("Acquisition d'une caméra-piéton.", "body_cameras"),
        ("Acquisition de caméras piétons.", "body_cameras"),
        ("Acquisition de 12 caméras-\npiétons pour la police municipale.", "body_cameras"),
        ("Lecture automatisée des plaques d’immatriculation aux entrées de ville.", "plate_recognition"),
        ("Lecture automatisée de plaques d'immatriculation aux entrées de ville.", "plate_recognition"),
        ("Des lecteurs de plaques seront installés.", "plate_recognition"),
        ("Le module d'identiﬁcation faciale est désactivé.", "biometrics"),
        ("RECONNAISSANCE\nFACIALE : LA VILLE DIT NON", "biometrics"),
        ("Les détecteurs de sons anormaux seront testés.", "audio_surveillance"),
        ("Les caméras « augmentées » inquiètent la CNIL.", "algorithmic_video"),
    ],
)
def test_plurals_line_breaks_ligatures_apostrophes_and_capitals(fr, text: str, expected: str) -> None:
    assert labels(fr, text) == {expected}


def test_matched_text_is_the_page_text_at_the_offsets(fr) -> None:
    page = PageText(4, "OBJET : EXTENSION DE LA VIDÉO-\nPROTECTION – caméras-\npiétons et l’identiﬁcation faciale")
    detections = fr.analyze([page])
    assert [f.matched for f in detections] == ["VIDÉO-\nPROTECTION", "caméras-\npiétons", "identiﬁcation faciale"]
    assert all(page.text[f.start : f.end] == f.matched and f.page == 4 for f in detections)


@pytest.mark.parametrize(
    "phrase, form",
    [
        ("caméra-piéton", "cameras pietons"),
        ("caméra-piéton", "camerapieton"),
        ("lecture automatisée des plaques d'immatriculation", "lecture automatisee de plaques d'immatriculation"),
        ("vidéo-protégé", "videoprotegees"),
        ("capteur sonore", "capteurs sonores"),
    ],
)
def test_french_forms(phrase: str, form: str) -> None:
    assert form in Inflector(load_lexicon().meta, "fr").forms(phrase)


@pytest.mark.parametrize(
    "text, matched",
    [
        ("Die Polizeidrohne wird eingesetzt.", "Polizeidrohne"),
        ("Lieferung von 14 Videoüberwachungsanlagen.", "Videoüberwachungsanlagen"),
        ("Einsatz der intelligenten Videoüberwachung.", "intelligenten Videoüberwachung"),
    ],
)
def test_german_compounds_match_inside_longer_words(text: str, matched: str) -> None:
    scanner = scanner_for(load_lexicon(), "de")
    assert [text[c.start : c.end] for c in scanner.scan(FoldedText(text))] == [matched]


def test_a_negative_phrase_wins_over_the_shorter_term_inside_it() -> None:
    scanner = scanner_for(load_lexicon(), "fr")
    text = "Un spectacle de drones, puis des drones."
    assert [text[c.start : c.end] for c in scanner.scan(FoldedText(text))] == ["drones"]


@pytest.mark.parametrize(
    "text, found", [("Le contrat avec Orange Business Services", True), ("une lumière orange", False)]
)
def test_cased_aliases_ignore_lower_case_spellings(text: str, found: bool) -> None:
    scanner = scanner_for(load_lexicon(), "fr")
    vendors = [e.vendor for c in scanner.scan(FoldedText(text)) for e in c.entries]
    assert ("Orange" in vendors) is found
