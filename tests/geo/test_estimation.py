"""Design-weighted estimation of shares (geo.estimation) on a simulated two-stage draw.

The population is built here with numpy (a few cities with units of different sizes and true shares;
commercial houses less often accurate); the draw is simple: the seat and stand-alone units with
certainty, SRS of further units within each city, and stratified SRS of houses within each drawn unit
(township x commercial, 12 commercial and 8 other houses, at least one per stratum). So the inclusion
probabilities are known exactly, and commercial houses are oversampled.
"""

import math

import numpy as np
import pandas as pd
import pytest

from geo.estimation import Estimate, _collapse_singletons, estimate_share, simulate_results
from geo.gansu import PROVINCE_CODE

# city -> (units in the city, units drawn including the seat); 620300 draws all, 620200 stands alone.
CITIES = {
    "620100": (8, 5),
    "620400": (5, 3),
    "620500": (7, 3),
    "621100": (6, 3),
    "620300": (2, 2),
    "620200": (1, 1),
}
REPLICATES = 500


def unit_codes(city: str, m: int) -> list[str]:
    return [f"{city[:4]}{j + 1:02d}" for j in range(m)]


def make_population(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for city, (m, _) in CITIES.items():
        for unit in unit_codes(city, m):
            size = int(rng.integers(40, 2500))
            n_tship = int(rng.integers(2, 7))
            tship = rng.choice(n_tship, size=size, p=rng.dirichlet(np.full(n_tship, 2.0)))
            commercial = rng.random(size) < rng.uniform(0.25, 0.5)
            base = rng.uniform(0.55, 0.95)
            p = np.clip(base - 0.25 * commercial + rng.normal(0, 0.05, n_tship)[tship], 0.02, 0.99)
            parts.append(
                pd.DataFrame(
                    {
                        "city_code": city,
                        "unit_code": unit,
                        "stratum": [f"{unit}{t:03d}|" for t in tship] + commercial.astype(int).astype(str),
                        "commercial": commercial,
                        "y": (rng.random(size) < p).astype(np.int64),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def house_allocation(pop: pd.DataFrame, n_comm: int = 12, n_other: int = 8) -> pd.Series:
    """Houses per stratum: each group's n over its strata, at least 1 each, then by largest N/a."""
    sizes = pop.groupby(["unit_code", "commercial", "stratum"]).size().rename("N").reset_index()
    alloc = {}
    for (_, commercial), grp in sizes.groupby(["unit_code", "commercial"]):
        big_n = grp["N"].to_numpy()
        a = np.ones(len(big_n), dtype=int)
        for _ in range(min(n_comm if commercial else n_other, int(big_n.sum())) - len(big_n)):
            room = np.where(big_n > a, big_n / a, -1.0)
            a[int(np.argmax(room))] += 1
        alloc.update(zip(grp["stratum"], a, strict=True))
    return pd.Series(alloc)


class Design:
    def __init__(self, pop: pd.DataFrame):
        self.pop = pop
        alloc = house_allocation(pop)
        sizes = pop.groupby("stratum").size()
        self.pi_house = (alloc / sizes.loc[alloc.index]).rename("pi_house")
        self.code, labels = pd.factorize(pop["stratum"])
        self.alloc = alloc.reindex(labels).to_numpy()[self.code]
        # Rank of each position within its stratum once the houses are sorted by stratum.
        counts = np.bincount(self.code)
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        self.run = np.arange(len(pop)) - np.repeat(starts, counts)

    def draw(self, rng: np.random.Generator) -> pd.DataFrame:
        # Stratified SRS of houses in every unit at once: random order within strata, first a_s of each.
        order = np.argsort(self.code + rng.random(len(self.pop)), kind="stable")
        pos = np.empty(len(order), dtype=np.int64)
        pos[order] = self.run
        pi_unit = {}
        for city, (m, k) in CITIES.items():
            units = unit_codes(city, m)
            pi_unit[units[0]] = 1.0
            others = units[1:]
            if k - 1 >= len(others):
                pi_unit.update(dict.fromkeys(others, 1.0))
            elif k > 1:
                pi_unit.update(
                    dict.fromkeys(rng.choice(others, k - 1, replace=False).tolist(), (k - 1) / len(others))
                )
        sel = (pos < self.alloc) & self.pop["unit_code"].isin(list(pi_unit)).to_numpy()
        sample = self.pop.loc[sel, ["unit_code", "city_code", "stratum", "commercial", "y"]].copy()
        sample["pi_house"] = self.pi_house.loc[sample["stratum"]].to_numpy()
        sample["pi_unit"] = sample["unit_code"].map(pi_unit)
        return sample


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return make_population()


@pytest.fixture(scope="module")
def simulation(population):
    """500 draws from the fixed population: estimates at three levels and the naive mean (about 6 s)."""
    design = Design(population)
    rng = np.random.default_rng(3)
    truth_unit = population.groupby("unit_code")["y"].mean()
    truth_city = population.groupby("city_code")["y"].mean()
    prov, naive, units, cities = [], [], [], []
    for _ in range(REPLICATES):
        sample = design.draw(rng)
        (e,) = estimate_share(sample, "province")
        prov.append((e.estimate, e.se, e.ci_low, e.ci_high))
        naive.append(sample["y"].mean())
        units += [
            (u.code, u.estimate, u.ci_low <= truth_unit[u.code] <= u.ci_high)
            for u in estimate_share(sample, "unit")
        ]
        cities += [
            (c.code, c.ci_low <= truth_city[c.code] <= c.ci_high) for c in estimate_share(sample, "city")
        ]
    return {
        "truth": float(population["y"].mean()),
        "prov": np.array(prov),
        "naive": np.array(naive),
        "units": pd.DataFrame(units, columns=["code", "estimate", "covered"]),
        "cities": pd.DataFrame(cities, columns=["code", "covered"]),
        "truth_unit": truth_unit,
    }


def test_estimator_is_unbiased(simulation):
    est = simulation["prov"][:, 0]
    mc_se = est.std() / math.sqrt(len(est))
    assert abs(est.mean() - simulation["truth"]) < max(3 * mc_se, 0.005)
    # Unit level too, over the units' replicates (the estimator is a ratio: tiny bias allowed).
    units = simulation["units"]
    bias = units.groupby("code")["estimate"].mean() - simulation["truth_unit"].loc[units["code"].unique()]
    assert bias.abs().max() < 0.02


def test_standard_error_matches_the_spread(simulation):
    est, se = simulation["prov"][:, 0], simulation["prov"][:, 1]
    assert 0.8 < se.mean() / est.std() < 1.3


def test_confidence_intervals_cover(simulation):
    lo, hi = simulation["prov"][:, 2], simulation["prov"][:, 3]
    truth = simulation["truth"]
    province = np.mean((lo <= truth) & (truth <= hi))
    unit = simulation["units"]["covered"].mean()
    city = simulation["cities"]["covered"].mean()
    assert 0.90 <= province <= 0.99, province
    assert 0.90 <= unit <= 0.99, unit
    assert 0.88 <= city <= 0.995, city
    assert np.all((lo >= 0) & (hi <= 1) & (lo < hi))


def test_weights_matter(simulation):
    # Commercial houses are oversampled (12 of 20) and less often accurate: the naive mean is biased low.
    truth = simulation["truth"]
    assert truth - simulation["naive"].mean() > 0.03
    assert abs(simulation["prov"][:, 0].mean() - truth) < 0.01


def test_weights_matter_exactly_with_a_census_of_strata():
    # One certainty unit, two strata sampled at different rates with within-stratum constant y: the
    # Hájek estimate equals the population share exactly; the naive mean does not.
    results = pd.DataFrame(
        {
            "unit_code": "620102",
            "city_code": "620100",
            "stratum": ["a"] * 10 + ["b"] * 10,
            "pi_house": [0.5] * 10 + [0.05] * 10,  # stratum a: 20 houses, stratum b: 200 houses
            "pi_unit": 1.0,
            "y": [0] * 10 + [1] * 10,
        }
    )
    (e,) = estimate_share(results, "unit")
    assert e.estimate == pytest.approx(200 / 220)
    assert results["y"].mean() == 0.5
    assert e.weight_total == pytest.approx(220)
    # Both strata are internally constant, so the variance is 0 and the fallback interval is used.
    assert e.se == 0.0 and "Clopper-Pearson" in e.method


def small_results(y, units=("620102",) * 20, pi_unit=1.0):
    n = len(y)
    return pd.DataFrame(
        {
            "unit_code": list(units),
            "city_code": "620100",
            "stratum": [f"t{i % 4}|{i % 2}" for i in range(n)],
            "pi_house": 0.01,
            "pi_unit": pi_unit,
            "y": y,
        }
    )


def test_all_ones():
    (e,) = estimate_share(small_results([1] * 20), "unit")
    assert e.estimate == 1.0 and e.se == 0.0 and e.ci_high == 1.0
    # Clopper-Pearson with n_eff = 20: lower bound (alpha/2)^(1/20).
    assert e.ci_low == pytest.approx(0.025 ** (1 / 20), rel=1e-9)
    (p,) = estimate_share(small_results([0] * 20), "province")
    assert p.estimate == 0.0 and p.ci_low == 0.0 and p.ci_high == pytest.approx(1 - 0.025 ** (1 / 20))
    assert p.code == PROVINCE_CODE


def test_unit_with_one_house_and_missing_results():
    results = small_results([1, 0] * 10)
    one = pd.DataFrame(
        {
            "unit_code": ["620103"],
            "city_code": ["620100"],
            "stratum": ["x|1"],
            "pi_house": [0.02],
            "pi_unit": [0.5],
            "y": [1],
        }
    )
    missing = one.assign(unit_code="620104", y=np.nan)
    results = pd.concat([results, one, missing], ignore_index=True)
    by_unit = {e.code: e for e in estimate_share(results, "unit")}
    assert set(by_unit) == {"620102", "620103"}  # 620104 has no result
    lone = by_unit["620103"]
    assert lone.n == 1 and lone.estimate == 1.0
    assert lone.ci_low == pytest.approx(0.025) and lone.ci_high == 1.0
    (prov,) = estimate_share(results, "province")
    assert prov.n == 21 and 0 < prov.ci_low < prov.estimate < prov.ci_high < 1
    assert math.isfinite(prov.se) and prov.se > 0
    (city,) = estimate_share(results, "city")
    assert city.estimate == pytest.approx(prov.estimate) and city.code == "620100"


def test_interval_is_logit_and_within_bounds():
    (e,) = estimate_share(small_results([1] * 19 + [0]), "unit")
    assert 0 < e.ci_low < e.estimate < e.ci_high < 1
    assert "logit" in e.method and "Hájek" in e.method
    # Asymmetric towards 0.5, as a logit interval near the bound is.
    assert e.estimate - e.ci_low > e.ci_high - e.estimate
    assert isinstance(e, Estimate) and e.level == "unit" and e.n == 20


def test_singleton_strata_are_collapsed():
    unit = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2])
    stratum = np.array([0, 1, 2, 2, 2, 3, 4, 4, 5, 5, 6])
    codes, n = _collapse_singletons(unit, stratum)
    # Unit 0: two singletons (0, 1) pooled; unit 1: lone singleton 3 joins the smallest other (4, tie -> 4);
    # unit 2: a single house stays alone.
    assert codes[0] == codes[1] != codes[2]
    assert codes[2] == codes[3] == codes[4]
    assert codes[5] == codes[6] == codes[7] != codes[8]
    assert codes[8] == codes[9]
    assert len({codes[10]} & set(codes[:10].tolist())) == 0
    assert n == 5


def test_validation():
    with pytest.raises(ValueError, match="level"):
        estimate_share(small_results([1] * 20), "county")
    with pytest.raises(ValueError, match="y must be 0 or 1"):
        estimate_share(small_results([2] * 20), "unit")
    with pytest.raises(ValueError, match="pi_house"):
        estimate_share(small_results([1] * 20).assign(pi_house=0.0), "unit")
    with pytest.raises(ValueError, match="lack columns"):
        estimate_share(small_results([1] * 20).drop(columns="stratum"), "unit")
    bad = small_results([1] * 20)
    bad.loc[0, "city_code"] = "620200"
    with pytest.raises(ValueError, match="more than one city_code"):
        estimate_share(bad, "city")
    assert estimate_share(small_results([np.nan] * 20), "province") == []


def test_simulate_results(population):
    sample = Design(population).draw(np.random.default_rng(1)).drop(columns="y")
    shares = dict.fromkeys(sample["unit_code"].unique(), 0.8)
    out = simulate_results(sample, shares, np.random.default_rng(2))
    assert len(out) == len(sample) and set(out["y"].unique()) <= {0, 1}
    assert "y" not in sample.columns
    assert 0.7 < out["y"].mean() < 0.9
    again = simulate_results(sample, shares, np.random.default_rng(2))
    pd.testing.assert_series_equal(out["y"], again["y"])
    with pytest.raises(KeyError):
        simulate_results(sample, {}, np.random.default_rng(2))
    # Then the estimator runs on it directly.
    assert len(estimate_share(out, "unit")) == sample["unit_code"].nunique()
