"""Analyse pages of text: the spaCy pipeline per language, and its findings as :class:`Finding`."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

import nlp.detector  # noqa: F401  (registers the "vigie_detector" factory)
from nlp.detector import SPAN_KEY
from nlp.extract import PageText
from nlp.findings import Finding

SUPPORTED = ("fr", "en", "de")


def build_pipeline(language: str) -> Language:
    """A blank tokenizer for ``language``, sentence boundaries and the detector."""
    nlp = spacy.blank(language if language in SUPPORTED else "fr")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("vigie_detector")
    nlp.max_length = 10_000_000
    return nlp


class Analyzer:
    """Finds surveillance technologies and vendors in the pages of one document."""

    def __init__(self, language: str = "fr") -> None:
        self.language = language
        self.nlp = build_pipeline(language)
        self.lexicon_version = self.nlp.get_pipe("vigie_detector").version

    @classmethod
    @lru_cache(maxsize=None)
    def for_language(cls, language: str) -> "Analyzer":
        return cls(language)

    def analyze(self, pages: list[PageText]) -> list[Finding]:
        findings = []
        for page, doc in zip(pages, self.nlp.pipe(p.text for p in pages)):
            for span in doc.spans[SPAN_KEY]:
                sentence = span.sent
                findings.append(Finding(
                    kind=span._.kind, category=span._.category, vendor=span._.vendor,
                    matched=span.text, page=page.number, start=span.start_char, end=span.end_char,
                    snippet=" ".join(sentence.text.split()), score=span._.score,
                    lexicon_version=self.lexicon_version,
                ))
        return findings
