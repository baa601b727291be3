"""Sample and record a live crawl: for `vigie source check` and `vigie source record`.

``VIGIE_SAMPLE_DOCUMENTS`` (n ≥ 0) downloads only the first n documents; the others are still
reported with their metadata, as skipped ("not fetched (sample …)"), since the site did nothing
wrong. ``VIGIE_RECORD_DIR`` saves every response that reached the spider (listing pages and
sampled documents) in that folder, with an index (``recording.json``) that tests replay on
loopback (``tests/support/recording.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

INDEX = "recording.json"
_EXTENSIONS = {"json": ".json", "csv": ".csv", "pdf": ".pdf", "html": ".html", "xml": ".xml"}


def recorded_name(url: str, media_type: str, number: int) -> str:
    """A readable, unique file name for a recorded response."""
    parts = urlsplit(url)
    stem = re.sub(r"[^A-Za-z0-9]+", "-", (parts.path.rsplit("/", 1)[-1] or "index"))[:40].strip("-") or "page"
    suffix = next((ext for key, ext in _EXTENSIONS.items() if key in media_type), ".bin")
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
    return f"{number:03d}-{stem}-{digest}{suffix}"


class NotSampled(IgnoreRequest):
    """A document left out of the sample on purpose: the spider records it as skipped, not failed."""


class SampleMiddleware:
    """Limits the documents downloaded and records responses (downloader middleware)."""

    def __init__(self, crawler, sample: int, folder: Path | None) -> None:
        self.crawler = crawler
        self.sample = sample
        self.folder = folder
        self.documents = 0
        self.entries: list[dict] = []
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            crawler.signals.connect(self.write_index, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        sample = crawler.settings.getint("VIGIE_SAMPLE_DOCUMENTS", -1)
        folder = crawler.settings.get("VIGIE_RECORD_DIR")
        if sample < 0 and not folder:
            # The normal state of a crawl, not a mistake: no message, so Scrapy logs no warning.
            raise NotConfigured
        return cls(crawler, sample, Path(folder) if folder else None)

    def process_request(self, request, spider=None):
        if "vigie_fields" not in request.meta or self.sample < 0:
            return None
        if self.documents >= self.sample:
            raise NotSampled("not fetched (sample of a source check or recording)")
        self.documents += 1
        return None

    def process_response(self, request, response, spider=None):
        if self.folder is not None and not request.meta.get("robots_txt") and not response.url.endswith("/robots.txt"):
            media = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
            name = recorded_name(request.url, media, len(self.entries) + 1)
            (self.folder / name).write_bytes(response.body)
            self.entries.append({"url": request.url, "status": response.status, "content_type": media, "file": name})
        return response

    def write_index(self, spider, reason) -> None:
        index = {
            "source": spider.source.id,
            "platform": spider.source.platform,
            "start_url": spider.source.url,
            "finish_reason": reason,
            "responses": self.entries,
        }
        (self.folder / INDEX).write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
