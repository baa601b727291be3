"""The spaCy component that flags surveillance technologies and vendors: ``vigie_detector``.

Its patterns are the lexicon files (``nlp/lexicon/``): loaded from ``lexicon_dir`` (the bundled
lexicon by default), saved with the pipeline by ``nlp.to_disk`` and read back by ``spacy.load``.
Each mention becomes a span in ``doc.spans["vigie"]`` whose ``span._.vigie`` is a
:class:`~nlp.disambiguate.Mention` (exact character offsets, category, vendor, score, evidence).
When the pipeline has a named-entity recogniser before it, generalist vendors inside names of
places or people are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.disambiguate import Disambiguator, Entity, Mention
from nlp.lexicon import LANGUAGES, Lexicon, load_lexicon, parse_lexicon

SPAN_KEY = "vigie"


@Language.factory("vigie_detector", default_config={"lexicon_dir": ""})
def make_detector(nlp: Language, name: str, lexicon_dir: str) -> SurveillanceDetector:
    """``lexicon_dir``: a folder laid out like ``nlp/lexicon``; empty for the bundled lexicon."""
    return SurveillanceDetector(nlp, name, lexicon_dir)


class SurveillanceDetector:
    """Puts one span per mention in ``doc.spans["vigie"]``."""

    def __init__(self, nlp: Language, name: str = "vigie_detector", lexicon_dir: str | Path = "") -> None:
        if not Span.has_extension("vigie"):
            Span.set_extension("vigie", default=None)
        self.name = name
        self.language = nlp.lang if nlp.lang in LANGUAGES else "fr"
        self.lexicon_dir = str(lexicon_dir or "")
        # Read on first use, not here: ``spacy.load`` builds the component from its config and then
        # calls ``from_disk``, so the folder named in the config (maybe on another machine, maybe
        # gone) must not be read before the saved copy replaces it.
        self._disambiguator: Disambiguator | None = None

    @property
    def disambiguator(self) -> Disambiguator:
        if self._disambiguator is None:
            self._use(load_lexicon(self.lexicon_dir or None))
        return self._disambiguator

    @property
    def lexicon(self) -> Lexicon:
        return self.disambiguator.lexicon

    @property
    def version(self) -> str:
        """The lexicon's version, recorded on every hit."""
        return self.lexicon.version

    def _use(self, lexicon: Lexicon) -> None:
        self._disambiguator = Disambiguator(lexicon, self.language)

    def __call__(self, doc: Doc) -> Doc:
        entities = None
        # A recogniser sets every token's IOB tag; looking at the first is enough (has_annotation scans all).
        if len(doc) and doc[0].ent_iob != 0:
            entities = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        spans = []
        for mention in self.mentions(doc.text, entities):
            span = doc.char_span(mention.start, mention.end, label=mention.entry.kind, alignment_mode="expand")
            if span is not None:
                span._.vigie = mention
                spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc

    def mentions(self, text: str, entities: list[Entity] | None = None) -> list[Mention]:
        """The mentions of ``text`` (``entities``: the recogniser's (start, end, label), if one ran):
        what the component marks on a Doc, for a caller that needs no tokens (see nlp.analyze)."""
        return [m for m in self.disambiguator.mentions(text, entities) if 0 <= m.start < m.end <= len(text)]

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None, lexicon_dir: str = "") -> None:
        """Reload the lexicon (from ``lexicon_dir``, else the configured folder): ``nlp.initialize()`` after an edit."""
        self.lexicon_dir = str(lexicon_dir or self.lexicon_dir)
        self._use(load_lexicon(self.lexicon_dir or None))

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"files": self.lexicon.files})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> SurveillanceDetector:
        self._use(parse_lexicon(srsly.msgpack_loads(data)["files"]))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the lexicon files (YAML, laid out as ``nlp/lexicon``) with the pipeline."""
        path = Path(path)
        for name, text in self.lexicon.files.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text(text, encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SurveillanceDetector:
        self._use(load_lexicon(path))
        return self
