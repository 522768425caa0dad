"""What part of Gansu a caller may see: every query takes the caller's scope (``Scope.params``).

A scope is a set of sampling units (county-level codes) or everything. City offices and city leaders cover
their city's units, county offices their unit, a firm the units of its group in a plan (the plan's group list
and the units its draws gave that group). An inspector sees only the houses assigned to their team
(``field_assignment``, in any draw) and the units those houses lie in; an inspector in no team sees no house
and no unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.gansu import PROVINCE_CODE
from service.accounts.roles import Role
from service.core.errors import Forbidden
from service.core.queries import SqlFiles

SQL = SqlFiles("service.accounts")


@dataclass(frozen=True)
class Scope:
    """Everything, or a set of sampling units (and the cities they lie in); with ``team_id`` (an inspector's
    team), only the houses assigned to that team within those units.

    Houses and draw houses are filtered by the units and, for a team, by its assignments; divisions, units
    and sensitive sites by the units only (an inspector still sees the schools of its units).
    """

    everything: bool
    units: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    label: str = "全省"
    team_id: int | None = None

    def covers_unit(self, code: str | None) -> bool:
        """Whether the sampling unit (county-level code) is in scope."""
        return self.everything or (code is not None and code in self.units)

    def covers_city(self, code: str | None) -> bool:
        """Whether any unit of the city is in scope."""
        return self.everything or (code is not None and code in self.cities)

    def params(self) -> dict[str, object]:
        """Bind parameters every scoped SQL statement takes: ``:scope_all``, ``:scope_units``, ``:scope_team``.

        The rule in SQL: ``(CAST(:scope_all AS boolean) OR x.county_code = ANY(CAST(:scope_units AS text[])))``;
        a statement returning or counting houses (or a draw's houses) adds ``(CAST(:scope_team AS bigint) IS
        NULL OR EXISTS (SELECT 1 FROM field_assignment AS fa WHERE fa.house_id = h.id AND fa.team_id =
        CAST(:scope_team AS bigint)))`` (for a draw's houses, ``fa.draw_id`` matches the draw too).
        """
        return {"scope_all": self.everything, "scope_units": sorted(self.units), "scope_team": self.team_id}

    @property
    def key(self) -> tuple:
        """A hashable identity, for caches keyed by scope (tiles)."""
        return ("all",) if self.everything else (self.team_id, tuple(sorted(self.units)))

    def require_unit(self, code: str) -> None:
        """Refuse a unit outside the scope (403)."""
        if not self.covers_unit(code):
            raise Forbidden(
                f"单元 {code} 不在您的辖区（{self.label}）内。",
                f"Unit {code} is outside your scope ({self.label}).",
            )

    def require_division(self, session: Session, code: str) -> None:
        """Refuse a division (province, city, county or township) outside the scope (403)."""
        if self.everything:
            return
        row = session.execute(
            text("SELECT level, parent_code FROM division WHERE code = :c"), {"c": code}
        ).one_or_none()
        if row is not None or code == PROVINCE_CODE:
            self.check_division(code, *(row or ("province", None)))
        # an unknown code: the route's own lookup answers 404

    def check_division(self, code: str, level: str, parent: str | None) -> None:
        """Refuse a division of ``level`` (with its ``parent``) outside the scope (403); no database needed."""
        if self.everything:
            return
        if level == "province":
            raise Forbidden("您的账户不能查看全省数据。", "Your account cannot see the whole province.")
        ok = (
            self.covers_city(code) if level == "city"
            else self.covers_unit(parent) if level == "township"
            else self.covers_unit(code)
        )  # fmt: skip
        if not ok:
            raise Forbidden(
                f"区划 {code} 不在您的辖区（{self.label}）内。",
                f"Division {code} is outside your scope ({self.label}).",
            )


EVERYTHING = Scope(everything=True)


def _units_of_city(session: Session, city: str) -> frozenset[str]:
    rows = session.execute(text("SELECT code FROM sampling_unit WHERE city_code = :c"), {"c": city}).scalars()
    return frozenset(rows)


def _units_of_group(session: Session, plan_id: int, group: str) -> frozenset[str]:
    spec = session.execute(text("SELECT spec FROM sampling_plan WHERE id = :p"), {"p": plan_id}).scalar()
    listed = {u for g in (spec or {}).get("groups", []) if g.get("name") == group for u in g.get("units", [])}
    drawn = session.execute(SQL.one("group_drawn_units"), {"p": plan_id, "g": group}).scalars()  # fmt: skip
    return frozenset(listed | set(drawn))


def _name(session: Session, code: str) -> str:
    return session.execute(text("SELECT name FROM division WHERE code = :c"), {"c": code}).scalar() or code


def _team(session: Session, account_id: int) -> tuple[int | None, frozenset[str], str]:
    """An inspector's team, the units of the houses assigned to it and the scope's label (one query)."""
    row = session.execute(SQL.one("inspector_team"), {"a": account_id}).one_or_none()
    if row is None:
        return None, frozenset(), "未加入检查组"
    return row.id, frozenset(row.units), f"检查组 {row.name}"


def resolve_scope(
    session: Session, role: Role, scope_code: str | None, plan_id: int | None, group: str | None,
    *, account_id: int,
) -> Scope:  # fmt: skip
    """The scope of the account ``account_id`` with this role and these scope columns."""
    if role is Role.PROVINCE or (role is Role.LEADER and scope_code in (None, PROVINCE_CODE)):
        return EVERYTHING
    team = None
    if role is Role.INSPECTOR:
        team, units, label = _team(session, account_id)
        if not units:  # in no team, or a team with no house yet: nothing to see
            return Scope(everything=False, label=label, team_id=team)
    elif role is Role.FIRM:
        units = _units_of_group(session, int(plan_id or 0), group or "")
        label = f"方案 {plan_id} {group}"
    elif role is Role.COUNTY:
        units, label = frozenset({scope_code or ""}), _name(session, scope_code or "")
    else:  # a city office or a city's leader
        units, label = _units_of_city(session, scope_code or ""), _name(session, scope_code or "")
    cities = frozenset(
        session.execute(
            text("SELECT DISTINCT city_code FROM sampling_unit WHERE code = ANY(CAST(:u AS text[]))"),
            {"u": sorted(units)},
        ).scalars()
    )
    return Scope(everything=False, units=units, cities=cities, label=label, team_id=team)
