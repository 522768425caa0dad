import pytest

from geo.enums import HazardGrade, UseClass
from geo.visits import PRIORITIES, PRIORITY_LABELS, default_service_minutes, priority_of, tier_rank


def test_service_table():
    assert default_service_minutes("non_commercial", 1) == 30
    assert default_service_minutes("non_commercial", 2) == 30
    assert default_service_minutes("non_commercial", 3) == 45
    assert default_service_minutes("non_commercial", 5) == 45
    assert default_service_minutes("non_commercial", 7) == 60
    assert default_service_minutes("commercial", 2) == 45
    assert default_service_minutes("mixed", 3) == 60
    assert default_service_minutes(UseClass.COMMERCIAL.value, 6) == 75


def test_unknown_floors_and_use_class():
    assert default_service_minutes("non_commercial", None) == 45
    assert default_service_minutes("non_commercial", 0) == 30
    with pytest.raises(ValueError):
        default_service_minutes("palace", 2)


def test_priority_tiers():
    assert priority_of(HazardGrade.COLLAPSE_RISK.value, False) == "collapse_risk"
    assert priority_of("collapse_risk", True) == "collapse_risk"
    assert priority_of("general", True) == "near_school"
    assert priority_of(None, False) == "normal"
    assert PRIORITY_LABELS["collapse_risk"] == HazardGrade.COLLAPSE_RISK.label
    assert set(PRIORITY_LABELS) == set(PRIORITIES)
    assert [tier_rank(p) for p in PRIORITIES] == [0, 1, 2]
    with pytest.raises(ValueError):
        tier_rank("urgent")
