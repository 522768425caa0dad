"""Confidence intervals of the design-weighted estimates (geo.estimation): shares and means of counts.

Both take the Hájek estimate ``r``, its linearised standard error ``se``, the Satterthwaite degrees of
freedom ``dof`` and the Kish effective sample size ``n_eff = (sum w)^2 / sum w^2`` of the domain, and
return ``(low, high, scale, description)``. ``scale`` names the scale the interval was built on:

Shares (``share_interval``)
    ``"logit"``: ``logit(r) +- t_{dof, (1+conf)/2} * se / (r (1 - r))`` back-transformed, so the interval
    stays within (0, 1) (R's ``svyciprop(method = "logit")``, with Student's t on the Satterthwaite df).
    ``"exact"``: when ``r`` is exactly 0 or 1, or ``se`` is 0, the logit interval does not exist; the
    fallback is a Clopper–Pearson interval for ``x = r * n_eff`` successes out of ``n_eff`` (beta quantiles,
    so ``n_eff`` need not be an integer).

Means of non-negative counts (``mean_interval``)
    ``"identity"``: ``r +- t_{dof, (1+conf)/2} * se`` on the identity scale, the lower bound truncated at 0
    (a mean count is never negative). Counts such as missed houses per house are small and skewed, so the
    interval is approximate for small domains (the simulation in tests/geo/test_estimation_mean.py checks
    its coverage at unit, city and province level).
    ``"exact"``: when ``se`` is 0 (every house of the domain has the same count, typically 0 missed houses),
    the t interval would be the single point ``r``; the fallback treats ``x = r * n_eff`` as a Poisson count
    over ``n_eff`` houses and gives Garwood's exact interval ``[chi2_{a/2}(2x) / 2, chi2_{1-a/2}(2x + 2) / 2]
    / n_eff``: with no missed house among 20 houses, ``[0, 0.18]`` at 95 %.
"""

from __future__ import annotations

import math

from scipy import stats


def _check(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must lie in (0, 1)")
    return 1.0 - confidence


def share_interval(
    r: float, se: float, dof: float, n_eff: float, confidence: float
) -> tuple[float, float, str, str]:
    """The interval of a share: logit-transformed t, or Clopper–Pearson on ``n_eff`` (module docstring)."""
    alpha = _check(confidence)
    if 0.0 < r < 1.0 and se > 0.0:
        q = float(stats.t.ppf(1.0 - alpha / 2.0, dof))
        centre = math.log(r / (1.0 - r))
        half = q * se / (r * (1.0 - r))
        lo, hi = centre - half, centre + half
        return (
            1.0 / (1.0 + math.exp(-lo)),
            1.0 / (1.0 + math.exp(-hi)),
            "logit",
            f"logit-transformed {confidence:.0%} CI (t, Satterthwaite df={dof:.1f})",
        )
    x = r * n_eff
    lo = float(stats.beta.ppf(alpha / 2.0, x, n_eff - x + 1.0)) if x > 0 else 0.0
    hi = float(stats.beta.ppf(1.0 - alpha / 2.0, x + 1.0, n_eff - x)) if x < n_eff else 1.0
    return (
        lo,
        hi,
        "exact",
        f"Clopper-Pearson {confidence:.0%} CI on Kish effective n={n_eff:.1f} (estimate at 0 or 1, or SE 0)",
    )


def mean_interval(
    r: float, se: float, dof: float, n_eff: float, confidence: float
) -> tuple[float, float, str, str]:
    """The interval of a mean count: t on the identity scale truncated at 0, or Garwood's Poisson interval
    on ``n_eff`` when the SE is 0 (module docstring)."""
    alpha = _check(confidence)
    if se > 0.0:
        q = float(stats.t.ppf(1.0 - alpha / 2.0, dof))
        return (
            max(0.0, r - q * se),
            r + q * se,
            "identity",
            f"{confidence:.0%} CI on the identity scale (t, Satterthwaite df={dof:.1f}), truncated at 0",
        )
    x = r * n_eff
    lo = float(stats.chi2.ppf(alpha / 2.0, 2.0 * x)) / (2.0 * n_eff) if x > 0 else 0.0
    hi = float(stats.chi2.ppf(1.0 - alpha / 2.0, 2.0 * x + 2.0)) / (2.0 * n_eff)
    return (
        lo,
        hi,
        "exact",
        f"Garwood (Poisson) {confidence:.0%} CI on Kish effective n={n_eff:.1f} (SE 0: every count equal)",
    )
