"""Crawl: Vigie's documents per second beside a plain Scrapy spider's, and the second crawl."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.corpus import Corpus
from bench.measure import python, run_command
from bench.site import CorpusSite
from bench.workspace import Workspace


def plain_scrapy(site: CorpusSite, folder: Path) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    stats = folder / "plain-stats.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    measure = run_command(
        python("-m", "bench.baseline_spider", site.council_url(1), "--stats", str(stats)), env, folder
    )
    if measure.returncode:
        raise RuntimeError(f"the plain Scrapy spider failed:\n{measure.stderr[-3000:]}")
    [crawl] = json.loads(stats.read_text())
    return {"files": crawl["files"], "seconds": crawl["seconds"], "wall_s": measure.seconds}


def vigie_crawls(site: CorpusSite, work: Path, database_url: str) -> dict:
    """A first crawl of council 1 into a fresh installation, then a second one of the unchanged site."""
    with Workspace(work / "crawl", database_url) as workspace:
        workspace.add_councils([site.council_url(1)])
        first = workspace.vigie("crawl", "bench-c1")
        first_run = workspace.last_run()
        second = workspace.vigie("crawl", "bench-c1")
        second_run = workspace.last_run()
    return {"first": first, "first_run": first_run, "second": second, "second_run": second_run}


def run(corpus: Corpus, site: CorpusSite, work: Path, database_url: str, rounds: int = 2) -> dict:
    """The plain spider and Vigie, alternated ``rounds`` times; the fastest of each is kept.

    The second crawl is the one that followed Vigie's fastest first crawl: its speed-up is the
    smallest the rounds allow.
    """
    plains, vigies = [], []
    for _ in range(rounds):
        plains.append(plain_scrapy(site, work / "plain"))
        vigies.append(vigie_crawls(site, work, database_url))
    plain = max(plains, key=lambda p: p["files"] / p["seconds"])
    vigie = min(vigies, key=lambda v: v["first_run"]["spider_s"])
    first, first_run, second, second_run = vigie["first"], vigie["first_run"], vigie["second"], vigie["second_run"]
    if plain["files"] != corpus.documents:
        raise RuntimeError(f"the plain spider fetched {plain['files']} files of {corpus.documents}")
    vigie_rate, plain_rate = corpus.documents / first_run["spider_s"], plain["files"] / plain["seconds"]
    return {
        "crawl_documents": corpus.documents,
        "crawl_rounds": rounds,
        "crawl_docs_per_s": round(vigie_rate, 1),
        "crawl_plain_scrapy_docs_per_s": round(plain_rate, 1),
        "crawl_ratio_to_scrapy": round(vigie_rate / plain_rate, 3),
        "crawl_wall_s": round(first.seconds, 1),
        "crawl_plain_scrapy_wall_s": round(plain["wall_s"], 1),
        "crawl_peak_rss_mb": round(first.peak_rss_mb, 1),
        "recrawl_first_s": round(first_run["run_s"], 2),
        "recrawl_second_s": round(second_run["run_s"], 2),
        "recrawl_speedup_crawl_only": round(first_run["run_s"] / second_run["run_s"], 1),
        "recrawl_first_wall_s": round(first.seconds, 2),
        "recrawl_second_wall_s": round(second.seconds, 2),
        "recrawl_speedup_wall": round(first.seconds / second.seconds, 1),
        "recrawl_first_requests": first_run["requests"],
        "recrawl_second_requests": second_run["requests"],
        "recrawl_request_ratio": round(first_run["requests"] / max(second_run["requests"], 1), 1),
    }
