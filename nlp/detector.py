"""The spaCy component that flags surveillance technologies and vendors.

First version: phrase matching on accent-folded token norms, vendors of general trades kept
only when a technology is named on the same page. Issue "Detection" makes it precise.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from nlp.lexicon import LEXICON_DIR, load_lexicon
from spiders.text import fold

SPAN_KEY = "vigie"

for _attr in ("kind", "category", "vendor", "score"):
    if not Span.has_extension(_attr):
        Span.set_extension(_attr, default=None)


@Language.factory("vigie_detector", default_config={"lexicon_dir": str(LEXICON_DIR)})
def make_detector(nlp: Language, name: str, lexicon_dir: str) -> "SurveillanceDetector":
    return SurveillanceDetector(nlp, name, Path(lexicon_dir))


class SurveillanceDetector:
    """Puts one span per mention in ``doc.spans["vigie"]`` with ``kind``, ``category``, ``vendor``, ``score``."""

    def __init__(self, nlp: Language, name: str, lexicon_dir: Path) -> None:
        self.name = name
        self.lexicon = load_lexicon(lexicon_dir)
        self.version = self.lexicon.version
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.labels: dict[str, tuple[str, str, str | None, bool]] = {}
        lang = nlp.lang

        def add(label: str, phrases: list[str], meta: tuple[str, str, str | None, bool]) -> None:
            self.labels[label] = meta
            docs = [self._normalise(nlp.make_doc(p)) for p in phrases]
            self.matcher.add(label, docs)

        for category, entry in self.lexicon.categories.items():
            phrases = entry["terms"].get(lang, []) + [t for ts in entry["terms"].values() for t in ts if lang not in entry["terms"]]
            if phrases:
                add(f"tech:{category}", phrases, ("technology", category, None, True))
        for vendor in self.lexicon.vendors:
            add(f"vendor:{vendor['name']}", vendor["aliases"],
                ("vendor", vendor.get("category", "vendor"), vendor["name"], bool(vendor.get("specialist"))))

    @staticmethod
    def _normalise(doc: Doc) -> Doc:
        for token in doc:
            token.norm_ = fold(token.text)
        return doc

    def __call__(self, doc: Doc) -> Doc:
        self._normalise(doc)
        spans = []
        for match_id, start, end in self.matcher(doc):
            kind, category, vendor, always = self.labels[doc.vocab.strings[match_id]]
            span = Span(doc, start, end, label=kind)
            span._.kind, span._.category, span._.vendor = kind, category, vendor
            span._.score = 1.0 if always else 0.5
            spans.append(span)
        has_technology = any(s._.kind == "technology" for s in spans)
        doc.spans[SPAN_KEY] = [s for s in spans if s._.score == 1.0 or has_technology]
        return doc
