"""Accounts: Argon2id, strength, lockout, forced change, sessions (cookie flags, expiry, revocation),
CSRF and Origin, API tokens, administration, and the audit rows each of these writes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from service.accounts import passwords
from service.core.errors import InvalidInput
from tests.factories import PASSWORD, make_account

ORIGIN = {"Origin": "http://testserver"}


def login(client, username: str, password: str = PASSWORD, **headers):
    return client.post("/api/v1/session", json={"username": username, "password": password},
                       headers={**ORIGIN, **headers})  # fmt: skip


def csrf(client) -> dict[str, str]:
    return {**ORIGIN, "X-CSRF-Token": client.cookies.get("spotcheck_csrf")}


def test_passwords_are_argon2id_and_weak_ones_refused():
    stored = passwords.hash_password("Kx9-long-enough")
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "Kx9-long-enough")
    assert not passwords.verify_password(stored, "kx9-long-enough")
    assert not passwords.verify_password(None, "anything")
    for weak in ("short1A!", "alllowercase1", "password1", "zhangsan-Pass1"):
        with pytest.raises(InvalidInput):
            passwords.check_strength(weak, 10, "zhangsan")
    passwords.check_strength("a much longer passphrase", 10, "zhangsan")  # 16+ characters
    generated = passwords.generate_password()
    passwords.check_strength(generated, 10)


def test_login_sets_a_hardened_session_cookie_and_logout_revokes_it(anon_client, engine):
    make_account(engine, "zhang", "province")
    response = login(anon_client, "zhang")
    assert response.status_code == 200 and response.json() == {"next": "/", "must_change_password": False}
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("spotcheck_session="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie and "Max-Age=" in session_cookie
    assert "Secure" not in session_cookie  # plain HTTP here; SPOTCHECK_SECURITY_HTTPS=true adds it
    me = anon_client.get("/api/v1/me").json()
    assert me["username"] == "zhang" and me["role_label"] == "省专班" and me["scope_all"]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT id FROM account_session")).scalar()
    assert stored != anon_client.cookies.get("spotcheck_session")  # only a digest is kept
    old = anon_client.cookies.get("spotcheck_session")
    assert anon_client.delete("/api/v1/session", headers=csrf(anon_client)).status_code == 204
    anon_client.cookies.set("spotcheck_session", old)
    assert anon_client.get("/api/v1/me").status_code == 401


def test_wrong_passwords_lock_the_account(anon_client, engine):
    make_account(engine, "wang", "county", scope_code="620102")
    for _ in range(5):
        refused = login(anon_client, "wang", "Wrong-password-1")
        assert refused.status_code == 401 and refused.json()["message"] == "用户名或密码不正确。"
    locked = login(anon_client, "wang")  # even the right password
    assert locked.status_code == 403 and "已锁定" in locked.json()["message"]
    unknown = login(anon_client, "nobody")
    assert unknown.status_code == 401
    with engine.connect() as conn:
        outcomes = conn.execute(text("SELECT outcome FROM audit_event WHERE action = 'login'")).scalars().all()
    assert outcomes.count("failed") == 7


def test_login_is_rate_limited_per_address(anon_client, engine):
    make_account(engine, "zhao", "province")
    codes = [login(anon_client, "zhao", "Wrong-password-1").status_code for _ in range(12)]
    assert 429 in codes and codes.index(429) == 10
    assert "秒后再试" in login(anon_client, "zhao").json()["message"]


def test_a_first_password_must_be_changed_before_anything_else(anon_client, client):
    created = client.post("/api/v1/accounts", json={
        "username": "liu", "name": "刘六", "organisation": "兰州市专班", "role": "city", "scope_code": "620100",
    })  # fmt: skip
    assert created.status_code == 201
    first = created.json()["password"]
    answer = login(anon_client, "liu", first)
    assert answer.json() == {"next": "/password", "must_change_password": True}
    blocked = anon_client.get("/api/v1/cities")
    assert blocked.status_code == 403 and blocked.json()["code"] == "password_change_required"
    weak = anon_client.post("/api/v1/me/password", json={"current": first, "new": "abc"}, headers=csrf(anon_client))
    assert weak.status_code == 422 and "密码强度不足" in weak.json()["message"]
    changed = anon_client.post("/api/v1/me/password", json={"current": first, "new": "Lanzhou-2024-ok"},
                               headers=csrf(anon_client))  # fmt: skip
    assert changed.status_code == 204
    assert anon_client.get("/api/v1/cities").status_code == 200


def test_cookie_writes_need_the_csrf_token_and_a_same_origin_origin(anon_client, engine):
    make_account(engine, "sun", "province")
    login(anon_client, "sun")
    body = {"name": "脚本"}
    no_token = anon_client.post("/api/v1/me/tokens", json=body, headers=ORIGIN)
    assert no_token.status_code == 403 and "CSRF" in no_token.json()["message"]
    cross_site = anon_client.post("/api/v1/me/tokens", json=body,
                                  headers={**csrf(anon_client), "Origin": "http://evil.example"})  # fmt: skip
    assert cross_site.status_code == 403 and "跨站" in cross_site.json()["message"]
    # A cross-site HTML form post (as an attacker's page would send it, cookie attached).
    form = anon_client.post("/api/v1/plans/presets/gansu-2024", data={"x": "1"},
                            headers={"Origin": "http://evil.example"})  # fmt: skip
    assert form.status_code == 403
    upload = anon_client.post("/api/v1/imports/houses", files={"file": ("a.csv", b"x,y\n1,2\n", "text/csv")},
                              headers={"Origin": "http://evil.example"})  # fmt: skip
    assert upload.status_code == 403
    ok = anon_client.post("/api/v1/me/tokens", json=body, headers=csrf(anon_client))
    assert ok.status_code == 201


def test_api_tokens_are_hashed_at_rest_and_revocable(anon_client, engine):
    account = make_account(engine, "zhou", "leader", scope_code="620100")
    assert anon_client.get("/api/v1/me", headers=account.headers).json()["username"] == "zhou"
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash, prefix FROM api_token")).one()
    assert account.token not in stored.token_hash and account.token.startswith(stored.prefix)
    tokens = anon_client.get("/api/v1/me/tokens", headers=account.headers).json()
    assert "token" not in tokens[0] or tokens[0]["token"] is None
    # A bearer token is not an ambient credential: no CSRF token needed.
    assert anon_client.delete(f"/api/v1/me/tokens/{tokens[0]['id']}", headers=account.headers).status_code == 204
    assert anon_client.get("/api/v1/me", headers=account.headers).status_code == 401


def test_sessions_expire_and_disabling_an_account_ends_them(anon_client, client, engine):
    account = make_account(engine, "wu", "county", scope_code="620102")
    login(anon_client, "wu")
    assert anon_client.get("/api/v1/me").status_code == 200
    with engine.begin() as conn:
        conn.execute(text("UPDATE account_session SET last_seen_at = now() - interval '3 hours'"))
    assert anon_client.get("/api/v1/me").status_code == 401  # idle for longer than the setting
    login(anon_client, "wu")
    assert client.patch(f"/api/v1/accounts/{account.id}", json={"active": False}).status_code == 200
    assert anon_client.get("/api/v1/me").status_code == 401
    assert anon_client.get("/api/v1/me", headers=account.headers).status_code == 401
    assert login(anon_client, "wu").status_code == 403


def test_accounts_are_managed_by_the_provincial_office_only(client, engine):
    leader = make_account(engine, "qian", "leader")
    assert client.get("/api/v1/accounts", headers=leader.headers).status_code == 403
    bad = client.post("/api/v1/accounts", json={
        "username": "firm1", "name": "某机构", "organisation": "某检测公司", "role": "firm", "scope_plan_id": 99,
        "scope_group": "第一组"})  # fmt: skip
    assert bad.status_code == 404 and "抽样方案" in bad.json()["message"]
    plan = client.post("/api/v1/plans/presets/gansu-2024").json()
    group = plan["spec"]["groups"][0]["name"]
    firm = client.post("/api/v1/accounts", json={
        "username": "firm1", "name": "某机构负责人", "organisation": "某检测公司", "role": "firm",
        "scope_plan_id": plan["id"], "scope_group": group})  # fmt: skip
    assert firm.status_code == 201, firm.text
    reset = client.post(f"/api/v1/accounts/{firm.json()['account']['id']}/password-reset")
    assert reset.status_code == 200 and len(reset.json()["password"]) >= 16
    accounts = client.get("/api/v1/accounts").json()
    assert all("password_hash" not in a for a in accounts)
    taken = client.post("/api/v1/accounts", json={
        "username": "FIRM1", "name": "x", "organisation": "y", "role": "province"})  # fmt: skip
    assert taken.status_code == 409


def test_firm_scope_is_its_group_units(client, engine):
    plan = client.post("/api/v1/plans/presets/gansu-2024").json()
    group = plan["spec"]["groups"][0]
    firm = make_account(engine, "firm2", "firm", plan_id=plan["id"], group=group["name"])
    me = client.get("/api/v1/me", headers=firm.headers).json()
    assert sorted(me["scope_units"]) == sorted(group["units"]) and not me["scope_all"]
    assert me["role_label"] == "第三方机构" and "draws.replace" in me["permissions"]


def test_every_audit_row_names_its_account_and_request(client, engine):
    client.post("/api/v1/plans/presets/gansu-2024")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM audit_event WHERE action = 'plan_create'")).mappings().one()
    assert row["account_id"] == client.admin.id and row["actor"] == "省专班测试管理员（admin-test）"
    assert len(row["request_id"]) == 32 and row["at"] > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
