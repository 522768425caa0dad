"""Proximity of houses to sensitive sites in PostGIS (the offline twin is ``geo.proximity``).

For each house and each site kind, the nearest site of that kind within the kind's radius is kept in
``house_proximity``, with its geodesic distance in metres on the CGCS2000 ellipsoid. No national rule sets
the radii: they are settings (``SPOTCHECK_RADIUS_*``), defaulting to ``geo.proximity.DEFAULT_RADII_M``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from service.core.queries import SqlFiles
from service.core.settings import get_settings

SQL = SqlFiles("service.frame")


def radii(overrides: dict[str, float] | None = None) -> dict[str, float]:
    """The radius in metres per site kind code: the process settings, then any overrides.

    For work outside a request (imports, the CLI, ``refresh_proximity``); routes pass the radii of the
    settings the app was made with (``settings.radius.model_dump()``) instead.
    """
    values = get_settings().radius.as_dict()
    values.update(overrides or {})
    return values


# Sites finding their houses cost about 0.1 ms a site (2 s for 20,000 sites, whatever the houses);
# houses finding their sites about 0.04 ms a house. Below this many houses per site, houses drive.
HOUSES_PER_SITE_TO_DRIVE = 2.5


def refresh_proximity(
    conn: Connection,
    radii_m: dict[str, float] | None = None,
    house_ids: Sequence[int] | None = None,
    batch_id: int | None = None,
    from_sites: bool | None = None,
    houses: int | None = None,
) -> None:
    """Recompute proximity for the given houses, the houses of one import batch, or all houses.

    ``from_sites`` says which side's index drives the search; by default the cheaper one for the number
    of houses concerned (see proximity_refresh.sql for why the planner is not left to choose), which
    ``houses`` may give when the caller knows it.
    """
    if house_ids is not None and not house_ids:
        return
    r = radii(radii_m)
    if from_sites is None:
        if houses is None:
            houses = _houses_concerned(conn, house_ids, batch_id)
        sites = conn.execute(text("SELECT count(*) FROM sensitive_site")).scalar_one()
        from_sites = houses > HOUSES_PER_SITE_TO_DRIVE * sites
    params = {
        "kinds": list(r),
        "metres": [float(v) for v in r.values()],
        "house_ids": None if house_ids is None else list(house_ids),
        "batch_id": batch_id,
        "from_sites": from_sites,
    }
    for statement in SQL.script("proximity_refresh"):
        conn.execute(statement, params)


def _houses_concerned(conn: Connection, house_ids: Sequence[int] | None, batch_id: int | None) -> int:
    if house_ids is not None:
        return len(house_ids)
    if batch_id is not None:
        return conn.execute(
            text("SELECT count(*) FROM house WHERE import_batch_id = :b"), {"b": batch_id}
        ).scalar_one()
    return conn.execute(text("SELECT count(*) FROM house")).scalar_one()
