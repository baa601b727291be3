"""The spaCy component: registered by name, its patterns on disk, one span per mention."""

from __future__ import annotations

import shutil

import pytest
import spacy

import nlp.detector  # noqa: F401  (registers the factory)
from nlp.detector import SPAN_KEY
from tests.nlp.conftest import NEXT_VERSION_LINE, VERSION_LINE

TEXT = "Le conseil approuve l'extension de la vidéoprotection et l'achat de caméras-piétons à la société Axon."


def _found(doc) -> list[tuple[str, str, str | None]]:
    return [(span.text, span._.vigie.entry.category, span._.vigie.entry.vendor) for span in doc.spans[SPAN_KEY]]


def test_the_component_is_added_by_name_to_a_blank_pipeline() -> None:
    pipeline = spacy.blank("fr")
    pipeline.add_pipe("vigie_detector")
    assert _found(pipeline(TEXT)) == [
        ("vidéoprotection", "video_surveillance", None),
        ("caméras-piétons", "body_cameras", None),
        ("Axon", "body_cameras", "Axon"),
    ]


def test_spans_carry_exact_offsets_score_and_evidence() -> None:
    pipeline = spacy.blank("fr")
    pipeline.add_pipe("vigie_detector")
    doc = pipeline(TEXT)
    vendor = doc.spans[SPAN_KEY][-1]._.vigie
    assert TEXT[vendor.start : vendor.end] == "Axon"
    assert vendor.rule == "vendor-context" and vendor.context == ["vidéoprotection", "caméras-piétons"]
    assert 0 < vendor.score < 1


def test_the_lexicon_is_saved_with_the_pipeline_and_loaded_back(tmp_path, lexicon_copy) -> None:
    categories = lexicon_copy / "categories" / "drones.yaml"
    categories.write_text(
        categories.read_text(encoding="utf-8").replace(
            "  fr: [drone de surveillance,", "  fr: [ballon dirigeable de surveillance, drone de surveillance,"
        ),
        encoding="utf-8",
    )
    pipeline = spacy.blank("fr")
    pipeline.add_pipe("vigie_detector", config={"lexicon_dir": str(lexicon_copy)})
    pipeline.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "vigie_detector" / "categories" / "drones.yaml").is_file()
    shutil.rmtree(lexicon_copy)  # the config still names it: the saved copy alone must be read

    loaded = spacy.load(tmp_path / "pipeline")
    doc = loaded("Location d'un ballon dirigeable de surveillance pour le carnaval.")
    assert _found(doc) == [("ballon dirigeable de surveillance", "drones", None)]
    assert loaded.get_pipe("vigie_detector").version == pipeline.get_pipe("vigie_detector").version


def test_initialize_reloads_an_edited_lexicon(lexicon_copy) -> None:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("vigie_detector", config={"lexicon_dir": str(lexicon_copy)})
    before = pipeline.get_pipe("vigie_detector").version
    meta = lexicon_copy / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(VERSION_LINE, NEXT_VERSION_LINE), encoding="utf-8")
    pipeline.initialize()
    assert before != pipeline.get_pipe("vigie_detector").version


@pytest.mark.parametrize(
    "language, text, category",
    [
        ("en", "Purchase of body-worn cameras.", "body_cameras"),
        ("de", "Ausweitung der Videoüberwachung.", "video_surveillance"),
    ],
)
def test_the_bundled_lexicon_is_used_in_the_pipeline_language(language: str, text: str, category: str) -> None:
    pipeline = spacy.blank(language)
    pipeline.add_pipe("vigie_detector")
    assert [c for _, c, _ in _found(pipeline(text))] == [category]
