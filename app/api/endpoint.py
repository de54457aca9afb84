"""The /graphql endpoint: strawberry's Litestar controller with strict HTTP edges and our GraphiQL page.

Malformed bodies answer HTTP 400 with a GraphQL-shaped error (`errors[0].extensions.code`, both
messages, the request id) instead of strawberry's plain-text reasons or a crash; the IDE page is served
from the app's own copy of GraphiQL (app/api/graphiql.py), or not at all when GRAPHIQL is off.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException as LitestarHTTPException
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.litestar import make_graphql_controller

from app.api import graphiql
from app.api.context import context_getter
from app.api.request_body import (
    BadRequest,
    bad_request,
    check_files_map,
    handed_over,
    invalid_multipart,
    json_object,
    too_many_files,
)
from app.api.schema import schema
from app.config import Settings
from app.errors import DomainError
from app.i18n import negotiate_language
from app.requestid import current_request_id

# GraphQL errors that mean the HTTP request itself was wrong (a variable that cannot be what it claims),
# answered 400 although strawberry answers such errors 200.
REQUEST_ERROR_CODES = frozenset({"UPLOAD_EXPECTED"})

_STATUS_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "BODY_TOO_LARGE"}


def error_response(error: DomainError, lang: str, status: int = 400) -> Response[bytes]:
    body = {
        "errors": [
            {
                "message": error.message_en if lang == "en" else error.message_vi,
                "extensions": {
                    "code": error.code,
                    "field": error.field,
                    "messageVi": error.message_vi,
                    "messageEn": error.message_en,
                    "requestId": current_request_id(),
                },
            }
        ]
    }
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type="application/json")


def _from_status(status: int, reason: str) -> DomainError:
    if status == 400:
        return bad_request(reason)
    return DomainError(_STATUS_CODES.get(status, "BAD_REQUEST"), reason, reason)


def graphql_controller(settings: Settings) -> type:
    base: Any = make_graphql_controller(
        schema,
        path="/graphql",
        graphql_ide="graphiql" if settings.graphiql else None,
        context_getter=context_getter,
        allow_queries_via_get=True,
        multipart_uploads_enabled=True,  # service-request documents (GraphQL multipart request spec)
    )
    max_files = settings.max_upload_files

    class GraphQLEndpoint(base):  # strawberry's controller class, made at run time
        def decode_json(self, data: str | bytes) -> object:
            handed = handed_over.get()
            if handed is not None and handed[0] == data:
                return handed[1]  # parsed by the read cache, from these very bytes
            return json_object(data)

        def encode_json(self, data: object) -> bytes:
            # msgspec: several times faster than json.dumps on a page of rows, and UTF-8 rather than
            # \u escapes (the same JSON value), as the compiled executor's and the cache's answers.
            return msgspec.json.encode(data)

        async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, Any]:
            try:
                form = await request.get_form_data()
            except LitestarHTTPException as error:
                if error.detail == "Request Entity Too Large":  # more parts than multipart_form_part_limit
                    raise too_many_files(max_files) from error
                raise invalid_multipart(
                    "Không đọc được nội dung multipart.", "The multipart body cannot be read."
                ) from error
            except ValueError as error:  # a text field that is not UTF-8
                raise invalid_multipart(
                    "Không đọc được nội dung multipart.", "The multipart body cannot be read."
                ) from error
            fields = form.form
            operations, files_map = fields.get("operations"), fields.get("map")
            if not isinstance(operations, (str, bytes)) or not isinstance(files_map, (str, bytes)):
                raise invalid_multipart(
                    "Yêu cầu multipart cần hai trường văn bản 'operations' và 'map'.",
                    "A multipart request needs the text fields 'operations' and 'map'.",
                )
            # Litestar's form holds text fields and files together; only files may stand for an Upload.
            files = {name: value for name, value in fields.items() if isinstance(value, UploadFile)}
            parsed_operations = json_object(operations, "operations")
            parsed_map = json_object(files_map, "map")
            check_files_map(parsed_operations, parsed_map, files, max_files)
            result: dict[str, Any] = replace_placeholders_with_files(parsed_operations, parsed_map, files)
            return result

        async def execute_request(
            self, request: Request[Any, Any, Any], context: Any, root_value: Any
        ) -> Response[Any]:
            lang = negotiate_language(request.headers.get("accept-language"))
            try:
                return await self.run(request, context=context, root_value=root_value)
            except BadRequest as error:
                return error_response(error, lang)
            except HTTPException as error:
                return error_response(_from_status(error.status_code, error.reason), lang, error.status_code)

        async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Response[str]:
            return graphiql.page()

        def create_response(self, response_data: Any, sub_response: Response[bytes]) -> Response[bytes]:
            response: Response[bytes] = super().create_response(response_data, sub_response)
            if isinstance(response_data, dict) and response_data.get("data") is None:
                codes = {(e.get("extensions") or {}).get("code") for e in response_data.get("errors") or ()}
                if codes & REQUEST_ERROR_CODES:
                    response.status_code = 400
            return response

    return GraphQLEndpoint
