"""The project's timeline picture and its OCDS release package, for whoever may see the project."""

from __future__ import annotations

import asyncio
from typing import Any

from app import clock, files
from app.auth.principal import Principal
from app.config import get_settings
from app.errors import not_found
from projects import gantt, ocds, repository
from projects.access import require_signed_in_staff, require_visible
from projects.enums import MilestoneStatus


def gantt_url(code: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/projects/{code}/gantt.svg"


def ocds_url(code: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/projects/{code}/ocds.json"


def evidence_path(code: str, evidence_id: int) -> str:
    return f"/projects/{code}/evidence/{evidence_id}"


def bars(milestones: list[dict[str, Any]]) -> list[gantt.Bar]:
    return [
        gantt.Bar(
            title=m["title_vi"],
            status=MilestoneStatus(m["status"]),
            planned_start=m["planned_start"],
            due_date=m["due_date"],
            baseline_due=m["baseline_due"],
            progress=m["progress"],
            actual_end=m["actual_end"],
        )
        for m in milestones
    ]


async def gantt_svg(principal: Principal, code: str) -> str:
    project = require_visible(principal, await repository.project_by_code(code.strip().upper()))
    milestones = (await repository.milestones_by_projects([project["id"]]))[project["id"]]
    return gantt.render(f"{project['code']} — {project['name_vi']}", bars(milestones), clock.local_today())


async def ocds_package(principal: Principal, code: str) -> dict[str, Any]:
    project = require_visible(principal, await repository.project_by_code(code.strip().upper()))
    milestones = (await repository.milestones_by_projects([project["id"]]))[project["id"]]
    partners = (await repository.people_by_projects("partner", [project["id"]]))[project["id"]]
    settings = get_settings()
    publication = ocds.Publication(
        prefix=settings.ocds_prefix,
        publisher=settings.ocds_publisher,
        base_url=settings.public_base_url,
        timezone=settings.timezone,
        published_at=clock.now(),
        today=clock.local_today(),
    )
    return ocds.release_package(project, milestones, partners, publication)


async def evidence_file(principal: Principal, code: str, evidence_id: int) -> tuple[dict[str, Any], bytes]:
    """An uploaded evidence file, for staff (evidence is internal, like the staff Milestone type)."""
    require_signed_in_staff(principal)
    project = await repository.project_by_code(code.strip().upper())
    row = await repository.evidence_by_id(evidence_id)
    if project is None or row is None or row["project"] != project["id"] or not row["stored_path"]:
        raise not_found("tài liệu", "Document", "id")
    return row, await asyncio.to_thread(files.path_of(row["stored_path"]).read_bytes)
