"""The lexicon files: validated on load, errors naming the file, a version that follows every edit."""

from __future__ import annotations

import pytest

from nlp.lexicon import TAXONOMY, LexiconError, load_lexicon
from tests.nlp.conftest import VERSION_LINE


def test_the_bundled_lexicon_covers_the_taxonomy_in_three_languages() -> None:
    lexicon = load_lexicon()
    assert sorted(lexicon.categories) == sorted(TAXONOMY)
    for category in lexicon.categories.values():
        languages = set(category.terms) | set(category.weak)
        assert {"fr", "en"} <= languages | ({"fr", "en"} if "any" in languages else set()), category.id
    assert any(v.specialist for v in lexicon.vendors) and any(not v.specialist for v in lexicon.vendors)
    assert all(v.category in TAXONOMY for v in lexicon.vendors)


def test_any_edit_changes_the_version(lexicon_copy) -> None:
    before = load_lexicon(lexicon_copy).version
    vendors = lexicon_copy / "vendors.yaml"
    vendors.write_text(vendors.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    after = load_lexicon(lexicon_copy).version
    assert before != after and before.split("+")[0] == after.split("+")[0] == load_lexicon().meta["version"]


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        ("categories/drones.yaml", "id: drones", "id: drone", "'id' must be one of"),
        ("categories/drones.yaml", "  en: [police drone", "  it: [police drone", "unknown language 'it'"),
        (
            "vendors.yaml",
            "    category: algorithmic_video\n    specialist: true\n    aliases: [briefcam",
            "    category: cctv\n    specialist: true\n    aliases: [briefcam",
            "vendor 'BriefCam': 'category'",
        ),
        ("meta.yaml", VERSION_LINE, "version:", "needs a 'version'"),
        ("categories/drones.yaml", "weak:", "weak: [", "invalid YAML"),
    ],
)
def test_errors_name_the_file_and_the_entry(lexicon_copy, file: str, old: str, new: str, message: str) -> None:
    path = lexicon_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as error:
        load_lexicon(lexicon_copy)
    assert str(lexicon_copy / file) in str(error.value)


def test_a_missing_category_file_is_named(lexicon_copy) -> None:
    (lexicon_copy / "categories" / "drones.yaml").unlink()
    with pytest.raises(LexiconError, match="no file for categories drones"):
        load_lexicon(lexicon_copy)
