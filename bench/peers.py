"""Peer designs for the balance benchmark (issue 13), implemented from their papers.

Each design returns ``(sample, pi)``: the sorted positions (0..N-1) of the drawn units in the frame and the
first-order inclusion probabilities of *every* frame unit under that design (they sum to the sample size).

- ``srs``: simple random sampling without replacement of ``n``; ``pi = n / N``.
- ``stratified_srs``: SRS of ``c`` commercial and ``n - c`` non-commercial houses, with the project's
  commercial count rule (``commercial_counts``, as geo/draw.py ``_plan``); ``pi = c / C`` and
  ``(n - c) / M``.
- ``stratified_grts``: GRTS (Stevens & Olsen 2004, JASA 99:262-278) in each commercial stratum, equal
  probability: the stratum's points get hierarchical base-4 addresses on a randomly shifted quadtree whose
  four quadrant labels are randomly permuted at every node (hierarchical randomisation), splitting until
  every cell holds one point (ties at the same point broken at random); the points are sorted by address
  and a systematic sample with step ``N_h / a_h`` and uniform start is taken along that order.
- ``lpm2``: the local pivotal method 2 (Grafstroem, Lundstroem & Schelin 2012, Biometrics 68:514-520):
  while two or more units are undecided (``0 < pi < 1``), pick an undecided unit ``i`` uniformly, find its
  nearest undecided neighbour ``j`` (Euclidean), and apply the pivotal update: if ``pi_i + pi_j < 1`` one
  of them gets the sum and the other 0 (``j`` wins with probability ``pi_j / (pi_i + pi_j)``); otherwise
  one gets 1 and the other ``pi_i + pi_j - 1`` (``j`` gets 1 with probability
  ``(1 - pi_i) / (2 - pi_i - pi_j)``). Every step decides at least one unit and keeps the expectations, so
  the inclusion probabilities are exactly the starting ``pi`` and the size is fixed.
  ``lpm2_stratified`` runs it in each commercial stratum with the counts of ``commercial_counts``;
  ``lpm2_unit`` runs it over the whole unit with ``pi = n / N`` (no quota: the balance bound);
  ``lpm2_joint`` (an extra, not in the issue) over the whole unit with the stratified ``pi`` and no strata.

Nearest undecided neighbours come from a k-nearest-neighbour list per unit (``scipy.spatial.cKDTree``,
computed once per frame and stratum, ``Prepared``); when all k listed neighbours are decided the search
falls back to a vectorised scan over the undecided units, so the neighbour is always the exact one.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

_PERMS4 = np.array(list(itertools.permutations(range(4))), dtype=np.int64)
_DEPTH = 30  # 2**30 cells per side at most (2 bits a level: 60-bit addresses fit int64)
_EPS = 1e-9
_K = 16


def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves up (as geo/draw.py)."""
    return int(math.floor(x + 0.5))


def commercial_counts(n_frame: int, n_commercial: int, n: int, commercial_min: int) -> tuple[int, int]:
    """The project's commercial count rule: ``(c, n - c)`` for a frame of ``N`` houses, ``C`` commercial.

    ``c = max(cmin, round_half_up(n * C / N))`` capped by ``C`` and ``n``; the rest goes to the ``M = N - C``
    non-commercial houses, capped by ``M``, any remainder back to commercial (capped by ``C``).
    """
    n_eff = min(n, n_frame)
    if n_frame == 0:
        return 0, 0
    c = min(max(commercial_min, round_half_up(n_eff * n_commercial / n_frame)), n_commercial, n_eff)
    nc = min(n_eff - c, n_frame - n_commercial)
    c = min(n_commercial, n_eff - nc)
    return c, nc


# ---------------------------------------------------------------------------------------------------------
# GRTS


def grts_order(xy: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A GRTS ordering of the points ``xy`` (N, 2): positions sorted by randomised quadtree address."""
    m = len(xy)
    if m <= 1:
        return np.arange(m)
    lo = xy.min(axis=0)
    side = float((xy.max(axis=0) - lo).max()) or 1.0
    origin = lo - rng.random(2) * side  # random shift of the grid; the square of side 2*side covers all
    cells = 1 << _DEPTH
    scale = cells / (2.0 * side)
    ix = np.minimum(((xy[:, 0] - origin[0]) * scale).astype(np.int64), cells - 1)
    iy = np.minimum(((xy[:, 1] - origin[1]) * scale).astype(np.int64), cells - 1)
    addr = np.zeros(m, dtype=np.int64)
    node = np.zeros(m, dtype=np.int64)
    for level in range(_DEPTH):
        nodes, inv = np.unique(node, return_inverse=True)
        if len(nodes) == m:
            break
        shift = _DEPTH - 1 - level
        quad = ((ix >> shift) & 1) * 2 + ((iy >> shift) & 1)
        perm = rng.integers(0, 24, size=len(nodes))
        addr = addr * 4 + _PERMS4[perm[inv], quad]
        node = inv * 4 + quad
    tie = rng.permutation(m)
    return np.lexsort((tie, addr))


def systematic_equal(size: int, take: int, rng: np.random.Generator) -> np.ndarray:
    """Positions ``floor(u + j * size / take)``, j < take, ``u`` uniform in ``[0, size / take)``."""
    if take <= 0:
        return np.zeros(0, dtype=np.int64)
    step = size / take
    return np.minimum(np.floor(rng.random() * step + np.arange(take) * step).astype(np.int64), size - 1)


def grts_equal(xy: np.ndarray, take: int, rng: np.random.Generator) -> np.ndarray:
    """An equal-probability GRTS sample of ``take`` of the points ``xy``: their positions."""
    if take >= len(xy):
        return np.arange(len(xy))
    order = grts_order(xy, rng)
    return order[systematic_equal(len(xy), take, rng)]


# ---------------------------------------------------------------------------------------------------------
# Local pivotal method 2


def neighbour_lists(xy: np.ndarray, k: int = _K) -> list[list[int]]:
    """The ``k`` nearest other points of every point, nearest first (cKDTree)."""
    m = len(xy)
    kk = min(k + 1, m)
    if m <= 1:
        return [[] for _ in range(m)]
    _, nb = cKDTree(xy).query(xy, k=kk)
    out = []
    for i, row in enumerate(nb.tolist()):
        out.append([j for j in row if j != i][: kk - 1])
    return out


def lpm2(
    xy: np.ndarray, pi: np.ndarray, rng: np.random.Generator, nbrs: list[list[int]] | None = None
) -> np.ndarray:
    """A local pivotal method 2 sample with inclusion probabilities ``pi``: the positions drawn."""
    p = np.asarray(pi, dtype=float).tolist()
    m = len(p)
    if nbrs is None:
        nbrs = neighbour_lists(xy)
    und = [i for i in range(m) if _EPS < p[i] < 1 - _EPS]
    where = [-1] * m
    for k, i in enumerate(und):
        where[i] = k
    alive = [w >= 0 for w in where]
    xs, ys = xy[:, 0], xy[:, 1]

    def drop(i: int) -> None:
        k = where[i]
        last = und.pop()
        if last != i:
            und[k] = last
            where[last] = k
        where[i] = -1
        alive[i] = False

    u = rng.random(2 * m + 2).tolist()
    step = 0
    while len(und) > 1:
        i = und[int(u[step] * len(und))]
        r = u[step + 1]
        step += 2
        j = -1
        for cand in nbrs[i]:
            if alive[cand]:
                j = cand
                break
        if j < 0:
            arr = np.fromiter(und, dtype=np.int64, count=len(und))
            d = (xs[arr] - xs[i]) ** 2 + (ys[arr] - ys[i]) ** 2
            d[where[i]] = np.inf
            j = int(arr[int(np.argmin(d))])
        a, b = p[i], p[j]
        s = a + b
        if s < 1:
            if r < b / s:
                p[i], p[j] = 0.0, s
            else:
                p[i], p[j] = s, 0.0
        else:
            if r < (1 - a) / (2 - s):
                p[i], p[j] = s - 1, 1.0
            else:
                p[i], p[j] = 1.0, s - 1
        for q in (i, j):
            if not (_EPS < p[q] < 1 - _EPS):
                drop(q)
    if und:  # rounding left one unit undecided (its pi is ~0 or ~1)
        q = und[0]
        p[q] = 1.0 if rng.random() < p[q] else 0.0
    return np.flatnonzero(np.asarray(p) > 0.5)


# ---------------------------------------------------------------------------------------------------------
# Designs on one frame


@dataclass
class Prepared:
    """One frame's arrays for the peers: coordinates, commercial flag, counts and cached neighbour lists."""

    xy: np.ndarray
    commercial: np.ndarray
    n: int
    commercial_min: int
    c: int = 0
    nc: int = 0
    strata: dict[bool, np.ndarray] = field(default_factory=dict)
    _nbrs: dict[str, list[list[int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.xy = np.asarray(self.xy, dtype=float)
        self.commercial = np.asarray(self.commercial, dtype=bool)
        self.c, self.nc = commercial_counts(
            len(self.xy), int(self.commercial.sum()), self.n, self.commercial_min
        )
        self.strata = {flag: np.flatnonzero(self.commercial == flag) for flag in (True, False)}

    def nbrs(self, key: str) -> list[list[int]]:
        if key not in self._nbrs:
            idx = np.arange(len(self.xy)) if key == "all" else self.strata[key == "c"]
            self._nbrs[key] = neighbour_lists(self.xy[idx])
        return self._nbrs[key]

    def stratum_pi(self) -> np.ndarray:
        pi = np.zeros(len(self.xy))
        for flag, take in ((True, self.c), (False, self.nc)):
            idx = self.strata[flag]
            if len(idx):
                pi[idx] = take / len(idx)
        return pi

    def equal_pi(self) -> np.ndarray:
        m = len(self.xy)
        return np.full(m, min(self.n, m) / m) if m else np.zeros(0)


def srs(prep: Prepared, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Simple random sampling without replacement of ``n`` houses."""
    m = len(prep.xy)
    return np.sort(rng.choice(m, size=min(prep.n, m), replace=False)), prep.equal_pi()


def stratified_srs(prep: Prepared, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """SRS of ``c`` commercial and ``n - c`` non-commercial houses."""
    parts = [rng.choice(prep.strata[f], size=t, replace=False) for f, t in ((True, prep.c), (False, prep.nc))]
    return np.sort(np.concatenate(parts)), prep.stratum_pi()


def stratified_grts(prep: Prepared, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Equal-probability GRTS of ``c`` commercial and ``n - c`` non-commercial houses."""
    parts = []
    for flag, take in ((True, prep.c), (False, prep.nc)):
        idx = prep.strata[flag]
        if take:
            parts.append(idx[grts_equal(prep.xy[idx], take, rng)])
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64), prep.stratum_pi()


def lpm2_stratified(prep: Prepared, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """LPM2 in each commercial stratum, equal probability, ``c`` and ``n - c`` houses."""
    pi = prep.stratum_pi()
    parts = []
    for flag, key in ((True, "c"), (False, "n")):
        idx = prep.strata[flag]
        if len(idx):
            parts.append(idx[lpm2(prep.xy[idx], pi[idx], rng, prep.nbrs(key))])
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64), pi


def lpm2_unit(prep: Prepared, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """LPM2 over the whole unit with ``pi = n / N``, no commercial quota (the balance bound)."""
    pi = prep.equal_pi()
    return lpm2(prep.xy, pi, rng, prep.nbrs("all")), pi


def lpm2_joint(prep: Prepared, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """LPM2 over the whole unit with the stratified ``pi`` (``c / C``, ``(n - c) / M``) but no strata.

    Not one of the issue's peers: it shows how much balance the strata cost at the same probabilities. The
    commercial count is ``c`` only on average (it is random), so it does not hold the quota.
    """
    pi = prep.stratum_pi()
    return lpm2(prep.xy, pi, rng, prep.nbrs("all")), pi


PEERS = {
    "SRS": srs,
    "strat. SRS": stratified_srs,
    "strat. GRTS": stratified_grts,
    "LPM2 per stratum": lpm2_stratified,
    "LPM2 no quota": lpm2_unit,
    "LPM2 str. pi, no strata": lpm2_joint,
}
