"""Paths of the recorded fixtures under ``tests/fixtures``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fixture_path(platform: str, name: str) -> Path:
    return FIXTURES / platform / name


def fixture_bytes(platform: str, name: str) -> bytes:
    return fixture_path(platform, name).read_bytes()


def load_json(platform: str, name: str) -> Any:
    """A JSON fixture of ``tests/fixtures/<platform>/``."""
    return json.loads(fixture_path(platform, name).read_text(encoding="utf-8"))
