"""A real WordPress on loopback for the tests (issue 13): Debian's packages, a private MariaDB, PHP-FPM, nginx.

    from wordpress import running_wordpress
    with running_wordpress("twentytwentythree") as site:
        site.base_url          # http://127.0.0.1:PORT
        truth = site.truth()   # what WordPress holds: posts, authors, paragraphs, captions, hidden URLs
        site.mutate()          # 3 edits, 2 trashed, 3 new posts
        site.listings_only()   # REST 403, sitemaps and feeds off

``missing()`` names the Debian packages that are not installed (``.ci/install-wordpress`` installs them).
"""

from .site import (
    THEMES,
    Mutation,
    WordPressError,
    WordPressSite,
    missing,
    running_wordpress,
)

__all__ = ["THEMES", "Mutation", "WordPressError", "WordPressSite", "missing", "running_wordpress"]
