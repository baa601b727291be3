"""Which hits a subscription gets: filters, and the département of a French source."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from notify.filters import departement_of, matches
from storage.models import Delivery, Document, Hit, Source
from tests.notify.factory import add_hit, add_subscription


@pytest.mark.parametrize("country, code, departement", [
    ("FR", "insee:13055, siren:211300553", "13"),  # Marseille
    ("FR", "insee:2A004", "2A"),  # Ajaccio
    ("FR", "insee:97411", "974"),  # Saint-Denis de La Réunion
    ("FR", "siren:200054807, insee:69123", "69"),  # any order
    ("FR", "departement:33", "33"),  # a département's own council
    ("FR", "siren:211300553", None),  # no INSEE code
    ("FR", None, None),
    ("DE", "ags:11000000", None),
])
def test_the_departement_comes_from_the_insee_code(country, code, departement):
    assert departement_of(Source(id="s", name="s", country=country, official_code=code)) == departement


SOURCE = Source(id="fr-marseille", name="Marseille", country="FR", official_code="insee:13055")
DOCUMENT = Document(source_id="fr-marseille", kind="agenda")
HIT = Hit(category="video_surveillance", vendor="BriefCam", score=0.7)


@pytest.mark.parametrize("filters, wanted", [
    ({}, True),
    ({"sources": ["fr-marseille"]}, True),
    ({"sources": ["fr-lyon"]}, False),
    ({"countries": ["FR"]}, True),
    ({"countries": ["BE"]}, False),
    ({"departements": ["13", "84"]}, True),
    ({"departements": ["69"]}, False),
    ({"categories": ["video_surveillance"]}, True),
    ({"categories": ["drones"]}, False),
    ({"vendors": ["briefcam"]}, True),
    ({"vendors": ["Hikvision"]}, False),
    ({"kinds": ["agenda", "deliberation"]}, True),
    ({"kinds": ["minutes"]}, False),
    ({"min_score": 0.7}, True),
    ({"min_score": 0.8}, False),
    ({"departements": ["13"], "categories": ["drones"]}, False),  # every filter must pass
])
def test_a_hit_must_pass_every_filter_given(filters, wanted):
    assert matches(filters, HIT, DOCUMENT, SOURCE) is wanted


FOUND = Hit(category="video_surveillance", vendor="Activ Ingenierie", score=0.65, kind="vendor",
            details={"vendor_status": "found", "vendor_written": "ACTIV Ingénierie"})


@pytest.mark.parametrize("wanted, passes", [
    ("Activ Ingenierie", True),
    ("ACTIV Ingénierie", True),  # as a council writes it: case and accents do not matter
    ("activ-ingenierie", True),
    ("Activ", False),
])
def test_a_vendor_found_in_the_documents_can_be_followed_by_its_name(wanted, passes):
    assert matches({"vendors": [wanted]}, FOUND, DOCUMENT, SOURCE) is passes


def test_only_matching_hits_created_after_the_subscription_are_owed(db, notify, now):
    old = add_hit(db, source={"id": "fr-marseille", "name": "Marseille", "official_code": "insee:13055"})
    with db.session() as session:
        session.get(Hit, old).created_at = now - dt.timedelta(days=3)  # found before anyone subscribed
    add_subscription(db, "bouches-du-rhone", ["json://127.0.0.1:9/x"], filters={"departements": ["13"]})
    wanted = add_hit(db, source={"id": "fr-marseille", "name": "Marseille", "official_code": "insee:13055"})
    add_hit(db, source={"id": "fr-lyon", "name": "Lyon", "official_code": "insee:69123"})

    notify()

    with db.session() as session:
        assert list(session.scalars(select(Delivery.hit_id))) == [wanted]


def test_a_hit_a_newer_lexicon_no_longer_finds_is_never_owed():
    retracted = Hit(category="video_surveillance", vendor="BriefCam", score=0.7, details={"not_found_by": "1.1.0"})
    assert not matches({}, retracted, DOCUMENT, SOURCE)
