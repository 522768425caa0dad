"""What the browser loads: the pages at clean URLs, and the assets in ``web/`` (served by the service, no CDN).

Each page is one route declaring the permission it needs (``service.accounts.deps.page``): an anonymous
browser is sent to ``/login``, a user who must change a password to ``/password``, and a role without the
permission gets the Chinese refusal (403). The pages themselves are plain HTML that load one ES module each;
everything they show comes from the API. The ``/web`` mount serves only assets (scripts, styles, images,
vendored libraries): an ``.html`` file there is 404, so no page can be opened past its permission.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Scope

from service.accounts.deps import Principal, Public, page
from service.accounts.roles import ROLE_LABELS, SCOPE_RULES, Permission, Role
from service.core.db import SessionDep

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
PAGE_SUFFIXES = (".html", ".htm")
# A page can hold personal data (names, first passwords): never kept by the browser or a proxy, so that
# after logout the back button shows nothing.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
ROLE_OPTIONS = "<!-- role options -->"
# The signed-in account's bar (name, role, logout), the same on every page that has one: web/partials/.
USER_BAR = "<!-- user-bar -->"

router = APIRouter(include_in_schema=False)


def _html(name: str, replacements: dict[str, str] | None = None) -> HTMLResponse:
    text = (WEB_DIR / name).read_text(encoding="utf-8")
    shared = {USER_BAR: (WEB_DIR / "partials" / "user-bar.html").read_text(encoding="utf-8").rstrip("\n")}
    for marker, value in {**shared, **(replacements or {})}.items():
        text = text.replace(marker, value)
    return HTMLResponse(text, headers=NO_STORE)


def role_options() -> str:
    """The role choices of the accounts form, from the one table of roles (labels and scope rules)."""
    return "\n".join(
        f'<option value="{escape(role.value)}" data-scope="{escape(SCOPE_RULES[role])}">'
        f"{escape(ROLE_LABELS[role])}</option>"
        for role in Role
    )


@router.get("/login", dependencies=[Public])
def login_page() -> HTMLResponse:
    """The login form; after login the browser goes to ``next`` (or to /password when a change is due)."""
    return _html("login.html")


@router.get("/password", dependencies=[Depends(page(Permission.SELF))])
def password_page() -> HTMLResponse:
    """Change one's own password (a first or reset password must be changed here before anything else)."""
    return _html("password.html")


@router.get("/", dependencies=[Depends(page(Permission.READ))])
def start_page() -> HTMLResponse:
    """The start page: who is logged in, and the tasks of their role."""
    return _html("index.html")


@router.get("/about", dependencies=[Depends(page(Permission.READ))])
def about_page() -> HTMLResponse:
    """Service health, data sources and their provenance, the API's addresses."""
    return _html("about.html")


@router.get("/map", dependencies=[Depends(page(Permission.READ))])
def map_page() -> HTMLResponse:
    """The hazard map of the caller's scope."""
    return _html("map.html")


@router.get("/coverage", dependencies=[Depends(page(Permission.DRAWS_READ))])
def coverage_page() -> HTMLResponse:
    """The planners' coverage view of a draw."""
    return _html("coverage.html")


@router.get("/plans", dependencies=[Depends(page(Permission.PLAN))])
def plans_page() -> HTMLResponse:
    """The planners' workflow (provincial office): plans, the seed's source fixed in advance, the county and
    house draws, coverage, comparison, publication, verification, exports and replacements."""
    return _html("plans.html")


@router.get("/accounts", dependencies=[Depends(page(Permission.ACCOUNTS))])
def accounts_page() -> HTMLResponse:
    """Account administration (provincial office): list, create, disable, reset passwords."""
    return _html("accounts.html", {ROLE_OPTIONS: role_options()})


@router.get("/route", dependencies=[Depends(page(Permission.FIELD_READ))])
def route_page() -> HTMLResponse:
    """An inspection team's day route on a phone: ordered stops, the line, navigation links, exports."""
    return _html("route.html")


@router.get("/route/sheet")
def route_sheet_page(
    principal: Annotated[Principal, Depends(page(Permission.FIELD_READ))], session: SessionDep,
    team: Annotated[int, Query(ge=1, le=2**63 - 1)], day: dt.date,
    vehicle: Annotated[int, Query(ge=0, le=9)] = 0,
) -> HTMLResponse:  # fmt: skip
    """A team's day route as a printable A4 sheet (server-rendered, no script)."""
    from service.fieldwork.exports import route_sheet_html
    from service.fieldwork.routes import one_day

    team_row, firm_row, day_out = one_day(session, principal, team, day, vehicle)
    sheet = route_sheet_html(day_out, team_name=team_row.name, firm_name=firm_row.name)
    return HTMLResponse(sheet, headers=NO_STORE)


@router.get("/route/inspect", dependencies=[Depends(page(Permission.INSPECT))])
def inspect_page() -> HTMLResponse:
    """The inspection form of one drawn house on a phone (?draw=…&house=…), offline first (web/inspect.js)."""
    return _html("inspect.html")


@router.get("/firm", dependencies=[Depends(page(Permission.FIELD_READ))])
def firm_page() -> HTMLResponse:
    """A firm's field work: every team's days on one map and a table, progress, what is unscheduled."""
    return _html("firm.html")


@router.get("/evaluation/review", dependencies=[Depends(page(Permission.EVAL_READ))])
def evaluation_review_page() -> HTMLResponse:
    """Document review (查阅资料): evidence per item (county), scores (firm), totals compared across counties."""
    return _html("evaluation-review.html")


@router.get("/notices", dependencies=[Depends(page(Permission.FOLLOWUP_READ))])
def notices_page() -> HTMLResponse:
    """Rectification notices and control alerts: issue, answer, accept or reject, acknowledge (by role)."""
    return _html("notices.html")


@router.get("/review", dependencies=[Depends(page(Permission.INSPECT_REVIEW))])
def review_page() -> HTMLResponse:
    """The firm's (or the province's) review of submitted inspections: the queue with its flags, the record
    beside the findings, the photos and the position check on a map; approve or return with comments."""
    return _html("review.html")


@router.get("/survey", dependencies=[Public])
def survey_page() -> HTMLResponse:
    """The questionnaire on a phone: a resident through a link (``?t=…``, no account), an official or staff
    member through their account (``?group=official|staff``). Public: the page holds no data; what it shows
    comes from the link's token or the caller's account through the API."""
    return _html("survey.html")


@router.get("/evaluation/survey", dependencies=[Depends(page(Permission.SURVEY_MANAGE))])
def survey_admin_page() -> HTMLResponse:
    """Questionnaires (问卷调查): resident links and QR sheets per county, paper entry, results and open answers."""
    return _html("survey-admin.html")


@router.get("/evaluation", dependencies=[Depends(page(Permission.EVAL_READ))])
def evaluation_dashboard_page() -> HTMLResponse:
    """The leaders' dashboard: every drawn unit's key figures on a map and in tables, per city and county."""
    return _html("dashboard.html")


@router.get("/evaluation/report", dependencies=[Depends(page(Permission.EVAL_READ))])
def evaluation_report_page() -> HTMLResponse:
    """The evaluation reports: a county's (or the province's) sections drafted from the figures, edited and
    saved under their version, the .docx downloaded and the final export stored."""
    return _html("report.html")


class AssetFiles(StaticFiles):
    """``web/`` without its pages: scripts, styles, images and vendored libraries; ``*.html`` is 404.

    ``route-sw.js``, the route page's service worker, may control ``/route`` although it is served from
    ``/web/`` (``Service-Worker-Allowed``), and is revalidated on every update check (``no-cache``).
    """

    SERVICE_WORKERS = {"route-sw.js": {"Service-Worker-Allowed": "/route", "Cache-Control": "no-cache"}}

    async def get_response(self, path: str, scope: Scope) -> Response:  # noqa: D102
        if path.lower().endswith(PAGE_SUFFIXES):
            raise HTTPException(status_code=404)
        response = await super().get_response(path, scope)
        response.headers.update(self.SERVICE_WORKERS.get(path, {}))
        return response


static = AssetFiles(directory=WEB_DIR)
