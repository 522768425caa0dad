"""Helpers of the road tests: tiny networks written as real files (GeoJSON, GeoPackage, zipped shapefile)."""

from __future__ import annotations

import itertools
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Geod

from service.audit.trail import Actor
from service.roads.importing import import_roads
from tests.factories import make_account

# A square of 0.01° (about 900 m × 1,110 m) near 兰州 with one diagonal SW-NE.
X0, Y0, S = 103.80, 36.00, 0.01
SW, SE, NE, NW = (X0, Y0), (X0 + S, Y0), (X0 + S, Y0 + S), (X0, Y0 + S)
GEOD = Geod(ellps="GRS80")  # CGCS2000's ellipsoid (PostGIS measures EPSG:4490 geography on it)
_names = itertools.count()


def metres(a, b) -> float:
    """Geodesic length of the segment a-b."""
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def square_lines(oneway: bool = False) -> gpd.GeoDataFrame:
    """Four sides (county roads 县道, 50 km/h) and a diagonal SW-NE (national road 国道, 70 km/h); with
    ``oneway`` the south side may only be driven SW -> SE."""
    lines = [(SW, SE), (SE, NE), (NE, NW), (NW, SW), (SW, NE)]
    data = {"道路等级": ["县道", "县道", "县道", "县道", "国道"], "名称": [f"路{i}" for i in range(5)]}
    if oneway:
        data["单行"] = ["是", "", "", "", ""]
    return gpd.GeoDataFrame(data, geometry=[shapely.LineString(p) for p in lines], crs="EPSG:4490")


def write(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    """Write a layer as GeoJSON, GeoPackage or a zipped shapefile (by the suffix of ``path``)."""
    if path.suffix == ".zip":
        folder = path.with_suffix("")
        folder.mkdir()
        gdf.to_file(folder / "roads.shp", encoding="utf-8")
        with zipfile.ZipFile(path, "w") as z:
            for f in folder.iterdir():
                z.write(f, f.name)
        return path
    gdf.to_file(path, driver="GPKG" if path.suffix == ".gpkg" else "GeoJSON")
    return path


def import_file(engine, path: Path, crs: str | None = "EPSG:4490", name: str = "测试路网", **kw):
    """Import ``path`` as a provincial office's account; the built network."""
    account = make_account(engine, f"roads-{next(_names)}", "province")
    return import_roads(engine, path, name=name, source="测试", licence="CC0", crs=crs,
                        actor=Actor(account.id, "路网测试"), **kw)  # fmt: skip
