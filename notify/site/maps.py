"""The site's map: councils with findings as dots on country outlines, drawn at build time as SVG.

No tiles and no third-party server: the outlines are Natural Earth's (public domain), embedded in
``geodata/outlines.json`` (see ``geodata/README.md``), projected here (equirectangular, scaled
by the cosine of the frame's middle latitude, which is faithful enough at a country's scale).
One map per country that has councils with coordinates and findings; a council outside every
frame is listed under the maps instead.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from notify.site.content import CouncilView
from storage.safe_yaml import parse_yaml

HERE = Path(__file__).parent
OUTLINES = HERE / "geodata" / "outlines.json"
STYLE = HERE / "map.yaml"


@dataclass
class Dot:
    council: CouncilView
    x: float
    y: float
    radius: float
    colour: str
    category: str
    findings: int


@dataclass
class CountryMap:
    code: str
    name: str
    width: int
    height: int
    paths: list[str]
    dots: list[Dot] = field(default_factory=list)


@lru_cache(maxsize=1)
def _outlines() -> dict[str, Any]:
    return json.loads(OUTLINES.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def style() -> dict[str, Any]:
    return parse_yaml(STYLE.read_text(encoding="utf-8"))


def colour(category: str) -> str:
    return style()["colours"].get(category, style()["other"])


def _projection(frame: list[float], width: int):
    west, south, east, north = frame
    shrink = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * shrink)
    height = round((north - south) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - west) * shrink * scale, 1), round((north - lat) * scale, 1)

    return project, height


def _inside(frame: list[float], lon: float, lat: float) -> bool:
    return frame[0] <= lon <= frame[2] and frame[1] <= lat <= frame[3]


def council_maps(councils: list[CouncilView]) -> tuple[list[CountryMap], list[CouncilView]]:
    """The maps of the countries with findings, and the councils with findings drawn on none."""
    width = int(style()["width"])
    maps: dict[str, CountryMap] = {}
    elsewhere = []
    for council in councils:
        if not council.findings:
            continue
        outline = _outlines().get(council.country)
        located = council.latitude is not None and council.longitude is not None
        if not outline or not located or not _inside(outline["frame"], council.longitude, council.latitude):
            elsewhere.append(council)
            continue
        project, height = _projection(outline["frame"], width)
        if council.country not in maps:
            paths = [
                "M" + "L".join(f"{x},{y}" for x, y in (project(*p) for p in ring)) + "Z" for ring in outline["rings"]
            ]
            maps[council.country] = CountryMap(council.country, outline["name"], width, height, paths)
        category = next(iter(council.categories), "")
        x, y = project(council.longitude, council.latitude)
        count = len(council.findings)
        maps[council.country].dots.append(
            Dot(council, x, y, round(4 + 2.5 * math.sqrt(count), 1), colour(category), category, count)
        )
    for country_map in maps.values():
        country_map.dots.sort(key=lambda d: -d.radius)  # small dots drawn over large ones
    return sorted(maps.values(), key=lambda m: m.code), elsewhere
