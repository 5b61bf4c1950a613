"""XML sitemaps: robots.txt ``Sitemap:`` lines and the profile's paths, indexes followed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from spiders.sources import Context, Found, Source, Step, register
from spiders.sources.parsers import robots_sitemaps, sitemap_entries


@register
class Sitemaps(Source):
    name = "sitemap"
    complete = True

    def start(self, portal: Any) -> list[Step]:
        return [Step(f"{portal.base_url}/robots.txt", "robots")]

    def parse(self, response: Any, portal: Any, step: str, context: Context,
              **kwargs: Any) -> Found:
        if step == "robots":
            urls = robots_sitemaps(response.body, portal.base_url) if response.status == 200 else []
            urls += [portal.base_url + path for path in portal.discovery.sitemap_paths]
            return Found(steps=[Step(u, "sitemap") for u in dict.fromkeys(urls)])
        children, links = sitemap_entries(response.body)
        return Found(links=links, steps=[Step(urljoin(response.url, child), "sitemap") for child in children])
