"""The FastAPI application: wiring only (engine life cycle, middleware, routers, the error map)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import sessionmaker

from service.accounts.deps import AnyUser
from service.core import error_handlers
from service.core.db import app_database_url, make_engine
from service.core.docs import install_docs
from service.core.headers import install_headers
from service.core.requests import RequestIdAndNul
from service.core.settings import Settings, get_settings
from service.pages.routes import static

DESCRIPTION = """
甘肃省自建房安全专项整治抽查评估服务 — spot-check evaluation of hazardous self-built houses in Gansu.

All coordinates are CGCS2000 lon/lat (EPSG:4490), equal to WGS84 at map scale. GeoJSON responses are
`application/geo+json`. Errors are JSON `{code, message (zh-CN), message_en}`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the engine is made at start-up and disposed at shutdown."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # As spotcheck_app, which owns nothing (migration 0011); migrations and the CLI use the owner.
        engine = make_engine(app_database_url(settings.db), pool_size=settings.db.pool_size)
        app.state.engine = engine
        app.state.sessionmaker = sessionmaker(engine, expire_on_commit=False)
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="spotcheck 自建房抽查评估",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    error_handlers.install(app)
    # Middleware added last runs first: host check and security headers wrap everything, request ids too.
    app.add_middleware(RequestIdAndNul)
    install_headers(app, settings)

    for router in routers():
        app.include_router(router)
    install_docs(app, dependencies=[AnyUser])
    app.mount("/web", static, name="web")
    return app


def routers() -> tuple:
    """Every capability's router, in the order their paths are matched."""
    from service.accounts import routes as accounts
    from service.audit import routes as audit
    from service.core import routes as core
    from service.divisions import routes as divisions
    from service.draws import plan_routes
    from service.draws import routes as draws
    from service.evaluation import routes as evaluation
    from service.fieldwork import routes as fieldwork
    from service.followup import routes as followup
    from service.frame import routes_houses, routes_imports, routes_sites
    from service.inspections import routes as inspections
    from service.maps import routes as maps
    from service.pages import routes as pages
    from service.roads import routes as roads

    return (
        core.router, accounts.router, audit.router, divisions.router, routes_houses.router, routes_sites.router, routes_imports.router,
        draws.router, plan_routes.router, maps.router, roads.router, fieldwork.router, inspections.router, followup.router, evaluation.router, pages.router,
    )  # fmt: skip
