"""`vigie sources discover` writes a candidate source for each commune that has none."""

from __future__ import annotations

import tarfile

import yaml

from spiders.communes import Commune, coverage
from spiders.registry import load_registry, parse_entry
from tests.support.apiserver import ApiServer
from tests.support.fixtures import fixture_path

ANNUAIRE = fixture_path("annuaire", "annuaire-local-constructed.json")
COMMUNES = fixture_path("annuaire", "communes-constructed.json")


def discover(cli, out, *extra: str, annuaire: str = str(ANNUAIRE)):
    return cli(
        "sources",
        "discover",
        "--annuaire",
        annuaire,
        "--populations",
        str(COMMUNES),
        "--departement",
        "99",
        "--out",
        str(out),
        *extra,
    )


def entries(out) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((out / "fr").glob("*.yaml"))}


def test_one_candidate_per_commune_over_the_threshold_with_its_site(cli, tmp_path):
    result = discover(cli, tmp_path / "candidates")
    assert result.exit_code == 0, result.output
    found = entries(tmp_path / "candidates")
    assert set(found) == {"bellerive-sur-ondine-99101", "val-d-aubette-99102", "saint-gildas-des-landes-99103"}
    bellerive = found["bellerive-sur-ondine-99101"]
    assert (bellerive["official_code"]["insee"], bellerive["name"], bellerive["population"]) == (
        "99101",
        "Bellerive-sur-Ondine",
        12450,
    )
    # The main town hall's site, not the delegated one's nor the CCAS's; its address's coordinates.
    assert (bellerive["platform"], bellerive["url"]) == ("html", "https://www.bellerive-sur-ondine.example/")
    assert bellerive["coordinates"] == {"lat": 45.4321, "lon": 4.3876}
    assert (bellerive["verified"], bellerive["enabled"]) == (False, False)
    assert "1 without a site in the Annuaire" in result.output and "99105 Mont-Aigu" in result.output


def test_a_site_on_a_known_platform_gets_that_platform(cli, tmp_path):
    discover(cli, tmp_path / "candidates")
    found = entries(tmp_path / "candidates")
    assert found["val-d-aubette-99102"]["platform"] == "webdelib"
    gildas = found["saint-gildas-des-landes-99103"]
    assert (gildas["platform"], gildas["url"]) == (
        "megalis",
        "https://data-publication.megalis.bretagne.bzh/mq_apis/actes/v1/search?siren=299103001",
    )


def test_candidates_are_registry_entries_for_verify(cli, tmp_path):
    discover(cli, tmp_path / "candidates")
    registry = load_registry([tmp_path / "candidates"], bundled=False)
    assert len(registry) == 3 and not any(s.enabled for s in registry.values())


def test_a_second_run_changes_nothing(cli, tmp_path):
    out = tmp_path / "candidates"
    discover(cli, out)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (out / "fr").iterdir()}
    result = discover(cli, out)
    assert "0 candidate(s) written, 3 already there" in result.output
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (out / "fr").iterdir()} == before


def test_a_commune_already_in_the_registry_gets_no_candidate(cli, tmp_path, monkeypatch):
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "bellerive.yaml").write_text(
        'id: bellerive\nname: Bellerive\ncountry: FR\nofficial_code: {insee: "99101"}\nplatform: html\n'
        "url: https://www.bellerive-sur-ondine.example/conseil\nverified: false\nenabled: false\n"
        "established: Constructed for a test.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("VIGIE_SOURCES_DIRS", str(registry))
    result = discover(cli, tmp_path / "candidates")
    assert "1 commune(s) already in the registry" in result.output
    assert "bellerive-sur-ondine-99101" not in entries(tmp_path / "candidates")


def test_the_archive_and_the_api_export_are_read_too(cli, tmp_path):
    archive = tmp_path / "all_latest.tar.bz2"
    with tarfile.open(archive, "w:bz2") as tar:
        tar.add(ANNUAIRE, arcname="2026-10-01.gouv_local.json")
    assert discover(cli, tmp_path / "from-archive", annuaire=str(archive)).exit_code == 0
    with ApiServer() as server:
        server.route("/exports/json", fixture_path("annuaire", "annuaire-api-export-constructed.json"))
        assert discover(cli, tmp_path / "from-api", annuaire=f"{server.url}/exports/json").exit_code == 0
    assert (
        entries(tmp_path / "from-archive").keys()
        == entries(tmp_path / "from-api").keys()
        == {"bellerive-sur-ondine-99101", "val-d-aubette-99102", "saint-gildas-des-landes-99103"}
    )


def test_a_file_that_is_not_the_annuaire_is_refused_with_its_name(cli, tmp_path):
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"hello": "world"}', encoding="utf-8")
    result = discover(cli, tmp_path / "candidates", annuaire=str(wrong))
    assert result.exit_code == 2 and str(wrong) in result.output


def spec(source_id: str, insee: str, enabled: bool):
    return parse_entry(
        {
            "id": source_id,
            "name": source_id,
            "country": "FR",
            "platform": "html",
            "url": "https://example.org/",
            "official_code": {"insee": insee},
            "enabled": enabled,
        },
        origin="command-line",
    )


def test_coverage_counts_enabled_candidate_and_nothing_per_departement():
    communes = [
        Commune("99101", "A", "99", 12000),
        Commune("99102", "B", "99", 5000),
        Commune("99103", "C", "99", 4000),
        Commune("99104", "D", "99", 1000),
        Commune("98101", "E", "98", 8000),
    ]
    rows = coverage(communes, [spec("source-a", "99101", True), spec("source-b", "99102", False)])
    assert rows == [
        {"departement": "98", "communes": 1, "enabled": 0, "candidate": 0, "nothing": 1},
        {"departement": "99", "communes": 3, "enabled": 1, "candidate": 1, "nothing": 1},
        {"departement": "total", "communes": 4, "enabled": 1, "candidate": 1, "nothing": 2},
    ]
