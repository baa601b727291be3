"""Subscriptions as people write them: validated specs, and their YAML import/export format.

The YAML file holds a list under ``subscriptions``::

    subscriptions:
      - name: collectif-bellerive
        urls: ["mailtos://user:password@smtp.example.org?to=groupe@example.org"]
        apprise_config: /etc/vigie/apprise.yaml   # optional, with tags to pick its URLs
        tags: [bellerive]
        mode: daily                                # immediate, daily or weekly
        language: fr                               # fr or en
        rate_cap: 10                               # optional: immediate messages per 24 h
        paused: false
        filters:
          departements: ["13", "2A", "974"]
          categories: [video_surveillance, algorithmic_video]
          min_score: 0.5
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from notify import LANGUAGES
from notify.channels import ChannelError, parse_config, parse_urls
from notify.filters import FILTER_KEYS
from notify.labels import lexicon_categories
from notify.policy import MODES
from notify.redact import mask_url
from storage.models import Subscription
from storage.safe_yaml import parse_yaml
from storage.states import AlertMode

FIELDS = ("name", "urls", "apprise_config", "tags", "mode", "language", "rate_cap", "paused", "filters")


class SubscriptionError(ValueError):
    """A subscription that cannot be saved; the message says where and what to fix (never a secret)."""


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise SubscriptionError(f"{where}: expected a list of strings")
    return [str(v).strip() for v in value if str(v).strip()]


def _departement(code: str, where: str) -> str:
    code = code.upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code  # YAML reads 01 as 1
    if not (
        (len(code) == 2 and (code.isdigit() or code in ("2A", "2B"))) or (len(code) == 3 and code.startswith("97"))
    ):
        raise SubscriptionError(f"{where}: {code!r} is not a département code (01…95, 2A, 2B, 971…976)")
    return code


def known_categories() -> frozenset[str]:
    """The detector's categories, and "vendor" for vendor hits."""
    return frozenset(lexicon_categories()) | {"vendor"}


def normalise_filters(raw: Any, where: str) -> dict[str, Any]:
    """Filters checked and tidied: lists of strings, upper-case codes, a score between 0 and 1."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SubscriptionError(f"{where}: filters must be a mapping")
    unknown = sorted(set(raw) - set(FILTER_KEYS))
    if unknown:
        raise SubscriptionError(f"{where}: unknown filter(s) {', '.join(unknown)}; known: {', '.join(FILTER_KEYS)}")
    out: dict[str, Any] = {}
    for key in FILTER_KEYS:
        if key == "min_score" or raw.get(key) in (None, [], ""):
            continue
        values = _strings(raw[key], f"{where}: filters.{key}")
        if key == "countries":
            values = [v.upper() for v in values]
        if key == "departements":
            values = [_departement(v, f"{where}: filters.departements") for v in values]
        out[key] = sorted(set(values))
    known = known_categories()
    unknown = sorted(set(out.get("categories", [])) - known)
    # Only "vendor" known: the lexicon did not load (logged), and a category cannot be checked.
    if unknown and known != {"vendor"}:
        raise SubscriptionError(
            f"{where}: unknown categor(y/ies) {', '.join(unknown)}: the detector knows {', '.join(sorted(known))}"
        )
    if raw.get("min_score") not in (None, ""):
        try:
            score = float(raw["min_score"])
        except (TypeError, ValueError):
            score = -1.0
        if not 0 <= score <= 1:
            raise SubscriptionError(f"{where}: filters.min_score must be a number from 0 to 1")
        out["min_score"] = score
    return out


@dataclass
class SubscriptionSpec:
    """A subscription as given on the command line or in YAML, checked by :meth:`validate`."""

    name: str
    urls: list[str] = field(default_factory=list)
    apprise_config: str | None = None
    tags: list[str] = field(default_factory=list)
    mode: str = AlertMode.IMMEDIATE
    language: str = "fr"
    rate_cap: int | None = None
    paused: bool = False
    filters: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any, where: str) -> SubscriptionSpec:
        if not isinstance(data, dict) or not data.get("name"):
            raise SubscriptionError(f"{where}: each subscription needs a name")
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise SubscriptionError(f"{where}: unknown field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}")
        where = f"{where} ({data['name']})"
        spec = cls(
            name=str(data["name"]),
            urls=_strings(data.get("urls"), f"{where}: urls"),
            apprise_config=data.get("apprise_config") or None,
            tags=_strings(data.get("tags"), f"{where}: tags"),
            mode=str(data.get("mode") or AlertMode.IMMEDIATE),
            language=str(data.get("language") or "fr"),
            rate_cap=data.get("rate_cap"),
            paused=bool(data.get("paused", False)),
            filters=data.get("filters") or {},
        )
        spec.validate(where)  # normalises the filters too
        return spec

    def validate(self, where: str | None = None) -> None:
        """Raise SubscriptionError unless apprise can use every channel and every field is valid."""
        where = where or f"subscription {self.name!r}"
        if not self.name.strip() or len(self.name) > 200 or any(c in self.name for c in "\r\n\t"):
            raise SubscriptionError(f"{where}: a name is one line of at most 200 characters")
        if self.mode not in MODES:
            raise SubscriptionError(f"{where}: mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.language not in LANGUAGES:
            raise SubscriptionError(f"{where}: language must be fr or en, not {self.language!r}")
        if self.rate_cap is not None and (not isinstance(self.rate_cap, int) or self.rate_cap < 1):
            raise SubscriptionError(f"{where}: rate_cap must be a whole number of messages, at least 1")
        if not self.urls and not self.apprise_config:
            raise SubscriptionError(f"{where}: give at least one apprise URL or an apprise config file")
        if any("****" in url or "..." in url.split("?")[0] for url in self.urls):
            raise SubscriptionError(
                f"{where}: a URL is masked (exported without its secrets); export with --output FILE to keep them"
            )
        try:
            parse_urls(self.urls, where)
            if self.apprise_config:
                parse_config(self.apprise_config, self.tags, where)
        except ChannelError as exc:
            raise SubscriptionError(str(exc)) from None
        self.filters = normalise_filters(self.filters, where)

    def apply(self, row: Subscription) -> Subscription:
        for name in FIELDS:
            setattr(row, name, getattr(self, name))
        return row


def spec_of(row: Subscription, reveal: bool = False) -> dict[str, Any]:
    """A stored subscription as YAML-ready data; URLs masked unless ``reveal``."""
    data = {name: getattr(row, name) for name in FIELDS}
    data["urls"] = [url if reveal else mask_url(url) for url in row.urls or []]
    data["mode"] = AlertMode(row.mode).value  # plain text: YAML has no tag for an enum
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def save(session: Session, spec: SubscriptionSpec, replace: bool) -> bool:
    """Store ``spec``; returns True when created. An existing name is an error unless ``replace``."""
    row = session.scalar(select(Subscription).where(Subscription.name == spec.name))
    if row is not None and not replace:
        raise SubscriptionError(f"subscription {spec.name!r} exists already: remove it first, or import with --replace")
    session.add(spec.apply(row or Subscription()))
    return row is None


def load_yaml(path: Path) -> list[SubscriptionSpec]:
    """Read and validate a subscriptions file; raises SubscriptionError naming the file and entry."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SubscriptionError(f"{path}: cannot read it as YAML ({type(exc).__name__})") from None
    entries = data.get("subscriptions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SubscriptionError(f"{path}: expected a list under 'subscriptions:'")
    specs = [SubscriptionSpec.from_dict(entry, f"{path}: subscription #{n}") for n, entry in enumerate(entries, 1)]
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SubscriptionError(f"{path}: name(s) given twice: {', '.join(duplicates)}")
    return specs


def dump_yaml(rows: list[Subscription], reveal: bool = False) -> str:
    data = {"subscriptions": [spec_of(row, reveal) for row in rows]}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: it holds the channels' secrets."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
