"""SQL kept in ``service/sql/*.sql``, loaded once by name."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from sqlalchemy import TextClause, text


@cache
def sql(name: str) -> TextClause:
    """The statement in ``service/sql/<name>.sql``."""
    return text(files("service").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8"))
