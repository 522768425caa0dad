"""All routers, gathered in one place."""

from service.routes import datasets, divisions, health, vocabulary, web

ROUTERS = (health.router, divisions.router, datasets.router, vocabulary.router, web.router)
