"""Every request gets an id (``X-Request-ID``, kept in the audit trail), and a path, query string or JSON /
form body that holds a NUL byte is refused before any route sees it (PostgreSQL text cannot hold one).
File uploads (multipart) are checked by the importers, cell by cell."""

from __future__ import annotations

import json
import uuid

from starlette.types import ASGIApp, Receive, Scope, Send

# Bodies read whole to look for NUL: JSON and URL-encoded forms only, and never more than this.
TEXT_BODIES = (b"application/json", b"application/x-www-form-urlencoded")
MAX_TEXT_BODY = 8 * 1024 * 1024


def _refusal(status: int, message: str, message_en: str, request_id: str) -> tuple[dict, dict]:
    body = json.dumps({"code": "invalid_input" if status == 422 else "too_large", "message": message,
                       "message_en": message_en}, ensure_ascii=False).encode()  # fmt: skip
    start = {"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"x-request-id", request_id.encode()),
        (b"content-length", str(len(body)).encode())]}  # fmt: skip
    return start, {"type": "http.response.body", "body": body}


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
            for m in _refusal(422, "请求地址或参数中含有空字符（NUL），请删除后重试。",
                              "The path or query string holds a NUL byte.", request_id):  # fmt: skip
                await send(m)
            return

        kind = dict(scope.get("headers") or []).get(b"content-type", b"").split(b";")[0].strip().lower()
        if kind in TEXT_BODIES:
            chunks, size, more = [], 0, True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                more = message.get("more_body", False)
                if size > MAX_TEXT_BODY:
                    for m in _refusal(413, "请求体太大。", "Request body too large.", request_id):
                        await send(m)
                    return
            body = b"".join(chunks)
            encoded_nul = b"%00" if kind == b"application/x-www-form-urlencoded" else b"\\u0000"
            if b"\x00" in body or encoded_nul in body.lower():
                for m in _refusal(422, "请求内容中含有空字符（NUL），请删除后重试。", "The body holds a NUL character.",
                                  request_id):  # fmt: skip
                    await send(m)
                return
            replayed = False

            async def receive_again():
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            receive = receive_again

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)
