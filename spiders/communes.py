"""French communes and their legal populations, and how many of them the registry covers.

Since 1 July 2022 a commune of 3,500 inhabitants or more must publish its acts online, so every one of
them should have a source. The bundled list (``spiders/data/communes-fr.csv``, see its README) holds
those communes; ``@etalab/decoupage-administratif``'s ``communes.json`` (every commune) is read as well.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spiders.registry import SourceSpec

COMMUNES_FILE = Path(__file__).with_name("data") / "communes-fr.csv"
THRESHOLD = 3500  # inhabitants: electronic publication is the rule from here (CGCT L2131-1)
COLUMNS = ("insee", "name", "departement", "population", "siren")


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    departement: str
    population: int
    siren: str = ""


def load_communes(path: Path | str | None = None) -> list[Commune]:
    """The communes of ``path`` (the bundled CSV by default, or a decoupage-administratif
    ``communes.json``). Raises ValueError naming the file when it is neither."""
    path = Path(path or COMMUNES_FILE)
    try:
        if path.suffix.lower() == ".json":
            return [
                Commune(c["code"], c["nom"], c["departement"], int(c.get("population") or 0), c.get("siren", ""))
                for c in json.loads(path.read_text(encoding="utf-8"))
                if c.get("type") == "commune-actuelle"
            ]
        with path.open(encoding="utf-8", newline="") as f:
            return [
                Commune(r["insee"], r["name"], r["departement"], int(r["population"]), r.get("siren") or "")
                for r in csv.DictReader(f)
            ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(
            f"{path}: not a list of communes ({type(exc).__name__}: {exc}); expected the CSV columns "
            f"{', '.join(COLUMNS)} or decoupage-administratif's communes.json"
        ) from None


def write_compact(source: Path | str, out: Path | str, min_population: int = THRESHOLD) -> int:
    """Write the bundled CSV from a decoupage-administratif ``communes.json``; returns its rows."""
    communes = sorted((c for c in load_communes(source) if c.population >= min_population), key=lambda c: c.insee)
    with Path(out).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([c.insee, c.name, c.departement, c.population, c.siren] for c in communes)
    return len(communes)


def insee_code(spec: SourceSpec) -> str | None:
    code = spec.official_code.get("insee") if isinstance(spec.official_code, dict) else None
    return str(code) if code else None


def coverage(communes: Iterable[Commune], specs: Iterable[SourceSpec], min_population: int = THRESHOLD) -> list[dict]:
    """Per département, then ``total``: the communes of ``min_population`` or more that have an
    enabled source, only a candidate (a disabled or unverified entry), or nothing."""
    enabled, known = set(), set()
    for spec in specs:
        code = insee_code(spec)
        if code and spec.url:
            known.add(code)
            if spec.enabled:
                enabled.add(code)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"communes": 0, "enabled": 0, "candidate": 0, "nothing": 0})
    for commune in communes:
        if commune.population < min_population:
            continue
        state = "enabled" if commune.insee in enabled else "candidate" if commune.insee in known else "nothing"
        for key in (commune.departement, "total"):
            counts[key]["communes"] += 1
            counts[key][state] += 1
    rows = [{"departement": d, **counts[d]} for d in sorted(k for k in counts if k != "total")]
    return rows + [{"departement": "total", **counts["total"]}]
