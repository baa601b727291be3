"""Words for categories and document kinds, per language: what a volunteer reads instead of an id.

Category names come from the detector's lexicon (each ``nlp/lexicon/categories/<id>.yaml`` has
a ``label`` per language); ``labels.yaml`` here adds document kinds and the "vendor" category;
a ``labels.yaml`` of the same shape in VIGIE_TEMPLATES_DIR overrides any entry.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.lexicon import LexiconError, load_categories
from storage.safe_yaml import YAMLError, parse_yaml

BUNDLED = Path(__file__).with_name("labels.yaml")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Labels:
    """``category(id, lang)`` and ``kind(id, lang)``, falling back to English, then to the id."""

    categories: dict[str, dict[str, str]]
    kinds: dict[str, dict[str, str]]

    def category(self, name: str, language: str) -> str:
        return _pick(self.categories, name, language)

    def kind(self, name: str, language: str) -> str:
        return _pick(self.kinds, name or "other", language)


def _pick(table: dict[str, dict[str, str]], name: str, language: str) -> str:
    entry = table.get(name) or {}
    return entry.get(language) or entry.get("en") or name.replace("_", " ")


@functools.lru_cache(maxsize=1)
def lexicon_categories() -> dict[str, dict[str, str]]:
    """The detector's categories and their labels ({} when the lexicon cannot be read)."""
    try:
        categories = load_categories()
    except (OSError, LexiconError) as exc:  # alerts still go out, with ids for words
        log.warning("Category labels unavailable, the lexicon did not load: %s", exc)
        return {}
    return {name: dict(category.label) for name, category in categories.items()}


def _read(path: Path) -> dict[str, Any]:
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k) or {}, dict) for k in ("categories", "kinds")):
        raise ValueError(f"{path}: expected 'categories' and 'kinds' mappings of id -> {{fr: ..., en: ...}}")
    return data


def load_labels(override_dir: str | Path | None = None) -> Labels:
    """Lexicon labels and ``labels.yaml``, with ``<override_dir>/labels.yaml`` entries on top."""
    bundled = _read(BUNDLED)
    tables = {
        "categories": {**lexicon_categories(), **(bundled.get("categories") or {})},
        "kinds": dict(bundled.get("kinds") or {}),
    }
    override = Path(override_dir) / "labels.yaml" if override_dir else None
    if override is not None and override.is_file():
        extra = _read(override)
        for section, table in tables.items():
            for name, entry in (extra.get(section) or {}).items():
                table[name] = {**table.get(name, {}), **entry}
    return Labels(tables["categories"], tables["kinds"])
