"""The analyzer: spaCy only around candidates, the same detections as on the whole text, stable fingerprints."""

from __future__ import annotations

import pytest

from nlp.analyze import NER_CONTEXT, Analyzer
from nlp.detector import SPAN_KEY
from nlp.extract import PageText

FILLER = "Le conseil municipal approuve le compte administratif de l'exercice et fixe les tarifs de la cantine. " * 12
PAGE = (
    FILLER + "\nDélibération n° 2024-031\nOBJET : Maintenance des caméras de la voie publique\n"
    "Le marché est attribué à la société Citeos pour 48 000 € HT. "
    + FILLER
    + "\nLe feu d'artifice est remplacé par un spectacle de drones. La société Thales est retenue pour le jumeau numérique. "
    + FILLER
)


def test_findings_are_those_of_the_component_run_on_the_whole_page(fr: Analyzer) -> None:
    whole = fr.nlp(PAGE)
    expected = [(PAGE[s._.vigie.start : s._.vigie.end], s._.vigie.entry.category) for s in whole.spans[SPAN_KEY]]
    detections = fr.analyze([PageText(1, PAGE)])
    assert (
        [(f.matched, f.category) for f in detections]
        == expected
        == [("caméras", "video_surveillance"), ("Citeos", "video_surveillance")]
    )


@pytest.mark.parametrize(
    "sentence, model",
    [
        ("Extension de la vidéoprotection.", False),
        ("La société Thales est retenue pour la vidéoprotection.", True),  # Thales: a generalist vendor
    ],
)
def test_the_model_runs_only_on_windows_with_a_generalist_vendor(
    fr: Analyzer, monkeypatch, sentence: str, model: bool
) -> None:
    """Other windows are read by the detector's rules alone, without spaCy's tokens."""
    calls = _spy_on_the_model(fr, monkeypatch)
    fr.analyze([PageText(1, FILLER + sentence + " " + FILLER), PageText(2, FILLER)])
    assert [len(texts) for texts in calls] == ([1] if model else [])


def test_the_model_reads_only_the_sentences_around_the_vendor(fr: Analyzer, monkeypatch) -> None:
    """The rules ask the model about a vendor's name only: the rest of its window (hundreds of
    characters of context on each side) is not read by it."""
    calls = _spy_on_the_model(fr, monkeypatch)
    sentence = "La société Thales est retenue pour la vidéoprotection."
    fr.analyze([PageText(1, FILLER + sentence + " " + FILLER)])
    [[text]] = calls
    assert sentence in text and len(text) < 2 * NER_CONTEXT + len(sentence) + 2 * len(FILLER) // 12


def test_a_generalist_vendor_in_a_place_name_is_no_vendor_in_a_long_page(fr: Analyzer) -> None:
    """The model reads a part of the window, and still protects the street named after a vendor."""
    page = FILLER + "Les caméras de vidéoprotection de la rue Thalès seront remplacées. " + FILLER
    assert [(d.matched, d.kind) for d in fr.analyze([PageText(1, page)])] == [
        ("caméras de vidéoprotection", "technology")
    ]


def _spy_on_the_model(fr: Analyzer, monkeypatch) -> list[list[str]]:
    """The texts of each call of the statistical pipeline."""
    calls: list[list[str]] = []
    original = fr.nlp.pipe

    def spy(texts, **kwargs):
        texts = list(texts)
        if kwargs.get("as_tuples"):  # Language.pipe calls itself again on the texts alone: counted once
            calls.append([text for text, _ in texts])
        return original(texts, **kwargs)

    monkeypatch.setattr(fr.nlp, "pipe", spy)
    return calls


def test_pages_without_candidates_never_reach_spacy(fr: Analyzer, monkeypatch) -> None:
    monkeypatch.setattr(fr.nlp, "pipe", lambda *a, **k: (_ for _ in ()).throw(AssertionError("spaCy was called")))
    assert fr.analyze([PageText(1, FILLER), PageText(2, FILLER)]) == []


def test_every_finding_has_its_evidence(fr: Analyzer) -> None:
    [camera, vendor] = fr.analyze([PageText(3, PAGE)])
    assert camera.snippet == "OBJET : Maintenance des caméras de la voie publique"
    assert vendor.snippet == "Le marché est attribué à la société Citeos pour 48 000 € HT."
    assert vendor.kind == "vendor" and vendor.vendor == "Citeos" and vendor.page == 3
    assert vendor.details["amounts"][0]["value"] == 48000.0 and vendor.details["procurement"] == "marché"
    assert camera.lexicon_version == fr.lexicon_version and 0 < camera.score <= 1


def test_fingerprints_survive_a_longer_match_and_a_new_lexicon_version(fr: Analyzer) -> None:
    [detection] = fr.analyze([PageText(1, "Le conseil vote l'extension des caméras de la voie publique.")])
    stretched = type(detection)(
        **{
            **detection.as_dict(),
            "matched": "caméras de la voie publique",
            "end": detection.end + 20,
            "lexicon_version": "9.9.9+00000000",
        }
    )
    assert stretched.fingerprint() == detection.fingerprint()
    other_page = type(detection)(**{**detection.as_dict(), "page": 2})
    assert other_page.fingerprint() != detection.fingerprint()


def test_batches_of_documents_give_the_same_findings_as_one_by_one(fr: Analyzer) -> None:
    documents = [[PageText(1, PAGE)], [PageText(1, FILLER)], [PageText(1, "Acquisition de caméras-piétons.")]]
    batched = list(fr.analyze_documents(documents, batch_size=2))
    assert batched == [fr.analyze(pages) for pages in documents]


def test_french_keeps_only_the_named_entity_recogniser_of_its_model(fr: Analyzer) -> None:
    assert fr.model_pipes == ["tok2vec", "ner"]


@pytest.mark.parametrize("language", ["en", "de"])
def test_english_and_german_use_blank_pipelines(language: str) -> None:
    analyzer = Analyzer.for_language(language)
    assert analyzer.model_pipes == [] and analyzer.nlp.lang == language


@pytest.mark.slow  # runs the whole pipeline over many generated pages
def test_windows_find_what_the_component_finds_on_whole_pages_of_generated_minutes(fr: Analyzer) -> None:
    from bench.corpus_text import generate_documents

    pages = [page for document in generate_documents(15, 3, seed=7) for page in document]
    pages.append(
        "Vidéoprotection. " + "Le conseil délibère sur les tarifs municipaux. " * 12 + "Le marché est confié à Citeos."
    )  # a vendor far from the term, within its reach
    for number, text in enumerate(pages, 1):
        whole = fr.nlp(text)
        expected = [
            (s._.vigie.start, s._.vigie.end, s._.vigie.entry.category, s._.vigie.entry.vendor)
            for s in whole.spans[SPAN_KEY]
        ]
        found = [(f.start, f.end, f.category, f.vendor) for f in fr.analyze([PageText(number, text)])]
        assert found == expected, text
