"""All routers, gathered in one place."""

from service.routes import (
    datasets,
    divisions,
    draws,
    health,
    houses,
    imports,
    maps,
    plans,
    sites,
    vocabulary,
    web,
)

ROUTERS = (
    health.router,
    divisions.router,
    houses.router,
    sites.router,
    imports.router,
    plans.router,
    maps.router,
    draws.router,
    datasets.router,
    vocabulary.router,
    web.router,
)
