"""Every request gets an id (``X-Request-ID``, kept in the audit trail), and a path or query string that
holds a NUL byte is refused before any route sees it."""

from __future__ import annotations

import json
import uuid

from starlette.types import ASGIApp, Receive, Scope, Send


class RequestIdAndNul:
    """Pure ASGI middleware: request id in, request id out; NUL bytes in the URL → 422."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        raw = scope.get("raw_path") or scope.get("path", "").encode()
        query = scope.get("query_string", b"")
        if (
            b"\x00" in raw
            or b"%00" in raw.lower()
            or b"%00" in query.lower()
            or "\x00" in scope.get("path", "")
        ):
            body = json.dumps(
                {"code": "invalid_input", "message": "请求地址或参数中含有空字符（NUL），请删除后重试。",
                 "message_en": "The path or query string holds a NUL byte."}, ensure_ascii=False,
            ).encode()  # fmt: skip
            await send({"type": "http.response.start", "status": 422, "headers": [
                (b"content-type", b"application/json"), (b"x-request-id", request_id.encode()),
                (b"content-length", str(len(body)).encode())]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)
