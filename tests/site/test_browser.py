"""The built site in a real headless Chromium, served over HTTP on 127.0.0.1: the index, a finding
with hostile text in every field, the map and the three export files.

Skipped only where Chromium or its driver is truly absent, and never in CI (.ci/run installs
them): there a missing browser is a failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import urllib.request

import pytest

from notify.site.build import SiteOptions, build_site
from storage.db import Database
from storage.models import Finding
from tests.site.factory import TODAY, add_document, add_hit, add_source, add_source_run
from tests.support.databases import fresh_database_url
from tests.support.http import ScriptedServer

# Without the background-networking flags Chromium reaches out on start, and this machine's
# closed network refuses those connections (they show up as console errors).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=390,844",
)  # a phone's viewport
TITLE = 'Vidéoprotection <script>document.title="pwned"</script>'
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'
SNIPPET = (
    '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script> '
    "Le conseil approuve l'extension de la vidéoprotection au centre-ville."
)


def browser_or_skip() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        driver = None
    if chromium and driver:
        return chromium, driver
    pytest.skip("chromium, chromedriver or selenium is missing (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory):
    """A site with a hostile document, served on loopback for the module's tests."""
    folder = tmp_path_factory.mktemp("browser")
    with fresh_database_url(folder) as url:
        db = Database(url)
        with db.session() as s:
            source = add_source(
                s,
                "fr-vigne",
                f"Commune de Vigne-sur-Mer {HOSTILE}",
                "https://www.vigne.example/conseil",
                latitude=43.3,
                longitude=5.4,
            )
            add_source_run(s, source, documents_new=2)
            doc = add_document(
                s,
                source,
                "https://www.vigne.example/odj.pdf",
                title=TITLE,
                kind="agenda",
                meeting_date=TODAY + dt.timedelta(days=10),
            )
            hit = add_hit(s, doc, "vidéoprotection", snippet=SNIPPET, page=2)
            add_hit(
                s,
                doc,
                "Evil",
                category="vendor",
                kind="vendor",
                vendor=f"Evil {HOSTILE}",
                page=3,
                snippet=f"Marché attribué à Evil {HOSTILE}.",
            )
            finding = s.get(Finding, hit.finding_id)
            finding.act_label, finding.subsidies = HOSTILE, [HOSTILE]
            finding.amounts = [{"value": 1000.0, "currency": "EUR", "tax": HOSTILE, "purpose": HOSTILE}]
            evil = add_document(s, source, "javascript:window.pwned=1", title="Lien piégé")
            add_hit(s, evil, "drone", category="drones", snippet="<script>window.pwned=1</script> un drone")
        build_site(db, SiteOptions(out=folder / "site", today=TODAY))
        db.dispose()
    with ScriptedServer(root=folder / "site") as server:
        yield server.url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    chromium, chromedriver = browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(chromedriver))
    yield driver
    driver.quit()


def open_document_from_index(browser, base_url: str):
    """Follow the index's first vote ahead to its finding's page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{base_url}/index.html")
    browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=upcoming] h3 a").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("/deliberations/"))
    return browser


def test_a_reader_follows_the_index_to_a_finding_and_sees_the_match_highlighted(browser, served_site) -> None:
    from selenium.webdriver.common.by import By

    open_document_from_index(browser, served_site)
    assert browser.find_element(By.TAG_NAME, "h1").text == TITLE  # the hostile title, shown as text
    mark = browser.find_element(By.CSS_SELECTOR, "article.hit mark")
    assert mark.is_displayed() and mark.text == "vidéoprotection"
    assert mark.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")


def test_no_scraped_script_runs(browser, served_site) -> None:
    from selenium.webdriver.common.by import By

    for open_page in (
        lambda: browser.get(f"{served_site}/index.html"),
        lambda: open_document_from_index(browser, served_site),
        lambda: browser.get(f"{served_site}/carte.html"),
        lambda: browser.get(f"{served_site}/donnees.html"),
        lambda: browser.get(f"{served_site}/conseils/fr-vigne.html"),
    ):
        open_page()
        assert browser.title != "pwned" and "Vigie" in browser.title
        assert browser.execute_script("return typeof window.pwned") == "undefined"
        assert not browser.find_elements(By.CSS_SELECTOR, "main img, main script")


def test_a_javascript_url_is_not_a_link(browser, served_site) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{served_site}/index.html")
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.TAG_NAME, "a")]
    assert hrefs and not [h for h in hrefs if not h.startswith(("http://127.0.0.1", "https://www.vigne.example"))]


def test_pages_fit_a_phone_screen_and_log_no_console_error(browser, served_site) -> None:
    open_document_from_index(browser, served_site)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    browser.get(f"{served_site}/conseils/fr-vigne.html")
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_hostile_text_in_every_field_of_a_finding_is_shown_as_text(browser, served_site) -> None:
    from selenium.webdriver.common.by import By

    open_document_from_index(browser, served_site)
    facts = browser.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert f"Numéro\n{HOSTILE}" in facts and f"Subventions\n{HOSTILE}" in facts and f"Evil {HOSTILE}" in facts
    assert HOSTILE in browser.find_element(By.CSS_SELECTOR, "ul.amounts").text
    assert browser.execute_script("return typeof window.pwned") == "undefined"


def test_the_map_shows_the_council_as_a_link_to_its_page(browser, served_site) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{served_site}/carte.html")
    dot = browser.find_element(By.CSS_SELECTOR, "figure.map g.councils circle")
    assert dot.is_displayed() and dot.size["width"] > 0
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    dot.click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("/conseils/fr-vigne.html"))


def test_the_data_page_links_the_three_export_files_which_are_served(browser, served_site) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{served_site}/donnees.html")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ul.files a")]
    assert [link.rsplit("/", 1)[1] for link in links] == ["findings.csv", "findings.json", "councils.geojson"]
    csv_text, findings, councils = (urllib.request.urlopen(link, timeout=10).read().decode("utf-8") for link in links)
    [row] = [r for r in csv.DictReader(io.StringIO(csv_text)) if r["subject"] == TITLE]
    assert row["act_number"] == HOSTILE  # text, as written: a spreadsheet shows it, runs nothing
    assert [f["subsidies"] for f in json.loads(findings)["findings"] if f["subject"] == TITLE] == [[HOSTILE]]
    assert json.loads(councils)["features"][0]["geometry"] == {"type": "Point", "coordinates": [5.4, 43.3]}
