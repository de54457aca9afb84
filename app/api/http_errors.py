"""Litestar's own refusals (no such route, wrong method, body over 10 MB, a malformed path parameter)
in the API's shape instead of Litestar's `{"status_code", "detail"}`: the GraphQL error shape on
/graphql, the plain-HTTP routes' `{"error": …}` elsewhere."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException

from app.api.endpoint import error_response
from app.api.http import refusal
from app.errors import DomainError
from app.i18n import negotiate_language

log = logging.getLogger("app.http")

# status: (code, Vietnamese, English)
MESSAGES = {
    400: ("BAD_REQUEST", "Yêu cầu không hợp lệ.", "Bad request."),
    404: ("NOT_FOUND", "Không có địa chỉ này.", "No such address."),
    405: ("METHOD_NOT_ALLOWED", "Địa chỉ không nhận phương thức HTTP này.", "This address does not take that method."),
    413: ("BODY_TOO_LARGE", "Nội dung yêu cầu quá lớn.", "The request body is too large."),
}  # fmt: skip


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status >= 500:  # ours to fix, not the caller's: logged, and masked as every crash is
        log.error("unhandled", exc_info=exc)
        return Response({"error": "Unexpected error"}, status_code=500)
    code, vi, en = MESSAGES.get(status, (f"HTTP_{status}", f"Yêu cầu bị từ chối ({status}).", f"Refused ({status})."))
    error = DomainError(code, vi, en)
    lang = negotiate_language(request.headers.get("accept-language"))
    response = error_response(error, lang, status) if request.url.path == "/graphql" else refusal(error, lang)
    response.status_code = status
    response.headers.update(exc.headers or {})  # e.g. Allow on a 405
    return response
