"""Which findings a subscription gets: filters, and the département of a French source."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from notify.filters import departement_of, matches
from storage.models import Delivery, Finding, Source
from tests.notify.factory import add_hit, add_subscription, finding_of


@pytest.mark.parametrize(
    "country, code, departement",
    [
        ("FR", "insee:13055, siren:211300553", "13"),  # Marseille
        ("FR", "insee:2A004", "2A"),  # Ajaccio
        ("FR", "insee:97411", "974"),  # Saint-Denis de La Réunion
        ("FR", "siren:200054807, insee:69123", "69"),  # any order
        ("FR", "departement:33", "33"),  # a département's own council
        ("FR", "siren:211300553", None),  # no INSEE code
        ("FR", None, None),
        ("DE", "ags:11000000", None),
    ],
)
def test_the_departement_comes_from_the_insee_code(country, code, departement):
    assert departement_of(Source(id="s", name="s", country=country, official_code=code)) == departement


SOURCE = Source(id="fr-marseille", name="Marseille", country="FR", official_code="insee:13055")
FINDING = Finding(
    categories={"video_surveillance": 3, "algorithmic_video": 1},
    vendors=["BriefCam"],
    kinds=["agenda", "deliberation"],
    score=0.7,
    status="active",
)


@pytest.mark.parametrize(
    "filters, wanted",
    [
        ({}, True),
        ({"sources": ["fr-marseille"]}, True),
        ({"sources": ["fr-lyon"]}, False),
        ({"countries": ["FR"]}, True),
        ({"countries": ["BE"]}, False),
        ({"departements": ["13", "84"]}, True),
        ({"departements": ["69"]}, False),
        ({"categories": ["video_surveillance"]}, True),
        ({"categories": ["algorithmic_video", "drones"]}, True),  # one of its categories is enough
        ({"categories": ["drones"]}, False),
        ({"categories": ["vendor"]}, True),  # it names a vendor
        ({"vendors": ["briefcam"]}, True),
        ({"vendors": ["Hikvision"]}, False),
        ({"kinds": ["agenda"]}, True),  # one of the documents that show it
        ({"kinds": ["minutes"]}, False),
        ({"min_score": 0.7}, True),
        ({"min_score": 0.8}, False),
        ({"departements": ["13"], "categories": ["drones"]}, False),  # every filter must pass
    ],
)
def test_a_finding_must_pass_every_filter_given(filters, wanted):
    assert matches(filters, FINDING, SOURCE) is wanted


FOUND = Finding(
    categories={"video_surveillance": 1},
    vendors=["Activ Ingenierie"],
    score=0.65,
    kinds=["deliberation"],
    status="active",
)


@pytest.mark.parametrize(
    "wanted, passes",
    [
        ("Activ Ingenierie", True),
        ("ACTIV Ingénierie", True),  # as a council writes it: case and accents do not matter
        ("activ-ingenierie", True),
        ("Activ", False),
    ],
)
def test_a_vendor_found_in_the_documents_can_be_followed_by_its_name(wanted, passes):
    assert matches({"vendors": [wanted]}, FOUND, SOURCE) is passes


def test_only_matching_findings_found_after_the_subscription_are_owed(db, notify, now):
    old = finding_of(
        db, add_hit(db, source={"id": "fr-marseille", "name": "Marseille", "official_code": "insee:13055"})
    )
    with db.session() as session:
        session.get(Finding, old).news_at = now - dt.timedelta(days=3)  # found before anyone subscribed
    add_subscription(db, "bouches-du-rhone", ["json://127.0.0.1:9/x"], filters={"departements": ["13"]})
    wanted = finding_of(
        db, add_hit(db, source={"id": "fr-marseille", "name": "Marseille", "official_code": "insee:13055"})
    )
    add_hit(db, source={"id": "fr-lyon", "name": "Lyon", "official_code": "insee:69123"})

    notify()

    with db.session() as session:
        assert list(session.scalars(select(Delivery.finding_id))) == [wanted]


def test_a_finding_whose_every_mention_a_newer_lexicon_no_longer_finds_is_never_owed(db, notify):
    add_subscription(db, "tous", ["json://127.0.0.1:9/x"])
    add_hit(db, details={"not_found_by": "1.1.0"})

    summary = notify()

    assert summary.queued == 0
    with db.session() as session:
        assert session.scalar(select(Finding.status)) is None  # never built: its only mention is retracted
