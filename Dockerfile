# The service image for deployment beside a PostGIS server (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN pip install --no-cache-dir uv
WORKDIR /app

# Dependencies first (cached layer), then the code; exactly what uv.lock pins.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY geo ./geo
COPY service ./service
COPY boundaries ./boundaries
COPY web ./web
RUN uv sync --frozen --no-dev

RUN useradd --system --uid 10001 spotcheck
USER spotcheck
EXPOSE 8000
# `serve` migrates and loads the boundaries (both idempotent) as DATABASE_URL's user, the owner of the schema,
# then serves as SPOTCHECK_DB_APP_URL's (spotcheck_app, which owns nothing: migration 0011); in production
# (SPOTCHECK_ENVIRONMENT=production) both are required and must name different users (docker-compose.yml).
CMD ["spotcheck", "serve", "--host", "0.0.0.0", "--port", "8000"]
