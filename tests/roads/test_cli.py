"""``spotcheck roads import/list/delete`` against the test database, audited."""

from __future__ import annotations

from sqlalchemy import text

from service.cli import main
from tests.factories import make_account
from tests.roads.conftest import square_lines, write


def test_import_list_delete(db_url, engine, monkeypatch, tmp_path, capsys):
    from service.core.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", db_url.render_as_string(hide_password=False))
    monkeypatch.setenv("SPOTCHECK_DEMO_ENABLED", "false")
    get_settings.cache_clear()
    try:
        office = make_account(engine, "roads-cli", "province")
        path = write(square_lines(), tmp_path / "r.geojson")
        assert main(["roads", "import", str(path), "--name", "县路网", "--source", "县交通局", "--licence", "内部",
                     "--crs", "EPSG:4490", "--by", office.username]) == 0  # fmt: skip
        assert "5 edges" in capsys.readouterr().out
        assert main(["roads", "list"]) == 0
        assert "县路网" in capsys.readouterr().out
        bad = square_lines()
        bad["道路等级"] = None
        assert main(["roads", "import", str(write(bad, tmp_path / "bad.geojson")), "--name", "x", "--source", "x",
                     "--licence", "x"]) == 1  # fmt: skip
        assert "nothing imported" in capsys.readouterr().out
        with engine.connect() as conn:
            network = conn.execute(text("SELECT id FROM road_network")).scalar_one()
        assert main(["roads", "delete", str(network)]) == 0
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT action, account_id, actor FROM audit_event "
                                     "WHERE target_type = 'road_network' ORDER BY id")).all()  # fmt: skip
        assert [r.action for r in rows] == ["roads_import", "roads_delete"]
        assert rows[0].account_id == office.id and rows[1].actor.startswith("命令行操作员")
    finally:
        get_settings.cache_clear()
