"""Field work: firms, teams, bases, members, assignments of drawn houses, route plans, supplied matrices.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

A firm is a group of a plan; its teams have inspectors (accounts), bases per working period and vehicles.
``field_assignment`` says which team visits which drawn house of a draw (and carries the house's service
time override, the owner's appointment and when it was visited). A team has one current route plan
(``field_route_plan.current``), kept with its days and stops; older plans stay as history.
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _now():
    return sa.func.now()


def _point():
    return Geometry("POINT", srid=4490, spatial_index=False)


def upgrade() -> None:
    op.create_table(
        "field_firm",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("plan_id", sa.BigInteger(), sa.ForeignKey("sampling_plan.id"), nullable=False),
        sa.Column("group_name", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, server_default=_now(), nullable=False),
        sa.UniqueConstraint("plan_id", "group_name"),
    )
    op.create_table(
        "field_team",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "firm_id", sa.BigInteger(), sa.ForeignKey("field_firm.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("vehicles", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", TZ, server_default=_now(), nullable=False),
        sa.UniqueConstraint("firm_id", "name"),
        sa.CheckConstraint("vehicles BETWEEN 1 AND 10", name="vehicles"),
    )
    op.create_table(
        "field_team_member",
        sa.Column(
            "team_id", sa.BigInteger(), sa.ForeignKey("field_team.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "account_id", sa.BigInteger(), sa.ForeignKey("account.id", ondelete="CASCADE"), primary_key=True,
            unique=True,
        ),
        sa.Column("added_at", TZ, server_default=_now(), nullable=False),
    )
    op.create_table(
        "field_base",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "team_id", sa.BigInteger(), sa.ForeignKey("field_team.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("geom", _point(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.CheckConstraint("valid_to >= valid_from", name="period"),
    )
    op.create_index("ix_field_base_team_id", "field_base", ["team_id"])
    op.create_table(
        "field_assignment",
        sa.Column("draw_id", sa.BigInteger(), primary_key=True),
        sa.Column("house_id", sa.BigInteger(), primary_key=True),
        sa.Column("team_id", sa.BigInteger(), sa.ForeignKey("field_team.id"), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("service_minutes", sa.SmallInteger()),
        sa.Column("appointment_start", TZ),
        sa.Column("appointment_end", TZ),
        sa.Column("visited_at", TZ),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("updated_at", TZ, server_default=_now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draw_id", "house_id"], ["draw_house.draw_id", "draw_house.house_id"], ondelete="CASCADE"
        ),
        sa.CheckConstraint("source IN ('auto', 'manual', 'replacement')", name="source"),
        sa.CheckConstraint(
            "service_minutes IS NULL OR service_minutes BETWEEN 5 AND 480", name="service_minutes"
        ),
        sa.CheckConstraint(
            "(appointment_start IS NULL) = (appointment_end IS NULL) AND "
            "(appointment_end IS NULL OR appointment_end > appointment_start)",
            name="appointment",
        ),
    )
    op.create_index("ix_field_assignment_team_id", "field_assignment", ["team_id"])
    op.create_index("ix_field_assignment_house_id", "field_assignment", ["house_id"])
    op.create_table(
        "field_route_plan",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "team_id", sa.BigInteger(), sa.ForeignKey("field_team.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("draw_id", sa.BigInteger(), sa.ForeignKey("draw.id"), nullable=False),
        sa.Column("current", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("options", postgresql.JSONB(), nullable=False),
        sa.Column("summary", postgresql.JSONB(), nullable=False),
        sa.Column("unscheduled", postgresql.JSONB(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("created_by_account_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("created_at", TZ, server_default=_now(), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name="days"),
    )
    op.create_index("ix_field_route_plan_team_id", "field_route_plan", ["team_id"])
    op.create_index(
        "ux_field_route_plan_current", "field_route_plan", ["team_id"], unique=True,
        postgresql_where=sa.text("current"),
    )
    op.create_table(
        "field_route_day",
        sa.Column(
            "plan_id", sa.BigInteger(), sa.ForeignKey("field_route_plan.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("vehicle", sa.SmallInteger(), primary_key=True),
        sa.Column("base_name", sa.Text(), nullable=False),
        sa.Column("base_geom", _point(), nullable=False),
        sa.Column("start_at", TZ, nullable=False),
        sa.Column("end_at", TZ, nullable=False),
        sa.Column("break_start", TZ),
        sa.Column("break_end", TZ),
        sa.Column("houses", sa.SmallInteger(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("travel_s", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=False),
        sa.Column("line", Geometry("LINESTRING", srid=4490, spatial_index=False)),
    )
    op.create_table(
        "field_route_stop",
        sa.Column(
            "plan_id", sa.BigInteger(), sa.ForeignKey("field_route_plan.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("house_id", sa.BigInteger(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("vehicle", sa.SmallInteger(), nullable=False),
        sa.Column("seq", sa.SmallInteger(), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("arrival", TZ, nullable=False),
        sa.Column("service_start", TZ, nullable=False),
        sa.Column("departure", TZ, nullable=False),
        sa.Column("travel_s", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=False),
    )
    op.create_index("ix_field_route_stop_day", "field_route_stop", ["plan_id", "day", "vehicle", "seq"])
    op.create_table(
        "field_travel_matrix",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "firm_id", sa.BigInteger(), sa.ForeignKey("field_firm.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_by_account_id", sa.BigInteger(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("uploaded_at", TZ, server_default=_now(), nullable=False),
    )
    op.create_table(
        "field_travel_matrix_entry",
        sa.Column(
            "matrix_id", sa.BigInteger(), sa.ForeignKey("field_travel_matrix.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("from_key", sa.Text(), primary_key=True),
        sa.Column("to_key", sa.Text(), primary_key=True),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Integer()),
    )
    # The groups of the plans already stored become firms (new plans get theirs when they are created).
    op.execute(
        """
        INSERT INTO field_firm (plan_id, group_name, name)
        SELECT p.id, g ->> 'name', COALESCE(NULLIF(g ->> 'firm', ''), g ->> 'name')
        FROM sampling_plan AS p, jsonb_array_elements(COALESCE(p.spec -> 'groups', '[]'::jsonb)) AS g
        ON CONFLICT (plan_id, group_name) DO NOTHING
        """
    )


def downgrade() -> None:
    for table in (
        "field_travel_matrix_entry", "field_travel_matrix", "field_route_stop", "field_route_day",
        "field_route_plan", "field_assignment", "field_base", "field_team_member", "field_team", "field_firm",
    ):  # fmt: skip
        op.drop_table(table)
