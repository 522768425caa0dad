import numpy as np
import pytest

from geo.assign import HouseLoad, TeamLoad, assign_houses, team_workloads

UNITS = {
    "621102": (104.62, 35.58),  # 安定
    "621121": (105.24, 35.21),  # 通渭
    "621122": (104.63, 35.00),  # 陇西
    "621123": (104.21, 35.13),  # 渭源
    "621124": (103.86, 35.38),  # 临洮
    "621125": (104.47, 34.85),  # 漳县
    "621126": (104.04, 34.44),  # 岷县
    "620502": (105.72, 34.58),  # 秦州
    "620503": (105.89, 34.57),  # 麦积
    "620521": (106.14, 34.75),  # 清水
}
TEAMS = [TeamLoad(11, UNITS["621102"], 1), TeamLoad(12, UNITS["621122"], 1), TeamLoad(13, UNITS["620502"], 1)]


def firm(seed: int = 1) -> list[HouseLoad]:
    rng = np.random.default_rng(seed)
    out, key = [], 1
    for unit, (x, y) in UNITS.items():
        for _ in range(int(rng.integers(16, 25))):
            lon, lat = x + rng.normal(0, 0.08), y + rng.normal(0, 0.06)
            out.append(HouseLoad(key, unit, float(lon), float(lat), int(rng.choice([30, 45, 60, 75])) * 60))
            key += 1
    return out


def units_of(houses, assignment):
    teams = {}
    for h in houses:
        teams.setdefault(h.unit_code, set()).add(assignment[h.key])
    return teams


def ratio(loads):
    return max(loads.values()) / min(loads.values())


def test_every_house_assigned_units_whole_and_balanced():
    houses = firm()
    a = assign_houses(houses, TEAMS)
    assert set(a) == {h.key for h in houses} and set(a.values()) == {11, 12, 13}
    assert all(len(t) == 1 for t in units_of(houses, a).values())
    loads = team_workloads(houses, TEAMS, a)
    assert ratio(loads) < 1.3, loads


def test_deterministic_whatever_the_input_order():
    houses = firm(2)
    a = assign_houses(houses, TEAMS)
    assert assign_houses(list(reversed(houses)), list(reversed(TEAMS))) == a
    assert assign_houses(houses, TEAMS) == a


def test_split_units_when_asked():
    rng = np.random.default_rng(3)
    one = [
        HouseLoad(i, "621102", 104.62 + float(rng.normal(0, 0.1)), 35.58 + float(rng.normal(0, 0.08)), 2700)
        for i in range(60)
    ]
    teams = [TeamLoad(1, (104.62, 35.58), 1), TeamLoad(2, (104.62, 35.58), 1), TeamLoad(3, None, 2)]
    whole = assign_houses(one, teams)
    assert len(set(whole.values())) == 1
    split = assign_houses(one, teams, split_units=True)
    counts = {t: sum(1 for v in split.values() if v == t) for t in (1, 2, 3)}
    assert all(c > 0 for c in counts.values())
    assert counts[3] > counts[1]  # two vehicles take the larger share


def test_fixed_houses_stay_and_pull_their_unit():
    houses = firm()
    a = assign_houses(houses, TEAMS)
    lintao = [h.key for h in houses if h.unit_code == "621124"]
    other = next(t for t in (11, 12, 13) if t != a[lintao[0]])
    fixed = {lintao[0]: other}
    b = assign_houses(houses, TEAMS, fixed=fixed)
    assert b[lintao[0]] == other
    assert all(b[k] == other for k in lintao)  # the unit is not split
    hand = {lintao[0]: 11, lintao[1]: 13}
    c = assign_houses(houses, TEAMS, fixed=hand, split_units=True)
    assert c[lintao[0]] == 11 and c[lintao[1]] == 13


def test_bad_input():
    houses = firm()
    with pytest.raises(ValueError):
        assign_houses(houses, [])
    with pytest.raises(ValueError):
        assign_houses(houses, TEAMS, fixed={houses[0].key: 99})
