"""Replay a recording made by `vigie source record` (``spiders/recorder.py``) on loopback."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy import select

from spiders.recorder import INDEX
from spiders.registry import load_registry
from spiders.scaffold import FIXTURES_DIR
from storage.db import Database
from storage.models import Document
from tests.support.apiserver import ApiServer, Reply
from tests.support.databases import fresh_database_url, vigie_environment
from tests.support.workspace import vigie_runner


def origins(index: dict) -> list[str]:
    """The scheme://host of every recorded URL, to be rewritten to the loopback server."""
    found = {f"{urlsplit(e['url']).scheme}://{urlsplit(e['url']).netloc}" for e in index["responses"]}
    found.add(f"{urlsplit(index['start_url']).scheme}://{urlsplit(index['start_url']).netloc}")
    return sorted(found, key=len, reverse=True)


def read_index(folder: Path) -> dict:
    return json.loads((folder / INDEX).read_text(encoding="utf-8"))


def serve_recording(server: ApiServer, folder: Path, index: dict) -> str:
    """Route every recorded response on ``server``; returns the loopback start URL."""
    for entry in index["responses"]:
        parts = urlsplit(entry["url"])
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        body = (
            server.localise((folder / entry["file"]).read_bytes())
            if entry["content_type"].startswith(("text/", "application/json"))
            else (folder / entry["file"]).read_bytes()
        )
        reply = Reply(entry["status"], body, {"Content-Type": entry["content_type"] or "application/octet-stream"})
        server.route(target, lambda request, r=reply: r)
    return server.localise(index["start_url"].encode("utf-8")).decode("utf-8")


def replay(source_id: str, workdir: Path) -> dict[str, Any]:
    """Crawl a source's recording on loopback, as its registry entry says, and return its
    stored documents by URL. For the tests that `vigie source new` writes.

    Only what was recorded is served: a document beyond the recorded sample answers 404, so it is
    stored as failed, with the title, kind and meeting date that the listing gave it.

    The registry and fixture folders default to this checkout's; the environment variables
    VIGIE_TEST_REGISTRY_DIR and VIGIE_TEST_FIXTURES_DIR point elsewhere (tests of the workflow).
    """
    registry_dir = os.environ.get("VIGIE_TEST_REGISTRY_DIR")
    fixtures = Path(os.environ.get("VIGIE_TEST_FIXTURES_DIR") or FIXTURES_DIR)
    spec = load_registry([registry_dir] if registry_dir else [], bundled=not registry_dir)[source_id]
    folder = fixtures / source_id
    index = read_index(folder)
    with ApiServer(origins(index), serve_pdfs=False) as server, fresh_database_url(workdir) as url:
        entry = {
            k: getattr(spec, k)
            for k in ("id", "name", "country", "platform", "language", "timezone", "verified", "established", "config")
        }
        entry.update(url=serve_recording(server, folder, index), enabled=True, verified=True)
        local = workdir / "registry"
        local.mkdir(exist_ok=True)
        (local / f"{source_id}.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
        (workdir / "data").mkdir(exist_ok=True)
        env = {
            **vigie_environment(workdir / "data", url),
            "VIGIE_SOURCES_DIRS": str(local),
            "VIGIE_OBEY_ROBOTS_TXT": "false",
        }
        result = vigie_runner(env, workdir)("crawl", source_id)
        if result.returncode not in (0, 1):
            raise RuntimeError(result.stdout + result.stderr)
        database = Database(url)
        try:
            with database.session() as session:
                return {d.url: d for d in session.scalars(select(Document).where(Document.source_id == source_id))}
        finally:
            database.dispose()
