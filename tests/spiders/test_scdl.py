"""The `scdl` spider reads SCDL deliberation CSV files in the shapes real publishers write.

No real file could be saved: every CSV here is constructed (tests/fixtures/scdl/README.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.platforms.scdl import datagouv_api_url
from spiders.scdl_fields import ScdlError, normalise_header, parse_date, read_table
from tests.spiders.conftest import crawl_twice
from tests.support.apiserver import Reply
from tests.support.fixtures import fixture_bytes, fixture_path

ORIGIN = "https://data.maville.fr"


@pytest.mark.parametrize(
    "name, rows, with_url, first_subject",
    [
        ("comma-utf8.csv", 4, 2, "Lancement d'une démarche partenariale"),
        ("semicolon-bom-quoted-extra-columns.csv", 2, 1, "Convention avec un prestataire"),
        ("lowercase-cp1252-minimal.csv", 2, 1, "Convention de coordination entre la police municipale"),
    ],
)
def test_every_variant_is_read_with_its_subjects(name, rows, with_url, first_subject):
    records = [r for r in read_table(fixture_bytes("scdl", name)) if r is not None]
    assert len(records) == rows
    assert sum(1 for r in records if r.url) == with_url
    assert records[0].subject.startswith(first_subject)


def test_windows_1252_accents_survive():
    records = [r for r in read_table(fixture_bytes("scdl", "lowercase-cp1252-minimal.csv")) if r]
    assert "sécurité de l'État ; caméras-piétons" in records[0].subject
    assert "« Été jeunesse »" in records[1].subject


def test_vote_counts_are_kept_and_absent_ones_are_none():
    records = [r for r in read_table(fixture_bytes("scdl", "comma-utf8.csv")) if r]
    assert records[1].votes == {"eligible": 33, "voting": 31, "for": 24, "against": 5, "abstention": 2}
    assert records[3].votes is None


def test_extra_columns_are_kept_apart_and_the_acte_id_is_read():
    record = next(r for r in read_table(fixture_bytes("scdl", "semicolon-bom-quoted-extra-columns.csv")) if r)
    assert record.extra == {"PUBLICATION_DATE": "2024-04-13", "NATURE_ACTE": "Délibération"}
    assert record.acte_id == "099-000000000-20240412-2024_041-DE"
    assert record.adopted == dt.date(2024, 4, 9)


def test_a_file_that_is_not_scdl_says_which_column_is_missing():
    with pytest.raises(ScdlError, match="no DELIB_OBJET column"):
        list(read_table(fixture_bytes("scdl", "not-scdl.csv")))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2017-10-15", dt.date(2017, 10, 15)),
        ("2023-12-14 00:00:00", dt.date(2023, 12, 14)),
        ("14/12/2023", dt.date(2023, 12, 14)),
        ("2023-02-30", None),
        ("", None),
    ],
)
def test_dates(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("\ufeffCOLL_NOM", "COLL_NOM"),
        (" delib_objet ", "DELIB_OBJET"),
        ("VOTE_ABST", "VOTE_ABSTENTION"),
        ("DELIB_COMPETENCE", "DELIB_MATIERE_NOM"),
        ("vote-pour", "VOTE_POUR"),
    ],
)
def test_headers_are_normalised(raw, expected):
    assert normalise_header(raw) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://www.data.gouv.fr/fr/datasets/marseille-deliberations-2024/",
            "https://www.data.gouv.fr/api/1/datasets/marseille-deliberations-2024/",
        ),
        ("https://www.data.gouv.fr/api/1/datasets/x/", "https://www.data.gouv.fr/api/1/datasets/x/"),
        ("https://example.org/deliberations.csv", None),
    ],
)
def test_data_gouv_dataset_pages_map_to_the_api(url, expected):
    assert datagouv_api_url(url) == expected


# -- crawls on loopback -------------------------------------------------------------------


def serve_csv(start_server, *names: str):
    server = start_server(rewrite=[ORIGIN])
    for name in names:
        server.route(
            f"/deliberations/{name}", lambda request, n=name: request.file(fixture_path("scdl", n), "text/csv")
        )
    return server


@pytest.fixture(scope="module")
def comma_file(module_api_server, module_workspace):
    """Two crawls of the canonical file, read by several tests."""
    server = serve_csv(module_api_server, "comma-utf8.csv")
    return crawl_twice(module_workspace, server, "scdl", f"{server.url}/deliberations/comma-utf8.csv", "bellerive-scdl")


def test_a_crawl_stores_pdfs_and_subject_records_with_their_metadata(comma_file):
    docs, base = comma_file.documents, comma_file.server.url
    assert len(docs) == 4
    pdf = docs[f"{base}/deliberations/files/099-000000000-20240315-2024_031-DE.pdf"]
    assert (pdf.kind, pdf.status, pdf.media_type) == ("deliberation", "pending", "application/pdf")
    assert pdf.acte_id == "099-000000000-20240315-2024_031-DE"
    assert pdf.adoption_date == pdf.meeting_date == dt.date(2024, 3, 12)
    assert pdf.votes == {"eligible": 33, "voting": 31, "for": 24, "against": 5, "abstention": 2}
    drone = docs[f"{base}/deliberations/comma-utf8.csv#2024-033"]
    assert drone.title.startswith("Acquisition d'un drone pour la police municipale")
    assert drone.media_type.startswith("text/plain") and drone.status == "pending"


def test_a_second_crawl_downloads_nothing_again(comma_file):
    assert [r for r in comma_file.second_requests if r.endswith(".pdf")] == []
    first, second = comma_file.runs
    assert (first.documents_new, first.status) == (4, "ok")
    assert (second.documents_new, second.documents_changed, second.documents_unchanged) == (0, 0, 4)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("semicolon-bom-quoted-extra-columns.csv", 2),
        ("lowercase-cp1252-minimal.csv", 2),
    ],
)
def test_the_same_spider_reads_another_publishers_file_with_only_its_url(api_server, crawl, documents, name, expected):
    server = serve_csv(api_server, name)
    crawl("scdl", f"{server.url}/deliberations/{name}", "other-publisher")
    assert len(documents("other-publisher")) == expected


def test_a_file_that_is_not_scdl_fails_the_source_with_the_reason(api_server, crawl, source_runs):
    server = serve_csv(api_server, "not-scdl.csv")
    crawl("scdl", f"{server.url}/deliberations/not-scdl.csv", "wrong-file", expect=1)
    run = source_runs("wrong-file")[0]
    assert run.status == "failed" and "no DELIB_OBJET column" in run.error


def test_a_file_emptied_after_a_complete_crawl_makes_the_source_empty(api_server, crawl, source_runs):
    server = api_server(rewrite=[ORIGIN])
    table = {"body": fixture_bytes("scdl", "comma-utf8.csv")}
    server.route("/d.csv", lambda request: Reply(200, server.localise(table["body"]), {"Content-Type": "text/csv"}))
    crawl("scdl", f"{server.url}/d.csv", "emptied")
    table["body"] = table["body"].split(b"\n", 1)[0] + b"\n"  # the publisher left only the header
    crawl("scdl", f"{server.url}/d.csv", "emptied")
    # Read in full each time, an empty file means that nothing is published, not that nothing changed.
    assert [run.status for run in source_runs("emptied")] == ["ok", "empty"]
