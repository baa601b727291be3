"""Measure the detector on an annotated set of passages, beside a naive keyword baseline.

The set is a folder of YAML files (``tests/fixtures/nlp/devset/``, described in its README): each
passage has an id, a text and the labels expected in it. A label is a category (for technology
detections) or ``vendor:<canonical name>``; precision and recall count (passage, label) pairs.
A quarter of the passages, chosen by a hash of their id, is held out from tuning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp.extract import PageText
from nlp.lexicon import LANGUAGES
from storage.safe_yaml import parse_yaml

if TYPE_CHECKING:
    from nlp.analyze import Analyzer

DEFAULT_DATASET = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "nlp" / "devset"
SPLITS = ("dev", "heldout", "all")


class DatasetError(ValueError):
    """The annotated set is missing or malformed; the message names the file and the passage."""


@dataclass(frozen=True)
class Passage:
    id: str
    language: str
    text: str
    expected: frozenset[str]  # labels
    type: str  # positive, hard_negative, negative

    @property
    def heldout(self) -> bool:
        return int(hashlib.sha1(self.id.encode()).hexdigest(), 16) % 4 == 0


def label_of(item: dict[str, Any]) -> str:
    """The label of an expected item or a detection: a category, or "vendor:<name>"."""
    return f"vendor:{item['vendor']}" if item.get("vendor") else item["category"]


def load_dataset(folder: Path | str = DEFAULT_DATASET) -> list[Passage]:
    """Every passage of the YAML files in ``folder``; the language is the file name's prefix."""
    folder = Path(folder)
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise DatasetError(f"{folder}: no annotated passages (*.yaml) here; pass --dataset with the right folder")
    passages, seen = [], set()
    for path in files:
        language = path.stem.split("-")[0]
        if language not in LANGUAGES:
            raise DatasetError(f"{path}: the file name must start with a language ({', '.join(LANGUAGES)})")
        for index, item in enumerate(parse_yaml(path.read_text(encoding="utf-8")) or []):
            if not isinstance(item, dict) or not item.get("id") or not isinstance(item.get("text"), str):
                raise DatasetError(f"{path}: passage #{index + 1} needs an 'id' and a 'text'")
            if item["id"] in seen:
                raise DatasetError(f"{path}: passage id {item['id']!r} is used twice")
            seen.add(item["id"])
            expected = frozenset(label_of(e) for e in item.get("expected") or [])
            passages.append(Passage(item["id"], language, item["text"], expected, item.get("type", "positive")))
    return passages


def select(passages: Iterable[Passage], split: str) -> list[Passage]:
    if split not in SPLITS:
        raise DatasetError(f"unknown split {split!r}: one of {', '.join(SPLITS)}")
    return [p for p in passages if split == "all" or p.heldout == (split == "heldout")]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class Report:
    """Counts per row (categories, "vendors") and overall, with the errors for inspection."""

    rows: dict[str, Counts] = field(default_factory=dict)
    micro: Counts = field(default_factory=Counts)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # passage id, "FP"/"FN", label


def score(passages: list[Passage], predict: Callable[[Passage], set[str]], rows: Iterable[str]) -> Report:
    """Compare ``predict``'s labels with the expected ones, passage by passage."""
    report = Report({row: Counts() for row in rows})
    for passage in passages:
        predicted = predict(passage)
        for label in predicted | passage.expected:
            row = report.rows.setdefault("vendors" if label.startswith("vendor:") else label, Counts())
            if label in predicted and label in passage.expected:
                row.tp += 1
                report.micro.tp += 1
            elif label in predicted:
                row.fp += 1
                report.micro.fp += 1
                report.errors.append((passage.id, "FP", label))
            else:
                row.fn += 1
                report.micro.fn += 1
                report.errors.append((passage.id, "FN", label))
    return report


def detector_labels(passage: Passage) -> set[str]:
    """The labels of Vigie's analysis of one passage."""
    from nlp.analyze import Analyzer

    return text_labels(Analyzer.for_language(passage.language), passage.text)


def text_labels(analyzer: Analyzer, text: str) -> set[str]:
    """The labels of ``analyzer``'s detections in ``text`` taken as one page."""
    return {f"vendor:{f.vendor}" if f.kind == "vendor" else f.category for f in analyzer.analyze([PageText(1, text)])}
