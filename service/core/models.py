"""Table models: the declarative base, shared helpers, and the geography every capability stands on.

Each capability keeps its own tables in its package (``service/<capability>/models.py``); ``all_metadata``
gathers them for Alembic and for the test that proves models and migrations agree.

The schema itself is made by Alembic migrations (``service/migrations``); these classes
mirror it for queries, and a test proves the two agree.

Positions are stored in CGCS2000 lon/lat (EPSG:4490, equal to WGS84 at map scale); metric work
transforms to the Gauss-Kruger zone of the place (see ``geo.crs``).
"""

from __future__ import annotations

import datetime as dt

from geoalchemy2 import Geometry
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from geo.crs import CGCS2000

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (migrations refer to them)."""

    metadata = MetaData(naming_convention=NAMING)


def _point() -> Geometry:
    return Geometry("POINT", srid=CGCS2000, spatial_index=False)


def _multipolygon() -> Geometry:
    return Geometry("MULTIPOLYGON", srid=CGCS2000, spatial_index=False)


class Dataset(Base):
    """Provenance of a loaded data set: where it came from, its version, licence, CRS and vintage."""

    __tablename__ = "dataset"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(Text)
    licence: Mapped[str] = mapped_column(Text)
    crs: Mapped[str] = mapped_column(Text)
    vintage: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    note: Mapped[str | None] = mapped_column(Text)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Division(Base):
    """A node of the administrative tree: province, city/prefecture, county, township/street."""

    __tablename__ = "division"
    __table_args__ = (
        Index("ix_division_geom", "geom", postgresql_using="gist"),
        Index("ix_division_parent_code", "parent_code"),
        Index("ix_division_level", "level"),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"))
    township_kind: Mapped[str | None] = mapped_column(String(16))
    geom = mapped_column(_multipolygon(), nullable=True)
    geom_dataset: Mapped[str | None] = mapped_column(ForeignKey("dataset.name"))
    approximate: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    note: Mapped[str | None] = mapped_column(Text)


class SamplingUnit(Base):
    """A unit of the county draw: every county-level division; 嘉峪关 and 兰州新区 stand alone."""

    __tablename__ = "sampling_unit"
    __table_args__ = (Index("ix_sampling_unit_city_code", "city_code"),)

    code: Mapped[str] = mapped_column(ForeignKey("division.code"), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    city_code: Mapped[str] = mapped_column(ForeignKey("division.code"))
    is_city_seat: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    stands_alone: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


def all_metadata() -> MetaData:
    """Every table of every capability (importing their model modules registers them)."""
    import service.accounts.models  # noqa: F401
    import service.audit.models  # noqa: F401
    import service.draws.models  # noqa: F401
    import service.evaluation.reports.models  # noqa: F401
    import service.evaluation.review.models  # noqa: F401
    import service.evaluation.survey.models  # noqa: F401
    import service.fieldwork.models  # noqa: F401
    import service.followup.models  # noqa: F401
    import service.frame.models  # noqa: F401
    import service.inspections.models  # noqa: F401
    import service.roads.models  # noqa: F401

    return Base.metadata
