"""The crawl baseline: a plain Scrapy spider that downloads the same files and keeps nothing.

It reads the same listing pages, follows the same ``rel="next"`` links, downloads every PDF and
throws it away, with the concurrency the Vigie crawl gets in the benchmark. What Vigie costs on
top (link heuristics, incremental checks, archive, database) is the difference.

    python -m bench.baseline_spider URL [URL…] --stats stats.json
"""

from __future__ import annotations

import argparse
import json

import scrapy
from scrapy.crawler import CrawlerProcess


class PlainSpider(scrapy.Spider):
    name = "plain"

    def __init__(self, start_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url

    async def start(self):
        yield scrapy.Request(self.start_url, callback=self.parse_listing)

    def parse_listing(self, response):
        for href in response.css('a[href$=".pdf"]::attr(href)').getall():
            yield response.follow(href, callback=self.parse_file, priority=-1)
        for href in response.css('a[rel="next"]::attr(href)').getall():
            yield response.follow(href, callback=self.parse_listing)

    def parse_file(self, response):
        self.crawler.stats.inc_value("plain/files")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--stats", required=True, help="where to write each crawl's stats (JSON)")
    parser.add_argument("--concurrency", type=int, default=16)
    options = parser.parse_args()
    process = CrawlerProcess(
        {
            "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrency,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": True,
            "LOG_LEVEL": "WARNING",
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "DOWNLOAD_MAXSIZE": 50 * 1024 * 1024,
        }
    )
    crawlers = []
    for url in options.urls:
        crawler = process.create_crawler(PlainSpider)
        crawlers.append(crawler)
        process.crawl(crawler, start_url=url)
    process.start()
    stats = [
        {"files": c.stats.get_value("plain/files", 0), "seconds": c.stats.get_value("elapsed_time_seconds", 0.0)}
        for c in crawlers
    ]
    with open(options.stats, "w", encoding="utf-8") as handle:
        json.dump(stats, handle)


if __name__ == "__main__":
    main()
