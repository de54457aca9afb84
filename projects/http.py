"""HTTP routes of the projects domain: the Gantt picture, the OCDS release package, evidence files.

Same authorization as GraphQL (projects.access): public projects for anyone, partner keys need
projects:read, internal projects and evidence files only for staff. Credentials: `Authorization: Bearer …`
or `X-API-Key`.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get

from app.api.context import authenticate
from app.api.http import attachment, refusal
from app.errors import DomainError
from app.i18n import negotiate_language
from projects import evidence, publish


async def _serve(request: Request[Any, Any, Any], code: str, render: Any, media_type: str) -> Response[bytes]:
    lang = negotiate_language(request.headers.get("accept-language"))
    try:
        principal = await authenticate(request.headers.get("authorization"), request.headers.get("x-api-key"))
        content = await render(principal, code)
    except DomainError as error:
        return refusal(error, lang)
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


@get("/projects/{code:str}/evidence/{evidence_id:int}", include_in_schema=False)
async def milestone_evidence(request: Request[Any, Any, Any], code: str, evidence_id: int) -> Response[bytes]:
    lang = negotiate_language(request.headers.get("accept-language"))
    try:
        principal = await authenticate(request.headers.get("authorization"), request.headers.get("x-api-key"))
        row, content = await evidence.evidence_file(principal, code, evidence_id)
    except DomainError as error:
        return refusal(error, lang)
    return attachment(content, row["filename"], row["media_type"])


ROUTES = [project_gantt, project_ocds, milestone_evidence]
