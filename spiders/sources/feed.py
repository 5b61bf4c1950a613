"""RSS and Atom feeds, paged the way the portal's CMS pages them (crawler/families/); paging stops
at the first page that adds no article link this run had not seen (a feed that ignores ``?paged=``)."""

from __future__ import annotations

from typing import Any

from crawler import families
from spiders.sources import Context, Found, Source, Step, register
from spiders.sources.parsers import feed_links


@register
class Feeds(Source):
    name = "feed"

    def start(self, portal: Any) -> list[Step]:
        return [Step(portal.base_url + path, kwargs={"page": 1}) for path in portal.discovery.feed_paths]

    def parse(self, response: Any, portal: Any, step: str, context: Context,
              page: int = 1, **kwargs: Any) -> Found:
        links = feed_links(response.body, response.url)
        # After a finished run, older feed pages hold what is stored already (as with listings).
        found = Found(links=links, steps_only_if_new=bool(links) and context.completed_before)
        if found.links and not all_older_than(found.links, context.since):
            next_url = families.feed_page_url(portal, response.url, page + 1)
            if next_url:
                found.steps = [Step(next_url, kwargs={"page": page + 1}, paging=True)]
        return found


def all_older_than(links: list, since: str | None) -> bool:
    """Every link of a feed page is older than --since: no need for the next page."""
    return bool(since) and all((link.published or link.lastmod or since) < since for link in links)
