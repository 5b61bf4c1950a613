"""Scrapy settings for muninews, grouped by concern. Every MUNINEWS_/SQLITE_/DEDUP_ setting is
read only here and in components' ``from_crawler``; nothing reads os.environ.

The project's own settings (MUNINEWS_, SQLITE_, EXTRACT_, DEDUP_, DISTRIBUTED_, DISCOVERY_, FRONTIER_, RETRY_BACKOFF_,
RETRY_AFTER_MAX) are defined, with their defaults and help, in crawler/settings_registry.py: this
module sets them as module-level constants from there (Scrapy reads a module's constants). What is
below is Scrapy's own settings and the wiring of components."""

from crawler.settings_registry import default as _default
from crawler.settings_registry import defaults as _defaults

globals().update(_defaults())

BOT_NAME = "muninews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- Politeness: small government servers ------------------------------------------------------
USER_AGENT = f"muninews/0.1 (+{_default('MUNINEWS_CONTACT_URL')})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
# Response headers: at most this many bytes in all (status line included) and per header
# (continuation lines included); past either the request fails (crawler/middlewares/headers.py).
DOWNLOAD_MAX_HEADER_BYTES = 64 * 1024
DOWNLOAD_MAX_HEADER_LINE = 16 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
# Scrapy's list without CannotResolveHostError: a name that does not resolve will not resolve a
# second later, and three retries only delay the report.
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.DownloadTimeoutError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    OSError,  # HttpCompressionMiddleware on an empty body
    "scrapy.core.downloader.handlers.http11.TunnelError",
]
# Waits between retries: RETRY_BACKOFF_BASE, RETRY_BACKOFF_MAX, RETRY_AFTER_MAX (the registry;
# crawler/middlewares/retry.py).
COOKIES_ENABLED = False
# Items processed in parallel per response. A page yields one item, so Scrapy's default (100)
# only creates idle tasks; 16 saved ~0.65 ms of CPU per page in benchmarks/crawl.py.
CONCURRENT_ITEMS = 16
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
LOG_LEVEL = "INFO"

# --- Downloader middlewares: safety and accountability (crawler/middlewares/) ----------------------
DOWNLOADER_MIDDLEWARES = {
    # Only the portal's hosts, no private/loopback addresses unless its profile allows them; runs
    # before Scrapy's offsite filter (50) and before robots.txt is fetched for a host (100).
    "crawler.middlewares.hosts.HostGuardMiddleware": 40,
    # A host whose connection failed after every retry is not asked again this run: its other
    # requests fail at once with that reason (a down portal no longer holds the crawl's end).
    "crawler.middlewares.unreachable.UnreachableHostMiddleware": 45,
    # The sitemap source's robots.txt is the answer Scrapy's robots check already got: one
    # robots.txt request per host.
    "crawler.middlewares.robots_once.RobotsOnceMiddleware": 120,
    # Backoff between retries and Retry-After on 429/503, in place of Scrapy's immediate retries.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    # Below the retries, so it sees an error only once they gave up: each portal's last error,
    # the reason a portal that failed entirely gives (crawler/extensions/outcome.py).
    "crawler.extensions.outcome.OutcomeMiddleware": 540,
    # Bounds response headers in Twisted's parser; a download cut by them fails at once, unretried
    # (above the retries, 550, so it sees the error first).
    "crawler.middlewares.headers.HeaderLimitsMiddleware": 590,
    # Sees 3xx before RedirectMiddleware (600): loops and off-portal redirects become failures
    # instead of being dropped silently by the duplicate and offsite filters.
    "crawler.middlewares.redirects.RedirectGuardMiddleware": 650,
}

# --- Pipelines, in order (close_spider runs in reverse: store closes last) --------------------
ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,  # HTML -> Record, by profile / structured / generic layers
    "pipelines.dedup.DedupPipeline": 200,  # same URL, same text, same story across portals
    "pipelines.store.StorePipeline": 300,  # batched writes into SQLite
}

# --- Interactive runs (MUNINEWS_PROGRESS turns the table on) ----------------------------------
EXTENSIONS = {
    # Scrapy's remote control (telnet: runs Python sent to it on a local port) stays off even if a
    # setting turns TELNETCONSOLE_ENABLED on; no other extension listens on a port.
    "scrapy.extensions.telnet.TelnetConsole": None,
    "crawler.extensions.progress.Progress": 500,
    # Per portal: did anything answer? Judges the run (finished/partial/failed/interrupted).
    "crawler.extensions.outcome.PortalAnswers": 510,
}
