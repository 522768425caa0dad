"""The start page's tasks (service.pages.tasks): every link a role is shown opens for that role (its route
admits the role, so no link ends in a refusal), and only the provincial administrator is sent to the API
itself (the audit trail, the import endpoints); every other role's tasks are pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from service.accounts.roles import Role, allowed
from service.pages.tasks import TASKS
from tests.routes import app_routes, declared

GETS = {path: route for method, path, route in app_routes() if method == "GET"}


@pytest.mark.parametrize("role", list(Role))
def test_every_task_of_a_role_opens_for_it(role):
    for task in TASKS[role]:
        path = urlsplit(task.href).path
        if path == "/docs":
            assert role is Role.PROVINCE, f"{role}: {task.title} links to the API documentation"
            continue
        assert path in GETS, f"{role}: {task.title} links to {task.href}, which no route serves"
        permissions = [d.permission for d in declared(GETS[path].dependant)]
        assert permissions and all(allowed(role, p) for p in permissions), (
            f"{role}: {task.title} ({task.href}) needs {permissions}"
        )
        if path.startswith("/api/"):
            assert role is Role.PROVINCE, f"{role}: {task.title} links to the raw API ({task.href})"
