"""The source registry: one YAML file per publishing body under ``spiders/sources/<country>/``.

Adding a council that publishes on a supported platform is adding one of these files; no code.
Every file is validated on load and an error names the file and the field to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from spiders.registry_checks import PLATFORMS, entry_problems, file_problems
from storage.safe_yaml import YAMLError, parse_yaml

__all__ = ["PLATFORMS", "REGISTRY_DIR", "RegistryError", "SourceSpec", "load_registry", "parse_entry"]

REGISTRY_DIR = Path(__file__).with_name("sources")
REQUIRED = ("id", "name", "country", "platform", "url")


class RegistryError(ValueError):
    """A registry entry is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class SourceSpec:
    """One publishing body, as the registry (or the command line) describes it."""

    id: str
    name: str
    country: str
    platform: str
    url: str
    official_code: Any = None
    language: str = "fr"
    timezone: str = "Europe/Paris"
    enabled: bool = True
    verified: bool = False
    # How the publication channel was established: a documented API or dataset, or a page
    # structure assumed without access to the live site.
    established: str = ""
    notes: str = ""
    publication_interval_days: int = 90
    # Where the council sits, for the public site's map: {lat: 43.2965, lon: 5.3698} (WGS 84
    # degrees), with where the figures come from said in ``established`` or ``notes``.
    coordinates: dict[str, float] | None = None
    # The commune's legal population (INSEE), for coverage; candidates of `vigie sources discover` carry it.
    population: int | None = None
    # What `vigie sources verify` saw last: {date, result, documents, sample_title, error}.
    verification: dict[str, Any] | None = None
    config: dict[str, Any] = field(default_factory=dict)
    origin: str = "registry"
    path: Path | None = None

    def official_code_text(self) -> str | None:
        if isinstance(self.official_code, dict):
            return ", ".join(f"{k}:{v}" for k, v in self.official_code.items())
        return None if self.official_code is None else str(self.official_code)


# The fields an entry may set: SourceSpec's, but for where it was read from.
FIELDS = tuple(f.name for f in fields(SourceSpec) if f.name not in ("origin", "path"))


def parse_entry(data: Any, path: Path | None = None, origin: str = "registry") -> SourceSpec:
    """Validate one entry and build its :class:`SourceSpec` (the rules: ``spiders.registry_checks``)."""
    where = str(path) if path else "source entry"
    if not isinstance(data, dict):
        raise RegistryError(f"{where}: expected a mapping of fields")
    # A body whose publication channel is still unknown is listed (coverage shows the gap)
    # without a URL, and cannot be enabled until it has one.
    optional_url = data.get("enabled") is False
    missing = [k for k in REQUIRED if not data.get(k) and not (k == "url" and optional_url)]
    if missing:
        raise RegistryError(f"{where}: missing required field(s) {', '.join(missing)}")
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise RegistryError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(FIELDS)}")
    spec = SourceSpec(**{**data, "url": data.get("url") or ""}, origin=origin, path=path)
    problems = entry_problems(spec) + (file_problems(data, path) if path and origin == "registry" else [])
    if problems:
        raise RegistryError(f"{where}: " + "; ".join(problems))
    return spec


def load_registry(extra_dirs: Iterable[Path | str] = (), bundled: bool = True) -> dict[str, SourceSpec]:
    """Every registry entry, bundled first (unless ``bundled`` is false), then ``extra_dirs``
    (which may override bundled entries by id)."""
    specs: dict[str, SourceSpec] = {}
    for folder in ((REGISTRY_DIR,) if bundled else ()) + tuple(map(Path, extra_dirs)):
        if not folder.is_dir():
            raise RegistryError(f"{folder}: registry folder not found (check VIGIE_SOURCES_DIRS)")
        for path in sorted(folder.rglob("*.yaml")):
            try:
                data = parse_yaml(path.read_text(encoding="utf-8"))
            except YAMLError as exc:
                raise RegistryError(f"{path}: not valid YAML: {exc}") from None
            spec = parse_entry(data, path)
            if spec.id in specs and specs[spec.id].path and specs[spec.id].path.parent.is_relative_to(folder):
                raise RegistryError(f"{path}: id {spec.id!r} already used by {specs[spec.id].path}")
            specs[spec.id] = spec
    return specs
