"""How a crawl ended, per portal and for the run: the exit status cron sees and the
``crawl_runs.status`` / ``reason`` an operator reads the next morning.

A portal *failed entirely* when none of its requests got an answer (status below 400): every
discovery source refused, timed out, did not resolve or answered with an error. Then nothing of
it can have been stored, whatever the per-URL failures say. ``OutcomeMiddleware`` (a downloader
middleware) keeps each portal's last download error as a sentence; ``PortalAnswers`` (an
extension) counts the answers and, when the spider closes, writes the verdict into the stats
(``muninews/portal/<name>/status`` and ``…/reason``, ``muninews/run/status`` and ``…/reason``),
which ``crawler.runner`` records in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy import signals
from twisted.python.failure import Failure

from crawler.middlewares.reasons import failure_reason

FINISHED, PARTIAL, FAILED, INTERRUPTED = "finished", "partial", "failed", "interrupted"
INTERRUPTED_REASONS = ("shutdown",)  # Scrapy's finish reason after SIGINT or SIGTERM


def _portal(request) -> str | None:
    return request.cb_kwargs.get("portal") if request is not None else None


def _key(portal: str, name: str) -> str:
    return f"muninews/portal/{portal}/{name}"


class OutcomeMiddleware:
    """Downloader middleware: the last download error of each portal, as a failure reason.

    Placed below the retry middleware, it sees an error only once retrying gave up."""

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_exception(self, request, exception, spider=None):
        portal = _portal(request)
        if portal:
            failure = Failure(exception)
            failure.request = request
            self.stats.set_value(_key(portal, "last_error"), failure_reason(failure))


class PortalAnswers:
    """Extension: counts the answers each portal gave and judges the run when the spider closes."""

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def response_received(self, response, request, spider=None) -> None:
        portal = _portal(request)
        if not portal:
            return
        if response.status < 400:
            self.stats.inc_value(_key(portal, "answered"))
        else:
            self.stats.set_value(_key(portal, "last_error"), f"HTTP {response.status}")

    def spider_closed(self, spider, reason: str) -> None:
        outcome = judge(self.stats.get_stats(), sorted(getattr(spider, "portals", {}) or {}), reason)
        for portal in outcome.portals:
            self.stats.set_value(_key(portal.name, "status"), "failed" if portal.failed else "ok")
            if portal.reason:
                self.stats.set_value(_key(portal.name, "reason"), portal.reason)
        self.stats.set_value("muninews/run/status", outcome.status)
        self.stats.set_value("muninews/run/reason", outcome.reason)


@dataclass
class PortalVerdict:
    name: str
    failed: bool
    reason: str | None = None


@dataclass
class Outcome:
    status: str
    reason: str
    portals: list[PortalVerdict] = field(default_factory=list)

    @property
    def failed_portals(self) -> list[PortalVerdict]:
        return [portal for portal in self.portals if portal.failed]


def judge(stats: dict, portals: list[str], finish_reason: str) -> Outcome:
    """The run's status from its stats: interrupted beats failed beats partial beats finished."""
    verdicts = [_verdict(stats, name) for name in portals]
    failed = [v for v in verdicts if v.failed]
    if finish_reason in INTERRUPTED_REASONS:
        return Outcome(INTERRUPTED, "interrupted (SIGINT or SIGTERM) before the crawl finished", verdicts)
    if failed:
        status = FAILED if len(failed) == len(verdicts) else PARTIAL
        return Outcome(status, "; ".join(f"{v.name}: {v.reason}" for v in failed), verdicts)
    if stats.get("muninews/max_time_reached"):
        left = stats.get("muninews/max_time_left_in_frontier", 0)
        return Outcome(FINISHED, f"stopped at the --max-time deadline ({left} links left for the next run)", verdicts)
    return Outcome(FINISHED, finish_reason, verdicts)


def _verdict(stats: dict, portal: str) -> PortalVerdict:
    if stats.get(_key(portal, "answered"), 0):
        return PortalVerdict(portal, False)
    error = stats.get(_key(portal, "last_error"))
    reason = f"no page fetched, every discovery source failed (last error: {error})" if error else \
        "no page fetched: no discovery source answered"
    return PortalVerdict(portal, True, reason)
