"""Engine and sessions: one engine per process, made at start-up and disposed at shutdown."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session, sessionmaker

from service.core.embedded_db import EmbeddedPostgres
from service.core.settings import DatabaseSettings

log = logging.getLogger("spotcheck")


def embedded_cluster(settings: DatabaseSettings) -> EmbeddedPostgres:
    """The embedded cluster these settings name."""
    return EmbeddedPostgres(settings.data_dir, pg_bin=settings.pg_bin, database=settings.name)


def database_url(settings: DatabaseSettings, start_embedded: bool = True) -> str | URL:
    """The URL to connect to: ``DATABASE_URL`` as given, or the embedded cluster's (started if asked)."""
    if settings.url:
        return settings.url
    cluster = embedded_cluster(settings)
    if start_embedded:
        return cluster.url(port=cluster.start())  # start() knows the port: no second pg_ctl status
    return cluster.url()


def app_database_url(settings: DatabaseSettings) -> str | URL:
    """The URL the running service connects with: ``SPOTCHECK_DB_APP_URL``, else the embedded cluster's
    ``spotcheck_app`` (started if needed). Migrations and the CLI keep ``database_url`` (the owner).

    With an external ``DATABASE_URL`` and no app URL (development only: production refuses it) the service
    falls back to the owner, who could disable the freeze triggers; a warning says so.
    """
    if settings.app_url:
        return settings.app_url
    if settings.url:
        log.warning("SPOTCHECK_DB_APP_URL is not set: the service connects as the owner of the schema")
        return settings.url
    cluster = embedded_cluster(settings)
    return cluster.app_url(port=cluster.start())


def make_engine(url: str | URL, pool_size: int = 5) -> Engine:
    """An engine with pre-ping, so a restarted database does not surface as a 500."""
    return create_engine(url, pool_size=pool_size, pool_pre_ping=True)


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, from the app's engine."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_engine(request: Request) -> Engine:
    """The app's engine, for work that manages its own transaction (imports)."""
    return request.app.state.engine


EngineDep = Annotated[Engine, Depends(get_engine)]
