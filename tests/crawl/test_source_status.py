"""A source's health after a crawl: silent breakage is never "ok"."""

from __future__ import annotations

import pytest

from spiders.extensions import source_status


@pytest.mark.parametrize(
    "stats, reason, distributed, status",
    [
        ({"vigie/documents_new": 3}, "finished", False, "ok"),
        ({"vigie/documents_unchanged": 40}, "finished", False, "ok"),
        ({}, "finished", False, "empty"),  # a redesigned site yields nothing
        ({"vigie/listing_errors": 1, "vigie/last_error": "HTTP 500"}, "finished", False, "failed"),
        ({"vigie/documents_new": 2}, "shutdown", False, "failed"),
        ({"vigie/documents_new": 2}, "closespider_timeout", False, "ok"),  # cut by its time budget
        (
            {"vigie/incremental_since": "2026-11-01", "vigie/listings_read": 3},
            "finished",
            False,
            "ok",
        ),  # API: nothing new
        ({}, "finished", True, "ok"),  # a distributed worker whose share was nothing
        ({"vigie/listing_errors": 1}, "finished", True, "failed"),
    ],
)
def test_source_status(stats, reason, distributed, status):
    assert source_status(stats, reason, distributed)[0] == status


def test_a_source_whose_every_document_is_blocked_says_so():
    status, reason = source_status({"vigie/documents_blocked": 4, "vigie/blocked": 4}, "finished")
    assert status == "empty"
    assert "robots.txt (4 blocked)" in reason
