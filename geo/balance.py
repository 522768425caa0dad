"""Spatially balanced primitives of the house draw (version 2): controlled rounding of a township x group
allocation.

``controlled_round`` rounds a fractional allocation ``a[t, g]`` (townships t, groups g) to integers ``X``
with ``E[X[t, g]] = a[t, g]`` exactly, every group total kept exactly (when it is an integer) and every
township total kept at ``floor`` or ``ceil`` of its fractional total. It is the dependent rounding of
Gandhi, Khuller, Parthasarathy & Srinivasan (2006, J. ACM 53:324-360) on the bipartite graph whose left
vertices are the townships and right vertices the groups, with the cycles chosen spatially: like the local
pivotal method (Grafstroem, Lundstroem & Schelin 2012), each step starts at a random township and closes
the cycle through the townships nearest to it, so that neighbouring townships compete for the same
fractional house (negatively correlated) and the chosen townships spread over the unit.

Algorithm, exactly (``rng`` is the caller's generator):

1. ``base = floor(a)`` (values within ``EPS`` of an integer are snapped to it first); the fractional parts
   ``x = a - base`` are the edges of the graph. A township whose fractional total ``s_t`` is not an
   integer gets a *slack* edge to an extra group ``G`` (index ``n_groups``) of value ``ceil(s_t) - s_t``;
   now every vertex sum is an integer (the slack group's sum is ``sum ceil(s_t) - sum s_t``, an integer
   because the group totals are).
2. While some edge is fractional (in ``(EPS, 1 - EPS)``): let ``F`` be the townships with a fractional
   edge, in index order; ``t1 = F[floor(rng.random() * len(F))]``. For every pair of groups ``(p, q)``
   (``p < q``) with fractional edges at ``t1``, the candidate cycles are ``t1-p-t2-q-t1`` for a township
   ``t2``, the township nearest to ``t1`` with fractional edges to both (cost ``d(t1, t2)``), and, for
   every third group ``r``, ``t1-p-t2-r-t3-q-t1`` with ``t2`` the nearest township with fractional edges
   to ``p`` and ``r`` that has a partner ``t3`` and ``t3`` the nearest township other than ``t2`` with
   fractional edges to ``r`` and ``q`` (cost ``d(t1, t2) + d(t1, t3)``). "Nearest" is by the Euclidean
   distance ``d`` between township centres, ties to the lower index, never ``t1`` itself. The cheapest
   candidate wins; of equal costs the 4-cycle, then the first found (pairs ``(p, q)`` ascending, ``r``
   ascending). The cycle's edges alternate ``+`` (``(t1, p)`` first) and ``-``. With
   ``alpha = min(1 - x over +, x over -)`` and ``beta = min(x over +, 1 - x over -)``, one
   ``rng.random() < beta / (alpha + beta)`` moves ``+alpha`` on ``+`` edges and ``-alpha`` on ``-``
   edges, otherwise ``-beta`` and ``+beta``. The expected change is 0 and at least one edge becomes 0 or
   1, so there are at most as many steps as edges.
3. ``X = base + round(x)`` (slack edges dropped).

With three groups (two real ones and the slack) a cycle through any township with a fractional edge
always exists (every vertex sum is an integer, so no vertex has exactly one fractional edge).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

EPS = 1e-9


def _snap(a: np.ndarray) -> np.ndarray:
    r = np.round(a)
    return np.where(np.abs(a - r) < EPS, r, a)


def _best_cycle(t1: int, groups_at: list[set[int]], near: list[list[int]], dist: list[list[float]],
                n_groups: int) -> list[tuple[int, int]]:
    """The cheapest cycle through township ``t1`` (see the module docstring), as (township, group) edges."""
    best: tuple[float, int, list[tuple[int, int]]] | None = None
    order = [t for t in near[t1] if t != t1 and groups_at[t]]
    d1 = dist[t1]
    for p, q in itertools.combinations(sorted(groups_at[t1]), 2):
        t2 = next((t for t in order if p in groups_at[t] and q in groups_at[t]), None)
        if t2 is not None:
            cand = (d1[t2], 0, [(t1, p), (t2, p), (t2, q), (t1, q)])
            if best is None or cand[:2] < best[:2]:
                best = cand
        for r in range(n_groups):
            if r in (p, q):
                continue
            for t2 in (t for t in order if p in groups_at[t] and r in groups_at[t]):
                t3 = next((t for t in order if t != t2 and r in groups_at[t] and q in groups_at[t]), None)
                if t3 is not None:
                    cand = (d1[t2] + d1[t3], 1, [(t1, p), (t2, p), (t2, r), (t3, r), (t3, q), (t1, q)])
                    if best is None or cand[:2] < best[:2]:
                        best = cand
                    break
    if best is None:
        raise RuntimeError(f"controlled rounding: no cycle through township {t1} (vertex sums not integers?)")
    return best[2]


def controlled_round(a: np.ndarray, centres: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round ``a`` (townships x groups, group totals integers) as the module docstring says; int64 array."""
    a = _snap(np.asarray(a, dtype=float))
    base = np.floor(a)
    x = a - base
    rows = x.sum(axis=1)
    slack = np.ceil(rows - EPS) - rows
    x = np.column_stack([x, np.where(slack > EPS, slack, 0.0)])
    x[(x < EPS)] = 0.0
    d = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    near = np.argsort(d, axis=1, kind="stable").tolist()
    dist = d.tolist()
    n_groups = x.shape[1]
    val = x.tolist()
    groups_at = [{g for g in range(n_groups) if EPS < val[t][g] < 1 - EPS} for t in range(len(val))]
    for _ in range(x.size + 1):
        live = [t for t in range(len(val)) if groups_at[t]]
        if not live:
            break
        t1 = live[math.floor(rng.random() * len(live))]
        cycle = _best_cycle(t1, groups_at, near, dist, n_groups)
        plus = [val[t][g] for t, g in cycle[0::2]]
        minus = [val[t][g] for t, g in cycle[1::2]]
        alpha = min(min(1 - v for v in plus), min(minus))
        beta = min(min(plus), min(1 - v for v in minus))
        step = alpha if rng.random() < beta / (alpha + beta) else -beta
        for k, (t, g) in enumerate(cycle):
            v = min(1.0, max(0.0, val[t][g] + (step if k % 2 == 0 else -step)))
            val[t][g] = v
            if not EPS < v < 1 - EPS:
                groups_at[t].discard(g)
    else:  # pragma: no cover - every step decides an edge
        raise RuntimeError("controlled rounding did not finish")
    return (base + np.round(np.array(val)[:, : a.shape[1]])).astype(np.int64)
