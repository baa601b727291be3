"""The generic spider finds documents in the shapes real council sites give them, in French,
English and German: download endpoints without an extension, Office files, sub-pages of
meetings, boards, committees and years, icon links, links in script calls, chrome told by
class tokens, a home page's own agendas, and robots.txt's refusals counted as `blocked`.

Every page here is constructed for these tests, after the shapes seen on real sites (CivicPlus'
AgendaCenter and DocumentCenter, Granicus' AgendaViewer, Legistar's View.ashx, Liferay's
/documents/, French `telecharger.php?id=`, German SessionNet's `getfile.php`); none is a copy
of a real page.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storage.models import Document
from tests.crawl.pdfs import make_pdf
from tests.support.http import ScriptedServer, answer
from tests.support.office import make_doc, make_docx, make_odt, make_rtf, make_xlsx

UUID = "1f0c9a3e-5b7d-4c2a-9e8f-0a1b2c3d4e5f"

FRENCH = f"""<html><head><title>Conseil municipal — Ville de Valbrune</title></head>
<body class="page-template et_pb_footer_columns4 et_pb_gutters3">
<nav><a href="/fr/docs/plan-du-site.pdf">Plan du site</a></nav>
<div class="wsite-not-footer"><h1>Conseil municipal</h1>
<h2>Séance du 20 janvier 2026</h2>
<table><tr><td>Procès-verbal de la séance</td>
  <td><a href="/fr/docs/pv-2026-01-20.pdf"><img src="/img/pdf.png" alt="Procès-verbal du 20 janvier 2026"></a></td></tr>
<tr><td>Délibération 2026-07 : vidéoprotection du parc</td><td><a href="/fr/docs/d-2026-07.pdf"><img src="/img/pdf.png"></a></td></tr>
</table>
<ul><li><a href="javascript:f_openDoc('/fr/docs/odj-2026-02-17.pdf')">Ordre du jour du 17 février 2026</a></li>
<li><a href="#" onclick="window.open('/fr/telecharger.php?id=42'); return false;">Compte rendu (PDF – 218 Ko)</a></li>
<li><a href="/documents/976405/1288/0/{UUID}">Délibérations de la séance du 17 février 2026</a></li>
<li><a href="/fr/rapport-annuel" type="application/pdf">Rapport annuel</a></li>
<li><a href="/fr/docs/budget-2026.xlsx">Budget primitif 2026</a></li>
<li><a href="/fr/prive/pv-huis-clos.pdf">Procès-verbal de la séance à huis clos</a></li></ul>
<h2>Archives</h2>
<p><a href="/fr/seances-2025/">Séances 2025</a> · <a href="/fr/commission-finances/">Commission des finances</a>
 · <a href="/fr/prive/seances-2023/">Séances 2023</a></p>
</div>
<div id="footer"><a href="/fr/docs/mentions-legales.pdf">Mentions légales</a></div>
</body></html>"""

FRENCH_PAGES = {
    "/fr/seances-2025/": """<html><body><h1>Séances 2025</h1>
<p><a href="/fr/docs/delib-2025-112.odt">Délibération 2025-112</a></p></body></html>""",
    "/fr/commission-finances/": """<html><body><h1>Commission des finances</h1>
<p><a href="/fr/docs/cr-commission-2026-01.rtf">Compte rendu de la commission du 12 janvier 2026</a></p></body></html>""",
    # A "PDF" that is a page: read as a listing, its own document collected.
    "/fr/rapport-annuel": """<html><body><h1>Rapport annuel</h1>
<p><a href="/fr/docs/rapport-2025.pdf">Rapport annuel 2025</a></p></body></html>""",
}

ENGLISH = """<html><head><title>Agendas &amp; Minutes | Town of Millbrook</title></head><body>
<header class="site-header"><a href="/DocumentCenter/View/1/Employee-Handbook">Employee Handbook</a></header>
<main><h1>Agenda Center</h1><h2>Town Board</h2>
<table><tr><th>Meeting</th><th>Agenda</th><th>Minutes</th></tr>
<tr><td>Regular Meeting, January 14, 2026</td>
  <td><a href="/AgendaCenter/ViewFile/Agenda/_01142026-123" aria-label="Agenda Packet January 14, 2026"><img src="/i/pdf.gif"></a></td>
  <td><a href="/DocumentCenter/View/1234/Minutes-January-14">Minutes</a></td></tr>
<tr><td>Work Session, January 28, 2026</td>
  <td><a href="/Legistar/View.ashx?M=A&amp;ID=998&amp;GUID=AB12">Agenda</a></td>
  <td><a href="/granicus/AgendaViewer.php?view_id=2&amp;clip_id=55">Download</a></td></tr></table>
<p><a href="/2024-board-of-health-meetings">2024 Board of Health Meetings</a></p></main>
<footer><a href="/DocumentCenter/View/2/Privacy-Policy">Privacy Policy</a></footer></body></html>"""

ENGLISH_PAGES = {
    "/granicus/AgendaViewer.php": """<html><body><h1>Work Session Agenda</h1>
<p><a href="/granicus/staff-report-2026-01-28.pdf">Staff report: license plate readers</a></p></body></html>""",
    "/2024-board-of-health-meetings": """<html><body><h1>2024 Board of Health Meetings</h1>
<p><a href="/DocumentCenter/View/777/BOH-Minutes-2024-11">Board of Health minutes, November 2024</a></p></body></html>""",
}

GERMAN = """<html><head><title>Gremien - Stadt Lindenau</title></head><body>
<div class="navbar"><a href="/de/impressum.pdf">Impressum</a></div>
<div id="content"><h1>Sitzungen des Stadtrats</h1><h2>Sitzung am 3. März 2026</h2>
<ul><li><a href="/sessionnet/getfile.php?id=77&amp;type=do">Tagesordnung</a></li>
<li><a href="/de/dokument?id=5">Niederschrift (PDF, 120 KB)</a></li>
<li><a href="/de/vorlagen/vorlage-2026-031.doc">Vorlage 2026/031: Videoüberwachung am Bahnhof</a></li></ul>
<p><a href="/de/ausschuss-umwelt/">Ausschuss für Umwelt und Verkehr</a></p></div></body></html>"""

GERMAN_PAGES = {
    "/de/ausschuss-umwelt/": """<html><body><h1>Ausschuss für Umwelt und Verkehr</h1>
<p><a href="/de/dokumente/niederschrift-2026-02-10.docx">Niederschrift der Sitzung vom 10. Februar 2026</a></p></body></html>""",
}


def _pdf(text: str):
    return answer(200, make_pdf(text), "application/pdf")


def _routes() -> dict:
    html = {
        "/fr/conseil-municipal/": FRENCH,
        "/en/agendas": ENGLISH,
        "/de/gremien/": GERMAN,
        **FRENCH_PAGES,
        **ENGLISH_PAGES,
        **GERMAN_PAGES,
    }
    routes = {path: answer(200, page.encode(), "text/html; charset=utf-8") for path, page in html.items()}
    for path in (
        "/fr/docs/pv-2026-01-20.pdf",
        "/fr/docs/d-2026-07.pdf",
        "/fr/docs/odj-2026-02-17.pdf",
        "/fr/docs/rapport-2025.pdf",
        "/fr/docs/plan-du-site.pdf",
        "/fr/docs/mentions-legales.pdf",
        "/granicus/staff-report-2026-01-28.pdf",
        "/de/impressum.pdf",
    ):
        routes[path] = _pdf(f"Document {path}")
    octet = "application/octet-stream"
    routes.update(
        {
            "/fr/telecharger.php": answer(
                200,
                make_pdf("Compte rendu du conseil"),
                octet,
                Content_Disposition='attachment; filename="cr-2026-02-17.pdf"',
            ),
            f"/documents/976405/1288/0/{UUID}": answer(
                200, make_docx("Délibérations du 17 février 2026", "Caméras de vidéoprotection"), octet
            ),
            "/fr/docs/budget-2026.xlsx": answer(200, make_xlsx(Budget=[["Vidéoprotection", 120000]]), octet),
            "/fr/docs/delib-2025-112.odt": answer(200, make_odt("Délibération 2025-112"), octet),
            "/fr/docs/cr-commission-2026-01.rtf": answer(
                200, make_rtf("Compte rendu de commission"), "application/rtf"
            ),
            "/AgendaCenter/ViewFile/Agenda/_01142026-123": _pdf("Agenda packet"),
            "/DocumentCenter/View/1234/Minutes-January-14": answer(
                200, make_doc("Minutes of January 14, 2026"), "application/msword"
            ),
            "/Legistar/View.ashx": _pdf("Work session agenda"),
            "/DocumentCenter/View/777/BOH-Minutes-2024-11": _pdf("Board of Health minutes"),
            "/DocumentCenter/View/1/Employee-Handbook": _pdf("Handbook"),
            "/DocumentCenter/View/2/Privacy-Policy": _pdf("Privacy"),
            "/sessionnet/getfile.php": answer(200, make_odt("Tagesordnung"), "application/vnd.oasis.opendocument.text"),
            "/de/dokument": _pdf("Niederschrift"),
            "/de/vorlagen/vorlage-2026-031.doc": answer(200, make_doc("Vorlage 2026/031"), "application/msword"),
            "/de/dokumente/niederschrift-2026-02-10.docx": answer(200, make_docx("Niederschrift"), octet),
            "/robots.txt": answer(200, b"User-agent: *\nDisallow: /fr/prive/\n", "text/plain"),
        }
    )
    return routes


@pytest.fixture(scope="module")
def site(module_workspace):
    """Crawl the three councils from a registry; returns (server, documents by path, crawl, sources)."""
    registry = module_workspace.folder / "registry"
    registry.mkdir()
    with ScriptedServer(routes=_routes()) as server:
        for source_id, country, path in (
            ("valbrune", "FR", "/fr/conseil-municipal/"),
            ("millbrook", "US", "/en/agendas"),
            ("lindenau", "DE", "/de/gremien/"),
        ):
            (registry / f"{source_id}.yaml").write_text(
                json.dumps(
                    {
                        "id": source_id,
                        "name": source_id.title(),
                        "country": country,
                        "platform": "html",
                        "url": server.url + path,
                        "verified": True,
                        "enabled": True,
                        "established": "constructed pages on a test server on loopback",
                    }
                )
            )
        env = {"VIGIE_SOURCES_DIRS": str(registry)}
        crawl = module_workspace.run("crawl", extra_env=env)
        sources = module_workspace.run("sources", "--format", "jsonl", extra_env=env)
    with module_workspace.db.session() as session:
        docs = {d.url.split("//", 1)[1].split("/", 1)[1].split("?")[0]: d for d in session.scalars(select(Document))}
    return server, docs, crawl, sources


@pytest.mark.parametrize(
    "path, title",
    [
        # French: icon links (image alt, then the row's text), a link in a script call, a download
        # endpoint named by its words and size, a Liferay document, an .xlsx, a page-that-was-a-"PDF".
        ("fr/docs/pv-2026-01-20.pdf", "Procès-verbal du 20 janvier 2026"),
        ("fr/docs/d-2026-07.pdf", "Délibération 2026-07 : vidéoprotection du parc"),
        ("fr/docs/odj-2026-02-17.pdf", "Ordre du jour du 17 février 2026"),
        ("fr/telecharger.php", "Compte rendu (PDF – 218 Ko)"),
        (f"documents/976405/1288/0/{UUID}", "Délibérations de la séance du 17 février 2026"),
        ("fr/docs/budget-2026.xlsx", "Budget primitif 2026"),
        ("fr/docs/rapport-2025.pdf", "Rapport annuel 2025"),
        # Sub-pages: a year, a committee.
        ("fr/docs/delib-2025-112.odt", "Délibération 2025-112"),
        ("fr/docs/cr-commission-2026-01.rtf", "Compte rendu de la commission du 12 janvier 2026"),
        # English: CivicPlus, Legistar and Granicus endpoints, an aria-label, a board's year page.
        ("AgendaCenter/ViewFile/Agenda/_01142026-123", "Agenda Packet January 14, 2026"),
        ("DocumentCenter/View/1234/Minutes-January-14", "Minutes"),
        ("Legistar/View.ashx", "Agenda"),
        ("granicus/staff-report-2026-01-28.pdf", "Staff report: license plate readers"),
        ("DocumentCenter/View/777/BOH-Minutes-2024-11", "Board of Health minutes, November 2024"),
        # German: SessionNet's getfile.php, a size beside the link, a .doc, a committee's page.
        ("sessionnet/getfile.php", "Tagesordnung — Sitzung am 3. März 2026"),
        ("de/dokument", "Niederschrift (PDF, 120 KB)"),
        ("de/vorlagen/vorlage-2026-031.doc", "Vorlage 2026/031: Videoüberwachung am Bahnhof"),
        ("de/dokumente/niederschrift-2026-02-10.docx", "Niederschrift der Sitzung vom 10. Februar 2026"),
    ],
)
def test_finds_the_document(site, path, title):
    _, docs, crawl, _ = site
    assert path in docs, crawl.stderr[-2000:]
    assert (docs[path].status, docs[path].title) == ("pending", title)


@pytest.mark.parametrize(
    "path",
    [
        "fr/docs/plan-du-site.pdf",
        "fr/docs/mentions-legales.pdf",  # <nav>, id="footer"
        "DocumentCenter/View/1/Employee-Handbook",
        "DocumentCenter/View/2/Privacy-Policy",  # site header and footer
        "de/impressum.pdf",  # class="navbar"
    ],
)
def test_leaves_the_sites_chrome(site, path):
    server, docs, _, _ = site
    assert path not in docs
    assert server.requests["/" + path] == 0


def test_office_documents_are_analysed_page_by_page(site, module_workspace):
    result = module_workspace.run("analyze")
    assert result.returncode == 0, result.stderr
    with module_workspace.db.session() as session:
        liferay = session.scalars(select(Document).where(Document.url.endswith(UUID))).one()
        pages = [page.text for page in liferay.pages]
        doc = session.scalars(select(Document).where(Document.url.endswith("vorlage-2026-031.doc"))).one()
        status = doc.status
    assert pages == ["Délibérations du 17 février 2026", "Caméras de vidéoprotection"]
    assert status == "analysed"


def test_robots_txt_refusals_are_blocked_not_failed(site):
    server, docs, _, _ = site
    assert docs["fr/prive/pv-huis-clos.pdf"].status == "blocked"
    assert "robots.txt" in docs["fr/prive/pv-huis-clos.pdf"].error
    assert server.requests["/fr/prive/pv-huis-clos.pdf"] == server.requests["/fr/prive/seances-2023/"] == 0


def test_vigie_sources_shows_how_many_were_blocked(site):
    _, _, _, sources = site
    rows = {row["id"]: row for row in map(json.loads, sources.stdout.splitlines())}
    assert (rows["valbrune"]["blocked"], rows["millbrook"]["blocked"]) == (2, 0)  # a document and a sub-page


HOME = """<html><head><title>Ville de Saint-Aubin</title></head><body>
<nav><a href="/vie-municipale/">Vie municipale</a></nav>
<main><h1>Bienvenue à Saint-Aubin</h1>
<section><h2>Prochain conseil municipal : 3 mars 2026</h2>
<a href="/files/odj-2026-03-03.pdf">Ordre du jour</a> · <a href="/files/pv-2026-02-03.pdf">Procès-verbal du 3 février</a></section>
<section><h2>Actualités</h2><a href="/files/menu-cantine-mars.pdf">Menu de la cantine</a>
<a href="/files/programme-fete.pdf">Programme de la fête du village</a></section></main></body></html>"""


def test_a_home_page_gives_the_agendas_and_minutes_it_presents(run_vigie, db):
    routes = {
        "/": answer(200, HOME.encode(), "text/html; charset=utf-8"),
        "/vie-municipale/": answer(200, b"<html><body><h1>Vie municipale</h1></body></html>"),
    }
    routes.update(
        {
            f"/files/{name}": _pdf(name)
            for name in ("odj-2026-03-03.pdf", "pv-2026-02-03.pdf", "menu-cantine-mars.pdf", "programme-fete.pdf")
        }
    )
    with ScriptedServer(routes=routes) as server:
        result = run_vigie("crawl", "--platform", "html", "--url", server.url + "/", "--source", "saint-aubin")
    assert result.returncode == 0, result.stderr
    with db.session() as session:
        found = {d.url.rsplit("/", 1)[-1]: d.kind for d in session.scalars(select(Document))}
    assert found == {"odj-2026-03-03.pdf": "agenda", "pv-2026-02-03.pdf": "minutes"}


def test_a_presumed_document_that_is_not_one_is_skipped_and_not_asked_for_again(run_vigie, db):
    page = (
        "<html><body><h1>Conseil municipal</h1><ul>"
        '<li><a href="/photos/get?id=7">Télécharger la photo de la séance</a></li>'
        '<li><a href="/docs/get?id=8">Télécharger le procès-verbal</a></li></ul></body></html>'
    )
    routes = {
        "/conseil/": answer(200, page.encode(), "text/html; charset=utf-8"),
        "/photos/get": answer(200, b"\xff\xd8\xff\xe0" + bytes(2000), "image/jpeg"),
        "/docs/get": _pdf("Procès-verbal"),
    }
    with ScriptedServer(routes=routes) as server:
        for _ in range(2):
            result = run_vigie("crawl", "--platform", "html", "--url", server.url + "/conseil/", "--source", "photos")
            assert result.returncode == 0, result.stderr
    with db.session() as session:
        photo = session.scalars(select(Document).where(Document.url.endswith("id=7"))).one()
    assert (photo.status, photo.error) == ("skipped", "not a document: the server sent image/jpeg")
    assert server.requests["/photos/get"] == server.requests["/docs/get"] == 1
