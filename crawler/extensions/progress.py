"""Live per-portal progress for interactive runs: one table redrawn in place, not log spam.

Enabled by ``MUNINEWS_PROGRESS`` (the CLI turns it on when stderr is a terminal and --quiet is
not given); it only reads the crawl's stats, so it costs nothing when off.
"""

from __future__ import annotations

from rich.console import Console
from rich.live import Live
from rich.table import Table
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

COLUMNS = ("pages_fetched", "articles_new", "updated", "not_modified", "skipped", "failures")
HEADERS = ("fetched", "new", "updated", "304", "skipped", "failed")


class Progress:
    def __init__(self, stats, interval: float = 0.5) -> None:
        self.stats = stats
        self.interval = interval
        self.portals: list[str] = []
        self.live: Live | None = None
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("MUNINEWS_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        self.portals = sorted(getattr(spider, "portals", {}))
        self.live = Live(self.table(), console=Console(stderr=True), refresh_per_second=4, transient=True)
        self.live.start()
        self.loop = task.LoopingCall(self.refresh)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live is not None:
            self.live.stop()

    def refresh(self) -> None:
        if self.live is not None:
            self.live.update(self.table())

    def table(self) -> Table:
        table = Table(title="muninews: crawling")
        table.add_column("portal", no_wrap=True)
        for header in HEADERS:
            table.add_column(header, justify="right")
        for portal in self.portals:
            table.add_row(portal, *(str(self.stats.get_value(f"muninews/portal/{portal}/{c}", 0)) for c in COLUMNS))
        return table
