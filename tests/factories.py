"""Small factories for tests: accounts with a known password and an API token, a point inside a division."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from service.accounts import service as accounts
from service.accounts.passwords import hash_password
from service.accounts.roles import Role

PASSWORD = "Gansu-Test-2024!"


@dataclass(frozen=True)
class TestAccount:
    """An account made for a test: log in with ``username`` / ``password`` or send ``token``."""

    id: int
    username: str
    password: str
    token: str
    role: Role

    @property
    def headers(self) -> dict[str, str]:
        """Headers that authenticate as this account."""
        return {"Authorization": f"Bearer {self.token}"}


def make_account(
    engine,
    username: str,
    role: Role | str = Role.PROVINCE,
    scope_code: str | None = None,
    plan_id: int | None = None,
    group: str | None = None,
    name: str | None = None,
) -> TestAccount:
    """Create an active account whose password need not be changed, with one API token."""
    role = Role(role)
    with Session(engine) as session:
        account, _ = accounts.create_account(
            session,
            accounts.NewAccount(
                username=username, name=name or f"测试{username}", organisation="测试单位", role=role,
                scope_code=scope_code, scope_plan_id=plan_id, scope_group=group,
            ),
        )  # fmt: skip
        account.password_hash = hash_password(PASSWORD)
        account.must_change_password = False
        _, token = accounts.create_token(session, account, "tests")
        session.commit()
        return TestAccount(account.id, username, PASSWORD, token, role)


def point_in(conn, code: str) -> tuple[float, float]:
    """A point inside division ``code`` (lon, lat in EPSG:4490), on a session or connection."""
    return tuple(conn.execute(text(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM division WHERE code = :c) q"),
        {"c": code}).one())  # fmt: skip
