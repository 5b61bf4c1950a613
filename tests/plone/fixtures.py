"""pytest fixtures for the real Plone site.

The site is built once per test process (``session_build()``, about 20 s: a Data.fs made by ``zconsole
run``) and every running site serves a copy of it. Running sites are cached here by hosting mode, so a
module-level fixture in several test modules (or one in tests/conftest.py) still starts each once; they
are stopped at exit. Tests that change content (``mutate()``) start their own with ``own_site()``.

    plone_site            the shared site under /ngoquyen/ (byline on, sitemap on, navigation depth 3)
    plone_root_site       the shared site at the host root (same settings)
    fresh_plone           a site of the test's own, stopped after the test (about 15 s to start)
"""

from __future__ import annotations

import os

import pytest

from .site import PloneError, PloneSite, missing, session_build

_shared: dict = {}
DEFAULTS = {"byline": True, "sitemap": True, "nav_depth": 3}


def require_plone() -> None:
    """Skip when the Plone virtualenv is absent; in CI (whose .ci/run installs it) fail instead."""
    reason = missing()
    if reason:
        message = f"the real-Plone tests need Plone 6 in its own virtualenv: {reason}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def built():
    """The process's one build (a failed build is not retried: every later test fails with its message)."""
    require_plone()
    if "build-error" in _shared:
        pytest.fail(f"the Plone site could not be built: {_shared['build-error']}")
    try:
        return session_build()
    except PloneError as error:
        _shared["build-error"] = str(error)
        raise


def shared_site(*, root: bool = False) -> PloneSite:
    """The process's running site for this hosting mode, its settings put back to DEFAULTS. Read-only use:
    switch settings with ``configure()`` if you must (they are reset on the next call), never ``mutate()``."""
    key = "root" if root else "path"
    if f"{key}-error" in _shared:
        pytest.fail(f"the Plone site ({key}) could not start: {_shared[key + '-error']}")
    site = _shared.get(key)
    if site is None or not site.alive():
        build = built()
        site = PloneSite(root=root, build=build, **DEFAULTS)
        try:
            site.start()
        except PloneError as error:
            site.stop()
            _shared[f"{key}-error"] = str(error)
            raise
        _shared[key] = site  # PloneSite registers its own stop() with atexit
    elif site.options != DEFAULTS:
        site.configure(**DEFAULTS)
    return site


def own_site(**options) -> PloneSite:
    """A started site of the caller's own (the caller stops it), from the shared build."""
    build = built()
    site = PloneSite(build=build, **{**DEFAULTS, **options})
    site.start()
    return site


@pytest.fixture(scope="session")
def plone_site() -> PloneSite:
    return shared_site(root=False)


@pytest.fixture(scope="session")
def plone_root_site() -> PloneSite:
    return shared_site(root=True)


@pytest.fixture
def fresh_plone():
    site = own_site()
    try:
        yield site
    finally:
        site.stop()
