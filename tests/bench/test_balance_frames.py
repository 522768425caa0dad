"""The benchmark's frames: reproducible, contiguous townships, exact commercial count."""

from __future__ import annotations

import itertools

import pandas as pd
import shapely

from bench.balance_frames import RECIPES, make_frame


def test_frames_are_reproducible_and_as_recipes_say():
    for recipe in RECIPES:
        frame = make_frame(recipe)
        pd.testing.assert_frame_equal(frame, make_frame(recipe))
        assert list(frame.columns) == ["house_id", "township_code", "commercial", "x", "y"]
        assert frame["house_id"].is_unique
        assert len(frame) == recipe.houses
        assert int(frame["commercial"].sum()) == recipe.commercial
        per_t = frame.groupby("township_code").size()
        assert len(per_t) == recipe.townships and per_t.min() >= recipe.min_per_township
        assert all(code.startswith(recipe.unit_code) for code in per_t.index)
        span = max(frame["x"].max() - frame["x"].min(), frame["y"].max() - frame["y"].min())
        assert 0.8 * recipe.radius_km * 1000 < span < 2.6 * recipe.radius_km * 1000


def test_townships_are_contiguous():
    # Voronoi cells are convex (clipped to the unit), so the hulls of two townships' houses never overlap.
    for recipe in RECIPES[:2]:
        frame = make_frame(recipe)
        hulls = {
            t: shapely.MultiPoint(g[["x", "y"]].to_numpy()).convex_hull
            for t, g in frame.groupby("township_code")
        }
        for a, b in itertools.combinations(hulls, 2):
            assert hulls[a].intersection(hulls[b]).area < 1.0, (recipe.name, a, b)


def test_commercial_houses_concentrate_in_the_county_seat():
    # Shops and inns sit in the seats and along the roads: the county seat (the origin) holds more of them.
    import numpy as np

    for recipe in RECIPES:
        if recipe.commercial < 0.1 * recipe.houses:
            continue
        frame = make_frame(recipe)
        near = np.hypot(frame["x"], frame["y"]) < 1000
        assert frame["commercial"][near].mean() > 1.3 * frame["commercial"].mean(), recipe.name
