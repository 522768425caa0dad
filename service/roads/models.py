"""Tables of road networks (migration 0015): networks with provenance, edges, vertices, covered units."""

from __future__ import annotations

import datetime as dt

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.crs import CGCS2000
from service.core.models import Base
from service.roads.classes import ROAD_CLASSES

_CLASS_CODES = ", ".join(f"'{code}'" for code in ROAD_CLASSES)  # as migration 0015's CHECK lists them


class RoadNetwork(Base):
    """One imported line layer, or the synthetic demo network, with its provenance."""

    __tablename__ = "road_network"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(Text)
    licence: Mapped[str] = mapped_column(Text)
    declared_crs: Mapped[str] = mapped_column(String(16))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    filename: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    imported_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    imported_by: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    lines: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    edges: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    vertices: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    components: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    length_km: Mapped[float] = mapped_column(Float, server_default=text("0"))
    extent = mapped_column(Geometry("POLYGON", srid=CGCS2000, spatial_index=False), nullable=True)
    hull = mapped_column(Geometry("POLYGON", srid=CGCS2000, spatial_index=False), nullable=True)


class RoadVertex(Base):
    """A node of a network; ``component`` is its weakly connected component (the smallest vertex id in it)."""

    __tablename__ = "road_vertex"
    __table_args__ = (
        Index("ix_road_vertex_network_id", "network_id"),
        Index("ix_road_vertex_geom", "geom", postgresql_using="gist"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("road_network.id", ondelete="CASCADE"))
    component: Mapped[int | None] = mapped_column(BigInteger)
    geom = mapped_column(Geometry("POINT", srid=CGCS2000, spatial_index=False), nullable=False)


class RoadEdge(Base):
    """A piece of a line between two vertices, as pgRouting reads it (a negative reverse cost: one way)."""

    __tablename__ = "road_edge"
    __table_args__ = (
        Index("ix_road_edge_network_id", "network_id"),
        Index("ix_road_edge_geom", "geom", postgresql_using="gist"),
        CheckConstraint("speed_kmh > 0 AND speed_kmh <= 150", name="speed"),
        CheckConstraint("length_m >= 0 AND cost_s >= 0", name="cost"),
        CheckConstraint(f"road_class IN ({_CLASS_CODES})", name="road_class"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("road_network.id", ondelete="CASCADE"))
    source: Mapped[int] = mapped_column(BigInteger)
    target: Mapped[int] = mapped_column(BigInteger)
    road_class: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(Text)
    speed_kmh: Mapped[float] = mapped_column(Float)
    one_way: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    length_m: Mapped[float] = mapped_column(Float)
    cost_s: Mapped[float] = mapped_column(Float)
    reverse_cost_s: Mapped[float] = mapped_column(Float)
    line_no: Mapped[int | None] = mapped_column(Integer)
    geom = mapped_column(Geometry("LINESTRING", srid=CGCS2000, spatial_index=False), nullable=False)


class RoadNetworkUnit(Base):
    """How a network reaches one sampling unit's hazardous houses, and whether it covers the unit."""

    __tablename__ = "road_network_unit"
    __table_args__ = (Index("ix_road_network_unit_unit_code", "unit_code"),)

    network_id: Mapped[int] = mapped_column(ForeignKey("road_network.id", ondelete="CASCADE"), primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("sampling_unit.code"), primary_key=True)
    houses: Mapped[int] = mapped_column(Integer)
    reached: Mapped[int] = mapped_column(Integer)
    covered: Mapped[bool] = mapped_column(Boolean)
