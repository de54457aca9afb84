"""HTTP download of request documents: only the request's customer and its department's staff.

GET /requests/{code}/documents/{id}   with `Authorization: Bearer …`
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from litestar import Request, Response, get

from app.api.context import authenticate, negotiate_language
from app.errors import DomainError, NotFound, PermissionDenied, Unauthenticated
from catalog.requests import access, repository, uploads

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


async def _document(principal: Any, code: str, document_id: int) -> tuple[dict[str, Any], bytes]:
    row = await access.readable(principal, code)
    document = await repository.document_by_id(document_id)
    if document is None or document["request"] != row["id"]:
        raise access.request_not_found()
    return document, await asyncio.to_thread(uploads.path_of(document["stored_path"]).read_bytes)


@get("/requests/{code:str}/documents/{document_id:int}", include_in_schema=False)
async def request_document(request: Request[Any, Any, Any], code: str, document_id: int) -> Response[bytes]:
    lang = negotiate_language(request.headers.get("accept-language"))
    try:
        principal = await authenticate(request.headers.get("authorization"), request.headers.get("x-api-key"))
        document, content = await _document(principal, code, document_id)
    except DomainError as error:
        return _refusal(error, lang)
    filename = document["filename"].encode("ascii", "replace").decode().replace('"', "")
    return Response(
        content,
        media_type=document["content_type"],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


ROUTES = [request_document]
