"""Access to houses, sensitive sites and their proximity in PostGIS, limited to the caller's scope.

Every query takes the caller's scope (``Scope.params``) and applies it in SQL: a house is in scope if its
county is (an inspector's: if it is also assigned to the team), a site if its county is. A house or site
outside the scope is answered like one that does not exist (404), so an id reveals nothing. Proximity
flags and distances belong to the house (a house of the scope near a school across the county line is near
a school), but a site itself (id, name, position) is listed only when it is in scope too, and "houses near
a site" counts houses in scope only. The radii come from the settings the route was given
(``settings.radius.model_dump()``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from sqlalchemy.orm import Session

from geo.enums import SiteKind
from service.accounts.scope import Scope
from service.core.errors import InvalidInput, NotFound
from service.core.queries import SqlFiles

SQL = SqlFiles("service.frame")


@dataclass(frozen=True)
class BBox:
    """A lon/lat box in CGCS2000 degrees."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @classmethod
    def parse(cls, value: str | None) -> BBox | None:
        """Parse 'min_lon,min_lat,max_lon,max_lat': finite degrees, lon within ±180, lat within ±90."""
        if value is None:
            return None
        try:
            parts = [float(v) for v in value.split(",")]
        except ValueError:
            parts = []
        if (
            len(parts) != 4
            or not all(math.isfinite(p) for p in parts)  # nan and inf parse as floats
            or not (-180 <= parts[0] < parts[2] <= 180 and -90 <= parts[1] < parts[3] <= 90)
        ):
            shown = value[:100]
            raise InvalidInput(
                f"bbox “{shown}”无效：应为 最小经度,最小纬度,最大经度,最大纬度（CGCS2000，经度 -180～180，纬度 -90～90，"
                "最小值小于最大值），如 103.7,36.0,103.9,36.1。",
                f"Invalid bbox {shown!r}: expected min_lon,min_lat,max_lon,max_lat with lon in -180..180 and lat "
                "in -90..90, each minimum below its maximum, e.g. 103.7,36.0,103.9,36.1.",
            )
        return cls(*parts)

    def params(self) -> dict[str, float | None]:
        """Bind parameters of the box."""
        return {
            "min_lon": self.min_lon,
            "min_lat": self.min_lat,
            "max_lon": self.max_lon,
            "max_lat": self.max_lat,
        }


NO_BBOX = {"min_lon": None, "min_lat": None, "max_lon": None, "max_lat": None}


def houses_geojson(
    session: Session, scope: Scope, bbox: BBox | None, limit: int, after_id: int | None, **filters
) -> str:
    """A page of the houses in scope as GeoJSON text."""
    params = {**(bbox.params() if bbox else NO_BBOX), "limit": limit, "after_id": after_id, **filters}
    return session.execute(SQL.one("houses"), {**params, **scope.params()}).scalar_one()


def house_id(session: Session, scope: Scope, key: str) -> int:
    """The id of a house in scope given its id or its survey code; NotFound for one outside the scope."""
    found = session.execute(
        SQL.one("house_id_by_key"),
        {"key": key, **scope.params()},
    ).scalar()  # fmt: skip
    if found is None:
        raise NotFound(
            f"未找到自建房“{key}”（可用数据库编号或自建房排查编码查询）。",
            f"No house has the id or survey code {key!r}.",
        )
    return found


def house_feature(session: Session, scope: Scope, key: str) -> dict:
    """One house in scope with its hazard history and the nearby sites in scope."""
    params = {"id": house_id(session, scope, key), **scope.params()}
    return json.loads(session.execute(SQL.one("house_detail"), params).scalar_one())


def sites_near_house(session: Session, scope: Scope, key: str, radii_m: dict[str, float]) -> list[dict]:
    """Every site in scope within its kind's radius (``radii_m``, metres per kind) of the house."""
    rows = session.execute(
        SQL.one("sites_near_house"),
        {"house_id": house_id(session, scope, key), "kinds": list(radii_m),
         "metres": [float(v) for v in radii_m.values()], **scope.params()},
    ).mappings()  # fmt: skip
    return [dict(row) for row in rows]


def site_kind(session: Session, scope: Scope, site_id: int) -> SiteKind:
    """The kind of a site in scope, or NotFound (also for a site outside the scope)."""
    kind = session.execute(SQL.one("site_kind"), {"id": site_id, **scope.params()}).scalar()  # fmt: skip
    if kind is None:
        raise NotFound(f"未找到编号为 {site_id} 的敏感场所。", f"No sensitive site has the id {site_id}.")
    return SiteKind(kind)


def houses_near_site(session: Session, scope: Scope, site_id: int, radii_m: dict[str, float]) -> str:
    """Houses in scope within the site's radius, as GeoJSON text."""
    kind = site_kind(session, scope, site_id)
    params = {"site_id": site_id, "metres": float(radii_m[kind.value]), **scope.params()}
    return session.execute(SQL.one("houses_near_site"), params).scalar_one()


def sites_geojson(
    session: Session, scope: Scope, kind: str | None, unit: str | None, bbox: BBox | None
) -> str:
    """Sensitive sites in scope as GeoJSON text."""
    params = {**(bbox.params() if bbox else NO_BBOX), "kind": kind, "unit": unit, **scope.params()}
    return session.execute(SQL.one("sites"), params).scalar_one()


def proximity_summary(session: Session, scope: Scope, by: str) -> list[dict]:
    """Counts of houses near sensitive sites per sampling unit or per city, over the houses in scope."""
    params = {"by": by, **scope.params()}
    return [dict(r) for r in session.execute(SQL.one("proximity_summary"), params).mappings()]
