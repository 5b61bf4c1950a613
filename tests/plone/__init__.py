"""A real Plone 6 (Classic UI) on loopback for the tests (issue 18): its own virtualenv, runwsgi, plone.restapi.

    from tests.plone import running_plone
    with running_plone(byline=True, sitemap=True, nav_depth=3, root=False) as site:
        site.base_url          # http://127.0.0.1:PORT/ngoquyen/  (root=True: http://127.0.0.1:PORT/)
        truth = site.truth()   # what Plone holds: News Items, authors, paragraphs, captions, hidden URLs
        site.configure(byline=False, sitemap=False, nav_depth=1)   # registry switches, no restart
        site.mutate()          # 3 edits, 2 deletions, 3 new News Items

``missing()`` says why the harness cannot run (``.ci/install-plone`` installs the virtualenv). The site is
built once per test process (``session_build()``) and copied for every ``PloneSite``.
"""

from .site import (
    Mutation,
    PloneBuild,
    PloneError,
    PloneSite,
    build_site,
    missing,
    running_plone,
    session_build,
    venv_path,
)

__all__ = ["Mutation", "PloneBuild", "PloneError", "PloneSite", "build_site", "missing", "running_plone",
           "session_build", "venv_path"]
