"""What the detector reports: one detection per mention, with its evidence."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from nlp.folding import fold_squeezed


@dataclass
class Detection:
    """A mention of a surveillance technology or vendor in one page of a document."""

    kind: str  # "technology" or "vendor"
    category: str  # a category id; for a vendor, its main category
    vendor: str | None  # canonical name, for vendor detections
    matched: str  # the text as written in the page: page_text[start:end]
    page: int  # 1-based
    start: int  # character offsets in the page's stored text
    end: int
    snippet: str  # the sentence around the match, white space squeezed
    score: float
    lexicon_version: str
    details: dict[str, Any] = field(default_factory=dict)  # rule, context, subcategory, amounts, vote…

    def fingerprint(self) -> str:
        """Identity of the mention within its document, stable across re-analyses (see :func:`fingerprint`)."""
        return fingerprint(self.kind, self.category, self.vendor, self.page, self.snippet)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fingerprint(kind: str, category: str, vendor: str | None, page: int, snippet: str) -> str:
    """What was found (kind, category, vendor) and where (page, sentence folded), hashed.

    The matched words and offsets are left out on purpose: a new lexicon may stretch a match
    ("caméras" → "caméras de vidéoprotection"), and that is no new mention to alert about. Several
    mentions of one category in one sentence are one hit. Every input is a column of the ``hits``
    table, so the identity of a stored hit can always be computed again from its row.
    """
    key = "\x1f".join([kind, category, vendor or "", str(page), fold_squeezed(snippet)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
