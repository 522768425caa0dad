"""All routers, gathered in one place."""

from service.routes import datasets, divisions, health, houses, imports, sites, vocabulary, web

ROUTERS = (
    health.router,
    divisions.router,
    houses.router,
    sites.router,
    imports.router,
    datasets.router,
    vocabulary.router,
    web.router,
)
