"""Accounts: create, list, change, disable, reset passwords, log in (with lockout), sessions and tokens.

Nothing here commits: the caller (a route or the CLI) commits once, after ``audit.record``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from geo.gansu import PROVINCE_CODE
from service.accounts import passwords
from service.accounts.models import Account, AccountSession, ApiToken
from service.accounts.roles import ROLE_LABELS, Role
from service.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from service.core.settings import SecuritySettings
from service.draws.models import SamplingPlan

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$")
TOKEN_PREFIX = "sct_"


def now() -> dt.datetime:
    """The current time, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def digest(secret: str) -> str:
    """SHA-256 of a session or API token (what the database keeps)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewAccount:
    """What an administrator gives to create an account."""

    username: str
    name: str
    organisation: str
    role: Role
    phone: str | None = None
    scope_code: str | None = None
    scope_plan_id: int | None = None
    scope_group: str | None = None


def _check_scope(session: Session, new: NewAccount) -> NewAccount:
    role = new.role
    if role in (Role.FIRM, Role.INSPECTOR):
        if not new.scope_plan_id or not new.scope_group:
            raise InvalidInput(
                f"{ROLE_LABELS[role]}账户须指定抽样方案（scope_plan_id）和组别（scope_group）。",
                "Firm and inspector accounts need scope_plan_id and scope_group.",
            )
        plan = session.get(SamplingPlan, new.scope_plan_id)
        if plan is None:
            raise NotFound(f"未找到编号为 {new.scope_plan_id} 的抽样方案。", f"No plan {new.scope_plan_id}.")
        groups = [g.get("name") for g in plan.spec.get("groups", [])]
        if new.scope_group not in groups:
            raise InvalidInput(
                f"方案 {plan.id} 中没有组别“{new.scope_group}”（可选：{'、'.join(map(str, groups)) or '无'}）。",
                f"Plan {plan.id} has no group {new.scope_group!r}.",
            )
        return NewAccount(**{**new.__dict__, "scope_code": None})
    code = new.scope_code or (PROVINCE_CODE if role in (Role.PROVINCE, Role.LEADER) else None)
    level = (
        session.execute(text("SELECT level FROM division WHERE code = :c"), {"c": code}).scalar()
        if code
        else None
    )
    expected = {
        Role.PROVINCE: {"province"}, Role.LEADER: {"province", "city"}, Role.CITY: {"city"}, Role.COUNTY: {"county"},
    }[role]  # fmt: skip
    if level not in expected:
        raise InvalidInput(
            f"{ROLE_LABELS[role]}账户的辖区代码 {code or '（空）'} 无效：应为"
            + {"province": "全省 620000", "city": "市州代码", "county": "县区代码"}[sorted(expected)[-1]]
            + "。",
            f"Scope code {code!r} does not fit role {role}.",
        )
    return NewAccount(**{**new.__dict__, "scope_code": code, "scope_plan_id": None, "scope_group": None})


def create_account(session: Session, new: NewAccount) -> tuple[Account, str]:
    """Create an account with a generated first password (returned once; it must be changed at login)."""
    if not USERNAME.match(new.username or ""):
        raise InvalidInput(
            "用户名须为 2-64 位字母、数字或 _.@-，以字母或数字开头。",
            "A username is 2-64 letters, digits or _.@-, starting with a letter or digit.",
        )
    for label, value in (("姓名", new.name), ("单位", new.organisation)):
        if not value or not value.strip() or "\x00" in value:
            raise InvalidInput(f"请填写{label}（实名）。", f"{label} is required.")
    if session.scalar(select(Account.id).where(func.lower(Account.username) == new.username.lower())):
        raise Conflict(f"用户名 {new.username} 已被使用。", f"The username {new.username} is taken.")
    checked = _check_scope(session, new)
    first = passwords.generate_password()
    account = Account(
        username=checked.username, name=checked.name.strip(), organisation=checked.organisation.strip(),
        phone=checked.phone, role=checked.role.value, scope_code=checked.scope_code,
        scope_plan_id=checked.scope_plan_id, scope_group=checked.scope_group,
        password_hash=passwords.hash_password(first), must_change_password=True,
    )  # fmt: skip
    session.add(account)
    session.flush()
    return account, first


def get_account(session: Session, key: int | str) -> Account:
    """An account by id or username, or 404."""
    found = (
        session.get(Account, key) if isinstance(key, int)
        else session.scalar(select(Account).where(func.lower(Account.username) == str(key).lower()))
    )  # fmt: skip
    if found is None:
        raise NotFound(f"未找到账户 {key}。", f"No account {key}.")
    return found


def set_active(session: Session, account: Account, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions and tokens at once."""
    account.active = active
    account.updated_at = now()
    if not active:
        revoke_all(session, account.id)


def revoke_all(session: Session, account_id: int) -> None:
    """End every session and token of an account."""
    t = now()
    session.execute(
        update(AccountSession).where(AccountSession.account_id == account_id, AccountSession.revoked_at.is_(None))
        .values(revoked_at=t)
    )  # fmt: skip
    session.execute(
        update(ApiToken)
        .where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=t)
    )


def reset_password(session: Session, account: Account) -> str:
    """A new generated password (returned once), to be changed at the next login; sessions end."""
    temporary = passwords.generate_password()
    account.password_hash = passwords.hash_password(temporary)
    account.must_change_password = True
    account.failed_logins = 0
    account.locked_until = None
    account.updated_at = now()
    revoke_all(session, account.id)
    return temporary


def change_password(
    session: Session, account: Account, current: str, new: str, security: SecuritySettings
) -> None:
    """Change one's own password (the current one is asked again)."""
    if not passwords.verify_password(account.password_hash, current):
        raise Forbidden("当前密码不正确。", "The current password is wrong.")
    if new == current:
        raise InvalidInput("新密码不能与当前密码相同。", "The new password must differ from the current one.")
    passwords.check_strength(new, security.min_password_length, account.username)
    account.password_hash = passwords.hash_password(new)
    account.must_change_password = False
    account.password_changed_at = account.updated_at = now()


def login(session: Session, username: str, password: str, security: SecuritySettings) -> Account:
    """The account if the password is right; counts failures and locks the account after too many."""
    account = session.scalar(
        select(Account)
        .where(func.lower(Account.username) == (username or "").strip().lower())
        .with_for_update()
    )
    refused = Unauthenticated("用户名或密码不正确。", "Wrong username or password.")
    if account is None:
        passwords.verify_password(None, password)  # same work as a real check
        raise refused
    t = now()
    if account.locked_until and account.locked_until > t:
        minutes = max(1, int((account.locked_until - t).total_seconds() // 60) + 1)
        raise Forbidden(
            f"连续登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试或联系管理员。",
            f"Too many failed logins: the account is locked for {minutes} more minute(s).",
        )
    if not passwords.verify_password(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= security.login_max_failures:
            account.locked_until = t + dt.timedelta(minutes=security.lockout_minutes)
            account.failed_logins = 0
        raise refused
    if not account.active:
        raise Forbidden("该账户已停用，请联系管理员。", "This account is disabled.")
    account.failed_logins = 0
    account.locked_until = None
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    return account


def open_session(
    session: Session, account: Account, security: SecuritySettings, ip: str | None, user_agent: str | None
) -> tuple[str, str]:
    """A new browser session: (cookie token, CSRF token). Only the cookie's digest is stored."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    session.add(AccountSession(
        id=digest(token), account_id=account.id, csrf_token=csrf,
        expires_at=now() + dt.timedelta(hours=security.session_hours), ip=ip, user_agent=(user_agent or "")[:300],
    ))  # fmt: skip
    session.flush()
    return token, csrf


def close_session(session: Session, session_id: str) -> None:
    """Revoke one session (logout)."""
    session.execute(update(AccountSession).where(AccountSession.id == session_id).values(revoked_at=now()))


def create_token(
    session: Session, account: Account, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """A personal API token (returned once; stored as its digest)."""
    if not name or not name.strip() or len(name) > 100 or "\x00" in name:
        raise InvalidInput(
            "请为令牌起一个名称（不超过 100 字）。", "Give the token a name (up to 100 characters)."
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        account_id=account.id, name=name.strip(), token_hash=digest(secret), prefix=secret[:10],
        expires_at=now() + dt.timedelta(days=days) if days else None,
    )  # fmt: skip
    session.add(token)
    session.flush()
    return token, secret


def revoke_token(session: Session, account_id: int, token_id: int) -> ApiToken:
    """Revoke one of the account's tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or token.account_id != account_id:
        raise NotFound(f"未找到编号为 {token_id} 的令牌。", f"No token {token_id}.")
    token.revoked_at = token.revoked_at or now()
    return token
