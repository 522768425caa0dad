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

from service import migrate  # noqa: E402
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
