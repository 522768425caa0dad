"""SQL kept in ``.sql`` files beside the code that runs it: ``service/<package>/sql/<name>.sql``.

The rule for the whole service: a statement of more than one line lives in a ``.sql`` file of its
capability's package, loaded once by name; one-line statements may stay inline. Values are always bind
parameters.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from sqlalchemy import TextClause, text

# A statement ends with a semicolon at the end of a line (our files never put one inside a literal).
_END = re.compile(r";\s*$", re.MULTILINE)


class SqlFiles:
    """The ``sql/`` folder of one package: ``SqlFiles("service.frame").one("houses")``."""

    def __init__(self, package: str) -> None:
        self.package = package

    def source(self, name: str) -> str:
        """The text of ``<name>.sql``."""
        return _source(self.package, name)

    def one(self, name: str) -> TextClause:
        """The single statement in ``<name>.sql``."""
        return _one(self.package, name)

    def script(self, name: str) -> tuple[TextClause, ...]:
        """The statements of ``<name>.sql``, in order (run them in one transaction)."""
        return _script(self.package, name)


@cache
def _source(package: str, name: str) -> str:
    return files(package).joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


@cache
def _one(package: str, name: str) -> TextClause:
    return text(_source(package, name))


@cache
def _script(package: str, name: str) -> tuple[TextClause, ...]:
    parts = [p.strip() for p in _END.split(_source(package, name))]
    return tuple(text(p) for p in parts if p and not all(line.startswith("--") for line in p.splitlines()))
