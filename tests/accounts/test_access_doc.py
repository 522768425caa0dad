"""docs/access.md shows the permission table exactly as the code defines it."""

from pathlib import Path

from service.accounts.roles import PERMISSIONS, Permission, Role, access_table_markdown


def test_the_guide_holds_the_generated_table():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "access.md").read_text(encoding="utf-8")
    assert access_table_markdown() in guide


def test_only_the_provincial_office_imports_plans_draws_and_publishes():
    for p in (Permission.IMPORT, Permission.PLAN, Permission.DRAW, Permission.PUBLISH, Permission.VERIFY):
        assert PERMISSIONS[p] == {Role.PROVINCE}
    assert Role.LEADER not in PERMISSIONS[Permission.REPLACE]
    assert Role.CITY not in PERMISSIONS[Permission.DRAWS_READ]
