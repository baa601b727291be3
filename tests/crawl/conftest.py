"""Fixtures of the crawl tests: the fictional commune's site with its PDFs, served on loopback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.crawl.pdfs import make_pdf
from tests.support.workspace import vigie_workspace

COMMUNE = Path(__file__).parents[1] / "fixtures" / "sites" / "commune"

COMMUNE_PDFS = {
    "odj-2026-12-15.pdf": "ORDRE DU JOUR\nConseil municipal du 15 décembre 2026\n1. Extension du système de vidéoprotection",
    "delib-2026-045.pdf": "Délibération n° 2026-045\nExtension du réseau de vidéoprotection urbaine : 12 caméras.",
    "pv-2026-10-20.pdf": "PROCÈS-VERBAL de la séance du 20 octobre 2026\nLe conseil approuve le budget.",
    "delib-2026-031.pdf": "Délibération n° 2026-031\nSubventions aux associations sportives.",
    "delib-2026-012.pdf": "Délibération n° 2026-012\nBudget primitif 2026.",
    "menu-cantine-decembre.pdf": "Menu de la cantine : lundi, gratin de courgettes.",
    "plan-du-site.pdf": "Plan du site",
}


def build_commune_site(root: Path) -> Path:
    shutil.copytree(COMMUNE, root)
    # The PDFs are generated, so git holds no docs/ folder to copy.
    (root / "docs").mkdir(exist_ok=True)
    for name, text in COMMUNE_PDFS.items():
        (root / "docs" / name).write_bytes(make_pdf(text))
    return root


@pytest.fixture
def commune_site(tmp_path: Path) -> Path:
    """A writable copy of the commune's site, PDFs included (tests may change files)."""
    return build_commune_site(tmp_path / "site")


@pytest.fixture(scope="module")
def module_workspace(tmp_path_factory):
    """A data folder, a database and a `vigie` runner shared by the tests of one module,
    for modules whose tests all look at the result of one crawl."""
    with vigie_workspace(tmp_path_factory.mktemp("crawl")) as workspace:
        yield workspace
