"""The draw: county-level units per city, hazardous houses per unit, replacement lists, audit helpers.

Everything here is a pure function of its inputs and a text ``seed`` (for example a lottery result and a
date fixed in advance, ``"2024-10-21 双色球 2024123 03 07 12 18 25 31+09"``), so anyone holding the frame
and the seed can recompute the draw and check it (the notice punishes 弄虚作假: the draw must be auditable).
``ALGORITHM_VERSION`` names the algorithm; it changes whenever any result for the same inputs could change.

Randomness
----------
Every random stream is ``rng_for(seed, *parts)``: PCG64 seeded with the first 16 bytes (big-endian) of
``sha256("|".join([seed, *parts]))``. Each decision has its own stream, named by its parts, so one
decision never shifts another: ``("units", city_code)`` for a city's county draw (it draws
``permutation(len(others))``); each house-draw version documents its own streams (geo/draw_v1.py,
geo/draw_v2.py).

County draw (notice, section 一)
--------------------------------
Per city, ``units_per_city.get(city, default_per_city)`` county-level units: the city seat always (order
1), then units forced in with ``include``, then simple random sampling without replacement of the
remaining quota from the city's other units (a uniform permutation of them, sorted by code, and its first
``r``): inclusion probability ``(quota - forced) / eligible`` for those, 1 for the seat and forced units. A
city with no more units than its quota takes them all. 嘉峪关 and 兰州新区 (``stands_alone``) are units of
their own: always drawn, probability 1, never counted in their administrative city's quota.

House draw in one unit (versioned)
----------------------------------
``draw_houses`` and ``inclusion_probabilities`` take a ``version`` and dispatch to the module that
implements it (``VERSIONS``): ``spotcheck-draw/1`` (geo/draw_v1.py, frozen: its commercial and
non-commercial groups chose their townships separately) and ``spotcheck-draw/2`` (geo/draw_v2.py, the
default for new draws: a controlled selection over township x commercial cells that covers the largest
possible number of townships, ``min(n, T)`` whenever the commercial quota allows, in every draw; see
docs/draw_design.md). A draw records the version it used and is always re-run with that version;
``check_version`` rejects unknown ones. The county draw above is the same in every version (it has not
changed since version 1). Both versions produce the same ``UnitDraw`` columns and share
``next_replacement``.
"""

from __future__ import annotations

import hashlib
import importlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

ALGORITHM_VERSION = "spotcheck-draw/2"
"""Version of the draw algorithms used for new draws; bump whenever any result for the same inputs could change."""

VERSIONS: dict[str, str] = {"spotcheck-draw/1": "geo.draw_v1", "spotcheck-draw/2": "geo.draw_v2"}
"""Every known version and the module implementing its house draw (the county draw is common)."""

# ---------------------------------------------------------------------------------------------------------
# Randomness


def rng_for(seed: str, *parts: str) -> np.random.Generator:
    """Return the deterministic random generator for ``seed`` and the stream named by ``parts``.

    ``numpy.random.Generator(numpy.random.PCG64(k))`` with
    ``k = int.from_bytes(sha256("|".join([seed, *parts]).encode("utf-8")).digest()[:16], "big")``.
    The seed is any text, so a public value fixed in advance (a lottery result and its date) can serve.
    """
    text = "|".join([str(seed), *(str(p) for p in parts)])
    key = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:16], "big")
    return np.random.Generator(np.random.PCG64(key))


# ---------------------------------------------------------------------------------------------------------
# County draw


@dataclass(frozen=True)
class UnitInfo:
    """A county-level sampling unit: its code, name, city, and whether it is the city seat or stands alone."""

    code: str
    name: str
    city_code: str
    is_city_seat: bool
    stands_alone: bool


@dataclass(frozen=True)
class UnitPick:
    """A drawn unit.

    ``reason``: "seat" (city seat, always), "random" (drawn), "all" (the city has no more units than its
    quota), "included" (forced in by the caller), "stands_alone" (嘉峪关, 兰州新区). ``order`` is the
    1-based order of selection within its city (seat first; a stand-alone unit is 1 of its own).
    """

    code: str
    city_code: str
    reason: str
    inclusion_probability: float
    order: int


def draw_units(
    units: Sequence[UnitInfo],
    units_per_city: Mapping[str, int],
    default_per_city: int,
    seed: str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[UnitPick]:
    """Draw the county-level units of every city (notice section 一; rules in the module docstring).

    ``include`` forces units in (they count in their city's quota, probability 1); ``exclude`` removes units
    from the frame. Output sorted by city code, then the city's own picks by order, then its stand-alone
    units by code. Raises ValueError for impossible requests (unknown or duplicate codes, a code both
    included and excluded, a quota below 1 while the city has a seat, more forced units than the quota).
    """
    by_code: dict[str, UnitInfo] = {}
    for u in units:
        if u.code in by_code:
            raise ValueError(f"unit {u.code} is listed twice")
        by_code[u.code] = u
    include_set, exclude_set = set(include), set(exclude)
    unknown = sorted((include_set | exclude_set) - by_code.keys())
    if unknown:
        raise ValueError(f"unknown unit codes in include/exclude: {unknown}")
    both = sorted(include_set & exclude_set)
    if both:
        raise ValueError(f"units both included and excluded: {both}")

    picks: list[UnitPick] = []
    cities: dict[str, list[UnitInfo]] = {}
    for code in sorted(by_code):
        u = by_code[code]
        if code in exclude_set:
            continue
        if u.stands_alone:
            picks.append(UnitPick(code, u.city_code, "stands_alone", 1.0, 1))
        else:
            cities.setdefault(u.city_code, []).append(u)

    for city, members in sorted(cities.items()):
        quota = int(units_per_city.get(city, default_per_city))
        seats = [u.code for u in members if u.is_city_seat]
        if len(seats) > 1:
            raise ValueError(f"city {city} has more than one seat: {seats}")
        if quota < 0:
            raise ValueError(f"city {city}: the number of units to draw must be >= 0, got {quota}")
        if seats and quota < 1:
            raise ValueError(
                f"city {city}: quota {quota} is below 1 but its seat {seats[0]} must always be drawn"
            )
        forced = seats + [u.code for u in members if u.code in include_set and u.code not in seats]
        if len(forced) > quota:
            raise ValueError(
                f"city {city}: {len(forced)} units are forced in (seat and include: {forced}) "
                f"but its quota is {quota}"
            )
        reason_of = {c: "seat" if c in seats else "included" for c in forced}
        others = [u.code for u in members if u.code not in reason_of]
        city_picks = [(c, reason_of[c], 1.0) for c in forced]
        if len(members) <= quota:
            city_picks += [(c, "all", 1.0) for c in others]
        else:
            r = quota - len(forced)
            if r > 0:
                perm = rng_for(seed, "units", city).permutation(len(others))
                p = r / len(others)
                city_picks += [(others[i], "random", p) for i in perm[:r]]
        picks += [UnitPick(c, city, why, p, k) for k, (c, why, p) in enumerate(city_picks, start=1)]

    picks.sort(key=lambda p: (p.city_code, p.reason == "stands_alone", p.order, p.code))
    return picks


# ---------------------------------------------------------------------------------------------------------
# House draw


@dataclass
class UnitDraw:
    """The draw in one unit.

    - ``sample``: house_id (int64), township_code (str), commercial (bool), stratum (str
      "township_code|c" or "township_code|n"), inclusion_probability (float, within the unit), draw_order
      (int 1..n; by stratum, then along the stratum's GRTS walk).
    - ``replacements``: house_id, township_code, commercial, stratum, inclusion_probability, rank (int 1..m;
      by stratum, then along the walk).
    - ``allocation``: one row per stratum of the frame: stratum, township_code, commercial, frame_count,
      allocated (houses drawn), stratum_probability (probability that the stratum gets its houses).
    - ``shortfalls``: dicts with kind ("commercial" or "houses"), requested, available, reason_zh,
      reason_en.
    """

    unit_code: str
    sample: pd.DataFrame
    replacements: pd.DataFrame
    allocation: pd.DataFrame
    requested: int
    commercial_min: int
    commercial_drawn: int
    shortfalls: list[dict] = field(default_factory=list)



def next_replacement(draw: UnitDraw, replaced_house_id: int, used: set[int]) -> int | None:
    """Return the replacement for a house that cannot be visited, or None when none is left.

    ``used`` holds the replacements already taken in this unit (other ids are ignored). The rule, first
    match wins, always skipping used replacements:

    1. the first replacement (by rank) of the replaced house's stratum;
    2. the first of the same township with the other commercial flag;
    3. the first of the unit's list.

    A commercial house may go to a non-commercial replacement only when the commercial minimum
    (``min(commercial_min, commercial houses in the frame)``) still holds even if every non-commercial
    replacement already in ``used`` had replaced a commercial house (a conservative bound that needs no
    history); otherwise steps 2 and 3 are limited to commercial replacements. ``replaced_house_id`` may be a
    drawn house or a replacement that itself could not be visited; ValueError for any other id.
    """
    sample, repl = draw.sample, draw.replacements
    row = sample[sample["house_id"] == replaced_house_id]
    if row.empty:
        row = repl[repl["house_id"] == replaced_house_id]
    if row.empty:
        raise ValueError(
            f"house {replaced_house_id} is neither drawn nor a replacement in unit {draw.unit_code}"
        )
    stratum = row["stratum"].iloc[0]
    township = row["township_code"].iloc[0]
    commercial = bool(row["commercial"].iloc[0])

    free = repl[~repl["house_id"].isin(used) & (repl["house_id"] != replaced_house_id)].sort_values("rank")
    if free.empty:
        return None
    same = free[free["stratum"] == stratum]
    if not same.empty:
        return int(same["house_id"].iloc[0])

    if commercial:
        alloc = draw.allocation
        available = int(alloc.loc[alloc["commercial"], "frame_count"].sum())
        required = min(draw.commercial_min, available)
        used_noncom = int((~repl["commercial"] & repl["house_id"].isin(used)).sum())
        if draw.commercial_drawn - used_noncom - 1 < required:
            free = free[free["commercial"]]
    township_free = free[free["township_code"] == township]
    if not township_free.empty:
        return int(township_free["house_id"].iloc[0])
    if not free.empty:
        return int(free["house_id"].iloc[0])
    return None


# ---------------------------------------------------------------------------------------------------------
# Audit helpers


def _canonical(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating | Decimal):
        v = float(value)
        if math.isnan(v):
            return ""
        return repr(v + 0.0)  # shortest round-trip form; -0.0 renders as 0.0
    return str(value)


def frame_digest(rows: Iterable[tuple]) -> str:
    """Return the SHA-256 hex digest of a frame, independent of row order.

    Each row is rendered as its values joined by tabs: None/NaN as "", booleans as true/false, integers in
    decimal, floats (and Decimals) by Python's shortest round-trip ``repr`` of the float, other values with
    ``str``. The lines are sorted, each ends with a newline, and the UTF-8 text is hashed. The caller passes
    (house_id, survey_code, unit_code, township_code, commercial, lon rounded to 7 decimals, lat rounded
    to 7 decimals).
    """
    lines = sorted("\t".join(_canonical(v) for v in row) for row in rows)
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Versions


def check_version(version: str) -> str:
    """Return ``version`` when it is known (``VERSIONS``); ValueError naming the known ones otherwise."""
    if version not in VERSIONS:
        raise ValueError(f"unknown draw algorithm version {version!r}; known versions: {sorted(VERSIONS)}")
    return version


def _module(version: str):
    return importlib.import_module(VERSIONS[check_version(version)])


def draw_houses(
    frame: pd.DataFrame,
    n: int,
    commercial_min: int,
    seed: str,
    unit_code: str,
    replacements_per_stratum: int = 3,
    version: str = ALGORITHM_VERSION,
) -> UnitDraw:
    """Draw ``n`` hazardous houses of one unit with at least ``commercial_min`` commercial ones.

    ``frame``: the unit's hazardous houses with house_id (int, unique), township_code (str), commercial
    (bool), x, y (float metres in a projected CRS, e.g. the unit's Gauss-Krueger zone). The design is the
    one of ``version`` (the module docstring of geo/draw_v1.py or geo/draw_v2.py); the result depends only
    on (frame rows as a set, n, commercial_min, seed, unit_code, replacements_per_stratum, version).
    """
    return _module(version).draw_houses(frame, n, commercial_min, seed, unit_code, replacements_per_stratum)


def inclusion_probabilities(
    frame: pd.DataFrame, n: int, commercial_min: int, version: str = ALGORITHM_VERSION
) -> pd.Series:
    """First-order inclusion probabilities (within the unit) of every house of ``frame`` under ``version``.

    ``frame`` needs house_id, township_code and commercial. Returns a float Series indexed by house_id
    (ascending) whose sum is ``min(n, len(frame))``; ``draw_houses`` records the same values for the
    houses it draws.
    """
    return _module(version).inclusion_probabilities(frame, n, commercial_min)
