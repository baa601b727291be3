"""The rules a registry entry must follow, each error naming the fix.

:func:`entry_problems` holds for every source, wherever it comes from (a registry file, the
command line, the demo). :func:`file_problems` adds what a registry file
(``spiders/sources/<country>/<id>.yaml``) must say of its provenance: ``established`` says how
the channel was found, ``verified`` whether someone saw the real site or API answer, and an
unverified source stays disabled.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spiders.options import PLATFORMS, platform_options

if TYPE_CHECKING:
    from spiders.registry import SourceSpec

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,98}$")
# Official identifiers: INSEE commune code (2A/2B for Corsica), SIREN, SIRET, German AGS.
OFFICIAL_CODES = {
    "insee": re.compile(r"^(\d{2}|2A|2B)\d{3}$"),
    "siren": re.compile(r"^\d{9}$"),
    "siret": re.compile(r"^\d{14}$"),
    "ags": re.compile(r"^\d{8}$"),
}


def entry_problems(spec: SourceSpec) -> list[str]:
    """What is wrong with an entry whatever its origin (an empty list when nothing is)."""
    problems = []
    if not _ID.match(str(spec.id)):
        problems.append(f"id {spec.id!r} must be lower-case letters, digits and dashes")
    if spec.platform not in PLATFORMS:
        problems.append(f"platform {spec.platform!r} is not one of {', '.join(PLATFORMS)}")
    if not re.fullmatch(r"[A-Z]{2}", str(spec.country)):
        problems.append(f"country must be an ISO 3166 alpha-2 code such as FR, got {spec.country!r}")
    if spec.url and not str(spec.url).startswith(("http://", "https://")):
        problems.append("url must start with http:// or https://")
    interval = spec.publication_interval_days
    if not isinstance(interval, int) or isinstance(interval, bool) or interval <= 0:
        problems.append(f"publication_interval_days must be a positive number of days, got {interval!r}")
    try:
        ZoneInfo(str(spec.timezone))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone {spec.timezone!r} is not an IANA time zone such as Europe/Paris")
    population = spec.population
    if population is not None and (not isinstance(population, int) or isinstance(population, bool) or population < 0):
        problems.append(f"population must be a number of inhabitants, got {population!r}")
    if spec.verification is not None and not isinstance(spec.verification, dict):
        problems.append("verification is written by `vigie sources verify`: a mapping {date, result, …}")
    return (
        problems
        + _official_code_problems(spec.official_code)
        + _coordinates_problems(spec.coordinates)
        + _config_problems(spec)
    )


def _coordinates_problems(coordinates: Any) -> list[str]:
    if coordinates is None:
        return []
    if not isinstance(coordinates, dict) or set(coordinates) != {"lat", "lon"}:
        return ["coordinates must be a mapping {lat: <degrees north>, lon: <degrees east>}"]
    lat, lon = coordinates["lat"], coordinates["lon"]
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon))
    if not numbers or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return [f"coordinates: lat must be within -90..90 and lon within -180..180 degrees, got {lat!r}, {lon!r}"]
    return []


def _official_code_problems(code: Any) -> list[str]:
    if code is None:
        return []
    if not isinstance(code, dict):
        return ["official_code must be a mapping such as {insee: '35238'}"]
    problems = []
    for kind, value in code.items():
        pattern = OFFICIAL_CODES.get(kind)
        if pattern is None:
            problems.append(f"official_code: unknown kind {kind!r}; use {', '.join(OFFICIAL_CODES)}")
        elif not isinstance(value, str) or not pattern.match(value):
            problems.append(f"official_code: {kind} {value!r} is not well formed (quote it in YAML)")
    return problems


def _config_problems(spec: SourceSpec) -> list[str]:
    if not isinstance(spec.config, dict):
        return ["config must be a mapping of the platform's options"]
    if spec.platform not in PLATFORMS:
        return []  # said above; its options cannot be checked
    if not spec.config:
        return []  # nothing to check: the platforms' spiders (and Scrapy) are not loaded for it
    allowed = set(platform_options()[spec.platform])
    unknown = set(spec.config) - allowed
    if not unknown:
        return []
    return [
        f"config: unknown option(s) {', '.join(sorted(unknown))} for platform {spec.platform}; "
        f"allowed: {', '.join(sorted(allowed)) or 'none'}"
    ]


def file_problems(data: dict[str, Any], path: Path) -> list[str]:
    """What a registry file must say on top of that: its provenance, and its name."""
    problems = []
    if not str(data.get("established") or "").strip():
        problems.append(
            "established is required: say how the publication channel was found "
            "(a documented API or dataset, a page seen on the live site, or an assumption)"
        )
    if not isinstance(data.get("verified"), bool):
        problems.append("verified is required (true or false): was the real site or API seen answering?")
    elif data.get("enabled", True) and not data["verified"]:
        problems.append(
            "an unverified source must stay disabled: set enabled: false until `vigie source "
            "check` shows it works, then verified: true"
        )
    if path.stem != data.get("id"):
        problems.append(f"the file must be named after the id: {data.get('id')}.yaml")
    return problems
