"""Fixtures of the detection tests: the bundled analyzers, and copies of the lexicon to edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nlp.analyze import Analyzer
from nlp.lexicon import LEXICON_DIR, load_lexicon

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "nlp"
# meta.yaml's version line, and the one the tests that edit the lexicon write in its place.
VERSION_LINE = f'version: "{load_lexicon().meta["version"]}"'
NEXT_VERSION_LINE = 'version: "99.0.0"'


@pytest.fixture(scope="session")
def fr() -> Analyzer:
    return Analyzer.for_language("fr")


@pytest.fixture
def lexicon_copy(tmp_path: Path) -> Path:
    """An editable copy of the bundled lexicon."""
    target = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target
