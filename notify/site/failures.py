"""What kind of failure a recorded error is: the public site names the kind, never the text.

An error message quotes what a council's server or file said (a status line, a header, a file's
first line); shown on a public page, it would publish whatever a hostile server chose. The kinds
and their patterns are data (``failures.yaml``), their words are the site's (``strings.yaml``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from storage.safe_yaml import parse_yaml

PATTERNS = Path(__file__).with_name("failures.yaml")
DEFAULT = "download_failed"


@lru_cache(maxsize=1)
def _kinds() -> list[tuple[str, re.Pattern[str]]]:
    data = parse_yaml(PATTERNS.read_text(encoding="utf-8")) or {}
    return [(kind, re.compile("|".join(f"(?:{p})" for p in patterns), re.I)) for kind, patterns in data.items()]


def failure_kind(*texts: str | None) -> str:
    """The kind of failure that ``texts`` (an error, a finish reason) describe."""
    text = " ".join(t for t in texts if t)
    return next((kind for kind, pattern in _kinds() if pattern.search(text)), DEFAULT)


def kinds() -> list[str]:
    """Every kind, the default last: each needs its words in every language."""
    return [kind for kind, _ in _kinds()] + [DEFAULT]
