"""The app's own routes, as the route-generated tests walk them."""

from __future__ import annotations

from fastapi.routing import APIRoute

from service.core.app import create_app


def app_routes() -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) of every API route of the app, as it matches requests."""
    out = []
    for item in create_app().routes:
        contexts = item.effective_route_contexts() if hasattr(item, "effective_route_contexts") else [item]
        for context in contexts:
            route, path = getattr(context, "original_route", context), getattr(context, "path", None)
            if isinstance(route, APIRoute):
                out += [(m, path, route) for m in sorted(route.methods)]
    return out


def declared(dependant) -> list:
    """Every dependency callable of a route that declares a permission (recursively)."""
    found = []
    for dep in dependant.dependencies:
        if hasattr(dep.call, "permission"):
            found.append(dep.call)
        found += declared(dep)
    return found
