"""Where the crawler may go (spiders.reach): schemes, hosts and addresses, redirects included.

The middleware is driven directly for the addresses no test can serve (a public one, the cloud
metadata service); its resolver is replaced by a table, as a hostile DNS would answer. The
crawls on loopback check the whole chain.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import Response
from sqlalchemy import select

from spiders.platforms.html import HtmlCouncilSpider
from spiders.reach import OutOfReach, ReachMiddleware, address_problem
from spiders.registry import parse_entry
from spiders.scdl_fields import ScdlError, read_table
from storage.models import SourceRun
from tests.support.http import ScriptedServer, answer

PUBLIC = "93.184.215.14"


class Stats:
    def __init__(self):
        self.values = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


def middleware(source_url: str, dns: dict[str, str]) -> ReachMiddleware:
    spider = HtmlCouncilSpider(
        parse_entry(
            {"id": "ville", "name": "Ville", "country": "FR", "platform": "html", "url": source_url}, origin="test"
        )
    )
    reach = ReachMiddleware(SimpleNamespace(spider=spider, stats=Stats()))

    async def resolve(host):
        return ipaddress.ip_address(dns.get(host, host))

    reach._resolve = resolve
    return reach


def document(url: str) -> Request:
    return Request(url, meta={"vigie_fields": {}})


def refusal(reach: ReachMiddleware, request: Request) -> str | None:
    try:
        asyncio.run(reach.process_request(request))
    except OutOfReach as exc:
        return str(exc)
    return None


DNS = {
    "ville.example": PUBLIC,
    "www.ville.example": PUBLIC,
    "cdn.example": "151.101.1.1",
    "intranet.example": "10.1.2.3",
    "box.example": "192.168.1.1",
    "local.example": "127.0.0.1",
    "ula.example": "fd00::1",
    "lien.example": "fe80::1",
    "meta.example": "169.254.169.254",
    "mapped.example": "::ffff:127.0.0.1",
    "zero.example": "0.0.0.0",
    "cgnat.example": "100.64.0.1",
}


@pytest.mark.parametrize(
    "url, reason",
    [
        ("https://cdn.example/actes/12.pdf", None),  # a document on another public host
        ("http://intranet.example/pv.pdf", "a private network address"),
        ("http://box.example/pv.pdf", "a private network address"),
        ("http://local.example/pv.pdf", "a loopback address"),
        ("http://127.0.0.1:8080/pv.pdf", "a loopback address"),
        ("http://ula.example/pv.pdf", "a private network address"),
        ("http://lien.example/pv.pdf", "a link-local address"),
        ("http://meta.example/latest/meta-data/", "169.254.0.0/16"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.0.0/16"),
        ("http://mapped.example/pv.pdf", "a loopback address"),
        ("http://zero.example/pv.pdf", "not the address of a host"),
        ("http://cgnat.example/pv.pdf", "a reserved address"),
        ("file:///etc/passwd", "file: URLs are refused"),
        ("ftp://ville.example/pv.pdf", "ftp: URLs are refused"),
        ("s3://bucket/pv.pdf", "s3: URLs are refused"),
        ("data:application/pdf;base64,JVBERi0=", "data: URLs are refused"),
    ],
)
def test_a_public_source_reaches_public_documents_only(url, reason):
    refused = refusal(middleware("https://ville.example/conseil/", DNS), document(url))
    assert (refused is None) if reason is None else (reason in refused)


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://intranet.example/pv.pdf", None),
        ("http://127.0.0.2:8080/pv.pdf", None),
        ("http://meta.example/latest/meta-data/", "169.254.0.0/16"),  # never, whoever asks
    ],
)
def test_a_source_on_a_private_address_reaches_its_neighbours_but_never_the_metadata_service(url, reason):
    refused = refusal(middleware("http://127.0.0.1:8000/conseil/", DNS), document(url))
    assert (refused is None) if reason is None else (reason in refused)


def test_a_listing_page_stays_on_the_sources_hosts():
    reach = middleware("https://ville.example/conseil/", DNS)
    assert refusal(reach, Request("https://www.ville.example/conseil/page-2")) is None
    assert "not one of the source's hosts" in refusal(reach, Request("https://cdn.example/seances/"))


def test_robots_txt_of_a_document_host_may_be_read():
    request = Request("https://cdn.example/robots.txt", meta={"dont_obey_robotstxt": True})
    assert refusal(middleware("https://ville.example/conseil/", DNS), request) is None


def test_an_answer_from_a_forbidden_address_is_dropped():
    """A name that answered a public address to the check, then a private one to the connection
    (DNS rebinding): the peer address of the response gives it away."""
    reach = middleware("https://ville.example/conseil/", DNS)
    request = document("https://cdn.example/actes/12.pdf")
    assert refusal(reach, request) is None
    response = Response(request.url, body=b"secret", request=request, ip_address=ipaddress.ip_address("10.0.0.7"))
    with pytest.raises(OutOfReach, match="a private network address"):
        reach.process_response(request, response)


def test_an_ipv4_mapped_address_is_judged_as_the_ipv4_address():
    assert "169.254.0.0/16" in address_problem(ipaddress.ip_address("::ffff:169.254.169.254"), True)


# -- the SCDL spider, given a local file and a file that is not a CSV ----------------------------

SECRET = "root:x:0:0:secretmark:/root:/bin/bash"


def test_an_scdl_error_never_repeats_the_files_content():
    with pytest.raises(ScdlError) as error:
        list(read_table((SECRET + "\nnobody:x:65534\n").encode()))
    assert "secretmark" not in str(error.value).lower() and "root" not in str(error.value).lower()


def test_a_dataset_naming_a_local_file_never_reads_it(tmp_path, run_vigie, db):
    """A data.gouv.fr-like dataset whose resources are a local file and a loopback "CSV" that is
    a password file: nothing of either reaches the source's health, the output or the logs."""
    secret_file = tmp_path / "secret.csv"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    with ScriptedServer(routes={}) as server:
        dataset = {
            "resources": [
                {"format": "csv", "url": secret_file.as_uri()},
                {"format": "csv", "url": server.url + "/passwd.csv"},
            ]
        }
        server.routes["/api/1/datasets/deliberations/"] = answer(200, json.dumps(dataset).encode(), "application/json")
        server.routes["/passwd.csv"] = answer(200, (SECRET + "\n").encode(), "text/csv")
        result = run_vigie(
            "crawl", "--platform", "scdl", "--url", server.url + "/api/1/datasets/deliberations/", "--source", "fuite"
        )
    with db.session() as session:
        run = session.scalars(select(SourceRun)).one()
    everything = result.stdout + result.stderr + (run.error or "")
    assert "secretmark" not in everything.lower()
    assert "file: URLs are refused" in result.stderr
