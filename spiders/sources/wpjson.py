"""The WordPress REST API: every published post, 100 a request, with modification dates.

Pages are asked one after the other: page n+1 only while n is below ``X-WP-TotalPages`` (read
from the first page), the page before added posts this run had not seen, and the discovery budget
allows (spiders/portal.py), so a header claiming a billion pages costs at most the budget."""

from __future__ import annotations

from typing import Any

from crawler.families import wordpress
from spiders.sources import Context, Found, Source, Step, register
from spiders.sources.parsers import wpjson_page


@register
class WordPressAPI(Source):
    name = "wpjson"
    complete = True

    def start(self, portal: Any) -> list[Step]:
        path = portal.discovery.wpjson_path
        return [Step(wordpress.rest_page_url(portal.base_url, path, 1), kwargs={"page": 1})]

    def parse(self, response: Any, portal: Any, step: str, context: Context,
              page: int = 1, total: int | None = None, **kwargs: Any) -> Found:
        links, problem = wpjson_page(response.body)
        found = Found(links=links, problem=problem)
        total = wordpress.rest_total_pages(response.headers) if total is None else total
        if links and page < total:
            path = portal.discovery.wpjson_path
            found.steps = [Step(wordpress.rest_page_url(portal.base_url, path, page + 1),
                                kwargs={"page": page + 1, "total": total}, paging=True)]
        return found
