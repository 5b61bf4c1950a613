"""Migration 1: the first released schema (portals, articles, images, pages, stories, runs, failures)."""

from __future__ import annotations

import sqlite_utils


def migrate(db: sqlite_utils.Database) -> None:
    db["portals"].create(
        {"name": str, "title": str, "family": str, "base_url": str, "languages": str, "timezone": str},
        pk="name",
    )
    db["crawl_runs"].create(
        {"id": int, "started": str, "finished": str, "portals": str, "pages_fetched": int, "articles_new": int,
         "duplicates": int, "failures": int, "stats": str},
        pk="id",
    )
    db["stories"].create(
        {"id": int, "first_article_id": int, "title": str, "first_published": str, "last_published": str,
         "portals": str, "portal_count": int, "article_count": int},
        pk="id",
    )
    db["articles"].create(
        {
            "id": int, "portal": str, "url": str, "url_key": str, "canonical_url": str, "title": str,
            "published": str, "published_utc": str, "modified": str, "author": str, "authors": str, "source": str,
            "body": str, "language": str, "word_count": int, "content_hash": str, "story_id": int,
            "first_seen": str, "last_seen": str, "profile": str, "parser_version": str, "layers": str,
            "crawl_run": int,
        },
        pk="id", not_null={"portal", "url", "url_key"},
        foreign_keys=[("portal", "portals", "name"), ("story_id", "stories", "id"), ("crawl_run", "crawl_runs", "id")],
    )
    db["article_urls"].create(
        {"url_key": str, "url": str, "article_id": int, "first_seen": str},
        pk="url_key", foreign_keys=[("article_id", "articles", "id")],
    )
    db["images"].create(
        {"article_id": int, "position": int, "url": str, "caption": str, "credit": str},
        pk=("article_id", "position"), foreign_keys=[("article_id", "articles", "id")],
    )
    db["pages"].create(
        {"url_key": str, "url": str, "portal": str, "status": int, "fetched_at": str, "content_type": str,
         "etag": str, "last_modified": str, "html_gz": bytes, "article_id": int, "error": str},
        pk="url_key", foreign_keys=[("portal", "portals", "name")],
    )
    db["failures"].create(
        {"id": int, "run_id": int, "portal": str, "url": str, "reason": str, "status": int, "at": str},
        pk="id", foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db["articles"].create_index(["url_key"], unique=True)
    db["articles"].create_index(["portal", "published"])
    db["articles"].create_index(["published_utc"])
    db["articles"].create_index(["content_hash"])
    db["articles"].create_index(["story_id"])
    db["images"].create_index(["article_id"])
    db["failures"].create_index(["run_id"])
