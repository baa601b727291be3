"""The rules a registry entry must follow beyond its field types, each error naming the fix.

Registry files (``spiders/sources/<country>/<id>.yaml``) carry the provenance of their
publication channel: ``established`` says how it was found, ``verified`` whether someone saw
the real site or API answer, and an unverified source stays disabled. Sources given on the
command line are not held to these.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

OPTIONS_FILE = Path(__file__).with_name("platform_options.yaml")
# Official identifiers: INSEE commune code (2A/2B for Corsica), SIREN, SIRET, German AGS.
OFFICIAL_CODES = {
    "insee": re.compile(r"^(\d{2}|2A|2B)\d{3}$"),
    "siren": re.compile(r"^\d{9}$"),
    "siret": re.compile(r"^\d{14}$"),
    "ags": re.compile(r"^\d{8}$"),
}


@lru_cache(maxsize=1)
def platform_options() -> dict[str, set[str]]:
    data = yaml.safe_load(OPTIONS_FILE.read_text(encoding="utf-8"))
    return {platform: set(options or []) for platform, options in data.items()}


def entry_problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with an entry whatever its origin (an empty list when nothing is)."""
    problems = []
    interval = data.get("publication_interval_days", 90)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval <= 0:
        problems.append(f"publication_interval_days must be a positive number of days, got {interval!r}")
    try:
        ZoneInfo(str(data.get("timezone", "Europe/Paris")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone {data.get('timezone')!r} is not an IANA time zone such as Europe/Paris")
    code = data.get("official_code")
    if code is not None:
        if not isinstance(code, dict):
            problems.append("official_code must be a mapping such as {insee: '35238'}")
        else:
            for kind, value in code.items():
                pattern = OFFICIAL_CODES.get(kind)
                if pattern is None:
                    problems.append(f"official_code: unknown kind {kind!r}; use {', '.join(OFFICIAL_CODES)}")
                elif not isinstance(value, str) or not pattern.match(value):
                    problems.append(f"official_code: {kind} {value!r} is not well formed (quote it in YAML)")
    allowed = platform_options().get(data.get("platform", ""), set())
    unknown = set(data.get("config") or {}) - allowed
    if unknown:
        problems.append(f"config: unknown option(s) {', '.join(sorted(unknown))} for platform "
                        f"{data.get('platform')}; allowed: {', '.join(sorted(allowed)) or 'none'}")
    return problems


def file_problems(data: dict[str, Any], path: Path) -> list[str]:
    """What a registry file must say on top of that: its provenance, and its name."""
    problems = []
    if not str(data.get("established") or "").strip():
        problems.append("established is required: say how the publication channel was found "
                        "(a documented API or dataset, a page seen on the live site, or an assumption)")
    if not isinstance(data.get("verified"), bool):
        problems.append("verified is required (true or false): was the real site or API seen answering?")
    elif data.get("enabled", True) and not data["verified"]:
        problems.append("an unverified source must stay disabled: set enabled: false until `vigie source "
                        "check` shows it works, then verified: true")
    if path.stem != data.get("id"):
        problems.append(f"the file must be named after the id: {data.get('id')}.yaml")
    return problems
