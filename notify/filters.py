"""Which findings a subscription (or `vigie findings`) wants: filters, and the département of a source.

Filters (all optional; an empty or missing filter lets everything through, and a finding must
pass every filter given):

- ``sources``: source ids;
- ``countries``: ISO 3166 alpha-2 codes of the source (``sources.country``);
- ``departements``: French départements of the source, derived from its INSEE commune code
  (see :func:`departement_of`);
- ``categories``: detector categories (a finding has one of them; ``vendor``: it names a vendor);
- ``vendors``: vendor names, of the lexicon or found in the documents (case, accents and punctuation
  do not matter: "ACTIV Ingénierie" is "Activ Ingenierie");
- ``kinds``: kinds of the documents that show the finding (agenda, deliberation, minutes, report, annex, other);
- ``min_score``: the detector's confidence in its surest mention, from 0 to 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from nlp.companies import fold_key
from storage.models import Finding, FindingDocument, Source
from storage.states import FindingStatus

FILTER_KEYS = ("sources", "countries", "departements", "categories", "vendors", "kinds", "min_score")
CODE = re.compile(r"\b(insee|departement)\s*:\s*([0-9][0-9AB][0-9]{0,3})\b", re.IGNORECASE)


def departement_of(source: Source) -> str | None:
    """The département of a French source, from ``official_code`` (``"insee:13055, siren:…"``).

    An INSEE commune code is five characters; its département is the first two (``13055`` →
    ``13``, ``2A004`` → ``2A``), or the first three overseas, where codes start with 97
    (``97411`` → ``974``). A ``departement:NN`` entry (for a département's own council) is
    taken as it is. None for other countries and for sources without such a code.
    """
    if (source.country or "").upper() != "FR" or not source.official_code:
        return None
    for kind, code in CODE.findall(source.official_code):
        code = code.upper()
        if kind.lower() == "departement":
            return code
        if len(code) == 5:
            return code[:3] if code.startswith("97") else code[:2]
    return None


def matches(filters: dict[str, Any], finding: Finding, source: Source) -> bool:
    """Whether ``finding`` (of ``source``) passes every filter of a subscription."""
    if finding.status != FindingStatus.ACTIVE:
        return False
    categories = set(finding.categories or {}) | ({"vendor"} if finding.vendors else set())
    checks = (
        ("sources", {source.id}),
        ("countries", {(source.country or "").upper()}),
        ("departements", {departement_of(source)}),
        ("categories", categories),
        ("vendors", {fold_key(v) for v in finding.vendors or []}),
        ("kinds", set(finding.kinds or [])),
    )
    for key, values in checks:
        wanted = filters.get(key)
        if not wanted:
            continue
        if key == "vendors":
            wanted = [fold_key(w) for w in wanted]
        if not values & set(wanted):
            return False
    return finding.score >= float(filters.get("min_score") or 0)


def finding_query(filters: dict[str, Any]) -> Select[Any]:
    """(Finding, Source) rows, active, with the filters SQL can apply; :func:`matching` does the rest."""
    query = (
        select(Finding, Source)
        .join(Source, Finding.source_id == Source.id)
        .where(Finding.status == FindingStatus.ACTIVE)
        .order_by(Finding.id)
    )
    if filters.get("sources"):
        query = query.where(Finding.source_id.in_(filters["sources"]))
    if filters.get("countries"):
        query = query.where(Source.country.in_(filters["countries"]))
    if filters.get("min_score"):
        query = query.where(Finding.score >= float(filters["min_score"]))
    return query


def matching(
    session: Session, filters: dict[str, Any], query: Select[Any] | None = None, documents: bool = True
) -> Iterator[Finding]:
    """The findings that pass ``filters`` (``query``: :func:`finding_query`'s, narrowed further);
    ``documents``: load the documents that show each (for showing them, not for counting)."""
    query = finding_query(filters) if query is None else query
    if documents:
        query = query.options(selectinload(Finding.sightings).joinedload(FindingDocument.document))
    for finding, source in session.execute(query):
        if matches(filters, finding, source):
            yield finding


def findings_of_vendor(session: Session, vendor: str) -> list[Finding]:
    """The findings that name ``vendor`` (case does not matter): what `vigie vendors` counts."""
    return list(matching(session, {"vendors": [vendor]}))
