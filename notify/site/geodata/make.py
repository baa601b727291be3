"""Write ``outlines.json``, the country outlines of the site's map, from Natural Earth's data.

The source is the npm package world-atlas 2.0.2 (Natural Earth 1:50m Admin 0 countries, version
4.1.0, public domain; the package's own files are under the ISC licence), fetched with
``npm pack world-atlas@2.0.2``. Run from the repository root::

    .venv/bin/python -m notify.site.geodata.make path/to/package/countries-50m.json

Only the countries of Vigie's registry are kept, cut to the frame each map shows (mainland
France with Corsica, Germany, the contiguous United States), simplified (Douglas-Peucker,
0.03 degree) and rounded to 0.01 degree: a few tens of kilobytes, drawn at build time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
# ISO 3166 alpha-2 -> (ISO numeric id in world-atlas, frame [west, south, east, north]).
COUNTRIES = {
    "FR": ("250", [-5.5, 41.2, 9.8, 51.2]),
    "DE": ("276", [5.6, 47.1, 15.2, 55.2]),
    "US": ("840", [-125.0, 24.3, -66.8, 49.5]),
}
TOLERANCE = 0.03


def _arcs(topology: dict[str, Any]) -> list[list[list[float]]]:
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([x * scale[0] + translate[0], y * scale[1] + translate[1]])
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs: list[Any]) -> list[list[float]]:
    points: list[list[float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _simplify(points: list[list[float]], tolerance: float) -> list[list[float]]:
    if len(points) < 4:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    far, index = 0.0, 0
    for i, (x, y) in enumerate(points[1:-1], start=1):
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        distance = (
            abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length if length else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
        )
        if distance > far:
            far, index = distance, i
    if far <= tolerance:
        return [points[0], points[-1]]
    return _simplify(points[: index + 1], tolerance)[:-1] + _simplify(points[index:], tolerance)


def _inside(ring: list[list[float]], frame: list[float]) -> bool:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return min(xs) < frame[2] and max(xs) > frame[0] and min(ys) < frame[3] and max(ys) > frame[1]


def main(path: str) -> None:
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    out = {}
    for code, (numeric, frame) in COUNTRIES.items():
        [country] = [g for g in topology["objects"]["countries"]["geometries"] if g.get("id") == numeric]
        polygons = country["arcs"] if country["type"] == "MultiPolygon" else [country["arcs"]]
        rings = []
        for polygon in polygons:
            outer = _ring(polygon[0], arcs)  # holes (lakes) are left out at this scale
            if _inside(outer, frame):
                simple = _simplify(outer, TOLERANCE)
                if len(simple) >= 4:
                    rings.append([[round(x, 2), round(y, 2)] for x, y in simple])
        out[code] = {"name": country["properties"]["name"], "frame": frame, "rings": rings}
    target = HERE / "outlines.json"
    target.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{target}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
