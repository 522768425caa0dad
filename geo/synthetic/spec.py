"""What to generate (:class:`FrameSpec`) and what comes out (:class:`SyntheticFrame`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd


@dataclass(frozen=True)
class FrameSpec:
    """Parameters of a synthetic frame; the same spec always gives the same frame."""

    seed: int = 20241021
    houses: int = 100_000
    hazardous_share: float = 0.10
    as_of: dt.date = dt.date(2024, 10, 21)


@dataclass
class SyntheticFrame:
    """A generated frame: townships (EPSG:4490 polygons), houses, hazard records and sensitive sites.

    Columns (strings use pandas' ``str`` dtype, missing values NaN/NaT; codes are ``geo.enums`` codes):

    - ``townships``: code, county_code, geometry (MultiPolygon, lon/lat), sorted by code.
    - ``houses``: survey_code (county code + 8 digits), census_no (township code + 7 digits),
      county_code, township_code, village, address, lon, lat (float64), use_class, business_type (null for
      non_commercial), area_type, structure, floors (int16), floors_band, floor_area_m2 (float64),
      build_year (int16), build_era, alterations and geohazards (lists of codes), source_crs.
    - ``hazard_records``: survey_code, seq (int64, 1..n per house by opening date), record_code ("YH" +
      county code + 9 digits), initial_determination, hazard_grade, appraisal_status, appraisal_standard,
      appraisal_grade, rectification_status, rectification_deadline, measures (list of codes), closed_out
      (bool), closed_out_on, opened_on, closed_on (datetime64[s] dates; closed_on only on superseded
      records, equal to the next record's opened_on).
    - ``sites``: site_id (int64 from 1), kind, name, county_code, township_code, lon, lat, address.
    """

    townships: gpd.GeoDataFrame
    houses: pd.DataFrame
    hazard_records: pd.DataFrame
    sites: pd.DataFrame
    spec: FrameSpec
