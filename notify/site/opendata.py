"""The site's open data: ``findings.csv``, ``findings.json`` and ``councils.geojson``.

One record per finding (:mod:`notify.exports`, the same as `vigie findings`), and one GeoJSON
feature per council with coordinates (RFC 7946: a FeatureCollection of Points, [longitude,
latitude] in WGS 84, no "crs" member) with its findings counted by technology.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from notify.exports import COLUMNS, csv_text, finding_record
from notify.site.content import CouncilView, FindingView

LICENCE = {
    "name": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def records(findings: list[FindingView], page_url: Callable[[str], str]) -> list[dict[str, Any]]:
    """The export records, the oldest finding first (a stable order for diffs between builds)."""
    return [
        finding_record(f.facts, f.score, f.council.country, page_url(f.path))
        for f in sorted(findings, key=lambda f: f.id)
    ]


def findings_csv(rows: list[dict[str, Any]]) -> str:
    return csv_text(rows)


def findings_json(rows: list[dict[str, Any]], updated: str) -> str:
    document = {"licence": LICENCE, "updated": updated, "columns": list(COLUMNS), "findings": rows}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def councils_geojson(councils: list[CouncilView], page_url: Callable[[str], str]) -> str:
    """A Feature per council with coordinates, whether it has findings or not."""
    features = []
    for council in councils:
        if council.latitude is None or council.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": council.id,
                "geometry": {"type": "Point", "coordinates": [round(council.longitude, 5), round(council.latitude, 5)]},
                "properties": {
                    "id": council.id,
                    "name": council.name,
                    "country": council.country,
                    "findings": len(council.findings),
                    "votes_ahead": sum(1 for f in council.findings if f.facts["vote_date"]),
                    "technologies": council.categories,
                    "page": page_url(council.path),
                },
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1) + "\n"
