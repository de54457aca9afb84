"""Milestone evidence files: where they are served and who may download them (staff only: evidence is
internal, like the staff Milestone type)."""

from __future__ import annotations

import asyncio
from typing import Any

from app import files
from app.auth.principal import Principal
from app.errors import Noun, not_found
from app.guards import require_staff
from app.input import lookup_code, parse_id
from projects import repository

DOCUMENT = Noun("tài liệu", "document")


def evidence_path(code: str, evidence_id: int) -> str:
    return f"/projects/{code}/evidence/{evidence_id}"


async def evidence_file(principal: Principal, code: str, evidence_id: int) -> tuple[dict[str, Any], bytes]:
    """An uploaded evidence file with its row (name, media type)."""
    require_staff(principal)
    project = await repository.project_by_code(lookup_code(code))
    row = await repository.evidence_by_id(parse_id(evidence_id))
    if project is None or row is None or row["project"] != project["id"] or not row["stored_path"]:
        raise not_found(DOCUMENT, "id")
    return row, await asyncio.to_thread(files.path_of(row["stored_path"]).read_bytes)
