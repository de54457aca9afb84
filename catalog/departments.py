"""The center's departments, for other domains (requests, projects, billing): they call these
functions instead of reading the catalog's tables. Editing them: catalog.structure."""

from __future__ import annotations

from typing import Any

from app.errors import Noun
from catalog import repository

DEPARTMENT = Noun("phòng", "department")


async def department_id(code: str) -> int | None:
    """The id of the department with this code (already cleaned by the caller), or None."""
    row = await repository.department_by_code(code)
    return int(row["id"]) if row else None


async def all_departments() -> list[dict[str, Any]]:
    """Every department (id, code, name_vi, name_en), by code."""
    return await repository.all_departments()
