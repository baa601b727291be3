"""`vigie demo`: the whole chain on a fictional commune, offline, in well under two minutes."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from spiders.registry import parse_entry
from storage.models import Subscription
from vigie.demo.pages import render_site
from vigie.demo.servers import MailServer, SiteServer
from vigie.jobs import RunSummary, run_job
from vigie.lock import exclusive_run

SOURCE_ID = "demo-bellerive"
SUBSCRIBER = "groupe-local@example.org"
START_PATH = "/conseil-municipal/"
# A made-up point in the middle of France, so that the demo's map and GeoJSON show something:
# Bellerive-sur-Ondine does not exist, and this marks no real commune (see site/README.md).
FICTIONAL_LOCATION = {"lat": 46.5, "lon": 2.6}
# Our own server on loopback: no need to be slow with it.
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


@dataclass
class DemoResult:
    summary: RunSummary
    site_url: str
    mail_files: list[Path]


def demo_source(site_url: str):
    return parse_entry(
        {
            "id": SOURCE_ID,
            "name": "Ville de Bellerive-sur-Ondine (fictive)",
            "country": "FR",
            "platform": "html",
            "url": site_url + START_PATH,
            "language": "fr",
            "notes": "Fictional commune served on loopback by `vigie demo`; its coordinates are made up too.",
            "coordinates": FICTIONAL_LOCATION,
        },
        origin="demo",
    )


def subscribe(app, mail: MailServer) -> None:
    """The demo group's subscription; its URL follows the mail server's port of this run."""
    with app.db.session() as session:
        sub = session.scalar(select(Subscription).where(Subscription.name == "demo"))
        if sub is None:
            sub = Subscription(name="demo", language="fr", filters={"sources": [SOURCE_ID]})
            session.add(sub)
        sub.urls = [mail.apprise_url(SUBSCRIBER)]


def run_demo(app, port: int) -> DemoResult:
    """Serve the site and the mail server, then crawl, analyse and alert as `vigie run` does (under
    the same lock: it analyses and alerts whatever the database holds)."""
    mail_dir = app.config.data_path / "demo-mail"
    with (
        exclusive_run(app.db, "demo"),
        tempfile.TemporaryDirectory(prefix="vigie-demo-site-") as folder,
        SiteServer(render_site(Path(folder)), port) as site,
        MailServer(mail_dir) as mail,
    ):
        subscribe(app, mail)
        summary = run_job(app.config, app.db, [demo_source(site.url)], "demo", overrides=FAST)
        return DemoResult(summary, site.url, [path for _, _, path in mail.messages if path])
