"""What the maps ask the database: vector tiles of hazardous houses, choropleth figures, key figures.

Everything is counted over the caller's scope, in SQL (``Scope.params``): tiles draw only the houses in
scope (and are cached per scope), a city's choropleth figures are those of its units in scope, and the key
figures of a division outside the scope are refused (403). An inspector's scope (a team) counts only the
houses assigned to the team, from the houses themselves: the pre-counted views would count the others too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from geo.enums import DivisionLevel
from geo.gansu import PROVINCE_CODE
from service.accounts.scope import Scope
from service.core.errors import InvalidInput
from service.core.queries import SqlFiles
from service.core.settings import MapSettings
from service.divisions.queries import require_division

SQL = SqlFiles("service.maps")

# Below this zoom, tiles carry counted clusters (house_cluster, zooms 3-9), from it on, houses.
CLUSTER_BELOW_ZOOM = 10
MIN_CLUSTER_ZOOM = 3

# Display simplification per level, in degrees (about 500 m, 200 m, 50 m).
TOLERANCE = {"city": 0.005, "county": 0.002, "township": 0.0005}
PARENT_LEVEL = {"county": DivisionLevel.CITY, "township": DivisionLevel.COUNTY}
PROVINCE = PROVINCE_CODE
# Rectification status colours of the hazard maps (the leaders' map and the standalone unit map).
STATUS_COLORS = {"pending": "#d7301f", "in_progress": "#fc8d59", "done": "#1a9850"}


class TileCache:
    """Recently served tiles, keyed by the map data's version (map_version_seq), the caller's scope
    (``Scope.key``: two scopes never share a tile) and the request."""

    def __init__(self, capacity: int = 8192) -> None:
        self.capacity = capacity
        self._tiles: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        """A cached tile, marked as recently used."""
        with self._lock:
            tile = self._tiles.get(key)
            if tile is not None:
                self._tiles.move_to_end(key)
            return tile

    def put(self, key: tuple, tile: bytes) -> None:
        """Keep a tile, dropping the least recently used beyond capacity."""
        with self._lock:
            self._tiles[key] = tile
            if len(self._tiles) > self.capacity:
                self._tiles.popitem(last=False)


TILES = TileCache()


def map_version(session: Session) -> int:
    """The map data's version: it changes whenever refresh_map_views runs."""
    return int(session.execute(text("SELECT last_value FROM map_version_seq")).scalar_one())


def house_tile(session: Session, scope: Scope, z: int, x: int, y: int, **filters) -> bytes:
    """One MVT tile of the hazardous houses in scope: points from the cluster zoom on, counted clusters
    below it."""
    if not (0 <= z <= 22 and 0 <= x < 2**z and 0 <= y < 2**z):
        raise InvalidInput(f"瓦片坐标无效：{z}/{x}/{y}。", f"Invalid tile coordinates {z}/{x}/{y}.")
    if z < MIN_CLUSTER_ZOOM:
        return b""  # the whole of China in a tile: the map starts at zoom 5
    key = (map_version(session), scope.key, z, x, y, tuple(sorted((k, str(v)) for k, v in filters.items())))
    tile = TILES.get(key)
    if tile is None:
        query = SQL.one("tile_houses") if z >= CLUSTER_BELOW_ZOOM else SQL.one("tile_clusters")
        params = {"z": z, "x": x, "y": y, **filters, **scope.params()}
        tile = bytes(session.execute(query, params).scalar() or b"")
        TILES.put(key, tile)
    return tile


def refresh_map_views(conn: Connection) -> None:
    """Recount the map's pre-counted views: low-zoom clusters and per-township figures (after imports and
    demo loads; a few seconds for a million houses)."""
    conn.execute(text("SET LOCAL jit = off"))  # compiling took as long as refreshing, on any server
    # Both views group a million rows into a few hundred thousand cells at most. Right after a big import
    # the statistics are stale and the planner sorts instead (every text comparison a strcoll under
    # C.UTF-8); hashing refreshes them in 2.2 s instead of 3.2 s for a million houses.
    conn.execute(text("SET LOCAL enable_sort = off"))
    # Both views, by the owner's function (migration 0011): the service owns no view, and REFRESH needs that.
    conn.execute(text("SELECT refresh_map_views()"))
    conn.execute(
        text("SELECT nextval('map_version_seq')")
    )  # cached tiles of the old data are not served again


def divisions_with_figures(session: Session, scope: Scope, level: str, parent: str | None) -> str:
    """GeoJSON of one level's divisions in scope (children of ``parent``) with the leaders' indicators,
    counted over the units in scope: a county office sees its own city with its own county's figures.
    A ``parent`` outside the scope is refused (403)."""
    if level not in TOLERANCE:
        raise InvalidInput("level 应为 city、county 或 township。", "level must be city, county or township.")
    if level != "city":
        if parent is None:
            raise InvalidInput(
                f"level={level} 需要 parent（上级代码）。", f"level={level} needs a parent code."
            )
        require_division(session, parent, PARENT_LEVEL[level], scope)
    elif parent is not None and parent != PROVINCE:
        raise InvalidInput("市州的上级只能是甘肃省 620000。", "The parent of cities is the province, 620000.")
    params = {"level": level, "parent": None if level == "city" else parent, "tolerance": TOLERANCE[level]}
    return session.execute(SQL.one("map_divisions"), {**params, **scope.params()}).scalar_one()


def summary(session: Session, scope: Scope, code: str | None) -> dict:
    """Key figures of a division (the province by default), counted over the houses in scope.

    A city, county or township outside the scope is refused (403). The province is not refused to a caller
    whose scope is part of it (the map page opens on the province): its figures are then those of the
    scope only, and ``partial`` says so, as it does for a city of which the scope holds only some units.
    """
    code = code or PROVINCE
    if code != PROVINCE:
        scope.require_division(session, code)
    params = {"code": code, **scope.params()}
    row = session.execute(SQL.one("map_summary"), params).mappings().one_or_none()
    if row is None:
        require_division(session, code, DivisionLevel.CITY)  # raises the actionable 404
    out = dict(row) | {"scope": scope.label}
    out["rectified_share"] = float(out["rectified_share"]) if out["rectified_share"] is not None else None
    for key in (
        "houses",
        "hazardous",
        "collapse_risk",
        "pending",
        "in_progress",
        "done",
        "closed_out",
        "overdue",
        "near_school_hazardous",
    ):
        out[key] = int(out[key])
    return out


def synthetic_frame(session: Session, scope: Scope) -> bool:
    """Whether the houses on the map (those in scope) include synthetic ones."""
    return bool(
        session.execute(SQL.one("has_synthetic_houses"), scope.params()).scalar()
    )  # fmt: skip


def config(session: Session, settings: MapSettings, scope: Scope) -> dict:
    """What the map page needs to start: basemaps on offer (``settings``: the app's map settings), view,
    tile URL, colours, synthetic banner."""
    basemaps = [{"id": "none", "name": "无底图（行政区划）"}]
    if settings.osm_enabled:
        basemaps.append({"id": "osm", "name": "OpenStreetMap", "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                         "attribution": "© OpenStreetMap contributors"})  # fmt: skip
    if settings.tianditu_key:
        basemaps.append({
            "id": "tianditu", "name": "天地图",
            "url": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec"
                   "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
                   f"&tk={settings.tianditu_key}",
            "subdomains": "01234567", "attribution": "© 天地图 国家地理信息公共服务平台",
        })  # fmt: skip
    return {
        "basemaps": basemaps,
        "default_basemap": "none",
        "center": [36.3, 102.5],
        "zoom": 6,
        "max_zoom": 18,
        "house_tiles": "/api/v1/tiles/houses/{z}/{x}/{y}.pbf",
        "cluster_below_zoom": CLUSTER_BELOW_ZOOM,
        "min_zoom": 5,
        "synthetic_frame": synthetic_frame(session, scope),
        "status_colors": STATUS_COLORS,
        "crs_note": "数据坐标系 CGCS2000（EPSG:4490），地图显示为 Web 墨卡托（EPSG:3857）",
    }

