"""The annotated development set: its shape, and the detector's precision and recall on it."""

from __future__ import annotations

from collections import Counter

import pytest

from nlp.companies import canonical_name, fold_key
from nlp.evaluation import detector_labels, load_dataset, score, select
from nlp.evaluation.baseline import baseline_labels
from nlp.lexicon import TAXONOMY, load_lexicon

THRESHOLD = 0.90


@pytest.fixture(scope="module")
def passages():
    return load_dataset()


def test_the_set_is_large_mostly_french_and_hard(passages) -> None:
    languages = Counter(p.language for p in passages)
    hard = sum(p.type == "hard_negative" for p in passages)
    assert len(passages) >= 300
    assert languages["fr"] > len(passages) / 2 and languages["en"] >= 30 and languages["de"] >= 30
    assert hard / len(passages) >= 0.40
    assert 0.2 <= len(select(passages, "heldout")) / len(passages) <= 0.3


def test_labels_are_categories_of_the_taxonomy_or_vendors_known_or_found(passages) -> None:
    lexicon = load_lexicon()
    vendors = {f"vendor:{v.name}" for v in lexicon.vendors}
    legal_forms = {fold_key(f) for f in lexicon.companies["legal_forms"]}
    for passage in passages:
        # A vendor no list knows is written as Vigie normalises it ("Activ Ingenierie").
        found = {
            label
            for label in passage.expected - vendors
            if label.startswith("vendor:")
            and canonical_name(label[len("vendor:") :], legal_forms) == label[len("vendor:") :]
        }
        assert passage.expected <= set(TAXONOMY) | vendors | found, passage.id
        assert bool(passage.expected) == (passage.type == "positive"), passage.id


def test_hard_negatives_are_hard_for_a_keyword_search(passages) -> None:
    hard = [p for p in passages if p.type == "hard_negative"]
    flagged = sum(bool(baseline_labels(p)) for p in hard)
    assert flagged / len(hard) >= 0.9


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_micro_precision_and_recall_reach_the_threshold(passages, split: str) -> None:
    chosen = select(passages, split)
    report = score(chosen, detector_labels, TAXONOMY)
    baseline = score(chosen, baseline_labels, TAXONOMY)
    assert report.micro.precision >= THRESHOLD, report.errors
    assert report.micro.recall >= THRESHOLD, report.errors
    assert report.micro.f1 > baseline.micro.f1
