"""The WordPress REST API: every published post, 100 a request, with modification dates."""

from __future__ import annotations

from typing import Any

from crawler.families import wordpress
from spiders.sources import Context, Found, Source, Step, register
from spiders.sources.parsers import wpjson_links


@register
class WordPressAPI(Source):
    name = "wpjson"
    complete = True

    def start(self, portal: Any) -> list[Step]:
        path = portal.discovery.wpjson_path
        return [Step(wordpress.rest_page_url(portal.base_url, path, 1), kwargs={"page": 1})]

    def parse(self, response: Any, portal: Any, step: str, context: Context,
              page: int = 1, **kwargs: Any) -> Found:
        found = Found(links=wpjson_links(response.body))
        if page == 1:
            path = portal.discovery.wpjson_path
            found.steps = [Step(wordpress.rest_page_url(portal.base_url, path, n), kwargs={"page": n})
                           for n in range(2, wordpress.rest_total_pages(response.headers) + 1)]
        return found
