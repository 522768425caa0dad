"""House draw, version ``spotcheck-draw/1`` (frozen: draws recorded with this version are re-run with it).

Superseded for new draws by ``spotcheck-draw/2`` (geo/draw_v2.py, docs/draw_design.md); kept unchanged so
that a draw made with it still verifies IDENTICAL. Reached through ``geo.draw.draw_houses(...,
version="spotcheck-draw/1")`` and ``geo.draw.inclusion_probabilities(..., version=...)``. The randomness
(``geo.draw.rng_for``) and the replacement rule (``geo.draw.next_replacement``) are shared with v2.

Randomness of this version: ``("townships", unit_code, "c" | "n")`` for the choice of townships in a unit,
and ``("grts", unit_code, stratum)`` for the houses of one stratum. ``townships`` and ``grts`` draw
``integers(0, 24, size=(24, m))`` (the quadrant-label permutation of every quadtree node, see
``_grts_walks``), ``permutation(m)`` (ties), then ``random()`` (the systematic start), for the ``m``
points walked.

House draw in one unit
----------------------
1. **Commercial count.** ``c = max(commercial_min, round_half_up(n * C / N))``, capped by ``C`` and ``n``;
   the rest ``n - c`` goes to non-commercial houses, capped by their number ``M`` (any remainder back to
   commercial). The minimum is therefore a hard constraint; when the frame has fewer than
   ``commercial_min`` commercial houses all are taken, and when it has fewer than ``n`` houses all are taken;
   both shortfalls are reported with their reasons.
2. **Strata** are township x commercial flag. Within each group (commercial, non-commercial) its count
   ``k`` is spread over its ``T`` townships (those with at least one house of the group):

   - ``k >= T``: every township gets 1, the other ``k - T`` go in proportion to the townships' sizes by
     largest remainder (ties by township code), never more than a stratum holds (capped shares are
     re-apportioned). Deterministic: each stratum is selected with probability 1.
   - ``k < T``: ``k`` distinct townships get one house each, chosen with probability proportional to size
     (PPS). Townships with ``k * N_t >= N`` are taken with certainty and removed (repeatedly, with ``k`` and
     ``N`` reduced); the others are chosen by systematic PPS with a random start along a GRTS order of
     their centroids (the mean position of the group's houses in the township), which spreads the chosen
     townships over the unit. Systematic PPS gives each of them exactly ``pi_t = k' * N_t / N'``.

   Guarantee: in each group the sample covers exactly ``min(k, T)`` distinct townships.
3. **Houses in a stratum** are chosen by GRTS (generalized random tessellation stratified, Stevens &
   Olsen 2004): the stratum's bounding square is split recursively into quadrants; at every node the four
   quadrant labels are randomly permuted; the houses are sorted by their hierarchical base-4 addresses
   (splitting stops when every cell holds one house; houses at the same point are ordered randomly), and
   ``a_h`` of them are taken by systematic sampling along that order with step ``s = N_h / a_h`` and a
   uniform start ``u`` in ``[0, s)``. This is a fixed-size, spatially balanced sample with the exact
   equal inclusion probability ``a_h / N_h``.
4. **Inclusion probability** of house i in stratum h (within the unit):
   ``pi_i = P(h is selected) * a_h / N_h`` with ``P = 1`` when ``k >= T`` and ``P = pi_t`` (``a_h = 1``)
   otherwise. The sum over the frame is the sample size. ``inclusion_probabilities`` computes them for the
   whole frame; the caller multiplies by the unit's probability from the county draw.
5. **Replacements** (a house that cannot be visited: demolished, locked, refused) continue the stratum's
   systematic walk at the van der Corput offsets 1/2, 1/4, 3/4, 1/8, ... of a step (the positions
   ``floor(u + (j + o) * s) mod N_h``, skipping houses already taken), i.e. they fill the gaps between
   the drawn houses along the GRTS curve; ``replacements_per_stratum`` per selected stratum. The unit's
   list is ordered by stratum (township code, commercial first), then by that walk. A replacement carries
   its stratum's inclusion probability (the substitute stands in for the house it replaces).
   ``next_replacement`` picks: the first unused replacement of the replaced house's stratum; else of the
   same township with the other commercial flag; else the first unused in the unit's list; else None. A
   commercial house goes to a non-commercial replacement only when the commercial minimum keeps holding
   (see ``next_replacement``).

The result depends only on the frame rows as a set: the frame is sorted by ``house_id`` first.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.draw import UnitDraw, rng_for

ALGORITHM_VERSION = "spotcheck-draw/1"
"""The version this module implements."""

# ---------------------------------------------------------------------------------------------------------
# House draw: the plan (deterministic given the counts)

# The 24 permutations of the four quadrant labels; a node's permutation is a row picked at random.
_PERMS4 = np.array(list(itertools.permutations(range(4))), dtype=np.int64)
_MAX_DEPTH = 24  # 2**24 cells per side: sub-metre cells over any county; deeper levels only break ties.
_VDC_ROUNDS = 64  # van der Corput offsets tried for replacements before falling back to the plain order


def _round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def _apportion(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` by largest remainder, never above ``caps``.

    Shares that would exceed their cap are fixed at the cap and the rest re-apportioned. Ties in the
    remainders go to the lower index. Requires ``0 <= total <= caps.sum()``.
    """
    alloc = np.zeros(len(weights), dtype=np.int64)
    active = caps > 0
    left = int(total)
    while left > 0:
        w = np.where(active, weights, 0).astype(float)
        share = left * w / w.sum()
        over = active & (share >= caps - alloc)
        if over.any():
            left -= int((caps - alloc)[over].sum())
            alloc[over] = caps[over]
            active &= ~over
            continue
        base = np.floor(share).astype(np.int64)
        alloc += base
        rest = left - int(base.sum())
        if rest:
            rem = np.where(active, share - base, -1.0)
            order = np.lexsort((np.arange(len(rem)), -rem))
            alloc[order[:rest]] += 1
        break
    return alloc


def _pps_probabilities(sizes: np.ndarray, k: int) -> np.ndarray:
    """First-order inclusion probabilities of a size-``k`` PPS sample of the units with ``sizes`` (> 0).

    Units with ``k * size >= total`` are certain (probability 1) and removed, repeatedly; the others get
    ``k' * size / total'``.
    """
    p = np.zeros(len(sizes))
    left = np.ones(len(sizes), dtype=bool)
    kk = int(k)
    while kk > 0 and left.any():
        tot = int(sizes[left].sum())
        cert = left & (kk * sizes >= tot)
        if not cert.any():
            p[left] = kk * sizes[left] / tot
            break
        p[cert] = 1.0
        left &= ~cert
        kk -= int(cert.sum())
    return p


@dataclass
class _Plan:
    """Strata of a unit's frame and their allocation; strata sorted by (township, commercial first)."""

    order: np.ndarray  # row positions of the input frame sorted by house id
    ids: np.ndarray  # house ids sorted ascending
    stratum_of: np.ndarray  # stratum index per house
    labels: np.ndarray  # per stratum: "township_code|c" or "|n" (object)
    township: np.ndarray  # per stratum: township code (object)
    commercial: np.ndarray  # per stratum: bool
    sizes: np.ndarray  # per stratum: frame count
    allocated: np.ndarray  # per stratum: houses it gets when selected
    probability: np.ndarray  # per stratum: probability that it is selected
    counts: dict[str, int]  # N, C, M, c, nc
    pps: dict[bool, bool]  # group (commercial?) -> chosen by PPS (k < T)


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
    tidx_in, tcodes_in = pd.factorize(frame["township_code"], sort=True)
    if (tidx_in < 0).any():
        raise ValueError("every house needs a township_code")
    tcodes = np.asarray([str(t) for t in tcodes_in], dtype=object)
    tidx = tidx_in[order].astype(np.int64)
    com = frame["commercial"].to_numpy(dtype=bool)[order]

    sidx = tidx * 2 + (~com).astype(np.int64)  # commercial stratum before non-commercial
    n_strata = 2 * len(tcodes)
    sizes_all = np.bincount(sidx, minlength=n_strata)
    present = np.flatnonzero(sizes_all > 0)
    sizes = sizes_all[present]
    s_com = (present % 2) == 0
    s_tship = tcodes[present // 2]
    dense = np.full(n_strata, -1, dtype=np.int64)
    dense[present] = np.arange(len(present))
    stratum_of = dense[sidx]

    N = len(ids)
    C = int(com.sum())
    M = N - C
    if N <= n:
        c, nc = C, M
        alloc = sizes.copy()
        prob = np.ones(len(sizes))
        pps = {True: False, False: False}
    else:
        c = min(max(commercial_min, _round_half_up(n * C / N)), C, n)
        nc = n - c
        if nc > M:  # a guard: cannot happen while c >= the proportional share and N > n
            nc = M
            c = n - M
        alloc = np.zeros(len(sizes), dtype=np.int64)
        prob = np.zeros(len(sizes))
        pps = {}
        for group, k in ((True, c), (False, nc)):
            sel = s_com == group
            g_sizes = sizes[sel]
            T = len(g_sizes)
            pps[group] = 0 < k < T
            if k == 0:
                continue
            if k >= T:
                alloc[sel] = 1 + _apportion(k - T, g_sizes, g_sizes - 1)
                prob[sel] = 1.0
            else:
                alloc[sel] = 1
                prob[sel] = _pps_probabilities(g_sizes, k)
    labels = np.array([f"{t}|{'c' if f else 'n'}" for t, f in zip(s_tship, s_com, strict=True)], dtype=object)
    return _Plan(
        order=order,
        ids=ids,
        stratum_of=stratum_of,
        labels=labels,
        township=s_tship,
        commercial=s_com,
        sizes=sizes.astype(np.int64),
        allocated=alloc.astype(np.int64),
        probability=prob,
        counts={"N": N, "C": C, "M": M, "c": c, "nc": nc},
        pps=pps,
    )


def _house_probabilities(plan: _Plan) -> np.ndarray:
    return (plan.probability * plan.allocated / plan.sizes)[plan.stratum_of]


def inclusion_probabilities(frame: pd.DataFrame, n: int, commercial_min: int) -> pd.Series:
    """First-order inclusion probabilities (within the unit) of every house of ``frame`` under the design.

    ``frame`` needs house_id, township_code and commercial. Returns a float Series indexed by house_id
    (ascending) whose sum is ``min(n, len(frame))``; ``draw_houses`` records the same values for the
    houses it draws.
    """
    plan = _plan(frame, n, commercial_min)
    return pd.Series(
        _house_probabilities(plan), index=pd.Index(plan.ids, name="house_id"), name="inclusion_probability"
    )


# ---------------------------------------------------------------------------------------------------------
# GRTS ordering and systematic walks


def _grts_walks(
    x: np.ndarray, y: np.ndarray, bounds: np.ndarray, rngs: list[np.random.Generator]
) -> np.ndarray:
    """GRTS order of several groups of points at once: randomized hierarchical quadtree addresses.

    The points come grouped: group g is ``x[bounds[g]:bounds[g + 1]]`` (non-empty), with its own generator
    ``rngs[g]``. Returns the point indices sorted by (group, address), so ``result[bounds[g]:bounds[g+1]]``
    is group g's walk.

    For each group: the bounding square of its points is split recursively into quadrants
    (``_MAX_DEPTH`` levels at most); at every node the four quadrant labels are permuted by one of the 24
    permutations, drawn from ``table[level, r]`` where ``table = rng.integers(0, 24, (_MAX_DEPTH, n_g))`` and
    ``r`` is the node's rank among the group's nodes of that level in the order of their (unpermuted) paths;
    points still sharing a cell at the bottom are ordered by ``rng.permutation(n_g)``, drawn next. The
    address digits are the permuted labels, top level first. Levels below the point where every distinct
    cell is alone in its node do not change the order and are skipped. A group's walk depends on its own
    points and generator only.
    """
    sizes = np.diff(bounds)
    n = int(bounds[-1])
    starts = bounds[:-1]
    gid = np.repeat(np.arange(len(sizes)), sizes)
    tables = []
    ties = []
    for rng, size in zip(rngs, sizes, strict=True):
        tables.append(rng.integers(0, 24, size=(_MAX_DEPTH, int(size))).ravel())
        ties.append(rng.permutation(int(size)))
    table = np.concatenate(tables)
    tie = np.concatenate(ties)
    tab_off = (np.concatenate([[0], np.cumsum(sizes)[:-1]]) * _MAX_DEPTH)[gid]
    stride = sizes[gid]

    x0 = np.minimum.reduceat(x, starts)
    y0 = np.minimum.reduceat(y, starts)
    side = np.maximum(np.maximum.reduceat(x, starts) - x0, np.maximum.reduceat(y, starts) - y0)
    side = np.where(side > 0, side, 1.0)
    cells = 1 << _MAX_DEPTH
    scale = (cells / side)[gid]
    ix = np.minimum(((x - x0[gid]) * scale).astype(np.int64), cells - 1)
    iy = np.minimum(((y - y0[gid]) * scale).astype(np.int64), cells - 1)
    n_cells = len(np.unique((gid << 48) | (ix << _MAX_DEPTH) | iy))

    addr = np.zeros(n, dtype=np.int64)
    node = gid.copy()
    n_nodes = len(sizes)
    for level in range(_MAX_DEPTH):
        if n_nodes == n_cells:
            break
        shift = _MAX_DEPTH - 1 - level
        quad = ((ix >> shift) & 1) * 2 + ((iy >> shift) & 1)
        local = node - np.minimum.reduceat(node, starts)[gid]
        addr = addr * 4 + _PERMS4[table[tab_off + level * stride + local], quad]
        key = node * 4 + quad
        seen = np.zeros(4 * n_nodes, dtype=bool)
        seen[key] = True
        rank = np.cumsum(seen) - 1
        node = rank[key]
        n_nodes = int(rank[-1]) + 1
    return np.lexsort((tie, addr, gid))


def _systematic(size: int, take: int, u: float) -> np.ndarray:
    """Positions ``floor(u + j * size / take)``, j = 0..take-1, for a start ``u`` in [0, size / take)."""
    step = size / take
    return np.minimum(np.floor(u + np.arange(take) * step).astype(np.int64), size - 1)


def _van_der_corput(count: int) -> list[float]:
    out = []
    for i in range(1, count + 1):
        v, denom, k = 0.0, 1.0, i
        while k:
            denom *= 2
            k, bit = divmod(k, 2)
            v += bit / denom
        out.append(v)
    return out


_VDC = _van_der_corput(_VDC_ROUNDS)


def _replacement_positions(size: int, take: int, u: float, drawn: np.ndarray, m: int) -> list[int]:
    """Next ``m`` positions of the walk: offsets 1/2, 1/4, 3/4, ... of a step, skipping taken positions."""
    m = min(m, size - take)
    if m <= 0:
        return []
    step = size / take
    taken = set(drawn.tolist())
    out: list[int] = []
    j = np.arange(take)
    for off in _VDC:
        for p in (np.floor(u + (j + off) * step).astype(np.int64) % size).tolist():
            if p not in taken:
                taken.add(p)
                out.append(p)
                if len(out) == m:
                    return out
    for p in range(size):  # only reached for tiny steps; plain order along the curve
        if p not in taken:
            out.append(p)
            if len(out) == m:
                break
    return out


def _rows(plan: _Plan, idx: np.ndarray, pi: np.ndarray, counter: str) -> pd.DataFrame:
    st = plan.stratum_of[idx]
    return pd.DataFrame(
        {
            "house_id": plan.ids[idx].astype(np.int64),
            "township_code": pd.array(plan.township[st], dtype="str"),
            "commercial": plan.commercial[st].astype(bool),
            "stratum": pd.array(plan.labels[st], dtype="str"),
            "inclusion_probability": pi[idx].astype(float),
            counter: np.arange(1, len(idx) + 1, dtype=np.int64),
        }
    )


def draw_houses(
    frame: pd.DataFrame,
    n: int,
    commercial_min: int,
    seed: str,
    unit_code: str,
    replacements_per_stratum: int = 3,
) -> UnitDraw:
    """Draw ``n`` hazardous houses of one unit with at least ``commercial_min`` commercial ones.

    ``frame``: the unit's hazardous houses with house_id (int, unique), township_code (str), commercial
    (bool), x, y (float metres in a projected CRS, e.g. the unit's Gauss-Krueger zone). The design is in
    the module docstring; the result depends only on (frame rows as a set, n, commercial_min, seed,
    unit_code, replacements_per_stratum).
    """
    plan = _plan(frame, n, commercial_min)
    x = frame["x"].to_numpy(dtype=float)[plan.order]
    y = frame["y"].to_numpy(dtype=float)[plan.order]
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("every house needs finite x, y coordinates")
    pi = _house_probabilities(plan)
    N, C = plan.counts["N"], plan.counts["C"]
    sizes, labels, prob, is_com = plan.sizes, plan.labels, plan.probability, plan.commercial
    alloc = plan.allocated.copy()

    # Houses of each stratum (by house id): members of h are by_stratum[bounds[h]:bounds[h + 1]].
    by_stratum = np.argsort(plan.stratum_of, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(sizes)])

    # Which strata of a PPS group get their house: systematic PPS along a GRTS order of township centroids.
    if plan.pps[True] or plan.pps[False]:
        cx = np.bincount(plan.stratum_of, weights=x, minlength=len(sizes)) / sizes
        cy = np.bincount(plan.stratum_of, weights=y, minlength=len(sizes)) / sizes
    for group, flag in ((True, "c"), (False, "n")):
        if not plan.pps[group]:
            continue
        g = np.flatnonzero(is_com == group)
        chosen = g[prob[g] >= 1.0]
        rest = g[prob[g] < 1.0]
        k_rest = round(float(prob[rest].sum()))
        if k_rest > 0:
            rng = rng_for(seed, "townships", unit_code, flag)
            walk = rest[_grts_walks(cx[rest], cy[rest], np.array([0, len(rest)]), [rng])]
            cum = np.cumsum(sizes[walk])
            step = int(cum[-1]) / k_rest
            points = rng.random() * step + np.arange(k_rest) * step
            hit = np.minimum(np.searchsorted(cum, points, side="right"), len(walk) - 1)
            chosen = np.concatenate([chosen, walk[hit]])
        selected = np.zeros(len(sizes), dtype=bool)
        selected[chosen] = True
        alloc[g[~selected[g]]] = 0
    allocation = pd.DataFrame(
        {
            "stratum": pd.array(labels, dtype="str"),
            "township_code": pd.array(plan.township, dtype="str"),
            "commercial": is_com.astype(bool),
            "frame_count": sizes,
            "allocated": alloc,
            "stratum_probability": prob,
        }
    )

    # Houses within strata: GRTS walk + systematic sample; replacements continue the walk.
    drawn_parts: list[np.ndarray] = []
    repl_parts: list[np.ndarray] = []
    walked = [h for h in np.flatnonzero(alloc > 0).tolist() if alloc[h] < sizes[h]]
    walks: dict[int, np.ndarray] = {}
    starts: dict[int, float] = {}
    if walked:
        rngs = [rng_for(seed, "grts", unit_code, str(labels[h])) for h in walked]
        idx = np.concatenate([by_stratum[bounds[h] : bounds[h + 1]] for h in walked])
        wb = np.concatenate([[0], np.cumsum(sizes[walked])])
        order = idx[_grts_walks(x[idx], y[idx], wb, rngs)]
        for i, h in enumerate(walked):
            walks[h] = order[wb[i] : wb[i + 1]]
            starts[h] = rngs[i].random() * (sizes[h] / alloc[h])
    for h in np.flatnonzero(alloc > 0).tolist():
        size, take = int(sizes[h]), int(alloc[h])
        if h not in walks:  # the whole stratum is taken
            drawn_parts.append(by_stratum[bounds[h] : bounds[h + 1]])
            continue
        pos = _systematic(size, take, starts[h])
        drawn_parts.append(walks[h][pos])
        rpos = _replacement_positions(size, take, starts[h], pos, replacements_per_stratum)
        if rpos:
            repl_parts.append(walks[h][np.array(rpos, dtype=np.int64)])
    empty = np.zeros(0, dtype=np.int64)
    drawn = np.concatenate(drawn_parts) if drawn_parts else empty
    repl = np.concatenate(repl_parts) if repl_parts else empty

    sample = _rows(plan, drawn, pi, "draw_order")
    replacements = _rows(plan, repl, pi, "rank")
    shortfalls = []
    if N < n:
        shortfalls.append(
            {
                "kind": "houses",
                "requested": int(n),
                "available": int(N),
                "reason_zh": f"该县区平台上有隐患的自建房仅 {N} 栋，少于应抽取的 {n} 栋，已全部抽取。",
                "reason_en": f"The unit has only {N} hazardous houses on the platform, fewer than the {n} to draw; all were taken.",
            }
        )
    if C < commercial_min:
        shortfalls.append(
            {
                "kind": "commercial",
                "requested": int(commercial_min),
                "available": int(C),
                "reason_zh": f"该县区有隐患的经营性自建房仅 {C} 栋，少于要求的 {commercial_min} 栋，已全部抽取，其余以非经营性自建房补足。",
                "reason_en": f"The unit has only {C} hazardous commercial houses, fewer than the required {commercial_min}; all were taken and the rest made up with non-commercial houses.",
            }
        )
    return UnitDraw(
        unit_code=str(unit_code),
        sample=sample,
        replacements=replacements,
        allocation=allocation,
        requested=int(n),
        commercial_min=int(commercial_min),
        commercial_drawn=int(sample["commercial"].sum()),
        shortfalls=shortfalls,
    )

