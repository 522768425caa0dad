"""The inspections are tried on the field-work world (tests/fieldwork/conftest.py): teams with houses."""

from tests.fieldwork.conftest import field, field_server, field_template, field_url  # noqa: F401
