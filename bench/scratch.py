"""A scratch PostGIS for benchmarks: an embedded cluster in /tmp, migrated (and loaded with the
boundaries), removed afterwards. Benchmarks never touch the service's own database."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, create_engine  # noqa: E402

from service.core import migrate  # noqa: E402
from service.core.embedded_db import EmbeddedPostgres  # noqa: E402
from service.divisions.boundary_load import load_boundaries  # noqa: E402


@contextmanager
def scratch_database(boundaries: bool = True) -> Iterator[tuple[EmbeddedPostgres, Engine, Path]]:
    """(cluster, engine, working directory) of a fresh database at the schema's head."""
    root = Path(tempfile.mkdtemp(prefix="spotcheck-bench-", dir="/tmp"))
    root.chmod(0o755)  # the postgres user must enter it
    cluster = EmbeddedPostgres(root / "db")
    try:
        cluster.start()
        engine = create_engine(cluster.url())
        migrate.upgrade(engine)
        if boundaries:
            load_boundaries(engine)
        yield cluster, engine, root
        engine.dispose()
    finally:
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)


def bench_account(engine) -> dict:
    """A provincial office's account for a benchmark: its id, a known password and an API token."""
    from sqlalchemy.orm import Session

    from service.accounts import service as accounts
    from service.accounts.passwords import hash_password
    from service.accounts.roles import Role

    password = "Bench-Spotcheck-2024!"
    with Session(engine) as session:
        new = accounts.NewAccount(username="bench", name="基准测试", organisation="基准", role=Role.PROVINCE)
        account, _ = accounts.create_account(session, new)
        account.password_hash, account.must_change_password = hash_password(password), False
        _, token = accounts.create_token(session, account, "bench")
        session.commit()
        return {"id": account.id, "username": "bench", "password": password, "token": token}
