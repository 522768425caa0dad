"""Accounts, sessions, API tokens and the hash-chained, append-only audit trail.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Every account is a real person with one role and one scope (a division, or a firm's group in a plan).
Sessions and tokens are stored only as SHA-256 digests of what the browser or script holds. The audit trail
is extended only through ``audit_append`` (one writer at a time, under an advisory lock), which chains each
row to the previous one: ``hash = sha256(json [prev_hash, id, at (UTC), account, actor, request, action,
target type, target id, outcome, detail, ip])``; triggers refuse UPDATE, DELETE and TRUNCATE, and
``spotcheck audit verify`` recomputes the chain with the same ``audit_digest`` to find an edited or
deleted row. Draws and their events now name the account that acted.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ROLES = "'province', 'city', 'county', 'firm', 'inspector', 'leader'"


def _now() -> sa.TextClause:
    return sa.func.now()


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("username", sa.Text(), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text()),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("scope_code", sa.String(12), sa.ForeignKey("division.code")),
        sa.Column("scope_plan_id", sa.BigInteger(), sa.ForeignKey("sampling_plan.id")),
        sa.Column("scope_group", sa.Text()),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("password_changed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint(f"role IN ({ROLES})", name="role"),
        sa.CheckConstraint(
            "(role IN ('firm', 'inspector')) = (scope_plan_id IS NOT NULL AND scope_group IS NOT NULL)",
            name="firm_scope",
        ),
        sa.CheckConstraint(
            "(role IN ('firm', 'inspector')) <> (scope_code IS NOT NULL)", name="division_scope"
        ),
    )
    op.create_table(
        "account_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "account_id", sa.BigInteger(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("ip", sa.Text()),
        sa.Column("user_agent", sa.Text()),
    )
    op.create_index("ix_account_session_account_id", "account_session", ["account_id"])
    op.create_table(
        "api_token",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "account_id", sa.BigInteger(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_api_token_account_id", "api_token", ["account_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("account.id")),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Text()),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("target_type", sa.Text()),
        sa.Column("target_id", sa.Text()),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", postgresql.JSONB(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("ip", sa.Text()),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_event_account_id", "audit_event", ["account_id"])
    op.create_index("ix_audit_event_target", "audit_event", ["target_type", "target_id"])
    op.add_column("draw_event", sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("account.id")))
    op.add_column("draw", sa.Column("created_by_account_id", sa.BigInteger(), sa.ForeignKey("account.id")))
    op.execute(
        """
        CREATE FUNCTION audit_digest(
            prev text, id bigint, at timestamptz, account_id bigint, actor text, request_id text, action text,
            target_type text, target_id text, outcome text, detail jsonb, ip text
        ) RETURNS text LANGUAGE sql STABLE AS $$
            SELECT encode(sha256(convert_to(jsonb_build_array(
                prev, id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), account_id, actor,
                request_id, action, target_type, target_id, outcome, detail, ip
            )::text, 'UTF8')), 'hex')
        $$;

        CREATE FUNCTION audit_append(
            p_account_id bigint, p_actor text, p_request_id text, p_action text, p_target_type text,
            p_target_id text, p_outcome text, p_detail jsonb, p_ip text
        ) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
            v_prev text;
            v_id bigint;
            v_at timestamptz;
        BEGIN
            -- One writer at a time extends the chain, until its transaction ends (call it last).
            PERFORM pg_advisory_xact_lock(hashtext('spotcheck.audit_event'));
            SELECT hash INTO v_prev FROM audit_event ORDER BY id DESC LIMIT 1;
            v_prev := coalesce(v_prev, repeat('0', 64));
            v_id := nextval(pg_get_serial_sequence('audit_event', 'id'));
            v_at := clock_timestamp();
            INSERT INTO audit_event (id, at, account_id, actor, request_id, action, target_type, target_id,
                                     outcome, detail, ip, prev_hash, hash)
            VALUES (v_id, v_at, p_account_id, p_actor, p_request_id, p_action, p_target_type, p_target_id,
                    p_outcome, coalesce(p_detail, '{}'::jsonb), p_ip, v_prev,
                    audit_digest(v_prev, v_id, v_at, p_account_id, p_actor, p_request_id, p_action,
                                 p_target_type, p_target_id, p_outcome, coalesce(p_detail, '{}'::jsonb), p_ip));
            RETURN v_id;
        END $$;

        CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END $$;

        CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
        CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
            FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
        CREATE TRIGGER draw_event_no_truncate BEFORE TRUNCATE ON draw_event
            FOR EACH STATEMENT EXECUTE FUNCTION draw_event_append_only();
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER draw_event_no_truncate ON draw_event;
        DROP TRIGGER audit_event_no_truncate ON audit_event;
        DROP TRIGGER audit_event_no_change ON audit_event;
        DROP FUNCTION audit_event_append_only();
        DROP FUNCTION audit_append(bigint, text, text, text, text, text, text, jsonb, text);
        DROP FUNCTION audit_digest(text, bigint, timestamptz, bigint, text, text, text, text, text, text, jsonb, text);
        """
    )
    op.drop_column("draw", "created_by_account_id")
    op.drop_column("draw_event", "account_id")
    for table in ("audit_event", "api_token", "account_session", "account"):
        op.drop_table(table)
