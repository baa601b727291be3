"""Text folding shared by link classification and metadata guessing.

Not ``nlp.folding``, on purpose: that one must keep every character's offset (evidence quotes the
page as stored) and turns guillemets into ``"``, which would lose the pagination arrows « » › of
``spiders/vocabulary.yaml``. Link texts and URLs need no offsets, so this one applies full NFKD
compatibility folding, which also reads a typeset ordinal "1ᵉʳ février" as "1er fevrier".
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents and squeeze white space: "Procès-Verbal  du" → "proces-verbal du"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.replace("\u2019", "'")).strip().lower()
