"""The embedded cluster's life cycle: start, status, stop, restart with data kept; clear refusals."""

from __future__ import annotations

import os
import shutil

import psycopg
import pytest

from service.core.embedded_db import EmbeddedPostgres
from service.core.errors import DatabaseUnavailable
from tests.conftest import scratch_dir


@pytest.fixture
def cluster():
    root = scratch_dir("spotcheck-lifecycle-")
    c = EmbeddedPostgres(root / "db")
    yield c
    c.destroy()
    shutil.rmtree(root, ignore_errors=True)


def _connect(c: EmbeddedPostgres):
    url = c.url()
    return psycopg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, dbname=url.database,
        autocommit=True,
    )  # fmt: skip


def test_start_status_stop_restart_keeps_data(cluster):
    assert cluster.status().initialized is False
    port = cluster.start()
    status = cluster.status()
    assert status.running and status.port == port
    assert "running on 127.0.0.1" in status.describe()
    with _connect(cluster) as conn:
        assert conn.execute("SELECT postgis_lib_version()").fetchone()[0].startswith("3.")
        conn.execute("CREATE TABLE kept (v text)")
        conn.execute("INSERT INTO kept VALUES ('持久')")

    assert cluster.start() == port  # idempotent while running
    assert cluster.stop() is True
    assert cluster.status().running is False
    assert cluster.stop() is False  # idempotent while stopped

    cluster.start()
    with _connect(cluster) as conn:
        assert conn.execute("SELECT v FROM kept").fetchone()[0] == "持久"


def test_password_is_generated_and_private(cluster):
    cluster.start()
    assert len(cluster.password()) >= 24
    assert oct(cluster.password_file.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(psycopg.OperationalError):
        url = cluster.url()
        psycopg.connect(host=url.host, port=url.port, user=url.username, password="wrong", dbname="postgres")


def test_busy_remembered_port_moves_to_a_free_one(cluster):
    import socket

    port = cluster.start()
    cluster.stop()
    with socket.socket() as squatter:
        # The cluster's own start-up login check may leave the port in TIME_WAIT; a listening squatter still
        # holds it against the server (Linux refuses a second listener without SO_REUSEPORT).
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        new_port = cluster.start()
    assert new_port != port and cluster.status().port == new_port


def test_refuses_a_directory_under_a_mode_700_parent():
    root = scratch_dir("spotcheck-private-")
    try:
        private = root / "private"
        private.mkdir(mode=0o700)
        c = EmbeddedPostgres(private / "db")
        if os.geteuid() == 0:
            with pytest.raises(DatabaseUnavailable, match="SPOTCHECK_DB_DATA_DIR"):
                c.init()
        else:  # the invoking user runs the server and owns the directory: nothing to refuse
            c.init()
            assert c.initialized
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_url_of_a_stopped_cluster_says_how_to_start_it(cluster):
    cluster.init()
    with pytest.raises(DatabaseUnavailable, match="spotcheck db start"):
        cluster.url()
