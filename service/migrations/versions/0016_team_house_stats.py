"""The map's house figures within a scope, defined once: ``scoped_house_stats(p_team)``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

The choropleths and key figures (service/maps/sql/map_divisions.sql, map_summary.sql) count from the
pre-counted house_stats view (0006). That view counts every house of a unit, so for an inspector's scope
(a team) it would reveal the other teams' houses; the figures are then counted from the houses assigned to
the team (a few hundred at most), into the same columns. ``scoped_house_stats(p_team)`` is house_stats for
``p_team`` NULL and those rows for a team; it is a STABLE, non-strict SQL function, which PostgreSQL inlines
into the calling query, so the branch not taken is planned away as before.
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION scoped_house_stats(p_team bigint) RETURNS SETOF house_stats
            LANGUAGE sql STABLE PARALLEL SAFE
        AS $$
            SELECT * FROM house_stats WHERE p_team IS NULL
            UNION ALL
            SELECT c.parent_code, h.county_code, COALESCE(h.township_code, ''), r.id IS NOT NULL,
                   r.rectification_status, r.hazard_grade, COALESCE(r.closed_out, false), r.rectification_deadline,
                   r.id IS NOT NULL AND EXISTS (SELECT 1 FROM house_proximity AS p
                                                WHERE p.house_id = h.id AND is_school_kind(p.site_kind)),
                   h.synthetic, 1
            FROM house AS h
            JOIN division AS c ON c.code = h.county_code
            LEFT JOIN hazard_record AS r ON r.house_id = h.id AND r.closed_on IS NULL
            WHERE p_team IS NOT NULL
              AND h.id IN (SELECT fa.house_id FROM field_assignment AS fa WHERE fa.team_id = p_team)
        $$;
        GRANT EXECUTE ON FUNCTION scoped_house_stats(bigint) TO PUBLIC;
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION scoped_house_stats(bigint)")
