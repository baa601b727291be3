"""What the detector reports: one finding per mention, with its evidence."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Finding:
    """A mention of a surveillance technology or vendor in one page of a document."""

    kind: str  # "technology" or "vendor"
    category: str
    vendor: str | None
    matched: str  # the text as written in the document
    page: int  # 1-based
    start: int  # character offsets in the page's stored text
    end: int
    snippet: str  # the sentence around the match
    score: float
    lexicon_version: str
    details: dict[str, Any] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """Identity of the mention within its document, stable across re-analyses.

        Offsets are left out on purpose: a new lexicon may move a match's boundaries, but the
        same words in the same sentence on the same page are the same mention.
        """
        key = "\x1f".join([self.kind, self.category, self.vendor or "", " ".join(self.matched.lower().split()),
                           str(self.page), " ".join(self.snippet.lower().split())])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
