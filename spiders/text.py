"""Text folding shared by link classification and metadata guessing."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents and squeeze white space: "Procès-Verbal  du" → "proces-verbal du"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.replace("\u2019", "'")).strip().lower()
