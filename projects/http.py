"""HTTP routes of the projects domain: the Gantt picture and the OCDS release package.

Same authorization as GraphQL (projects.access): public projects for anyone, partner keys need
projects:read, internal projects only for staff. Credentials: `Authorization: Bearer …` or `X-API-Key`.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get

from app.api.context import authenticate, negotiate_language
from app.errors import DomainError, NotFound, PermissionDenied, Unauthenticated
from projects import publish

_STATUS = {Unauthenticated: 401, PermissionDenied: 403, NotFound: 404}


def _refusal(error: DomainError, lang: str) -> Response[bytes]:
    status = next((code for family, code in _STATUS.items() if isinstance(error, family)), 400)
    body = {
        "error": {
            "code": error.code,
            "message": error.message_en if lang == "en" else error.message_vi,
            "messageVi": error.message_vi,
            "messageEn": error.message_en,
        }
    }
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type="application/json")


async def _serve(request: Request[Any, Any, Any], code: str, render: Any, media_type: str) -> Response[bytes]:
    lang = negotiate_language(request.headers.get("accept-language"))
    try:
        principal = await authenticate(request.headers.get("authorization"), request.headers.get("x-api-key"))
        content = await render(principal, code)
    except DomainError as error:
        return _refusal(error, lang)
    return Response(content, media_type=media_type, headers={"Cache-Control": "no-store"})


async def _gantt(principal: Any, code: str) -> bytes:
    return (await publish.gantt_svg(principal, code)).encode()


async def _ocds(principal: Any, code: str) -> bytes:
    package = await publish.ocds_package(principal, code)
    return json.dumps(package, ensure_ascii=False, indent=2).encode()


@get("/projects/{code:str}/gantt.svg", include_in_schema=False)
async def project_gantt(request: Request[Any, Any, Any], code: str) -> Response[bytes]:
    return await _serve(request, code, _gantt, "image/svg+xml")


@get("/projects/{code:str}/ocds.json", include_in_schema=False)
async def project_ocds(request: Request[Any, Any, Any], code: str) -> Response[bytes]:
    return await _serve(request, code, _ocds, "application/json")


ROUTES = [project_gantt, project_ocds]
