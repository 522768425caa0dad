"""Synthetic, reproducible demo frame: township polygons, houses, hazard records and sensitive sites.

No offline source has township polygons, house records or school locations (the house registry is
confidential), so the demo ships a generated frame on top of the **real** county polygons and the **real**
NBS township list (``boundaries/``). Everything this module returns is synthetic: township polygons are
Voronoi cells, not legal boundaries; villages, addresses, school and hospital names are generated from
character pools and coincide with real places only by chance. The loader labels every row as synthetic.

How the frame is made (all in numpy/shapely/pyproj, no database):

1. **Townships.** One seed point per NBS township inside its county, in the county's CGCS2000
   Gauss-Krueger zone: streets (街道) cluster around the county seat (taken as the pole of inaccessibility
   of the county polygon), the seat town (the first 镇 by code in counties without streets) sits on it,
   towns spread over the county, townships (乡) lean outwards, development zones sit near the seat. The
   Voronoi cells of the seeds, clipped to the real county polygon on the 1e-6 degree grid, are the
   township polygons: they partition the county exactly, one (Multi)Polygon per township.
2. **Houses.** Each county gets a share of ``FrameSpec.houses`` (districts and county-level cities
   heavier, larger counties somewhat heavier, a floor so that no unit is tiny), each township a share of
   its county (streets and the seat town heaviest), and each township a mixture of Gaussian settlement
   clusters: its seat (the seed point) and its communities (社区) or villages (村). Points are rejection
   sampled strictly inside the township and the county polygon. Attributes follow the settlement's
   urbanity, the era and the region (河西 masonry and earth; 陇南/甘南/临夏 timber and earth-stone;
   mountain geohazards in 陇南/甘南/定西).
3. **Hazard records.** About ``hazardous_share`` of the houses per county are drawn by weighted sampling
   without replacement (older, earth-timber, masonry, altered, geohazard-exposed and commercial houses
   weigh more; the commercial weight is calibrated per county so that about 35-50 % of the hazardous
   houses are commercial or mixed, as the campaign targets them). About 5 % of hazardous houses carry a
   closed, superseded earlier record.
4. **Sites.** Every street, town and township gets a central school and kindergarten near its seat, more
   schools and kindergartens follow the houses (one per few hundred houses), about 50 colleges sit in
   兰州 and the city seats, a few hospitals in each county seat.

Determinism: every random stream is ``numpy.random.default_rng(SeedSequence([seed, code, stream]))`` for
the county or township ``code`` it serves, so the same seed gives byte-identical frames whatever the
iteration order, and a county's houses do not depend on the other counties (only its house count does).

This module holds the entry points (:func:`load_gansu_inputs`, :func:`generate_frame`) and the assembly of the
counties' parts into frames; the steps live in ``spec`` (FrameSpec, SyntheticFrame), ``region`` (random
streams, region facts), ``townships`` (1.), ``settlements`` and ``houses`` (2.), ``hazards`` (3.) and
``sites`` (4.).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import CGCS2000
from geo.enums import SourceCrs

# The generator's steps, one module each; the public names are kept importable from here as before the split.
from geo.synthetic.hazards import _RECORDS_START, _generate_hazards
from geo.synthetic.houses import _ALTER, _GEOHAZ, _MEASURE, _generate_houses, _mask_lists
from geo.synthetic.region import GEOHAZARD_RATE as GEOHAZARD_RATE
from geo.synthetic.region import HEXI_CITIES as HEXI_CITIES
from geo.synthetic.region import MOUNTAIN_CITIES as MOUNTAIN_CITIES
from geo.synthetic.region import SCENIC_COUNTIES as SCENIC_COUNTIES
from geo.synthetic.region import SOUTH_CITIES as SOUTH_CITIES
from geo.synthetic.settlements import _allocate_county_houses
from geo.synthetic.sites import HOUSES_PER_KINDERGARTEN as HOUSES_PER_KINDERGARTEN
from geo.synthetic.sites import HOUSES_PER_SCHOOL as HOUSES_PER_SCHOOL
from geo.synthetic.sites import _generate_sites
from geo.synthetic.spec import FrameSpec, SyntheticFrame
from geo.synthetic.townships import _CountyProfile, _layout_townships

# ---------------------------------------------------------------------------------------------------------
# Public API


def load_gansu_inputs() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Read the committed real boundaries for the generator.

    Returns ``counties`` (code, name, city_code, geometry; EPSG:4490) from
    ``boundaries/gansu_counties.geojson`` and ``townships`` (code, name, county_code, kind) from
    ``boundaries/gansu_townships.csv``, both sorted by code.
    """
    from boundaries import COUNTIES, TOWNSHIPS

    counties = gpd.read_file(COUNTIES)
    counties = counties[["code", "name", "city_code", "geometry"]].sort_values("code", ignore_index=True)
    counties = counties.set_crs(CGCS2000, allow_override=True)
    townships = pd.read_csv(TOWNSHIPS, dtype=str, keep_default_na=False)
    townships = townships[["code", "name", "county_code", "kind"]].sort_values("code", ignore_index=True)
    return counties, townships


def generate_frame(
    counties: gpd.GeoDataFrame,
    townships: pd.DataFrame,
    spec: FrameSpec = FrameSpec(),  # noqa: B008 - frozen
) -> SyntheticFrame:
    """Generate the synthetic frame for ``counties`` and their ``townships`` (see the module docstring).

    ``counties`` needs code, name, city_code and a lon/lat geometry; ``townships`` needs code, name,
    county_code and kind (``TownshipKind`` codes). A subset of counties is fine (tests use one); every
    county must have at least one township. ``spec.houses`` is shared among the given counties.
    """
    if spec.houses < 0 or not 0.0 <= spec.hazardous_share <= 1.0:
        raise ValueError("houses must be >= 0 and hazardous_share within [0, 1]")
    counties = counties.sort_values("code", ignore_index=True)
    townships = townships.sort_values("code", ignore_index=True)
    by_county = {code: grp for code, grp in townships.groupby("county_code", sort=True)}
    missing = [c for c in counties["code"] if c not in by_county]
    if missing:
        raise ValueError(f"counties without townships: {missing}")

    profiles = [
        _CountyProfile.make(row.code, row.name, row.city_code, row.geometry, by_county[row.code])
        for row in counties.itertuples()
    ]
    house_counts = _allocate_county_houses(profiles, spec.houses)

    tship_frames, house_parts, record_parts, site_parts = [], [], [], []
    for prof, n_houses in zip(profiles, house_counts, strict=True):
        layout = _layout_townships(prof, spec.seed)
        tship_frames.append(
            pd.DataFrame({"code": prof.tship_codes, "county_code": prof.code, "geometry": layout.polygons})
        )
        houses = _generate_houses(prof, layout, int(n_houses), spec)
        house_parts.append(houses)
        record_parts.append(_generate_hazards(prof, houses, spec))
        site_parts.append(_generate_sites(prof, layout, houses, spec))

    tships = gpd.GeoDataFrame(pd.concat(tship_frames, ignore_index=True), geometry="geometry", crs=CGCS2000)
    houses_df = _finish_houses(house_parts)
    records_df = _finish_records(record_parts)
    sites_df = _finish_sites(site_parts)
    return SyntheticFrame(
        townships=tships, houses=houses_df, hazard_records=records_df, sites=sites_df, spec=spec
    )


# ---------------------------------------------------------------------------------------------------------
# Assembly


def _finish_houses(parts: list[dict]) -> pd.DataFrame:
    cols = ["survey_code", "census_no", "county_code", "township_code", "village", "address", "lon", "lat",
            "use_class", "business_type", "area_type", "structure", "floors", "floors_band", "floor_area_m2",
            "build_year", "build_era"]  # fmt: skip
    data = {c: np.concatenate([p[c] for p in parts]) for c in cols}
    df = pd.DataFrame({c: data[c] for c in cols})
    for c in cols:
        if data[c].dtype == object:
            df[c] = df[c].astype("str")
    df["lon"] = df["lon"].astype("float64")
    df["lat"] = df["lat"].astype("float64")
    df["floors"] = df["floors"].astype("int16")
    df["build_year"] = df["build_year"].astype("int16")
    df["floor_area_m2"] = df["floor_area_m2"].astype("float64")
    for column, key, codes in (("alterations", "_alter_mask", _ALTER), ("geohazards", "_geo_mask", _GEOHAZ)):
        masks = np.concatenate([p[key] for p in parts])
        df[column] = pd.Series(_mask_lists(masks, codes), dtype=object)
    df["source_crs"] = pd.Series([SourceCrs.CGCS2000.value] * len(df), dtype="str")
    return df


def _days_to_dates(days: np.ndarray) -> pd.Series:
    dates = (_RECORDS_START + days.astype(np.int64)).astype("datetime64[s]")
    dates = np.where(days < 0, np.datetime64("NaT", "s"), dates)
    return pd.Series(dates, dtype="datetime64[s]")


def _finish_records(parts: list[dict]) -> pd.DataFrame:
    keys = ["survey_code", "seq", "record_code", "initial_determination", "hazard_grade", "appraisal_status",
            "appraisal_standard", "appraisal_grade", "rectification_status", "rectification_deadline",
            "_measures", "closed_out", "closed_out_on", "opened_on", "closed_on"]  # fmt: skip
    data = {k: np.concatenate([p[k] for p in parts]) for k in keys}
    df = pd.DataFrame(
        {
            "survey_code": pd.Series(data["survey_code"], dtype="str"),
            "seq": data["seq"].astype("int64"),
            "record_code": pd.Series(data["record_code"], dtype="str"),
            "initial_determination": pd.Series(data["initial_determination"], dtype="str"),
            "hazard_grade": pd.Series(data["hazard_grade"], dtype="str"),
            "appraisal_status": pd.Series(data["appraisal_status"], dtype="str"),
            "appraisal_standard": pd.Series(data["appraisal_standard"], dtype="str"),
            "appraisal_grade": pd.Series(data["appraisal_grade"], dtype="str"),
            "rectification_status": pd.Series(data["rectification_status"], dtype="str"),
            "rectification_deadline": _days_to_dates(data["rectification_deadline"]),
            "measures": pd.Series(_mask_lists(data["_measures"], _MEASURE), dtype=object),
            "closed_out": data["closed_out"].astype(bool),
            "closed_out_on": _days_to_dates(data["closed_out_on"]),
            "opened_on": _days_to_dates(data["opened_on"]),
            "closed_on": _days_to_dates(data["closed_on"]),
        }
    )
    return df


def _finish_sites(parts: list[dict]) -> pd.DataFrame:
    cols = ["kind", "name", "county_code", "township_code", "lon", "lat", "address"]
    data = {c: [v for p in parts for v in p[c]] for c in cols}
    df = pd.DataFrame({"site_id": np.arange(1, len(data["kind"]) + 1, dtype=np.int64)})
    for c in cols:
        df[c] = pd.Series(data[c], dtype="float64" if c in ("lon", "lat") else "str")
    return df
