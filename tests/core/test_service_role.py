"""The service connects as spotcheck_app, which owns nothing (migration 0011): it cannot get round the
freeze triggers or the append-only logs, and it still imports, through the owner's SECURITY DEFINER
functions where ownership is needed (statistics, index rebuild, map views)."""

from __future__ import annotations

import csv
import io
import stat

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from service.audit import trail
from service.core.db import app_database_url
from service.core.embedded_db import APP_ROLE, EmbeddedPostgres
from service.core.settings import DatabaseSettings, Settings
from service.frame.importing import pipeline
from tests.conftest import app_url, scratch_dir

REFUSED = "permission denied|must be owner"


@pytest.fixture
def app_engine(db_url):
    eng = create_engine(app_url(db_url))
    yield eng
    eng.dispose()


def house_csv(
    engine, county: str, n: int, *, shift: float = 0.0, rows: dict | None = None, **overrides
) -> bytes:
    """A CSV of ``n`` hazardous houses around a point inside ``county`` (moved east by ``shift`` degrees);
    ``overrides`` apply to every row, ``rows`` to some (row index -> values)."""
    with engine.connect() as conn:
        x, y = conn.execute(
            text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM division WHERE code = :c) q"),
            {"c": county},
        ).one()  # fmt: skip
    table = [
        {
            "自建房排查编码": f"T{county}-{i:05d}", "经度": round(x + shift + (i % 20) * 1e-4, 6),
            "纬度": round(y + (i // 20) * 1e-4, 6), "详细地址": f"测试路{i}号", "村（社区）": "测试村",
            "房屋用途": ["经营性自建房", "其他自建房"][i % 2], "隐患初判": "存在严重安全隐患",
            "隐患等级": "存在倒塌风险", "整治状态": "整治中", "隐患认定日期": "2024-03-01",
        } | overrides | (rows or {}).get(i, {})
        for i in range(n)
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue().encode("utf-8")


def post_houses(client, body: bytes):
    return client.post(
        "/api/v1/imports/houses", files={"file": ("h.csv", body, "text/csv")}, data={"crs": "EPSG:4490"}
    )


def test_the_service_runs_as_a_role_that_owns_nothing(client, engine):
    assert client.app.state.engine.url.username == APP_ROLE
    with engine.connect() as conn:
        role = conn.execute(
            text("SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, rolinherit, rolreplication "
                 "FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}
        ).one()  # fmt: skip
        assert not any(role)
        owned = conn.execute(
            text("SELECT count(*) FROM pg_class WHERE relowner = CAST(:r AS regrole)"), {"r": APP_ROLE}
        ).scalar_one()
        assert owned == 0
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'")
        ).scalars().all()  # fmt: skip

        def may(table: str, privilege: str) -> bool:
            return conn.execute(
                text("SELECT has_table_privilege(:r, CAST(:t AS regclass), :p)"),
                {"r": APP_ROLE, "t": f"public.{table}", "p": privilege},
            ).scalar_one()

        assert not [t for t in tables if may(t, "TRUNCATE") or may(t, "TRIGGER") or may(t, "REFERENCES")]
        assert [p for p in ("SELECT", "INSERT", "UPDATE", "DELETE") if may("audit_event", p)] == ["SELECT"]
        assert [p for p in ("SELECT", "INSERT", "UPDATE", "DELETE") if may("draw_event", p)] == [
            "SELECT",
            "INSERT",
        ]
        assert all(may(t, "SELECT") for t in ("house_cluster", "house_stats", "alembic_version"))
        assert all(may(t, "DELETE") for t in ("house", "draw_house", "draw_house_record", "account_session"))
        assert not may("alembic_version", "UPDATE")


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE draw DISABLE TRIGGER ALL",
        "ALTER TABLE draw_event DISABLE TRIGGER draw_event_append_only",
        "SET session_replication_role = replica",
        "UPDATE audit_event SET actor = 'x'",
        "DELETE FROM audit_event",
        "DELETE FROM draw_event",
        "UPDATE draw_event SET note = 'x'",
        "TRUNCATE draw_house",
        "TRUNCATE audit_event",
        "DROP TRIGGER draw_frozen ON draw",
        "CREATE TABLE public.mine (id int)",
        "SET ROLE {owner}",
        "SELECT * FROM spotcheck_private.deferred_index",
        "SELECT analyze_frame_tables(ARRAY['audit_event'])",
        "SELECT defer_secondary_indexes('audit_event')",
        "REFRESH MATERIALIZED VIEW house_cluster",
    ],
)
def test_the_service_role_cannot_get_round_the_record(app_engine, engine, statement):
    with engine.connect() as conn:
        owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'draw'")).scalar_one()
    with pytest.raises(DBAPIError, match=f"{REFUSED}|not a table of the frame|not a bulk-loaded table"):
        with app_engine.begin() as conn:
            conn.execute(text(statement.format(owner=owner)))


def test_the_service_role_extends_the_audit_trail_only_through_audit_append(app_engine, engine):
    with app_engine.begin() as conn:
        trail.record(conn, trail.Actor(None, "测试"), "test_action", "test", 1)
        conn.execute(text("CREATE TEMP TABLE scratch (n int) ON COMMIT DROP"))  # staging tables may be made
    with engine.connect() as conn:
        assert trail.verify(conn).intact and trail.verify(conn).rows == 1


def test_imports_as_the_service_role_take_every_owner_path(client, engine, monkeypatch):
    """An import as spotcheck_app refreshes stale statistics, drops and rebuilds the house indexes of a
    bulk load and refreshes the map views, each through the owner's function."""
    # Statistics that say "no rows" of a table that has pages: the import analyzes it (analyze_frame_tables).
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE house SET (autovacuum_enabled = false)"))
        conn.execute(
            text("INSERT INTO house (survey_code, county_code, geom, source_crs, use_class) VALUES "
                 "('GONE', '620102', ST_SetSRID(ST_MakePoint(103.83, 36.06), 4490), 'EPSG:4490', 'commercial')")
        )  # fmt: skip
        conn.execute(text("DELETE FROM house"))
        conn.execute(text("ANALYZE house"))
    with engine.connect() as conn:
        indexes = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE tablename = 'house' ORDER BY 1")
        ).all()
        secondary = conn.execute(
            text("SELECT c.relname FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid "
                 "WHERE i.indrelid = 'house'::regclass AND NOT i.indisunique ORDER BY 1")
        ).scalars().all()  # fmt: skip
        assert conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'house'")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM pg_stats WHERE tablename = 'house'")).scalar_one() == 0
        version = conn.execute(text("SELECT (last_value, is_called)::text FROM map_version_seq")).scalar_one()

    deferred: list = []

    def spy(conn, table, lock_timeout="2s"):
        deferred.append(defer(conn, table, lock_timeout))
        return deferred[-1]

    defer = pipeline.defer_secondary_indexes
    monkeypatch.setattr(pipeline, "defer_secondary_indexes", spy)
    monkeypatch.setattr(pipeline._HouseImport, "BULK_MIN_ROWS", 10)  # a bulk load of a small table
    r = post_houses(client, house_csv(engine, "620102", 40))
    assert r.status_code == 200, r.text
    assert (r.json()["inserted"], r.json()["updated"]) == (40, 0)

    assert len(deferred) == 1 and deferred[0] == secondary and "ix_house_geom" in secondary
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT indexdef FROM pg_indexes WHERE tablename = 'house' ORDER BY 1")).all()
            == indexes
        )
        assert conn.execute(text("SELECT count(*) FROM spotcheck_private.deferred_index")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM pg_stats WHERE tablename = 'house'")).scalar_one() > 0
        assert (
            conn.execute(text("SELECT (last_value, is_called)::text FROM map_version_seq")).scalar_one()
            != version
        )
        assert conn.execute(text("SELECT count(*) FROM house_cluster")).scalar_one() > 0

    # A re-import takes the staging path (temporary tables of the service's own) and updates.
    again = post_houses(client, house_csv(engine, "620102", 40, **{"整治状态": "已整治"}))
    assert again.status_code == 200 and again.json()["updated"] == 40, again.text


def test_restore_runs_only_definitions_the_database_recorded(app_engine, engine):
    with app_engine.begin() as conn:
        names = conn.execute(text("SELECT defer_secondary_indexes('house')")).scalar_one()
        assert names and not conn.execute(
            text("SELECT count(*) FROM pg_indexes WHERE indexname = ANY(:n)"), {"n": names}
        ).scalar_one()  # fmt: skip
        assert (
            conn.execute(
                text("SELECT restore_secondary_indexes(ARRAY['CREATE INDEX x ON house (id)'])")
            ).scalar_one()
            == 0
        )
        assert conn.execute(text("SELECT restore_secondary_indexes(:n)"), {"n": names}).scalar_one() == len(
            names
        )
        rebuilt = conn.execute(
            text("SELECT count(*) FROM pg_indexes WHERE indexname = ANY(:n)"), {"n": names}
        )
        assert rebuilt.scalar_one() == len(names)


def test_production_needs_a_service_url_of_another_user():
    owner = "postgresql+psycopg://spotcheck:pw@db/spotcheck"
    with pytest.raises(ValueError, match="SPOTCHECK_DB_APP_URL"):
        Settings(environment="production", db=DatabaseSettings(url=owner))
    with pytest.raises(ValueError, match="another user"):
        Settings(environment="production", db=DatabaseSettings(url=owner, app_url=owner.replace("pw", "x")))
    ok = Settings(
        environment="production",
        db=DatabaseSettings(url=owner, app_url="postgresql+psycopg://spotcheck_app:pw2@db/spotcheck"),
    )
    assert app_database_url(ok.db) == ok.db.app_url


def test_the_embedded_cluster_gives_the_service_role_a_login_of_its_own():
    root = scratch_dir("spotcheck-approle-")
    cluster = EmbeddedPostgres(root / "db")
    try:
        url = app_database_url(DatabaseSettings(data_dir=cluster.root))
        assert url.username == APP_ROLE and url.password == cluster.app_password() != cluster.password()
        assert stat.S_IMODE(cluster.app_password_file.stat().st_mode) == 0o600
        eng = create_engine(url)
        with eng.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar_one() == APP_ROLE
            assert (
                conn.execute(
                    text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
                ).scalar_one()
                is False
            )
        eng.dispose()
        cluster.start()  # again: the login is checked, nothing changes
        assert cluster.app_url().password == url.password
    finally:
        cluster.destroy()
