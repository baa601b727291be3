"""The lexicon of surveillance technologies and vendors, as data files beside this module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LEXICON_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Lexicon:
    version: str
    categories: dict[str, dict[str, Any]]
    vendors: list[dict[str, Any]]


def load_lexicon(folder: Path | str = LEXICON_DIR) -> Lexicon:
    """Load and validate ``categories.yaml`` and ``vendors.yaml``; errors name the file and entry."""
    folder = Path(folder)
    cats_path, vendors_path = folder / "categories.yaml", folder / "vendors.yaml"
    cats = yaml.safe_load(cats_path.read_text(encoding="utf-8"))
    vendors = yaml.safe_load(vendors_path.read_text(encoding="utf-8"))
    if not isinstance(cats, dict) or "version" not in cats or "categories" not in cats:
        raise ValueError(f"{cats_path}: needs 'version' and 'categories'")
    for name, entry in cats["categories"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("terms"), dict):
            raise ValueError(f"{cats_path}: category {name!r} needs 'terms' by language")
    for i, vendor in enumerate(vendors.get("vendors", [])):
        if not vendor.get("name") or not vendor.get("aliases"):
            raise ValueError(f"{vendors_path}: vendor #{i + 1} needs 'name' and 'aliases'")
    return Lexicon(str(cats["version"]), cats["categories"], vendors.get("vendors", []))
