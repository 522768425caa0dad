"""Tables of field work: firms, their teams, bases and members; which team visits which drawn house; route
plans with their days and stops; travel matrices users supplied.

A firm is one group of a sampling plan (the plan's ``groups``: a third-party firm and its units). Times are
stored with their time zone; the working day is read in Asia/Shanghai (UTC+8). Positions are CGCS2000
lon/lat (EPSG:4490).
"""

from __future__ import annotations

import datetime as dt

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.crs import CGCS2000
from service.core.models import Base, _point


class FieldFirm(Base):
    """A third-party firm (第三方专业机构): one group of a plan, with the group's units."""

    __tablename__ = "field_firm"
    __table_args__ = (UniqueConstraint("plan_id", "group_name"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    plan_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("sampling_plan.id"))
    group_name: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FieldTeam(Base):
    """A team of inspectors of one firm, with its vehicles (each vehicle drives one route a day)."""

    __tablename__ = "field_team"
    __table_args__ = (
        UniqueConstraint("firm_id", "name"),
        CheckConstraint("vehicles BETWEEN 1 AND 10", name="vehicles"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    firm_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("field_firm.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    vehicles: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FieldTeamMember(Base):
    """An inspector's membership of a team (an inspector belongs to one team at a time)."""

    __tablename__ = "field_team_member"

    team_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("field_team.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("account.id", ondelete="CASCADE"), primary_key=True, unique=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FieldBase(Base):
    """Where a team starts and ends its days during a working period: a county seat, a hotel."""

    __tablename__ = "field_base"
    __table_args__ = (
        Index("ix_field_base_team_id", "team_id"),
        CheckConstraint("valid_to >= valid_from", name="period"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    team_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("field_team.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    geom = mapped_column(_point(), nullable=False)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)


class FieldAssignment(Base):
    """Which team visits a drawn house of a published draw, with the house's visit details."""

    __tablename__ = "field_assignment"
    __table_args__ = (
        ForeignKeyConstraint(
            ["draw_id", "house_id"], ["draw_house.draw_id", "draw_house.house_id"], ondelete="CASCADE"
        ),
        Index("ix_field_assignment_team_id", "team_id"),
        Index("ix_field_assignment_house_id", "house_id"),
        CheckConstraint("source IN ('auto', 'manual', 'replacement')", name="source"),
        CheckConstraint("service_minutes IS NULL OR service_minutes BETWEEN 5 AND 480", name="service_minutes"),
        CheckConstraint(
            "(appointment_start IS NULL) = (appointment_end IS NULL) AND "
            "(appointment_end IS NULL OR appointment_end > appointment_start)",
            name="appointment",
        ),
    )

    draw_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    house_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    team_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("field_team.id"))
    unit_code: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(16))
    service_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    appointment_start: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    appointment_end: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    visited_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RoutePlan(Base):
    """A team's multi-day route plan; the newest is current, older ones stay as history."""

    __tablename__ = "field_route_plan"
    __table_args__ = (
        Index("ix_field_route_plan_team_id", "team_id"),
        Index("ux_field_route_plan_current", "team_id", unique=True, postgresql_where=text("current")),
        CheckConstraint("last_day >= first_day", name="days"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    team_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("field_team.id", ondelete="CASCADE"))
    draw_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("draw.id"))
    current: Mapped[bool] = mapped_column(server_default=text("true"))
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    provider: Mapped[str] = mapped_column(String(16))
    options: Mapped[dict] = mapped_column(JSONB)
    summary: Mapped[dict] = mapped_column(JSONB)
    unscheduled: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'"))
    created_by_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RouteDay(Base):
    """One vehicle's route on one day of a plan: base, working time, lunch, totals and the line driven."""

    __tablename__ = "field_route_day"

    plan_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("field_route_plan.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    vehicle: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    base_name: Mapped[str] = mapped_column(Text)
    base_geom = mapped_column(_point(), nullable=False)
    start_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    end_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    break_start: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    break_end: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    houses: Mapped[int] = mapped_column(SmallInteger)
    duration_s: Mapped[int] = mapped_column(Integer)
    travel_s: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[int] = mapped_column(Integer)
    line = mapped_column(Geometry("LINESTRING", srid=CGCS2000, spatial_index=False))


class RouteStop(Base):
    """A house on a plan's day, in order, with its expected arrival, service and departure."""

    __tablename__ = "field_route_stop"
    __table_args__ = (Index("ix_field_route_stop_day", "plan_id", "day", "vehicle", "seq"),)

    plan_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("field_route_plan.id", ondelete="CASCADE"), primary_key=True
    )
    house_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    vehicle: Mapped[int] = mapped_column(SmallInteger)
    seq: Mapped[int] = mapped_column(SmallInteger)
    priority: Mapped[str] = mapped_column(String(16))
    arrival: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    service_start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    departure: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    travel_s: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[int] = mapped_column(Integer)


class TravelMatrixFile(Base):
    """A travel-time matrix a firm supplied (provider ``file``), keyed by survey code or ``BASE:<name>``."""

    __tablename__ = "field_travel_matrix"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    firm_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("field_firm.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    entries: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TravelMatrixEntry(Base):
    """One ordered pair of a supplied matrix."""

    __tablename__ = "field_travel_matrix_entry"

    matrix_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("field_travel_matrix.id", ondelete="CASCADE"), primary_key=True
    )
    from_key: Mapped[str] = mapped_column(Text, primary_key=True)
    to_key: Mapped[str] = mapped_column(Text, primary_key=True)
    duration_s: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[int | None] = mapped_column(Integer)
