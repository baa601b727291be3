"""The @ctes transmission identifier, as found in SCDL fields, URLs and file names.

Its shape is ``DDD-SSSSSSSSS-YYYYMMDD-<internal number>-<NATURE>``: département, SIREN of
the emitting body, a date (the transmission date, not the meeting's), the body's own act
number (which may itself contain dashes and underscores) and the nature of the act
(DE délibération, AR acte réglementaire, AI acte individuel, CC, BF, AU).
Reading it from the stamp printed in a PDF is the extraction stage's job.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# Lazy internal number: it may contain dashes, so the first nature code after it ends it.
ACTE_ID = re.compile(
    r"(?<![0-9A-Za-z])((?:\d{3}|0?2[AB])-\d{9}-\d{8}-[^\s/?#&]+?-(?:DE|AR|AI|CC|BF|AU))(?![0-9A-Za-z])"
)


def find_acte_id(*texts: str | None) -> str | None:
    """The first @ctes identifier written in ``texts`` (URL-decoded), or None."""
    for text in texts:
        if not text:
            continue
        match = ACTE_ID.search(unquote(str(text)))
        if match:
            return match.group(1)
    return None
