"""SQL kept in ``service/sql/*.sql``, loaded once by name."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from sqlalchemy import TextClause, text

# A statement ends with a semicolon at the end of a line (our files never put one inside a literal).
_END = re.compile(r";\s*$", re.MULTILINE)


def _source(name: str) -> str:
    return files("service").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


@cache
def sql(name: str) -> TextClause:
    """The single statement in ``service/sql/<name>.sql``."""
    return text(_source(name))


@cache
def script(name: str) -> tuple[TextClause, ...]:
    """The statements of ``service/sql/<name>.sql``, in order (run them in one transaction)."""
    parts = [p.strip() for p in _END.split(_source(name))]
    return tuple(text(p) for p in parts if p and not all(line.startswith("--") for line in p.splitlines()))
