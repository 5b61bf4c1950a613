"""A real Plone 6 (Classic UI) on loopback: its own virtualenv, a Zope instance in a temporary directory.

The virtualenv is made by ``.ci/install-plone`` (``$MUNINEWS_PLONE_VENV``, by default
``~/.cache/muninews/plone-venv``). ``build_site()`` makes a Zope instance with ``mkwsgiinstance``, and
``zconsole run scripts/build_site.py`` creates the Plone site and its content from the plan in
``content.py`` through plone.api (Zope offline: a FileStorage has one user at a time). The built
Data.fs and blobs are made once per test process (``session_build()``) and copied for every
``PloneSite``, which serves its copy with ``runwsgi`` (waitress) on 127.0.0.1:<free port>.

Site settings that the tests vary are registry records switched over plone.restapi while the site
runs (``configure()``); only the hosting (at the host root, through a VirtualHostMonster rewrite,
or under ``/ngoquyen/``) is fixed at start. ``truth()`` asks Plone's REST API what it holds.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Self

from . import content

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"
DEFAULT_VENV = Path.home() / ".cache" / "muninews" / "plone-venv"
ADMIN = ("admin", "muninews-admin")
HARNESS_AGENT = "muninews-test-harness"
INSTALL_HINT = "run .ci/install-plone to install Plone 6 into its virtualenv"
SITE_TZ = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh: no daylight saving time
NON_ARTICLE_TYPES = ("Document", "Event", "Folder", "Collection", "File", "Image")


class PloneError(RuntimeError):
    """The harness could not build, start or talk to Plone (the message says which part and why)."""


def venv_path() -> Path:
    return Path(os.environ.get("MUNINEWS_PLONE_VENV") or DEFAULT_VENV)


def missing() -> str | None:
    """Why this machine cannot run the harness (None when the Plone virtualenv is there)."""
    venv = venv_path()
    for name in ("mkwsgiinstance", "runwsgi", "zconsole", "python"):
        if not (venv / "bin" / name).exists():
            return f"no Plone virtualenv at {venv} (bin/{name} is missing); {INSTALL_HINT}"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- processes ------------------------------------------------------------------------------------

def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the Python process that started it dies, even by SIGKILL
    (Linux's PR_SET_PDEATHSIG), so no Zope outlives a killed test run."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def _kill_group(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _tail(path: Path, lines: int = 25) -> str:
    try:
        kept = [line for line in path.read_text(errors="replace").splitlines()
                if not line.startswith("WARNING:") and " WARNING " not in line]
        return "\n".join(kept[-lines:])
    except OSError:
        return f"(no {path.name})"


def _env(extra_path: Path | None = None, chameleon_cache: Path | None = None, tz: str = "UTC") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv_path() / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    env["TZ"] = tz
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    if extra_path:
        env["PYTHONPATH"] = str(extra_path)
    if chameleon_cache:
        env["CHAMELEON_CACHE"] = str(chameleon_cache)
    return env


def _run(argv: list[str], log: Path, timeout: float, env: dict, what: str) -> None:
    """Run a Zope command line to completion in its own process group (killed on timeout)."""
    with open(log, "ab") as out:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True, preexec_fn=_die_with_parent)  # noqa: PLW1509
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process, 5)
            raise PloneError(f"{what} did not finish in {timeout:.0f} s:\n{_tail(log)}") from None
        finally:
            _kill_group(process, 5)
    if code != 0:
        raise PloneError(f"{what} failed (exit {code}):\n{_tail(log)}")


# --- instance files -------------------------------------------------------------------------------

ZOPE_CONF = """\
%define INSTANCE {instance}
instancehome $INSTANCE
debug-mode off
<environment>
  CHAMELEON_CACHE {chameleon}
</environment>
<zodb_db main>
  <filestorage>
    path $INSTANCE/var/Data.fs
    blob-dir $INSTANCE/var/blobstorage
  </filestorage>
  mount-point /
  cache-size 50000
</zodb_db>
"""

ZOPE_INI = """\
[app:zope]
use = egg:Zope#main
zope_conf = %(here)s/zope.conf

[server:main]
use = egg:waitress#main
listen = 127.0.0.1:{port}
threads = {threads}
clear_untrusted_proxy_headers = false

[filter:translogger]
use = egg:Paste#translogger
setup_console_handler = False

[filter:vhm]
use = call:muninews_plone_vhm:filter_factory
site = {site_id}

[pipeline:main]
pipeline =
    egg:Zope#httpexceptions
    translogger
{vhm}    zope

[loggers]
keys = root, wsgi

[handlers]
keys = console, accesslog

[formatters]
keys = generic, message

[formatter_generic]
format = %(asctime)s %(levelname)s [%(name)s:%(lineno)s][%(threadName)s] %(message)s

[formatter_message]
format = %(message)s

[logger_root]
level = WARN
handlers = console

[logger_wsgi]
level = INFO
handlers = accesslog
qualname = wsgi
propagate = 0

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[handler_accesslog]
class = FileHandler
args = (r'{access_log}', 'a')
level = INFO
formatter = message
"""


def _make_instance(directory: Path, chameleon: Path, log: Path, timeout: float = 60) -> Path:
    """``mkwsgiinstance`` into ``directory``, then a zope.conf of our own (a blob-dir, the shared template cache)."""
    _run([str(venv_path() / "bin" / "mkwsgiinstance"), "-d", str(directory), "-u", ":".join(ADMIN)], log, timeout,
         _env(), "mkwsgiinstance")
    (directory / "etc" / "zope.conf").write_text(ZOPE_CONF.format(instance=directory, chameleon=chameleon))
    (directory / "var" / "blobstorage").mkdir(parents=True, exist_ok=True)
    (directory / "var" / "log").mkdir(parents=True, exist_ok=True)
    chameleon.mkdir(parents=True, exist_ok=True)
    return directory


# --- the built site, once per process -------------------------------------------------------------

@dataclass
class PloneBuild:
    """A Plone site built into a Data.fs (and blobs): copy ``var/`` to serve it. ``result`` has the plan's
    key => UID and key => path (in the site); ``timings`` in seconds."""

    instance: Path
    plan: dict
    result: dict
    timings: dict = field(default_factory=dict)

    @property
    def uids(self) -> dict:
        return self.result["uids"]

    @property
    def paths(self) -> dict:
        return self.result["paths"]


_BUILDS: dict[int, PloneBuild] = {}
_BUILD_LOCK = threading.Lock()
_SESSION_DIR: Path | None = None


def _session_dir() -> Path:
    global _SESSION_DIR
    if _SESSION_DIR is None:
        _SESSION_DIR = Path(tempfile.mkdtemp(prefix="muninews-plone-session-"))
        if os.environ.get("MUNINEWS_PLONE_KEEP") != "1":
            atexit.register(shutil.rmtree, _SESSION_DIR, True)
    return _SESSION_DIR


def build_site(directory: str | Path, *, seed: int = 18, timeout: float = 600) -> PloneBuild:
    """Make a Zope instance in ``directory`` and build the seeded site into it with ``zconsole run``."""
    reason = missing()
    if reason:
        raise PloneError(reason)
    started = time.monotonic()
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    log = directory.parent / f"{directory.name}-build.log"
    instance = _make_instance(directory, _session_dir() / "chameleon", log)
    timings = {"mkwsgiinstance": time.monotonic() - started}
    plan = content.site_plan(seed)
    plan["admin_password"] = ADMIN[1]
    plan_path = directory / "plan.json"
    result_path = directory / "build-result.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    _run([str(venv_path() / "bin" / "zconsole"), "run", str(instance / "etc" / "zope.conf"),
          str(SCRIPTS / "build_site.py"), str(plan_path), str(result_path)], log, timeout, _env(), "zconsole run build_site.py")
    result = json.loads(result_path.read_text())
    timings["build"] = time.monotonic() - started
    timings["build_script"] = result.get("timings", {})
    return PloneBuild(instance=instance, plan=plan, result=result, timings=timings)


def session_build(seed: int = 18) -> PloneBuild:
    """The seeded site, built once per test process (about 20 s) and reused by every ``PloneSite``."""
    with _BUILD_LOCK:
        if seed not in _BUILDS:
            _BUILDS[seed] = build_site(_session_dir() / f"build-{seed}", seed=seed)
        return _BUILDS[seed]


# --- one running site ----------------------------------------------------------------------------

@dataclass
class Mutation:
    """What ``PloneSite.mutate()`` changed: URLs as they were when it changed them."""

    edited: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class PloneSite:
    """One Plone site on loopback. ``start()`` (or ``running_plone()``), then ``stop()``.

    Options (all switchable later with ``configure()`` but ``root``):
      byline     plone.display_publication_date_in_byline: the byline (authors, "published", "last
                 modified") shown to anonymous visitors (True), or no byline at all (False, Plone's default)
      sitemap    plone.enable_sitemap: /sitemap.xml.gz served (True) or 404 (False, Plone's default)
      nav_depth  plone.navigation_depth: 1 (top-level tabs only) or 3 (Plone's default)
      root       the site at the host root, through a VirtualHostMonster rewrite (True), or under
                 /ngoquyen/ as Plone puts it (False)
      server_tz  the Zope process's TZ: Plone writes dates on pages in the server's time zone (default the
                 site's, Asia/Ho_Chi_Minh, as a server in Vietnam would run; "UTC" shifts dates on pages)
    ``base_url`` is the site's address with a trailing slash (``http://127.0.0.1:PORT/`` or
    ``http://127.0.0.1:PORT/ngoquyen/``); ``portal_url`` the same without it, as Plone writes it.
    """

    def __init__(self, *, byline: bool = True, sitemap: bool = True, nav_depth: int = 3, root: bool = False,
                 server_tz: str = content.TIMEZONE, seed: int = 18, workdir: str | Path | None = None,
                 keep: bool = False, timeout: float = 180, threads: int = 4, build: PloneBuild | None = None):
        self.options = {"byline": byline, "sitemap": sitemap, "nav_depth": nav_depth}
        self.root, self.seed, self.timeout, self.threads = root, seed, timeout, threads
        self.server_tz = server_tz
        self._build = build
        self.keep = keep or os.environ.get("MUNINEWS_PLONE_KEEP") == "1"
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="muninews-plone-", dir=_session_dir()))
        self.instance = self.workdir / "instance"
        self.log = self.workdir / "zope.log"
        self.access_log = self.workdir / "access.log"
        self.port = 0
        self.base_url = self.portal_url = ""
        self.process: subprocess.Popen | None = None
        self.timings: dict[str, float] = {}
        self._mutations = 0
        self._fullnames: dict[str, str] = {}
        atexit.register(self.stop)

    # --- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def build(self) -> PloneBuild:
        if self._build is None:
            self._build = session_build(self.seed)
        return self._build

    @property
    def site_id(self) -> str:
        return self.build.plan["site"]["id"]

    def start(self) -> Self:
        reason = missing()
        if reason:
            raise PloneError(reason)
        t0 = time.monotonic()
        try:
            build = self.build
            self.timings["build"] = time.monotonic() - t0
            t1 = time.monotonic()
            self.workdir.mkdir(parents=True, exist_ok=True)
            _make_instance(self.instance, _session_dir() / "chameleon", self.log)
            var = self.instance / "var"
            for name in ("Data.fs", "Data.fs.index"):
                if (build.instance / "var" / name).exists():
                    shutil.copy2(build.instance / "var" / name, var / name)
            shutil.rmtree(var / "blobstorage")
            shutil.copytree(build.instance / "var" / "blobstorage", var / "blobstorage", copy_function=os.link)
            shutil.copy2(SCRIPTS / "muninews_plone_vhm.py", self.instance / "muninews_plone_vhm.py")
            self.port = free_port()
            (self.instance / "etc" / "zope.ini").write_text(ZOPE_INI.format(
                port=self.port, threads=self.threads, site_id=self.site_id, access_log=self.access_log,
                vhm="    vhm\n" if self.root else ""))
            host = f"http://127.0.0.1:{self.port}"
            self.portal_url = host if self.root else f"{host}/{self.site_id}"
            self.base_url = self.portal_url + "/"
            self.timings["copy"] = time.monotonic() - t1
            t2 = time.monotonic()
            with open(self.log, "ab") as out:
                self.process = subprocess.Popen(
                    [str(venv_path() / "bin" / "runwsgi"), str(self.instance / "etc" / "zope.ini")],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                    env=_env(self.instance, _session_dir() / "chameleon", self.server_tz),
                    preexec_fn=_die_with_parent)  # noqa: PLW1509
            self._wait_ready()
            self.timings["start"] = time.monotonic() - t2
            self.configure(**self.options)
            self.timings["ready"] = time.monotonic() - t0
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise PloneError(f"runwsgi exited ({code}) while starting:\n{_tail(self.log)}")
            try:
                status, _, _ = self.request("GET", "/@site", auth=True, timeout=10)
                if status == 200:
                    return
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                raise PloneError(f"Plone not answering on port {self.port} after {self.timeout:.0f} s:\n{_tail(self.log)}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            _kill_group(self.process)
            self.process = None
        if not self.keep and self.workdir.exists():
            shutil.rmtree(self.workdir, ignore_errors=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # --- HTTP -----------------------------------------------------------------------------------
    def url(self, path: str = "") -> str:
        """An absolute URL in the site: ``url("tin-tuc")``; absolute URLs are returned unchanged."""
        if path.startswith(("http://", "https://")):
            return path
        return self.portal_url + "/" + path.lstrip("/") if path.strip("/") else self.base_url

    def request(self, method: str, path: str, body: Any = None, *, auth: bool = False, headers: dict | None = None,
                timeout: float = 60, json_api: bool | None = None) -> tuple[int, dict, bytes]:
        """One request, redirects not followed: (status, headers with lower-case names, body bytes).
        ``body`` (dict/list) is sent as JSON; ``auth`` sends the Zope admin's credentials; ``json_api``
        (default: when ``auth``) asks for plone.restapi's JSON."""
        data = None
        all_headers = {"User-Agent": HARNESS_AGENT}
        if json_api or (json_api is None and auth):
            all_headers["Accept"] = "application/json"
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        if auth:
            all_headers["Authorization"] = "Basic " + base64.b64encode(":".join(ADMIN).encode()).decode()
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url(path), data=data, headers=all_headers, method=method)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    def get(self, path: str = "", headers: dict | None = None) -> tuple[int, dict, bytes]:
        """An anonymous GET as a browser would send it (Accept: text/html)."""
        return self.request("GET", path, headers={"Accept": "text/html,*/*;q=0.8", **(headers or {})}, json_api=False)

    def api(self, method: str, path: str, body: Any = None, *, expect: tuple[int, ...] = (200, 201, 204)) -> Any:
        """plone.restapi as the admin; the decoded JSON answer (None for 204)."""
        status, _, payload = self.request(method, path, body, auth=True)
        if status not in expect:
            raise PloneError(f"{method} {self.url(path)}: HTTP {status}: {payload[:800].decode('utf-8', 'replace')}")
        return json.loads(payload) if payload.strip() else None

    # --- settings -------------------------------------------------------------------------------
    def configure(self, *, byline: bool | None = None, sitemap: bool | None = None, nav_depth: int | None = None) -> None:
        """Switch the registry records behind the options (see the class); None leaves one as it is."""
        records = {}
        if byline is not None:
            records["plone.display_publication_date_in_byline"] = bool(byline)
            self.options["byline"] = bool(byline)
        if sitemap is not None:
            records["plone.enable_sitemap"] = bool(sitemap)
            self.options["sitemap"] = bool(sitemap)
        if nav_depth is not None:
            records["plone.navigation_depth"] = int(nav_depth)
            self.options["nav_depth"] = int(nav_depth)
        if records:
            self.api("PATCH", "@registry", records)

    def registry(self, name: str) -> Any:
        return self.api("GET", f"@registry/{name}")

    # --- the truth --------------------------------------------------------------------------------
    def search(self, **query) -> list[dict]:
        """plone.restapi's @search as the admin (sees every state), all batches."""
        query = {"b_size": 100, "sort_on": "path", **query}
        params = []
        for key, value in query.items():
            for one in value if isinstance(value, (list, tuple)) else [value]:
                params.append((key, str(one)))
        out, start = [], 0
        while True:
            answer = self.api("GET", "@search?" + urllib.parse.urlencode(params + [("b_start", str(start))]))
            out.extend(answer["items"])
            start += len(answer["items"])
            if not answer["items"] or start >= answer["items_total"]:
                return out

    def fullname(self, user_id: str) -> str:
        if user_id not in self._fullnames:
            status, _, payload = self.request("GET", f"@users/{urllib.parse.quote(user_id)}", auth=True)
            name = json.loads(payload).get("fullname") if status == 200 else None
            self._fullnames[user_id] = name or user_id
        return self._fullnames[user_id]

    def truth(self) -> dict:
        """What Plone holds now, from its REST API (URLs as this site's visitors see them):

        ``articles``: every published News Item, newest first, as {url, uid, path, title, published and
        modified (ISO 8601 at +07:00, to the minute as Plone keeps them), edited (modified on a later day),
        creators (user ids), authors (full names, in order), lead (the description), paragraphs (the body's
        <p> texts), images [{kind: "lead"|"inline", url, urls, base, caption}], subjects, folder};
        ``hidden``: URLs of the News Items not published (private, pending); ``non_articles``: URLs of the
        published Pages, Events, Folders, Collections, Files and Images; ``by_type``: type => URLs."""
        articles = []
        for item in self.search(portal_type="News Item", review_state="published", fullobjects=1):
            articles.append(self._article(item))
        articles.sort(key=lambda a: a["published"], reverse=True)
        hidden = sorted(i["@id"] for i in self.search(portal_type="News Item", review_state=["private", "pending"]))
        by_type: dict[str, list[str]] = {}
        for item in self.search(portal_type=list(NON_ARTICLE_TYPES)):
            if item.get("review_state") in ("published", None, ""):
                by_type.setdefault(item["@type"], []).append(item["@id"])
        return {
            "site": {"base_url": self.base_url, "portal_url": self.portal_url, "root": self.root, **self.options},
            "articles": articles, "hidden": hidden,
            "non_articles": sorted(url for urls in by_type.values() for url in urls),
            "by_type": {k: sorted(v) for k, v in sorted(by_type.items())},
            "authors": {uid: self.fullname(uid) for uid, _, _ in content.AUTHORS},
        }

    def _article(self, item: dict) -> dict:
        from lxml import html as lxml_html

        paragraphs, images = [], []
        lead_image = item.get("image")
        if lead_image:
            urls = [lead_image["download"]] + [s["download"] for s in (lead_image.get("scales") or {}).values()]
            images.append({"kind": "lead", "url": lead_image["download"], "urls": urls,
                           "base": item["@id"] + "/@@images/image", "caption": item.get("image_caption") or None})
        body = (item.get("text") or {}).get("data") or ""
        if body.strip():
            tree = lxml_html.fragment_fromstring(body, create_parent="div")
            for p in tree.iter("p"):
                if any(a.tag == "figure" for a in p.iterancestors()):
                    continue
                text = _text(p)
                if text:
                    paragraphs.append(text)
            for img in tree.iter("img"):
                src = img.get("src") or ""
                figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
                caption = None
                if figure is not None:
                    figcaption = next((c for c in figure.iter("figcaption")), None)
                    caption = _text(figcaption) if figcaption is not None else None
                images.append({"kind": "inline", "url": src, "urls": [src], "base": src.split("/@@images/")[0],
                               "caption": caption or None})
        published, modified = _local(item["effective"]), _local(item["modified"])
        creators = list(item.get("creators") or [])
        return {
            "url": item["@id"], "uid": item["UID"], "path": _site_path(item["@id"], self.portal_url),
            "title": item["title"], "published": published, "modified": modified,
            "edited": modified[:10] > published[:10], "creators": creators,
            "authors": [self.fullname(c) for c in creators], "lead": item.get("description") or "",
            "paragraphs": paragraphs, "images": images, "subjects": list(item.get("subjects") or []),
            "folder": item["parent"]["@id"] if item.get("parent") else None,
        }

    # --- changes for incremental crawls ---------------------------------------------------------
    def _published_items(self) -> list[dict]:
        items = self.search(portal_type="News Item", review_state="published", sort_on="effective")
        return sorted(items, key=lambda i: i["@id"])

    def edit_items(self, count: int = 3) -> list[str]:
        """Edit ``count`` published News Items never edited before (a paragraph added; the first also gets a new
        title), modified now. Returns their URLs (unchanged: Plone keeps the id)."""
        self._mutations += 1
        by_path = {path: key for key, path in self.build.paths.items()}
        plan = {i["key"]: i for i in self.build.plan["items"]}
        candidates = []
        for item in self._published_items():
            full = self.api("GET", item["@id"])
            if _local(full["modified"])[:10] > _local(full["effective"])[:10]:
                continue
            candidates.append(full)
        chosen = candidates[2::7][:count]
        if len(chosen) < count:
            raise PloneError(f"only {len(chosen)} unedited News Items left to edit")
        for index, item in enumerate(chosen):
            key = by_path.get(_site_path(item["@id"], self.portal_url))
            source = self._fill(plan[key]["text"]) if key in plan else item["text"]["data"]
            addition = (f"<p>Bổ sung lần {self._mutations}: bài viết được cập nhật thêm thông tin mới nhất "
                        f"về kết quả thực hiện (mục {index + 1}).</p>")
            change: dict = {"text": {"data": source + "\n" + addition, "content-type": "text/html",
                                     "encoding": "utf8"}}
            if index == 0:
                change["title"] = item["title"] + " (cập nhật)"
            self.api("PATCH", item["@id"], change)
        return [i["@id"] for i in chosen]

    def delete_items(self, count: int = 2, exclude: list[str] = ()) -> list[str]:
        """Delete ``count`` published News Items (none of ``exclude``): their URLs then answer 404."""
        chosen = [i for i in self._published_items() if i["@id"] not in exclude][5::11][:count]
        if len(chosen) < count:
            raise PloneError(f"only {len(chosen)} News Items to delete")
        for item in chosen:
            self.api("DELETE", item["@id"])
        return [i["@id"] for i in chosen]

    def add_items(self, count: int = 3) -> list[str]:
        """Publish ``count`` new News Items in the news folder (lead image with caption, inline images), dated
        in the hour before now. Returns their URLs."""
        self._mutations += 1
        now = datetime.now(SITE_TZ).replace(tzinfo=None, second=0, microsecond=0)
        titles = {i["title"] for i in self._published_items()}
        plan = content.new_items_plan(self.seed * 100 + self._mutations, count, titles, now)
        image_bytes = self._image_bytes()
        urls = []
        for spec in plan:
            body: dict = {"@type": "News Item", "title": spec["title"], "description": spec["description"],
                          "text": {"data": self._fill(spec["text"]), "content-type": "text/html", "encoding": "utf8"},
                          "creators": spec["creators"], "subjects": spec["subjects"]}
            if spec.get("lead_image"):
                body["image"] = {"data": base64.b64encode(image_bytes).decode(), "encoding": "base64",
                                 "filename": spec["lead_image"]["filename"], "content-type": "image/jpeg"}
                body["image_caption"] = spec["lead_image"]["caption"]
            created = self.api("POST", spec["folder"], body)
            self.api("POST", created["@id"] + "/@workflow/publish", {"effective": spec["effective"]})
            urls.append(created["@id"])
        return urls

    def mutate(self, edits: int = 3, deleted: int = 2, added: int = 3) -> Mutation:
        """The incremental-crawl change set of issue 18: edit 3 News Items, delete 2, add 3."""
        edited = self.edit_items(edits)
        return Mutation(edited=edited, deleted=self.delete_items(deleted, exclude=edited), added=self.add_items(added))

    def _fill(self, text: str) -> str:
        for key, uid in self.build.uids.items():
            text = text.replace(f"{{{{uid:{key}}}}}", uid)
        return text

    def _image_bytes(self) -> bytes:
        image = self.build.paths[self.build.plan["images"][0]["key"]]
        status, _, payload = self.request("GET", f"{image}/@@images/image", auth=True, json_api=False)
        if status != 200:
            raise PloneError(f"could not read {image}: HTTP {status}")
        return payload

    # --- what the server saw ----------------------------------------------------------------------
    def log_mark(self) -> int:
        """A position in the access log: pass it to ``requests(since=...)``."""
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def requests(self, since: int = 0, *, include_harness: bool = False) -> list[dict]:
        """Requests Plone answered since ``since`` (a ``log_mark()``): method, uri, status, bytes, agent
        (the harness's own requests left out unless ``include_harness``)."""
        if not self.access_log.exists():
            return []
        with open(self.access_log, "rb") as log:
            log.seek(since)
            lines = log.read().decode("utf-8", "replace").splitlines()
        out = []
        for line in lines:
            match = ACCESS_LINE.match(line)
            if not match:
                continue
            entry = {"method": match["method"], "uri": match["uri"], "status": int(match["status"]),
                     "bytes": 0 if match["bytes"] == "-" else int(match["bytes"]), "agent": match["agent"]}
            if include_harness or entry["agent"] != HARNESS_AGENT:
                out.append(entry)
        return out


ACCESS_LINE = re.compile(r'^\S+ \S+ \S+ \[[^\]]*\] "(?P<method>\S+) (?P<uri>\S+) [^"]*" (?P<status>\d{3}) '
                         r'(?P<bytes>\S+) "[^"]*" "(?P<agent>[^"]*)"')


def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _local(value: str) -> str:
    """An ISO 8601 date-time from plone.restapi (UTC) at the site's +07:00."""
    moment = datetime.fromisoformat(value)
    return moment.astimezone(SITE_TZ).isoformat()


def _site_path(url: str, portal_url: str) -> str:
    return url[len(portal_url):].strip("/") if url.startswith(portal_url) else urllib.parse.urlsplit(url).path.strip("/")


@contextlib.contextmanager
def running_plone(**options) -> Iterator[PloneSite]:
    """Start a Plone site (built once per process), yield it, and stop it however the block ends.

    ``options``: byline, sitemap, nav_depth, root, server_tz (see PloneSite), seed, workdir, keep, timeout, threads."""
    site = PloneSite(**options)
    try:
        site.start()
        yield site
    finally:
        site.stop()


def fingerprint() -> str:
    """A short hash of what the build depends on (plan, build script): to name caches."""
    digest = hashlib.sha256(json.dumps(content.site_plan(), sort_keys=True, ensure_ascii=False).encode())
    digest.update((SCRIPTS / "build_site.py").read_bytes())
    return digest.hexdigest()[:12]
