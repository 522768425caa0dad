"""The ASGI application for servers that import it by name (uvicorn workers, the Dockerfile)."""

from service.core.app import create_app

app = create_app()
