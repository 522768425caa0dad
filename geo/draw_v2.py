"""House draw, version ``spotcheck-draw/2``: controlled selection over township x commercial cells.

The default for new draws (``geo.draw.ALGORITHM_VERSION``); the why and the figures are in
docs/draw_design.md. Reached through ``geo.draw.draw_houses`` and ``geo.draw.inclusion_probabilities``.
Everything is a pure function of (frame rows as a set, n, commercial_min, seed, unit_code,
replacements_per_stratum): the frame is sorted by ``house_id`` first, townships by code.

1. **Counts** (as version 1). ``N`` houses, ``C`` commercial, ``M = N - C``. When ``N <= n`` every house
   is taken (probability 1). Otherwise ``c = min(max(commercial_min, round_half_up(n * C / N)), C, n)``
   commercial and ``m = n - c`` non-commercial houses (capped by ``M``, any remainder back to
   commercial). Cells are township x group; ``N[t, g]`` their sizes; ``T`` townships (with any house),
   ``T_c`` / ``T_n`` of them with commercial / non-commercial houses.
2. **Townships to cover.** ``D = min(T, n, T_c + m, T_n + c)`` is the largest number of distinct
   townships a sample with exactly ``c`` commercial houses can reach; it is ``min(n, T)`` unless the
   quota forces commercial (or non-commercial) houses into fewer townships. Every draw covers exactly
   ``D`` townships, except in the quota-bound case below.
3. **Fractional allocation** ``a[t, g]`` (expected houses of each cell; ``0 <= a <= N[t, g]``, group
   totals exactly ``c`` and ``m``), with ``p_c = c / C``, ``p_n = m / M`` (the stratified rates):

   - ``D = T`` (*cover all*), first choice, integer township totals: ``r_t = 1 + `` the largest-remainder
     share of ``n - T`` in proportion to the stratified size ``w_t = p_c N[t,c] + p_n N[t,n]``, capped
     at ``N_t - 1`` (``geo.draw_v1._apportion``); the commercial part of a township ``y_t = clip(r_t
     phi'_t, max(0, r_t - N[t,n]), min(r_t, N[t,c]))`` with ``phi_t = p_c N[t,c] / w_t`` (1 or 0 for
     one-group townships) and, for two-group townships, ``phi'_t = e^s phi_t / (e^s phi_t + 1 - phi_t)``,
     ``s`` found by 100 bisection steps on ``[-60, 60]`` so that ``sum y = c``; non-commercial
     ``r_t - y_t``. Used when it hits ``c`` within 1e-9 and leaves every two-group township both groups
     (``0 < y_t < r_t``), so no house has probability 0; otherwise:
   - ``D = T`` (*cover all*), fallback: every township gets one "coverage" house, commercial with share
     ``phi_t = p_c N[t,c] / (p_c N[t,c] + p_n N[t,n])`` (1 or 0 for one-group townships); when
     ``sum phi > c`` the shares of the two-group townships are scaled by ``(c - A) / (sum phi - A)``
     (``A``: commercial-only townships), when ``T - sum phi > m`` their ``1 - phi`` by
     ``(m - B) / (T - sum phi - B)`` (``B``: non-commercial-only). The rest of each group,
     ``k_g - f_g`` (``f_g`` its coverage total), goes in proportion to ``N[t, g] - F[t, g]``. Township
     totals are ``>= 1``, so every township is covered in every draw.
   - ``D = n < T``, ``c < T_c`` and ``m < T_n`` (*PPS*): ``a[t, g] = l_g N[t, g] / max(1, sum_h l_h
     N[t, h])`` with ``l_c``, ``l_n`` solved so that the group totals are ``c`` and ``m`` (multiplicative
     fixed point ``l_g <- l_g k_g / total_g`` from ``l_g = k_g / N_g``, to 1e-13, then the columns scaled
     exactly). Township totals are ``<= 1`` (probability proportional to the stratified size
     ``p_c N[t,c] + p_n N[t,n]`` until capped), so the ``n`` houses fall in ``n`` distinct townships.
   - otherwise (*quota-bound*, ``D < T`` with ``c >= T_c``, or symmetrically ``m >= T_n``): the bound
     group takes every township where it has houses, ``1 + (k - T_g) (N[t,g] - 1) / sum (N[t,g] - 1)``
     each; the other group's townships get its ``k`` houses by PPS on its cell sizes with certainty
     capping (as version 1), at most 1 each. Every house keeps a positive probability, so the other
     group may land in a bound township: the draw covers every township of the bound group and at most
     ``D`` in all (a "townships" shortfall says so); this case needs a quota the frame can hardly meet
     (e.g. 12 commercial houses that all lie in 3 townships while ``T > n``).
4. **Controlled rounding** of ``a`` to integer cell counts ``X`` (``geo.balance.controlled_round``, stream
   ``rng_for(seed, "draw2", unit_code, "cells")``, township centres = mean house positions): ``E[X] = a``,
   group totals exact, township totals ``floor`` / ``ceil`` of theirs, neighbouring townships negatively
   correlated.
5. **Houses in a cell** (``X[t, g]`` of ``N[t, g]``): GRTS order and systematic sample along it exactly
   as version 1 (``geo.draw_v1._grts_walks``: stream ``rng_for(seed, "draw2", unit_code, "grts", label)``
   draws ``integers(0, 24, size=(24, N[t,g]))``, ``permutation(N[t,g])``, then ``random()`` for the
   start), for every cell with ``0 < X < N`` (label ``"township|c"`` or ``"township|n"``). The house's
   inclusion probability is ``pi_i = a[t, g] / N[t, g]`` exactly (``E[X] / N`` since the within-cell
   sample is equal-probability given ``X``); they sum to ``n``.
6. **Replacements** as version 1: per cell with ``X > 0``, ``replacements_per_stratum`` along the
   walk at the van der Corput offsets; the list ordered by cell (township code, commercial first);
   ``geo.draw.next_replacement`` is the rule. ``allocation.allocated`` is ``X``,
   ``stratum_probability`` is ``P(X >= 1) = min(1, a)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.balance import controlled_round
from geo.draw import UnitDraw, rng_for
from geo.draw_v1 import (
    _apportion,
    _grts_walks,
    _pps_probabilities,
    _replacement_positions,
    _round_half_up,
    _systematic,
)

ALGORITHM_VERSION = "spotcheck-draw/2"
"""The version this module implements."""


@dataclass
class _Plan:
    order: np.ndarray  # row positions of the input frame sorted by house id
    ids: np.ndarray  # house ids ascending
    town: np.ndarray  # township index per house (townships sorted by code)
    com: np.ndarray  # commercial flag per house
    tcodes: np.ndarray  # township codes (object)
    sizes: np.ndarray  # (T, 2) cell sizes, column 0 commercial, 1 non-commercial
    a: np.ndarray  # (T, 2) fractional allocation
    counts: dict[str, int]  # N, C, c, m, D


def _cover_all(sizes: np.ndarray, k: np.ndarray, p: np.ndarray) -> np.ndarray:
    t = len(sizes)
    has = sizes > 0
    w = sizes * p
    tot = w.sum(axis=1)
    phi = np.where(has[:, 0] & ~has[:, 1], 1.0, np.where(has[:, 1] & ~has[:, 0], 0.0, 0.0))
    two = has[:, 0] & has[:, 1]
    phi[two] = np.divide(w[two, 0], tot[two], out=np.full(int(two.sum()), 0.5), where=tot[two] > 0)
    only_c = float((has[:, 0] & ~has[:, 1]).sum())
    only_n = float((has[:, 1] & ~has[:, 0]).sum())
    fc = float(phi.sum())
    if fc > k[0]:
        phi[two] *= (k[0] - only_c) / (fc - only_c)
    elif t - fc > k[1]:
        phi[two] = 1 - (1 - phi[two]) * (k[1] - only_n) / (t - fc - only_n)
    cover = np.column_stack([phi, 1 - phi])
    room = sizes - cover
    extra = k - cover.sum(axis=0)
    share = np.divide(room, room.sum(axis=0), out=np.zeros_like(room), where=room.sum(axis=0) > 0)
    return cover + np.maximum(extra, 0.0) * share


def _integer_cover(sizes: np.ndarray, k: np.ndarray, p: np.ndarray) -> np.ndarray | None:
    """Cover all with integer township totals, or None when the split would give some house probability 0."""
    n = int(k.sum())
    per_town = sizes.sum(axis=1)
    w = (sizes * p).sum(axis=1)
    r = 1 + _apportion(n - len(sizes), w, (per_town - 1).astype(np.int64)).astype(float)
    lo = np.maximum(0.0, r - sizes[:, 1])
    hi = np.minimum(r, sizes[:, 0])
    if not lo.sum() + 1e-9 < k[0] < hi.sum() - 1e-9:
        return None
    both = (sizes[:, 0] > 0) & (sizes[:, 1] > 0)
    phi = np.where(sizes[:, 0] > 0, 1.0, 0.0)
    phi[both] = sizes[both, 0] * p[0] / w[both]

    def split(log_s: float) -> np.ndarray:
        odds = np.exp(log_s) * phi[both]
        y = phi * r
        y[both] = r[both] * odds / (odds + 1 - phi[both])
        return np.clip(y, lo, hi)

    a_, b_ = -60.0, 60.0
    for _ in range(100):
        mid = (a_ + b_) / 2
        if split(mid).sum() < k[0]:
            a_ = mid
        else:
            b_ = mid
    y = split((a_ + b_) / 2)
    if np.any(both & ((y <= 0) | (y >= r))) or abs(y.sum() - k[0]) > 1e-9:
        return None
    return np.column_stack([y, r - y])


def _pps(sizes: np.ndarray, k: np.ndarray) -> np.ndarray:
    lam = np.divide(k, sizes.sum(axis=0), out=np.zeros(2), where=sizes.sum(axis=0) > 0)

    def alloc(lam: np.ndarray) -> np.ndarray:
        w = sizes * lam
        return w / np.maximum(1.0, w.sum(axis=1))[:, None]

    for _ in range(20000):
        tot = alloc(lam).sum(axis=0)
        if np.all(np.abs(tot - k) < 1e-13 * np.maximum(1, k)):
            break
        lam = np.where(tot > 0, lam * k / np.where(tot > 0, tot, 1), 0.0)
    a = alloc(lam)
    tot = a.sum(axis=0)
    return a * np.divide(k, tot, out=np.zeros(2), where=tot > 0)


def _quota_bound(sizes: np.ndarray, k: np.ndarray, g: int) -> np.ndarray:
    a = np.zeros_like(sizes)
    mine = sizes[:, g] > 0
    rest = sizes[mine, g] - 1
    extra = k[g] - mine.sum()
    a[mine, g] = 1 + (extra * rest / rest.sum() if rest.sum() > 0 else 0.0)
    h = 1 - g
    other = sizes[:, h] > 0  # all of them: no house may have probability 0
    if k[h] > 0:
        a[other, h] = _pps_probabilities(sizes[other, h].astype(np.int64), int(k[h]))
    return a


def _plan(frame: pd.DataFrame, n: int, commercial_min: int) -> _Plan:
    if n < 0 or commercial_min < 0:
        raise ValueError(f"n and commercial_min must be >= 0, got n={n}, commercial_min={commercial_min}")
    if commercial_min > n:
        raise ValueError(f"commercial_min ({commercial_min}) cannot exceed the sample size n ({n})")
    missing = {"house_id", "township_code", "commercial"} - set(frame.columns)
    if missing:
        raise ValueError(f"frame lacks columns {sorted(missing)}")
    ids = frame["house_id"].to_numpy(dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    if len(ids) > 1 and (ids[1:] == ids[:-1]).any():
        dup = np.unique(ids[1:][ids[1:] == ids[:-1]])[:5].tolist()
        raise ValueError(f"house_id values repeat in the frame, e.g. {dup}")
    tidx, tcodes_in = pd.factorize(frame["township_code"], sort=True)
    if (tidx < 0).any():
        raise ValueError("every house needs a township_code")
    tcodes = np.asarray([str(t) for t in tcodes_in], dtype=object)
    town = tidx[order].astype(np.int64)
    com = frame["commercial"].to_numpy(dtype=bool)[order]
    t_count = len(tcodes)
    sizes = np.zeros((t_count, 2))
    np.add.at(sizes, (town, (~com).astype(np.int64)), 1.0)
    big_n, big_c = len(ids), int(com.sum())
    big_m = big_n - big_c
    if big_n <= n:
        c, m = big_c, big_m
        a = sizes.copy()
        d = t_count
    else:
        c = min(max(commercial_min, _round_half_up(n * big_c / big_n)), big_c, n)
        m = n - c
        if m > big_m:  # a guard: cannot happen while c >= the proportional share and N > n
            m, c = big_m, n - big_m
        k = np.array([c, m], dtype=float)
        has = sizes > 0
        t_c, t_n = int(has[:, 0].sum()), int(has[:, 1].sum())
        d = min(t_count, n, t_c + m, t_n + c)
        if d == t_count:
            p = np.array([c / big_c if big_c else 0.0, m / big_m if big_m else 0.0])
            a = _integer_cover(sizes, k, p)
            if a is None:
                a = _cover_all(sizes, k, p)
        elif c < t_c and m < t_n:
            a = _pps(sizes, k)
        else:
            a = _quota_bound(sizes, k, 0 if c >= t_c else 1)
        a = np.clip(a, 0.0, sizes)
    return _Plan(order, ids, town, com, tcodes, sizes, a, {"N": big_n, "C": big_c, "c": c, "m": m, "D": d})


def _house_probabilities(plan: _Plan) -> np.ndarray:
    g = (~plan.com).astype(np.int64)
    return (plan.a / np.maximum(plan.sizes, 1))[plan.town, g]


def inclusion_probabilities(frame: pd.DataFrame, n: int, commercial_min: int) -> pd.Series:
    """First-order inclusion probabilities (within the unit) of every house of ``frame`` (sum ``min(n, N)``)."""
    plan = _plan(frame, n, commercial_min)
    return pd.Series(
        _house_probabilities(plan), index=pd.Index(plan.ids, name="house_id"), name="inclusion_probability"
    )


def _rows(plan: _Plan, idx: np.ndarray, pi: np.ndarray, counter: str) -> pd.DataFrame:
    com = plan.com[idx]
    town = plan.tcodes[plan.town[idx]]
    return pd.DataFrame(
        {
            "house_id": plan.ids[idx].astype(np.int64),
            "township_code": pd.array(town, dtype="str"),
            "commercial": com.astype(bool),
            "stratum": pd.array([f"{t}|{'c' if f else 'n'}" for t, f in zip(town, com, strict=True)], dtype="str"),
            "inclusion_probability": pi[idx].astype(float),
            counter: np.arange(1, len(idx) + 1, dtype=np.int64),
        }
    )


def _shortfalls(plan: _Plan, n: int, commercial_min: int) -> list[dict]:
    big_n, big_c, d, t = plan.counts["N"], plan.counts["C"], plan.counts["D"], len(plan.tcodes)
    out = []
    if big_n < n:
        out.append({
            "kind": "houses", "requested": int(n), "available": int(big_n),
            "reason_zh": f"该县区平台上有隐患的自建房仅 {big_n} 栋，少于应抽取的 {n} 栋，已全部抽取。",
            "reason_en": f"The unit has only {big_n} hazardous houses on the platform, fewer than the {n} to draw; all were taken.",
        })  # fmt: skip
    if big_c < commercial_min:
        out.append({
            "kind": "commercial", "requested": int(commercial_min), "available": int(big_c),
            "reason_zh": f"该县区有隐患的经营性自建房仅 {big_c} 栋，少于要求的 {commercial_min} 栋，已全部抽取，其余以非经营性自建房补足。",
            "reason_en": f"The unit has only {big_c} hazardous commercial houses, fewer than the required {commercial_min}; all were taken and the rest made up with non-commercial houses.",
        })  # fmt: skip
    if big_n > n and d < min(n, t):
        out.append({
            "kind": "townships", "requested": int(min(n, t)), "available": int(d),
            "reason_zh": f"经营性自建房数量要求使样本最多只能覆盖 {d} 个乡镇（街道），少于可覆盖的 {min(n, t)} 个。",
            "reason_en": f"The commercial quota lets the sample reach at most {d} townships, fewer than min(n, T) = {min(n, t)}.",
        })  # fmt: skip
    return out


def draw_houses(
    frame: pd.DataFrame,
    n: int,
    commercial_min: int,
    seed: str,
    unit_code: str,
    replacements_per_stratum: int = 3,
) -> UnitDraw:
    """Draw ``n`` hazardous houses of one unit with exactly the required commercial count (module docstring)."""
    plan = _plan(frame, n, commercial_min)
    x = frame["x"].to_numpy(dtype=float)[plan.order]
    y = frame["y"].to_numpy(dtype=float)[plan.order]
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("every house needs finite x, y coordinates")
    pi = _house_probabilities(plan)
    sizes = plan.sizes
    t_count = len(plan.tcodes)
    if plan.counts["N"] <= n:
        counts = sizes.astype(np.int64)
    else:
        per_town = np.maximum(sizes.sum(axis=1), 1)
        centres = np.column_stack([np.bincount(plan.town, weights=x, minlength=t_count) / per_town,
                                   np.bincount(plan.town, weights=y, minlength=t_count) / per_town])  # fmt: skip
        counts = controlled_round(plan.a, centres, rng_for(seed, "draw2", unit_code, "cells"))
    # Cells in output order: township code, commercial first; members of each cell by house id.
    cell_of = plan.town * 2 + (~plan.com).astype(np.int64)
    by_cell = np.argsort(cell_of, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(cell_of, minlength=2 * t_count))])
    present = [h for h in range(2 * t_count) if sizes.flat[h] > 0]
    labels = {h: f"{plan.tcodes[h // 2]}|{'c' if h % 2 == 0 else 'n'}" for h in present}
    take = {h: int(counts.flat[h]) for h in present}
    walked = [h for h in present if 0 < take[h] < sizes.flat[h]]
    walks: dict[int, np.ndarray] = {}
    starts: dict[int, float] = {}
    if walked:
        rngs = [rng_for(seed, "draw2", unit_code, "grts", labels[h]) for h in walked]
        idx = np.concatenate([by_cell[bounds[h] : bounds[h + 1]] for h in walked])
        wb = np.concatenate([[0], np.cumsum([int(sizes.flat[h]) for h in walked])])
        order = idx[_grts_walks(x[idx], y[idx], wb, rngs)]
        for i, h in enumerate(walked):
            walks[h] = order[wb[i] : wb[i + 1]]
            starts[h] = rngs[i].random() * (sizes.flat[h] / take[h])
    drawn_parts, repl_parts = [], []
    for h in present:
        if take[h] == 0:
            continue
        if h not in walks:
            drawn_parts.append(by_cell[bounds[h] : bounds[h + 1]])
            continue
        size = int(sizes.flat[h])
        pos = _systematic(size, take[h], starts[h])
        drawn_parts.append(walks[h][pos])
        rpos = _replacement_positions(size, take[h], starts[h], pos, replacements_per_stratum)
        if rpos:
            repl_parts.append(walks[h][np.array(rpos, dtype=np.int64)])
    empty = np.zeros(0, dtype=np.int64)
    drawn = np.concatenate(drawn_parts) if drawn_parts else empty
    repl = np.concatenate(repl_parts) if repl_parts else empty
    allocation = pd.DataFrame(
        {
            "stratum": pd.array([labels[h] for h in present], dtype="str"),
            "township_code": pd.array([plan.tcodes[h // 2] for h in present], dtype="str"),
            "commercial": np.array([h % 2 == 0 for h in present], dtype=bool),
            "frame_count": np.array([int(sizes.flat[h]) for h in present], dtype=np.int64),
            "allocated": np.array([take[h] for h in present], dtype=np.int64),
            "stratum_probability": np.array([min(1.0, float(plan.a.flat[h])) for h in present]),
        }
    )
    sample = _rows(plan, drawn, pi, "draw_order")
    return UnitDraw(
        unit_code=str(unit_code),
        sample=sample,
        replacements=_rows(plan, repl, pi, "rank"),
        allocation=allocation,
        requested=int(n),
        commercial_min=int(commercial_min),
        commercial_drawn=int(sample["commercial"].sum()),
        shortfalls=_shortfalls(plan, n, commercial_min),
    )
