"""The `opendatasoft` spider reads Explore v2.1 datasets, SCDL ones in lower case included."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.platforms.opendatasoft import next_offset, uses_export
from tests.spiders.conftest import crawl_twice
from tests.support.fixtures import load_json

RENNES = "https://data.megalis.bretagne.bzh"
BELLERIVE = "https://opendata.bellerive.example"
API = "/api/explore/v2.1/catalog/datasets"


@pytest.mark.parametrize(
    "offset, got, total, page, expected",
    [
        (0, 100, 311, 100, 100),
        (300, 11, 311, 100, None),  # the last page
        (0, 3, 7, 100, 3),  # the portal capped `limit` below ours: follow what came
        (0, 0, 7, 100, None),  # an empty page ends the listing
        (9800, 100, 9990, 100, 9900),
        (9900, 100, 10000, 100, None),  # offset + limit may not pass 10,000
    ],
)
def test_paging_follows_what_the_server_returned(offset, got, total, page, expected):
    assert next_offset(offset, got, total, page) == expected


@pytest.mark.parametrize("total, expected", [(0, False), (10_000, False), (10_001, True)])
def test_datasets_beyond_the_window_use_the_export(total, expected):
    assert uses_export(total) is expected


def serve_dataset(server, dataset: str, records: list, max_limit: int = 100, claimed_total: int | None = None):
    """The documented records and exports endpoints of one dataset, over ``records``."""

    def page(request):
        limit, offset = min(int(request.query.get("limit", 10)), max_limit), int(request.query.get("offset", 0))
        if offset + limit > 10_000:
            return request.json(
                {
                    "error_code": "InvalidRESTParameterError",
                    "message": "Invalid value for sum of offset + limit API parameter",
                },
                400,
            )
        total = claimed_total if claimed_total is not None else len(records)
        return request.json({"total_count": total, "results": records[offset : offset + limit]})

    server.route(f"{API}/{dataset}/records", page)
    server.route(f"{API}/{dataset}/exports/json", lambda request: request.json(records))
    return f"{server.url}{API}/{dataset}"


@pytest.fixture(scope="module")
def rennes(module_api_server, module_workspace):
    """Two crawls of the real Rennes records, on a portal that gives 3 records per call."""
    server = module_api_server(rewrite=[RENNES])
    records = load_json("opendatasoft", "rennes-deliberations-2021-export-first-records.json")
    url = serve_dataset(server, "deliberations-villerennes-2021", records, max_limit=3)
    return crawl_twice(module_workspace, server, "opendatasoft", url, "rennes")


def test_rennes_records_are_read_page_by_page(rennes):
    assert len([r for r in rennes.first_requests if "/records?" in r]) == 3  # 3 + 3 + 1 records
    docs = rennes.documents
    assert len(docs) == 7
    record = load_json("opendatasoft", "rennes-deliberations-2021-export-first-records.json")[0]
    doc = docs[record["delib_url"].replace(RENNES, rennes.server.url)]
    assert (doc.kind, doc.adoption_date, doc.status) == ("deliberation", dt.date(2023, 12, 4), "pending")
    assert doc.title == "DCM 2023-0461 - Rapport_activites_Developpement_durable_RM_2022"
    assert doc.extra["scdl"]["DELIB_MATIERE_CODE"] == "5.7"


def test_a_second_crawl_asks_for_recent_records_only_and_downloads_nothing(rennes):
    assert not [r for r in rennes.first_requests if "where=" in r]
    assert [r for r in rennes.second_requests if "where=delib_date" in r]  # "delib_date >= date'…'"
    assert [r for r in rennes.second_requests if r.endswith(".pdf")] == []
    first, second = rennes.runs
    assert (first.documents_new, second.documents_new, second.documents_unchanged) == (7, 0, 7)
    assert second.status == "ok"


def test_a_dataset_beyond_ten_thousand_records_is_exported_in_one_go(api_server, crawl, documents):
    server = api_server(rewrite=[RENNES])
    records = load_json("opendatasoft", "rennes-deliberations-2021-export-first-records.json")
    url = serve_dataset(server, "deliberations-villerennes-2021", records, claimed_total=25_000)
    crawl("opendatasoft", url, "rennes")
    assert len(server.requested("/exports/json")) == 1
    assert len(documents("rennes")) == 7


def test_another_portal_works_with_only_its_url(api_server, crawl, documents):
    server = api_server(rewrite=[BELLERIVE])
    records = load_json("opendatasoft", "bellerive-deliberations-constructed.json")
    url = serve_dataset(server, "deliberations-bellerive", records)
    crawl("opendatasoft", url, "bellerive-ods")
    docs = documents("bellerive-ods")
    assert len(docs) == 2  # the record without a subject is left out
    pdf = next(d for d in docs.values() if d.url.endswith(".pdf"))
    assert pdf.acte_id == "099-000000000-20240528-2024_0101-DE"
    assert pdf.votes == {"eligible": 33, "voting": 30, "for": 22, "against": 6, "abstention": 2}
    record = docs[f"{url}#2024_0102"]
    assert record.title == "DCM 2024-0102 - Subvention_comite_des_fetes"
    assert record.media_type.startswith("text/plain")


def test_a_wrong_url_fails_the_source_and_says_why(api_server, crawl, source_runs):
    server = api_server()
    server.route(f"{API}/nothing/records", lambda request: request.json({"hello": "world"}))
    crawl("opendatasoft", f"{server.url}{API}/nothing", "wrong", expect=1)
    assert "no `results`" in source_runs("wrong")[0].error
