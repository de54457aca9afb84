"""The project's timeline picture and its OCDS release package, for whoever may see the project."""

from __future__ import annotations

from typing import Any

from app import clock
from app.auth import directory
from app.auth.principal import Principal
from app.config import get_settings
from app.input import lookup_code
from projects import gantt, ocds, repository
from projects.access import require_visible
from projects.enums import MilestoneStatus


def gantt_url(code: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/projects/{code}/gantt.svg"


def ocds_url(code: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/projects/{code}/ocds.json"


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
    project = require_visible(principal, await repository.project_by_code(lookup_code(code)))
    milestones = (await repository.milestones_by_projects([project["id"]]))[project["id"]]
    return gantt.render(f"{project['code']} — {project['name_vi']}", bars(milestones), clock.local_today())


async def ocds_package(principal: Principal, code: str) -> dict[str, Any]:
    project = require_visible(principal, await repository.project_by_code(lookup_code(code)))
    milestones = (await repository.milestones_by_projects([project["id"]]))[project["id"]]
    partners = await project_partners(project["id"])
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


async def project_partners(project_id: int) -> list[dict[str, Any]]:
    """The project's private partners as rows (id, name, tax code…), ordered by e-mail."""
    ids = (await repository.people_ids("partner", [project_id]))[project_id]
    people = await directory.people(ids)
    return [people[i].as_row() for i in sorted(ids, key=lambda i: (people[i].email, i)) if i in people]
