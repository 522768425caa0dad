"""A private PostgreSQL + PostGIS cluster managed by the ``spotcheck`` command.

Used when no ``DATABASE_URL`` is given. The cluster lives in its own directory (``pgdata/`` for the data,
``run/`` for the Unix socket, ``password`` for the generated superuser password, ``app-password`` for the
service role's, both mode 600, ``postgres.log``), listens on 127.0.0.1 on a free port, and is started and
stopped with ``pg_ctl``. The CLI, migrations and demo loads connect as the superuser; the running service
connects as ``spotcheck_app`` (``app_url``), which owns nothing (migration 0011 grants what it may do). PostgreSQL refuses to run as root,
so as root every server command runs as the ``postgres`` system user through ``runuser``.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import socket
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from service.core.errors import DatabaseUnavailable

SUPERUSER = "spotcheck"
APP_ROLE = "spotcheck_app"  # the service's role (migration 0011 grants it what it may do)
SERVER_OS_USER = "postgres"

# Server settings for a machine like ours (2 cores, 24 GiB): the defaults (128 MB of shared buffers, a
# checkpoint every 1 GB of WAL) make a million-house import spend its time evicting pages and
# checkpointing. docker-compose.yml passes the same settings to the deployed server.
SERVER_SETTINGS = {
    "shared_buffers": "1GB",
    "wal_buffers": "64MB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "15min",
    "work_mem": "64MB",
    "maintenance_work_mem": "512MB",
    "effective_cache_size": "8GB",
    # JIT compiled for a second before each map-view refresh that then ran for one (bench/bench_frame.py);
    # nothing here runs long enough to repay it.
    "jit": "off",
    # A new cluster would write 16 MB of zeros for each WAL file before the first big import fills it.
    "wal_init_zero": "off",
}


@dataclass(frozen=True)
class ClusterStatus:
    """What ``spotcheck db status`` reports."""

    initialized: bool
    running: bool
    port: int | None
    data_dir: Path

    def describe(self) -> str:
        """One human line."""
        if not self.initialized:
            return f"not initialised ({self.data_dir})"
        if not self.running:
            return f"stopped ({self.data_dir})"
        return f"running on 127.0.0.1:{self.port} ({self.data_dir})"


def find_pg_bin(explicit: Path | None = None) -> Path:
    """The bin directory of the newest installed PostgreSQL server."""
    if explicit:
        return explicit
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not candidates:
        found = shutil.which("initdb")
        if found:
            return Path(found).parent
        raise DatabaseUnavailable(
            "PostgreSQL server binaries not found. Install them with "
            "`apt-get install -y postgresql-15-postgis-3` (make setup does this)."
        )
    return candidates[-1].parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class EmbeddedPostgres:
    """Life cycle of one private cluster rooted at ``root``."""

    def __init__(self, root: Path, pg_bin: Path | None = None, database: str = "spotcheck") -> None:
        self.root = Path(root).resolve()
        self.database = database
        self._pg_bin = pg_bin

    # Layout -------------------------------------------------------------------------------------------
    @property
    def pgdata(self) -> Path:
        """The cluster's data directory."""
        return self.root / "pgdata"

    @property
    def socket_dir(self) -> Path:
        """Directory of the server's Unix socket (always passed explicitly with -k)."""
        return self.root / "run"

    @property
    def password_file(self) -> Path:
        """Generated superuser password, readable by the invoking user only."""
        return self.root / "password"

    @property
    def app_password_file(self) -> Path:
        """Generated password of the service's role, readable by the invoking user only."""
        return self.root / "app-password"

    @property
    def log_file(self) -> Path:
        """Server log."""
        return self.root / "postgres.log"

    @property
    def pg_bin(self) -> Path:
        """PostgreSQL bin directory."""
        if self._pg_bin is None:
            self._pg_bin = find_pg_bin()
        return self._pg_bin

    # Helpers --------------------------------------------------------------------------------------------
    @staticmethod
    def _as_root() -> bool:
        return os.geteuid() == 0

    def _server_cmd(self, *args: str) -> list[str]:
        if self._as_root():
            return ["runuser", "-u", SERVER_OS_USER, "--", *args]
        return list(args)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(self._server_cmd(*args), capture_output=True, text=True, cwd="/")
        if check and proc.returncode != 0:
            raise DatabaseUnavailable(
                f"`{' '.join(args)}` failed ({proc.returncode}): {(proc.stderr or proc.stdout).strip()}"
                + (f"\nSee the server log: {self.log_file}" if self.log_file.exists() else "")
            )
        return proc

    def _check_traversable(self) -> None:
        """As root, the postgres user must reach the directory: no mode-700 parent on the way."""
        if not self._as_root():
            return
        for parent in [self.root, *self.root.parents]:
            if parent.exists() and not parent.stat().st_mode & stat.S_IXOTH:
                raise DatabaseUnavailable(
                    f"The embedded database directory {self.root} sits under {parent}, which other users "
                    "cannot enter (mode 700), so the postgres user cannot reach it. Set "
                    "SPOTCHECK_DB_DATA_DIR to a directory outside it, e.g. /var/lib/spotcheck/db."
                )

    def _check_postgis_installed(self) -> None:
        """PostGIS and pgRouting (migration 0015 creates both extensions) must be installed for this server."""
        version = self.pg_bin.parent.name
        for extension, package in (("postgis", f"postgresql-{version}-postgis-3"),
                                   ("pgrouting", f"postgresql-{version}-pgrouting")):  # fmt: skip
            control = Path(f"/usr/share/postgresql/{version}/extension/{extension}.control")
            if not control.exists():
                raise DatabaseUnavailable(
                    f"{extension} is not installed for PostgreSQL {version}. Install it with "
                    f"`apt-get install -y {package}` (make setup does this)."
                )

    @property
    def initialized(self) -> bool:
        """Whether initdb has run here."""
        return (self.pgdata / "PG_VERSION").exists()

    def password(self) -> str:
        """The superuser password generated at initialisation."""
        return self.password_file.read_text().strip()

    def app_password(self) -> str:
        """The service role's password, generated (mode 600) the first time it is asked for."""
        try:
            return self.app_password_file.read_text().strip()
        except FileNotFoundError:
            pass
        try:  # created with its mode: never readable by others, not even for a moment
            fd = os.open(self.app_password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            return self.app_password_file.read_text().strip()
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(24) + "\n")
        return self.app_password_file.read_text().strip()

    def running_port(self) -> int | None:
        """Port of the running server, from postmaster.pid (None when stopped)."""
        if not self.initialized:
            return None
        proc = self._run(str(self.pg_bin / "pg_ctl"), "status", "-D", str(self.pgdata), check=False)
        if proc.returncode != 0:
            return None
        # postmaster.pid line 4 is the port (documented layout since PostgreSQL 9.1).
        lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        return int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None

    # Life cycle -----------------------------------------------------------------------------------------
    def init(self) -> None:
        """Create the cluster if it does not exist yet (idempotent)."""
        self._check_traversable()
        self._check_postgis_installed()
        if self.initialized:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        password = secrets.token_urlsafe(24)
        self.password_file.write_text(password + "\n")
        self.password_file.chmod(0o600)
        for d in (self.pgdata, self.socket_dir):
            d.mkdir(exist_ok=True)
        if self._as_root():
            server = pwd.getpwnam(SERVER_OS_USER)
            for d in (self.pgdata, self.socket_dir):
                os.chown(d, server.pw_uid, server.pw_gid)
        self.pgdata.chmod(0o700)
        # initdb reads the password from a file the server user can read; it is removed straight after.
        with tempfile.NamedTemporaryFile("w", dir=self.root, delete=False) as pw:
            pw.write(password + "\n")
        try:
            if self._as_root():
                os.chown(pw.name, pwd.getpwnam(SERVER_OS_USER).pw_uid, -1)
            os.chmod(pw.name, 0o600)
            self._run(
                str(self.pg_bin / "initdb"),
                "-D", str(self.pgdata),
                "-U", SUPERUSER,
                f"--pwfile={pw.name}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            )  # fmt: skip
        finally:
            os.unlink(pw.name)
        # Touch the log so that pg_ctl (as postgres) can append to it.
        self.log_file.touch()
        if self._as_root():
            os.chown(self.log_file, pwd.getpwnam(SERVER_OS_USER).pw_uid, -1)

    def start(self, port: int | None = None) -> int:
        """Initialise if needed, start if stopped, create the database with PostGIS; return the port."""
        self.init()
        running = self.running_port()
        if running is None:
            port = port or self._remembered_port() or _free_port()
            if not _port_is_free(port):
                port = _free_port()
            settings = " ".join(f"-c {k}={v}" for k, v in SERVER_SETTINGS.items())
            options = f"-p {port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 {settings}"
            self._run(
                str(self.pg_bin / "pg_ctl"), "start", "-D", str(self.pgdata),
                "-l", str(self.log_file), "-w", "-t", "60", "-o", options,
            )  # fmt: skip
            (self.root / "port").write_text(f"{port}\n")
            running = port
        self._ensure_database(running)
        self._ensure_app_role(running)
        return running

    def _remembered_port(self) -> int | None:
        path = self.root / "port"
        text = path.read_text().strip() if path.exists() else ""
        return int(text) if re.fullmatch(r"\d+", text) else None

    def stop(self) -> bool:
        """Stop the server if it runs (fast shutdown: sessions are rolled back, data is kept)."""
        if self.running_port() is None:
            return False
        self._run(str(self.pg_bin / "pg_ctl"), "stop", "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "60")
        return True

    def status(self) -> ClusterStatus:
        """Whether the cluster exists and runs, and on which port."""
        port = self.running_port()
        return ClusterStatus(self.initialized, port is not None, port, self.root)

    def destroy(self) -> None:
        """Stop and delete the whole cluster (tests only)."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # Connections ----------------------------------------------------------------------------------------
    def url(self, database: str | None = None, port: int | None = None) -> URL:
        """SQLAlchemy URL of a database in the running cluster."""
        port = port or self.running_port()
        if port is None:
            raise DatabaseUnavailable(
                "The embedded database is not running; start it with `spotcheck db start`."
            )
        return URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            password=self.password(),
            host="127.0.0.1",
            port=port,
            database=database or self.database,
        )

    def app_url(self, database: str | None = None, port: int | None = None) -> URL:
        """SQLAlchemy URL of a database in the running cluster, as the service's role."""
        return self.url(database, port).set(username=APP_ROLE, password=self.app_password())

    def _ensure_app_role(self, port: int) -> None:
        """The service's role can log in with the password of ``app-password``: created (with no power
        beyond logging in; migration 0011 grants the rest) or given LOGIN and that password if needed."""
        import psycopg
        from psycopg import sql

        password = self.app_password()
        if self._can_log_in(port, APP_ROLE, password):
            return
        params = dict(host="127.0.0.1", port=port, user=SUPERUSER, password=self.password())
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            # One process at a time (uvicorn workers start together); the second finds it done.
            conn.execute("SELECT pg_advisory_lock(hashtext('spotcheck.app_role'))")
            if self._can_log_in(port, APP_ROLE, password):
                return
            # Only the SCRAM verifier is sent: the password itself never reaches the server or its log.
            verifier = conn.pgconn.encrypt_password(password.encode(), APP_ROLE.encode(), b"scram-sha-256")
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone()
            statement = (
                "ALTER ROLE {} LOGIN PASSWORD {}" if exists else
                "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT PASSWORD {}"
            )  # fmt: skip
            conn.execute(sql.SQL(statement).format(sql.Identifier(APP_ROLE), sql.Literal(verifier.decode())))

    def _can_log_in(self, port: int, user: str, password: str) -> bool:
        import psycopg

        try:
            with psycopg.connect(host="127.0.0.1", port=port, user=user, password=password, dbname="postgres",
                                 connect_timeout=10):  # fmt: skip
                return True
        except psycopg.OperationalError:
            return False

    def _ensure_database(self, port: int) -> None:
        import psycopg
        from psycopg import sql

        params = dict(host="127.0.0.1", port=port, user=SUPERUSER, password=self.password())
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
        with psycopg.connect(dbname=self.database, autocommit=True, **params) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
