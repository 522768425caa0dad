"""Access to the division tree and the sampling units in PostGIS."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.enums import DivisionLevel
from service.accounts.scope import Scope
from service.core.errors import NotFound
from service.core.queries import SqlFiles

SQL = SqlFiles("service.divisions")

# Where a person finds the valid codes of each level.
_LISTING = {
    DivisionLevel.PROVINCE: "/api/v1/cities",
    DivisionLevel.CITY: "/api/v1/cities",
    DivisionLevel.COUNTY: "/api/v1/counties",
    DivisionLevel.TOWNSHIP: "/api/v1/townships?county=<县区代码>",
}


def require_division(session: Session, code: str, level: DivisionLevel, scope: Scope | None = None) -> str:
    """Return ``code`` if it names a division of ``level`` (in ``scope``, if given: else 403); otherwise raise
    a NotFound a person can act on. One look-up serves both checks."""
    row = session.execute(
        text("SELECT level, parent_code FROM division WHERE code = :code"), {"code": code}
    ).one_or_none()
    found = row[0] if row else None
    if found == level.value:
        if scope is not None:
            scope.check_division(code, found, row[1])
        return code
    listing = _LISTING[level]
    if found is None:
        raise NotFound(
            f"未找到{level.label}代码“{code}”。请使用 {listing} 列出的代码。",
            f"No {level.value} has the code {code!r}. Use one of the codes listed at {listing}.",
        )
    raise NotFound(
        f"代码“{code}”是{DivisionLevel(found).label}，不是{level.label}。请使用 {listing} 列出的代码。",
        f"The code {code!r} names a {found}, not a {level.value}. Use one of the codes listed at {listing}.",
    )


def divisions_geojson(
    session: Session, scope: Scope, level: DivisionLevel, parent_code: str | None, digits: int,
    code: str | None = None,
) -> str:  # fmt: skip
    """Divisions of ``level`` in scope (children of ``parent_code``, or only ``code``) as GeoJSON text."""
    params = {"level": level.value, "parent_code": parent_code, "code": code, "digits": digits, **scope.params()}
    return session.execute(SQL.one("divisions"), params).scalar_one()


def sampling_units_geojson(session: Session, scope: Scope, city_code: str | None, digits: int) -> str:
    """Sampling units in scope (of one city if given) as GeoJSON text."""
    params = {"city_code": city_code, "digits": digits, **scope.params()}
    return session.execute(SQL.one("sampling_units"), params).scalar_one()


def division_feature(session: Session, scope: Scope, code: str, digits: int) -> dict:
    """One division as a GeoJSON Feature, whatever its level."""
    level = session.execute(text("SELECT level FROM division WHERE code = :code"), {"code": code}).scalar()
    if level is None:
        raise NotFound(
            f"未找到行政区划代码“{code}”。省市县代码为6位、乡镇街道代码为9位，"
            "可从 /api/v1/cities 开始逐级查找。",
            f"No division has the code {code!r}. Codes are 6 digits (province, city, county) or 9 digits "
            "(township); start from /api/v1/cities.",
        )
    scope.require_division(session, code)
    collection = divisions_geojson(session, scope, DivisionLevel(level), None, digits, code=code)
    return json.loads(collection)["features"][0]
