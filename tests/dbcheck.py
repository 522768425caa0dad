"""Small helpers for tests that look into the database."""

from __future__ import annotations

from sqlalchemy import text

TABLES = (
    "house",
    "hazard_record",
    "sensitive_site",
    "house_proximity",
    "import_batch",
    "dataset",
    "division",
)


def digest(engine) -> dict[str, str]:
    """A fingerprint of every table an import may touch: equal digests, unchanged database."""
    with engine.connect() as conn:
        return {
            t: conn.execute(
                text(f"SELECT md5(COALESCE(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {t} AS x")
            ).scalar()
            for t in TABLES
        }


def count(engine, sql: str, **params) -> int:
    """The single number a query returns."""
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()
