"""Write registry entries: change an entry's file in place, or write a new one.

An entry's file is edited line by line, not re-dumped: its comments, its order and the folded
``established`` text a maintainer wrote stay as they were; only the top-level keys asked for change
(a key that is missing is added at the end). The result is validated by loading it before it is
written, so that a bad change never reaches the registry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from spiders.registry import RegistryError, SourceSpec, parse_entry
from storage.safe_yaml import parse_yaml

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):(.*)$")


def yaml_value(value: Any) -> str:
    """A value as one line of YAML flow syntax (strings quoted, JSON being valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def replace_keys(text: str, changes: dict[str, Any]) -> str:
    """``text`` (a registry file) with the top-level ``changes`` made, each key on one line; a key's
    former block (its indented lines) goes with it."""
    lines, out, pending = text.splitlines(), [], dict(changes)
    skipping = False
    for line in lines:
        match = _TOP_KEY.match(line)
        if match:
            skipping = match[1] in pending
            if skipping:
                out.append(f"{match[1]}: {yaml_value(pending.pop(match[1]))}")
                continue
        elif skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        else:
            skipping = False
        out.append(line)
    out += [f"{key}: {yaml_value(value)}" for key, value in pending.items()]
    return "\n".join(out) + "\n"


def update_entry(spec: SourceSpec, changes: dict[str, Any]) -> SourceSpec:
    """Make ``changes`` in the entry's own file; returns the entry as now written.

    Raises RegistryError (naming the file) when the result would not be a valid entry.
    """
    if spec.path is None:
        raise RegistryError(f"{spec.id} comes from {spec.origin}, not from a registry file: nothing to write")
    path = Path(spec.path)
    text = replace_keys(path.read_text(encoding="utf-8"), changes)
    updated = parse_entry(parse_yaml(text), path)
    path.write_text(text, encoding="utf-8")
    return updated


def write_new_entry(folder: Path, entry: dict[str, Any], folded: tuple[str, ...] = ("established", "notes")) -> Path:
    """Write a new entry as ``<folder>/<country>/<id>.yaml`` (validated first); long texts folded."""
    path = Path(folder) / entry["country"].lower() / f"{entry['id']}.yaml"
    lines = []
    for key, value in entry.items():
        if key in folded and value:
            lines.append(f"{key}: >-")
            lines += ["  " + chunk for chunk in _wrap(str(value))]
        elif value is not None:
            lines.append(f"{key}: {yaml_value(value)}")
    text = "\n".join(lines) + "\n"
    parse_entry(parse_yaml(text), path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _wrap(text: str, width: int = 96) -> list[str]:
    words, lines, line = " ".join(text.split()).split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + ([line] if line else [])
