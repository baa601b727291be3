"""Write the results: ``bench/results.json`` (every number) and ``bench/results.md`` (the table)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (label, value key, baseline key, ratio key, target text, check of the results)
Row = tuple[str, str, str | None, str | None, str, Callable[[dict], bool | None] | None]

ROWS: list[Row] = [
    (
        "Crawl, documents/s (spider open→close)",
        "crawl_docs_per_s",
        "crawl_plain_scrapy_docs_per_s",
        "crawl_ratio_to_scrapy",
        "baseline: plain Scrapy spider",
        None,
    ),
    (
        "Second `vigie run` of the unchanged corpus, s (speed-up)",
        "recrawl_run_second_s",
        "recrawl_run_first_s",
        "recrawl_speedup",
        "≥ 50× faster",
        lambda r: r["recrawl_speedup"] >= 50,
    ),
    (
        "… the crawl stage alone (`vigie crawl`), s",
        "recrawl_second_s",
        "recrawl_first_s",
        "recrawl_speedup_crawl_only",
        "(for information)",
        None,
    ),
    (
        "… the crawl stage alone, requests made",
        "recrawl_second_requests",
        "recrawl_first_requests",
        "recrawl_request_ratio",
        "(for information)",
        None,
    ),
    (
        "Extraction, pages/s",
        "extraction_pages_per_s",
        "extraction_pdfium_pages_per_s",
        "extraction_ratio_to_pdfium",
        "≥ 0.8 of pypdfium2 alone",
        lambda r: r["extraction_ratio_to_pdfium"] >= 0.8,
    ),
    (
        "… in the sandbox's worker process, pages/s",
        "extraction_sandbox_pages_per_s",
        "extraction_pdfium_pages_per_s",
        "extraction_sandbox_ratio_to_pdfium",
        "≥ 0.8 of pypdfium2 alone",
        lambda r: r["extraction_sandbox_ratio_to_pdfium"] >= 0.8,
    ),
    (
        "Analysis, words/s vs spaCy tokenizer alone",
        "analysis_words_per_s",
        "analysis_tokenizer_words_per_s",
        "analysis_ratio_to_tokenizer",
        "≥ 0.5",
        lambda r: r["analysis_ratio_to_tokenizer"] >= 0.5,
    ),
    (
        "Analysis, words/s vs naive fr_core_news_sm",
        "analysis_words_per_s",
        "analysis_naive_words_per_s",
        "analysis_ratio_to_naive",
        "(higher is better)",
        None,
    ),
    ("Alerts, deliveries/s to a local webhook", "alerts_deliveries_per_s", None, None, "(no target)", None),
    (
        "Alerts, messages/s vs apprise alone",
        "alerts_messages_per_s",
        "alerts_apprise_messages_per_s",
        "alerts_ratio_to_apprise",
        "≥ 0.5",
        lambda r: r["alerts_ratio_to_apprise"] >= 0.5,
    ),
    (
        "End to end, pages/s (crawl → alert) vs pdfium's text alone",
        "end_to_end_pages_per_s",
        "extraction_pdfium_pages_per_s",
        "end_to_end_ratio_to_pdfium",
        "≥ 500 on 2 cores",
        lambda r: r["end_to_end_pages_per_s"] >= 500,
    ),
    (
        "Peak memory, MB (end to end, largest run)",
        "peak_rss_mb",
        None,
        None,
        "≤ 300",
        lambda r: r["peak_rss_mb"] <= 300,
    ),
    ("Growth 1×→4×: time ratio", "growth_time_ratio_4x", None, None, "≈ 4 (linear)", None),
    (
        "Growth 1×→4×: peak memory ratio",
        "growth_peak_rss_ratio_4x",
        None,
        None,
        "flat (≤ 1.2)",
        lambda r: r["growth_peak_rss_ratio_4x"] <= 1.2,
    ),
]


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _met(check, results: dict) -> str:
    if check is None:
        return ""
    try:
        return "yes" if check(results) else "**no**"
    except KeyError:
        return "not measured"


def markdown(results: dict) -> str:
    lines = [
        "# Vigie benchmarks",
        "",
        f"Command: `{results['command']}` — {results['started_at']}, {results['duration_s']:.0f} s, "
        f"{results['machine']}.",
        "",
        f"Corpus: {results['corpus']}.",
        "",
        "| measure | Vigie | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for label, value, baseline, ratio, target, check in ROWS:
        lines.append(
            f"| {label} | {_cell(results.get(value))} | {_cell(results.get(baseline) if baseline else None)} "
            f"| {_cell(results.get(ratio) if ratio else None)} | {target} | {_met(check, results)} |"
        )
    growth = results.get("growth", {}).get("runs", {})
    if growth:
        lines += [
            "",
            "Growth (`vigie run`, a fresh installation each time):",
            "",
            "| corpus | documents | pages | seconds | pages/s | peak memory, MB |",
            "|---|---|---|---|---|---|",
        ]
        for name, run in growth.items():
            lines.append(
                f"| {name} | {run['documents']:,} | {run['pages']:,} | {run['seconds']} | "
                f"{run['pages_per_s']} | {run['peak_rss_mb']} |"
            )
    many = results.get("many_hosts")
    if many:
        lines += [
            "",
            f"Many hosts (`{many['command']}`, production politeness):",
            "",
            "| hosts | ok | documents | requests | wall, s | requests/s | hosts/min | peak memory, MB "
            "| CPU share of the cores |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {many['hosts']:,} | {many['hosts_ok']:,} | {many['documents']:,} | {many['requests']:,} "
            f"| {many['wall_s']} | {many['requests_per_s']} | {many['hosts_per_minute']} | {many['peak_rss_mb']} "
            f"| {many['cpu_share_of_cores']} |",
        ]
    lines += ["", *[f"- {note}" for note in results.get("notes", [])], ""]
    return "\n".join(lines)


def write(results: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "results.md").write_text(markdown(results), encoding="utf-8")
