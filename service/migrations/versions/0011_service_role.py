"""The service's own database role, which owns nothing: spotcheck_app.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

The migrations, the CLI and the demo loads connect as the owner of the schema (the migration's user). The
running service connects as ``spotcheck_app``: no superuser, no CREATEDB/CREATEROLE, no BYPASSRLS, owner of
no table, so it cannot disable a trigger (``ALTER TABLE ... DISABLE TRIGGER`` needs ownership), set
``session_replication_role`` (superuser only) or TRUNCATE anything (never granted). It reads every table,
writes the operational ones, only reads ``audit_event`` (rows come through ``audit_append``) and only
appends to ``draw_event``.

What the service did as owner goes through SECURITY DEFINER functions owned by the migration's user, each
doing one fixed thing: ``refresh_map_views()`` (the map's materialized views), ``analyze_frame_tables``
(statistics of house, hazard_record, house_proximity during an import) and
``defer_secondary_indexes``/``restore_secondary_indexes`` (a bulk load of houses drops the table's
non-unique indexes and rebuilds them). The definitions of dropped indexes are kept in
``spotcheck_private.deferred_index``, a schema the service cannot reach, so the service can only ask for
indexes the database itself recorded to be rebuilt, never run a definition of its own.

The role is cluster-wide: created here if missing (NOLOGIN; the embedded cluster, the test fixtures or the
deployment give it LOGIN and a password), refused if it exists with more power than it should have, and
left in place by the downgrade (other databases of the cluster may use it). Default privileges give the
role the same access to tables the owner creates later: a later append-only table revokes what it must.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ROLE = "spotcheck_app"

# Read and written by the service (draw_event and audit_event are granted apart, below).
OPERATIONAL = (
    "dataset", "division", "sampling_unit", "house", "hazard_record", "sensitive_site", "import_batch",
    "house_proximity", "division_piece", "sampling_plan", "draw", "draw_unit", "draw_frame", "draw_house",
    "account", "account_session", "api_token",
)  # fmt: skip

DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp"

FUNCTIONS = (
    "refresh_map_views()",
    "analyze_frame_tables(text[])",
    "defer_secondary_indexes(text)",
    "restore_secondary_indexes(text[])",
)


def upgrade() -> None:
    op.execute(
        f"""
        DO $$
        DECLARE
            existing pg_roles%ROWTYPE;
        BEGIN
            IF current_user = '{ROLE}' THEN
                RAISE EXCEPTION 'run the migrations as the owner of the schema, not as {ROLE}';
            END IF;
            SELECT * INTO existing FROM pg_roles WHERE rolname = '{ROLE}';
            IF NOT FOUND THEN
                CREATE ROLE {ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
            ELSIF existing.rolsuper OR existing.rolcreatedb OR existing.rolcreaterole OR existing.rolbypassrls
                  OR existing.rolreplication THEN
                RAISE EXCEPTION 'role {ROLE} exists with powers the service must not have: alter or drop it';
            ELSIF pg_has_role('{ROLE}', current_user, 'MEMBER') THEN
                RAISE EXCEPTION 'role {ROLE} is a member of %, the owner of the schema', current_user;
            END IF;
            BEGIN  -- PUBLIC has both by default; said explicitly where the owner may grant them
                EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO {ROLE}', current_database());
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE NOTICE 'not the owner of the database: CONNECT and TEMPORARY for {ROLE} left as they are';
            END;
        END $$;

        GRANT USAGE ON SCHEMA public TO {ROLE};
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE};
        GRANT INSERT, UPDATE, DELETE ON {", ".join(OPERATIONAL)} TO {ROLE};
        GRANT INSERT ON draw_event TO {ROLE};
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {ROLE};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {ROLE};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {ROLE};

        -- The audit trail is extended only through audit_append, by the service.
        REVOKE ALL ON FUNCTION audit_append(bigint, text, text, text, text, text, text, jsonb, text) FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION audit_append(bigint, text, text, text, text, text, text, jsonb, text) TO {ROLE};

        CREATE SCHEMA spotcheck_private;
        REVOKE ALL ON SCHEMA spotcheck_private FROM PUBLIC;
        CREATE TABLE spotcheck_private.deferred_index (
            index_name text PRIMARY KEY,
            table_name text NOT NULL,
            definition text NOT NULL,
            deferred_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE FUNCTION refresh_map_views() RETURNS void LANGUAGE plpgsql {DEFINER} AS $$
        BEGIN
            REFRESH MATERIALIZED VIEW house_cluster;
            REFRESH MATERIALIZED VIEW house_stats;
        END $$;

        CREATE FUNCTION analyze_frame_tables(p_tables text[]) RETURNS void LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
            t text;
        BEGIN
            FOREACH t IN ARRAY p_tables LOOP
                IF t NOT IN ('house', 'hazard_record', 'house_proximity') THEN
                    RAISE EXCEPTION 'analyze_frame_tables: % is not a table of the frame', t
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                EXECUTE format('ANALYZE public.%I', t);
            END LOOP;
        END $$;

        -- Lock the table, record its non-unique indexes' definitions, drop them; their names are returned.
        -- The caller's lock_timeout applies to the lock (55P03 when not granted in time).
        CREATE FUNCTION defer_secondary_indexes(p_table text) RETURNS text[] LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
            v_names text[];
            v_name text;
        BEGIN
            IF p_table NOT IN ('house') THEN
                RAISE EXCEPTION 'defer_secondary_indexes: % is not a bulk-loaded table', p_table
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            EXECUTE format('LOCK TABLE public.%I IN ACCESS EXCLUSIVE MODE', p_table);
            INSERT INTO spotcheck_private.deferred_index (index_name, table_name, definition)
            SELECT c.relname, p_table, pg_get_indexdef(i.indexrelid)
            FROM pg_index AS i
            JOIN pg_class AS c ON c.oid = i.indexrelid
            WHERE i.indrelid = format('public.%I', p_table)::regclass AND NOT i.indisunique AND NOT i.indisprimary
            ON CONFLICT (index_name) DO NOTHING;
            SELECT array_agg(index_name ORDER BY index_name) INTO v_names
            FROM spotcheck_private.deferred_index WHERE table_name = p_table;
            FOREACH v_name IN ARRAY coalesce(v_names, '{{}}') LOOP
                EXECUTE format('DROP INDEX IF EXISTS public.%I', v_name);
            END LOOP;
            RETURN coalesce(v_names, '{{}}');
        END $$;

        -- Rebuild deferred indexes by name, from the definitions recorded when they were dropped.
        CREATE FUNCTION restore_secondary_indexes(p_names text[]) RETURNS integer LANGUAGE plpgsql {DEFINER} AS $$
        DECLARE
            r record;
            n integer := 0;
        BEGIN
            FOR r IN DELETE FROM spotcheck_private.deferred_index WHERE index_name = ANY(p_names)
                     RETURNING index_name, definition LOOP
                IF to_regclass(format('public.%I', r.index_name)) IS NULL THEN
                    EXECUTE r.definition;
                    n := n + 1;
                END IF;
            END LOOP;
            RETURN n;
        END $$;
        """
    )
    for function in FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {ROLE}")


def downgrade() -> None:
    for function in FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    op.execute(
        f"""
        DROP SCHEMA spotcheck_private CASCADE;
        GRANT EXECUTE ON FUNCTION audit_append(bigint, text, text, text, text, text, text, jsonb, text) TO PUBLIC;
        REVOKE ALL ON FUNCTION audit_append(bigint, text, text, text, text, text, text, jsonb, text) FROM {ROLE};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {ROLE};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {ROLE};
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {ROLE};
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE};
        REVOKE ALL ON SCHEMA public FROM {ROLE};
        DO $$ BEGIN
            EXECUTE format('REVOKE ALL ON DATABASE %I FROM {ROLE}', current_database());
        EXCEPTION WHEN insufficient_privilege THEN
            NULL;
        END $$;
        """
    )
