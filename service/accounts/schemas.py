"""Request and response models of the accounts API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from service.accounts.roles import Role


class LoginIn(BaseModel):
    """Username and password."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    next: str | None = Field(default=None, max_length=2000, description="Page to open after login")


class LoginOut(BaseModel):
    """Where the browser goes next (the password page when a change is due)."""

    next: str
    must_change_password: bool


class PasswordChangeIn(BaseModel):
    """One's current password and the new one."""

    current: str = Field(min_length=1, max_length=256)
    new: str = Field(min_length=1, max_length=256)


class Link(BaseModel):
    """A task on the start page."""

    title: str
    href: str
    description: str


class MeOut(BaseModel):
    """The caller: who, which role, which scope, what the role does."""

    id: int
    username: str
    name: str
    organisation: str
    role: Role
    role_label: str
    scope_label: str
    scope_all: bool
    scope_units: list[str]
    must_change_password: bool
    permissions: list[str]
    csrf_token: str | None = Field(description="Send as X-CSRF-Token with every write made from a page")
    tasks: list[Link]


class AccountIn(BaseModel):
    """A new real-name account."""

    username: str = Field(min_length=2, max_length=64)
    name: str = Field(min_length=1, max_length=100, description="Real name")
    organisation: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    role: Role
    scope_code: str | None = Field(
        default=None, max_length=12, description="Division for office/leader roles"
    )
    scope_plan_id: int | None = Field(
        default=None, ge=1, le=2**63 - 1, description="Plan of a firm/inspector"
    )
    scope_group: str | None = Field(default=None, max_length=100, description="Group (firm) in that plan")


class AccountPatch(BaseModel):
    """What an administrator may change on an account."""

    active: bool | None = None
    phone: str | None = Field(default=None, max_length=40)
    organisation: str | None = Field(default=None, min_length=1, max_length=200)


class AccountOut(BaseModel):
    """An account as administrators see it (never the password hash)."""

    id: int
    username: str
    name: str
    organisation: str
    phone: str | None
    role: Role
    role_label: str
    scope_code: str | None
    scope_plan_id: int | None
    scope_group: str | None
    active: bool
    must_change_password: bool
    locked_until: dt.datetime | None
    created_at: dt.datetime


class AccountCreated(BaseModel):
    """A new account and its first password, shown this once."""

    account: AccountOut
    password: str = Field(description="First password: shown once; it must be changed at the first login")


class PasswordReset(BaseModel):
    """A reset password, shown this once."""

    account_id: int
    password: str


class TokenIn(BaseModel):
    """A new personal API token."""

    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(default=None, ge=1, le=3650, description="Expires after this many days")


class TokenOut(BaseModel):
    """A token (its secret only once, at creation)."""

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    token: str | None = Field(default=None, description="The secret, only in the creation response")


class AuditEventOut(BaseModel):
    """One row of the audit trail."""

    id: int
    at: dt.datetime
    account_id: int | None
    actor: str
    request_id: str | None
    action: str
    target_type: str | None
    target_id: str | None
    outcome: str
    detail: dict
    ip: str | None
    hash: str


class AuditVerifyOut(BaseModel):
    """What the chain check found."""

    intact: bool
    rows: int
    head: str
    problems: list[dict]
