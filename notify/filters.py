"""Which hits a subscription wants: its filters, including the French département of a source.

Filters (all optional; an empty or missing filter lets everything through, and a hit must
pass every filter given):

- ``sources``: source ids;
- ``countries``: ISO 3166 alpha-2 codes of the source (``sources.country``);
- ``departements``: French départements of the source, derived from its INSEE commune code
  (see :func:`departement_of`);
- ``categories``: detector categories; ``vendors``: vendor names, of the lexicon or found in the
  documents (case, accents and punctuation do not matter: "ACTIV Ingénierie" is "Activ Ingenierie");
- ``kinds``: document kinds (agenda, deliberation, minutes, report, annex, other);
- ``min_score``: the detector's confidence, from 0 to 1.
"""

from __future__ import annotations

import re
from typing import Any

from nlp.companies import fold_key
from storage.models import Document, Hit, Source

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


def matches(filters: dict[str, Any], hit: Hit, document: Document, source: Source) -> bool:
    """Whether ``hit`` (in ``document`` of ``source``) passes every filter of a subscription."""
    if hit.retracted_by:
        return False
    checks = (
        ("sources", source.id),
        ("countries", (source.country or "").upper()),
        ("departements", departement_of(source)),
        ("categories", hit.category),
        ("vendors", fold_key(hit.vendor or "")),
        ("kinds", document.kind),
    )
    for key, value in checks:
        wanted = filters.get(key)
        if not wanted:
            continue
        if key == "vendors":
            wanted = [fold_key(w) for w in wanted]
        if value not in wanted:
            return False
    return hit.score >= float(filters.get("min_score") or 0)
