"""The `webdelib` spider reads Digitech Webdelib+ hosts: séances and orders, month by month."""

from __future__ import annotations

import datetime as dt

import pytest

from spiders.platforms.webdelib import meeting_day, months_back
from tests.spiders.conftest import crawl_twice, write_entries
from tests.support.apiserver import Reply, fake_pdf
from tests.support.fixtures import fixture_path

JSP = "/webdelibplus/jsp"
EMPTY = b"<!DOCTYPE html><html><head><title>Webdelib+</title></head><body><table></table></body></html>"


@pytest.mark.parametrize(
    "today, count, expected",
    [
        (dt.date(2026, 1, 15), 3, [(2026, 1), (2025, 12), (2025, 11)]),
        (dt.date(2026, 9, 1), 1, [(2026, 9)]),
    ],
)
def test_months_are_read_newest_first_across_a_new_year(today, count, expected):
    assert months_back(today, count) == expected


@pytest.mark.parametrize("value, expected", [("24-09-2026", dt.date(2026, 9, 24)), ("20250410", dt.date(2025, 4, 10))])
def test_a_seance_date_is_read_in_both_forms_seen(value, expected):
    assert meeting_day(value) == expected


def serve_host(server, prefix: str = "") -> str:
    """A Webdelib+ host: this month and the one before have pages, older months are empty."""
    months = months_back(dt.date.today(), 2)
    pages = {
        ("seances", months[0]): "seances-month-constructed.html",
        ("summary_orders", months[0]): "summary-orders-month-constructed.html",
        ("summary_orders", months[1]): "summary-orders-previous-month-constructed.html",
    }

    def tab(name):
        def handler(request):
            month, year = (int(part) for part in request.query["date"].split("-"))
            fixture = pages.get((name, (year, month)))
            return (
                request.file(fixture_path("webdelib", fixture))
                if fixture
                else Reply(200, EMPTY, {"Content-Type": "text/html; charset=utf-8"})
            )

        return handler

    def openfile(request):
        script = f"<script>document.location.href='../jsp/showFile.jsp?pdf={request.query['pdf']}x';</script>"
        return Reply(200, script.encode(), {"Content-Type": "text/html"})

    for name in ("seances", "summary_orders"):
        server.route(f"{prefix}{JSP}/{name}.jsp", tab(name))
    server.route(
        f"{prefix}{JSP}/seance_agenda.jsp", lambda r: r.file(fixture_path("webdelib", "seance-agenda-constructed.html"))
    )
    server.route(f"{prefix}{JSP}/openfile.jsp", openfile)
    server.route(
        f"{prefix}{JSP}/showFile.jsp",
        lambda r: Reply(200, fake_pdf(r.query["pdf"]), {"Content-Type": "application/pdf"}),
    )
    return f"{server.url}{prefix}{JSP}/seances.jsp?role=usager"


@pytest.fixture(scope="module")
def bellerive(module_api_server, module_workspace):
    server = module_api_server()
    return crawl_twice(module_workspace, server, "webdelib", serve_host(server), "bellerive-webdelib")


def test_every_month_of_both_tabs_is_read(bellerive):
    months = [r for r in bellerive.first_requests if "date=" in r and "seance_agenda" not in r]
    assert len(months) == 24  # twelve months, two tabs
    assert len(bellerive.documents) == 5


def test_seances_give_their_agenda_and_their_acts(bellerive):
    docs = {d.title: d for d in bellerive.documents.values()}
    camera = docs["Vidéoprotection : extension du centre de supervision urbain et demande de subvention"]
    assert (camera.kind, camera.meeting_date, camera.published_date) == (
        "deliberation",
        dt.date(2026, 9, 24),
        dt.date(2026, 9, 29),
    )
    assert camera.url.endswith("openfile.jsp?datePub=29/09/2026&name=Acte%20n%C2%B0%202026-09-24-1&pdf=DEL1")
    assert camera.media_type == "application/pdf"
    agenda = next(d for d in bellerive.documents.values() if d.kind == "agenda")
    assert agenda.meeting_date == dt.date(2026, 9, 24)


def test_orders_are_titled_by_their_row_or_their_link(bellerive):
    titles = {d.title: d for d in bellerive.documents.values() if d.extra["webdelib_tab"] == "summary_orders"}
    assert set(titles) == {
        "VILLE DE BELLERIVE Arrêté réglementant l'usage de drones lors de la fête communale",
        "Arrêté portant interdiction temporaire de stationnement place du Marché",
    }
    assert {d.kind for d in titles.values()} == {"deliberation"}  # orders are decisions


def test_a_second_crawl_reads_recent_months_only_and_downloads_nothing(bellerive):
    months = [r for r in bellerive.second_requests if "date=" in r and "seance_agenda" not in r]
    assert len(months) == 4  # this month and the one before, two tabs
    assert not [r for r in bellerive.second_requests if "openfile.jsp" in r or "showFile.jsp" in r]
    first, second = bellerive.runs
    assert (first.documents_new, second.status, second.documents_new) == (5, "ok", 0)


def test_a_malformed_answer_fails_only_its_source(api_server, run_vigie, tmp_path, source_runs, documents):
    server = api_server()
    good = serve_host(server)
    server.route("/broken/webdelibplus/jsp/seances.jsp", lambda r: r.json({"error": "maintenance"}))
    server.route("/broken/webdelibplus/jsp/summary_orders.jsp", lambda r: r.json({"error": "maintenance"}))
    env = write_entries(
        tmp_path / "registry",
        {"id": "bellerive-webdelib", "name": "Bellerive", "platform": "webdelib", "url": good},
        {
            "id": "broken-webdelib",
            "name": "Broken",
            "platform": "webdelib",
            "url": f"{server.url}/broken/webdelibplus/jsp/seances.jsp?role=usager",
            "config": {"history_months": 2},
        },
    )
    result = run_vigie("crawl", extra_env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = source_runs("broken-webdelib")[0]
    assert broken.status == "failed" and "expected an HTML page of the webdelib platform" in broken.error
    assert source_runs("bellerive-webdelib")[0].status == "ok"
    assert len(documents("bellerive-webdelib")) == 5


def test_an_openfile_page_without_its_move_fails_that_act_only(api_server, crawl, documents):
    server = api_server()
    url = serve_host(server)
    server.route(
        f"{JSP}/openfile.jsp",
        lambda r: (
            Reply(200, b"<html>Session expiree</html>", {"Content-Type": "text/html"})
            if r.query["pdf"] == "DEL2"
            else Reply(
                200,
                (f"<script>document.location.href='../jsp/showFile.jsp?pdf={r.query['pdf']}';</script>").encode(),
                {"Content-Type": "text/html"},
            )
        ),
    )
    crawl("webdelib", url, "bellerive-webdelib")
    docs = documents("bellerive-webdelib")
    failed = [d for d in docs.values() if d.status == "failed"]
    assert [d.title for d in failed] == ["Tarifs des équipements sportifs 2027"]
    assert "without its move to showFile.jsp" in failed[0].error
    assert len([d for d in docs.values() if d.status != "failed"]) == 4
