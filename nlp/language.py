"""Guess whether a text is French, English or German from its most common words.

Sources declare their language; files given on the command line do not. Counting a few dozen
function words is enough to tell these three apart on a page of council prose.
"""

from __future__ import annotations

import re
from typing import Sequence

from nlp.extract import PageText
from nlp.lexicon import LANGUAGES

_STOPWORDS = {
    "fr": "le la les de des du et en un une est pour par au aux dans sur que qui avec ce cette sont été conseil "
          "municipal délibération commune",
    "en": "the of and to in for is on that by with this be are was as at from council city approve agreement",
    "de": "der die das und zu den von mit ist im für auf dem nicht ein eine des sich auch werden wird stadt rat",
}
_WORDS = re.compile(r"[^\W\d_]+")
_SETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}


def guess_language(text: str, default: str = "fr", sample: int = 20_000) -> str:
    """``fr``, ``en`` or ``de``: the language whose common words are most frequent in ``text``."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for word in _WORDS.findall(text[:sample].lower()):
        for language, words in _SETS.items():
            if word in words:
                counts[language] += 1
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else default


def document_language(pages: Sequence[PageText], declared: str | None = None) -> str:
    """``declared`` when the lexicon has that language, else the language guessed from the first pages."""
    if declared in LANGUAGES:
        return declared
    return guess_language(" ".join(p.text for p in pages[:3]))
