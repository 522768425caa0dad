"""Request and response models of the field-work API: firms, teams, assignments, route plans and routes.

Every coordinate here is CGCS2000 lon/lat (EPSG:4490, equal to WGS84 at map scale) unless a field says
otherwise; navigation links carry the GCJ-02 or BD-09 coordinates their apps need. Times are ISO 8601 with
their offset (Asia/Shanghai, +08:00).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, Field, model_validator

Id = Annotated[int, Path(ge=1, le=2**63 - 1, description="Numeric id")]
BigId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Lon = Annotated[float, Field(ge=92.0, le=109.0, description="Longitude, EPSG:4490 (Gansu's extent)")]
Lat = Annotated[float, Field(ge=32.0, le=43.0, description="Latitude, EPSG:4490 (Gansu's extent)")]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Priority = Literal["collapse_risk", "near_school", "normal"]
CRS = "EPSG:4490"


# Firms, teams, members, bases ---------------------------------------------------------------------------


class BaseIn(BaseModel):
    """Where a team starts and ends its days between two dates (a county seat, a hotel)."""

    name: Name
    lon: Lon
    lat: Lat
    crs: Literal["EPSG:4490", "EPSG:4326", "GCJ-02"] = Field(
        default="EPSG:4490", description="CRS of lon/lat; GCJ-02 (Amap, Tencent) is converted"
    )
    valid_from: dt.date
    valid_to: dt.date

    @model_validator(mode="after")
    def _period(self) -> BaseIn:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to 不能早于 valid_from")
        return self


class BaseOut(BaseModel):
    """A team's base for a period."""

    id: int
    name: str
    lon: float
    lat: float
    valid_from: dt.date
    valid_to: dt.date
    crs: str = CRS


class MemberOut(BaseModel):
    """An inspector of a team."""

    account_id: int
    username: str
    name: str


class TeamIn(BaseModel):
    """A new team of a firm."""

    name: Name
    vehicles: int = Field(default=1, ge=1, le=10, description="Vehicles: each drives one route a day")
    members: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=20, description="Usernames of inspector accounts of the firm"
    )


class TeamPatch(BaseModel):
    """A change to a team; ``version`` is the version read (a stale one is a 409 conflict)."""

    version: int = Field(ge=1)
    name: Name | None = None
    vehicles: int | None = Field(default=None, ge=1, le=10)
    members: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(default=None, max_length=20)


class TeamOut(BaseModel):
    """A team with its inspectors, bases and load."""

    id: int
    firm_id: int
    name: str
    vehicles: int
    version: int
    members: list[MemberOut]
    bases: list[BaseOut]
    houses: int = Field(description="Houses assigned to the team in the firm's current draw")
    units: list[str]


class FirmOut(BaseModel):
    """A firm (a plan's group) with its units, deadline and teams."""

    id: int
    plan_id: int
    group_name: str
    name: str
    units: list[str]
    deadline: dt.date | None
    teams: list[TeamOut]


# Assignment ---------------------------------------------------------------------------------------------


class AssignIn(BaseModel):
    """Assign the firm's drawn houses of a published draw to its teams automatically."""

    draw_id: BigId
    split_units: bool = Field(
        default=False, description="Allow a unit's houses to be split across teams (default: never)"
    )
    keep_manual: bool = Field(default=True, description="Keep assignments made by hand")


class AssignmentPatch(BaseModel):
    """Move one house to another team, or change its service time or appointment, by hand."""

    version: int = Field(ge=1, description="The assignment's version read (a stale one is a 409)")
    team_id: BigId | None = None
    service_minutes: int | None = Field(default=None, ge=5, le=480)
    appointment_start: dt.datetime | None = None
    appointment_end: dt.datetime | None = None
    clear_appointment: bool = False

    @model_validator(mode="after")
    def _window(self) -> AssignmentPatch:
        if (self.appointment_start is None) != (self.appointment_end is None):
            raise ValueError("预约时间须同时给出开始和结束")
        if self.appointment_start and self.appointment_end and self.appointment_end <= self.appointment_start:
            raise ValueError("预约结束时间须晚于开始时间")
        for t in (self.appointment_start, self.appointment_end):
            if t is not None and t.tzinfo is None:
                raise ValueError("预约时间须带时区（如 +08:00）")
        return self


class AssignmentOut(BaseModel):
    """Which team visits a drawn house, with its visit details."""

    draw_id: int
    house_id: int
    survey_code: str
    unit_code: str
    team_id: int
    team_name: str
    source: Literal["auto", "manual", "replacement"]
    role: str = Field(description="drawn or replacement (draw_house.role)")
    priority: Priority
    priority_label: str = Field(description="The priority in Chinese (存在倒塌风险, 学校周边, 一般)")
    service_minutes: int
    service_minutes_default: int
    appointment_start: dt.datetime | None
    appointment_end: dt.datetime | None
    visited_at: dt.datetime | None
    version: int
    lon: float
    lat: float


class AssignResult(BaseModel):
    """The outcome of an automatic assignment."""

    draw_id: int
    firm_id: int
    teams: dict[str, int] = Field(description="Houses per team name")
    units: dict[str, str] = Field(description="Team name per unit code (units split: '甲组+乙组')")
    assignments: list[AssignmentOut]


# Route plans --------------------------------------------------------------------------------------------


class PlanIn(BaseModel):
    """Plan (or re-plan) a team's routes between two dates."""

    first_day: dt.date
    last_day: dt.date
    day_start: dt.time = dt.time(8, 30)
    day_end: dt.time = dt.time(17, 30)
    lunch_start: dt.time | None = dt.time(12, 0)
    lunch_end: dt.time | None = dt.time(14, 0)
    lunch_minutes: int = Field(default=60, ge=0, le=180, description="Lunch break taken inside the window")
    rest_days: list[dt.date] = Field(default_factory=list, max_length=31, description="Days not worked")
    provider: Literal["auto", "road", "geodesic", "file"] | None = Field(
        default=None, description="Travel times: None uses the setting (auto: road network where one covers)"
    )
    matrix_id: BigId | None = Field(default=None, description="A supplied matrix (provider file)")
    now: dt.datetime | None = Field(
        default=None, description="Re-plan from this moment: today's remaining time only (default: now)"
    )

    @model_validator(mode="after")
    def _days(self) -> PlanIn:
        if self.last_day < self.first_day:
            raise ValueError("结束日期不能早于开始日期")
        if (self.last_day - self.first_day).days > 30:
            raise ValueError("一次最多规划 31 天")
        if self.day_end <= self.day_start:
            raise ValueError("下班时间须晚于上班时间")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("午休时间须同时给出开始和结束")
        if self.lunch_start and self.lunch_end and self.lunch_end <= self.lunch_start:
            raise ValueError("午休结束时间须晚于开始时间")
        return self


class NavLinks(BaseModel):
    """Links that open a navigation app at the house (each in the CRS the app needs)."""

    amap: str = Field(description="高德地图 (GCJ-02)")
    baidu: str = Field(description="百度地图 (BD-09)")
    tencent: str = Field(description="腾讯地图 (GCJ-02)")


class StopOut(BaseModel):
    """A house on a day's route, with its record, priority, times and links."""

    seq: int
    house_id: int
    survey_code: str
    township_name: str | None
    village: str | None
    address: str | None
    use_class: str
    use_class_label: str
    floors: int | None
    hazard_grade: str | None
    hazard_label: str | None
    rectification_status: str | None
    priority: Priority
    priority_label: str
    arrival: dt.datetime
    service_start: dt.datetime
    departure: dt.datetime
    service_minutes: int
    travel_minutes: int
    distance_m: int
    appointment_start: dt.datetime | None
    appointment_end: dt.datetime | None
    visited: bool
    lon: float
    lat: float
    links: NavLinks
    synthetic: bool


class DayOut(BaseModel):
    """One vehicle's route on one day."""

    day: dt.date
    vehicle: int
    base_name: str
    base_lon: float
    base_lat: float
    start_at: dt.datetime
    end_at: dt.datetime
    break_start: dt.datetime | None
    break_end: dt.datetime | None
    houses: int
    duration_minutes: int
    travel_minutes: int
    distance_km: float
    line: dict[str, Any] | None = Field(description="GeoJSON LineString of the day (EPSG:4490)")
    stops: list[StopOut]


class UnscheduledOut(BaseModel):
    """A house the plan could not schedule, and why."""

    house_id: int
    survey_code: str
    reason: str
    reason_label: str


class RoutePlanOut(BaseModel):
    """A team's route plan: its days, stops and what is unscheduled."""

    id: int
    team_id: int
    team_name: str
    firm_name: str
    draw_id: int
    first_day: dt.date
    last_day: dt.date
    provider: str
    provider_label: str
    provider_note: str
    created_at: dt.datetime
    created_by: str
    summary: dict[str, Any]
    days: list[DayOut]
    unscheduled: list[UnscheduledOut]
    synthetic: bool = Field(description="Whether any house of the plan is synthetic (demo data)")
    crs: str = CRS


class DaySummaryOut(BaseModel):
    """One vehicle-day of a team, for the firm's table and map."""

    team_id: int
    team_name: str
    day: dt.date
    vehicle: int
    houses: int
    duration_minutes: int
    distance_km: float
    line: dict[str, Any] | None


class FirmOverviewOut(BaseModel):
    """Every team's days on one map and in one table, progress against the deadline, what is unscheduled."""

    firm: FirmOut
    draw_id: int | None
    deadline: dt.date | None
    days_left: int | None
    houses_assigned: int
    houses_planned: int
    houses_visited: int
    houses_left: int
    days: list[DaySummaryOut]
    unscheduled: list[UnscheduledOut]
    synthetic: bool
    crs: str = CRS


class MatrixOut(BaseModel):
    """A travel-time matrix a firm supplied."""

    id: int
    name: str
    entries: int
    sha256: str
    uploaded_at: dt.datetime


class MeOut(BaseModel):
    """An inspector's team and today's route, if any."""

    team: TeamOut | None
    plan_id: int | None
    days: list[dt.date]
    today: dt.date
