"""robots.txt once per host: the sitemap source reads the answer Scrapy's robots.txt check got.

Scrapy's RobotsTxtMiddleware fetches ``/robots.txt`` before a host's first request; the sitemap
source then asked for the same file again, for its ``Sitemap:`` lines: two requests per host,
2,000 a night over a thousand portals. This middleware keeps the answer Scrapy's own robots
request received (status, headers, body) and gives it to the next request for the same URL,
once, then forgets it, so what it holds is bounded by the hosts whose sitemap source has not
started yet.

Order 120: after RobotsTxtMiddleware (100), whose waiting guarantees the robots answer came
back before any other request to the host passes.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

KEEP_AT_MOST = 512 * 1024  # a robots.txt past this is fetched again rather than held


class RobotsOnceMiddleware:
    def __init__(self, stats=None) -> None:
        self.answers: dict[str, Response] = {}
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request: Request, spider=None) -> Response | None:
        if _is_robots(request) and not request.meta.get("dont_obey_robotstxt"):
            answer = self.answers.pop(request.url, None)
            if answer is not None:
                if self.stats is not None:
                    self.stats.inc_value("muninews/robots_reused")
                return answer.replace(request=request)
        return None

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        if _is_robots(request) and request.meta.get("dont_obey_robotstxt") and len(response.body) <= KEEP_AT_MOST:
            self.answers[request.url] = response
        return response


def _is_robots(request: Request) -> bool:
    return urlparse_cached(request).path == "/robots.txt"
