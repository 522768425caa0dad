"""What a field visit to a drawn house costs and how urgent it is: default service times and priority tiers.

**Service time** (minutes on site, from arrival at the door to leaving it) is the project's own table; no
national figure exists. A visit follows the spot-check sheet: identity and registry fields checked against
the record (about 10 min), the building walked round and inside floor by floor for cracks, tilt,
alterations and the structure type (10-25 min depending on storeys), photographs and the record filled in
on the tablet (about 10 min). Commercial and mixed-use houses add the business checks (licences, escape
routes and fire safety, occupancy, the 经营 part of the sheet): +15 min.

=================  =======  ===========  ========
floors             1-2      3-5          6+
=================  =======  ===========  ========
其他自建房          30       45           60
经营性 / 自住兼经营  45       60           75
=================  =======  ===========  ========

Unknown floors count as 3-5 (the conservative middle band: most hazardous self-built houses that lack a
storey count are multi-storey town houses). The service may override any figure per house.

**Priority tiers.** The campaign checks houses at collapse risk (存在倒塌风险) first, then houses around
schools (colleges, schools, kindergartens: 学校周边), then the rest. ``geo.routing`` turns the tiers into
VROOM priorities and visit deadlines (docs/routing.md).
"""

from __future__ import annotations

from geo.enums import AreaType, HazardGrade, UseClass

# floors band upper bounds -> minutes for non-commercial houses
_BASE_MINUTES: tuple[tuple[int, int], ...] = ((2, 30), (5, 45), (10**6, 60))
BUSINESS_CHECK_MINUTES = 15
UNKNOWN_FLOORS_AS = 3

PRIORITIES: tuple[str, ...] = ("collapse_risk", "near_school", "normal")  # most urgent first
PRIORITY_LABELS: dict[str, str] = {
    "collapse_risk": HazardGrade.COLLAPSE_RISK.label,
    "near_school": AreaType.NEAR_SCHOOL.label,
    "normal": "一般",
}


def default_service_minutes(use_class: str, floors: int | None) -> int:
    """Default minutes on site for a house of ``use_class`` (``UseClass`` code) with ``floors`` storeys.

    ``floors`` None (unknown) counts as 3 storeys; values below 1 count as 1. Raises ``ValueError`` for a
    use class that is not a ``UseClass`` code.
    """
    try:
        use = UseClass(use_class)
    except ValueError as exc:
        raise ValueError(f"unknown use class {use_class!r}") from exc
    n = UNKNOWN_FLOORS_AS if floors is None else max(1, int(floors))
    minutes = next(m for upper, m in _BASE_MINUTES if n <= upper)
    if use.is_commercial:
        minutes += BUSINESS_CHECK_MINUTES
    return minutes


def priority_of(hazard_grade: str | None, near_school: bool) -> str:
    """The tier of a house: 'collapse_risk' (存在倒塌风险), else 'near_school' (学校周边), else 'normal'.

    ``hazard_grade`` is a ``HazardGrade`` code of the house's open hazard record (or None);
    ``near_school`` whether a college, school or kindergarten lies within its configured radius.
    """
    if hazard_grade == HazardGrade.COLLAPSE_RISK.value:
        return "collapse_risk"
    if near_school:
        return "near_school"
    return "normal"


def tier_rank(priority: str) -> int:
    """0 for the most urgent tier, 2 for 'normal'; ``ValueError`` for an unknown tier."""
    try:
        return PRIORITIES.index(priority)
    except ValueError as exc:
        raise ValueError(f"unknown priority {priority!r}") from exc
