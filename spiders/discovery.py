"""Candidate sources for the communes that have none: `vigie sources discover`.

The Annuaire de l'administration gives each commune's site (``spiders.annuaire``); INSEE's legal
populations say which communes must publish online (``spiders.communes``). A commune of enough
inhabitants that no registry entry covers becomes a candidate entry: on a known platform when its site
is one (``spiders/platform_urls.yaml``), else the generic ``html`` spider at its home page. Candidates
are disabled and unverified until `vigie sources verify` has seen them answer. An existing file is
never rewritten: a second run changes nothing, and a verified candidate stays as verify left it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spiders.annuaire import TownHall
from spiders.communes import Commune, insee_code
from spiders.registry import SourceSpec
from spiders.registry_write import write_new_entry
from spiders.text import fold
from storage.safe_yaml import parse_yaml

PLATFORM_URLS = Path(__file__).with_name("platform_urls.yaml")
ANNUAIRE = (
    "https://www.data.gouv.fr/fr/datasets/service-public-fr-annuaire-de-l-administration-base-de-donnees-locales/"
)


@lru_cache(maxsize=1)
def platform_rules() -> list[tuple[str, re.Pattern[str], str]]:
    """(platform, pattern, url template) of ``spiders/platform_urls.yaml``, in order."""
    rules = parse_yaml(PLATFORM_URLS.read_text(encoding="utf-8"))
    return [(r["platform"], re.compile(r["match"]), r["url"]) for r in rules]


def channel(website: str, commune: Commune) -> tuple[str, str]:
    """(platform, url) of a commune whose site is ``website``."""
    for platform, pattern, template in platform_rules():
        if pattern.search(website):
            return platform, template.format(website=website, siren=commune.siren, insee=commune.insee)
    return "html", website


def candidate_id(commune: Commune) -> str:
    """``sandillon-45300``: the name's letters, then the INSEE code (names repeat across France)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(commune.name)).strip("-")
    return f"{slug}-{commune.insee.lower()}"


@dataclass
class Discovery:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # candidates written by an earlier run
    covered: int = 0  # communes that a registry entry already covers
    without_site: list[Commune] = field(default_factory=list)


def discover(
    halls: Iterable[TownHall],
    communes: Iterable[Commune],
    registry: Iterable[SourceSpec],
    out: Path,
    min_population: int,
    departement: str | None = None,
    today: dt.date | None = None,
) -> Discovery:
    """Write a candidate entry under ``out/fr/`` for each commune of ``min_population`` or more (in
    ``departement`` if given) that no registry entry covers."""
    by_insee = {h.insee: h for h in halls}
    covered = {insee_code(s) for s in registry} - {None}
    result = Discovery()
    for commune in communes:
        if commune.population < min_population or (departement and commune.departement != departement):
            continue
        path = Path(out) / "fr" / f"{candidate_id(commune)}.yaml"
        if path.exists():
            result.kept.append(path)
            continue
        if commune.insee in covered:
            result.covered += 1
            continue
        hall = by_insee.get(commune.insee)
        if hall is None or not hall.website:
            result.without_site.append(commune)
            continue
        result.written.append(write_new_entry(out, candidate_entry(commune, hall, today or dt.date.today())))
    return result


def candidate_entry(commune: Commune, hall: TownHall, today: dt.date) -> dict:
    platform, url = channel(hall.website, commune)
    codes = {"insee": commune.insee, **({"siren": commune.siren} if commune.siren else {})}
    found = "its site is on that platform" if platform != "html" else "its home page, where the generic spider starts"
    return {
        "id": candidate_id(commune),
        "name": commune.name,
        "country": "FR",
        "official_code": codes,
        "platform": platform,
        "url": url,
        "verified": False,
        "enabled": False,
        "publication_interval_days": 60,
        "population": commune.population,
        "coordinates": {"lat": hall.lat, "lon": hall.lon} if hall.lat is not None and hall.lon is not None else None,
        "established": (
            f"Candidate written by `vigie sources discover` on {today.isoformat()}: the site of « {hall.name} » "
            f"in the Annuaire de l'administration (record {hall.record_id}; {ANNUAIRE}) is {hall.website}, "
            f"{found}. Nothing was checked: run `vigie sources verify {candidate_id(commune)}`."
        ),
        "notes": (
            "Population: INSEE legal population. Coordinates: the town hall's address in the Annuaire."
            if hall.lat is not None
            else "Population: INSEE legal population."
        ),
    }
