"""Scrapy settings for muninews, grouped by concern. Every MUNINEWS_/SQLITE_/DEDUP_ setting is
read only here and in components' ``from_crawler``; nothing reads os.environ."""

BOT_NAME = "muninews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- Politeness: small government servers ------------------------------------------------------
MUNINEWS_CONTACT_URL = "https://github.com/muninews/muninews"
USER_AGENT = f"muninews/0.1 (+{MUNINEWS_CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
# Waits before retry n: RETRY_BACKOFF_BASE * 2**(n-1) seconds, at most RETRY_BACKOFF_MAX; a
# Retry-After header on 429/503 replaces that wait and pauses the whole host (crawler/middlewares/retry.py).
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
# A Retry-After longer than this is not waited for: the URL is recorded as failed for this run.
RETRY_AFTER_MAX = 300.0
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
    # Backoff between retries and Retry-After on 429/503, in place of Scrapy's immediate retries.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    # Sees 3xx before RedirectMiddleware (600): loops and off-portal redirects become failures
    # instead of being dropped silently by the duplicate and offsite filters.
    "crawler.middlewares.redirects.RedirectGuardMiddleware": 650,
}

# --- Portals ---------------------------------------------------------------------------------
# Extra directories of portal profiles (TOML), beside the ones shipped in crawler/profiles/.
MUNINEWS_PROFILE_DIRS: list[str] = []
# Portal name -> base URL, to move a portal (the replica listens wherever a port is free).
MUNINEWS_BASE_URLS: dict[str, str] = {}

# --- Storage -----------------------------------------------------------------------------------
SQLITE_PATH = "data/muninews.db"
# Items per transaction: one fsync per batch instead of per article.
SQLITE_BATCH_SIZE = 200
# Also store the raw HTML (gzip) of every fetched page so articles can be re-extracted offline.
SQLITE_STORE_HTML = True

# --- Extraction -------------------------------------------------------------------------------
# Learn paragraphs that recur across a host's pages and drop them from profile-free bodies.
EXTRACT_LEARN_TEMPLATES = True

# --- Deduplication ---------------------------------------------------------------------------
# Near-duplicate stories across portals (MinHash LSH + verification, crawler/dedup/similarity.py).
DEDUP_NEAR_ENABLED = True
# Estimated Jaccard of 4-word shingles for a candidate to be the same story (chosen by
# measurement in benchmarks/dedup.py), and how much of the shorter text the longer must contain.
DEDUP_THRESHOLD = 0.5
DEDUP_MIN_CONTAINMENT = 0.8
# Copies of a story are published within this many days of each other: near-duplicate
# candidates come only from that window around an article's date, so the cost of adding one
# stays flat as the database grows (benchmarks/dedup.py). Fixed epoch length once a database exists.
DEDUP_WINDOW_DAYS = 30

# --- Pipelines, in order (close_spider runs in reverse: store closes last) --------------------
ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,  # HTML -> Record, by profile / structured / generic layers
    "pipelines.dedup.DedupPipeline": 200,  # same URL, same text, same story across portals
    "pipelines.store.StorePipeline": 300,  # batched writes into SQLite
}

# --- Incremental crawling ----------------------------------------------------------------------
# Read fetch state from the database so reruns fetch only what is new or may have changed.
MUNINEWS_INCREMENTAL = True
# Only articles published (or changed) on or after this date (ISO 8601); None = no bound.
MUNINEWS_SINCE = None

# --- Distributed mode (crawler/distributed/; only with `crawl --redis` and `muninews load`) ---
# Seconds a worker may miss heartbeats before the others put its in-flight requests back in the queue.
DISTRIBUTED_WORKER_TIMEOUT = 10
# Seconds between heartbeats (each also releases finished leases and recovers dead workers' ones).
DISTRIBUTED_HEARTBEAT = 1.0

# --- Interactive runs --------------------------------------------------------------------------
# A live per-portal progress table (the CLI enables it on a terminal unless --quiet).
MUNINEWS_PROGRESS = False
EXTENSIONS = {
    "crawler.extensions.progress.Progress": 500,
}
