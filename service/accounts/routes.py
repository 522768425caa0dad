"""Login and logout, the caller's own account (password, tokens), and account administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import select

from service.accounts import service as accounts
from service.accounts.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Permit,
    Public,
    Self,
    client_ip,
    require_same_origin,
)
from service.accounts.models import Account, ApiToken
from service.accounts.roles import PERMISSIONS, ROLE_LABELS, Permission
from service.accounts.schemas import (
    AccountCreated,
    AccountIn,
    AccountOut,
    AccountPatch,
    LoginIn,
    LoginOut,
    MeOut,
    PasswordChangeIn,
    PasswordReset,
    TokenIn,
    TokenOut,
)
from service.audit.trail import Actor, record
from service.core.db import SessionDep
from service.core.errors import SpotcheckError
from service.core.ratelimit import limit
from service.core.settings import SettingsDep
from service.pages.tasks import tasks_for

router = APIRouter(prefix="/api/v1", tags=["accounts"])
Admin = Permit(Permission.ACCOUNTS)
AccountId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Account id")]
TokenId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Token id")]


def account_out(a: Account) -> AccountOut:
    """The public view of an account."""
    return AccountOut(
        id=a.id, username=a.username, name=a.name, organisation=a.organisation, phone=a.phone, role=a.role,
        role_label=ROLE_LABELS[a.role], scope_code=a.scope_code, scope_plan_id=a.scope_plan_id,
        scope_group=a.scope_group, active=a.active, must_change_password=a.must_change_password,
        locked_until=a.locked_until, created_at=a.created_at,
    )  # fmt: skip


def _safe_next(target: str | None) -> str:
    # Only a path of this service: never another site (open redirect).
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.post(
    "/session", summary="Log in (sets the session cookie)", response_model=LoginOut, dependencies=[Public]
)
def login(
    request: Request, response: Response, body: LoginIn, session: SessionDep, settings: SettingsDep
) -> LoginOut:
    """Check the password (failures counted, lockout after too many) and open a session."""
    require_same_origin_if_browser(request)
    ip = client_ip(request)
    limit("login", ip or "-", settings.security.login_rate_per_minute)
    request_id = getattr(request.state, "request_id", None)
    try:
        account = accounts.login(session, body.username, body.password, settings.security)
    except SpotcheckError as exc:
        session.commit()  # the failure count and any lockout stay
        record(session, Actor(None, f"（登录失败）{body.username[:64]}", request_id, ip), "login",
               "account", body.username[:64], outcome="failed", detail={"reason": exc.code})  # fmt: skip
        session.commit()
        raise
    token, csrf = accounts.open_session(
        session, account, settings.security, ip, request.headers.get("user-agent")
    )
    record(session, Actor(account.id, account.label, request_id, ip), "login",
           "account", account.id)  # fmt: skip
    session.commit()
    secure = settings.security.https
    max_age = int(settings.security.session_hours * 3600)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="strict", secure=secure, path="/"
    )
    must = account.must_change_password
    return LoginOut(next="/password" if must else _safe_next(body.next), must_change_password=must)


def require_same_origin_if_browser(request: Request) -> None:
    """A login from a browser must come from our own page (scripts without Origin use tokens anyway)."""
    if request.headers.get("origin") or request.headers.get("referer"):
        require_same_origin(request)


@router.delete("/session", summary="Log out (ends the session)", status_code=204)
def logout(principal: Self, session: SessionDep, response: Response) -> Response:
    """Revoke the current session; its cookie no longer works anywhere."""
    if principal.session_id:
        accounts.close_session(session, principal.session_id)
    record(session, principal.actor, "logout", "account", principal.account_id)
    session.commit()
    out = Response(status_code=204)
    out.delete_cookie(SESSION_COOKIE, path="/")
    out.delete_cookie(CSRF_COOKIE, path="/")
    return out


@router.get("/me", summary="Who am I: role, scope, what my role does", response_model=MeOut)
def me(principal: Self) -> MeOut:
    """The caller's account, scope and start-page tasks (the CSRF token for page writes too)."""
    return MeOut(
        id=principal.account_id, username=principal.username, name=principal.name,
        organisation=principal.organisation, role=principal.role, role_label=ROLE_LABELS[principal.role],
        scope_label=principal.scope.label, scope_all=principal.scope.everything,
        scope_units=sorted(principal.scope.units), must_change_password=principal.must_change_password,
        permissions=[p.value for p, roles in PERMISSIONS.items() if principal.role in roles],
        csrf_token=principal.csrf_token, tasks=tasks_for(principal.role),
    )  # fmt: skip


@router.post("/me/password", summary="Change my password", status_code=204)
def change_password(
    principal: Self, body: PasswordChangeIn, session: SessionDep, settings: SettingsDep
) -> Response:
    """The current password is asked again; the new one must be strong."""
    account = accounts.get_account(session, principal.account_id)
    accounts.change_password(session, account, body.current, body.new, settings.security)
    record(session, principal.actor, "password_change", "account", account.id)
    session.commit()
    return Response(status_code=204)


@router.get("/me/tokens", summary="My API tokens", response_model=list[TokenOut])
def my_tokens(principal: Self, session: SessionDep) -> list[TokenOut]:
    """Every token of mine, revoked ones too (never their secrets)."""
    rows = session.scalars(
        select(ApiToken).where(ApiToken.account_id == principal.account_id).order_by(ApiToken.id)
    )
    return [TokenOut.model_validate(t, from_attributes=True) for t in rows]


@router.post(
    "/me/tokens", summary="Create an API token (shown once)", response_model=TokenOut, status_code=201
)
def create_token(principal: Self, body: TokenIn, session: SessionDep) -> TokenOut:
    """A token for scripts: send it as ``Authorization: Bearer <token>``."""
    account = accounts.get_account(session, principal.account_id)
    token, secret = accounts.create_token(session, account, body.name, body.days)
    record(session, principal.actor, "token_create", "api_token", token.id, detail={"name": token.name})
    session.commit()
    return TokenOut.model_validate(token, from_attributes=True).model_copy(update={"token": secret})


@router.delete("/me/tokens/{token_id}", summary="Revoke one of my API tokens", status_code=204)
def revoke_token(principal: Self, token_id: TokenId, session: SessionDep) -> Response:
    """The token stops working at once."""
    accounts.revoke_token(session, principal.account_id, token_id)
    record(session, principal.actor, "token_revoke", "api_token", token_id)
    session.commit()
    return Response(status_code=204)


@router.get("/accounts", summary="Accounts", response_model=list[AccountOut])
def list_accounts(principal: Admin, session: SessionDep) -> list[AccountOut]:
    """Every account (provincial office only)."""
    return [account_out(a) for a in session.scalars(select(Account).order_by(Account.id))]


@router.post(
    "/accounts", summary="Create a real-name account", response_model=AccountCreated, status_code=201
)
def create_account(principal: Admin, body: AccountIn, session: SessionDep) -> AccountCreated:
    """A new account with a generated first password, shown once and to be changed at the first login."""
    account, first = accounts.create_account(session, accounts.NewAccount(**body.model_dump()))
    record(session, principal.actor, "account_create", "account", account.id,
           detail={"username": account.username, "role": account.role, "scope_code": account.scope_code,
                   "scope_plan_id": account.scope_plan_id, "scope_group": account.scope_group})  # fmt: skip
    session.commit()
    return AccountCreated(account=account_out(account), password=first)


@router.get("/accounts/{account_id}", summary="One account", response_model=AccountOut)
def get_account(principal: Admin, account_id: AccountId, session: SessionDep) -> AccountOut:
    """An account by id."""
    return account_out(accounts.get_account(session, account_id))


@router.patch("/accounts/{account_id}", summary="Change or disable an account", response_model=AccountOut)
def patch_account(
    principal: Admin, account_id: AccountId, body: AccountPatch, session: SessionDep
) -> AccountOut:
    """Disable (ends its sessions and tokens) or enable an account; change its phone or organisation."""
    account = accounts.get_account(session, account_id)
    changes = body.model_dump(exclude_none=True)
    if "active" in changes:
        if account.id == principal.account_id and not changes["active"]:
            from service.core.errors import InvalidInput

            raise InvalidInput("不能停用自己的账户。", "You cannot disable your own account.")
        accounts.set_active(session, account, changes.pop("active"))
    for key, value in changes.items():
        setattr(account, key, value)
    account.updated_at = accounts.now()
    record(
        session,
        principal.actor,
        "account_update",
        "account",
        account.id,
        detail=body.model_dump(exclude_none=True),
    )
    session.commit()
    return account_out(account)


@router.post(
    "/accounts/{account_id}/password-reset",
    summary="Reset a password (shown once)",
    response_model=PasswordReset,
)
def reset_password(principal: Admin, account_id: AccountId, session: SessionDep) -> PasswordReset:
    """A new generated password; the account must change it at its next login; its sessions end."""
    account = accounts.get_account(session, account_id)
    temporary = accounts.reset_password(session, account)
    record(session, principal.actor, "password_reset", "account", account.id)
    session.commit()
    return PasswordReset(account_id=account.id, password=temporary)
