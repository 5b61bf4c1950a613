"""A tiny WSGI filter in front of Zope (a paste filter in zope.ini): Zope's VirtualHostMonster rewriting,
as a front web server would do it, so that the Plone site answers at the host root.

    [filter:vhm]
    use = call:muninews_plone_vhm:filter_factory
    site = ngoquyen

``http://HOST:PORT/tin-tuc/x`` is handed to Zope as
``/VirtualHostBase/http/HOST:PORT/ngoquyen/VirtualHostRoot/tin-tuc/x``: Plone then writes every link
without ``/ngoquyen``. Requests whose path starts with ``/__zope__/`` go to the Zope root unchanged
(minus that prefix), for the harness's own administration.
"""

ZOPE_PREFIX = "/__zope__"


def filter_factory(global_conf, site="Plone", **local_conf):
    site = site.strip("/")

    def make(app):
        def rewrite(environ, start_response):
            path = environ.get("PATH_INFO", "") or "/"
            if path == ZOPE_PREFIX or path.startswith(ZOPE_PREFIX + "/"):
                environ["PATH_INFO"] = path[len(ZOPE_PREFIX):] or "/"
            elif not path.startswith("/VirtualHostBase/"):
                scheme = environ.get("wsgi.url_scheme", "http")
                host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
                environ["PATH_INFO"] = f"/VirtualHostBase/{scheme}/{host}/{site}/VirtualHostRoot{path}"
            return app(environ, start_response)

        return rewrite

    return make
