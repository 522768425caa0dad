"""Settings, grouped by concern, read from the environment (prefix ``SPOTCHECK_``; ``DATABASE_URL`` too).

No setting has a secret default: the embedded database generates its own password, and an external
database comes with its URL.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, Request
from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_embedded_root() -> Path:
    """Where the embedded cluster lives when no directory is configured.

    As root the cluster is run by the ``postgres`` user, which must be able to traverse every parent
    directory: a checkout under /root (mode 700) cannot hold it, so the default is under /var/lib. Each
    checkout gets its own cluster, keyed by its path, so two clones never share data by accident.
    """
    key = hashlib.sha256(str(PROJECT_ROOT).encode()).hexdigest()[:10]
    if os.geteuid() == 0:
        base = Path("/var/lib/spotcheck")
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "spotcheck"
    return base / f"{PROJECT_ROOT.name}-{key}"


class DatabaseSettings(BaseSettings):
    """Which PostGIS to use: an external server (``DATABASE_URL``) or the embedded cluster."""

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_DB_", extra="ignore", populate_by_name=True)

    url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "SPOTCHECK_DB_URL"),
        description="SQLAlchemy URL of an external PostGIS; when unset the embedded cluster is used.",
    )
    app_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL the running service connects with (SPOTCHECK_DB_APP_URL): the role "
        "spotcheck_app, which owns nothing (migration 0011). Migrations and the CLI use DATABASE_URL, the "
        "owner. Required in production; the embedded cluster makes its own.",
    )
    data_dir: Path = Field(default_factory=default_embedded_root, description="Embedded cluster root.")
    name: str = Field(default="spotcheck", description="Database name inside the embedded cluster.")
    pg_bin: Path | None = Field(default=None, description="PostgreSQL bin directory (auto-detected).")
    pool_size: int = 5

    @property
    def embedded(self) -> bool:
        """Whether the service manages its own cluster."""
        return self.url is None


class ServerSettings(BaseSettings):
    """Where the HTTP service listens."""

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    # One process: two measured worse (a ~40 ms floor per tile on keep-alive connections, bench_tiles.py).
    workers: int = Field(default=1, ge=1, le=16, description="Server processes")
    # Behind a reverse proxy every request comes from the proxy: only the proxies named here are believed
    # when they say who the client is (X-Forwarded-For, X-Forwarded-Proto), so that per-address limits (logins,
    # a resident's questionnaire) and the audit trail see the real client, and nobody else can forge it.
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies trusted for X-Forwarded-For/-Proto: addresses or networks, comma-separated",
    )


class RadiusSettings(BaseSettings):
    """Radius in metres around each kind of sensitive site within which a house counts as near it.

    No national rule sets a distance (domain.md); the defaults are those of ``geo.proximity``.
    """

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_RADIUS_", extra="ignore")

    college: float = Field(default_factory=lambda: _default_radius("college"), gt=0, le=5000)
    school: float = Field(default_factory=lambda: _default_radius("school"), gt=0, le=5000)
    kindergarten: float = Field(default_factory=lambda: _default_radius("kindergarten"), gt=0, le=5000)
    hospital: float = Field(default_factory=lambda: _default_radius("hospital"), gt=0, le=5000)

    def as_dict(self) -> dict[str, float]:
        """Radius per site kind code."""
        return self.model_dump()


def _default_radius(kind: str) -> float:
    from geo.enums import SiteKind
    from geo.proximity import DEFAULT_RADII_M

    return float(DEFAULT_RADII_M[SiteKind(kind)])


class DemoSettings(BaseSettings):
    """The synthetic demo frame that ``spotcheck serve`` loads into an empty database."""

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_DEMO_", extra="ignore")

    enabled: bool = True
    houses: int = Field(default=100_000, ge=1_000, le=2_000_000)
    seed: int = 20241021
    spotcheck: bool = Field(default=True, description="Also build the demo spot check: draw, teams, inspections")


class MapSettings(BaseSettings):
    """Basemaps. None by default: in an office without internet the boundaries are the basemap, and no
    page may request anything outside the service unless a basemap is switched on here."""

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_MAP_", extra="ignore")

    tianditu_key: str | None = Field(default=None, description="天地图 key; enables the Tianditu basemap")
    osm_enabled: bool = Field(default=False, description="Offer OpenStreetMap tiles (needs internet)")


class FieldSettings(BaseSettings):
    """Field work: where travel times come from, how hard the route planner searches, position checks."""

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_FIELD_", extra="ignore")

    matrix_provider: Literal["auto", "road", "geodesic"] = Field(
        default="auto",
        description="auto: an imported road network (pgRouting) where one covers the team's units, else "
        "geodesic distance × detour factor; a supplied matrix file is chosen per plan (docs/fieldwork.md)",
    )
    exploration: int = Field(default=1, ge=0, le=5, description="VROOM's exploration level (0-5); 1 meets the 1 s budget of bench/bench_field.py")
    solver_threads: int = Field(default=2, ge=1, le=32)


class InspectionSettings(BaseSettings):
    """The on-site inspection: the position check and the photos."""

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_INSPECTION_", extra="ignore")

    position_radius_m: float = Field(
        default=200, gt=0, le=50_000,
        description="A position (form opened or sent, photo GPS) farther than this from the house is flagged",
    )  # fmt: skip
    photo_max_bytes: int = Field(default=8 * 1024 * 1024, ge=10_000, description="Largest photo (resized on the phone)")
    photo_max_pixels: int = Field(default=40_000_000, ge=10_000, description="Largest photo in pixels")
    photos_per_inspection: int = Field(default=30, ge=1, le=200)


class SecuritySettings(BaseSettings):
    """Who may reach the service and how hard it is to abuse: hosts, sessions, logins, uploads, rates."""

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_SECURITY_", extra="ignore")

    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "[::1]"],
        description="Host header values the service answers (others get 400); add the deployed name",
    )
    https: bool = Field(default=False, description="Served over HTTPS (behind a proxy): cookies get Secure")
    session_hours: float = Field(
        default=10, gt=0, le=24 * 14, description="Idle-independent session lifetime"
    )
    session_idle_minutes: float = Field(default=120, gt=0, description="A session unused this long expires")
    min_password_length: int = Field(default=10, ge=8, le=128)
    login_max_failures: int = Field(default=5, ge=1, le=100, description="Failures before a lockout")
    lockout_minutes: float = Field(default=15, gt=0, description="How long an account stays locked")
    login_rate_per_minute: int = Field(default=10, ge=1, description="Login attempts per client address")
    expensive_rate_per_minute: int = Field(default=20, ge=1, description="Coverage/export calls per account")
    upload_max_bytes: int = Field(default=256 * 1024 * 1024, ge=1024, description="Largest uploaded file")
    zip_max_total_bytes: int = Field(default=1024 * 1024 * 1024, ge=1024, description="Unpacked zip total")
    zip_max_ratio: float = Field(default=200, gt=1, description="Largest unpacked/packed ratio of a member")
    xlsx_max_cells: int = Field(default=60_000_000, ge=1000, description="Cells an xlsx may hold")
    xlsx_max_shared_strings: int = Field(default=5_000_000, ge=1000, description="Shared strings of an xlsx")


class Settings(BaseSettings):
    """All settings of the service."""

    model_config = SettingsConfigDict(env_prefix="SPOTCHECK_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    radius: RadiusSettings = Field(default_factory=RadiusSettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)
    map: MapSettings = Field(default_factory=MapSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    field: FieldSettings = Field(default_factory=FieldSettings)
    inspection: InspectionSettings = Field(default_factory=InspectionSettings)

    @model_validator(mode="after")
    def _production_needs_external_database(self) -> Settings:
        # The embedded cluster is a development convenience with a local password file; a deployment
        # must name its database explicitly (docker-compose.yml does).
        if self.environment == "production" and self.db.embedded:
            raise ValueError("SPOTCHECK_ENVIRONMENT=production requires DATABASE_URL")
        if self.environment == "production":
            # The service must not run as the owner of the schema, who can disable the freeze triggers.
            if not self.db.app_url:
                raise ValueError(
                    "SPOTCHECK_ENVIRONMENT=production requires SPOTCHECK_DB_APP_URL (the service's own role, "
                    "spotcheck_app, beside DATABASE_URL's owner)"
                )
            if _url_user(self.db.app_url) == _url_user(self.db.url):
                raise ValueError("SPOTCHECK_DB_APP_URL must name another user than DATABASE_URL (the owner)")
        return self


def _url_user(url: str | None) -> str | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).username if url else None
    except ArgumentError:
        raise ValueError("DATABASE_URL or SPOTCHECK_DB_APP_URL is not a database URL") from None  # no secret echoed


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


def app_settings(request: Request) -> Settings:
    """The settings the running app was made with (``app.state.settings``): routes take them from here."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
