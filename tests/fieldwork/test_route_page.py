"""The inspectors' route page /route in a real headless Chromium, on a phone, on the field world.

An inspector logs in through the login form and finds the day's stops in the server's order with its
arrival times, the line and numbered markers on the map, the navigation links the API gives, a GPX download
that parses, and the route still there without signal. A firm's leader opens another team by its id; an
inspector asking for another team is refused in Chinese. Without signal the page itself opens from its service
worker (web/route-sw.js) with the kept route; logging out forgets the kept routes.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import gpxpy

from tests.web.checks import assert_no_console_errors, assert_only_the_service, logged_in_page, save

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
PHONE = {
    "viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
    "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "accept_downloads": True,
}  # fmt: skip
READY = "body[data-state=ready]"
OFFLINE = "net::ERR_INTERNET_DISCONNECTED"  # the browser's own note on each request made without network


def phone_page(browser, base: str, name: str, world: dict, device: dict = PHONE):
    """A phone-sized page (or ``device``'s) logged in as account ``name`` of the field world through the login
    form, recording its requests and console errors (tests.web.checks.logged_in_page)."""
    return logged_in_page(browser, base, world["accounts"][name], **device)


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY)


def _api(page, base: str, path: str):
    r = page.request.get(base + path)
    assert r.ok, r.text()
    return r.json()


def _shown(page) -> list[tuple[int, str, str]]:
    """The stops the page lists: sequence, arrival text and survey code, in order."""
    return [(int(li.get_attribute("data-seq")), li.locator(".arrival").inner_text(), li.locator(".code").inner_text())
            for li in page.locator("li.stop").all()]  # fmt: skip


def _expected(vehicles: list[dict]) -> list[tuple[int, str, str]]:
    return [(s["seq"], f"{s['arrival'][11:16]} 到达", s["survey_code"]) for v in vehicles for s in v["stops"]]


def _nav_links(page) -> list[dict]:
    return [{app: li.locator(f"a.nav.{app}").get_attribute("href") for app in ("amap", "baidu", "tencent")}
            for li in page.locator("li.stop").all()]  # fmt: skip


def _topmost_marker(page) -> int:
    """The index of a stop marker that is the topmost element at its centre (markers may overlap)."""
    index = page.evaluate(
        """() => [...document.querySelectorAll(".leaflet-marker-pane .stop-marker")].findIndex((m) => {
            const r = m.getBoundingClientRect();
            return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest(".stop-marker") === m;
        })"""
    )
    assert index >= 0, "no marker is in view"
    return index


def _choose(page, day: str) -> None:
    page.select_option("#day-select", day)
    page.wait_for_selector(READY)


def test_inspector_follows_the_days_route_on_a_phone_and_keeps_it_offline(browser, field_server, tmp_path):
    base, world = field_server
    team = world["teams"]["甲组"]
    first = world["first_day"]
    with phone_page(browser, base, "i1", world) as page:
        _open(page, base + "/route")
        assert page.locator("#team-title").inner_text().endswith("甲组")
        today = page.locator("#day-select").input_value()
        # Today (the server's, in Gansu) is planned: it is the default. The plan starts on the session's
        # first day; a run that crosses midnight in Gansu finds the next planned day the default.
        server_today = page.evaluate("() => window.spotcheckRoute.today")
        assert today == max(first.isoformat(), server_today)
        days = _api(page, base, f"/api/v1/field/teams/{team}/days?day={today}")
        stops = [s for v in days for s in v["stops"]]
        assert stops, "the first day of the plan has stops"

        # The stops in the server's order with its arrival times, records, priorities and links.
        assert _shown(page) == _expected(days)
        assert _nav_links(page) == [s["links"] for s in stops]
        for link in page.locator("a.nav").all():
            assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener"
        for li, stop in zip(page.locator("li.stop").all(), stops, strict=True):
            assert li.get_attribute("data-priority") == stop["priority"]
            badge = li.locator(".badge.priority")
            if stop["priority"] == "normal":
                assert badge.is_hidden()
            else:
                assert badge.inner_text() == stop["priority_label"]
            assert stop["hazard_label"] in li.locator(".facts").inner_text()
            assert li.locator(".badge.visit").inner_text() == ("已入户" if stop["visited"] else "未入户")
        summary = page.locator("section.vehicle .summary").first.inner_text()
        assert days[0]["start_at"][11:16] in summary and days[0]["base_name"] in summary
        assert f"{days[0]['distance_km']:.1f} 公里" in summary
        legend = page.locator("#legend").inner_text()
        assert all(s["priority_label"] in legend for s in stops)
        assert page.locator("#synthetic-banner").is_visible()  # the demo's houses are synthetic
        assert "CGCS2000" in page.locator("#crs-note").inner_text()
        assert "GCJ-02" in page.locator("#crs-note").inner_text()

        # The line and one numbered marker per stop (and the base) on the map.
        assert page.locator(".leaflet-overlay-pane path").count() >= 1
        markers = page.locator(".leaflet-marker-pane .stop-marker")
        assert [int(m.inner_text()) for m in markers.all()] == [s["seq"] for s in stops]
        assert page.locator(".leaflet-marker-pane .base-marker").count() == 1
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        save(page.screenshot(), "route-phone.png", tmp_path)

        # Tapping a marker focuses its stop in the list; tapping a stop focuses its marker.
        shown = _topmost_marker(page)
        markers.nth(shown).click()
        page.wait_for_selector(f"li.stop.focused[data-seq='{stops[shown]['seq']}']")
        assert "focused" in (markers.nth(shown).get_attribute("class") or "")
        other_stop = (shown + 1) % len(stops)
        page.locator("li.stop").nth(other_stop).locator(".place").tap()
        assert "focused" in (markers.nth(other_stop).get_attribute("class") or "")
        assert "focused" not in (markers.nth(shown).get_attribute("class") or "")
        assert page.locator("li.stop.focused").count() == 1
        save(page.screenshot(), "route-phone-focused.png", tmp_path)

        # The day's GPX through its link: a waypoint for the base and each stop.
        with page.expect_download() as info:
            page.locator("section.vehicle a.dl.gpx").first.click()
        gpx = gpxpy.parse(info.value.path().read_text(encoding="utf-8"))
        assert len(gpx.waypoints) == len(stops) + 1
        assert [w.type for w in gpx.waypoints[1:]] == [s["priority"] for s in stops]
        vehicle = days[0]["vehicle"]
        assert (
            page.locator("a.dl.html").first.get_attribute("href").endswith(f"format=html&vehicle={vehicle}")
        )
        assert page.locator("a.dl.sheet").first.get_attribute("href") == (
            f"/route/sheet?team={team}&day={today}&vehicle={vehicle}")  # fmt: skip

        # Marking a stop visited, after the confirmation: the page and the API say so.
        target = next(s for s in stops if not s["visited"])
        item = page.locator(f"li.stop[data-house='{target['house_id']}']")
        page.once("dialog", lambda dialog: dialog.accept())
        item.locator("button.mark").tap()
        page.wait_for_selector(f"li.stop[data-house='{target['house_id']}'][data-visited='true']")
        assert item.locator(".badge.visit").inner_text() == "已入户"
        assert item.locator("button.mark").is_hidden()
        after = _api(page, base, f"/api/v1/field/teams/{team}/days?day={today}")
        assert next(s for v in after for s in v["stops"] if s["house_id"] == target["house_id"])["visited"]

        # Another day online, then back to the first without network: the saved route, said so.
        other = page.locator("#day-select option").nth(1).get_attribute("value")
        _choose(page, other)
        other_days = _api(page, base, f"/api/v1/field/teams/{team}/days?day={other}")
        assert _shown(page) == _expected(other_days)
        assert page.locator("#offline-note").is_hidden()
        page.context.set_offline(True)
        _choose(page, today)
        note = page.locator("#offline-note")
        assert note.is_visible()
        assert note.inner_text().startswith("离线：显示 ") and note.inner_text().endswith(" 保存的路线")
        assert _shown(page) == _expected(after)
        assert _nav_links(page) == [s["links"] for s in stops]
        assert (
            page.locator(f"li.stop[data-house='{target['house_id']}']").get_attribute("data-visited")
            == "true"
        )
        assert page.locator(".leaflet-marker-pane .stop-marker").count() == len(stops)
        save(page.screenshot(), "route-phone-offline.png", tmp_path)
        page.context.set_offline(False)

        assert_only_the_service(page, base)
        assert not [e for e in page.console_errors if OFFLINE not in e], page.console_errors


def test_leader_opens_a_team_by_id_and_an_inspector_is_refused_another_team(browser, field_server):
    base, world = field_server
    other = world["teams"]["乙组"]
    with phone_page(browser, base, "lead", world) as page:
        _open(page, base + "/route")  # no team chosen: a hint to the firm's page
        assert page.locator("#hint").is_visible()
        assert page.locator("#hint a").get_attribute("href") == "/firm"
        assert page.locator("#route").is_hidden()

        second = (world["first_day"] + dt.timedelta(days=1)).isoformat()
        plan = _api(page, base, f"/api/v1/field/teams/{other}/plan")
        assert second in {d["day"] for d in plan["days"]}
        _open(page, base + f"/route?team={other}&day={second}")
        assert page.locator("#team-title").inner_text().endswith("乙组")
        assert page.locator("#day-select").input_value() == second
        days = _api(page, base, f"/api/v1/field/teams/{other}/days?day={second}")
        assert _shown(page) == _expected(days)
        assert page.locator("li.stop button.mark:visible").count() == sum(
            not s["visited"] for v in days for s in v["stops"])  # a firm's leader may mark visits  # fmt: skip
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

        # A team without a plan yet: said so.
        token = {"Authorization": f"Bearer {world['accounts']['lead']['token']}"}
        firm = world["firms"]["第一组"]
        r = page.request.post(
            base + f"/api/v1/field/firms/{firm}/teams", headers=token, data={"name": "丙组"}
        )
        assert r.status == 201, r.text()
        _open(page, base + f"/route?team={r.json()['id']}")
        assert "还没有路线规划" in page.locator("#message").inner_text()
        assert page.locator("#route").is_hidden()
        assert_only_the_service(page, base)
        assert_no_console_errors(page, 404)

    with phone_page(browser, base, "i3", world) as page:  # an inspector in no team yet
        _open(page, base + "/route")
        assert "还没有加入任何检查组" in page.locator("#hint").inner_text()
        assert_no_console_errors(page)

    with phone_page(browser, base, "i1", world) as page:
        page.goto(base + f"/route?team={other}")
        page.wait_for_selector("body[data-state=error]")
        message = page.locator("#message")
        assert message.is_visible()
        assert "不能查看其他检查组" in message.inner_text()
        assert page.locator("#route").is_hidden()
        assert_only_the_service(page, base)
        assert_no_console_errors(page, 403)


def test_the_province_reads_a_route_on_a_desktop_without_marking_visits(browser, field_server, tmp_path):
    base, world = field_server
    team = world["teams"]["甲组"]
    with phone_page(browser, base, "prov", world, DESKTOP) as page:
        _open(page, base + f"/route?team={team}")
        assert page.locator("li.stop").count() > 0
        assert page.locator("li.stop button.mark:visible").count() == 0  # field.visit is not the province's
        # Side by side on a wide screen: the list on the left, the map on the right, nothing wider than the page.
        stops, map_box = page.locator("#vehicles").bounding_box(), page.locator("#map-box").bounding_box()
        assert stops["x"] + stops["width"] <= map_box["x"] and map_box["height"] > 600
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
        save(page.screenshot(), "route-desktop.png", tmp_path)
        assert_only_the_service(page, base)
        assert_no_console_errors(page)


KEPT_ROUTES = "() => Object.keys(localStorage).filter((k) => k.startsWith('spotcheck.route.'))"
SHELL_CACHE = "spotcheck-route-shell-v1"  # web/route-sw.js's CACHE
SHELL = {"/route", "/web/route.js", "/web/api.js", "/web/dom.js", "/web/style.css", "/web/route.css",
         "/web/inspect-store.js", "/web/inspect-db.js",  # dom.js -> inspect-store.js -> the database's schema
         "/web/vendor/leaflet/leaflet.js", "/web/vendor/leaflet/leaflet.css"}  # what the page loads  # fmt: skip


def test_the_route_page_itself_opens_without_signal_and_logout_forgets_the_kept_routes(browser, field_server):
    base, world = field_server
    team = world["teams"]["甲组"]
    with phone_page(browser, base, "i1", world) as page:
        context = page.context
        _open(page, base + "/route")
        sw = page.request.get(base + "/web/route-sw.js")
        assert sw.ok and sw.headers["service-worker-allowed"] == "/route"
        assert sw.headers["cache-control"] == "no-cache"
        # The worker installs (the shell kept) and controls the page; a reload online if it did not claim it.
        assert page.evaluate("async () => (await navigator.serviceWorker.ready).scope") == base + "/route"
        if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
            _open(page, base + "/route")
        controller = page.evaluate("() => navigator.serviceWorker.controller?.scriptURL")
        assert controller == base + "/web/route-sw.js"
        today = page.locator("#day-select").input_value()
        days = _api(page, base, f"/api/v1/field/teams/{team}/days?day={today}")
        assert page.locator("#offline-note").is_hidden()
        online_errors = list(page.console_errors)
        # The worker's fetching of the plan's house forms ends before the signal goes (else its fetches cut
        # off mid-way are what the worker reports, racing the shell's).
        page.wait_for_function("async () => (await window.spotcheckRoute.prefetched, true)")

        # No signal: the page itself comes from the worker, the route from the copies route.js kept.
        # set_offline cuts the worker's own fetches too (Chromium reports them on the context, marked with
        # their service worker): the worker tries the service first, then serves what it kept.
        failed = []  # (by the worker?, URL, the browser's reason)
        context.on("requestfailed", lambda r: failed.append((bool(r.service_worker), urlparse(r.url), r.failure)))
        served = []
        page.on("response", lambda r: served.append(r))
        context.set_offline(True)
        assert page.reload().from_service_worker
        page.wait_for_selector(READY)
        assert page.locator("#team-title").inner_text().endswith("甲组")
        note = page.locator("#offline-note")
        assert note.is_visible() and note.inner_text().startswith("离线：显示 ")
        assert _shown(page) == _expected(days)
        assert page.locator(".leaflet-marker-pane .stop-marker").count() == len(_expected(days))
        assert page.evaluate("() => typeof L") == "object"  # Leaflet from the kept shell
        assert {f for _, _, f in failed} == {OFFLINE}
        # Every shell file reached the page from the worker's kept copy. (The worker's own failed network
        # tries are reported on the context only sometimes in a loaded run, so they are not counted here.)
        assert {urlparse(r.url).path for r in served if r.from_service_worker} >= SHELL
        by_page = [u.path for worker, u, _ in failed if not worker]
        assert by_page and all(path.startswith("/api/") for path in by_page)  # the shell never failed the page
        # The only console errors are the browser's note on each API request the page made without network
        # (route.js asks the service first, then shows its copy); the worker's failed fetches are not logged
        # in the page's console.
        offline_errors = page.console_errors[len(online_errors):]
        assert offline_errors == [f"Failed to load resource: {OFFLINE}"] * len(by_page), offline_errors
        assert not online_errors, online_errors
        context.set_offline(False)

        # Logging out removes every kept route from the browser; the shell stays (no personal data in it).
        assert page.evaluate(KEPT_ROUTES)
        page.locator("#user button.logout").click()
        page.wait_for_url(base + "/login")
        assert page.evaluate(KEPT_ROUTES) == []
        # Logged out and online, /route is the service's redirect to the login page, and it was not kept.
        page.goto(base + "/route")
        assert page.url.startswith(base + "/login?next=")
        kept_shell = f"async () => (await (await caches.open('{SHELL_CACHE}')).match('/route'))?.text()"
        shell = page.evaluate(kept_shell)
        assert shell and '<script type="module" src="/web/route.js">' in shell
        # Without signal after logout: the page opens from the kept shell, and shows no one's route.
        context.set_offline(True)
        page.goto(base + "/route")
        page.wait_for_selector("body[data-state=error]")
        assert "无法连接服务" in page.locator("#message").inner_text()
        assert page.locator("li.stop").count() == 0
        context.set_offline(False)
        assert_only_the_service(page, base)
        assert set(page.console_errors) <= {f"Failed to load resource: {OFFLINE}"}, page.console_errors
