"""Proximity of houses to sensitive sites in PostGIS (the offline twin is ``geo.proximity``).

For each house and each site kind, the nearest site of that kind within the kind's radius is kept in
``house_proximity``, with its geodesic distance in metres on the CGCS2000 ellipsoid. No national rule sets
the radii: they are settings (``SPOTCHECK_RADIUS_*``), defaulting to ``geo.proximity.DEFAULT_RADII_M``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from service.queries import script
from service.settings import get_settings


def radii(overrides: dict[str, float] | None = None) -> dict[str, float]:
    """The radius in metres per site kind code: settings, then any overrides."""
    values = get_settings().radius.as_dict()
    values.update(overrides or {})
    return values


def refresh_proximity(
    conn: Connection,
    radii_m: dict[str, float] | None = None,
    house_ids: Sequence[int] | None = None,
    batch_id: int | None = None,
) -> None:
    """Recompute proximity for the given houses, the houses of one import batch, or all houses."""
    if house_ids is not None and not house_ids:
        return
    r = radii(radii_m)
    params = {
        "kinds": list(r),
        "metres": [float(v) for v in r.values()],
        "house_ids": None if house_ids is None else list(house_ids),
        "batch_id": batch_id,
    }
    for statement in script("proximity_refresh"):
        conn.execute(statement, params)
