"""The planners' page /plans in a real headless Chromium, as the provincial office on the demo frame: the whole
workflow from the 2024 preset to a replacement, each step naming who did it and when; the seed's source is
fixed before the draw and shown beside the value; a plan form's problem comes back in Chinese."""

from __future__ import annotations

import re

from tests.conftest import assert_rendered
from tests.web.checks import assert_clean, save

SOURCE = "中国福利彩票双色球第2024123期开奖号码，2024-10-21 开奖 <b>以公告为准</b>"
SEED = "2024123 03 07 12 18 25 31 + 09"
NAME = "省专班测试员"
UNIT = "620102"  # 城关区, in the preset's fixed units


def _ready(page, draw_id: int, status: str) -> None:
    page.wait_for_selector(f'body[data-draw^="{draw_id}:{status}:"]')


def test_the_planners_workflow_from_preset_to_replacement(demo_page, demo_live_server, tmp_path):
    page, base = demo_page, demo_live_server
    page.get_by_role("link", name="抽样方案与抽样").click()  # the start page's task
    page.wait_for_url(base + "/plans")
    page.wait_for_selector("body[data-state=ready]")

    # 1. A plan from the preset: who made it and when.
    page.click("#preset-button")
    page.wait_for_selector("#plan-section:not([hidden]) #plan-facts dd")
    plan_id = page.evaluate("() => spotcheckPlans.plan.id")
    row = page.locator(f'#plan-rows tr[data-plan="{plan_id}"]')
    assert NAME in row.inner_text() and "预置方案 gansu-2024" in row.inner_text()
    assert "第一组：兰州有色冶金设计研究院有限公司" in page.locator("#plan-facts").inner_text()

    # 2. The seed's source fixed in advance: server time, this account; shown as text, never as HTML.
    page.fill("#s-source", SOURCE)
    page.click("#seed-submit")
    commitment = page.locator("#commitment-rows tr").first
    commitment.wait_for()
    assert SOURCE in commitment.inner_text() and NAME in commitment.inner_text() and "未使用" in commitment.inner_text()
    assert page.locator("#commitment-rows b").count() == 0
    commitment_id = int(commitment.get_attribute("data-commitment"))
    assert page.locator("#d-commitment").input_value() == str(commitment_id)

    # 3. The county draw with the seed's value, naming the commitment; then the house draws.
    page.fill("#d-seed", SEED)
    page.click("#draw-submit")
    page.wait_for_selector("#draw-section:not([hidden])[data-draw]")
    draw_id = int(page.locator("#draw-section").get_attribute("data-draw"))
    _ready(page, draw_id, "units_drawn")
    promise = page.locator("#seed-commitment-facts").inner_text()
    assert SOURCE in promise and NAME in promise and re.search(r"\d{4}/\d{1,2}/\d{1,2}", promise)
    value = page.locator("#seed-value-facts").inner_text()
    assert SEED in value and NAME in value
    assert page.locator(".seed-warning").count() == 0
    assert page.locator("#unit-rows tr").count() == 42
    assert f"抽样 {draw_id}" in page.locator(f'#commitment-rows tr[data-commitment="{commitment_id}"]').inner_text()
    page.click("#houses-button")
    _ready(page, draw_id, "houses_drawn")
    assert page.locator(f'#unit-rows tr[data-unit="{UNIT}"] td').nth(7).inner_text() == "20"

    # A second draw, made without a commitment (as the CLI does), to compare with: the page warns of it.
    api, token = page.request, page.account.headers
    other = api.post(base + "/api/v1/draws", data={"plan_id": plan_id, "seed": "对比用"}, headers=token).json()["id"]
    assert api.post(base + f"/api/v1/draws/{other}/houses", data={}, headers=token).ok

    # 4. Coverage: the link opens the report of this draw.
    coverage = page.locator("#coverage-link").get_attribute("href")
    assert coverage == f"/coverage?draw={draw_id}"
    report = page.context.new_page()
    report.goto(base + coverage)
    report.wait_for_selector("body[data-state=ready]")
    assert report.locator(f'.pane[data-draw="{draw_id}"]').count() == 1
    report.close()

    # 5. Publish, after a confirmation; the comparison now offers the other draw.
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.click("#publish-button")
    _ready(page, draw_id, "published")
    assert "冻结" in dialogs[0]
    page.select_option("#compare-select", str(other))
    assert page.locator("#compare-link").get_attribute("href") == f"/coverage?draw={draw_id}&compare={other}"
    other_row = page.locator(f'#draw-rows tr[data-draw="{other}"]').inner_text()
    assert "未事先公布种子来源" in other_row

    # 6. Verify: identical.
    page.click("#verify-button")
    page.wait_for_selector("#verify-result:not([hidden])")
    page.wait_for_selector(f'body[data-draw="{draw_id}:published:4"]')  # the log holds the verification
    assert "复核一致" in page.locator("#verify-result").inner_text()

    # 7. Export: the link downloads the workbook.
    with page.expect_download() as got:
        page.click('.export-link[data-format="xlsx"]')
    download = got.value
    assert download.suggested_filename == f"draw-{draw_id}.xlsx"
    assert open(download.path(), "rb").read(2) == b"PK"

    # 8. A replacement: a drawn house, a reason, a note; the replacement chosen and the log.
    page.select_option("#r-unit", UNIT)
    page.wait_for_selector("#r-house option[value]:not([value=''])", state="attached")
    house = page.locator("#r-house option").first.inner_text()
    page.select_option("#r-reason", "locked")
    page.fill("#r-note", "连续两次上门无人")
    page.click("#replace-submit")
    page.wait_for_selector("#step-rows tr[data-step=replacement_used]")
    result = page.locator("#replace-result").inner_text()
    survey = house.split(" · ")[1].split("（")[0]
    assert f"已将 {survey} 替换为备选房屋" in result and "备选第 1 位" in result
    logged = page.locator("#step-rows tr[data-step=replacement_used]").inner_text()
    assert NAME in logged and "无人/锁门" in logged and "连续两次上门无人" in logged
    assert f"房屋 {survey} → 备选 " in logged  # named by survey codes, as the inspectors know them
    assert re.search(r"备选 [0-9A-Z-]{6,}；", logged), logged

    # Every step names its account and time.
    steps = page.locator("#step-rows tr")
    kinds = [steps.nth(i).get_attribute("data-step") for i in range(steps.count())]
    assert kinds == ["plan", "seed", "units_drawn", "houses_drawn", "published", "verified", "replacement_used"]
    for i in range(steps.count()):
        cells = steps.nth(i).locator("td").all_inner_texts()
        assert NAME in cells[1] and re.search(r"\d{4}/\d{1,2}/\d{1,2}", cells[2]), cells

    assert_clean(page, base)
    shot = page.screenshot(full_page=True)
    save(shot, "plans.png", tmp_path)
    assert_rendered(page, shot)


def test_a_plan_form_shows_the_services_chinese_problem_and_then_saves(demo_page, demo_live_server):
    page, base = demo_page, demo_live_server
    page.goto(base + "/plans")
    page.wait_for_selector("body[data-state=ready]")
    assert page.locator("#no-plans").is_visible()
    page.click("#plan-form-box summary")
    page.fill("#p-name", "2025年抽查方案")
    page.fill("#p-houses", "5")
    page.fill("#p-commercial", "8")
    page.click("#plan-submit")
    page.wait_for_selector("#message[data-kind=error]:not([hidden])")
    assert "经营性房屋最低数不能大于每县区抽取房屋数" in page.locator("#message").inner_text()

    page.fill("#p-commercial", "3")
    page.fill("#p-deadline", "2025-12-15")
    page.locator('#city-counts input[data-city="621200"]').fill("2")
    page.click("#add-override")
    page.locator("#override-rows .o-unit").fill(UNIT)
    page.locator("#override-rows .o-houses").fill("8")
    page.click("#add-group")
    page.locator("#group-rows .g-name").fill("第一组")
    page.locator("#group-rows .g-firm").fill("某某设计研究院")
    page.locator("#group-rows .g-units").fill("620102，620111")
    page.click("#plan-submit")
    page.wait_for_selector("#message[data-kind=ok]:not([hidden])")
    plan = page.request.get(base + f"/api/v1/plans/{page.evaluate('() => spotcheckPlans.plan.id')}").json()
    spec = plan["spec"]
    assert (spec["houses_per_unit"], spec["commercial_min"], plan["deadline"]) == (5, 3, "2025-12-15")
    assert spec["units_per_city"] == {"620100": 5, "621200": 2}
    assert spec["unit_overrides"] == {UNIT: {"houses": 8, "commercial_min": None}}
    assert spec["groups"] == [{"name": "第一组", "firm": "某某设计研究院", "units": ["620102", "620111"]}]
    assert plan["created_by"].startswith("省专班测试员")
    assert_clean(page, base, 422)
