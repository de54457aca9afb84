"""HTTP download of request documents: only the request's customer and its department's staff.

GET /requests/{code}/documents/{id}   with `Authorization: Bearer …`
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, get

from app.api.context import authenticate
from app.api.http import attachment, refusal
from app.errors import DomainError
from app.i18n import negotiate_language
from app.input import parse_id
from catalog.requests import access, repository, uploads


async def _document(principal: Any, code: str, document_id: int) -> tuple[dict[str, Any], bytes]:
    row = await access.readable(principal, code)
    document = await repository.document_by_id(parse_id(document_id))
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
        return refusal(error, lang)
    return attachment(content, document["filename"], document["content_type"])


ROUTES = [request_document]
