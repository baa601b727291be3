"""The naive baseline: the keyword search a volunteer would run over the same passages.

Each category has a few obvious keywords (``baseline.yaml``), and each vendor its names from the
lexicon; a keyword found at the start of a word (anywhere in a word for German, whose compounds
hide them: "Wärmebildkamera"), ignoring case and accents, flags the passage. No context, no
negatives: it shows what the detector's rules are worth.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from nlp.evaluation import Passage
from nlp.folding import fold_phrase, fold_squeezed
from nlp.lexicon import load_lexicon
from storage.safe_yaml import parse_yaml

KEYWORDS = Path(__file__).with_name("baseline.yaml")


@lru_cache(maxsize=1)
def _patterns() -> tuple[frozenset[str], dict[bool, list[tuple[str, re.Pattern[str]]]]]:
    """The compound languages, and the keyword regexes with and without a word start."""
    lexicon = load_lexicon()
    keywords = parse_yaml(KEYWORDS.read_text(encoding="utf-8"))
    labels = [(category, words) for category, words in keywords["categories"].items()]
    labels += [(f"vendor:{v.name}", [a.text.lstrip("=") for a in v.aliases if not a.product]) for v in lexicon.vendors]
    patterns = {
        compound: [
            (
                label,
                re.compile(
                    ("" if compound else r"(?<!\w)") + "(?:" + "|".join(re.escape(fold_phrase(w)) for w in words) + ")"
                ),
            )
            for label, words in labels
        ]
        for compound in (False, True)
    }
    return frozenset(lexicon.meta.get("compound_languages") or ()), patterns


def baseline_labels(passage: Passage) -> set[str]:
    """Every label one of whose keywords appears in the passage."""
    compound_languages, patterns = _patterns()
    text = fold_squeezed(passage.text)
    return {label for label, pattern in patterns[passage.language in compound_languages] if pattern.search(text)}
