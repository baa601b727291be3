"""`vigie findings`: the deliberations found, with the filters of subscriptions; and where councils
are (the registry's coordinates on the sources rows, for the map and councils.geojson)."""

from __future__ import annotations

import csv
import io
import json

from notify.filters import findings_of_vendor
from spiders.registry import parse_entry
from storage.models import Source
from tests.notify.factory import add_hit
from vigie.crawl import sync_sources

MARSEILLE = {"id": "fr-marseille", "name": "Ville de Marseille", "official_code": "insee:13055"}


def test_findings_are_listed_with_the_filters_of_subscriptions(db, cli):
    add_hit(
        db, source=MARSEILLE, title="Vidéoprotection du Vieux-Port", vendor="BriefCam", category="algorithmic_video"
    )
    add_hit(
        db,
        source={"id": "fr-lyon", "name": "Lyon", "official_code": "insee:69123"},
        title="Drone de la police municipale",
        category="drones",
    )

    everything = cli("findings", "--format", "jsonl")
    marseille = cli("findings", "--format", "jsonl", "--departement", "13")
    vendor = cli("findings", "--format", "jsonl", "--vendor", "briefcam", "--category", "algorithmic_video")
    drones = cli("findings", "--format", "jsonl", "--category", "drones")

    assert len(everything.output.splitlines()) == 2
    assert [json.loads(line)["subject"] for line in marseille.output.splitlines()] == ["Vidéoprotection du Vieux-Port"]
    assert vendor.output == marseille.output
    assert [json.loads(line)["categories"] for line in drones.output.splitlines()] == [{"drones": 1}]


def test_a_wrong_filter_is_a_configuration_error(cli):
    result = cli("findings", "--departement", "1300")
    assert result.exit_code == 2 and "is not a département code" in result.output


def test_the_csv_has_the_documented_header_and_no_formula(db, cli):
    add_hit(db, title="=HYPERLINK(\"https://evil.example\")")

    rows = list(csv.DictReader(io.StringIO(cli("findings", "--format", "csv").output)))

    assert rows[0]["subject"] == "'=HYPERLINK(\"https://evil.example\")"


def test_the_findings_of_a_vendor_are_those_that_name_it(db):
    add_hit(db, vendor="BriefCam", category="algorithmic_video")
    add_hit(db, vendor="Hikvision", category="video_surveillance")

    with db.session() as session:
        assert [f.vendors for f in findings_of_vendor(session, "briefcam")] == [["BriefCam"]]


def test_a_councils_coordinates_come_from_its_registry_entry(db):
    spec = parse_entry(
        {
            "id": "fr-exempleville",
            "name": "Exempleville",
            "country": "FR",
            "platform": "html",
            "url": "https://exempleville.example/",
            "coordinates": {"lat": 45.43, "lon": 4.39},
        }
    )

    sync_sources(db, [spec])

    with db.session() as session:
        source = session.get(Source, "fr-exempleville")
        assert (source.latitude, source.longitude) == (45.43, 4.39)
