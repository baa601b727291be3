"""What `vigie sources verify` concludes from a source's sample crawl, and what to do next.

A source is verified when its sample crawl stored at least one document and did not fail: it
answered as its platform expects. Otherwise the record says why, and the advice says what a
maintainer should do, from the failure's wording (``spiders.base.describe_failure`` and the
platforms' listing errors).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from spiders.registry import SourceSpec
from storage.states import RunStatus

# (words in the failure, advice); the first that matches wins. {path} and {id} are filled in.
ADVICE = (
    (
        ("robots",),
        "the host's robots.txt forbids Vigie: ask its webmaster to allow the User-Agent, or get the "
        "documents by a records request and add them with `vigie ingest`",
    ),
    (
        ("HTTP 404", "HTTP 410"),
        "the URL is gone: find the current page on the council's site, put it as url in "
        "{path}, then `vigie sources verify {id}`",
    ),
    (("HTTP 401", "HTTP 403"), "the server refuses Vigie (login or block): ask its webmaster, or find a public page"),
    (("DNS",), "the host name is unknown: check the URL in {path}, and that this machine reaches the internet"),
    (
        ("timed out", "connection refused", "HTTP 5"),
        "the server did not answer properly: try again later; if it lasts, check the URL in {path}",
    ),
    (
        ("expected", "no `", "no result"),
        "the URL does not answer as a {platform} source: check platform and url in "
        "{path} (docs/sources.md says what each platform expects)",
    ),
)
EMPTY_ADVICE = (
    "the page was read but held no document: give a better start page, or config.document_links / "
    "follow_links (docs/sources.md), in {path}; then `vigie sources verify {id}`"
)


@dataclass
class Outcome:
    """The verdict on one source: its ``record`` goes into the entry's ``verification`` field."""

    spec: SourceSpec
    ok: bool
    record: dict[str, Any]
    advice: str


def judge(
    spec: SourceSpec, status: str, error: str | None, titles: list[str | None], today: dt.date | None = None
) -> Outcome:
    """The outcome of a sample crawl that ended with ``status`` (ok, empty, failed) and ``error``,
    having stored documents with these ``titles``."""
    ok = bool(titles) and status != RunStatus.FAILED
    record: dict[str, Any] = {
        "date": (today or dt.date.today()).isoformat(),
        "result": "ok" if ok else ("failed" if status == RunStatus.FAILED else "empty"),
        "documents": len(titles),
    }
    sample = next((" ".join(str(t).split())[:120] for t in titles if t), None)
    if sample:
        record["sample_title"] = sample
    if ok:
        return Outcome(spec, True, record, "")
    reason = error or "no document found"
    record["error"] = reason[:300]
    advice = next((text for words, text in ADVICE if any(w in reason for w in words)), EMPTY_ADVICE)
    return Outcome(spec, False, record, advice.format(path=spec.path or spec.id, id=spec.id, platform=spec.platform))
