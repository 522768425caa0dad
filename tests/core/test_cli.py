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
    ["plan", "seed"], ["plan", "seeds"],
    ["draw"], ["draw", "units"], ["draw", "houses"], ["draw", "publish"], ["draw", "verify"], ["draw", "show"],
    ["draw", "export"], ["draw", "coverage"], ["draw", "replace"], ["map"], ["map", "export"],
    ["users"], ["users", "add"], ["users", "list"], ["users", "disable"], ["users", "enable"],
    ["users", "reset-password"], ["users", "token"], ["audit"], ["audit", "verify"], ["audit", "show"],
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
        # The first administrator: its password printed once and kept mode 600 in the data directory.
        secret = root / "db" / "admin-password"
        assert "administrator account created: 用户名 admin  初始密码 " in prepared.stdout
        assert secret.stat().st_mode & 0o777 == 0o600
        password = secret.read_text().split()[1]
        assert password in prepared.stdout
        again = run("prepare")
        assert "boundaries: current" in again.stdout and "(current)" in again.stdout
        assert "demo frame (SYNTHETIC, seed 20241021): current" in again.stdout
        assert password not in again.stdout and "admin-password" in again.stdout
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


@pytest.fixture
def cli(db_url, monkeypatch):
    """Run ``spotcheck`` in this process against the test database; returns (exit code, stdout)."""
    from service.core.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", db_url.render_as_string(hide_password=False))
    monkeypatch.setenv("SPOTCHECK_DEMO_ENABLED", "false")
    get_settings.cache_clear()

    def run(*args: str):
        code = main(list(args))
        return code

    yield run
    get_settings.cache_clear()


def test_users_commands_and_acting_accounts(cli, capsys, engine):
    from sqlalchemy import text

    assert cli("users", "add", "zhang", "--name", "张三", "--organisation", "省专班", "--role", "province") == 0
    out = capsys.readouterr().out
    assert "first password, shown once:" in out
    assert cli("users", "add", "li", "--name", "李四", "--organisation", "兰州市专班", "--role", "leader",
               "--scope", "620100") == 0  # fmt: skip
    assert cli("users", "add", "bad", "--name", "X", "--organisation", "Y", "--role", "county",
               "--scope", "620100") == 2  # a city code for a county office  # fmt: skip
    assert "辖区代码" in capsys.readouterr().err
    assert cli("users", "list") == 0
    listing = capsys.readouterr().out
    assert "zhang" in listing and "李四" in listing and "领导" in listing
    assert cli("users", "token", "zhang", "--name", "脚本") == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("sct_")
    # Acting accounts: unknown, disabled and unauthorised ones are refused.
    assert cli("plan", "create", "--preset", "gansu-2024", "--by", "nobody") == 2
    assert cli("plan", "create", "--preset", "gansu-2024", "--by", "li") == 2
    assert "无权" in capsys.readouterr().err
    assert cli("plan", "create", "--preset", "gansu-2024", "--by", "zhang") == 0
    assert cli("draw", "units", "1", "--seed", "2024-10-21 公开种子", "--by", "zhang") == 0
    with engine.connect() as conn:
        event = conn.execute(text("SELECT actor, account_id FROM draw_event WHERE kind = 'units_drawn'")).one()
        zhang = conn.execute(text("SELECT id FROM account WHERE username = 'zhang'")).scalar()
        assert event.account_id == zhang and event.actor == "张三（zhang）"
        actions = conn.execute(text("SELECT action FROM audit_event ORDER BY id")).scalars().all()
    assert actions[-2:] == ["plan_create", "draw_units"] and actions.count("account_create") == 2
    assert cli("users", "disable", "zhang") == 0
    assert cli("draw", "houses", "1", "--by", "zhang") == 2
    assert cli("users", "reset-password", "li") == 0
    assert "new password, shown once:" in capsys.readouterr().out
    assert cli("audit", "verify") == 0
    assert "INTACT" in capsys.readouterr().out
    assert cli("audit", "show") == 0


def test_a_seed_source_is_fixed_before_the_draw_and_the_draw_names_it(cli, capsys, engine):
    from sqlalchemy import text

    assert cli("users", "add", "wang", "--name", "王五", "--organisation", "省专班", "--role", "province") == 0
    assert cli("plan", "create", "--preset", "gansu-2024", "--by", "wang") == 0
    capsys.readouterr()
    assert cli("plan", "seed", "1", "--source", "双色球", "--by", "wang") == 2  # too short to name a source
    assert cli("plan", "seed", "1", "--source", "中国福利彩票双色球第2024123期开奖号码", "--public-at", "前天",
               "--by", "wang") == 2  # fmt: skip
    assert "无法识别" in capsys.readouterr().err
    source = "中国福利彩票双色球第2024123期开奖号码，2024-10-21 开奖"
    assert cli("plan", "seed", "1", "--source", source, "--public-at", "2024-10-21 21:30", "--by", "wang") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"seed commitment 1 of plan 1: {source}") and "public from 2024-10-21 21:30" in out
    assert cli("plan", "seeds", "1") == 0
    assert "unused" in capsys.readouterr().out
    assert cli("draw", "units", "1", "--seed", "2024123 03 07 12 18 25 31 + 09", "--commitment", "1", "--by", "wang") == 0
    assert cli("draw", "units", "1", "--seed", "另一个数", "--commitment", "1", "--by", "wang") == 2  # used once
    assert "已用于抽样 1" in capsys.readouterr().err
    assert cli("plan", "seeds", "1") == 0
    assert "used by draw 1" in capsys.readouterr().out
    with engine.connect() as conn:
        assert conn.execute(text("SELECT seed_commitment_id FROM draw")).scalars().all() == [1]
        committed = conn.execute(text("SELECT account_id, actor FROM seed_commitment")).one()
        assert committed.actor == "王五（wang）"
        actions = conn.execute(text("SELECT action FROM audit_event ORDER BY id")).scalars().all()
    assert actions[-2:] == ["seed_commit", "draw_units"]
