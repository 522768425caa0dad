"""One map from every error to one response body: ``{code, message (zh-CN), message_en}``.

Domain errors carry their own status. FastAPI's validation errors, unknown paths and methods, and values
the database refuses (a number too large, a malformed value) get the same body with a Chinese message; a
page asked for by an anonymous browser is redirected to the login page. Nothing unexpected ever shows a
stack trace or a server path: it is logged with its request id and answered with a generic 500.
"""

from __future__ import annotations

import html
import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.core.errors import SpotcheckError

log = logging.getLogger("spotcheck")

_TYPES_ZH = {
    "missing": "缺少此项",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_parsing": "应为 true 或 false",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为日期时间",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "dict_type": "应为对象（JSON 对象）",
    "list_type": "应为列表",
    "model_attributes_type": "应为对象（JSON 对象）",
    "json_invalid": "不是有效的 JSON",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "too_short": "项数太少",
    "too_long": "项数太多",
    "greater_than_equal": "太小",
    "greater_than": "太小",
    "less_than_equal": "太大",
    "less_than": "太大",
    "literal_error": "取值无效",
    "enum": "取值无效",
    "value_error": "取值无效",
    "extra_forbidden": "不认识此项",
    "string_pattern_mismatch": "格式不对",
}

_PLACES_ZH = {
    "path": "路径参数",
    "query": "查询参数",
    "body": "请求体",
    "header": "请求头",
    "cookie": "Cookie",
}


def _describe(error: dict) -> tuple[str, str]:
    loc = [str(p) for p in error.get("loc", ())]
    place = _PLACES_ZH.get(loc[0], loc[0]) if loc else "请求"
    field = ".".join(loc[1:])  # empty for the whole body (a model's own validator)
    kind = error.get("type", "")
    zh = _TYPES_ZH.get(kind, "取值无效")
    ctx = error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than") and ("ge" in ctx or "gt" in ctx):
        zh += f"（不能小于 {ctx.get('ge', ctx.get('gt'))}）"
    elif kind in ("less_than_equal", "less_than") and ("le" in ctx or "lt" in ctx):
        zh += f"（不能大于 {ctx.get('le', ctx.get('lt'))}）"
    elif kind in ("literal_error", "enum") and "expected" in ctx:
        zh += f"（可选：{ctx['expected']}）"
    elif kind == "string_too_short" and "min_length" in ctx:
        zh += f"（至少 {ctx['min_length']} 个字符）"
    elif kind == "string_too_long" and "max_length" in ctx:
        zh += f"（不能超过 {ctx['max_length']} 个字符）"
    elif kind == "value_error" and isinstance(ctx.get("error"), ValueError):
        reason = str(ctx["error"])  # a validator's own (Chinese) reason, e.g. 结束日期不能早于开始日期
        if any("\u4e00" <= ch <= "\u9fff" for ch in reason):
            zh = reason
    where = f"{place} {field}" if field else place
    return f"{where}：{zh}", f"{'.'.join(loc)}: {error.get('msg', kind)}"


def _refusal_page(exc: SpotcheckError) -> str:
    """A plain Chinese page for a browser refused a page (no script: the message is escaped text)."""
    title = "无权访问" if exc.status_code == 403 else "未找到"
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title><link rel="stylesheet" href="/web/style.css"></head><body><main>'
        f"<h1>{title}</h1><p>{html.escape(exc.message)}</p>"
        '<p><a href="/">返回首页</a></p></main></body></html>'
    )


def _body(code: str, message: str, message_en: str, **extra) -> dict:
    return {"code": code, "message": message, "message_en": message_en, **extra}


def install(app: FastAPI) -> None:
    """Register every handler on the app."""

    @app.exception_handler(SpotcheckError)
    async def _domain(request: Request, exc: SpotcheckError):
        from service.accounts.deps import LoginRequired, PasswordChangeRequired

        wants_page = "text/html" in request.headers.get("accept", "") and request.method == "GET"
        if isinstance(exc, LoginRequired) or (wants_page and exc.status_code == 401):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        if isinstance(exc, PasswordChangeRequired) and wants_page:
            return RedirectResponse("/password", status_code=303)
        if wants_page and exc.status_code in (403, 404):
            return HTMLResponse(_refusal_page(exc), status_code=exc.status_code)
        return JSONResponse(exc.to_dict(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        described = [_describe(e) for e in exc.errors()[:20]]
        zh = "；".join(d[0] for d in described) or "请求无效"
        en = "; ".join(d[1] for d in described) or "invalid request"
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type"), "message": d[0]}
                  for e, d in zip(exc.errors()[:20], described, strict=True)]  # fmt: skip
        return JSONResponse(_body("invalid_input", f"请求有误：{zh}。", en, errors=errors), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        messages = {
            404: ("not_found", "没有这个地址，请检查链接（接口文档见 /docs）。", "No such path."),
            405: ("method_not_allowed", "此地址不支持该请求方法。", "Method not allowed."),
            413: ("too_large", "请求体太大。", "Request body too large."),
        }
        code, zh, en = messages.get(exc.status_code, ("http_error", "请求无法处理。", str(exc.detail)))
        return JSONResponse(_body(code, zh, en), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError):
        # A value the database refused (out of range, malformed): the caller's input, never a 500.
        return JSONResponse(
            _body(
                "invalid_input",
                "请求中的某个值无效或超出范围，请检查后重试。",
                "A value is invalid or out of range.",
            ),
            status_code=422,
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError):
        # A constraint or a freeze trigger refused the write: the data changed under the caller, or is frozen.
        return JSONResponse(
            _body("conflict", "操作与现有数据冲突（可能已被他人修改或已冻结），请刷新后重试。",
                  "The write conflicts with the current data (changed meanwhile, or frozen)."),
            status_code=409,
        )  # fmt: skip

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError):
        if getattr(exc.orig, "sqlstate", None) in (
            "40001",
            "40P01",
            "55P03",
        ):  # serialization, deadlock, lock
            return JSONResponse(
                _body(
                    "conflict",
                    "同时有其他操作在进行，请稍后重试。",
                    "Another operation ran at the same time; retry.",
                ),
                status_code=409,
            )
        log.exception("database error on %s %s", request.method, request.url.path)
        return JSONResponse(
            _body("database_unavailable", "数据库暂时不可用，请稍后重试。", "The database is unavailable."),
            status_code=503,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        request_id = getattr(request.state, "request_id", None)
        log.exception("unexpected error on %s %s (request %s)", request.method, request.url.path, request_id)
        return JSONResponse(
            _body("internal_error", f"服务内部错误，请联系管理员（请求编号 {request_id}）。",
                  f"Internal error (request {request_id}).", request_id=request_id),
            status_code=500,
        )  # fmt: skip
