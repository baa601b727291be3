"""Analyse documents: cheap candidates over all the text, spaCy only around them.

Most pages of council documents mention no surveillance technology. The lexicon scan
(:mod:`nlp.patterns`, a folded prefix-tree regex) runs over every page; only the sentences around
its candidates, with enough context on each side for the rules, are read by ``vigie_detector``'s
rules. The statistical model (French: ``fr_core_news_sm``'s named-entity recogniser) runs only in
windows that hold a generalist vendor, and there only on the sentences around vendors' and
companies' names, where the rules ask about its entities.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import spacy
from spacy.language import Language

import nlp.detector  # noqa: F401  (registers the "vigie_detector" factory)
from nlp.companies import fold_key
from nlp.deliberations import DeliberationRules
from nlp.detections import Detection
from nlp.disambiguate import Entity, Mention
from nlp.evidence import DocumentEvidence
from nlp.extract import PageText
from nlp.folding import FoldedText, fold_chars
from nlp.language import page_languages
from nlp.lexicon import LANGUAGES
from nlp.patterns import Candidate, Entry
from nlp.sentences import Sentences

log = logging.getLogger(__name__)

# Statistical pipelines by language: the components worth their cost (NER: places and people), and
# those not even loaded.
MODELS = {"fr": ("fr_core_news_sm", ("tok2vec", "ner"), ("morphologizer", "parser", "attribute_ruler", "lemmatizer"))}
# The model reads this far (characters) on each side of a vendor's name, to whole sentences: far
# more than its window on the text (a few words each side), so that the entities it finds there are
# those it finds reading the whole window, at a fraction of the cost (it costs more than the rest).
NER_CONTEXT = 100


def build_pipeline(language: str, lexicon_dir: str = "") -> tuple[Language, list[str]]:
    """The pipeline for ``language`` and the names of its statistical components (maybe none)."""
    name, keep, exclude = MODELS.get(language, (None, (), ()))
    nlp = None
    if name:
        try:
            nlp = spacy.load(name, exclude=list(exclude))
        except OSError:
            log.warning(
                "spaCy model %s is not installed (pip install %s): falling back to a blank %s pipeline, "
                "without named entities to protect place names from vendor names",
                name,
                name,
                language,
            )
    if nlp is None:
        nlp = spacy.blank(language)
    else:
        for pipe in [p for p in nlp.pipe_names if p not in keep]:
            nlp.remove_pipe(pipe)
    nlp.add_pipe("vigie_detector", config={"lexicon_dir": str(lexicon_dir or "")})
    nlp.max_length = 50_000_000
    return nlp, [p for p in nlp.pipe_names if p != "vigie_detector"]


def _merged(covers: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """The runs (start, end, flag) that overlapping or touching ``covers`` make, each flagged when
    one of its covers is (wide margins may reach back past narrower ones: they are sorted first)."""
    runs: list[tuple[int, int, bool]] = []
    for start, end, flag in sorted(covers):
        if runs and start <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(end, runs[-1][1]), runs[-1][2] or flag)
        else:
            runs.append((start, end, flag))
    return runs


@dataclass
class _Window:
    document: int
    page: int
    start: int
    end: int
    needs_model: bool


class Analyzer:
    """Finds surveillance technologies and vendors in the pages of documents of one language."""

    def __init__(self, language: str = "fr", lexicon_dir: str = "") -> None:
        self.language = language if language in LANGUAGES else "fr"
        self.nlp, self.model_pipes = build_pipeline(self.language, lexicon_dir)
        detector = self.detector = self.nlp.get_pipe("vigie_detector")
        self.lexicon_version = detector.version
        rules = detector.disambiguator
        self.scanner = rules.scanner  # the component's own: candidates found here are those it will find
        # Room on each side of a candidate for the rules (beyond its sentence): none for a strong term
        # or a specialist; its context for a weak term; for a generalist vendor, as far as it looks for
        # a technology plus as far as that technology looks for its own context.
        context, vendor_context = rules.context_chars, rules.vendor_context_chars
        self.margins = {"strong": 0, "specialist": 0, "weak": context + 20, "generalist": vendor_context + context + 20}
        # A company's name ties to a technology up to vendor_context away, which needs its own context.
        self.company_margin, self.company_reach = context + 120, vendor_context + 100
        # A mention with limit words needs to see whether another category is mentioned that far.
        self.limit_margin = rules.limit_chars + context + 20
        self.limits = {c: regex for c, regex in rules.limits.items() if regex is not None}
        self.limited, self.limit_words_reach = set(self.limits), rules.limit_words_reach
        self.companies = rules.vendors.reader
        self.deliberations = DeliberationRules.with_evidence(detector.lexicon.evidence, self.language)

    @classmethod
    @cache
    def for_language(cls, language: str) -> Analyzer | MultilingualAnalyzer:
        """One shared analyzer per language key (loading a pipeline takes a second or two): ``"fr"``, or
        ``"de+fr"`` for documents in two languages (see :func:`nlp.language.document_language`)."""
        return MultilingualAnalyzer(language) if "+" in language else cls(language)

    def analyze(self, pages: Sequence[PageText]) -> list[Detection]:
        """The detections of one document, in page and offset order."""
        return next(self.analyze_documents([pages]))

    def analyze_documents(
        self, documents: Iterable[Sequence[PageText]], batch_size: int = 32
    ) -> Iterator[list[Detection]]:
        """The detections of each document, in order; windows of a batch of documents share ``nlp.pipe``."""
        batch: list[Sequence[PageText]] = []
        for pages in documents:
            batch.append(pages)
            if len(batch) == batch_size:
                yield from self._analyze_batch(batch)
                batch = []
        if batch:
            yield from self._analyze_batch(batch)

    def _analyze_batch(self, documents: list[Sequence[PageText]]) -> list[list[Detection]]:
        windows: list[_Window] = []
        sentences: dict[tuple[int, int], Sentences] = {}
        for d, pages in enumerate(documents):
            for p, page in enumerate(pages):
                candidates = self.scanner.scan(FoldedText(page.text))
                if candidates:
                    sentences[d, p] = Sentences(page.text)
                    windows += self._windows(d, p, candidates, sentences[d, p])
        detections: list[list[Detection]] = [[] for _ in documents]
        if not windows:
            return detections
        # Strings that spaCy learns from the windows (numbers, names) are forgotten after each batch,
        # so that memory stays flat however many documents go through.
        with self.nlp.memory_zone():
            for window, mentions in self._run(documents, windows):
                page = documents[window.document][window.page]
                for mention in mentions:
                    detections[window.document].append(
                        self._detection(page, mention, window.start, sentences[window.document, window.page])
                    )
        for d, found in enumerate(detections):
            if found:
                self._attach_evidence(documents[d], found)
                found.sort(key=lambda f: (f.page, f.start, f.kind))
        return detections

    def _windows(self, d: int, p: int, candidates: list[Candidate], sentences: Sentences) -> list[_Window]:
        """The runs of whole sentences of page ``p`` of document ``d`` that the rules need around its candidates."""
        covers = []
        for c in candidates:
            margin = max(self._margin(e, c, sentences) for e in c.entries)
            start, end = sentences.cover(c.start - margin, c.end + margin)
            covers.append((start, end, any(e.strength == "generalist" for e in c.entries)))
        # A company named near a candidate: both, and the context of the candidate, in one window (the
        # vendors no list knows are read by rules: the model, which costs more than all the rest, is not
        # needed for them).
        for cue in self.companies.cues(sentences.text):
            for c in candidates:
                if abs(c.start - cue) <= self.company_reach:
                    start, end = sentences.cover(
                        min(cue, c.start) - self.margins["weak"], max(cue, c.end) + self.company_margin
                    )
                    covers.append((start, end, False))
        return [_Window(d, p, s, e, bool(self.model_pipes) and g) for s, e, g in _merged(covers)]

    def _margin(self, entry: Entry, candidate: Candidate, sentences: Sentences) -> int:
        margin = max(self.margins[entry.strength], entry.within + 20 if entry.within else 0)
        if entry.category in self.limited:
            # Only a limit word before it needs the far context (whether another category is mentioned).
            start = max(sentences.around(candidate.start)[0], candidate.start - self.limit_words_reach)
            if self.limits[entry.category].search(fold_chars(sentences.text[start : candidate.start])):
                margin = max(margin, self.limit_margin)
        return margin

    def _run(
        self, documents: list[Sequence[PageText]], windows: list[_Window]
    ) -> Iterator[tuple[_Window, list[Mention]]]:
        """(window, its mentions): the detector's rules on each window's text, with the model's
        entities where a generalist vendor needs them (spaCy's tokenizer, whose tokens nothing else
        reads, cost more than the rules: a tenth of the analysis)."""
        chosen = [w for w in windows if w.needs_model]
        texts = [documents[w.document][w.page].text[w.start : w.end] for w in chosen]
        for window, text, entities in zip(chosen, texts, self._entities(texts)):
            yield window, self.detector.mentions(text, entities)
        for window in windows:
            if not window.needs_model:
                yield (
                    window,
                    self.detector.mentions(documents[window.document][window.page].text[window.start : window.end]),
                )

    def _entities(self, texts: list[str]) -> list[list[Entity]]:
        """The model's named entities of each text, (start, end, label), read only where the rules
        look at them: around the vendors' names (see :meth:`_asked`)."""
        asked = [(i, start, text[start:end]) for i, text in enumerate(texts) for start, end in self._asked(text)]
        entities: list[list[Entity]] = [[] for _ in texts]
        if not asked:
            return entities
        pieces = ((piece, (i, start)) for i, start, piece in asked)
        for doc, (i, start) in self.nlp.pipe(pieces, as_tuples=True, disable=["vigie_detector"]):
            entities[i] += [(start + e.start_char, start + e.end_char, e.label_) for e in doc.ents]
        return entities

    def _asked(self, text: str) -> list[tuple[int, int]]:
        """The runs of whole sentences of ``text`` whose entities the rules ask about: those within
        ``NER_CONTEXT`` characters of a vendor's name (a generalist is dropped inside a place's or a
        person's name, and so is a company name the words around it reveal)."""
        names = [
            (c.start, c.end) for c in self.scanner.scan(FoldedText(text)) if any(e.kind == "vendor" for e in c.entries)
        ]
        names += [(n.start, n.end) for n in self.companies.names(text)]
        sentences = Sentences(text)
        covers = [(*sentences.cover(s - NER_CONTEXT, e + NER_CONTEXT), False) for s, e in names]
        return [(start, end) for start, end, _ in _merged(covers)]

    def _detection(self, page: PageText, mention: Mention, offset: int, sentences: Sentences) -> Detection:
        start, end = offset + mention.start, offset + mention.end
        entry = mention.entry
        details = {"rule": mention.rule, "term": entry.term, "language": self.language}
        if mention.subcategory:
            details["subcategory"] = mention.subcategory
        if mention.context:
            details["context"] = mention.context
        if mention.procurement:
            details["procurement"] = mention.procurement
        if entry.product:
            details["product"] = entry.term
        if entry.kind == "vendor":
            details["vendor_status"] = mention.vendor.get("status") or "known"
            if details["vendor_status"] == "known":
                details["vendor_type"] = "specialist" if entry.strength == "specialist" else "generalist"
            details["vendor_key"] = fold_key(entry.vendor or "")
            for key in ("role", "cue", "written"):
                if mention.vendor.get(key):
                    details[f"vendor_{key}"] = " ".join(mention.vendor[key].split())
            details["technologies"] = mention.vendor.get("technologies") or [entry.category]
        return Detection(
            kind=entry.kind,
            category=entry.category,
            vendor=entry.vendor,
            matched=page.text[start:end],
            page=page.number,
            start=start,
            end=end,
            snippet=sentences.snippet(start),
            score=mention.score,
            lexicon_version=self.lexicon_version,
            details=details,
        )

    def _attach_evidence(self, pages: Sequence[PageText], detections: list[Detection]) -> None:
        rules = self.deliberations
        evidence = DocumentEvidence([p.text for p in pages], rules.evidence, rules.split)
        index = {page.number: i for i, page in enumerate(pages)}
        for detection in detections:
            detection.details.update(evidence.details(index[detection.page], detection.start))


class MultilingualAnalyzer:
    """Reads documents in several languages: each page in the language(s) its own text shows."""

    def __init__(self, key: str) -> None:
        self.language = key
        self.analyzers = {language: Analyzer.for_language(language) for language in key.split("+")}
        self.lexicon_version = next(iter(self.analyzers.values())).lexicon_version

    def analyze(self, pages: Sequence[PageText]) -> list[Detection]:
        """The detections of one document, in page and offset order."""
        return next(self.analyze_documents([pages]))

    def analyze_documents(
        self, documents: Iterable[Sequence[PageText]], batch_size: int = 32
    ) -> Iterator[list[Detection]]:
        """The detections of each document, in order (one mention read in two languages counts once)."""
        for pages in documents:
            by_language: dict[str, list[PageText]] = {}
            for page in pages:
                for language in page_languages(page, self.language):
                    by_language.setdefault(language, []).append(page)
            found: dict[tuple[Any, ...], Detection] = {}
            for language, chosen in by_language.items():
                for detection in self.analyzers[language].analyze(chosen):
                    key = (
                        detection.page,
                        detection.start,
                        detection.end,
                        detection.kind,
                        detection.category,
                        detection.vendor,
                    )
                    found.setdefault(key, detection)
            yield sorted(found.values(), key=lambda f: (f.page, f.start, f.kind))
