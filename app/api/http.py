"""Plain-HTTP routes (downloads, pictures, OCDS) answer refusals the same way: a JSON body with the
stable code and both messages, and the HTTP status of the error family."""

from __future__ import annotations

import json

from litestar import Response

from app.errors import DomainError, NotFound, PermissionDenied, Unauthenticated
from app.files import safe_filename

_STATUS = {Unauthenticated: 401, PermissionDenied: 403, NotFound: 404}


def refusal(error: DomainError, lang: str) -> Response[bytes]:
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


def attachment(content: bytes, filename: str, media_type: str) -> Response[bytes]:
    """A private file: never cached, always downloaded (never rendered inline from our origin), under a name
    whose extension matches its type (names stored before that rule are corrected here too)."""
    ascii_name = safe_filename(filename, media_type).encode("ascii", "replace").decode()
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
