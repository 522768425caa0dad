"""Tables of the house frame: houses, hazard records, sensitive sites, proximity, imports."""

from __future__ import annotations

import datetime as dt

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.crs import CGCS2000
from service.core.models import Base, _point


class House(Base):
    """A self-built house of the platform's survey (自建房)."""

    __tablename__ = "house"
    __table_args__ = (
        Index("ix_house_geom", "geom", postgresql_using="gist"),
        Index("ix_house_county_code", "county_code"),
        Index("ix_house_township_code", "township_code"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    survey_code: Mapped[str] = mapped_column(Text, unique=True)
    census_no: Mapped[str | None] = mapped_column(Text)
    # References checked per statement by triggers (migration 0003), not by per-row foreign keys.
    county_code: Mapped[str] = mapped_column(String(12))
    township_code: Mapped[str | None] = mapped_column(String(12))
    village: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(_point(), nullable=False)
    source_crs: Mapped[str] = mapped_column(String(16))
    use_class: Mapped[str] = mapped_column(String(16))
    business_type: Mapped[str | None] = mapped_column(String(24))
    area_type: Mapped[str | None] = mapped_column(String(24))
    structure: Mapped[str | None] = mapped_column(String(24))
    floors: Mapped[int | None] = mapped_column(SmallInteger)
    floors_band: Mapped[str | None] = mapped_column(String(16))
    floor_area_m2: Mapped[float | None] = mapped_column(Numeric(10, 1))
    build_year: Mapped[int | None] = mapped_column(SmallInteger)
    build_era: Mapped[str | None] = mapped_column(String(16))
    alterations: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    geohazards: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    declared_county: Mapped[str | None] = mapped_column(Text)
    declared_township: Mapped[str | None] = mapped_column(Text)
    location_mismatch: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    import_batch_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class HazardRecord(Base):
    """One hazard record of a house. A change of grade closes the record and opens the next one."""

    __tablename__ = "hazard_record"
    __table_args__ = (
        Index("ix_hazard_record_house_id", "house_id"),
        Index(
            "uq_hazard_record_one_open_per_house",
            "house_id",
            unique=True,
            postgresql_where=text("closed_on IS NULL"),
        ),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
        CheckConstraint(
            "NOT closed_out OR rectification_status = 'done'", name="close_out_needs_rectification_done"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    house_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("house.id", ondelete="CASCADE"))
    record_code: Mapped[str | None] = mapped_column(Text)
    initial_determination: Mapped[str] = mapped_column(String(16))
    hazard_grade: Mapped[str] = mapped_column(String(16))
    appraisal_status: Mapped[str | None] = mapped_column(String(16))
    appraisal_standard: Mapped[str | None] = mapped_column(String(16))
    appraisal_grade: Mapped[str | None] = mapped_column(String(4))
    rectification_status: Mapped[str] = mapped_column(String(16))
    rectification_deadline: Mapped[dt.date | None] = mapped_column(Date)
    measures: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    closed_out: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    closed_out_on: Mapped[dt.date | None] = mapped_column(Date)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    superseded_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("hazard_record.id"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class SensitiveSite(Base):
    """A college, school or kindergarten (hospital as an extension) around which hazards are checked first."""

    __tablename__ = "sensitive_site"
    __table_args__ = (
        Index("ix_sensitive_site_geom", "geom", postgresql_using="gist"),
        Index("ix_sensitive_site_kind", "kind"),
        Index(
            "uq_sensitive_site_site_code",
            "site_code",
            unique=True,
            postgresql_where=text("site_code IS NOT NULL"),
        ),
        Index("uq_sensitive_site_kind_name_county", "kind", "name", "county_code", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    county_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"))
    address: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(_point(), nullable=False)
    source: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    site_code: Mapped[str | None] = mapped_column(Text)
    township_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"))
    source_crs: Mapped[str | None] = mapped_column(String(16))
    import_batch_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("import_batch.id"))


class ImportBatch(Base):
    """One successful import: what file, which CRS, how many rows, what warnings."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(Text)
    declared_crs: Mapped[str | None] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'"))
    mapping: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'"))
    seconds: Mapped[float | None] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class HouseProximity(Base):
    """Nearest sensitive site of each kind within that kind's radius, per house.

    Its references to house and sensitive_site are checked, and cascade, per statement (migration 0009).
    """

    __tablename__ = "house_proximity"
    __table_args__ = (Index("ix_house_proximity_site_id", "site_id"),)

    house_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    site_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    site_id: Mapped[int] = mapped_column(BigInteger)
    distance_m: Mapped[float] = mapped_column(Float)


class DivisionPiece(Base):
    """A division polygon cut into small pieces for fast point-in-polygon (ST_Subdivide)."""

    __tablename__ = "division_piece"
    __table_args__ = (
        Index("ix_division_piece_geom", "geom", postgresql_using="gist"),
        Index("ix_division_piece_code", "code"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    code: Mapped[str] = mapped_column(ForeignKey("division.code", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(16))
    geom = mapped_column(Geometry("POLYGON", srid=CGCS2000, spatial_index=False), nullable=False)
