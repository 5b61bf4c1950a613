"""Plone's REST API (plone.restapi ``@search``): every published News Item, 100 a request, with its
publication and modification times and its creators' user ids (crawler/families/plone.py says
which URL and how it pages). The ids become the creators' author pages on each link: the spider
reads a name there when the article's own page shows no byline.

Only News Items are asked for, so Pages, Events, Folders and Files are never fetched as candidates;
the next batch is the answer's ``batching.next``, followed only on the portal's own host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.families import plone
from crawler.items import Link
from spiders.sources import Context, Found, Source, Step, register
from spiders.sources.parsers import utc_iso


@register
class PloneAPI(Source):
    name = "plonerest"
    complete = True

    def start(self, portal: Any) -> list[Step]:
        return [Step(plone.rest_search_url(portal.base_url))]

    def parse(self, response: Any, portal: Any, step: str, context: Context, **kwargs: Any) -> Found:
        items, following, problem = plone.rest_page(response.body)
        found = Found(links=[Link(url, utc_iso(modified), utc_iso(effective),
                                  tuple(plone.author_page_url(portal.base_url, c) for c in creators))
                             for url, modified, effective, creators in items],
                      problem=problem)
        if items and following and urlsplit(following).netloc == urlsplit(portal.base_url).netloc:
            found.steps = [Step(following, paging=True)]
        return found
