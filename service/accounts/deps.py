"""Who is calling: one dependency every route takes, declaring the permission it needs.

``Permit(Permission.X)`` authenticates the caller (session cookie, or ``Authorization: Bearer`` API token),
refuses a state-changing request made with a cookie unless it carries the session's CSRF token and a
same-origin ``Origin``, refuses a caller who must first change a password, checks the role, and gives the
route a ``Principal`` whose ``scope`` every query then takes. ``public`` marks the few routes that need no
login. The route matrix test (tests/accounts/test_route_matrix.py) reads these declarations from the app.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy import text

from service.accounts.models import person_label
from service.accounts.roles import PERMISSION_LABELS, ROLE_LABELS, Permission, Role, allowed
from service.accounts.scope import Scope, resolve_scope
from service.accounts.service import digest, now
from service.audit.trail import Actor
from service.core.db import SessionDep
from service.core.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "spotcheck_session"
CSRF_COOKIE = "spotcheck_csrf"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOUCH_EVERY = dt.timedelta(seconds=60)  # last_seen_at / last_used_at are written at most once a minute
_UNSET = object()


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    account_id: int
    username: str
    name: str
    organisation: str
    role: Role
    scope: Scope
    via: str  # "session" or "token"
    must_change_password: bool = False
    session_id: str | None = None
    csrf_token: str | None = None
    request_id: str | None = None
    ip: str | None = None

    @property
    def label(self) -> str:
        """How the audit trail and the draw log name the caller: real name and username."""
        return person_label(self.name, self.username)

    @property
    def actor(self) -> Actor:
        """The caller as the audit trail records it."""
        return Actor(self.account_id, self.label, self.request_id, self.ip)

    def can(self, permission: Permission) -> bool:
        """Whether the caller's role holds the permission."""
        return allowed(self.role, permission)


class PasswordChangeRequired(Forbidden):
    """A first or reset password must be changed before anything else."""

    code = "password_change_required"


class LoginRequired(Unauthenticated):
    """A page asked for by an anonymous browser: answered with a redirect to the login page."""


def client_ip(request: Request) -> str | None:
    """The caller's address as the server sees it."""
    return request.client.host if request.client else None


_ACCOUNT = """SELECT a.id, a.username, a.name, a.organisation, a.role, a.scope_code, a.scope_plan_id, a.scope_group,
    a.must_change_password"""

_BY_SESSION = text(
    _ACCOUNT
    + """, s.id AS session_id, s.csrf_token, s.last_seen_at
    FROM account_session s JOIN account a ON a.id = s.account_id
    WHERE s.id = :id AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - :idle
      AND a.active"""
)
_BY_TOKEN = text(
    _ACCOUNT
    + """, t.id AS token_id, t.last_used_at
    FROM api_token t JOIN account a ON a.id = t.account_id
    WHERE t.token_hash = :hash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
      AND a.active"""
)


def authenticate(request: Request, session) -> Principal | None:
    """The caller, from a bearer token or the session cookie; None when anonymous (cached per request)."""
    cached = getattr(request.state, "principal", _UNSET)
    if cached is not _UNSET:
        return cached
    principal = None
    settings = request.app.state.settings.security
    header = request.headers.get("authorization", "")
    cookie = request.cookies.get(SESSION_COOKIE)
    if header[:7].lower() == "bearer ":
        row = session.execute(_BY_TOKEN, {"hash": digest(header[7:].strip())}).mappings().one_or_none()
        if row is not None:
            _touch(session, _TOUCH_TOKEN, row["token_id"], row["last_used_at"])
            principal = _principal(request, session, row, "token")
    elif cookie:
        idle = dt.timedelta(minutes=settings.session_idle_minutes)
        row = session.execute(_BY_SESSION, {"id": digest(cookie), "idle": idle}).mappings().one_or_none()
        if row is not None:
            _touch(session, _TOUCH_SESSION, row["session_id"], row["last_seen_at"])
            principal = _principal(request, session, row, "session")
    request.state.principal = principal
    return principal


_TOUCH_TOKEN = text("UPDATE api_token SET last_used_at = now() WHERE id = :i")
_TOUCH_SESSION = text("UPDATE account_session SET last_seen_at = now() WHERE id = :i")


def _touch(session, statement, key, last: dt.datetime | None) -> None:
    """Record that a token or session was used, at most once a minute."""
    if last is None or now() - last > TOUCH_EVERY:
        session.execute(statement, {"i": key})
        session.commit()


def _principal(request: Request, session, row, via: str) -> Principal:
    role = Role(row["role"])
    return Principal(
        account_id=row["id"], username=row["username"], name=row["name"], organisation=row["organisation"],
        role=role, scope=resolve_scope(session, role, row["scope_code"], row["scope_plan_id"], row["scope_group"],
                                       account_id=row["id"]),
        via=via, must_change_password=row["must_change_password"], session_id=row.get("session_id"),
        csrf_token=row.get("csrf_token"), request_id=getattr(request.state, "request_id", None), ip=client_ip(request),
    )  # fmt: skip


def require_same_origin(request: Request) -> None:
    """Refuse a browser request whose Origin (or Referer) is not this service (cross-site requests)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    host = request.headers.get("host", "")
    if not origin or origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
        raise Forbidden(
            "跨站请求被拒绝：请在本系统的页面中操作。",
            "Cross-site request refused: the Origin is not this service.",
        )


def require_csrf(request: Request, principal: Principal) -> None:
    """A cookie-authenticated write needs the session's CSRF token and a same-origin Origin."""
    require_same_origin(request)
    sent = request.headers.get(CSRF_HEADER, "")
    if not principal.csrf_token or not secrets.compare_digest(sent, principal.csrf_token):
        raise Forbidden(
            "缺少或无效的防跨站令牌（CSRF），请刷新页面后重试。",
            "Missing or invalid CSRF token: reload the page and try again.",
        )


def check(request: Request, principal: Principal | None, permission: Permission) -> Principal:
    """Everything a route's permission demands of the caller (see the module docstring)."""
    if principal is None:
        raise Unauthenticated("请先登录。", "Log in first.")
    if request.method in UNSAFE_METHODS and principal.via == "session":
        require_csrf(request, principal)
    if principal.must_change_password and permission is not Permission.SELF:
        raise PasswordChangeRequired(
            "首次登录或密码重置后，须先修改密码。",
            "Change your first or reset password before anything else.",
        )
    if not principal.can(permission):
        raise Forbidden(
            f"您的角色（{ROLE_LABELS[principal.role]}）无权{PERMISSION_LABELS[permission]}。",
            f"Your role ({principal.role}) lacks the permission {permission}.",
        )
    return principal


def permit(permission: Permission, *, page: bool = False):
    """The dependency of a route that needs ``permission`` (its ``permission`` attribute declares it); for an
    HTML page (``page=True``) an anonymous browser is redirected to the login page instead of a 401."""

    def dependency(request: Request, session: SessionDep) -> Principal:
        principal = authenticate(request, session)
        if principal is None and page:
            raise LoginRequired("请先登录。", "Log in first.")
        return check(request, principal, permission)

    dependency.permission = permission  # type: ignore[attr-defined]
    dependency.page = page  # type: ignore[attr-defined]
    dependency.__name__ = f"{'page' if page else 'permit'}_{permission.value.replace('.', '_')}"
    return dependency


def public() -> None:
    """Marks a route anyone may call: health, the login page and its API, static assets."""


public.permission = Permission.PUBLIC  # type: ignore[attr-defined]


def page(permission: Permission = Permission.READ):
    """``permit`` for an HTML page: an anonymous browser is redirected to the login page."""
    return permit(permission, page=True)


def Permit(permission: Permission):  # noqa: N802 - reads as a type in route signatures
    """``principal: Permit(Permission.X)`` in a route's parameters."""
    return Annotated[Principal, Depends(permit(permission))]


Reader = Permit(Permission.READ)
DrawsReader = Permit(Permission.DRAWS_READ)
Self = Permit(Permission.SELF)
AnyUser = Depends(permit(Permission.SELF))
Public = Depends(public)
