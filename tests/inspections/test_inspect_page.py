"""The inspectors' form /route/inspect in a real headless Chromium on a phone, on the field world, with the
network switched off and on (Playwright's offline mode) and geolocation emulated.

Filled online, photos taken and the form saved and submitted without signal, the page reloaded without
signal from its service worker with the draft restored, then the outbox sent when the signal returns: one
inspection submitted, its photos stored with the EXIF GPS the server read (the resized one's EXIF survived
the canvas), its positions recorded. A resend after a lost answer is stored once; a conflict with another
device keeps both versions until the inspector chooses; a house never opened online opens offline after
the route page loaded the plan; registry text is shown as text, never as HTML.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from urllib.parse import urlparse

import httpx
from PIL import Image
from sqlalchemy import create_engine, text

from geo import inspection_form as forms
from tests.fieldwork.test_route_page import OFFLINE, PHONE, phone_page
from tests.filemakers import jpeg_with_exif
from tests.inspections.test_inspections_api import valid_answers
from tests.web.checks import save

API = "/api/v1/inspections"
READY = "body[data-state=ready]"
BEIJING = dt.timezone(dt.timedelta(hours=8))


def _only_the_service(page, base: str) -> None:
    """Every request went to the service; blob: URLs are the photos' thumbnails, inside the page."""
    hosts = {urlparse(u).netloc for u in page.requests_made if not u.startswith(("data:", "blob:"))}
    assert hosts == {urlparse(base).netloc}, hosts


def _device(lon: float, lat: float) -> dict:
    return {
        **PHONE,
        "geolocation": {"longitude": lon, "latitude": lat, "accuracy": 8},
        "permissions": ["geolocation"],
    }


def _house(base: str, world: dict, index: int = 0, team: str = "甲组") -> dict:
    house = world["houses"][team][index]
    r = httpx.get(f"{base}{API}/houses/{world['draw']}/{house}", headers=_auth(world, "i1"))
    assert r.status_code == 200, r.text
    return r.json()


def _auth(world: dict, name: str) -> dict:
    return {"Authorization": f"Bearer {world['accounts'][name]['token']}"}


def _url(base: str, h: dict) -> str:
    return f"{base}/route/inspect?draw={h['draw_id']}&house={h['house_id']}"


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY)


def _controlled(page, url: str) -> None:
    """The service worker installed and controlling the page (a reload online if it did not claim it)."""
    page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        _open(page, url)
    page.wait_for_function(
        "async () => !!(await (await caches.open('spotcheck-route-shell-v1')).match('/route/inspect'))"
    )


def _sync_state(page, kind: str) -> None:
    page.wait_for_selector(f"#sync-status[data-sync={kind}]")


def _fill(page, form: dict, answers: dict) -> None:
    """Answer through the controls, in form order (a field shows once the answers before it ask for it)."""
    for f in (f for s in form["sections"] for f in s["fields"]):
        if f["name"] not in answers:
            continue
        value, box = answers[f["name"]], page.locator(f".field[data-name='{f['name']}']")
        box.wait_for(state="visible", timeout=5000)
        if isinstance(value, bool):
            box.locator(f"input[value='{str(value).lower()}']").check()
        elif isinstance(value, list):
            for v in value:
                box.locator(f"input[value='{v}']").check()
        elif f["type"] == "select_one" and box.locator("select").count():
            box.locator("select").select_option(value)
        elif f["type"] == "select_one":
            box.locator(f"input[value='{value}']").check()
        elif f["type"] == "text":
            box.locator("input, textarea").fill(value)
        else:
            box.locator("input").fill(str(value))


def _until(page, condition, tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("condition not met")


def _big_jpeg(lon: float, lat: float, orientation: int = 1) -> bytes:
    """A 2400×1800 JPEG (resized on the phone) whose EXIF says where it was taken and how to turn it
    (6: a quarter turn clockwise, as a phone held upright writes it)."""
    img = Image.effect_noise((2400, 1800), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x0132] = "2026:12:03 10:20:00"
    exif[0x0112] = orientation

    def dms(v):
        d = int(v)
        m = int((v - d) * 60)
        return (d, m, round(((v - d) * 60 - m) * 60, 4))

    exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def _photos_needed(h: dict, answers: dict) -> int:
    return 2 if not forms.validate(forms.load_form(), answers, h["registry"], photo_count=2) else 4


def _db(field_url):
    return create_engine(field_url)


def test_an_inspection_made_offline_is_kept_reloaded_and_sent_when_the_signal_returns(
    browser, field_server, field_url, tmp_path
):  # fmt: skip
    base, world = field_server
    h = _house(base, world)
    # What the page asks for this house (and the service stores): the answers its record makes relevant.
    answers = forms.clean(forms.load_form(), valid_answers(h["registry"]), h["registry"])
    here = (h["lon"] + 0.0001, h["lat"])  # about 9 m east of the house
    with phone_page(browser, base, "i1", world, _device(*here)) as page:
        context = page.context
        _open(page, _url(base, h))
        _controlled(page, _url(base, h))
        assert h["survey_code"] in page.locator("#house-title").inner_text()
        page.wait_for_selector("#position-opened:has-text('距房屋约')")
        assert page.locator("#position-warning").is_hidden()
        # The registry's value beside the question that checks it.
        assert (
            page.locator(".field[data-name='address_accurate'] .registry")
            .inner_text()
            .endswith(h["registry"]["address"])
        )
        assert page.locator(
            ".field[data-name='address_observed']"
        ).is_hidden()  # asked only when not accurate
        page.locator(".field[data-name='address_accurate'] input[value='false']").check()
        page.locator(".field[data-name='address_observed']").wait_for(state="visible")
        page.locator(".field[data-name='address_accurate'] input[value='true']").check()
        _fill(page, forms.load_form(), answers)
        _sync_state(page, "local")
        assert page.locator("#sync-status").inner_text() == "已保存在本机"
        needed = _photos_needed(h, answers)
        assert "照片" in page.locator("#missing").inner_text()  # the photos are still missing
        save(page.screenshot(full_page=True), "inspect-phone.png", tmp_path)

        # No signal: photos (one resized on the phone), saved, then reloaded from the service worker.
        context.set_offline(True)
        files = [{"name": "big.jpg", "mimeType": "image/jpeg", "buffer": _big_jpeg(h["lon"], h["lat"], 6)}]
        files += [{"name": f"p{i}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif(h["lon"], h["lat"])}
                  for i in range(needed - 1)]  # fmt: skip
        page.set_input_files("#photo-input", files)
        page.wait_for_function(f"() => document.querySelectorAll('li.photo').length === {needed}")
        caption = page.locator("li.photo .caption").first
        caption.fill("房屋东立面")  # kept as it is typed: no need to leave the field ...
        page.evaluate("() => window.spotcheckInspect.sync()")  # ... and a sync step redraws around it
        assert caption.input_value() == "房屋东立面"
        assert caption.evaluate("(e) => e === document.activeElement")
        # A photo taken by mistake is deleted before it is sent.
        extra = [{"name": "x.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif()}]
        page.set_input_files("#photo-input", extra)
        page.wait_for_function(f"() => document.querySelectorAll('li.photo').length === {needed + 1}")
        assert caption.input_value() == "房屋东立面"  # the list was redrawn around it
        page.locator("li.photo .drop-photo").last.click()
        page.wait_for_function(f"() => document.querySelectorAll('li.photo').length === {needed}")
        assert page.locator("li.photo .photo-state").first.inner_text() == "待上传"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.locator("#save").click()
        _sync_state(page, "pending")
        assert page.locator("#sync-status").inner_text().startswith("待上传 ")
        assert page.reload().from_service_worker
        page.wait_for_selector(READY)
        assert page.locator(
            ".field[data-name='occupancy'] input[value='in_use']"
        ).is_checked()  # the draft is back
        assert page.locator("li.photo").count() == needed
        assert page.locator("#missing-count").inner_text() == "已填写完整，可以提交。"

        # Submitted without signal: queued, and the form is read-only.
        page.once("dialog", lambda d: d.accept())
        page.locator("#submit").click()
        page.wait_for_selector("#status-badge:has-text('已提交（待上传）')")
        _sync_state(page, "pending")
        assert page.locator(".field[data-name='occupancy'] input").first.is_disabled()
        save(page.screenshot(full_page=True), "inspect-phone-offline.png", tmp_path)

        # The signal returns: the outbox goes, in order.
        context.set_offline(False)
        _sync_state(page, "synced")
        assert page.locator("#status-badge").inner_text().startswith("已提交待审核")
        assert page.locator("li.photo[data-uploaded=true]").count() == needed

        engine = _db(field_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, status, version, opened_distance_m, submitted_distance_m, "
                                     "opened_accuracy_m FROM inspection")).all()  # fmt: skip
            assert len(rows) == 1
            row = rows[0]
            assert row.status == "submitted" and row.opened_distance_m < 20 and row.submitted_distance_m < 20
            assert row.opened_accuracy_m == 8
        out = httpx.get(f"{base}{API}/{row.id}", headers=_auth(world, "i1")).json()
        assert out["answers"] == answers and out["position_warnings"] == []
        assert len(out["photos"]) == needed
        big = next(p for p in out["photos"] if p["width"] > 64)
        assert (big["width"], big["height"]) == (1200, 1600)  # turned upright and resized on the phone ...
        assert (
            abs(big["exif_lon"] - h["lon"]) < 1e-4 and abs(big["exif_lat"] - h["lat"]) < 1e-4
        )  # ... EXIF kept
        taken = dt.datetime.fromisoformat(big["taken_at"].replace("Z", "+00:00"))
        assert big["exif_distance_m"] < 5 and taken == dt.datetime(2026, 12, 3, 10, 20, tzinfo=BEIJING)
        assert all(p["exif_lon"] is not None for p in out["photos"])
        assert big["caption"] == "房屋东立面"
        content = httpx.get(base + big["url"], headers=_auth(world, "i1")).content
        with Image.open(io.BytesIO(content)) as img:
            assert img.size == (1200, 1600) and img.getexif()[0x0112] == 1  # upright: not turned twice

        # Returned by the firm: the comments at the top, the form editable again.
        comment = "<b>请补拍</b>房屋背面照片"
        r = httpx.post(f"{base}{API}/{row.id}/review", headers=_auth(world, "lead"),
                       json={"action": "return", "version": row.version, "comment": comment})  # fmt: skip
        assert r.status_code == 200, r.text
        _open(page, _url(base, h))
        assert page.locator("#reviews").is_visible()
        assert page.locator("#reviews .comment").inner_text() == comment  # as text
        assert page.locator(".field[data-name='occupancy'] input").first.is_enabled()

        # Logout forgets this account's kept inspections.
        name = f"spotcheck-inspect.{world['accounts']['i1']['username']}"
        assert name in page.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)")
        page.locator("#user button.logout").click()
        page.wait_for_url(base + "/login")
        assert name not in page.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)")
        _only_the_service(page, base)
        assert set(page.console_errors) <= {f"Failed to load resource: {OFFLINE}"}, page.console_errors


def test_a_position_far_from_the_house_is_warned_and_recorded(browser, field_server, field_url):
    base, world = field_server
    h = _house(base, world, 1)
    with phone_page(browser, base, "i1", world, _device(h["lon"] + 0.05, h["lat"])) as page:  # ~4.5 km
        _open(page, _url(base, h))
        warning = page.locator("#position-warning")
        warning.wait_for()
        assert "超过" in warning.inner_text() and "米" in warning.inner_text()
        page.locator(".field[data-name='remarks'] textarea").fill("远处打开")
        page.locator("#save").click()
        _sync_state(page, "synced")
        assert "服务器：打开检查表时的位置距房屋" in warning.inner_text()
    with _db(field_url).connect() as conn:
        d = conn.execute(
            text("SELECT opened_distance_m FROM inspection WHERE house_id = :h"), {"h": h["house_id"]}
        ).scalar()
        assert 4000 < d < 5000


def test_a_resend_after_a_lost_answer_is_stored_once(browser, field_server, field_url):
    base, world = field_server
    h = _house(base, world, 2)
    device = {**_device(h["lon"], h["lat"]), "service_workers": "block"}  # page.route sees every request
    with phone_page(browser, base, "i1", world, device) as page:
        lost = []

        def lose(route):  # the server stores it; the answer never reaches the phone
            route.fetch()
            lost.append(route.request.url)
            route.abort()

        page.route("**/api/v1/inspections/by-client/**", lose)
        page.route("**/api/v1/inspections/*/photos", lose)
        _open(page, _url(base, h))
        page.locator(".field[data-name='remarks'] textarea").fill("第一次")
        page.locator("#save").click()
        _until(page, lambda: lost)
        page.wait_for_function("() => !window.spotcheckInspect.state.syncing")
        assert len(lost) == 1
        _sync_state(page, "pending")
        page.unroute("**/api/v1/inspections/by-client/**")
        page.evaluate("() => Promise.all([window.spotcheckInspect.sync(), window.spotcheckInspect.sync()])")
        _sync_state(page, "synced")
        page.set_input_files(
            "#photo-input", [{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_exif()}]
        )
        _until(page, lambda: len(lost) == 2)
        page.wait_for_function(
            "() => window.spotcheckInspect.state.outbox === 1 && !window.spotcheckInspect.state.syncing"
        )
        page.unroute("**/api/v1/inspections/*/photos")
        page.evaluate("() => window.spotcheckInspect.sync()")
        _sync_state(page, "synced")
        page.evaluate("() => window.spotcheckInspect.sync()")
    with _db(field_url).connect() as conn:
        assert (
            conn.execute(
                text("SELECT version FROM inspection WHERE house_id = :h"), {"h": h["house_id"]}
            ).scalar()
            == 1
        )
        assert (
            conn.execute(text("SELECT count(*) FROM audit_event WHERE action = 'inspection_save'")).scalar()
            == 1
        )
        assert conn.execute(text("SELECT count(*) FROM inspection_photo")).scalar() == 1


def test_a_conflict_with_another_device_keeps_both_versions_until_the_inspector_chooses(
    browser, field_server, field_url
):
    base, world = field_server
    h = _house(base, world, 3)
    with phone_page(browser, base, "i1", world, _device(h["lon"], h["lat"])) as page:
        _open(page, _url(base, h))
        remarks = page.locator(".field[data-name='remarks'] textarea")
        remarks.fill("手机上的说明")
        page.locator("#save").click()
        _sync_state(page, "synced")
        state = page.evaluate("() => window.spotcheckInspect.state.draft")
        assert state["base_version"] == 1
        # Another session changes the inspection first.
        theirs = {
            "draw_id": h["draw_id"],
            "house_id": h["house_id"],
            "version": 1,
            "answers": {"remarks": "另一台设备的说明"},
        }
        r = httpx.put(f"{base}{API}/by-client/{state['client_id']}", json=theirs, headers=_auth(world, "i2"))
        assert r.status_code == 403  # another team may not
        r = httpx.put(
            f"{base}{API}/by-client/{state['client_id']}", json=theirs, headers=_auth(world, "lead")
        )
        assert r.status_code == 200 and r.json()["version"] == 2, r.text

        remarks.fill("手机上改过的说明")
        page.locator("#save").click()
        _sync_state(page, "conflict")
        conflict = page.locator("#conflict")
        assert "第 2 版" in conflict.locator(".conflict-message").inner_text()
        assert (
            "本机：手机上改过的说明" in conflict.inner_text()
            and "服务器：另一台设备的说明" in conflict.inner_text()
        )
        # Both kept: the phone's on the phone (also after a reload), the server's on the server.
        _open(page, _url(base, h))
        _sync_state(page, "conflict")
        assert remarks.input_value() == "手机上改过的说明"
        with _db(field_url).connect() as conn:
            stored = conn.execute(
                text("SELECT answers->>'remarks' FROM inspection WHERE house_id = :h"), {"h": h["house_id"]}
            ).scalar()
        assert stored == "另一台设备的说明"
        page.locator("#keep-mine").click()
        _sync_state(page, "synced")
        with _db(field_url).connect() as conn:
            row = conn.execute(text("SELECT version, answers->>'remarks' AS r FROM inspection WHERE house_id = :h"),
                               {"h": h["house_id"]}).one()  # fmt: skip
        assert (row.version, row.r) == (3, "手机上改过的说明")

        # Once more, and this time the server's version is taken.
        theirs = {**theirs, "version": 3, "answers": {"remarks": "组长改的"}}
        assert (
            httpx.put(
                f"{base}{API}/by-client/{state['client_id']}", json=theirs, headers=_auth(world, "lead")
            ).status_code
            == 200
        )
        remarks.fill("又改了")
        page.locator("#save").click()
        _sync_state(page, "conflict")
        page.locator("#take-server").click()
        _sync_state(page, "synced")
        assert remarks.input_value() == "组长改的"
        assert page.evaluate("() => window.spotcheckInspect.state.draft.base_version") == 4


def test_a_house_never_opened_online_opens_offline_after_the_route_page_loaded_the_plan(
    browser, field_server
):
    base, world = field_server
    team = world["teams"]["甲组"]
    with phone_page(browser, base, "i1", world) as page:
        page.goto(base + "/route")
        page.wait_for_selector(READY)
        assert page.evaluate("async () => await window.spotcheckRoute.prefetched") > 0
        _controlled(page, base + "/route")
        plan = httpx.get(f"{base}/api/v1/field/teams/{team}/plan", headers=_auth(world, "i1")).json()
        last = sorted(plan["days"], key=lambda d: d["day"])[-1]["stops"][-1]  # a house of the plan's last day
        link = page.locator("li.stop a.inspect-link").first
        assert link.inner_text() == "填写检查表" and link.get_attribute("href").startswith(
            "/route/inspect?draw="
        )
        page.context.set_offline(True)
        page.goto(f"{base}/route/inspect?draw={plan['draw_id']}&house={last['house_id']}")
        page.wait_for_selector(READY)
        assert last["survey_code"] in page.locator("#house-title").inner_text()
        assert page.locator(".form-section").count() == len(forms.load_form()["sections"])
        page.locator(".field[data-name='remarks'] textarea").fill("离线填写")
        page.locator("#save").click()
        _sync_state(page, "pending")
        page.context.set_offline(False)
        _sync_state(page, "synced")


def test_registry_text_with_html_is_shown_as_text(browser, field_server, field_url):
    base, world = field_server
    h = _house(base, world, 4)
    hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    with _db(field_url).begin() as conn:
        conn.execute(
            text("UPDATE house SET address = :a, village = :a WHERE id = :h"),
            {"a": hostile, "h": h["house_id"]},
        )
    with phone_page(browser, base, "i1", world, _device(h["lon"], h["lat"])) as page:
        _open(page, _url(base, h))
        assert hostile in page.locator("#house-title").inner_text()
        assert hostile in page.locator("#house-facts").inner_text()
        assert page.locator(".field[data-name='address_accurate'] .registry .v").inner_text() == hostile
        assert page.locator("img[src=x]").count() == 0
        assert page.evaluate("() => window.__pwned") is None
        page.locator(".field[data-name='address_accurate'] input[value='false']").check()
        page.locator(".field[data-name='address_observed'] input").fill(hostile)  # the registry's own value
        problem = page.locator(".field[data-name='address_observed'] .problem")
        problem.wait_for(state="visible")  # the form's own message: the observed value equals the registry's
        assert (
            problem.inner_text()
            == forms.validate(
                forms.load_form(),
                {"address_accurate": False, "address_observed": hostile},
                h["registry"] | {"address": hostile},
            )[0].message
        )
        _only_the_service(page, base)


def test_the_inspect_page_needs_the_write_permission(browser, field_server):
    base, world = field_server
    h = _house(base, world)
    with phone_page(browser, base, "prov", world) as page:  # the province reads inspections, never writes one
        r = page.goto(_url(base, h))
        assert r.status == 403


def test_a_missed_house_is_recorded_with_the_phones_position_or_a_tap_on_the_map(
    browser, field_server, field_url
):
    base, world = field_server
    h = _house(base, world, 5)
    here = (h["lon"] + 0.0003, h["lat"] + 0.0002)
    with phone_page(browser, base, "i1", world, _device(*here)) as page:
        _open(page, _url(base, h))
        page.locator(".field[data-name='missed_houses_found'] input[value='true']").check()
        page.locator("button.add-item").wait_for(state="visible")
        page.locator("button.add-item").click()
        item = page.locator("fieldset.item").first
        item.wait_for()
        item.locator("button.use-here").click()
        page.wait_for_function("() => window.spotcheckInspect.state.view.answers.missed_houses[0].point")
        assert "经度" in item.locator(".point-text").inner_text()
        item.locator(".field[data-name='missed_houses[0].use_class'] input[value='commercial']").check()
        business = item.locator(".field[data-name='missed_houses[0].business_type']")
        business.wait_for(state="visible")  # asked for a commercial house only
        business.locator("select").select_option("retail")
        item.locator(".field[data-name='missed_houses[0].floors'] input").fill("2")
        item.locator(".field[data-name='missed_houses[0].hazard_seen'] input[value='some']").check()
        # A second one, placed by a tap on the map next to the house.
        page.locator("button.add-item").click()
        second = page.locator("fieldset.item").nth(1)
        second.locator("button.pick-map").click()
        second.locator(".point-map").click(position={"x": 60, "y": 60})
        page.wait_for_function("() => window.spotcheckInspect.state.view.answers.missed_houses[1].point")
        # The list of what is missing is redrawn once the draft is kept in IndexedDB (asynchronously).
        page.wait_for_function(
            "() => ![...document.querySelectorAll('#missing li')].some((li) => li.dataset.field === 'missed_houses[1].point')"
        )
        assert "missed_houses[1].point" not in page.locator("#missing").evaluate(
            "(ul) => [...ul.children].map((li) => li.dataset.field).join(' ')"
        )
        second.locator("legend button.drop-item").click()
        page.wait_for_function("() => window.spotcheckInspect.state.view.answers.missed_houses.length === 1")
        page.locator("#save").click()
        _sync_state(page, "synced")
    with _db(field_url).connect() as conn:
        missed = conn.execute(
            text("SELECT answers->'missed_houses' FROM inspection WHERE house_id = :h"), {"h": h["house_id"]}
        ).scalar()
    assert len(missed) == 1
    point = missed[0]["point"]  # the phone's position, to 6 decimals (about 0.1 m)
    assert abs(point["lon"] - here[0]) < 2e-6 and abs(point["lat"] - here[1]) < 2e-6
    assert {k: missed[0][k] for k in ("use_class", "business_type", "floors", "hazard_seen")} == {
        "use_class": "commercial", "business_type": "retail", "floors": 2, "hazard_seen": "some"
    }  # fmt: skip


def test_a_second_device_starting_the_same_house_offline_resolves_onto_the_first(
    browser, field_server, field_url
):
    base, world = field_server
    h = _house(base, world, 6)
    with phone_page(browser, base, "i1", world, _device(h["lon"], h["lat"])) as page:
        _open(page, _url(base, h))
        page.context.set_offline(True)
        page.locator(".field[data-name='remarks'] textarea").fill("第二台手机")
        page.locator("#save").click()
        _sync_state(page, "pending")
        mine = page.evaluate("() => window.spotcheckInspect.state.draft.client_id")
        # Meanwhile the first device (the firm's leader here) creates the inspection under its own id.
        first = str(uuid.uuid4())
        body = {
            "draw_id": h["draw_id"],
            "house_id": h["house_id"],
            "version": 0,
            "answers": {"remarks": "第一台"},
        }
        assert (
            httpx.put(f"{base}{API}/by-client/{first}", json=body, headers=_auth(world, "lead")).status_code
            == 201
        )
        page.context.set_offline(False)
        _sync_state(page, "conflict")
        assert "已有检查记录" in page.locator("#conflict .conflict-message").inner_text()
        page.locator("#keep-mine").click()
        _sync_state(page, "synced")
        assert page.evaluate("() => window.spotcheckInspect.state.draft.client_id") == first != mine
    with _db(field_url).connect() as conn:
        rows = conn.execute(
            text("SELECT client_id::text, version, answers->>'remarks' FROM inspection WHERE house_id = :h"),
            {"h": h["house_id"]},
        ).all()
    assert [tuple(r) for r in rows] == [(first, 2, "第二台手机")]


def test_a_file_that_is_no_photo_is_refused_in_chinese_and_a_png_goes_as_a_small_jpeg(
    browser, field_server, field_url
):
    base, world = field_server
    h = _house(base, world, 7)
    png = io.BytesIO()
    Image.new("RGB", (3200, 1600), (30, 120, 60)).save(png, "PNG")
    with phone_page(browser, base, "i1", world, _device(h["lon"], h["lat"])) as page:
        _open(page, _url(base, h))
        page.set_input_files(
            "#photo-input", [{"name": "note.jpg", "mimeType": "image/jpeg", "buffer": b"<html>no</html>"}]
        )
        page.wait_for_selector("#message:has-text('无法读取照片')")
        assert page.locator("li.photo").count() == 0
        page.set_input_files(
            "#photo-input", [{"name": "plan.png", "mimeType": "image/png", "buffer": png.getvalue()}]
        )
        page.wait_for_function("() => document.querySelectorAll('li.photo[data-uploaded=true]').length === 1")
    with _db(field_url).connect() as conn:
        row = conn.execute(text("SELECT content_type, width, height, exif_geom FROM inspection_photo")).one()
    assert tuple(row) == ("image/jpeg", 1600, 800, None)
