"""All routers, gathered in one place."""

from service.routes import divisions, health, vocabulary

ROUTERS = (health.router, divisions.router, vocabulary.router)
