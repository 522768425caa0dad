"""Means of non-negative counts and domains in geo.estimation (missed houses per sampled house; 数字整治 among
the houses the platform recorded as rectified), on the simulated two-stage draw of test_estimation."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from geo.estimation import estimate_mean, estimate_share
from geo.estimation_ci import mean_interval
from tests.geo.test_estimation import Design, make_population, small_results

REPLICATES = 250


def count_population() -> pd.DataFrame:
    """The shares' population with a count per house: Poisson, higher for commercial houses and by unit."""
    pop = make_population(seed=11)
    rng = np.random.default_rng(5)
    units = pop["unit_code"].unique()
    rate = dict(zip(units, rng.uniform(0.2, 0.9, len(units)), strict=True))
    lam = pop["unit_code"].map(rate).to_numpy() * np.where(pop["commercial"], 1.6, 0.7)
    return pop.assign(y=rng.poisson(lam).astype(float))


@pytest.fixture(scope="module")
def simulation():
    """250 draws: the mean count at three levels (about 3 s)."""
    pop = count_population()
    design = Design(pop)
    rng = np.random.default_rng(8)
    truth_unit = pop.groupby("unit_code")["y"].mean()
    truth_city = pop.groupby("city_code")["y"].mean()
    prov, units, cities = [], [], []
    for _ in range(REPLICATES):
        sample = design.draw(rng)
        (e,) = estimate_mean(sample, "province")
        prov.append((e.estimate, e.se, e.ci_low, e.ci_high, sample["y"].mean()))
        units += [
            (u.code, u.estimate, u.ci_low <= truth_unit[u.code] <= u.ci_high)
            for u in estimate_mean(sample, "unit")
        ]
        cities += [c.ci_low <= truth_city[c.code] <= c.ci_high for c in estimate_mean(sample, "city")]
    return {"truth": float(pop["y"].mean()), "prov": np.array(prov), "truth_unit": truth_unit,
            "units": pd.DataFrame(units, columns=["code", "estimate", "covered"]), "cities": np.array(cities)}  # fmt: skip


def test_mean_is_unbiased_and_weights_matter(simulation):
    est, naive = simulation["prov"][:, 0], simulation["prov"][:, 4]
    truth = simulation["truth"]
    assert abs(est.mean() - truth) < max(3 * est.std() / math.sqrt(len(est)), 0.01)
    # Commercial houses (12 of 20 drawn) have more missed houses: the unweighted mean is biased high.
    assert naive.mean() - truth > 0.05
    units = simulation["units"]
    bias = units.groupby("code")["estimate"].mean() - simulation["truth_unit"].loc[units["code"].unique()]
    assert bias.abs().max() < 0.05


def test_mean_standard_error_matches_the_spread(simulation):
    est, se = simulation["prov"][:, 0], simulation["prov"][:, 1]
    assert 0.8 < se.mean() / est.std() < 1.3


def test_mean_confidence_intervals_cover(simulation):
    prov = simulation["prov"]
    truth = simulation["truth"]
    province = np.mean((prov[:, 2] <= truth) & (truth <= prov[:, 3]))
    assert 0.90 <= province <= 0.99, province
    assert 0.88 <= simulation["units"]["covered"].mean() <= 0.99
    assert 0.87 <= simulation["cities"].mean() <= 0.995
    assert np.all(prov[:, 2] >= 0)


def test_mean_by_hand_and_truncated_at_zero():
    # One certainty unit, one stratum of 10 of 100 houses: R = mean, var = (1 - f) s^2 / n.
    y = [0, 0, 0, 0, 0, 0, 0, 0, 1, 3]
    res = small_results(y, units=("620102",) * 10).assign(stratum="s", pi_house=0.1)
    (e,) = estimate_mean(res, "unit")
    assert e.kind == "mean" and e.scale == "identity" and "identity" in e.method and "truncated" in e.method
    assert e.estimate == pytest.approx(0.4) and e.n == 10
    assert e.se == pytest.approx(math.sqrt(0.9 * np.var(y, ddof=1) / 10))
    q = stats.t.ppf(0.975, 9)
    assert e.df == pytest.approx(9) and e.ci_high == pytest.approx(0.4 + q * e.se)
    assert e.ci_low == 0.0 and 0.4 - q * e.se < 0  # truncated
    with pytest.raises(ValueError, match="non-negative"):
        estimate_mean(res.assign(y=-1.0), "unit")
    assert estimate_share(res.assign(y=[0, 1] * 5), "unit")[0].scale == "logit"


def test_mean_with_every_count_zero_uses_the_poisson_fallback():
    (e,) = estimate_mean(small_results([0] * 20), "unit")
    assert e.estimate == 0.0 and e.se == 0.0 and e.scale == "exact" and "Garwood" in e.method
    assert e.ci_low == 0.0 and e.ci_high == pytest.approx(-math.log(0.025) / 20)
    lo, hi, scale, _ = mean_interval(1.0, 0.0, 5.0, 20.0, 0.95)
    assert scale == "exact" and lo == pytest.approx(stats.chi2.ppf(0.025, 40) / 40) and hi > 1.0


def test_domain_keeps_the_houses_outside_it_in_the_design():
    # 10 houses of one stratum (f = 0.1); 4 in the domain with y = 1, 1, 0, 1: R = 0.75. The linearised
    # values are d (y - R) / 4 over all 10 houses, so var = 0.9 * 10/9 * sum(z^2) = sum(z^2).
    res = small_results([1, 1, 0, 1] + [np.nan] * 6, units=("620102",) * 10).assign(
        stratum="s", pi_house=0.1, domain=[True] * 4 + [False] * 6
    )
    (e,) = estimate_share(res, "unit")
    z = np.array([0.25, 0.25, -0.75, 0.25]) / 4
    assert e.n == 4 and e.estimate == pytest.approx(0.75)
    assert e.se == pytest.approx(math.sqrt(np.sum(z**2)))
    # Dropping the houses outside the domain instead gives a different (here larger) variance.
    (dropped,) = estimate_share(res.iloc[:4].drop(columns="domain"), "unit")
    assert dropped.estimate == pytest.approx(0.75) and dropped.se == pytest.approx(
        math.sqrt(0.9 * 4 / 3 * np.sum(z**2))
    )
    # A house in the domain without a result, or with the domain unknown, is dropped.
    more = pd.concat(
        [res, res.iloc[:1].assign(y=np.nan), res.iloc[:1].assign(domain=None)], ignore_index=True
    )
    assert estimate_share(more, "unit")[0].n == 4
    # A unit with no house in the domain gives no estimate; the city's still does.
    other = res.assign(unit_code="620103", domain=False)
    both = pd.concat([res, other], ignore_index=True)
    assert [u.code for u in estimate_share(both, "unit")] == ["620102"]
    assert estimate_share(both, "city")[0].n == 4
    with pytest.raises(ValueError, match="domain"):
        estimate_share(res.assign(domain=1.0), "unit")


def test_domain_share_is_unbiased_and_covers():
    # A domain (e.g. houses recorded as rectified) more common among commercial houses: 200 draws.
    pop = make_population(seed=3)
    rng = np.random.default_rng(1)
    domain = pd.Series(rng.random(len(pop)) < np.where(pop["commercial"], 0.5, 0.2), index=pop.index)
    truth = pop.loc[domain, "y"].mean()
    design = Design(pop)
    est, covered = [], []
    for _ in range(200):
        sample = design.draw(rng)
        sample["domain"] = domain.loc[sample.index].astype(object)
        (e,) = estimate_share(sample, "province")
        est.append(e.estimate)
        covered.append(e.ci_low <= truth <= e.ci_high)
        assert e.n == int(domain.loc[sample.index].sum())
    assert abs(np.mean(est) - truth) < 0.01
    assert 0.90 <= np.mean(covered) <= 0.99
