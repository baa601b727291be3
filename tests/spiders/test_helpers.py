"""Small parsers shared by the platform spiders: @ctes identifiers, query strings, date-times,
Retry-After headers."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.actes import find_acte_id
from spiders.api import parse_datetime, with_query
from spiders.middlewares import retry_after_seconds


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ID : 013-211301106-20210201-1212-AI", "013-211301106-20210201-1212-AI"),
        ("013-211300561-20211025-RA21_23060-AR", "013-211300561-20211025-RA21_23060-AR"),
        ("https://x.fr/files/069-216901496-20160603-20160526_7-DE.pdf", "069-216901496-20160603-20160526_7-DE"),
        ("99_AR-013-211300074-20220106-AR-2022-02-AR-1-1_1.PDF", "013-211300074-20220106-AR-2022-02-AR"),
        ("https://x.fr/099-000000000-20240315-2024%5F031-DE.pdf", "099-000000000-20240315-2024_031-DE"),
        ("02A-200012345-20230101-12-DE", "02A-200012345-20230101-12-DE"),
        ("délibération n° 2024-031", None),
        (None, None),
    ],
)
def test_acte_ids_are_found_in_fields_urls_and_file_names(text, expected):
    assert find_acte_id(text) == expected


@pytest.mark.parametrize(
    "url, params, expected",
    [
        (
            "https://r.example/meetings.asp?body=2387",
            {"modified_since": "2024-01-01T00:00:00+00:00"},
            "https://r.example/meetings.asp?body=2387&modified_since=2024-01-01T00:00:00%2B00:00",
        ),
        ("https://p.example/records?limit=10", {"limit": 100, "where": None}, "https://p.example/records?limit=100"),
        (
            "https://w.example/v1/c/events",
            {"$filter": "EventDate ge datetime'2024-01-01'"},
            "https://w.example/v1/c/events?$filter=EventDate+ge+datetime'2024-01-01'",
        ),
    ],
)
def test_query_parameters_are_added_or_replaced(url, params, expected):
    assert with_query(url, **params) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2021-06-24T18:37:00+02:00", dt.datetime(2021, 6, 24, 16, 37, tzinfo=dt.UTC)),
        ("2024-09-21T00:49:38.617Z", dt.datetime(2024, 9, 21, 0, 49, 38, 617000, tzinfo=dt.UTC)),
        ("", None),
        ("not a date", None),
    ],
)
def test_date_times(raw, expected):
    assert parse_datetime(raw) == expected


NOW = dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize(
    "header, expected",
    [
        (b"120", 120.0),
        (b"Thu, 12 Mar 2026 10:01:30 GMT", 90.0),
        (b"Thu, 12 Mar 2026 09:00:00 GMT", 0.0),  # already past: retry now
        (b"soon", None),
        (None, None),
    ],
)
def test_retry_after_is_read_in_seconds_or_as_a_date(header, expected):
    assert retry_after_seconds(header, now=NOW) == expected
