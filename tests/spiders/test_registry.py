"""The bundled source registry: complete, honest about what was verified, and validated on load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from spiders.options import markdown_table, platform_options
from spiders.registry import PLATFORMS, RegistryError, load_registry, parse_entry


@pytest.fixture(scope="module")
def registry():
    return load_registry()


SEED_CITIES = {  # the Technopolice manifesto's seven, then the other French cities
    "marseille",
    "nice",
    "toulouse",
    "strasbourg",
    "paris",
    "saint-etienne",
    "valenciennes",
    "lyon",
    "montpellier",
    "nantes",
    "rennes",
    "orleans",
    "metz",
    "nimes",
    "bordeaux",
    "lille",
}


def test_every_seed_city_has_an_entry(registry):
    assert SEED_CITIES <= set(registry)


SEED_METROPOLES = {
    "aix-marseille-provence",
    "nice-cote-d-azur",
    "toulouse-metropole",
    "eurometropole-strasbourg",
    "saint-etienne-metropole",
    "valenciennes-metropole",
}


def test_every_seed_city_and_metropole_has_a_channel_to_check(registry):
    for source_id in SEED_CITIES | SEED_METROPOLES:
        spec = registry[source_id]
        assert spec.url.startswith("https://") or spec.url.startswith("http://"), source_id
        assert spec.coordinates, source_id


# A file path cited outside a URL: ``tests/fixtures/x.json``, ``documentation/legistar.md``.
_CITED_PATH = re.compile(r"(?<![\w/:.-])((?:[\w.-]+/)+[\w.-]+\.(?:md|ya?ml|json|csv|pdf|txt))\b")
# A public repository named just before the path: ``jisaacstone/legisearch, documentation/legistar.md``.
_REPOSITORY_BEFORE = re.compile(r"\b[\w-]+/[\w.-]+[,:]?\s*\(?$")


def test_entries_cite_only_public_sources_or_files_of_the_project(registry):
    project = Path(__file__).resolve().parents[2]
    for spec in registry.values():
        text = spec.established + " " + spec.notes
        for match in _CITED_PATH.finditer(text):
            before = text[max(0, match.start() - 60) : match.start()]
            assert (project / match.group(1)).is_file() or _REPOSITORY_BEFORE.search(before), (
                f"{spec.id}: cites {match.group(1)}, which is neither a file of Vigie nor in a public "
                "repository named before it: cite a public URL"
            )


@pytest.mark.parametrize("platform, at_least", [("oparl", 3), ("legistar", 3)])
def test_at_least_three_bodies_per_foreign_platform_are_enabled(registry, platform, at_least):
    assert sum(1 for s in registry.values() if s.platform == platform and s.enabled) >= at_least


def test_every_entry_says_how_its_channel_was_established(registry):
    for spec in registry.values():
        assert len(spec.established) > 40, spec.id
        assert not (spec.enabled and not spec.verified), spec.id


def test_entries_live_in_their_country_folder(registry):
    for spec in registry.values():
        assert spec.path.parent.name == spec.country.lower() and spec.path.stem == spec.id


def valid_entry(**changes):
    entry = {
        "id": "bellerive",
        "name": "Commune de Bellerive",
        "country": "FR",
        "platform": "html",
        "url": "https://bellerive.example/conseil",
        "verified": False,
        "enabled": False,
        "established": "Constructed for a test",
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def test_an_entry_may_say_where_the_council_sits(tmp_path):
    spec = parse_entry(valid_entry(coordinates={"lat": 45.43, "lon": 4.39}), tmp_path / "fr" / "bellerive.yaml")
    assert spec.coordinates == {"lat": 45.43, "lon": 4.39}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"established": None}, "established is required"),
        ({"verified": None}, "verified is required"),
        ({"enabled": True}, "an unverified source must stay disabled"),
        ({"official_code": {"insee": 35238}}, "insee 35238 is not well formed"),
        ({"official_code": {"fips": "123"}}, "unknown kind 'fips'"),
        ({"publication_interval_days": 0}, "publication_interval_days must be a positive"),
        ({"timezone": "Paris"}, "not an IANA time zone"),
        ({"coordinates": {"lat": 43.3}}, "coordinates must be a mapping {lat:"),
        ({"coordinates": {"lat": 95.0, "lon": 5.37}}, "lat must be within -90..90"),
        ({"config": {"document_link": "a"}}, "unknown option(s) document_link for platform html"),
        ({"url": None, "enabled": True, "verified": True}, "missing required field(s) url"),
        ({"url": "file:///srv/deliberations/"}, "url must start with http:// or https://"),
        ({"platform": "local"}, "platform 'local' is not one of html, scdl"),  # `vigie ingest`'s, not crawlable
        ({"country": "France"}, "country must be an ISO 3166 alpha-2 code"),
        ({"id": "Bellerive"}, "id 'Bellerive' must be lower-case"),
        ({"config": ["document_links"]}, "config must be a mapping"),
        ({"id": "other-name"}, "the file must be named after the id"),
    ],
)
def test_a_bad_registry_file_is_refused_with_the_fix(tmp_path, changes, message):
    path = tmp_path / "fr" / "bellerive.yaml"
    with pytest.raises(RegistryError) as error:
        parse_entry(valid_entry(**changes), path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_a_body_whose_channel_is_unknown_may_be_listed_without_url(tmp_path):
    spec = parse_entry(valid_entry(url=None), tmp_path / "fr" / "bellerive.yaml")
    assert spec.url == "" and not spec.enabled


def test_sources_given_on_the_command_line_need_no_provenance():
    spec = parse_entry(
        {"id": "adhoc", "name": "adhoc", "country": "FR", "platform": "scdl", "url": "https://example.org/d.csv"},
        origin="command-line",
    )
    assert spec.enabled


def test_an_html_council_is_data_only(tmp_path):
    folder = tmp_path / "registry" / "fr"
    folder.mkdir(parents=True)
    (folder / "bellerive.yaml").write_text(
        yaml.safe_dump(
            valid_entry(verified=True, enabled=True, config={"document_links": "main .deliberations a", "max_depth": 1})
        ),
        encoding="utf-8",
    )
    spec = load_registry([tmp_path / "registry"], bundled=False)["bellerive"]
    assert spec.config == {"document_links": "main .deliberations a", "max_depth": 1}


def test_every_platform_spider_declares_its_options():
    assert set(platform_options()) == set(PLATFORMS)
    assert all(option.help for options in platform_options().values() for option in options.values())


def test_the_options_table_of_docs_sources_md_is_the_one_the_spiders_declare():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "sources.md").read_text(encoding="utf-8")
    assert markdown_table() in docs, (
        "docs/sources.md is stale: replace its options table by the output of `vigie source options --markdown`"
    )
