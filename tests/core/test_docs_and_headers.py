"""Security headers, the Host check, and the self-hosted API docs (/docs, /redoc) under the CSP."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.core.app import create_app
from service.core.docs import install_docs
from service.core.headers import AllowedHosts, content_security_policy, host_name
from service.core.settings import DatabaseSettings, MapSettings, SecuritySettings, Settings

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def _directives(csp: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (d.split() for d in csp.split(";") if d.strip())}


def _assert_security_headers(response) -> None:
    csp = _directives(response.headers["content-security-policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:"]  # no basemap switched on
    assert csp["connect-src"] == ["'self'"]
    assert csp["worker-src"] == ["'self'", "blob:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers  # not served over HTTPS


def _offline_app(**settings) -> TestClient:
    """The app without start-up (no database): enough for headers, the Host check and the docs."""
    settings.setdefault("security", SecuritySettings(allowed_hosts=["testserver"]))
    return TestClient(create_app(Settings(db=DatabaseSettings(url="postgresql://unused/x"), **settings)))


# Headers ------------------------------------------------------------------------------------------------


def test_api_response_and_pages_carry_the_security_headers(client):
    api = client.get("/api/v1/vocabulary")
    assert api.status_code == 200
    assert api.headers["content-type"].startswith("application/json")
    _assert_security_headers(api)

    for path in ("/", "/login", "/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html"), path
        _assert_security_headers(page)

    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    _assert_security_headers(missing)


def test_hsts_over_https_and_basemap_hosts_when_switched_on():
    app = _offline_app(
        security=SecuritySettings(allowed_hosts=["testserver"], https=True),
        map=MapSettings(osm_enabled=True, tianditu_key="k"),
    )
    response = app.get("/web/style.css")  # a static asset: no database needed
    assert response.status_code == 200
    assert response.headers["strict-transport-security"] == "max-age=31536000"
    img = _directives(response.headers["content-security-policy"])["img-src"]
    assert img[:3] == ["'self'", "data:", "blob:"]
    assert "https://tile.openstreetmap.org" in img
    assert {f"https://t{n}.tianditu.gov.cn" for n in range(8)} <= set(img)

    tianditu_only = content_security_policy(Settings(map=MapSettings(tianditu_key="k")))
    assert "openstreetmap" not in tianditu_only and "https://t0.tianditu.gov.cn" in tianditu_only


# The Host check -----------------------------------------------------------------------------------------


def test_a_request_for_another_host_gets_400_with_the_error_body(client):
    refused = client.get("/healthz", headers={"Host": "evil.example.com"})
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/json")
    body = refused.json()
    assert body["code"] == "bad_host"
    assert re.search(r"[\u4e00-\u9fff]", body["message"]) and "evil.example.com" in body["message"]
    assert "evil.example.com" in body["message_en"]
    _assert_security_headers(refused)  # a refused request is answered with the headers too

    assert client.get("/healthz", headers={"Host": "testserver:8000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "TestServer"}).status_code == 200
    for bad in ("testserver:80:80", "testserver:http", "testserver.evil.com", "evil.com#testserver"):
        assert client.get("/healthz", headers={"Host": bad}).status_code == 400, bad


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Example.org", "example.org"),
        ("example.org:8443", "example.org"),
        ("example.org.", "example.org"),
        ("192.168.1.10:8000", "192.168.1.10"),
        ("[::1]", "[::1]"),
        ("[::1]:8000", "[::1]"),
        ("[::1]x", None),
        ("[::1", None),
        ("[]", None),
        ("", None),
        (":8000", None),
        ("example.org:port", None),
        ("::1", None),  # a Host header must bracket an IPv6 address
    ],
)
def test_host_name(value, expected):
    assert host_name(value) == expected


def test_allowed_hosts_entries_with_or_without_port_and_ipv6():
    app = FastAPI()
    app.add_api_route("/", lambda: {"ok": True})
    app.add_middleware(AllowedHosts, allowed_hosts=["example.org:8443", "[::1]", "fe80::2", "10.0.0.5"])
    http = TestClient(app)
    for host in ("example.org", "example.org:80", "[::1]:8000", "[fe80::2]", "10.0.0.5:8000"):
        assert http.get("/", headers={"Host": host}).status_code == 200, host
    for host in ("testserver", "[::2]", "10.0.0.6", "example.org.evil"):
        assert http.get("/", headers={"Host": host}).status_code == 400, host


# The docs pages -----------------------------------------------------------------------------------------

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_reference_only_the_service_and_hold_no_inline_script(path, client):
    http = client
    page = http.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    html = page.text
    assert '<html lang="zh-CN">' in html
    assert not re.search(r"https?:|//", re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S))
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I)
    assert len(scripts) == 2
    assert all(" src=" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I)  # no inline event handlers either
    for url in ASSET.findall(html):
        assert url.startswith("/") and not url.startswith("//"), url
        asset = http.get(url)
        assert asset.status_code == 200, url
        _assert_security_headers(asset)


def test_the_docs_need_a_login(anon_client):
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert anon_client.get(path).status_code == 401
        page = anon_client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


def test_openapi_document_is_served_and_the_docs_routes_stay_out_of_it(client):
    http = client
    document = http.get("/openapi.json")
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/json"
    paths = document.json()["paths"]
    assert "/api/v1/vocabulary" in paths
    assert not {"/docs", "/redoc", "/openapi.json"} & set(paths)


def test_docs_routes_run_the_dependencies_they_are_given():
    from fastapi import Depends, HTTPException

    def refuse() -> None:
        raise HTTPException(status_code=401)

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    install_docs(app, dependencies=[Depends(refuse)])
    http = TestClient(app)
    assert [http.get(p).status_code for p in ("/docs", "/redoc", "/openapi.json")] == [401, 401, 401]
    assert not app.openapi()["paths"]  # outside the schema


# In a real browser, under the CSP -----------------------------------------------------------------------

# Runs before any page script (Playwright injects it outside the page's CSP): records every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def _open(page, url: str) -> tuple[list[str], list[str]]:
    """Open ``url`` recording console messages and page errors; return them."""
    console: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(url)
    return console, errors


def _assert_clean(page, base: str, console: list[str], errors: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__cspViolations") == []
    assert not [m for m in console if "Content Security Policy" in m or m.startswith("error")], console
    assert errors == []
    hosts = {urlparse(u).hostname for u in page.requests_made if urlparse(u).scheme in ("http", "https")}
    assert hosts == {"127.0.0.1"}, page.requests_made
    assert all(u.startswith(base) or urlparse(u).scheme in ("data", "blob") for u in page.requests_made)


def _operations(page, base: str) -> int:
    """How many operation entries the docs list: each operation under every one of its tags."""
    paths = page.request.get(base + "/openapi.json").json()["paths"]
    operations = [op for item in paths.values() for method, op in item.items() if method in HTTP_METHODS]
    return sum(max(1, len(op.get("tags", []))) for op in operations)


def _drawn_operations(page) -> set[str]:
    """The operation entries Swagger UI draws, scrolling through the page.

    From 150 tags and operations on, Swagger UI (5.x) virtualizes the list: only the entries near the viewport
    are in the DOM. So the page is scrolled a viewport at a time and the drawn entries' ids are collected."""
    seen: set[str] = set()
    height = page.evaluate("window.innerHeight")
    for _ in range(400):
        page.wait_for_timeout(50)
        seen |= set(page.eval_on_selector_all(".opblock", "els => els.map(e => e.id)"))
        at_end = page.evaluate("window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2")
        if at_end:
            break
        page.mouse.wheel(0, height * 0.8)
    return seen


def test_swagger_ui_renders_the_operations_offline_under_the_csp(page, live_server):
    console, errors = _open(page, live_server + "/docs")
    page.wait_for_selector(".opblock")
    page.wait_for_load_state("networkidle")
    assert len(_drawn_operations(page)) == _operations(page, live_server)
    page.evaluate("window.scrollTo(0, 0)")
    assert page.locator(".opblock-summary-path", has_text="/api/v1/vocabulary").count() >= 1
    _assert_clean(page, live_server, console, errors)


def test_redoc_renders_the_operations_offline_under_the_csp(page, live_server):
    console, errors = _open(page, live_server + "/redoc")
    heading = page.locator("[data-section-id*='operation/'] h2")
    heading.first.wait_for()
    assert heading.count() == _operations(page, live_server)
    assert page.get_by_role("heading", name=re.compile("spotcheck")).count() >= 1
    _assert_clean(page, live_server, console, errors)


def test_a_length_refusal_names_the_limit_it_broke(client):
    """A text too long or too short is refused with the one limit pydantic reports, in Chinese."""
    long = client.post("/api/v1/me/tokens", json={"name": "长" * 101})
    short = client.post("/api/v1/me/tokens", json={"name": ""})
    assert long.status_code == short.status_code == 422
    assert "不能超过 100 个字符" in long.json()["message"] and "-" not in long.json()["message"].split("：")[-1]
    assert "至少 1 个字符" in short.json()["message"]
