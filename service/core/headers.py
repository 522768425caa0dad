"""Security headers on every response, and a Host header check, as pure ASGI middleware.

The Content-Security-Policy allows scripts from the service only (no inline script, no ``eval``), so an
injected ``<script>`` or ``onclick`` does nothing; styles may be inline (Leaflet, Swagger UI and ReDoc set
``style`` attributes and ReDoc writes ``<style>`` elements). Images may also come from the basemap tile
hosts that ``settings.map`` switches on, and workers from ``blob:`` (ReDoc's search). A response that sets
one of these headers itself keeps its own.

A request whose Host is not in ``settings.security.allowed_hosts`` gets 400 before any route runs: links
the service writes and the cookies it sets then never name a host an attacker chose (DNS rebinding, Host
header poisoning).
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.core.errors import SpotcheckError
from service.core.settings import MapSettings, Settings

HSTS = "max-age=31536000"
_PORT = re.compile(r"(?::\d{1,5})?")

# The basemap tile hosts of service.maps.tiles.config: OpenStreetMap, and Tianditu's t0-t7.
OSM_TILE_HOSTS = ("https://tile.openstreetmap.org",)
TIANDITU_TILE_HOSTS = tuple(f"https://t{n}.tianditu.gov.cn" for n in range(8))


class BadHost(SpotcheckError):
    """The request names a host the service does not answer to."""

    status_code = 400
    code = "bad_host"


def basemap_image_sources(map_settings: MapSettings) -> list[str]:
    """The tile hosts the map pages may load images from, as the basemap settings switch them on."""
    hosts: list[str] = []
    if map_settings.osm_enabled:
        hosts += OSM_TILE_HOSTS
    if map_settings.tianditu_key:
        hosts += TIANDITU_TILE_HOSTS
    return hosts


def content_security_policy(settings: Settings) -> str:
    """The Content-Security-Policy of every page."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *basemap_image_sources(settings.map)],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    """The headers set on every response (HSTS only when the service is served over HTTPS)."""
    headers = {
        "content-security-policy": content_security_policy(settings),
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "same-origin",
    }
    if settings.security.https:
        headers["strict-transport-security"] = HSTS
    return [(name.encode(), value.encode()) for name, value in headers.items()]


def host_name(value: str, *, bare_ipv6: bool = False) -> str | None:
    """The host of a Host header or an allowed-hosts entry: lower case, no port, no trailing dot.

    ``"Example.org:8000"`` → ``"example.org"``, ``"[::1]:8000"`` → ``"[::1]"``; None if it is malformed
    (a bad port, text after the brackets, nothing at all). With ``bare_ipv6`` (settings only) ``"::1"``
    is read as ``"[::1]"``; in a Host header an IPv6 address must be in brackets.
    """
    value = value.strip().lower()
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        return f"[{host}]" if bracket and host and _PORT.fullmatch(rest) else None
    if bare_ipv6 and value.count(":") > 1:
        return f"[{value}]"
    host, _, port = value.partition(":")
    host = host.rstrip(".")
    return host if host and _PORT.fullmatch(f":{port}" if port else "") else None


class SecurityHeaders:
    """Pure ASGI middleware: adds the security headers a response does not set itself."""

    def __init__(self, app: ASGIApp, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in self.headers if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AllowedHosts:
    """Pure ASGI middleware: a request whose Host is not allowed gets 400 (a WebSocket is closed)."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.allowed = {host_name(entry, bare_ipv6=True) for entry in allowed_hosts} - {None}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = next((value for name, value in scope["headers"] if name == b"host"), b"")
        header = raw.decode("latin-1")
        if host_name(header) in self.allowed:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        shown = header[:255] or "（空）"
        error = BadHost(
            f"本服务不接受主机名“{shown}”的请求。请用管理员公布的地址访问；"
            "如果这是新的部署地址，请管理员把它加入设置 SPOTCHECK_SECURITY_ALLOWED_HOSTS。",
            f"Host {header[:255]!r} is not allowed; use the published address, or add it to "
            "SPOTCHECK_SECURITY_ALLOWED_HOSTS.",
        )
        await JSONResponse(error.to_dict(), status_code=error.status_code)(scope, receive, send)


def install_headers(app: FastAPI, settings: Settings) -> None:
    """Add the Host check and, around it, the security headers (so a refused request gets them too)."""
    app.add_middleware(AllowedHosts, allowed_hosts=settings.security.allowed_hosts)
    app.add_middleware(SecurityHeaders, headers=security_headers(settings))
