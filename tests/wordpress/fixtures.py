"""pytest fixtures for the real WordPress site.

``wordpress_site``: one site per test process (Twenty Twenty-Three, built once, snapshot "built" taken),
however many modules import the fixture: the site is cached here, so a module-level copy of the fixture
in several test modules (or one in tests/conftest.py) still builds it once. It is stopped at exit.
``fresh_wordpress``: that site put back as built (database, theme Twenty Twenty-Three, toggles off)
before the test, for tests that mutate it.
"""

from __future__ import annotations

import os

import pytest

from .site import WordPressError, WordPressSite, missing

_shared: dict = {}


def require_wordpress() -> None:
    """Skip when the Debian packages are not installed; in CI (which installs them) fail instead."""
    lacking = missing()
    if lacking:
        message = (f"the real-WordPress tests need Debian packages that are not installed: {', '.join(lacking)} "
                   "(.ci/install-wordpress installs them)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def shared_site() -> WordPressSite:
    """The process's one built site (built on first use; a failed build is not retried)."""
    if "error" in _shared:
        pytest.fail(f"the WordPress site could not be built: {_shared['error']}")
    site = _shared.get("site")
    if site is None:
        require_wordpress()
        site = WordPressSite("twentytwentythree")
        try:
            site.start()
            site.build()
            site.snapshot("built")
        except WordPressError as error:
            site.stop()
            _shared["error"] = str(error)
            raise
        _shared["site"] = site  # WordPressSite registers its own stop() with atexit
    return site


@pytest.fixture(scope="session")
def wordpress_site() -> WordPressSite:
    return shared_site()


@pytest.fixture
def fresh_wordpress(wordpress_site: WordPressSite) -> WordPressSite:
    wordpress_site.restore("built")
    if wordpress_site.theme != "twentytwentythree":
        wordpress_site.switch_theme("twentytwentythree")
    return wordpress_site
