"""Migrations: up from empty, down to nothing, up again; and the models agree with them."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from geo import enums
from service.core import migrate
from service.core.models import all_metadata

OUR_TABLES = {
    "dataset", "division", "sampling_unit", "house", "hazard_record", "sensitive_site",
    "import_batch", "house_proximity", "division_piece", "sampling_plan", "draw", "draw_unit", "draw_frame",
    "draw_house", "draw_event", "account", "account_session", "api_token", "audit_event", "draw_house_record",
    "field_firm", "field_team", "field_team_member", "field_base", "field_assignment", "field_route_plan",
    "field_route_day", "field_route_stop", "field_travel_matrix", "field_travel_matrix_entry",
    "road_network", "road_vertex", "road_edge", "road_network_unit", "inspection", "inspection_photo",
    "inspection_review", "notice_counter", "notice", "notice_step", "notice_evidence", "control_case",
    "control_record", "control_photo",
}  # fmt: skip
OUR_TABLES |= {"report_draft", "report_export"}  # the evaluation reports (0021)
OUR_TABLES |= {"review_checklist", "review_item", "review_evidence", "review_score"}  # document review (0019)
OUR_TABLES |= {"survey_batch", "survey_token", "survey_response"}  # questionnaires (0020)
OUR_TABLES |= {"seed_commitment"}  # seed commitments (0022)


@pytest.fixture
def empty_engine(empty_db_url):
    eng = create_engine(empty_db_url)
    yield eng
    eng.dispose()


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"spatial_ref_sys", "alembic_version"}


def test_upgrade_downgrade_upgrade(empty_engine):
    assert migrate.current_revision(empty_engine) is None
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    assert _tables(empty_engine) == OUR_TABLES

    migrate.downgrade(empty_engine, "base")
    assert migrate.current_revision(empty_engine) is None
    assert _tables(empty_engine) == set()

    migrate.upgrade(empty_engine)
    assert _tables(empty_engine) == OUR_TABLES


def test_geometries_have_declared_srids_and_gist_indexes(empty_engine):
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        columns = conn.execute(
            text("SELECT f_table_name, f_geometry_column, type, srid FROM geometry_columns ORDER BY 1, 2")
        ).all()
        gist = (
            conn.execute(
                text("SELECT tablename FROM pg_indexes WHERE indexdef ILIKE '%USING gist%' ORDER BY 1")
            )
            .scalars()
            .all()
        )
    assert [(t, c, ty, s) for t, c, ty, s in columns] == [
        ("division", "geom", "MULTIPOLYGON", 4490),
        ("division_piece", "geom", "POLYGON", 4490),
        ("field_base", "geom", "POINT", 4490),
        ("field_route_day", "base_geom", "POINT", 4490),
        ("field_route_day", "line", "LINESTRING", 4490),
        ("house", "geom", "POINT", 4490),
        ("inspection", "opened_geom", "POINT", 4490),
        ("inspection", "submitted_geom", "POINT", 4490),
        ("inspection_photo", "exif_geom", "POINT", 4490),
        ("road_edge", "geom", "LINESTRING", 4490),
        ("road_network", "extent", "POLYGON", 4490),
        ("road_network", "hull", "POLYGON", 4490),
        ("road_vertex", "geom", "POINT", 4490),
        ("sensitive_site", "geom", "POINT", 4490),
    ]
    assert sorted(gist) == ["division", "division_piece", "house", "road_edge", "road_vertex", "sensitive_site"]


def test_models_match_migrations(empty_engine):
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": lambda o, n, t, r, c: not (t == "table" and n == "spatial_ref_sys")}
        )
        diff = compare_metadata(ctx, all_metadata())
    assert diff == []


@pytest.mark.parametrize(
    ("column", "enum"),
    [
        ("use_class", enums.UseClass),
        ("structure", enums.Structure),
        ("build_era", enums.BuildEra),
        ("business_type", enums.BusinessType),
        ("area_type", enums.AreaType),
        ("floors_band", enums.FloorsBand),
    ],
)
def test_house_enum_constraints_accept_exactly_the_vocabulary(engine, column, enum):
    """The frozen CHECK lists of the migration equal the codes of geo.enums."""
    columns = ["survey_code", "county_code", "source_crs", "use_class"]
    if column not in columns:
        columns.append(column)
    insert = text(
        f"INSERT INTO house ({', '.join(columns)}, geom) VALUES ({', '.join(':' + c for c in columns)}, "
        "ST_SetSRID(ST_MakePoint(103.83, 36.06), 4490))"
    )
    base = {"county_code": "620102", "source_crs": "EPSG:4490", "use_class": "commercial"}
    with engine.begin() as conn:
        for i, code in enumerate(enum.codes()):
            conn.execute(insert, {**base, column: code, "survey_code": f"T{i}"})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(f"UPDATE house SET {column} = 'not_a_code' WHERE survey_code = 'T0'"))


def test_hazard_and_site_enum_constraints(engine):
    with engine.connect() as conn:
        defs = dict(
            conn.execute(
                text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid IN ('hazard_record'::regclass, 'sensitive_site'::regclass) "
                    "AND contype = 'c'"
                )
            ).all()
        )
    for name, enum in [
        ("ck_hazard_record_initial_determination", enums.InitialDetermination),
        ("ck_hazard_record_hazard_grade", enums.HazardGrade),
        ("ck_hazard_record_rectification_status", enums.RectificationStatus),
        ("ck_hazard_record_appraisal_status", enums.AppraisalStatus),
        ("ck_hazard_record_measures", enums.Measure),
        ("ck_sensitive_site_kind", enums.SiteKind),
    ]:
        assert all(f"'{code}'" in defs[name] for code in enum.codes()), name


def test_house_references_are_enforced_per_statement(engine):
    insert = text(
        "INSERT INTO house (survey_code, county_code, township_code, geom, source_crs, use_class) "
        "VALUES (:code, :county, :township, ST_SetSRID(ST_MakePoint(103.83, 36.06), 4490), 'EPSG:4490', "
        "'commercial')"
    )
    for county, township in [("629999", None), ("620102", "629999999")]:
        with pytest.raises(IntegrityError, match="unknown county"), engine.begin() as conn:
            conn.execute(insert, {"code": "X1", "county": county, "township": township})
    with engine.begin() as conn:
        conn.execute(insert, {"code": "OK", "county": "620102", "township": "620102001"})
    with pytest.raises(IntegrityError, match="unknown county"), engine.begin() as conn:
        conn.execute(text("UPDATE house SET county_code = '629999' WHERE survey_code = 'OK'"))
    with pytest.raises(IntegrityError, match="cannot be removed"), engine.begin() as conn:
        conn.execute(text("DELETE FROM sampling_unit WHERE code = '620102'"))
        conn.execute(text("DELETE FROM division WHERE code = '620102001'"))


def test_domain_rules_in_sql_match_the_vocabulary(engine):
    from sqlalchemy import text

    from geo.enums import SiteKind, UseClass

    with engine.connect() as conn:
        for use in UseClass:
            assert conn.execute(text("SELECT is_commercial(:u)"), {"u": use.value}).scalar() is use.is_commercial
        for kind in SiteKind:
            assert conn.execute(text("SELECT is_school_kind(:k)"), {"k": kind.value}).scalar() is kind.is_school
