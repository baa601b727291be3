"""The town halls of the Annuaire de l'administration (Service-Public.fr, DILA): each commune's site.

Two documented forms are read (Licence Ouverte):

- the open-data export of the « base de données locales » (https://www.data.gouv.fr/fr/datasets/service-public-fr-annuaire-de-l-administration-base-de-donnees-locales/,
  JSON since July 2022): a ``.tar.bz2`` holding a ``….gouv_local.json`` of ``{"service": [record, …]}``;
  the ``.json`` itself is read too;
- the export of its OpenDataSoft API, ``https://api-lannuaire.service-public.fr/api/explore/v2.1/catalog/datasets/api-lannuaire-administration/exports/json?where=…``:
  a list of the same records, whose nested fields are JSON text.

A record has ``id``, ``nom`` (« Mairie - Sandillon »), ``code_insee_commune``, ``pivot``
(``[{"type_service_local": "mairie", "code_insee_commune": ["45300"]}]``), ``site_internet``
(``[{"libelle": "", "valeur": "http://www.sandillon.fr"}]``), ``siren`` and ``adresse`` (a list with
``longitude``/``latitude``): as public readers of both forms use them.
"""

from __future__ import annotations

import io
import json
import tarfile
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TownHall:
    """A commune's town hall as the Annuaire describes it."""

    insee: str
    name: str
    website: str | None
    record_id: str
    lat: float | None = None
    lon: float | None = None


def _field(record: dict, key: str) -> Any:
    value = record.get(key)
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _records(data: bytes, origin: str) -> list[dict]:
    if data[:3] == b"BZh":
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:bz2") as archive:
            member = next((m for m in archive.getmembers() if m.name.endswith(".json")), None)
            if member is None:
                raise ValueError(f"{origin}: no JSON file in the archive")
            data = archive.extractfile(member).read()
    try:
        parsed = json.loads(data)
    except ValueError as exc:
        raise ValueError(f"{origin}: not JSON ({exc}): give the Annuaire's export (.json or .tar.bz2)") from None
    records = parsed.get("service") if isinstance(parsed, dict) else parsed
    if not isinstance(records, list):
        raise ValueError(f"{origin}: expected {{\"service\": [...]}} or a list of records")
    return [r for r in records if isinstance(r, dict)]


def read_bytes(source: str) -> bytes:
    """The export's bytes, from a file or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=120) as answer:  # the operator's URL
            return answer.read()
    return Path(source).read_bytes()


def town_halls(source: str) -> Iterator[TownHall]:
    """The main town hall of each commune of the export (not a « mairie déléguée » or annex when
    the main one is listed), with its site."""
    chosen: dict[str, tuple[int, TownHall]] = {}
    for record in _records(read_bytes(source), source):
        pivots = _field(record, "pivot") or []
        pivots = pivots if isinstance(pivots, list) else [pivots]
        if not any(isinstance(p, dict) and p.get("type_service_local") == "mairie" for p in pivots):
            continue
        insee = str(record.get("code_insee_commune") or "")
        if not insee:
            continue
        sites = _field(record, "site_internet") or []
        website = next(
            (
                s.get("valeur")
                for s in sites
                if isinstance(s, dict) and str(s.get("valeur", "")).startswith(("http://", "https://"))
            ),
            None,
        )
        address = next(iter(_field(record, "adresse") or []), {}) or {}
        name = str(record.get("nom") or "")
        hall = TownHall(
            insee,
            name,
            website,
            str(record.get("id") or ""),
            _number(address.get("latitude")),
            _number(address.get("longitude")),
        )
        rank = ("déléguée" in name.lower() or "annexe" in name.lower(), website is None)
        score = rank[0] * 2 + rank[1]
        if insee not in chosen or score < chosen[insee][0]:
            chosen[insee] = (score, hall)
    for _, hall in chosen.values():
        yield hall


def _number(value: Any) -> float | None:
    try:
        return round(float(value), 5)
    except (TypeError, ValueError):
        return None
