"""Every route, every parameter, hostile values: always a 4xx (or an answer), never a 500, a stack trace or
a server path. The routes and their parameters come from the app itself."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.routes import app_routes

HOSTILE = {
    "huge integer": str(2**70),
    "negative": "-1",
    "NUL": "a\x00b",
    "nan": "nan",
    "long": "9" * 5000,
    "path traversal": "../../etc/passwd",
    "markup": "<script>alert(1)</script>",
}


ROUTES = app_routes()
PARAMETERISED = [(m, p, r) for m, p, r in ROUTES if r.dependant.path_params or r.dependant.query_params]


def _assert_safe(response) -> None:
    assert response.status_code < 500, response.text[:500]
    text = response.text
    for leak in ("Traceback", "/tmp/", "/work/", "site-packages", "psycopg", "sqlalchemy"):
        assert leak not in text, (leak, text[:500])
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        assert body["code"] and body["message"] and body["message_en"]


@pytest.mark.parametrize(("method", "path", "route"), PARAMETERISED, ids=[f"{m} {p}" for m, p, _ in PARAMETERISED])
def test_hostile_parameters_are_4xx(demo_api, method, path, route):
    path_params = {p.name: "1" for p in route.dependant.path_params}
    for value in HOSTILE.values():
        for name in path_params:
            url = path.format(**{**path_params, name: quote(value, safe="")})
            _assert_safe(demo_api.request(method, url))
        for query in route.dependant.query_params:
            _assert_safe(demo_api.request(method, path.format(**path_params), params={query.name: value}))


def test_nul_in_json_and_form_bodies_is_refused(demo_api):
    for body in ({"name": "方案\x00", "year": 2025}, {"seed": "x\u0000y", "plan_id": 1}):
        refused = demo_api.post("/api/v1/plans", json=body)
        assert refused.status_code == 422 and "空字符" in refused.json()["message"]
    form = demo_api.post("/api/v1/session", content=b"username=a%00&password=b",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert form.status_code == 422


def test_malformed_json_and_wrong_shapes_are_422_in_chinese(demo_api):
    for raw in (b"{", b"[]", b'"text"', b"1e999"):
        response = demo_api.post("/api/v1/draws", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 422 and response.json()["message"].startswith("请求有误")
    wrong = demo_api.post("/api/v1/draws", json={"plan_id": "x", "seed": ""})
    assert wrong.status_code == 422 and "plan_id" in wrong.json()["message"]


def test_unknown_paths_and_methods_use_the_error_body(demo_api):
    missing = demo_api.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = demo_api.put("/api/v1/cities")
    assert wrong.status_code == 405 and wrong.json()["message"] == "此地址不支持该请求方法。"
