"""Foundation schema: provenance, the division tree, sampling units, houses, hazard records, sensitive sites.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Enumerations are CHECK constraints over the codes of ``geo.enums`` (vocabulary 2024.1), frozen here as
literals so that this migration means the same thing forever; a later vocabulary change is a new migration
that replaces the constraint by its name.
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SRID = 4490  # CGCS2000 lon/lat

VOCABULARY_2024_1 = {
    "level": ("province", "city", "county", "township"),
    "township_kind": ("street", "town", "township", "other"),
    "unit_kind": ("county", "special_zone"),
    "use_class": ("commercial", "mixed", "non_commercial"),
    "floors_band": ("three_plus", "below_three"),
    "business_type": (
        "catering", "lodging", "retail", "entertainment", "education", "healthcare", "elderly_care",
        "manufacturing", "warehousing", "rental_housing", "other",
    ),
    "area_type": (
        "built_up", "urban_fringe", "urban_village", "resettlement", "designated_town", "market_town",
        "near_school", "near_hospital", "near_wholesale_market", "scenic_area", "other",
    ),
    "structure": (
        "masonry", "frame_masonry", "reinforced_concrete", "steel", "timber_bamboo", "earth_stone_timber",
        "mixed", "other",
    ),
    "build_era": ("up_to_1980", "1981_1990", "1991_2000", "2001_2010", "2011_2015", "from_2016"),
    "alterations": (
        "rooftop_storey", "perimeter_extension", "mezzanine", "partition_walls", "raised",
        "enlarged_openings", "basement", "removed_columns_walls",
    ),
    "geohazards": (
        "slope_cutting", "landslide_debris_flow", "mined_out_area", "flood", "rockfall", "subsidence",
    ),
    "initial_determination": ("serious", "some", "none_found"),
    "hazard_grade": ("collapse_risk", "general"),
    "appraisal_standard": ("JGJ125-2016", "GB50292-2015"),
    "appraisal_status": ("pending", "in_progress", "done"),
    "rectification_status": ("pending", "in_progress", "done"),
    "measures": (
        "stop_use", "stop_business", "seal_and_warn", "evacuate", "demolish_rebuild", "repair_strengthen",
        "demolish_all", "demolish_part", "retroactive_permit", "fine", "confiscate",
    ),
    "site_kind": ("college", "school", "kindergarten", "hospital"),
}  # fmt: skip


def _in(column: str, vocabulary: str, nullable: bool = False) -> str:
    codes = ", ".join(f"'{c}'" for c in VOCABULARY_2024_1[vocabulary])
    clause = f"{column} IN ({codes})"
    return f"{column} IS NULL OR {clause}" if nullable else clause


def _all_in(column: str, vocabulary: str) -> str:
    codes = ", ".join(f"'{c}'" for c in VOCABULARY_2024_1[vocabulary])
    return f"{column} <@ ARRAY[{codes}]::text[]"


def _ts(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), server_default=sa.text("false"), nullable=False)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    op.create_table(
        "dataset",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("licence", sa.Text(), nullable=False),
        sa.Column("crs", sa.Text(), nullable=False),
        sa.Column("vintage", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64)),
        _flag("synthetic"),
        sa.Column("note", sa.Text()),
        _ts("loaded_at"),
    )

    op.create_table(
        "division",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_code", sa.String(12), sa.ForeignKey("division.code")),
        sa.Column("township_kind", sa.String(16)),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False)),
        sa.Column("geom_dataset", sa.String(64), sa.ForeignKey("dataset.name")),
        _flag("approximate"),
        _flag("synthetic"),
        sa.Column("note", sa.Text()),
        sa.CheckConstraint(_in("level", "level"), name="level"),
        sa.CheckConstraint(_in("township_kind", "township_kind", nullable=True), name="township_kind"),
        sa.CheckConstraint("(level = 'province') = (parent_code IS NULL)", name="only_province_is_root"),
        sa.CheckConstraint("geom IS NULL OR ST_IsValid(geom)", name="geom_valid"),
    )
    op.create_index("ix_division_geom", "division", ["geom"], postgresql_using="gist")
    op.create_index("ix_division_parent_code", "division", ["parent_code"])
    op.create_index("ix_division_level", "division", ["level"])

    op.create_table(
        "sampling_unit",
        sa.Column("code", sa.String(12), sa.ForeignKey("division.code"), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("city_code", sa.String(12), sa.ForeignKey("division.code"), nullable=False),
        _flag("is_city_seat"),
        _flag("stands_alone"),
        sa.CheckConstraint(_in("kind", "unit_kind"), name="kind"),
        sa.CheckConstraint("(kind = 'special_zone') = stands_alone", name="special_zones_stand_alone"),
    )
    op.create_index("ix_sampling_unit_city_code", "sampling_unit", ["city_code"])

    op.create_table(
        "house",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("survey_code", sa.Text(), nullable=False, unique=True),
        sa.Column("census_no", sa.Text()),
        sa.Column("county_code", sa.String(12), sa.ForeignKey("division.code"), nullable=False),
        sa.Column("township_code", sa.String(12), sa.ForeignKey("division.code")),
        sa.Column("village", sa.Text()),
        sa.Column("address", sa.Text()),
        sa.Column("geom", Geometry("POINT", srid=SRID, spatial_index=False), nullable=False),
        sa.Column("source_crs", sa.String(16), nullable=False),
        sa.Column("use_class", sa.String(16), nullable=False),
        sa.Column("business_type", sa.String(24)),
        sa.Column("area_type", sa.String(24)),
        sa.Column("structure", sa.String(24)),
        sa.Column("floors", sa.SmallInteger()),
        sa.Column("floors_band", sa.String(16)),
        sa.Column("floor_area_m2", sa.Numeric(10, 1)),
        sa.Column("build_year", sa.SmallInteger()),
        sa.Column("build_era", sa.String(16)),
        sa.Column("alterations", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("geohazards", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        _flag("synthetic"),
        _ts("created_at"),
        _ts("updated_at"),
        sa.CheckConstraint(_in("use_class", "use_class"), name="use_class"),
        sa.CheckConstraint(_in("business_type", "business_type", nullable=True), name="business_type"),
        sa.CheckConstraint(_in("area_type", "area_type", nullable=True), name="area_type"),
        sa.CheckConstraint(_in("structure", "structure", nullable=True), name="structure"),
        sa.CheckConstraint(_in("floors_band", "floors_band", nullable=True), name="floors_band"),
        sa.CheckConstraint(_in("build_era", "build_era", nullable=True), name="build_era"),
        sa.CheckConstraint(_all_in("alterations", "alterations"), name="alterations"),
        sa.CheckConstraint(_all_in("geohazards", "geohazards"), name="geohazards"),
        sa.CheckConstraint("floors IS NULL OR floors BETWEEN 1 AND 60", name="floors_range"),
        sa.CheckConstraint(
            "source_crs IN ('EPSG:4490', 'EPSG:4326', 'GCJ-02') "
            "OR source_crs ~ '^EPSG:45(3[4-9]|4[0-9]|5[0-4])$'",
            name="source_crs",
        ),
    )
    op.create_index("ix_house_geom", "house", ["geom"], postgresql_using="gist")
    op.create_index("ix_house_county_code", "house", ["county_code"])
    op.create_index("ix_house_township_code", "house", ["township_code"])

    op.create_table(
        "hazard_record",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("house_id", sa.BigInteger(), sa.ForeignKey("house.id", ondelete="CASCADE"), nullable=False),
        sa.Column("record_code", sa.Text()),
        sa.Column("initial_determination", sa.String(16), nullable=False),
        sa.Column("hazard_grade", sa.String(16), nullable=False),
        sa.Column("appraisal_status", sa.String(16)),
        sa.Column("appraisal_standard", sa.String(16)),
        sa.Column("appraisal_grade", sa.String(4)),
        sa.Column("rectification_status", sa.String(16), nullable=False),
        sa.Column("rectification_deadline", sa.Date()),
        sa.Column("measures", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        _flag("closed_out"),
        sa.Column("closed_out_on", sa.Date()),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date()),
        sa.Column("superseded_by", sa.BigInteger(), sa.ForeignKey("hazard_record.id")),
        _flag("synthetic"),
        sa.CheckConstraint(
            _in("initial_determination", "initial_determination"), name="initial_determination"
        ),
        sa.CheckConstraint(_in("hazard_grade", "hazard_grade"), name="hazard_grade"),
        sa.CheckConstraint(
            _in("appraisal_status", "appraisal_status", nullable=True), name="appraisal_status"
        ),
        sa.CheckConstraint(_in("rectification_status", "rectification_status"), name="rectification_status"),
        sa.CheckConstraint(_all_in("measures", "measures"), name="measures"),
        sa.CheckConstraint(
            "(appraisal_standard IS NULL AND appraisal_grade IS NULL)"
            " OR (appraisal_standard = 'JGJ125-2016' AND appraisal_grade IN ('A', 'B', 'C', 'D'))"
            " OR (appraisal_standard = 'GB50292-2015' AND appraisal_grade IN ('Asu', 'Bsu', 'Csu', 'Dsu'))",
            name="appraisal_grade_matches_standard",
        ),
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
        sa.CheckConstraint(
            "NOT closed_out OR rectification_status = 'done'", name="close_out_needs_rectification_done"
        ),
        sa.CheckConstraint("record_code IS NULL OR record_code ~ '^YH[0-9]{15}$'", name="record_code_format"),
    )
    op.create_index("ix_hazard_record_house_id", "hazard_record", ["house_id"])
    op.create_index(
        "uq_hazard_record_one_open_per_house",
        "hazard_record",
        ["house_id"],
        unique=True,
        postgresql_where=sa.text("closed_on IS NULL"),
    )

    op.create_table(
        "sensitive_site",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("county_code", sa.String(12), sa.ForeignKey("division.code")),
        sa.Column("address", sa.Text()),
        sa.Column("geom", Geometry("POINT", srid=SRID, spatial_index=False), nullable=False),
        sa.Column("source", sa.Text()),
        _flag("synthetic"),
        sa.CheckConstraint(_in("kind", "site_kind"), name="kind"),
    )
    op.create_index("ix_sensitive_site_geom", "sensitive_site", ["geom"], postgresql_using="gist")
    op.create_index("ix_sensitive_site_kind", "sensitive_site", ["kind"])


def downgrade() -> None:
    for table in ("sensitive_site", "hazard_record", "house", "sampling_unit", "division", "dataset"):
        op.drop_table(table)
    # The postgis extension stays: other databases' objects or the template may depend on it.
