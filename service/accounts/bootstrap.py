"""The first account of an embedded development setup: one provincial administrator.

Only the embedded cluster of ``make run`` gets it (never a database named by ``DATABASE_URL``, never
production): when the database holds no account, an administrator ``admin`` is created with a generated
password that is printed once and stored mode 600 in the data directory; it must be changed at the
first login.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from geo.gansu import PROVINCE_CODE
from service.accounts import service as accounts
from service.accounts.models import Account
from service.accounts.roles import Role
from service.audit import trail
from service.audit.trail import Actor
from service.core.settings import Settings

ADMIN = "admin"


def password_file(settings: Settings) -> Path:
    """Where the first administrator's password is kept (mode 600)."""
    return Path(settings.db.data_dir) / "admin-password"


def ensure_admin(engine: Engine, settings: Settings) -> str | None:
    """Create the first administrator if no account exists; return its password (only that once)."""
    if settings.environment == "production" or not settings.db.embedded:
        return None
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Account)):
            return None
        account, password = accounts.create_account(
            session,
            accounts.NewAccount(
                username=ADMIN, name="省专班管理员", organisation="甘肃省自建房安全专项整治工作专班",
                role=Role.PROVINCE, scope_code=PROVINCE_CODE,
            ),
        )  # fmt: skip
        trail.record(session, Actor(None, "首次安装（spotcheck serve）"), "account_create", "account", account.id,
                     detail={"username": ADMIN, "role": "province", "bootstrap": True})  # fmt: skip
        path = password_file(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(f"{ADMIN}\n{password}\n")
        os.chmod(path, 0o600)
        session.commit()
        return password
