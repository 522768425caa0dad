"""Nearest sensitive site per house (geo.proximity): exact geodesic distances, radii, ties, brute force."""

import numpy as np
import pandas as pd
import pytest

from geo.enums import SiteKind
from geo.proximity import DEFAULT_RADII_M, GEOD, degree_radius, nearest_sites

LANZHOU = (103.834, 36.061)


def offset(lon, lat, azimuth, metres):
    x, y, _ = GEOD.fwd(lon, lat, azimuth, metres)
    return float(x), float(y)


def run(houses, sites, radii=DEFAULT_RADII_M):
    """houses: list of (id, lon, lat); sites: list of (id, kind, lon, lat)."""
    h = np.array([(i, x, y) for i, x, y in houses], dtype=object)
    s = np.array([(i, k, x, y) for i, k, x, y in sites], dtype=object)
    return nearest_sites(
        h[:, 0].astype(np.int64),
        h[:, 1].astype(float),
        h[:, 2].astype(float),
        s[:, 0].astype(np.int64),
        s[:, 1],
        s[:, 2].astype(float),
        s[:, 3].astype(float),
        radii,
    )


def test_default_radii():
    assert DEFAULT_RADII_M == {
        SiteKind.COLLEGE: 500.0,
        SiteKind.SCHOOL: 200.0,
        SiteKind.KINDERGARTEN: 200.0,
        SiteKind.HOSPITAL: 200.0,
    }


def test_measured_offsets_north_within_200_m():
    houses = [(i, *offset(*LANZHOU, 0.0, d)) for i, d in ((1, 150.0), (2, 199.0), (3, 201.0), (4, 0.0))]
    out = run(houses, [(10, "school", *LANZHOU)])
    assert out["house_id"].tolist() == [1, 2, 4]
    assert out["kind"].tolist() == ["school"] * 3
    assert out["site_id"].tolist() == [10, 10, 10]
    np.testing.assert_allclose(out["distance_m"], [150.0, 199.0, 0.0], atol=1e-6)
    assert list(out.columns) == ["house_id", "kind", "site_id", "distance_m"]


def test_radius_is_inclusive_and_bound_holds_east_west_in_the_north():
    # Northern Gansu (42.7N): a degree of longitude is short, so the planar bound matters most here.
    base = (95.0, 42.7)
    houses = [(1, *offset(*base, 90.0, 199.999)), (2, *offset(*base, 270.0, 199.999))]
    out = run(houses, [(5, "kindergarten", *base)])
    assert out["house_id"].tolist() == [1, 2]
    exact = offset(*base, 90.0, 200.0)
    _, _, d = GEOD.inv(*base, *exact)
    assert run([(1, *exact)], [(5, "kindergarten", *base)], {SiteKind.KINDERGARTEN: float(d)})[
        "house_id"
    ].tolist() == [1]


def test_kind_specific_radii_and_one_row_per_kind():
    house = (1, *LANZHOU)
    sites = [
        (1, "college", *offset(*LANZHOU, 45.0, 400.0)),  # within 500 m
        (2, "school", *offset(*LANZHOU, 45.0, 400.0)),  # outside 200 m
        (3, "kindergarten", *offset(*LANZHOU, 180.0, 120.0)),
        (4, "kindergarten", *offset(*LANZHOU, 180.0, 60.0)),  # nearer
        (5, "hospital", *offset(*LANZHOU, 90.0, 250.0)),  # outside 200 m
    ]
    out = run([house], sites)
    assert out[["kind", "site_id"]].values.tolist() == [["college", 1], ["kindergarten", 4]]
    # Other radii: only the kinds named are searched.
    out = run([house], sites, {SiteKind.SCHOOL: 450.0, "hospital": 300.0})
    assert out[["kind", "site_id"]].values.tolist() == [["school", 2], ["hospital", 5]]


def test_ties_go_to_the_smaller_site_id():
    at = offset(*LANZHOU, 30.0, 80.0)
    out = run([(1, *LANZHOU)], [(9, "school", *at), (3, "school", *at), (7, "school", *at)])
    assert out["site_id"].tolist() == [3]


def test_empty_and_invalid_inputs():
    out = run([(1, *LANZHOU)], [(1, "school", *offset(*LANZHOU, 0.0, 5000.0))])
    assert out.empty and list(out.columns) == ["house_id", "kind", "site_id", "distance_m"]
    empty = nearest_sites([], [], [], [], [], [], [])
    assert empty.empty and list(empty.columns) == ["house_id", "kind", "site_id", "distance_m"]
    with pytest.raises(ValueError, match="unknown site kinds"):
        run([(1, *LANZHOU)], [(1, "church", *LANZHOU)])
    with pytest.raises(ValueError):
        nearest_sites([1, 2], [100.0], [36.0], [], [], [], [])


def test_degree_radius_is_conservative():
    for lat in (32.6, 36.0, 42.8):
        for az in range(0, 360, 15):
            x, y = offset(100.0, lat, az, 500.0)
            assert np.hypot(x - 100.0, y - lat) <= degree_radius(500.0, lat + 0.01)


def test_matches_brute_force_all_pairs():
    rng = np.random.default_rng(7)
    n_h, n_s = 2000, 200
    # A 6 x 5 km patch around Lanzhou, dense enough for many hits and ties of kinds.
    hx = LANZHOU[0] + rng.uniform(-0.033, 0.033, n_h)
    hy = LANZHOU[1] + rng.uniform(-0.022, 0.022, n_h)
    sx = LANZHOU[0] + rng.uniform(-0.035, 0.035, n_s)
    sy = LANZHOU[1] + rng.uniform(-0.024, 0.024, n_s)
    kinds = rng.choice(SiteKind.codes(), n_s, p=[0.1, 0.4, 0.4, 0.1])
    site_ids = rng.permutation(np.arange(100, 100 + n_s))
    house_ids = np.arange(5000, 5000 + n_h)
    radii = {
        SiteKind.COLLEGE: 700.0,
        SiteKind.SCHOOL: 300.0,
        SiteKind.KINDERGARTEN: 250.0,
        SiteKind.HOSPITAL: 400.0,
    }
    got = nearest_sites(house_ids, hx, hy, site_ids, kinds, sx, sy, radii)

    hi, si = np.meshgrid(np.arange(n_h), np.arange(n_s), indexing="ij")
    _, _, dist = GEOD.inv(hx[hi.ravel()], hy[hi.ravel()], sx[si.ravel()], sy[si.ravel()])
    pairs = pd.DataFrame(
        {
            "house": hi.ravel(),
            "house_id": house_ids[hi.ravel()],
            "kind": kinds[si.ravel()],
            "site_id": site_ids[si.ravel()],
            "distance_m": dist,
        }
    )
    pairs["kind_order"] = pairs["kind"].map({k: i for i, k in enumerate(SiteKind.codes())})
    pairs = pairs[pairs["distance_m"] <= pairs["kind"].map({k.value: r for k, r in radii.items()})]
    want = (
        pairs.sort_values(["house", "kind_order", "distance_m", "site_id"])
        .drop_duplicates(["house", "kind_order"])
        .reset_index(drop=True)[["house_id", "kind", "site_id", "distance_m"]]
    )
    assert len(want) > 1000
    pd.testing.assert_frame_equal(got, want.astype({"kind": "str"}), check_dtype=False)
