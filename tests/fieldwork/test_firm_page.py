"""The firm's field-work page (/firm) in a real headless Chromium, on a live server with the field world.

The figures, days and lines must be the overview API's; a manager moves a house, re-plans a team and sees
the service's Chinese refusals (a stale version, dates without a base); other roles see what their scope and
permissions allow. No request may leave the service, and the page logs no error.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import login
from tests.web.checks import assert_clean, recording, save

FIELD = "/api/v1/field"
READY = "() => document.body.dataset.state === 'ready'"
RELOADED = "(n) => document.body.dataset.state === 'ready' && Number(document.body.dataset.loads) > n"
ROWS = "#days-body tr[data-key]"
LINES = "path.day-line"


@pytest.fixture
def context(browser):
    """A Chinese-locale browser context whose pages record their requests and console errors."""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def _page(ctx):
    return recording(ctx.new_page())


def _login(pg, base: str, world: dict, name: str) -> None:
    login(pg, base, SimpleNamespace(**world["accounts"][name]))


def _open(pg, base: str, query: str = "", state: str = READY) -> None:
    pg.goto(f"{base}/firm{query}")
    pg.wait_for_function(state)


def _loads(pg) -> int:
    return int(pg.evaluate("() => Number(document.body.dataset.loads)"))


def _api(pg, base: str, path: str):
    r = pg.request.get(base + FIELD + path)
    assert r.ok, r.text()
    return r.json()


def _rows(pg) -> list[dict]:
    return pg.eval_on_selector_all(
        ROWS,
        """rows => rows.map(r => ({key: r.dataset.key,
        houses: r.querySelector('.houses').textContent, km: r.querySelector('.km').textContent,
        links: [...r.querySelectorAll('a')].map(a => a.getAttribute('href'))}))""",
    )


def _key(d: dict) -> str:
    return f"{d['team_id']}/{d['day']}/{d['vehicle']}"


def test_lead_sees_the_overviews_progress_days_and_lines(context, field_server, tmp_path):
    base, world = field_server
    pg = _page(context)
    _login(pg, base, world, "lead")
    _open(pg, base)
    firm = world["firms"]["第一组"]
    overview = _api(pg, base, f"/firms/{firm}/overview")
    assert overview["days"] and overview["synthetic"] is True

    assert pg.locator("#firm-name").inner_text() == overview["firm"]["name"] == "第一组检测公司"
    assert pg.locator("#firm-group").inner_text() == "第一组"
    assert "620102" in pg.locator("#firm-units").inner_text()
    assert pg.locator("#firm-deadline").inner_text() == overview["deadline"]
    for key in ("houses_assigned", "houses_planned", "houses_visited", "houses_left", "days_left"):
        value = pg.locator(f'.figure[data-key="{key}"] dd').get_attribute("data-value")
        assert int(value) == overview[key], key
    assert pg.locator("#bar-planned").evaluate("e => e.style.width") == "100%"

    # One row per day of the overview, with its houses and distance, and the links to the route pages.
    rows = _rows(pg)
    assert [r["key"] for r in rows] == [_key(d) for d in overview["days"]]
    for row, d in zip(rows, overview["days"], strict=True):
        assert int(row["houses"]) == d["houses"] and row["km"] == f"{d['distance_km']:.1f}"
        assert f"/route?team={d['team_id']}&day={d['day']}" in row["links"]
        assert f"/route/sheet?team={d['team_id']}&day={d['day']}&vehicle={d['vehicle']}" in row["links"]
    sheet = pg.request.get(base + rows[0]["links"][1])
    assert sheet.ok and "text/html" in sheet.headers["content-type"]
    totals = pg.locator("#days-body tr.subtotal").all_inner_texts()
    assert [t.split()[0] for t in totals] == ["甲组", "乙组"]
    total = sum(d["houses"] for d in overview["days"])
    assert pg.locator("#days-foot .houses").inner_text() == str(total)

    # Every day's line is drawn, in its team's colour; the legend names the teams.
    keys = pg.eval_on_selector_all(LINES, "els => els.map(e => e.dataset.key)")
    assert sorted(keys) == sorted(_key(d) for d in overview["days"] if d["line"])
    legend = pg.locator("#legend").inner_text()
    assert "甲组" in legend and "乙组" in legend

    save(pg.screenshot(full_page=True), "firm-page.png", tmp_path)

    # A row highlights its line; a click on a line highlights its row.
    first, last = rows[0]["key"], rows[-1]["key"]
    pg.locator(f'{ROWS}[data-key="{first}"] td').first.click()
    assert pg.evaluate("() => document.body.dataset.selected") == first
    assert pg.locator(f'{ROWS}[data-key="{first}"]').get_attribute("class").split().count("selected") == 1
    width = pg.locator(f'{LINES}[data-key="{first}"]').get_attribute("stroke-width")
    assert width == "7"
    pg.locator(f'{LINES}[data-key="{last}"]').dispatch_event("click")
    assert pg.evaluate("() => document.body.dataset.selected") == last
    assert "selected" in pg.locator(f'{ROWS}[data-key="{last}"]').get_attribute("class")

    assert pg.locator("#synthetic-banner").is_visible()
    assert "演示数据（合成）" in pg.locator("#synthetic-banner").inner_text()
    assert "CGCS2000" in pg.locator("#crs-note").inner_text()
    assert pg.locator("#unscheduled-note").inner_text() == "全部已排入"
    assert pg.locator("#manage").is_visible()
    assert pg.locator("form.replan").count() == 2
    assert_clean(pg, base)


def test_lead_moves_a_house_and_a_stale_tab_is_told_of_the_conflict(context, field_server):
    base, world = field_server
    firm, teams = world["firms"]["第一组"], world["teams"]
    house = world["houses"]["甲组"][0]
    a, b = _page(context), _page(context)
    _login(a, base, world, "lead")
    _open(a, base)
    _open(b, base)  # the same session in a second tab, showing version 1 of the house's assignment
    select = f'#assignments-body tr[data-house="{house}"] select'
    assert a.locator(select).input_value() == str(teams["甲组"])

    n = _loads(a)
    a.locator(select).select_option(str(teams["乙组"]))
    a.wait_for_function(RELOADED, arg=n)
    assert "已改由 乙组 检查" in a.locator("#assign-message").inner_text()
    moved = [x for x in _api(a, base, f"/firms/{firm}/assignments") if x["house_id"] == house]
    assert moved[0]["team_id"] == teams["乙组"] and moved[0]["source"] == "manual"
    assert a.locator(select).input_value() == str(teams["乙组"])
    assert "手动" in a.locator(f'#assignments-body tr[data-house="{house}"]').inner_text()

    # The stale tab still shows 甲组 and version 1: its change is refused with the service's message.
    n = _loads(b)
    b.locator(select).select_option(str(teams["乙组"]))
    b.wait_for_function(RELOADED, arg=n)
    said = b.locator("#assign-message").inner_text()
    assert "已被他人修改" in said and "请刷新后重试" in said
    assert b.locator(select).input_value() == str(teams["乙组"])  # reloaded: what is current
    moved = [x for x in _api(b, base, f"/firms/{firm}/assignments") if x["house_id"] == house]
    assert moved[0]["version"] == 2
    assert_clean(a, base)
    assert_clean(b, base, 409)


def test_lead_replaces_a_house_that_cannot_be_visited_and_a_stale_tab_is_refused(context, field_server, tmp_path):
    base, world = field_server
    firm, team, draw = world["firms"]["第一组"], world["teams"]["甲组"], world["draw"]
    house = world["houses"]["甲组"][1]
    a, b = _page(context), _page(context)
    _login(a, base, world, "lead")
    _open(a, base)
    _open(b, base)  # a second tab that still shows the house
    row = f'#assignments-body tr[data-house="{house}"]'
    code = a.locator(f"{row} code").inner_text()

    assert a.locator("#replacement-log").inner_text() == "尚无替换。"
    # Cancelled: nothing is sent.
    a.locator(f"{row} .replace-house").click()
    dialog = a.locator("#replace-dialog")
    dialog.wait_for(state="visible")
    assert a.locator("#replace-house").inner_text() == f"{code}（甲组）"
    labels = a.locator("#replace-reason option").all_inner_texts()
    assert "无人/锁门" in labels and "拒绝入户" in labels
    a.locator("#replace-cancel").click()
    dialog.wait_for(state="hidden")
    assert len(_api(a, base, f"/firms/{firm}/assignments?draw_id={draw}")) == sum(map(len, world["houses"].values()))

    # Replaced: the next house the design allows joins the same team; the draw's log says who and why.
    a.locator(f"{row} .replace-house").click()
    a.select_option("#replace-reason", "locked")
    a.fill("#replace-note", "连续两次上门无人")
    save(a.screenshot(), "firm-replace.png", tmp_path)
    n = _loads(a)
    a.locator("#replace-confirm").click()
    a.wait_for_function(RELOADED, arg=n)
    said = a.locator("#assign-message").inner_text()
    assert said.startswith(f"已将 {code} 替换为备选房屋 ") and "仍由甲组入户" in said
    now = {x["house_id"]: x for x in _api(a, base, f"/firms/{firm}/assignments?draw_id={draw}")}
    assert house not in now and a.locator(row).count() == 0
    new = [x for x in now.values() if x["source"] == "replacement"]
    assert len(new) == 1 and new[0]["team_id"] == team and new[0]["survey_code"] in said
    assert "替换" in a.locator(f'#assignments-body tr[data-house="{new[0]["house_id"]}"] .tag').all_inner_texts()
    logged = a.request.get(f"{base}/api/v1/draws/{draw}").json()["events"][-1]
    assert (logged["kind"], logged["house_id"], logged["reason"]) == ("replacement_used", house, "locked")
    assert logged["note"] == "连续两次上门无人" and logged["replacement_survey_code"] == new[0]["survey_code"]
    shown = a.locator("#replacement-log li").first.inner_text()  # the firm's own log of replacements
    assert f"{code} → {new[0]['survey_code']}：无人/锁门（连续两次上门无人）" in shown and logged["actor"] in shown

    # The stale tab asks again for the same house: the service's refusal, then what is current.
    b.locator(f"{row} .replace-house").click()
    n = _loads(b)
    b.locator("#replace-confirm").click()
    b.wait_for_function(RELOADED, arg=n)
    said = b.locator("#assign-message").inner_text()
    assert f"房屋 {code} 已被替换为 {new[0]['survey_code']}" in said
    assert b.locator("#assign-message").get_attribute("data-kind") == "error"
    assert b.locator(row).count() == 0
    assert_clean(a, base)
    assert_clean(b, base, 409)


def test_lead_replans_a_team_and_dates_without_a_base_are_refused(context, field_server):
    base, world = field_server
    firm, team = world["firms"]["第一组"], world["teams"]["乙组"]
    pg = _page(context)
    _login(pg, base, world, "lead")
    _open(pg, base)
    form = pg.locator(f'.team[data-team="{team}"] form.replan')
    start = world["first_day"] + dt.timedelta(days=1)
    first, last = start.isoformat(), (start + dt.timedelta(days=3)).isoformat()

    n = _loads(pg)
    form.locator('input[name="first_day"]').fill(first)
    form.locator('input[name="last_day"]').fill(last)
    form.locator('button[type="submit"]').click()
    pg.wait_for_function(RELOADED, arg=n)
    form = pg.locator(f'.team[data-team="{team}"] form.replan')
    assert "已重新规划" in form.locator(".message").inner_text()
    overview = _api(pg, base, f"/firms/{firm}/overview")
    days = [d for d in overview["days"] if d["team_id"] == team]
    assert days and all(first <= d["day"] <= last for d in days)
    rows = _rows(pg)
    assert [r["key"] for r in rows] == [_key(d) for d in overview["days"]]
    assert [r["km"] for r in rows] == [f"{d['distance_km']:.1f}" for d in overview["days"]]
    assert pg.locator(LINES).count() == sum(1 for d in overview["days"] if d["line"])

    # A year ahead the team has no base: the service's Chinese message, and the plan is unchanged.
    far = world["first_day"] + dt.timedelta(days=365)
    n = _loads(pg)
    form.locator('input[name="first_day"]').fill(far.isoformat())
    form.locator('input[name="last_day"]').fill((far + dt.timedelta(days=2)).isoformat())
    form.locator('button[type="submit"]').click()
    pg.wait_for_function(RELOADED, arg=n)
    said = pg.locator(f'.team[data-team="{team}"] form.replan .message')
    assert said.is_visible() and "没有驻地" in said.inner_text()
    assert said.get_attribute("data-kind") == "error"
    assert [r["key"] for r in _rows(pg)] == [_key(d) for d in overview["days"]]
    assert_clean(pg, base, 422)


def test_province_sees_the_firm_and_another_firm_is_refused(context, browser, field_server):
    base, world = field_server
    firm = world["firms"]["第一组"]
    prov = _page(context)
    _login(prov, base, world, "prov")
    _open(prov, base, f"?firm={firm}")
    assert prov.locator("#firm-name").inner_text() == "第一组检测公司"
    assert prov.locator("#firm-select").is_visible()  # two firms: a choice
    assert prov.locator("#firm-select").input_value() == str(firm)
    overview = _api(prov, base, f"/firms/{firm}/overview")
    assert prov.locator(ROWS).count() == len(overview["days"])
    assert_clean(prov, base)

    other_ctx = browser.new_context(locale="zh-CN")
    try:
        other = _page(other_ctx)
        _login(other, base, world, "other")
        _open(other, base, f"?firm={firm}", "() => document.body.dataset.state === 'error'")
        said = other.locator("#message")
        assert said.is_visible() and "不能查看该检查机构" in said.inner_text()
        assert not other.locator("#content").is_visible()
        assert_clean(other, base, 403)
        _open(other, base)  # its own firm, 第二组, without teams yet
        assert other.locator("#firm-group").inner_text() == "第二组"
        assert other.locator("#unscheduled-note").inner_text() == "还没有分配给检查组的房屋。"
        assert "还没有路线规划" in other.locator("#days-body").inner_text()
    finally:
        other_ctx.close()


def test_inspector_sees_their_team_without_manager_controls_on_a_phone(browser, field_server, tmp_path):
    base, world = field_server
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800}, is_mobile=True)
    try:
        pg = _page(ctx)
        _login(pg, base, world, "i1")
        _open(pg, base)
        assert pg.locator("#firm-name").inner_text() == "第一组检测公司"
        assert not pg.locator("#manage").is_visible()
        assert pg.locator("form.replan").count() == 0
        assert pg.locator("#auto-assign").is_hidden()
        assert pg.locator(".team").count() == 1
        assert pg.locator(".team").get_attribute("data-team") == str(world["teams"]["甲组"])
        overview = _api(pg, base, f"/firms/{world['firms']['第一组']}/overview")
        rows = _rows(pg)
        assert [r["key"] for r in rows] == [_key(d) for d in overview["days"]]
        assert pg.locator(LINES).count() == len(rows)
        # Usable on a phone: the page itself does not scroll sideways (wide tables scroll in their box).
        assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        save(pg.screenshot(full_page=True), "firm-page-phone.png", tmp_path)
        assert_clean(pg, base)
    finally:
        ctx.close()
