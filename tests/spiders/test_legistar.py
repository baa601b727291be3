"""The `legistar` spider reads the Legistar Web API: events, their items, matters and attachments."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.platforms.legistar import legistar_date, odata_time
from tests.spiders.conftest import crawl_twice
from tests.support.fixtures import fixture_path, load_json

LAMETRO = ("https://metro.legistar1.com", "https://metro.legistar.com", "https://webapi.legistar.com")
BELLERIVE = ("https://bellerive.legistar1.com", "https://bellerive.legistar.com")


@pytest.mark.parametrize(
    "moment, expected",
    [
        (
            dt.datetime(2024, 9, 21, 2, 49, 38, 617000, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "datetime'2024-09-21T00:49:38'",
        ),
        (dt.date(2024, 1, 1), "datetime'2024-01-01'"),
    ],
)
def test_odata_literals_are_utc_without_offset(moment, expected):
    assert odata_time(moment) == expected


@pytest.mark.parametrize("raw, expected", [("2024-09-26T00:00:00", dt.date(2024, 9, 26)), (None, None), ("soon", None)])
def test_legistar_dates(raw, expected):
    assert legistar_date(raw) == expected


def paged(rows: list):
    """A collection endpoint honouring ``$top``/``$skip`` (the server's cap is 1,000)."""

    def handler(request):
        top, skip = min(int(request.query.get("$top", 1000)), 1000), int(request.query.get("$skip", 0))
        return request.json(rows[skip : skip + top])

    return handler


def serve_metro(server):
    base = "/v1/metro"
    server.route(f"{base}/events", paged([load_json("legistar", "lametro-event.json")]))
    server.route(f"{base}/events/2907/eventitems", fixture_path("legistar", "lametro-eventitems-constructed.json"))
    server.route(f"{base}/matters", fixture_path("legistar", "lametro-matters.json"))
    server.route(f"{base}/matters/10881/attachments", fixture_path("legistar", "lametro-matter-attachments.json"))
    return server.url + base


@pytest.fixture(scope="module")
def metro(module_api_server, module_workspace):
    """Two crawls of LA Metro's real payloads (event items constructed)."""
    server = module_api_server(rewrite=list(LAMETRO))
    return crawl_twice(module_workspace, server, "legistar", serve_metro(server), "la-metro")


def test_events_items_matters_and_attachments_become_documents(metro):
    docs, base = metro.documents, f"{metro.server.url}/v1/metro"
    agenda = next(d for u, d in docs.items() if u.endswith("_Agenda.pdf"))
    assert (agenda.kind, agenda.meeting_date) == ("agenda", dt.date(2024, 9, 26))
    item = docs[f"{base}/events/2907/eventitems/900102"]
    assert item.title.startswith("APPROVE Minutes of the Regular Board Meeting held September 26, 2024")
    assert item.votes == {"result": "Pass", "action": "APPROVED"}
    assert item.meeting_date == dt.date(2024, 9, 26)
    attachments = [d for u, d in docs.items() if "/attachments/" in u]
    assert len(attachments) == len(load_json("legistar", "lametro-matter-attachments.json"))
    minutes = next(d for d in attachments if d.title == "Regular Board Meeting MINUTES - September 26, 2024")
    assert minutes.kind == "minutes"
    first_filter = next(r for r in metro.first_requests if r.startswith("/v1/metro/events?"))
    assert "EventDate+ge+datetime" in first_filter and "$top=1000" in first_filter


def test_a_second_crawl_asks_for_modified_rows_only_and_downloads_nothing(metro):
    second = metro.second_requests
    assert "EventLastModifiedUtc+gt+datetime" in next(r for r in second if r.startswith("/v1/metro/events?"))
    assert "MatterLastModifiedUtc+gt+datetime" in next(r for r in second if r.startswith("/v1/metro/matters?"))
    assert [r for r in second if r.endswith(".pdf")] == []
    first, again = metro.runs
    assert (again.status, again.documents_new, again.documents_unchanged) == ("ok", 0, first.documents_new)


def serve_bellerive(server):
    base = "/v1/bellerive"
    server.route(f"{base}/events", paged(load_json("legistar", "bellerive-events-constructed.json")))
    server.route(f"{base}/events/501/eventitems", fixture_path("legistar", "bellerive-eventitems-501-constructed.json"))
    server.route(f"{base}/events/500/eventitems", lambda request: request.json([]))
    server.route(f"{base}/matters", lambda request: request.json([]))
    return server.url + base


def test_another_client_works_with_only_its_url(api_server, crawl, documents):
    server = api_server(rewrite=list(BELLERIVE))
    base = serve_bellerive(server)
    crawl("legistar", base, "bellerive-legistar")
    docs = documents("bellerive-legistar")
    future = next(d for u, d in docs.items() if u.endswith("501_A_City_Council_30-03-13_Agenda.pdf"))
    assert (future.kind, future.meeting_date) == ("agenda", dt.date(2030, 3, 13))
    report = next(d for d in docs.values() if d.title == "Staff Report - ALPR contract")
    assert (report.kind, report.meeting_date) == ("report", dt.date(2030, 3, 13))
    assert not [u for u in docs if u.endswith("/8002.pdf")]  # not shown on the internet page: left alone
    assert {d.kind for u, d in docs.items() if u.endswith("_Minutes.pdf")} == {"minutes"}


def test_pages_are_asked_with_skip_until_a_short_page(api_server, run_vigie, documents, tmp_path):
    server = api_server(rewrite=list(BELLERIVE))
    base = serve_bellerive(server)
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "bellerive-legistar.yaml").write_text(
        "id: bellerive-legistar\nname: Bellerive (fictional)\ncountry: US\nplatform: legistar\n"
        f"url: {base}\nlanguage: en\ntimezone: America/New_York\nverified: true\n"
        "established: constructed test fixture\nconfig:\n  page_size: 1\n",
        encoding="utf-8",
    )
    result = run_vigie("crawl", "bellerive-legistar", extra_env={"VIGIE_SOURCES_DIRS": str(registry)})
    assert result.returncode == 0, result.stdout + result.stderr
    skips = [entry.split("$skip=")[1].split("&")[0] for entry in server.requested("/events?")]
    assert skips == ["0", "1", "2"]  # two full pages of one event, then an empty one
    assert len([u for u in documents("bellerive-legistar") if u.endswith("_Agenda.pdf")]) == 2
