"""WordPress: its REST API, its sitemaps and feeds, its paging.

What every stock WordPress (4.7 and later) answers, whatever the theme:

- ``/wp-json/wp/v2/posts?per_page=100&page=N``: published posts only (no drafts, private or
  password-protected ones without authentication), each with ``link``, ``date_gmt`` and
  ``modified_gmt``; the ``X-WP-TotalPages`` header says how many pages there are.
- ``/wp-sitemap.xml`` (5.5 and later) and the SEO plugins' ``/sitemap_index.xml``.
- ``/feed/``, paged with ``?paged=N``.
- listings (the home page, category archives), paged by ``/page/N/`` or ``?paged=N``, the posts
  linked by their titles, the categories by ``rel="category tag"``.

A post behind a password is a page with ``form.post-password-form`` (``wp-login.php?action=postpass``)
in place of its text, on every theme: recorded as such, not as "no body text".
"""

from __future__ import annotations

NAME = "wordpress"

REST_POSTS = "/wp-json/wp/v2/posts"
REST_PAGE_SIZE = 100

DISCOVERY: dict = {
    "sources": ("wpjson", "sitemap", "feed", "listing"),
    "wpjson_path": REST_POSTS,
    "sitemap_paths": ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml"),
    "feed_paths": ("/feed/",),
}

# A listing's pages are /page/N/ (pretty permalinks) or ?paged=N; the link to the next one is
# `.nav-links a.next` (classic themes: the_posts_pagination()), `a.wp-block-query-pagination-next`
# (block themes' Query Loop) or rel=next (the_posts_navigation(), SEO plugins' <link>).
NEXT_PAGE = (
    "xpath://a[contains(concat(' ', normalize-space(@class), ' '), ' next ')"
    " or contains(@class, 'wp-block-query-pagination-next') or @rel='next']"
)
# The posts of a listing: their titles link them, `h2.entry-title a` (classic themes),
# `.wp-block-post-title a` (block themes), rel=bookmark (the_permalink() in older themes); the
# menu, the Pages, tag clouds and comment links are no posts.
ARTICLE_LINKS = (
    "xpath://*[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' wp-block-post-title ')]//a[@href]"
    " | //a[@rel='bookmark']"
)
# Category archives, listings of their own: the_category() links carry rel="category tag", block
# themes' post-terms sit in .taxonomy-category, menus link the default base /category/.
CATEGORY_LINKS = (
    "xpath://a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' taxonomy-category ')]//a"
    " | //a[contains(@href, '/category/')]"
)


def rest_page_url(base_url: str, path: str, page: int) -> str:
    return f"{base_url}{path}?per_page={REST_PAGE_SIZE}&page={page}"


def rest_total_pages(headers: dict | object) -> int:
    """``X-WP-TotalPages`` of a REST answer; 1 when missing or unreadable."""
    value = headers.get(b"X-WP-TotalPages") if hasattr(headers, "get") else None
    try:
        return max(1, int(value or 1))
    except (TypeError, ValueError):
        return 1


def gmt_as_utc(value: object) -> str | None:
    """WordPress writes ``*_gmt`` without a zone: say it is UTC."""
    return f"{value}+00:00" if isinstance(value, str) and value and "+" not in value and not value.endswith("Z") else None


def feed_page_url(feed_url: str, page: int) -> str | None:
    return feed_url.split("?")[0] + f"?paged={page}"


# The form WordPress prints instead of a password-protected post's content (get_the_password_form()).
PASSWORD_FORM = b'class="post-password-form"'
PASSWORD_ACTION = b"wp-login.php?action=postpass"
PASSWORD_REASON = "password-protected post (WordPress post-password-form)"


def not_an_article(body: bytes) -> str | None:
    """Why a page that yielded no article is none, when WordPress says so: its password form."""
    return PASSWORD_REASON if PASSWORD_FORM in body or PASSWORD_ACTION in body else None
