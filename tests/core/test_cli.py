"""The spotcheck command: documented subcommands, and the embedded database managed through it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from service.cli import main
from tests.conftest import scratch_dir

SUBCOMMANDS = [
    ["serve"], ["prepare"], ["db"], ["db", "start"], ["db", "stop"], ["db", "status"], ["db", "url"],
    ["db", "migrate"], ["db", "downgrade"], ["boundaries"], ["boundaries", "load"], ["import"], ["demo"],
    ["demo", "load"], ["proximity"], ["proximity", "refresh"], ["plan"], ["plan", "create"], ["plan", "list"],
    ["draw"], ["draw", "units"], ["draw", "houses"], ["draw", "publish"], ["draw", "verify"], ["draw", "show"],
    ["draw", "export"], ["draw", "coverage"], ["draw", "replace"], ["map"], ["map", "export"],
]  # fmt: skip


def spotcheck(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300,
    )  # fmt: skip


def test_console_script_help():
    top = subprocess.run(
        [str(Path(sys.executable).parent / "spotcheck"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert top.returncode == 0
    for name in ["serve", "prepare", "db", "boundaries", "import", "demo", "proximity", "plan", "draw"]:
        assert name in top.stdout


@pytest.mark.parametrize("args", SUBCOMMANDS, ids=" ".join)
def test_help_documents_every_subcommand(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: spotcheck " + " ".join(args))
    assert len(out.splitlines()) >= 3


def test_db_life_cycle_and_prepare_through_the_command():
    root = scratch_dir("spotcheck-cli-")
    env = {"SPOTCHECK_DB_DATA_DIR": str(root / "db"), "SPOTCHECK_DEMO_HOUSES": "2000"}
    env_without_url = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "service.cli", *a],
        capture_output=True,
        text=True,
        env=env_without_url,
        timeout=300,
    )
    try:
        assert run("db", "status").returncode == 3
        started = run("db", "start")
        assert started.returncode == 0, started.stderr
        assert "running on 127.0.0.1" in started.stdout
        prepared = run("prepare")
        assert prepared.returncode == 0, prepared.stderr
        assert "loaded 1506 divisions, 88 sampling units" in prepared.stdout
        assert "demo frame (SYNTHETIC, seed 20241021): 2,000 houses" in prepared.stdout
        again = run("prepare")
        assert "boundaries: current" in again.stdout and "(current)" in again.stdout
        assert "demo frame (SYNTHETIC, seed 20241021): current" in again.stdout
        url = run("db", "url")
        assert url.stdout.startswith("postgresql+psycopg://spotcheck:***@127.0.0.1:")
        assert run("db", "stop").stdout.startswith("stopped")
        assert run("db", "status").returncode == 3
        # Restart: the loaded data is still there.
        run("db", "start")
        assert "boundaries: current" in run("prepare").stdout
    finally:
        run("db", "stop")
        shutil.rmtree(root, ignore_errors=True)


def test_db_commands_refuse_to_manage_an_external_database():
    out = spotcheck("db", "start", env={"DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/x"})
    assert out.returncode == 2
    assert "DATABASE_URL" in out.stderr
