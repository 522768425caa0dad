"""Access to houses, sensitive sites and their proximity in PostGIS."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.enums import SiteKind
from service.core.errors import InvalidInput, NotFound
from service.core.queries import SqlFiles
from service.frame.proximity import radii

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


def houses_geojson(session: Session, bbox: BBox | None, limit: int, after_id: int | None, **filters) -> str:
    """A page of houses as GeoJSON text."""
    params = {**(bbox.params() if bbox else NO_BBOX), "limit": limit, "after_id": after_id, **filters}
    return session.execute(SQL.one("houses"), params).scalar_one()


def house_id(session: Session, key: str) -> int:
    """The id of a house given its id or its survey code."""
    found = session.execute(
        text("SELECT id FROM house WHERE survey_code = :key OR (CAST(:key AS text) ~ '^[0-9]{1,18}$' "
             "AND id = CAST(:key AS bigint)) ORDER BY survey_code = :key DESC LIMIT 1"),
        {"key": key},
    ).scalar()  # fmt: skip
    if found is None:
        raise NotFound(
            f"未找到自建房“{key}”（可用数据库编号或自建房排查编码查询）。",
            f"No house has the id or survey code {key!r}.",
        )
    return found


def house_feature(session: Session, key: str) -> dict:
    """One house with its hazard history and nearby sites."""
    return json.loads(session.execute(SQL.one("house_detail"), {"id": house_id(session, key)}).scalar_one())


def sites_near_house(session: Session, key: str) -> list[dict]:
    """Every site within its kind's radius of the house."""
    r = radii()
    rows = session.execute(
        SQL.one("sites_near_house"),
        {"house_id": house_id(session, key), "kinds": list(r), "metres": list(r.values())},
    ).mappings()
    return [dict(row) for row in rows]


def site_kind(session: Session, site_id: int) -> SiteKind:
    """The kind of a site, or NotFound."""
    kind = session.execute(text("SELECT kind FROM sensitive_site WHERE id = :id"), {"id": site_id}).scalar()
    if kind is None:
        raise NotFound(f"未找到编号为 {site_id} 的敏感场所。", f"No sensitive site has the id {site_id}.")
    return SiteKind(kind)


def houses_near_site(session: Session, site_id: int) -> str:
    """Houses within the site's radius, as GeoJSON text."""
    kind = site_kind(session, site_id)
    return session.execute(
        SQL.one("houses_near_site"), {"site_id": site_id, "metres": radii()[kind.value]}
    ).scalar_one()


def sites_geojson(session: Session, kind: str | None, unit: str | None, bbox: BBox | None) -> str:
    """Sensitive sites as GeoJSON text."""
    params = {**(bbox.params() if bbox else NO_BBOX), "kind": kind, "unit": unit}
    return session.execute(SQL.one("sites"), params).scalar_one()


def proximity_summary(session: Session, by: str) -> list[dict]:
    """Counts of houses near sensitive sites per sampling unit or per city."""
    return [dict(r) for r in session.execute(SQL.one("proximity_summary"), {"by": by}).mappings()]
