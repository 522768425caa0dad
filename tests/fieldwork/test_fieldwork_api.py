"""The field-work API on the field world (tests/fieldwork/conftest.py): teams, assignment, plans, scope."""

from __future__ import annotations


def test_world_has_planned_teams(field):
    r = field.get("lead", f"/api/v1/field/firms/{field.world['firms']['第一组']}/overview")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["houses_assigned"] == 40
    assert body["houses_planned"] == 40, body["unscheduled"]
    assert body["synthetic"] is True
