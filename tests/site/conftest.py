"""A small, realistic database for the site's tests, and a helper to build the site from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from notify.site.build import BuildSummary, SiteOptions, build_site
from storage.db import Database
from tests.site.factory import NOW, TODAY, add_document, add_hit, add_source, add_source_run
from tests.support.databases import fresh_database_url

ARCHIVE = "https://archive.vigie.example"
DEFAULTS = {"today": TODAY, "public_url": ARCHIVE}


@dataclass
class Sample:
    """Ids of the sample's documents, named for what they are."""

    lyon_agenda: int  # agenda of a meeting ahead (20 March), two hits
    lyon_deliberation: int  # past deliberation, one hit
    nice_deliberation: int  # past deliberation, the newest hit of all
    nice_past_agenda: int  # agenda of a meeting already held


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def populate_sample(db: Database) -> Sample:
    """Three councils: Lyon (healthy, a vote ahead), Nice (last crawl failed), Brest (never crawled)."""
    with db.session() as s:
        lyon = add_source(
            s, "fr-lyon", "Ville de Lyon", "https://www.lyon.fr/deliberations", latitude=45.764, longitude=4.8357
        )
        nice = add_source(
            s, "fr-nice", "Ville de Nice", "https://www.nice.fr/conseil-municipal", latitude=43.7102, longitude=7.262
        )
        add_source(s, "fr-brest", "Ville de Brest", "https://www.brest.fr/conseil")
        add_source_run(s, lyon, "ok", started_at=days_ago(8), documents_new=5)
        add_source_run(s, lyon, "ok", started_at=days_ago(1), documents_new=3)
        add_source_run(s, nice, "ok", started_at=days_ago(7), documents_new=2)
        add_source_run(
            s, nice, "failed", started_at=days_ago(1), error="HTTP 503 on https://www.nice.fr/conseil-municipal"
        )

        agenda = add_document(
            s,
            lyon,
            "https://www.lyon.fr/files/odj-2025-03-20.pdf",
            kind="agenda",
            title="Ordre du jour du conseil municipal du 20 mars 2025",
            meeting_date=dt.date(2025, 3, 20),
        )
        add_hit(
            s,
            agenda,
            "vidéoprotection",
            page=1,
            created_at=days_ago(1),
            snippet="Extension du dispositif de vidéoprotection au quartier de la Guillotière.",
        )
        add_hit(
            s,
            agenda,
            "BriefCam",
            category="vendor",
            kind="vendor",
            vendor="BriefCam",
            page=3,
            created_at=days_ago(1),
            snippet="Acquisition du logiciel BriefCam d'analyse des images.",
        )
        deliberation = add_document(
            s,
            lyon,
            "https://www.lyon.fr/files/delib-2025-02-03-12.pdf",
            title="Délibération 2025-12 : équipement de la police municipale",
            meeting_date=dt.date(2025, 2, 3),
        )
        add_hit(
            s,
            deliberation,
            "caméras-piétons",
            category="body_cameras",
            page=2,
            created_at=days_ago(30),
            snippet="Le conseil autorise l'achat de 40 caméras-piétons pour les agents.",
        )
        nice_delib = add_document(
            s,
            nice,
            "https://www.nice.fr/files/delib-2025-01-15-7.pdf",
            title="Délibération 7 : surveillance des plages",
            meeting_date=dt.date(2025, 1, 15),
        )
        add_hit(
            s,
            nice_delib,
            "drones",
            category="drones",
            page=4,
            created_at=days_ago(0.5),
            snippet="Recours à des drones pour la surveillance des plages l'été.",
        )
        past = add_document(
            s,
            nice,
            "https://www.nice.fr/files/odj-2025-03-05.pdf",
            kind="agenda",
            title="Ordre du jour du 5 mars 2025",
            meeting_date=dt.date(2025, 3, 5),
        )
        add_hit(
            s,
            past,
            "LAPI",
            category="plate_recognition",
            page=1,
            created_at=days_ago(8),
            snippet="Déploiement de caméras LAPI aux entrées de ville.",
        )
        return Sample(agenda.id, deliberation.id, nice_delib.id, past.id)


@pytest.fixture
def sample(db: Database) -> Sample:
    """The sample in this test's own database (for tests that change it)."""
    return populate_sample(db)


@pytest.fixture
def build(db: Database, tmp_path: Path):
    """Build the site of ``db`` into ``tmp_path/site`` (or ``out``); returns the summary."""

    def run(out: Path | None = None, **options) -> BuildSummary:
        options = {**DEFAULTS, **options}
        return build_site(db, SiteOptions(out=out or tmp_path / "site", **options))

    return run


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Sample]:
    """The sample's site, built once for a module of tests that only read it."""
    folder = tmp_path_factory.mktemp("sample")
    with fresh_database_url(folder) as url:
        db = Database(url)
        sample = populate_sample(db)
        build_site(db, SiteOptions(out=folder / "site", **DEFAULTS))
        db.dispose()
    return folder / "site", sample


@pytest.fixture(scope="module")
def site(built_sample) -> Path:
    return built_sample[0]


@pytest.fixture(scope="module")
def sample_ids(built_sample) -> Sample:
    return built_sample[1]
