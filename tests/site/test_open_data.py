"""The open data of the site: findings.csv, findings.json, councils.geojson, the page that explains
them, and the map drawn from the councils' coordinates."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest

from notify.exports import COLUMNS
from notify.site import layout
from notify.site.maps import colour
from storage.models import Finding
from tests.site.factory import add_document, add_hit, add_source
from tests.site.pages import page, text_of


def csv_rows(site: Path) -> list[dict[str, str]]:
    with (site / layout.FINDINGS_CSV).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rfc7946_problems(document: Any) -> list[str]:
    """What makes ``document`` an invalid GeoJSON FeatureCollection of Points (RFC 7946)."""
    problems = []
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return ["the top level must be an object of type FeatureCollection (§3.3)"]
    if "crs" in document:
        problems.append("no 'crs' member: coordinates are WGS 84 (§4)")
    if not isinstance(document.get("features"), list):
        return problems + ["'features' must be an array (§3.3)"]
    for n, feature in enumerate(document["features"]):
        where = f"feature {n}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(f"{where}: must be an object of type Feature (§3.2)")
            continue
        if "id" in feature and not isinstance(feature["id"], (str, int, float)):
            problems.append(f"{where}: 'id' must be a string or a number (§3.2)")
        if not (feature.get("properties") is None or isinstance(feature.get("properties"), dict)):
            problems.append(f"{where}: 'properties' must be an object or null (§3.2)")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            problems.append(f"{where}: 'geometry' must be a Point (§3.1.2)")
            continue
        position = geometry.get("coordinates")
        if (
            not isinstance(position, list)
            or not 2 <= len(position) <= 3
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in position)
        ):
            problems.append(f"{where}: a position is 2 or 3 finite numbers (§3.1.1)")
            continue
        longitude, latitude = position[:2]
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            problems.append(f"{where}: [longitude, latitude] out of range (§3.1.1, §4)")
    return problems


def test_findings_csv_has_the_documented_columns_and_one_row_per_finding(site: Path) -> None:
    with (site / layout.FINDINGS_CSV).open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    rows = csv_rows(site)
    assert tuple(header) == COLUMNS
    assert len(rows) == 4  # four deliberations; the Lyon agenda's two mentions are one
    lyon = next(r for r in rows if r["subject"] == "Ordre du jour du conseil municipal du 20 mars 2025")
    assert (lyon["source"], lyon["meeting_date"], lyon["vote_ahead"], lyon["vendors"]) == (
        "fr-lyon",
        "2025-03-20",
        "true",
        "BriefCam",
    )
    assert lyon["categories"] == "vendor:1 | video_surveillance:1"


def test_a_cell_a_spreadsheet_would_run_is_neutralised(db, build, tmp_path: Path) -> None:
    with db.session() as s:
        doc = add_document(s, add_source(s), title="=HYPERLINK(\"https://evil.example\",\"clic\")")
        hit = add_hit(s, doc, "caméras", vendor="@SUM(1+1)", kind="vendor", category="vendor", snippet="-2+3 caméras")
        s.get(Finding, hit.finding_id).subsidies = ["+cmd|' /C calc'!A0", "\tTAB"]
    build()
    [row] = csv_rows(tmp_path / "site")
    assert row["subject"] == "'=HYPERLINK(\"https://evil.example\",\"clic\")"
    assert row["vendors"] == "'@SUM(1+1)"
    assert row["quote"] == "'-2+3 caméras"
    assert row["subsidies"].startswith("'+cmd")


def test_findings_json_holds_the_same_findings_and_its_licence(site: Path) -> None:
    data = json.loads((site / layout.FINDINGS_JSON).read_text(encoding="utf-8"))
    assert data["licence"]["name"].startswith("Licence Ouverte")
    assert data["columns"] == list(COLUMNS)
    assert [f["id"] for f in data["findings"]] == [int(r["id"]) for r in csv_rows(site)]
    assert all(set(f) == set(COLUMNS) for f in data["findings"])


def test_councils_geojson_is_valid_rfc_7946_with_longitude_first(site: Path) -> None:
    document = json.loads((site / layout.COUNCILS_GEOJSON).read_text(encoding="utf-8"))
    assert rfc7946_problems(document) == []
    features = {f["id"]: f for f in document["features"]}
    assert set(features) == {"fr-lyon", "fr-nice"}  # Brest has no coordinates
    assert features["fr-lyon"]["geometry"]["coordinates"] == [4.8357, 45.764]
    assert features["fr-nice"]["properties"]["technologies"] == {"drones": 1, "plate_recognition": 1}


@pytest.mark.parametrize(
    "broken, problem",
    [
        ({"type": "FeatureCollection", "features": [], "crs": {}}, "no 'crs' member"),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [45.7, 200.0]}}
                ],
            },
            "out of range",
        ),
    ],
)
def test_the_geojson_check_catches_what_rfc_7946_forbids(broken, problem) -> None:
    assert any(problem in p for p in rfc7946_problems(broken))


def test_the_data_page_links_the_three_files_and_names_the_licence(site: Path) -> None:
    data = page(site, layout.DATA)
    hrefs = data.css("ul.files a::attr(href)").getall()
    assert hrefs == [layout.FINDINGS_CSV, layout.FINDINGS_JSON, layout.COUNCILS_GEOJSON]
    assert data.css("a[rel=license]::attr(href)").get() == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert layout.DATA in page(site, layout.INDEX).css("a::attr(href)").getall()


def test_the_map_draws_each_council_with_findings_in_the_colour_of_its_technology(site: Path) -> None:
    carte = page(site, layout.MAP)
    [svg] = carte.css("figure.map svg")
    assert svg.css("g.land path::attr(d)").getall()  # France's outline
    dots = {a.attrib["href"]: a.css("circle") for a in svg.css("g.councils a")}
    assert set(dots) == {"conseils/fr-lyon.html", "conseils/fr-nice.html"}
    width, height = map(float, svg.attrib["viewbox"].split()[2:])
    for circle in dots.values():
        assert 0 < float(circle.attrib["cx"]) < width and 0 < float(circle.attrib["cy"]) < height
    # Nice is east of and south of Lyon: x grows eastwards, y southwards.
    lyon, nice = dots["conseils/fr-lyon.html"], dots["conseils/fr-nice.html"]
    assert float(nice.attrib["cx"]) > float(lyon.attrib["cx"]) and float(nice.attrib["cy"]) > float(lyon.attrib["cy"])
    assert lyon.attrib["fill"] == colour("body_cameras")  # one finding each: the first category by name
    assert text_of(lyon, "title") == ["Ville de Lyon — 2 délibérations"]
    assert "Natural Earth" in text_of(carte, "p.meta")[0]
