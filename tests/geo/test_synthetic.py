"""The synthetic demo frame (geo.synthetic): reproducibility, topology, vocabulary, hazard history, sites."""

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.crs import GANSU_BBOX
from geo.enums import (
    APPRAISAL_GRADES,
    Alteration,
    AppraisalStandard,
    AppraisalStatus,
    AreaType,
    BuildEra,
    BusinessType,
    FloorsBand,
    Geohazard,
    HazardGrade,
    InitialDetermination,
    Measure,
    RectificationStatus,
    SiteKind,
    SourceCrs,
    Structure,
    UseClass,
)
from geo.synthetic import FrameSpec, SyntheticFrame, generate_frame, load_gansu_inputs

# A mix of units for the fast subset: Lanzhou's seat district, the two stand-alone units, a mountain
# district, a multi-part county in the desert and a multi-part county in 甘南.
SUBSET = ["620102", "620171", "620201", "621202", "620923", "623021"]


@pytest.fixture(scope="module")
def inputs():
    return load_gansu_inputs()


@pytest.fixture(scope="module")
def subset(inputs):
    counties, townships = inputs
    return counties[counties["code"].isin(SUBSET)], townships[townships["county_code"].isin(SUBSET)]


@pytest.fixture(scope="module")
def frame(inputs) -> SyntheticFrame:
    """The full default frame: 88 units, 100,000 houses (about 3 s)."""
    return generate_frame(*inputs)


def assert_frames_equal(a: SyntheticFrame, b: SyntheticFrame):
    pd.testing.assert_frame_equal(a.houses, b.houses)
    pd.testing.assert_frame_equal(a.hazard_records, b.hazard_records)
    pd.testing.assert_frame_equal(a.sites, b.sites)
    pd.testing.assert_frame_equal(a.townships.drop(columns="geometry"), b.townships.drop(columns="geometry"))
    assert all(shapely.equals_exact(a.townships.geometry.values, b.townships.geometry.values, tolerance=0))


def test_same_seed_gives_identical_frames_whatever_the_order(subset):
    counties, townships = subset
    spec = FrameSpec(houses=20_000)
    a = generate_frame(counties, townships, spec)
    b = generate_frame(counties, townships, spec)
    assert_frames_equal(a, b)
    # Iteration order of the inputs does not matter.
    c = generate_frame(counties.iloc[::-1], townships.iloc[::-1], spec)
    assert_frames_equal(a, c)


def test_different_seeds_give_different_frames(subset):
    counties, townships = subset
    a = generate_frame(counties, townships, FrameSpec(houses=5_000, seed=1))
    b = generate_frame(counties, townships, FrameSpec(houses=5_000, seed=2))
    assert not np.array_equal(a.houses["lon"].to_numpy(), b.houses["lon"].to_numpy())
    assert not a.hazard_records["survey_code"].equals(b.hazard_records["survey_code"])
    assert not all(
        shapely.equals_exact(a.townships.geometry.values, b.townships.geometry.values, tolerance=0)
    )


def test_one_polygon_per_nbs_township(frame, inputs):
    _, townships = inputs
    t = frame.townships
    assert len(t) == 1403
    assert list(t.columns) == ["code", "county_code", "geometry"]
    assert t["code"].tolist() == townships["code"].tolist()
    assert t["county_code"].tolist() == townships["county_code"].tolist()
    assert t.crs.to_epsg() == 4490
    assert (t["county_code"] == "620171").sum() == 4
    assert (t["county_code"] == "620201").sum() == 5
    geoms = t.geometry.values
    assert set(shapely.get_type_id(geoms)) == {6}  # MultiPolygon
    assert shapely.is_valid(geoms).all() and not shapely.is_empty(geoms).any()


def test_townships_partition_their_county(frame, inputs):
    counties, _ = inputs
    county = counties.set_index("code").geometry
    for code, grp in frame.townships.groupby("county_code"):
        geoms = grp.geometry.values
        union = shapely.union_all(geoms)
        area = county[code].area
        assert shapely.symmetric_difference(union, county[code]).area < 1e-6 * area, code
        # No overlaps: the parts' areas add up to the union's.
        assert abs(shapely.area(geoms).sum() - union.area) < 1e-9 * area, code


def test_houses_inside_their_township_and_county(frame, inputs):
    counties, _ = inputs
    h = frame.houses
    tgeom = frame.townships.set_index("code").geometry
    cgeom = counties.set_index("code").geometry
    assert shapely.contains_xy(tgeom.loc[h["township_code"]].values, h["lon"].values, h["lat"].values).all()
    assert shapely.contains_xy(cgeom.loc[h["county_code"]].values, h["lon"].values, h["lat"].values).all()
    assert (h["township_code"].str[:6] == h["county_code"]).all()


def test_house_counts_per_unit(frame):
    h = frame.houses
    assert len(h) == 100_000
    per_unit = h.groupby("county_code").size()
    assert len(per_unit) == 88 and per_unit.min() >= 300


def test_house_codes_and_vocabulary(frame):
    h = frame.houses
    assert list(h.columns) == [
        "survey_code", "census_no", "county_code", "township_code", "village", "address", "lon", "lat",
        "use_class", "business_type", "area_type", "structure", "floors", "floors_band", "floor_area_m2",
        "build_year", "build_era", "alterations", "geohazards", "source_crs",
    ]  # fmt: skip
    assert h["survey_code"].is_unique and h["census_no"].is_unique
    assert h["survey_code"].str.fullmatch(r"62\d{12}").all()
    assert (h["survey_code"].str[:6] == h["county_code"]).all()
    assert set(h["use_class"]) <= set(UseClass.codes())
    assert set(h["area_type"]) <= set(AreaType.codes())
    assert set(h["structure"]) <= set(Structure.codes())
    assert set(h["source_crs"]) == {SourceCrs.CGCS2000.value}
    non_commercial = h["use_class"] == UseClass.NON_COMMERCIAL.value
    assert h.loc[non_commercial, "business_type"].isna().all()
    assert set(h.loc[~non_commercial, "business_type"]) <= set(BusinessType.codes())
    assert h["floors"].between(1, 9).all()
    band = np.where(h["floors"] >= 3, FloorsBand.THREE_PLUS.value, FloorsBand.BELOW_THREE.value)
    assert (h["floors_band"] == band).all()
    assert (h["build_era"] == h["build_year"].map(lambda y: BuildEra.of_year(int(y)).value)).all()
    assert h["build_year"].between(1950, 2023).all()
    assert (h["floor_area_m2"] > 0).all() and (h["floor_area_m2"] == h["floor_area_m2"].round(1)).all()
    for column, enum in (("alterations", Alteration), ("geohazards", Geohazard)):
        codes = set(enum.codes())
        assert all(isinstance(v, list) and set(v) <= codes and len(set(v)) == len(v) for v in h[column])
        assert 0.02 < h[column].map(len).gt(0).mean() < 0.2
    assert h["lon"].between(GANSU_BBOX.min_lon, GANSU_BBOX.max_lon).all()
    assert h["lat"].between(GANSU_BBOX.min_lat, GANSU_BBOX.max_lat).all()


def test_plausible_mixes(frame, inputs):
    h = frame.houses
    _, townships = inputs
    kind = h["township_code"].map(townships.set_index("code")["kind"])
    commercial = h["use_class"] != UseClass.NON_COMMERCIAL.value
    assert 0.30 <= commercial[kind == "street"].mean() <= 0.45
    assert 0.05 <= commercial[kind == "township"].mean() <= 0.15
    rc = h["structure"] == Structure.REINFORCED_CONCRETE.value
    earth = h["structure"] == Structure.EARTH_STONE_TIMBER.value
    assert rc[kind == "street"].mean() > 2 * rc[kind == "township"].mean()
    assert earth[kind == "township"].mean() > 3 * earth[kind == "street"].mean()
    assert h.loc[kind == "street", "build_year"].mean() > h.loc[kind == "township", "build_year"].mean()
    south = h["county_code"].str[:4].isin(["6212", "6230", "6229"])
    timber = h["structure"] == Structure.TIMBER_BAMBOO.value
    assert timber[south].mean() > 3 * timber[~south].mean()
    geo = h["geohazards"].map(len) > 0
    mountains = h["county_code"].str[:4].isin(["6212", "6230", "6211"])
    assert geo[mountains].mean() > 2 * geo[~mountains].mean()


def test_hazardous_share_and_commercial_target(frame):
    h = frame.houses.set_index("survey_code")
    r = frame.hazard_records
    hazardous = r.loc[r["closed_on"].isna(), "survey_code"]
    assert 0.08 <= len(hazardous) / len(h) <= 0.12
    use = h.loc[hazardous, "use_class"]
    commercial = use != UseClass.NON_COMMERCIAL.value
    assert 0.35 <= commercial.mean() <= 0.50
    per_unit = pd.DataFrame({"unit": h.loc[hazardous, "county_code"].values, "c": commercial.values})
    per_unit = per_unit.groupby("unit").agg(n=("c", "size"), c=("c", "sum"))
    assert len(per_unit) == 88
    assert (per_unit["n"] < 20).sum() <= 5 and (per_unit["c"] < 12).sum() <= 5


def test_hazard_records_are_consistent(frame):
    r = frame.hazard_records
    assert list(r.columns) == [
        "survey_code", "seq", "record_code", "initial_determination", "hazard_grade", "appraisal_status",
        "appraisal_standard", "appraisal_grade", "rectification_status", "rectification_deadline", "measures",
        "closed_out", "closed_out_on", "opened_on", "closed_on",
    ]  # fmt: skip
    assert r["record_code"].is_unique and r["record_code"].str.fullmatch(r"YH\d{15}").all()
    assert (r["record_code"].str[2:8] == r["survey_code"].str[:6]).all()
    assert set(r["survey_code"]) <= set(frame.houses["survey_code"])
    # Exactly one open record per hazardous house; seq runs 1..n by opening date.
    open_ = r[r["closed_on"].isna()]
    assert open_["survey_code"].is_unique and set(open_["survey_code"]) == set(r["survey_code"])
    counts = r.groupby("survey_code")["seq"].agg(["min", "max", "size"])
    assert (counts["min"] == 1).all() and (counts["max"] == counts["size"]).all()
    assert (r.groupby("survey_code")["seq"].last() == counts["max"]).all()  # open record is the last
    history_share = (counts["size"] > 1).mean()
    assert 0.03 <= history_share <= 0.07
    # History: the earlier record was closed when the next opened, with a different determination/grade.
    first = r[r["seq"] == 1].set_index("survey_code")
    second = r[r["seq"] == 2].set_index("survey_code")
    first = first.loc[second.index]
    assert (first["closed_on"] == second["opened_on"]).all()
    assert (first["closed_on"] >= first["opened_on"]).all()
    changed = (first["initial_determination"] != second["initial_determination"]) | (
        first["hazard_grade"] != second["hazard_grade"]
    )
    assert changed.all() and not first["closed_out"].any()
    # Dates between the start of the campaign and the notice.
    start, end = pd.Timestamp("2022-06-01"), pd.Timestamp(dt.date(2024, 10, 21))
    for column in ("opened_on", "closed_on", "closed_out_on"):
        values = r[column].dropna()
        assert ((values >= start) & (values < end)).all(), column
    assert (r["rectification_deadline"].dropna() > start).all()
    # Vocabulary and the rules between fields.
    assert set(r["initial_determination"]) <= {
        InitialDetermination.SERIOUS.value,
        InitialDetermination.SOME.value,
    }
    assert set(r["hazard_grade"]) <= set(HazardGrade.codes())
    assert set(r["appraisal_status"].dropna()) <= set(AppraisalStatus.codes())
    assert set(r["rectification_status"]) == set(RectificationStatus.codes())
    collapse = r["hazard_grade"] == HazardGrade.COLLAPSE_RISK.value
    assert 0.10 <= collapse.mean() <= 0.16
    assert (r.loc[collapse, "initial_determination"] == InitialDetermination.SERIOUS.value).all()
    appraised = r["appraisal_status"] == AppraisalStatus.DONE.value
    assert (r["appraisal_standard"].notna() == appraised).all() and (
        r["appraisal_grade"].notna() == appraised
    ).all()
    assert set(r.loc[appraised, "appraisal_standard"]) == {AppraisalStandard.JGJ_125_2016.value}
    assert set(r.loc[appraised, "appraisal_grade"]) <= set(APPRAISAL_GRADES[AppraisalStandard.JGJ_125_2016])
    assert (r.loc[appraised & collapse, "appraisal_grade"] == "D").all()
    assert (r.loc[appraised & ~collapse, "appraisal_grade"] != "D").all()
    done = r["rectification_status"] == RectificationStatus.DONE.value
    assert not r.loc[~done, "closed_out"].any() and 0.5 < r.loc[done, "closed_out"].mean() < 1
    assert (r["closed_out_on"].notna() == r["closed_out"]).all()
    assert (r.loc[r["closed_out"], "closed_out_on"] >= r.loc[r["closed_out"], "opened_on"]).all()
    measures = set(Measure.codes())
    assert all(isinstance(m, list) and m and set(m) <= measures for m in r["measures"])
    emergency = {Measure.STOP_USE.value, Measure.EVACUATE.value, Measure.SEAL_AND_WARN.value}
    assert all(emergency <= set(m) for m in r.loc[collapse, "measures"])
    assert not any(emergency & set(m) for m in r.loc[~collapse, "measures"])


def test_sites(frame, inputs):
    s = frame.sites
    assert list(s.columns) == [
        "site_id",
        "kind",
        "name",
        "county_code",
        "township_code",
        "lon",
        "lat",
        "address",
    ]
    assert s["site_id"].tolist() == list(range(1, len(s) + 1))
    assert set(s["kind"]) == set(SiteKind.codes())
    kinds = s["kind"].value_counts()
    assert 40 <= kinds[SiteKind.COLLEGE.value] <= 70
    assert kinds[SiteKind.SCHOOL.value] >= 1403 - 43 and kinds[SiteKind.KINDERGARTEN.value] >= 1403 - 43
    assert (s["township_code"].str[:6] == s["county_code"]).all()
    tgeom = frame.townships.set_index("code").geometry
    assert shapely.contains_xy(tgeom.loc[s["township_code"]].values, s["lon"].values, s["lat"].values).all()
    assert s["lon"].between(GANSU_BBOX.min_lon, GANSU_BBOX.max_lon).all()
    assert not s.duplicated(["county_code", "name"]).any()
    assert (
        s["name"].map(lambda n: re.search(r"(学院|学校|中学|小学|幼儿园|医院|保健院)$", n) is not None).all()
    )
    colleges = s[s["kind"] == SiteKind.COLLEGE.value]
    assert (colleges["county_code"].str[:4] == "6201").mean() > 0.5


def test_sites_scale_with_the_frame(subset):
    counties, townships = subset
    small = generate_frame(counties, townships, FrameSpec(houses=2_000)).sites
    large = generate_frame(counties, townships, FrameSpec(houses=40_000)).sites
    assert (large["kind"] == "school").sum() > 2 * (small["kind"] == "school").sum()
    assert (large["kind"] == "college").sum() == (small["kind"] == "college").sum()


def test_bad_spec_and_inputs(subset):
    counties, townships = subset
    with pytest.raises(ValueError):
        generate_frame(counties, townships, FrameSpec(houses=100, hazardous_share=1.5))
    with pytest.raises(ValueError, match="without townships"):
        generate_frame(counties, townships[townships["county_code"] != "620102"], FrameSpec(houses=100))
