"""A real WordPress (Debian's package) on loopback: private MariaDB, PHP-FPM and nginx, all stopped afterwards.

Nothing outside a temporary directory is touched: the WordPress tree is a hard-linked copy of
/usr/share/wordpress with its own wp-config.php, the database is a fresh MariaDB datadir with its
own unix socket and no TCP port, PHP-FPM listens on a socket in the same directory and nginx on
127.0.0.1:<free port>. The site is built through WordPress's PHP API (php/build.php) from the
seeded plan in content.py; ``truth()`` asks WordPress what it holds.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import content

WORDPRESS_DIR = Path("/usr/share/wordpress")
THEMES = ("twentytwentythree", "twentytwentyone")
PHP_DIR = Path(__file__).resolve().parent / "php"
MU_PLUGINS = PHP_DIR / "mu-plugins"
RESULT_MARKER = "\n@@MUNINEWS-RESULT@@\n"
INSTALL_HINT = "run .ci/install-wordpress (as root) to install Debian's wordpress, mariadb-server, nginx and php-fpm"


class WordPressError(RuntimeError):
    """The harness could not start, build or talk to the site (the message says which part and why)."""


def missing() -> list[str]:
    """What this machine lacks to run the harness (empty when everything is installed)."""
    lacking = []
    for path, what in [
        ("/usr/sbin/nginx", "nginx"), ("/usr/bin/php", "php-cli"), ("/usr/sbin/mariadbd", "mariadb-server"),
        ("/usr/bin/mariadb-install-db", "mariadb-server"), ("/usr/bin/mariadb", "mariadb-client"),
        (WORDPRESS_DIR / "wp-load.php", "wordpress"), ("/etc/nginx/mime.types", "nginx"),
    ] + [(WORDPRESS_DIR / "wp-content/themes" / theme / "style.css", f"wordpress-theme-{theme}") for theme in THEMES]:
        if not Path(path).exists() and what not in lacking:
            lacking.append(what)
    if not _php_fpm_binary():
        lacking.append("php-fpm")
    if "php-cli" not in lacking:
        try:
            modules = subprocess.run(["php", "-m"], check=False, capture_output=True, text=True, timeout=20).stdout.lower().split()
        except (OSError, subprocess.SubprocessError):
            modules = []
        lacking += [package for module, package in [("mysqli", "php-mysql"), ("gd", "php-gd")] if module not in modules]
    return lacking


def _php_fpm_binary() -> str | None:
    found = sorted(glob.glob("/usr/sbin/php-fpm*"))
    return found[-1] if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Service:
    """One server process in its own process group, its output in a log file."""

    def __init__(self, name: str, argv: list[str], log: Path, env: dict | None = None):
        self.name, self.argv, self.log = name, argv, log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True, env=env,
                                            preexec_fn=_die_with_parent)  # noqa: PLW1509 (started from one thread)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 15) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        # children left in the group (nginx or php-fpm workers) go with it
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the Python process that started it dies, even by SIGKILL
    (Linux's PR_SET_PDEATHSIG), so no server outlives a killed test run."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no {path.name})"


def _wait(what: str, ready, service: _Service | None, timeout: float, log: Path | None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if ready():
            return
        if service is not None and not service.alive():
            raise WordPressError(f"{what} exited ({service.process.returncode}) while starting:\n{_tail(log) if log else ''}")
        if time.monotonic() > deadline:
            raise WordPressError(f"{what} not ready after {timeout:.0f} s:\n{_tail(log) if log else ''}")
        time.sleep(0.05)


def _connects(address) -> bool:
    family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        try:
            sock.connect(address)
            return True
        except OSError:
            return False


def _copy_tree(source: Path, target: Path) -> None:
    """Hard-link copy of a directory tree (plain copies across file systems); symlinks made absolute."""
    for directory, dirnames, filenames in os.walk(source):
        rel = Path(directory).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in dirnames + filenames:
            src, dst = Path(directory) / name, target / rel / name
            if src.is_symlink():
                os.symlink(os.path.realpath(src), dst)
                if name in dirnames:
                    dirnames.remove(name)
            elif name in filenames:
                _link_or_copy(src, dst)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@dataclass
class Mutation:
    """What ``WordPressSite.mutate()`` changed: URLs as they were when it changed them."""

    edited: list[str] = field(default_factory=list)
    trashed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


class WordPressSite:
    """One WordPress site on loopback. ``start()`` then ``build()``, or use ``running_wordpress()``.

    ``base_url`` is ``http://127.0.0.1:PORT`` (no trailing slash). Everything lives in ``workdir``
    (removed by ``stop()`` unless ``keep`` or the environment has MUNINEWS_WP_KEEP=1).
    """

    def __init__(self, theme: str = "twentytwentythree", *, language: str = "vi", seed: int = 13,
                 workdir: str | Path | None = None, keep: bool = False, timeout: float = 60):
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES}, not {theme!r}")
        self.theme, self.language, self.seed, self.timeout = theme, language, seed, timeout
        self.keep = keep or os.environ.get("MUNINEWS_WP_KEEP") == "1"
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="muninews-wp-"))
        self.root = self.workdir / "site"
        self.logs = self.workdir / "logs"
        self.socket = str(self.workdir / "mysql.sock")
        self.fpm_socket = str(self.workdir / "php-fpm.sock")
        self.port = 0
        self.base_url = ""
        self.services: list[_Service] = []
        self.timings: dict[str, float] = {}
        self.build_info: dict = {}
        self._mutations = 0
        atexit.register(self.stop)

    # --- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> WordPressSite:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> WordPressSite:
        """Copy the tree and start MariaDB, PHP-FPM and nginx (an empty site: ``build()`` installs it)."""
        lacking = missing()
        if lacking:
            raise WordPressError(f"not installed: {', '.join(lacking)}; {INSTALL_HINT}")
        t0 = time.monotonic()
        try:
            self.logs.mkdir(parents=True, exist_ok=True)
            (self.workdir / "tmp").mkdir(exist_ok=True)
            self._make_tree()
            self.timings["tree"] = time.monotonic() - t0
            self._start_mariadb()
            self.timings["mariadb"] = time.monotonic() - t0
            self._start_php_fpm()
            self._start_nginx()
            self._write_config()
            self.timings["servers"] = time.monotonic() - t0
        except BaseException:
            self.stop()
            raise
        return self

    def build(self) -> dict:
        """Install WordPress and create the site from the plan; returns the plan's key => post ID."""
        t0 = time.monotonic()
        try:
            plan = content.site_plan(self.seed)
            common = {"plan": plan, "home": self.base_url, "language": self.language, "theme": self.theme}
            timeout = max(self.timeout, 300)
            installed = self.php_script(PHP_DIR / "build.php", {**common, "phase": "install"}, installing=True,
                                        timeout=timeout)
            self.timings["build.install"] = time.monotonic() - t0
            # The images' intermediate sizes (GD resampling) are most of the work: one PHP process per core.
            ids = list(installed["images"].values())
            workers = max(1, min(4, os.cpu_count() or 1))
            self._run_php_many([{"code": "return muninews_image_metadata($args['ids']);", "args": {"ids": ids[i::workers]}}
                                for i in range(workers)], timeout)
            self.timings["build.images"] = time.monotonic() - t0
            self.build_info = self.php_script(PHP_DIR / "build.php", {**common, "phase": "content",
                                              "images": installed["images"]}, timeout=timeout)
            self.timings["build.content"] = time.monotonic() - t0
            self.plan = plan
            status, _, body = self.get("/")
            if status != 200 or content.SITE_TITLE.encode() not in body:
                raise WordPressError(f"the built site's home page answers {status}:\n{body[:500]!r}\n{self._logs_tail()}")
        except BaseException:
            self.stop()
            raise
        self.timings["build"] = time.monotonic() - t0
        return self.build_info["ids"]

    def stop(self) -> None:
        """Stop every server this site started (even half-started ones) and remove the work directory."""
        for service in reversed(self.services):
            with contextlib.suppress(Exception):
                service.stop()
        self.services = []
        if not self.keep and self.workdir.exists():
            shutil.rmtree(self.workdir, ignore_errors=True)

    # --- the servers --------------------------------------------------------------------------
    def _make_tree(self) -> None:
        self.root.mkdir()
        for entry in WORDPRESS_DIR.iterdir():
            if entry.name in ("wp-config.php", ".htaccess", "wp-content"):
                continue
            if entry.is_dir():
                _copy_tree(entry, self.root / entry.name)
            elif not entry.is_symlink():
                _link_or_copy(entry, self.root / entry.name)
        wp_content = self.root / "wp-content"
        for part in ("plugins", "languages"):
            _copy_tree(WORDPRESS_DIR / "wp-content" / part, wp_content / part)
        for theme in THEMES:
            _copy_tree(WORDPRESS_DIR / "wp-content/themes" / theme, wp_content / "themes" / theme)
        (wp_content / "uploads").mkdir()
        (wp_content / "mu-plugins").mkdir()
        shutil.copy(MU_PLUGINS / "muninews-site.php", wp_content / "mu-plugins")

    def _start_mariadb(self) -> None:
        datadir = self.workdir / "mysql"
        options = ["--innodb-log-file-size=16M", "--innodb-buffer-pool-size=128M"]
        result = subprocess.run(
            ["mariadb-install-db", "--no-defaults", f"--datadir={datadir}", *(["--user=root"] if os.geteuid() == 0 else []),
             "--auth-root-authentication-method=normal", "--skip-test-db",
             "--skip-name-resolve", *options],
            check=False, capture_output=True, text=True, timeout=self.timeout,
        )
        if result.returncode != 0:
            raise WordPressError(f"mariadb-install-db failed ({result.returncode}):\n{result.stdout[-1500:]}{result.stderr[-1500:]}")
        log = self.logs / "mariadb.log"
        service = _Service("mariadb", [
            "mariadbd", "--no-defaults", f"--datadir={datadir}", f"--socket={self.socket}",
            f"--pid-file={self.workdir / 'mysql.pid'}", f"--tmpdir={self.workdir / 'tmp'}", "--skip-networking",
            f"--log-error={log}", "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci", "--max-connections=64",
            "--skip-log-bin", "--innodb-buffer-pool-dump-at-shutdown=0", "--innodb-buffer-pool-load-at-startup=0",
            *options, *(["--user=root"] if os.geteuid() == 0 else []),
        ], self.logs / "mariadb.out")
        self.services.append(service)
        _wait("MariaDB", lambda: _connects(self.socket), service, self.timeout, log)
        self.sql("CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
                 "CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp';"
                 "GRANT ALL PRIVILEGES ON wordpress.* TO 'wp'@'localhost';")

    def sql(self, statements: str, database: str = "", timeout: float | None = None) -> str:
        """Run SQL as MariaDB's root over the private socket; returns the client's tab-separated output."""
        result = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "--batch", "--skip-column-names",
             *([database] if database else [])],
            input=statements, check=False, capture_output=True, text=True, timeout=timeout or self.timeout,
        )
        if result.returncode != 0:
            raise WordPressError(f"SQL failed: {result.stderr.strip()[-1500:]}")
        return result.stdout

    def _start_php_fpm(self) -> None:
        root = os.geteuid() == 0
        conf = self.workdir / "php-fpm.conf"
        conf.write_text(f"""[global]
pid = {self.workdir / 'php-fpm.pid'}
error_log = {self.logs / 'php-fpm.log'}
daemonize = no

[site]
{'user = root' if root else ''}
{'group = root' if root else ''}
listen = {self.fpm_socket}
listen.mode = 0600
pm = static
pm.max_children = 4
catch_workers_output = yes
clear_env = yes
php_admin_value[error_log] = {self.logs / 'php-errors.log'}
php_admin_flag[log_errors] = on
php_admin_flag[display_errors] = off
php_admin_value[memory_limit] = 256M
php_admin_value[opcache.revalidate_freq] = 0
php_admin_value[upload_tmp_dir] = {self.workdir / 'tmp'}
php_admin_value[sys_temp_dir] = {self.workdir / 'tmp'}
""")
        service = _Service("php-fpm", [_php_fpm_binary(), "--nodaemonize", "--fpm-config", str(conf),
                                       *(["--allow-to-run-as-root"] if root else [])], self.logs / "php-fpm.out")
        self.services.append(service)
        _wait("PHP-FPM", lambda: _connects(self.fpm_socket), service, self.timeout, self.logs / "php-fpm.out")

    def _start_nginx(self) -> None:
        prefix = self.workdir / "nginx"
        prefix.mkdir(exist_ok=True)
        for attempt in range(5):
            self.port = free_port()
            conf = self.workdir / "nginx.conf"
            conf.write_text(self._nginx_conf(prefix))
            log = self.logs / "nginx-error.log"
            service = _Service("nginx", ["/usr/sbin/nginx", "-p", f"{prefix}/", "-c", str(conf), "-e", str(log)],
                               self.logs / "nginx.out")
            try:
                _wait("nginx", lambda: _connects(("127.0.0.1", self.port)), service, self.timeout, log)
            except WordPressError:
                service.stop()
                if "Address already in use" in _tail(log) and attempt < 4:
                    continue
                raise
            self.services.append(service)
            self.base_url = f"http://127.0.0.1:{self.port}"
            return

    def _nginx_conf(self, prefix: Path) -> str:
        user = "user root root;" if os.geteuid() == 0 else ""
        return f"""{user}
worker_processes 2;
daemon off;
pid {self.workdir / 'nginx.pid'};
error_log {self.logs / 'nginx-error.log'} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format muninews escape=json '$msec\t$request_method\t$request_uri\t$status\t$body_bytes_sent\t$http_user_agent';
    access_log {self.logs / 'access.log'} muninews;
    client_body_temp_path {prefix}/body;
    fastcgi_temp_path {prefix}/fastcgi;
    proxy_temp_path {prefix}/proxy;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    sendfile on;
    keepalive_timeout 30;
    server_tokens off;
    client_max_body_size 16m;
    gzip on;
    gzip_min_length 1000;
    gzip_types text/css application/javascript application/json application/xml text/xml application/rss+xml
               application/atom+xml image/svg+xml;
    server {{
        listen 127.0.0.1:{self.port};
        server_name 127.0.0.1 localhost;
        root {self.root};
        index index.php index.html;
        location / {{
            try_files $uri $uri/ /index.php?$args;
        }}
        location ~ \\.php$ {{
            try_files $uri =404;
            {FASTCGI_PARAMS}
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            fastcgi_pass unix:{self.fpm_socket};
            fastcgi_read_timeout 120s;
        }}
        location ~ /\\.ht {{ deny all; }}
    }}
}}
"""

    def _write_config(self) -> None:
        keys = "".join(
            f"define('{name}', 'muninews-{self.seed}-{name.lower()}-not-secret');\n"
            for name in ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
                         "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
        )
        (self.root / "wp-config.php").write_text(f"""<?php
// Written by tests/wordpress: a private database on a unix socket, no cron, no outgoing HTTP.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:{self.socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
{keys}$table_prefix = 'wp_';
define('WP_DEBUG', false);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
if (!defined('ABSPATH')) {{
    define('ABSPATH', __DIR__ . '/');
}}
require_once ABSPATH . 'wp-settings.php';
""")

    def _logs_tail(self) -> str:
        return "\n".join(f"--- {name}:\n{_tail(self.logs / name, 8)}"
                         for name in ("php-errors.log", "nginx-error.log", "mariadb.log") if (self.logs / name).exists())

    # --- talking to WordPress -----------------------------------------------------------------
    def php(self, code: str, args: Any = None, *, timeout: float | None = None) -> Any:
        """Run a PHP snippet (no ``<?php``) after wp-load.php; it sees ``$args`` and its ``return`` comes back.

        >>> site.php("return get_option('blogname');")
        """
        return self._run_php({"code": code, "args": args if args is not None else {}}, timeout)

    def php_script(self, path: str | Path, args: Any = None, *, installing: bool = False,
                   timeout: float | None = None) -> Any:
        """Run a PHP file the same way (``return`` at its top level is the result)."""
        return self._run_php({"script": str(path), "args": args if args is not None else {},
                              "installing": installing}, timeout)

    def _run_php(self, request: dict, timeout: float | None) -> Any:
        return self._run_php_many([request], timeout)[0]

    def _run_php_many(self, requests: list[dict], timeout: float | None) -> list[Any]:
        """Run requests through run.php in parallel processes; every process is ended before this returns."""
        if not self.base_url:
            raise WordPressError("the site is not started")
        argv = ["php", "-d", "memory_limit=512M", "-d", "display_errors=stderr", str(PHP_DIR / "run.php"),
                str(self.root), self.base_url]
        processes = []
        try:
            for _ in requests:
                processes.append(subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                  stderr=subprocess.PIPE, text=True, cwd=self.workdir))
            results = []
            deadline = time.monotonic() + (timeout or self.timeout)
            for request, process in zip(requests, processes):
                what = request.get("script") or request["code"][:200]
                try:
                    stdout, stderr = process.communicate(json.dumps(request, ensure_ascii=False),
                                                         timeout=max(1.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    raise WordPressError(f"PHP did not finish in {timeout or self.timeout:.0f} s running {what}") from None
                if process.returncode != 0 or RESULT_MARKER not in stdout:
                    raise WordPressError(f"PHP failed ({process.returncode}) running {what}:\n"
                                         f"{stderr[-3000:]}\n{stdout[-2000:]}")
                results.append(json.loads(stdout.rsplit(RESULT_MARKER, 1)[1]))
            return results
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()

    def get(self, path: str, headers: dict | None = None, *, follow: bool = False,
            timeout: float = 30) -> tuple[int, dict, bytes]:
        """One HTTP GET against the site: (status, headers with lower-case names, body). No redirects followed
        unless ``follow``; logged with the user agent ``muninews-test-harness`` (see ``requests()``)."""
        url = path if path.startswith("http") else self.base_url + path
        request = urllib.request.Request(url, headers={"User-Agent": "muninews-test-harness", **(headers or {})})
        opener = urllib.request.build_opener(*([] if follow else [_NoRedirect()]))
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    def get_json(self, path: str) -> Any:
        status, _, body = self.get(path, follow=True)
        if status != 200:
            raise WordPressError(f"GET {path} answered {status}: {body[:300]!r}")
        return json.loads(body)

    # --- the truth ----------------------------------------------------------------------------
    def truth(self) -> dict:
        """What WordPress holds, shaped for comparison with stored articles.

        ``posts``: every published, not password-protected post, newest first, each with ``url``,
        ``title`` (rendered, plain text), ``published``/``modified`` (ISO 8601, +07:00), ``edited``
        (modified later than published), ``account`` (the WordPress user's display name), ``byline``
        (the closing person byline planted in the body, or None), ``authors`` ([byline] if there is one,
        else [account]), ``paragraphs`` (the body's ``<p>`` texts, whitespace collapsed, the closing
        byline left out), ``images`` (``url``, ``caption`` or None, ``featured``, ``in_body``,
        ``attachment_id``, ``urls``: every size of that attachment; a featured image also shown in the
        body is one entry, with the body's caption), ``categories``, ``tags``, ``excerpt``, ``id``.
        Also ``drafts``, ``private``, ``password_protected``, ``scheduled``, ``pages`` (lists of URLs),
        ``trashed`` (URLs now), ``site`` (home, theme, locale, timezone_string, gmt_offset, date_format).
        """
        raw = self.php_script(PHP_DIR / "truth.php", timeout=max(self.timeout, 120))
        by_url: dict[str, int] = {}
        for attachment in raw["attachments"]:
            for url in attachment["urls"]:
                by_url[url] = attachment["id"]
        captions = {a["id"]: a["caption"] for a in raw["attachments"]}
        all_urls = {a["id"]: a["urls"] for a in raw["attachments"]}
        posts, lists = [], {"drafts": [], "private": [], "password_protected": [], "scheduled": [], "pages": [],
                            "trashed": []}
        for record in raw["records"]:
            status = record["status"]
            if record["type"] == "page":
                if status == "publish":
                    lists["pages"].append(record["url"])
                continue
            if status == "publish" and record["password"]:
                lists["password_protected"].append(record["url"])
            elif status == "draft":
                lists["drafts"].append(record["url"])
            elif status == "private":
                lists["private"].append(record["url"])
            elif status == "future":
                lists["scheduled"].append(record["url"])
            elif status == "trash":
                lists["trashed"].append(record["url"])
            elif status == "publish":
                posts.append(_post_truth(record, by_url, captions, all_urls))
        posts.sort(key=lambda p: (p["published"], p["id"]), reverse=True)
        site = {k: raw[k] for k in ("home", "theme", "locale", "timezone_string", "gmt_offset", "date_format",
                                    "time_format", "permalink_structure", "posts_per_page")}
        return {"site": site, "posts": posts, **lists, "categories": raw["categories"]}

    # --- changing the site --------------------------------------------------------------------
    def switch_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES}, not {theme!r}")
        self.php("switch_theme($args['theme']); return get_stylesheet();", {"theme": theme})
        self.theme = theme

    def _toggle(self, name: str, on: bool) -> None:
        target = self.root / "wp-content/mu-plugins" / name
        if on:
            shutil.copy(MU_PLUGINS / name, target)
        else:
            target.unlink(missing_ok=True)

    def block_rest(self, blocked: bool = True) -> None:
        """403 for /wp-json/... and ?rest_route=... (a mu-plugin; the pages still link to /wp-json/)."""
        self._toggle("muninews-block-rest.php", blocked)

    def set_sitemaps(self, enabled: bool) -> None:
        """WordPress's sitemaps on or off (``wp_sitemaps_enabled``): off, /wp-sitemap.xml is a 404 and robots.txt names none."""
        self._toggle("muninews-no-sitemaps.php", not enabled)

    def set_feeds(self, enabled: bool) -> None:
        """Feeds on or off: off, every feed URL is a 404 and pages carry no feed links."""
        self._toggle("muninews-no-feeds.php", not enabled)

    def listings_only(self) -> None:
        """REST blocked, sitemaps and feeds off: only the HTML listings are left."""
        self.block_rest(True)
        self.set_sitemaps(False)
        self.set_feeds(False)

    def reset_toggles(self) -> None:
        self.block_rest(False)
        self.set_sitemaps(True)
        self.set_feeds(True)

    def _published(self) -> list[dict]:
        return self.php("""
            $out = array();
            foreach (get_posts(array('post_type' => 'post', 'post_status' => 'publish', 'has_password' => false,
                                     'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC')) as $p) {
                $out[] = array('id' => $p->ID, 'url' => get_permalink($p), 'title' => $p->post_title,
                               'edited' => $p->post_modified_gmt > $p->post_date_gmt);
            }
            return $out;""")

    def edit_posts(self, count: int = 3) -> list[str]:
        """Edit ``count`` published posts that were never edited (a paragraph added; the first also gets a new
        title), modified now. Returns their URLs (unchanged: WordPress keeps the slug)."""
        self._mutations += 1
        chosen = [p for p in self._published() if not p["edited"]][3::7][:count]
        if len(chosen) < count:
            raise WordPressError(f"only {len(chosen)} unedited posts left to edit")
        for index, post in enumerate(chosen):
            addition = (f"<!-- wp:paragraph -->\n<p>Bổ sung lần {self._mutations}: bài viết được cập nhật thêm "
                        f"thông tin mới nhất về kết quả thực hiện (mục {index + 1}).</p>\n<!-- /wp:paragraph -->")
            self.php("muninews_as_admin(); $c = get_post($args['id'])->post_content;"
                     "$add = has_blocks($c) ? $args['addition'] : wp_strip_all_tags($args['addition']);"
                     "return muninews_edit_post($args['id'], $add, null, $args['title']);",
                     {"id": post["id"], "addition": addition,
                      "title": post["title"] + " (cập nhật)" if index == 0 else None})
        return [p["url"] for p in chosen]

    def trash_posts(self, count: int = 2, exclude: list[str] = ()) -> list[str]:
        """Move ``count`` published posts (none of the URLs in ``exclude``) to the trash: their URLs then answer 404.
        Returns the URLs they had."""
        chosen = [p for p in self._published() if p["url"] not in exclude][5::11][:count]
        if len(chosen) < count:
            raise WordPressError(f"only {len(chosen)} posts to trash")
        self.php("foreach ($args['ids'] as $id) { if (!wp_trash_post($id)) throw new Exception('trash ' . $id); }"
                 "return true;", {"ids": [p["id"] for p in chosen]})
        return [p["url"] for p in chosen]

    def add_posts(self, count: int = 3) -> list[str]:
        """Publish ``count`` new posts (images, captions, categories), dated just before now. Returns their URLs."""
        self._mutations += 1
        now = datetime.fromisoformat(self.php("return current_time('mysql');"))
        titles = {p["title"] for p in self._published()}
        plan = content.new_posts_plan(self.seed * 100 + self._mutations, count, titles, now)
        ids = self.php("muninews_as_admin(); return muninews_insert_plan($args['plan']);", {"plan": plan})
        return self.php("return array_map('get_permalink', array_values($args['ids']));", {"ids": ids})

    def mutate(self, edits: int = 3, trashed: int = 2, added: int = 3) -> Mutation:
        """The incremental-crawl change set: edit 3 posts, trash 2, add 3 (as issue 13 describes)."""
        edited = self.edit_posts(edits)
        return Mutation(edited=edited, trashed=self.trash_posts(trashed, exclude=edited), added=self.add_posts(added))

    def snapshot(self, name: str = "built") -> Path:
        """Dump the database (all of the site but the uploads, which mutations only add to)."""
        path = self.workdir / f"snapshot-{name}.sql"
        with open(path, "w") as out:
            result = subprocess.run(["mariadb-dump", "--no-defaults", f"--socket={self.socket}", "-uroot",
                                     "--single-transaction", "wordpress"], check=False, stdout=out, stderr=subprocess.PIPE,
                                    text=True, timeout=self.timeout)
        if result.returncode != 0:
            raise WordPressError(f"mariadb-dump failed: {result.stderr[-1500:]}")
        return path

    def restore(self, name: str = "built") -> None:
        """Put the database back as ``snapshot(name)`` left it, keeping the current theme; toggles reset."""
        path = self.workdir / f"snapshot-{name}.sql"
        if not path.exists():
            raise WordPressError(f"no snapshot named {name!r}")
        theme = self.theme
        self.sql(path.read_text(), database="wordpress")
        self.switch_theme(theme)
        self.reset_toggles()

    # --- what the server saw ------------------------------------------------------------------
    def log_mark(self) -> int:
        """A position in the access log: pass it to ``requests(since=...)``."""
        path = self.logs / "access.log"
        return path.stat().st_size if path.exists() else 0

    def requests(self, since: int = 0, *, include_harness: bool = False) -> list[dict]:
        """Requests nginx answered since ``since`` (a ``log_mark()``): time, method, uri, status, bytes, agent.

        The harness's own ``get()`` calls are left out unless ``include_harness``."""
        path = self.logs / "access.log"
        if not path.exists():
            return []
        with open(path, "rb") as log:
            log.seek(since)
            lines = log.read().decode("utf-8", "replace").splitlines()
        out = []
        for line in lines:
            parts = line.split("\t")
            if len(parts) != 6:
                continue
            entry = {"time": float(parts[0]), "method": parts[1], "uri": parts[2], "status": int(parts[3]),
                     "bytes": int(parts[4]), "agent": parts[5]}
            if include_harness or entry["agent"] != "muninews-test-harness":
                out.append(entry)
        return out


# Debian's /etc/nginx/fastcgi_params passes HTTP_HOST as $host, without the port, and WordPress then redirects
# http://127.0.0.1:PORT/ to itself: the usual parameters, with the Host header as the client sent it.
FASTCGI_PARAMS = " ".join(f"fastcgi_param {name} {value};" for name, value in [
    ("QUERY_STRING", "$query_string"), ("REQUEST_METHOD", "$request_method"), ("CONTENT_TYPE", "$content_type"),
    ("CONTENT_LENGTH", "$content_length"), ("SCRIPT_NAME", "$fastcgi_script_name"), ("REQUEST_URI", "$request_uri"),
    ("DOCUMENT_URI", "$document_uri"), ("DOCUMENT_ROOT", "$document_root"), ("SERVER_PROTOCOL", "$server_protocol"),
    ("REQUEST_SCHEME", "$scheme"), ("HTTPS", "$https if_not_empty"), ("GATEWAY_INTERFACE", "CGI/1.1"),
    ("SERVER_SOFTWARE", "nginx"), ("REMOTE_ADDR", "$remote_addr"), ("REMOTE_PORT", "$remote_port"),
    ("SERVER_ADDR", "$server_addr"), ("SERVER_PORT", "$server_port"), ("SERVER_NAME", "$server_name"),
    ("REDIRECT_STATUS", "200"), ("HTTP_HOST", "$http_host"), ("HTTP_PROXY", '""'),
])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --- rendered content to plain data -----------------------------------------------------------------

def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _unwrap_figures(tree) -> None:
    """``wpautop`` outside a web request wraps a ``[caption]`` shortcode's ``<figure>`` in ``<p>`` (the page
    the theme serves has none); a browser ends that ``<p>`` where the ``<figure>`` starts, libxml2 keeps the
    caption inside it. Unwrapped, the caption is no paragraph of the truth, as on the page."""
    for paragraph in [f.getparent() for f in tree.iter("figure") if f.getparent() is not None and f.getparent().tag == "p"]:
        if not (paragraph.text or "").strip() and all(child.tag == "figure" and not (child.tail or "").strip()
                                                       for child in paragraph):
            paragraph.drop_tag()


def _post_truth(record: dict, by_url: dict, captions: dict, all_urls: dict) -> dict:
    from lxml import html as lxml_html

    body = record["html"] or ""
    tree = lxml_html.fragment_fromstring(body, create_parent="div") if body.strip() else None
    if tree is not None:
        _unwrap_figures(tree)
    paragraphs: list[str] = []
    images: list[dict] = []
    if tree is not None:
        for p in tree.iter("p"):
            if any(a.tag == "figure" for a in p.iterancestors()):
                continue
            text = _text(p)
            if text:
                paragraphs.append(text)
        for img in tree.iter("img"):
            src = img.get("src")
            figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
            caption = None
            if figure is not None:
                figcaption = next((c for c in figure if c.tag == "figcaption"), None)
                if figcaption is not None:
                    caption = _text(figcaption) or None
            match = re.search(r"wp-image-(\d+)", img.get("class") or "")
            attachment = int(match.group(1)) if match else by_url.get(src)
            images.append({"url": src, "caption": caption, "featured": False, "in_body": True,
                           "attachment_id": attachment, "urls": all_urls.get(attachment, [src])})
    byline = record["byline"]
    if byline and paragraphs and paragraphs[-1] == byline:
        paragraphs.pop()
    featured = record["featured"]
    if featured:
        same = next((i for i in images if i["attachment_id"] == featured["id"]), None)
        if same is not None:
            images.remove(same)
            same["featured"] = True
            images.insert(0, same)
        else:
            images.insert(0, {"url": featured["url"], "caption": featured["caption"], "featured": True,
                              "in_body": False, "attachment_id": featured["id"],
                              "urls": all_urls.get(featured["id"], [featured["url"]])})
    return {
        "id": record["id"], "key": record["key"], "url": record["url"], "slug": record["slug"],
        "title": html.unescape(record["title"]), "published": record["published"], "modified": record["modified"],
        "edited": record["modified_gmt"] > record["published_gmt"], "account": record["account"],
        "byline": byline, "authors": [byline] if byline else [record["account"]], "paragraphs": paragraphs,
        "images": images, "categories": [html.unescape(c) for c in record["categories"]],
        "tags": [html.unescape(t) for t in record["tags"]], "excerpt": record["excerpt"],
        "comments": record["comments"], "comment_status": record["comment_status"],
    }


@contextlib.contextmanager
def running_wordpress(theme: str = "twentytwentythree", **options) -> Iterator[WordPressSite]:
    """Start the servers, build the site, yield it, and stop everything however the block ends.

    ``options``: language ("vi", or "" for English), seed, workdir, keep, timeout (see WordPressSite)."""
    site = WordPressSite(theme, **options)
    try:
        site.start()
        site.build()
        yield site
    finally:
        site.stop()
