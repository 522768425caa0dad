"""Every route of the app × {anonymous, each role in scope, each role out of scope}, generated from the app.

- Every route must declare a permission (``service.accounts.deps``: ``Permit``, ``page`` or ``Public``); a new
  route without one, or without an example request below, fails the suite.
- Anonymous: 401 for the API, a redirect to the login page for pages (public routes answer).
- A role without the permission: 403.
- A role with the permission and the target in its scope: the route works.
- A role with the permission but the target outside its scope: 403 or 404, and nothing of the target in the
  answer (lists and tiles simply hold none of it).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import mapbox_vector_tile
import pytest
from sqlalchemy import create_engine, text

from service.accounts.roles import Permission, allowed
from service.core import ratelimit
from tests import filemakers as fm
from tests.accounts.matrix_dashboard import EXAMPLES_DASHBOARD
from tests.accounts.matrix_followup import fresh_finding, notice_version, unacknowledged_version
from tests.accounts.matrix_planner import EXAMPLES_PLANNER
from tests.accounts.matrix_reports import EXAMPLES_REPORTS
from tests.accounts.matrix_review import EXAMPLES_REVIEW
from tests.accounts.matrix_survey import EXAMPLES_SURVEY
from tests.accounts.matrix_world import (
    INSPECTION_CLIENT,
    PRINCIPALS,
    TODAY,
    UNIT,
    build_world,
    counter,
    new_base,
    new_team,
    plan_body,
    submitted_version,
    version_of,
)  # fmt: skip
from tests.conftest import _new_database, _template, _test_client
from tests.factories import PASSWORD
from tests.routes import app_routes, declared

ERROR_KEYS = {"code", "message", "message_en", "errors", "request_id"}


@pytest.fixture(scope="session")
def matrix_template(pg_server, demo_template):
    yield from _template(pg_server, f"{demo_template[0]}_matrix", demo_template[0], build_world)


@pytest.fixture
def world(pg_server, matrix_template):
    for url in _new_database(pg_server, matrix_template[0]):
        engine = create_engine(url)
        for client in _test_client(url, as_admin=False):
            yield client, matrix_template[1], engine
        engine.dispose()


# Example requests, one per route: (world, account name, account) -> request ------------------------------


@dataclass
class Call:
    """One request, and how to judge an out-of-scope answer."""

    params: dict = field(default_factory=dict)
    json: object = None
    files: dict | None = None
    data: dict | None = None
    path: dict = field(default_factory=dict)
    targeted: bool = True  # False: nothing outside a scope is named (own account, lists, configuration)
    ok: tuple[int, ...] = (200,)
    absent: str | None = None  # a list filtered by scope: this text never reaches an out-of-scope caller


def _field(w, n, a, path: str, **kw) -> Call:
    """A field-work call on the world's firm, team, or first assigned house."""
    ids = {"firm_id": w["firm"], "team_id": w["team"], "draw_id": w["published"], "house_id": w["houses"][0]}
    return Call(path={k: v for k, v in ids.items() if "{" + k + "}" in path}, **kw)


def _tile(w) -> dict:
    z = 16
    n = 2**z
    x = int((w["lon"] + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(w["lat"]))) / math.pi) / 2 * n)
    return {"z": z, "x": x, "y": y}


def _csv(tmp) -> dict:
    path = fm.write_csv(tmp / "h.csv", fm.house_rows(3))
    return {"file": ("h.csv", path.read_bytes(), "text/csv")}


ROADS_GEOJSON = (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"class": "county"}, '
                 b'"geometry": {"type": "LineString", "coordinates": [[103.80, 36.00], [103.81, 36.00]]}}]}')
EXAMPLES: dict[tuple[str, str], Callable[[dict, str, dict], Call]] = {
    ("GET", "/healthz"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/vocabulary"): lambda w, n, a: Call(targeted=False),
    ("POST", "/api/v1/session"): lambda w, n, a: Call(json={"username": "spare", "password": PASSWORD},
                                                      targeted=False),  # fmt: skip
    ("DELETE", "/api/v1/session"): lambda w, n, a: Call(targeted=False, ok=(204,)),
    ("GET", "/api/v1/me"): lambda w, n, a: Call(targeted=False),
    ("POST", "/api/v1/me/password"): lambda w, n, a: Call(
        json={"current": PASSWORD, "new": "Another-Strong-Pass-9"}, targeted=False, ok=(204,)),
    ("GET", "/api/v1/me/tokens"): lambda w, n, a: Call(targeted=False),
    ("POST", "/api/v1/me/tokens"): lambda w, n, a: Call(json={"name": "矩阵"}, targeted=False, ok=(201,)),
    ("DELETE", "/api/v1/me/tokens/{token_id}"): lambda w, n, a: Call(path={"token_id": a.get("token_id", 1)},
                                                                     targeted=False, ok=(204,)),  # fmt: skip
    ("GET", "/api/v1/accounts"): lambda w, n, a: Call(targeted=False),
    ("POST", "/api/v1/accounts"): lambda w, n, a: Call(json={
        "username": f"new{next(counter)}", "name": "新账户", "organisation": "单位", "role": "county",
        "scope_code": UNIT}, targeted=False, ok=(201,)),  # fmt: skip
    ("GET", "/api/v1/accounts/{account_id}"): lambda w, n, a: Call(path={"account_id": w["spare"]["id"]}),
    ("PATCH", "/api/v1/accounts/{account_id}"): lambda w, n, a: Call(path={"account_id": w["spare"]["id"]},
                                                                     json={"phone": "13800000000"}),  # fmt: skip
    ("POST", "/api/v1/accounts/{account_id}/password-reset"): lambda w, n, a: Call(
        path={"account_id": w["spare"]["id"]}),
    ("GET", "/api/v1/audit"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/audit/verify"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/cities"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/counties"): lambda w, n, a: Call(params={"city": "620100"}, targeted=False, absent=UNIT),
    ("GET", "/api/v1/townships"): lambda w, n, a: Call(params={"county": UNIT}),
    ("GET", "/api/v1/sampling-units"): lambda w, n, a: Call(params={"city": "620100"}, targeted=False,
                                                            absent=UNIT),  # fmt: skip
    ("GET", "/api/v1/divisions/{code}"): lambda w, n, a: Call(path={"code": UNIT}),
    ("GET", "/api/v1/datasets"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/houses"): lambda w, n, a: Call(params={"unit": UNIT, "limit": 5}),
    ("GET", "/api/v1/houses/{key}"): lambda w, n, a: Call(path={"key": w["survey_code"]}),
    ("GET", "/api/v1/houses/{key}/sites"): lambda w, n, a: Call(path={"key": w["survey_code"]}),
    ("GET", "/api/v1/proximity/summary"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/sites"): lambda w, n, a: Call(params={"unit": UNIT}),
    ("GET", "/api/v1/sites/radii"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/sites/{site_id}/houses"): lambda w, n, a: Call(path={"site_id": w["site"]}),
    ("POST", "/api/v1/imports/{kind}"): lambda w, n, a: Call(path={"kind": "houses"}, files=w["csv"],
                                                             data={"crs": "EPSG:4490"}, targeted=False),  # fmt: skip
    ("GET", "/api/v1/imports"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/imports/{batch_id}"): lambda w, n, a: Call(path={"batch_id": w["batch"]}, targeted=False),
    ("POST", "/api/v1/roads"): lambda w, n, a: Call(files={"file": ("r.geojson", ROADS_GEOJSON)}, targeted=False,
                                                    data={"name": "矩阵路网", "source": "测试", "licence": "CC0"},
                                                    ok=(201,)),  # fmt: skip
    ("GET", "/api/v1/roads"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/roads/{network_id}"): lambda w, n, a: Call(path={"network_id": w["network"]}, targeted=False),
    ("DELETE", "/api/v1/roads/{network_id}"): lambda w, n, a: Call(path={"network_id": w["network"]},
                                                                   targeted=False, ok=(204,)),  # fmt: skip
    ("GET", "/api/v1/draws"): lambda w, n, a: Call(targeted=False),
    ("POST", "/api/v1/draws"): lambda w, n, a: Call(json={"plan_id": w["plan"], "seed": "矩阵新抽样"},
                                                    targeted=False, ok=(201,)),  # fmt: skip
    ("POST", "/api/v1/draws/{draw_id}/houses"): lambda w, n, a: Call(path={"draw_id": w["units_drawn"]},
                                                                     targeted=False),  # fmt: skip
    ("POST", "/api/v1/draws/{draw_id}/publish"): lambda w, n, a: Call(path={"draw_id": w["houses_drawn"]},
                                                                      targeted=False),  # fmt: skip
    ("POST", "/api/v1/draws/{draw_id}/verify"): lambda w, n, a: Call(path={"draw_id": w["published"]},
                                                                     targeted=False),  # fmt: skip
    ("GET", "/api/v1/draws/{draw_id}"): lambda w, n, a: Call(path={"draw_id": w["published"]}, targeted=False,
                                                             absent=UNIT),  # fmt: skip
    ("POST", "/api/v1/draws/{draw_id}/replacements"): lambda w, n, a: Call(
        path={"draw_id": w["published"]},
        json={"house_id": w["houses"][(list(PRINCIPALS).index(n) if n in PRINCIPALS else 0)], "reason": "locked"}),
    ("GET", "/api/v1/draws/{draw_id}/export"): lambda w, n, a: Call(path={"draw_id": w["published"]},
                                                                    params={"format": "csv"}, targeted=False, absent=UNIT),
    ("GET", "/api/v1/draws/{draw_id}/coverage"): lambda w, n, a: Call(path={"draw_id": w["published"]},
                                                                      params={"replicates": 20}, targeted=False, absent=UNIT),
    ("GET", "/api/v1/draws/{draw_id}/estimates"): lambda w, n, a: Call(path={"draw_id": w["published"]},
                                                                       targeted=False, absent=UNIT),  # fmt: skip
    ("GET", "/api/v1/draws/{draw_id}/units/{unit}/map"): lambda w, n, a: Call(
        path={"draw_id": w["published"], "unit": UNIT}),
    ("POST", "/api/v1/plans"): lambda w, n, a: Call(json={"name": "矩阵方案", "year": 2025}, targeted=False,
                                                    ok=(201,)),  # fmt: skip
    ("POST", "/api/v1/plans/presets/{name}"): lambda w, n, a: Call(path={"name": "gansu-2024"}, targeted=False,
                                                                   ok=(201,)),  # fmt: skip
    ("GET", "/api/v1/plans"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/plans/{plan_id}"): lambda w, n, a: Call(path={"plan_id": w["plan"]}, targeted=False),
    ("GET", "/api/v1/map/config"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/tiles/houses/{z}/{x}/{y}.pbf"): lambda w, n, a: Call(path=_tile(w)),
    ("GET", "/api/v1/map/divisions"): lambda w, n, a: Call(params={"level": "county", "parent": "620100"},
                                                           targeted=False, absent=UNIT),  # fmt: skip
    ("GET", "/api/v1/map/summary"): lambda w, n, a: Call(params={"code": UNIT}),
    ("GET", "/api/v1/maps/inspections.geojson"): lambda w, n, a: Call(params={"draw_id": w["published"]}, targeted=False,
                                                                     absent=w["survey_code"]),
    ("GET", "/api/v1/field/progress"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/units/{unit}/map.html"): lambda w, n, a: Call(path={"unit": UNIT}),
    ("GET", "/api/v1/field/me"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/field/firms"): lambda w, n, a: Call(targeted=False, absent=UNIT),
    ("GET", "/api/v1/field/firms/{firm_id}"): lambda w, n, a: _field(w, n, a, "{firm_id}"),
    ("GET", "/api/v1/field/firms/{firm_id}/overview"): lambda w, n, a: _field(w, n, a, "{firm_id}"),
    ("POST", "/api/v1/field/firms/{firm_id}/teams"): lambda w, n, a: _field(
        w, n, a, "{firm_id}", json={"name": f"新组{next(counter)}"}, ok=(201,)),
    ("GET", "/api/v1/field/teams/{team_id}"): lambda w, n, a: _field(w, n, a, "{team_id}"),
    ("PATCH", "/api/v1/field/teams/{team_id}"): lambda w, n, a: _field(
        w, n, a, "{team_id}", json={"version": version_of(w, "field_team"), "vehicles": 1 + next(counter) % 2}),
    ("DELETE", "/api/v1/field/teams/{team_id}"): lambda w, n, a: Call(path={"team_id": new_team(w)}, ok=(204,)),
    ("POST", "/api/v1/field/teams/{team_id}/bases"): lambda w, n, a: _field(w, n, a, "{team_id}", ok=(201,), json={
        "name": "宾馆", "lon": w["lon"], "lat": w["lat"], "valid_from": str(TODAY + dt.timedelta(days=60 + next(counter))),
        "valid_to": str(TODAY + dt.timedelta(days=60 + next(counter)))}),  # fmt: skip
    ("DELETE", "/api/v1/field/teams/{team_id}/bases/{base_id}"): lambda w, n, a: Call(
        path={"team_id": w["team"], "base_id": new_base(w)}, ok=(204,)),
    ("POST", "/api/v1/field/firms/{firm_id}/assign"): lambda w, n, a: _field(
        w, n, a, "{firm_id}", json={"draw_id": w["published"]}),
    ("GET", "/api/v1/field/firms/{firm_id}/assignments"): lambda w, n, a: _field(w, n, a, "{firm_id}"),
    ("PATCH", "/api/v1/field/assignments/{draw_id}/{house_id}"): lambda w, n, a: _field(
        w, n, a, "{draw_id}{house_id}",
        json={"version": version_of(w, "field_assignment"), "service_minutes": 20 + next(counter) % 100}),
    ("POST", "/api/v1/field/assignments/{draw_id}/{house_id}/visited"): lambda w, n, a: _field(w, n, a, "{draw_id}{house_id}"),
    ("POST", "/api/v1/field/teams/{team_id}/plan"): lambda w, n, a: _field(w, n, a, "{team_id}", json=plan_body(), ok=(201,)),
    ("GET", "/api/v1/field/teams/{team_id}/plan"): lambda w, n, a: _field(w, n, a, "{team_id}"),
    ("GET", "/api/v1/field/teams/{team_id}/days"): lambda w, n, a: _field(w, n, a, "{team_id}", params={"day": str(TODAY)}),
    ("GET", "/api/v1/field/teams/{team_id}/days/export"): lambda w, n, a: _field(
        w, n, a, "{team_id}", params={"day": str(TODAY), "format": "gpx"}),
    ("POST", "/api/v1/field/firms/{firm_id}/matrices"): lambda w, n, a: _field(
        w, n, a, "{firm_id}", files={"file": ("m.csv", b"from,to,duration_s\nA,B,60\n")}, data={"name": "矩阵"},
        ok=(201,)),
    ("GET", "/api/v1/field/firms/{firm_id}/matrices"): lambda w, n, a: _field(w, n, a, "{firm_id}"),
    ("GET", "/api/v1/inspections/form"): lambda w, n, a: Call(targeted=False),
    ("GET", "/api/v1/inspections"): lambda w, n, a: Call(targeted=False, absent=w["survey_code"]),
    ("GET", "/api/v1/inspections/houses/{draw_id}/{house_id}"): lambda w, n, a: _field(w, n, a, "{draw_id}{house_id}"),
    ("PUT", "/api/v1/inspections/by-client/{client_id}"): lambda w, n, a: Call(path={"client_id": INSPECTION_CLIENT}, json={
        "draw_id": w["published"], "house_id": w["houses"][0], "version": version_of(w, "inspection"),
        "answers": {"remarks": f"矩阵{next(counter)}"}}),
    ("GET", "/api/v1/inspections/export.xlsx"): lambda w, n, a: Call(
        params={"draw_id": w["published"], "include_submitted": "true"}, targeted=False, absent=w["survey_code"]),
    ("GET", "/api/v1/inspections/{inspection_id}"): lambda w, n, a: Call(path={"inspection_id": w["inspection"]}),
    ("POST", "/api/v1/inspections/{inspection_id}/photos"): lambda w, n, a: Call(
        path={"inspection_id": w["inspection"]}, data={"client_id": str(uuid.uuid4())}, ok=(201,),
        files={"file": ("p.jpg", fm.jpeg_with_exif(), "image/jpeg")}),
    ("GET", "/api/v1/inspections/{inspection_id}/photos/{photo_id}"): lambda w, n, a: Call(
        path={"inspection_id": w["inspection"], "photo_id": w["photo"]}),
    ("POST", "/api/v1/inspections/{inspection_id}/review"): lambda w, n, a: Call(path={"inspection_id": w["inspection"]}, json={
        "action": "return", "comment": "矩阵", "version": submitted_version(w)}),
    ("GET", "/api/v1/followup/awaiting"): lambda w, n, a: Call(targeted=False, absent=w["notice_code"]),
    ("GET", "/api/v1/followup/notices"): lambda w, n, a: Call(targeted=False, absent=w["notice_code"]),
    ("GET", "/api/v1/followup/notices.geojson"): lambda w, n, a: Call(targeted=False, absent=w["notice_code"]),
    ("POST", "/api/v1/followup/notices"): lambda w, n, a: Call(ok=(201,), json={
        "inspection_id": fresh_finding(w), "deadline": str(TODAY + dt.timedelta(days=30))}),
    ("GET", "/api/v1/followup/notices/{notice_id}"): lambda w, n, a: Call(path={"notice_id": w["notice"]}),
    ("GET", "/api/v1/followup/notices/{notice_id}/document"): lambda w, n, a: Call(path={"notice_id": w["notice"]}),
    ("POST", "/api/v1/followup/notices/{notice_id}/progress"): lambda w, n, a: Call(
        path={"notice_id": w["notice"]}, data={"text": "矩阵进展", "version": str(notice_version(w))}),
    ("GET", "/api/v1/followup/notices/{notice_id}/evidence/{evidence_id}"): lambda w, n, a: Call(
        path={"notice_id": w["notice"], "evidence_id": w["evidence"]}),
    ("POST", "/api/v1/followup/notices/{notice_id}/decision"): lambda w, n, a: Call(
        path={"notice_id": w["notice"]}, json={"action": "reject", "comment": "矩阵",
                                               "version": notice_version(w, "reported_done")}),
    ("GET", "/api/v1/followup/controls"): lambda w, n, a: Call(targeted=False, absent=w["case_code"]),
    ("POST", "/api/v1/followup/controls/{case_id}/records"): lambda w, n, a: Call(
        path={"case_id": w["case"]}, ok=(201,),
        data={"measures": ["evacuate"], "taken_at": dt.datetime.now(dt.UTC).isoformat(), "responsible": "矩阵"}),
    ("GET", "/api/v1/followup/controls/{case_id}/photos/{photo_id}"): lambda w, n, a: Call(
        path={"case_id": w["case"], "photo_id": w["case_photo"]}),
    ("POST", "/api/v1/followup/controls/{case_id}/acknowledge"): lambda w, n, a: Call(
        path={"case_id": w["case"]}, json={"version": unacknowledged_version(w)}),
    ("GET", "/notices"): lambda w, n, a: Call(targeted=False),
    ("GET", "/route"): lambda w, n, a: Call(targeted=False),
    ("GET", "/route/sheet"): lambda w, n, a: Call(params={"team": w["team"], "day": str(TODAY)}),
    ("GET", "/route/inspect"): lambda w, n, a: Call(targeted=False),
    ("GET", "/firm"): lambda w, n, a: Call(targeted=False),
    ("GET", "/review"): lambda w, n, a: Call(targeted=False),
    ("GET", "/login"): lambda w, n, a: Call(targeted=False),
    ("GET", "/password"): lambda w, n, a: Call(targeted=False),
    ("GET", "/"): lambda w, n, a: Call(targeted=False),
    ("GET", "/about"): lambda w, n, a: Call(targeted=False),
    ("GET", "/map"): lambda w, n, a: Call(targeted=False),
    ("GET", "/coverage"): lambda w, n, a: Call(targeted=False),
    ("GET", "/accounts"): lambda w, n, a: Call(targeted=False),
    ("GET", "/openapi.json"): lambda w, n, a: Call(targeted=False),
    ("GET", "/docs"): lambda w, n, a: Call(targeted=False),
    ("GET", "/redoc"): lambda w, n, a: Call(targeted=False),
}
EXAMPLES.update({k: (lambda f: lambda w, n, a: Call(**f(w, n, a)))(f) for k, f in EXAMPLES_DASHBOARD.items()})  # noqa: B023
EXAMPLES.update({k: (lambda f: lambda w, n, a: Call(**f(w, n, a)))(f) for k, f in EXAMPLES_PLANNER.items()})  # noqa: B023
EXAMPLES.update({k: (lambda f: lambda w, n, a: Call(**f(w, n, a)))(f) for k, f in EXAMPLES_REPORTS.items()})  # noqa: B023
EXAMPLES.update({k: (lambda f: lambda w, n, a: Call(**f(w, n, a)))(f) for k, f in EXAMPLES_REVIEW.items()})  # noqa: B023
EXAMPLES.update({k: (lambda f: lambda w, n, a: Call(**f(w, n, a)))(f) for k, f in EXAMPLES_SURVEY.items()})  # noqa: B023
# Out of scope, these answer 200 with nothing of the target: a tile cut to the scope.
EMPTY_OUTSIDE = {("GET", "/api/v1/tiles/houses/{z}/{x}/{y}.pbf")}


# The app's own routes ------------------------------------------------------------------------------------


ROUTES = app_routes()


def test_every_route_declares_exactly_one_permission_and_has_an_example():
    missing = [f"{m} {p}" for m, p, r in ROUTES if len(declared(r.dependant)) != 1]
    assert not missing, f"routes without exactly one declared permission: {missing}"
    unexamined = [f"{m} {p}" for m, p, _ in ROUTES if (m, p) not in EXAMPLES]
    assert not unexamined, f"routes without an example request in this test: {unexamined}"
    assert len({(m, p) for m, p, _ in ROUTES}) == len(ROUTES), "two routes answer the same method and path"


def test_only_health_login_assets_and_resident_links_are_public():
    public = {(m, p) for m, p, r in ROUTES if declared(r.dependant)[0].permission is Permission.PUBLIC}
    survey = {("GET", "/survey"), ("GET", "/api/v1/evaluation/survey/public/{token}"),
              ("POST", "/api/v1/evaluation/survey/public/{token}")}  # a resident's questionnaire link
    assert public == {("GET", "/healthz"), ("POST", "/api/v1/session"), ("GET", "/login")} | survey


def _is_page(path: str) -> bool:
    return not path.startswith("/api") and path not in ("/healthz", "/openapi.json")


def _send(client, method: str, path: str, call: Call, account: dict | None):
    ratelimit.reset()  # a dozen logins from one address in a second is this test, not an attack
    headers = {"Authorization": f"Bearer {account['token']}"} if account else {}
    headers["Accept"] = "text/html" if _is_page(path) else "*/*"
    return client.request(method, path.format(**call.path), params=call.params, json=call.json, files=call.files,
                          data=call.data, headers=headers, follow_redirects=False)  # fmt: skip


def _no_target_data(response, world) -> None:
    """A refusal is an error body (or the refusal page): nothing of the target's record."""
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/json"):
        assert set(response.json()) <= ERROR_KEYS, response.text[:300]
    else:
        assert kind.startswith("text/html") and "<h1>" in response.text, response.text[:300]
        assert world["survey_code"] not in response.text


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in ROUTES], ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route(world, tmp_path, method, path):
    client, w, engine = world
    w = {**w, "csv": _csv(tmp_path), "db": engine}
    route = next(r for m, p, r in ROUTES if (m, p) == (method, path))
    permission = declared(route.dependant)[0].permission
    page = _is_page(path)
    example = EXAMPLES[(method, path)]

    anonymous = _send(client, method, path, example(w, "anonymous", {}), None)
    if permission is Permission.PUBLIC:
        assert anonymous.status_code in example(w, "anonymous", {}).ok, anonymous.text[:300]
    elif page:
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")
    else:
        assert anonymous.status_code == 401, anonymous.text[:300]
        assert anonymous.json()["code"] == "unauthenticated"

    # Refusals first (they must change nothing), then the accounts that may act.
    order = sorted(PRINCIPALS, key=lambda n: (allowed(PRINCIPALS[n][0], permission), PRINCIPALS[n][3]))
    for name in order:
        role, _, _, in_scope = PRINCIPALS[name]
        account = dict(w["accounts"][name])
        if path == "/api/v1/me/tokens/{token_id}":
            with engine.connect() as conn:
                account["token_id"] = conn.execute(
                    text("SELECT id FROM api_token WHERE account_id = :a"), {"a": account["id"]}).scalar()  # fmt: skip
        call = example(w, name, account)
        response = _send(client, method, path, call, account)
        where = f"{name} ({role}) {method} {path}: {response.status_code} {response.text[:300]}"
        if not allowed(role, permission):
            assert response.status_code == 403, where
            _no_target_data(response, w)
        elif in_scope:
            assert response.status_code in call.ok, where
        elif call.absent:
            assert response.status_code in (*call.ok, 403, 404), where
            assert call.absent.encode() not in response.content, where
        elif not call.targeted:
            assert response.status_code in call.ok, where
        elif (method, path) in EMPTY_OUTSIDE:
            assert response.status_code == 200, where
            layers = mapbox_vector_tile.decode(response.content)
            assert not any(f["properties"].get("survey_code") == w["survey_code"] for layer in layers.values()
                           for f in layer["features"]), where  # fmt: skip
        else:
            assert response.status_code in (403, 404), where
            _no_target_data(response, w)
