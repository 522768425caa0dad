"""The API documentation pages, served from the service itself: ``/docs`` (Swagger UI), ``/redoc`` and
``/openapi.json``.

FastAPI's own pages load their scripts from a CDN and start them with an inline ``<script>``; neither
works offline nor under the service's Content-Security-Policy (``service.core.headers``). These pages load
the copies vendored in ``web/vendor/`` (``scripts/vendor_web.py``) and are started by ``web/docs-init.js``,
which reads the OpenAPI document's address from the container's ``data-openapi-url``.

The app is created with ``docs_url=None, redoc_url=None, openapi_url=None``; ``install_docs`` adds the
three routes, outside the schema. ``dependencies`` are run by each of them: the login requirement goes
there (the accounts' ``AnyUser``), so the documentation is no wider open than the API it describes.
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, params
from fastapi.responses import HTMLResponse, JSONResponse

OPENAPI_URL = "/openapi.json"
VENDOR = "/web/vendor"
INIT_SCRIPT = "/web/docs-init.js"

_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" type="image/png" href="{vendor}/swagger-ui-dist/favicon-32x32.png">
  <style>body {{ margin: 0; }}</style>
{head}</head>
<body>
  <noscript>接口文档需要启用 JavaScript。接口说明的原始文件见 <a href="{openapi}">{openapi}</a>。</noscript>
  <div id="{container}" data-openapi-url="{openapi}"></div>
  <script src="{bundle}"></script>
  <script type="module" src="{init}"></script>
</body>
</html>
"""


def _page(title: str, container: str, bundle: str, head: str = "") -> str:
    """A documentation page: the vendored bundle, then the init script; no inline script."""
    return _PAGE.format(
        title=escape(title), head=head, container=container, openapi=OPENAPI_URL, vendor=VENDOR,
        bundle=f"{VENDOR}/{bundle}", init=INIT_SCRIPT,
    )  # fmt: skip


def swagger_ui_html(title: str) -> str:
    """The Swagger UI page (operations that can be tried out)."""
    css = f'  <link rel="stylesheet" href="{VENDOR}/swagger-ui-dist/swagger-ui.css">\n'
    return _page(
        f"{title} — 接口文档（Swagger UI）", "swagger-ui", "swagger-ui-dist/swagger-ui-bundle.js", css
    )


def redoc_html(title: str) -> str:
    """The ReDoc page (a reference to read)."""
    return _page(f"{title} — 接口文档（ReDoc）", "redoc", "redoc/redoc.standalone.js")


def install_docs(app: FastAPI, dependencies: list[params.Depends] | None = None) -> None:
    """Add ``GET /docs``, ``GET /redoc`` and ``GET /openapi.json``, each running ``dependencies``."""
    dependencies = dependencies or []

    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    def docs() -> HTMLResponse:
        return HTMLResponse(swagger_ui_html(app.title))

    def redoc() -> HTMLResponse:
        return HTMLResponse(redoc_html(app.title))

    for path, endpoint in ((OPENAPI_URL, openapi), ("/docs", docs), ("/redoc", redoc)):
        app.add_api_route(path, endpoint, methods=["GET"], include_in_schema=False, dependencies=dependencies)
