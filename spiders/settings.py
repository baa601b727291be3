"""Scrapy settings of Vigie's crawler.

These are the defaults of every crawl; ``vigie.crawl.crawler_settings`` overrides some of
them from Vigie's configuration (``vigie/settings.py``). Settings of Vigie's own components use
the ``VIGIE_`` prefix and are documented here.
"""

BOT_NAME = "vigie"
SPIDER_MODULES = ["spiders.platforms"]

# Politeness. Councils are small servers run by small teams: few requests at a time per
# domain, an adaptive delay, robots.txt obeyed, and an honest User-Agent with a contact URL
# (set from VIGIE_CONTACT_URL). Throughput comes from crawling many councils at once.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
# Items of one response handled at once. The pipelines write to the database synchronously, so
# more buys nothing, and Scrapy starts one asyncio task per slot for every response (default 100):
# 8 makes a loopback crawl about 15% faster (bench/crawl.py).
CONCURRENT_ITEMS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Thousands of small hosts in one run (vigie.crawl runs `sources_at_once` spiders at a time): host
# names are resolved by the reactor's thread pool (10 threads by default), and kept in a cache
# larger than the hosts of a France-wide run.
REACTOR_THREADPOOL_MAXSIZE = 20
DNSCACHE_SIZE = 20_000
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
# API tokens travel in some platforms' URLs (Legistar): never in the logs.
LOG_FORMATTER = "spiders.logformatter.MaskingLogFormatter"
# Both run code sent to them; a scheduled crawler needs neither (the remote control, new in
# Scrapy 2.19, would also write its access token to a file under the user's state folder).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

# Retries with exponential backoff, honouring Retry-After (spiders.middlewares.BackoffRetryMiddleware).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# The spider records a failure once, in one line, on the document or the source's health:
# Scrapy's own "gave up retrying" message would say it again.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
# VIGIE_RETRY_BACKOFF_BASE: seconds before the first retry; doubled at each attempt.
VIGIE_RETRY_BACKOFF_BASE = 2.0
# VIGIE_RETRY_BACKOFF_MAX: longest wait before a retry, Retry-After included, in seconds.
VIGIE_RETRY_BACKOFF_MAX = 120.0

# Only the web: Scrapy's file, ftp, s3 and data handlers would read local files or other
# services from a URL written in a council's page or dataset.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}

DOWNLOADER_MIDDLEWARES = {
    # Where the crawler may go (spiders.reach): before robots.txt, so that no request at all,
    # not even for a robots.txt, goes where it must not.
    "spiders.reach.ReachMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    # The listings of a complete crawl, and their hosts' robots.txt, kept for the next run's
    # pre-check of unchanged sources (spiders.listings, spiders.unchanged).
    "spiders.listings.ListingRecorder": 560,
    # Inactive unless VIGIE_SAMPLE_DOCUMENTS or VIGIE_RECORD_DIR is set (vigie source check/record).
    "spiders.recorder.SampleMiddleware": 950,
}
ITEM_PIPELINES = {
    "spiders.pipelines.ArchivePipeline": 300,
}
EXTENSIONS = {
    "spiders.extensions.SourceHealth": 500,
    # vigie.crawl adds Vigie's progress bar (vigie.progress.CrawlProgress): spiders/ does not import vigie.
}
# VIGIE_PROGRESS_SOURCES: how many sources the crawl process runs (set by vigie.crawl).
VIGIE_PROGRESS_SOURCES = 0

# VIGIE_DATABASE_URL: SQLAlchemy URL where documents are recorded (set by the runner).
VIGIE_DATABASE_URL = ""
# VIGIE_DATA_DIR: folder whose `files/` sub-folder archives every downloaded file.
VIGIE_DATA_DIR = "./data"
# VIGIE_RUN_ID: the crawl_runs row this crawl belongs to (set by the runner; empty for ad-hoc crawls).
VIGIE_RUN_ID = None
# VIGIE_RECHECK_AFTER_DAYS: a stored document is re-requested, conditionally, only after this many days.
VIGIE_RECHECK_AFTER_DAYS = 30
# VIGIE_INCREMENTAL: platforms whose API filters by modification time (OParl, Legistar,
# OpenDataSoft) ask only for what changed since the last complete crawl (`vigie crawl --full`: False).
VIGIE_INCREMENTAL = True
# VIGIE_RESUME: keep each source's crawl state under <VIGIE_DATA_DIR>/jobs/<source> (Scrapy JOBDIR)
# so that an interrupted crawl resumes (`vigie crawl --resume`; see spiders.jobdirs).
VIGIE_RESUME = False
# VIGIE_SAMPLE_DOCUMENTS: download only this many documents (-1: all); set by `vigie source check`.
VIGIE_SAMPLE_DOCUMENTS = -1
# VIGIE_RECORD_DIR: save the crawl's responses there as test fixtures; set by `vigie source record`.
VIGIE_RECORD_DIR = ""

# VIGIE_MAX_LINKS_PER_PAGE: links read on one listing page at most; the rest of a longer page is
# left, and the listing recorded as truncated (a page of a million links must not hold up a run).
VIGIE_MAX_LINKS_PER_PAGE = 10_000

# Crawl budget of one source: one slow council cannot hold up a run.
CLOSESPIDER_TIMEOUT = 1800
