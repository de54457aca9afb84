"""Reading projects: the staff portfolio (filters, health), one project, milestones due soon or
overdue, and the public view for partners."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app import clock
from app.auth.enums import Scope
from app.auth.principal import Principal
from app.errors import ValidationFailed
from app.guards import require_scope, require_staff
from app.input import lookup_code
from app.pagination import Page, decode_cursor, encode_cursor, id_page, page_size
from catalog import departments
from projects import repository
from projects.access import require_visible
from projects.enums import Health, MilestoneStatus, PppStage, ProjectKind, ProjectStatus, Visibility
from projects.health import MilestonePlan, project_health
from projects.states import OPEN

MAX_DAYS_AHEAD = 366
_ALL_VISIBILITIES = tuple(v.value for v in Visibility)
_OPEN = tuple(sorted(s.value for s in OPEN))


@dataclass
class PublicSearch:
    """Filters of the public project list (the GraphQL `PublicProjectFilter`); all given must match."""

    kinds: list[ProjectKind] | None = None
    stages: list[PppStage] | None = None
    statuses: list[ProjectStatus] | None = None


@dataclass
class PortfolioSearch(PublicSearch):
    """Filters of the staff portfolio (the GraphQL `ProjectFilter`)."""

    department: str | None = None
    health: Health | None = None
    visibility: Visibility | None = None


async def _ids_with_health(f: repository.ProjectFilter, health: Health) -> tuple[int, ...]:
    """Health depends on today, so it is computed, not stored: the matching projects are read
    whole (two queries) and kept when their health matches."""
    keys = await repository.project_keys(f)
    milestones = await repository.milestones_by_projects([k["id"] for k in keys])
    today = clock.local_today()
    return tuple(
        sorted(
            k["id"] for k in keys if project_health([MilestonePlan.of(m) for m in milestones[k["id"]]], today) is health
        )
    )


async def _page(
    f: repository.ProjectFilter, health: Health | None, first: int | None, after: str | None
) -> Page[dict[str, Any]]:
    limit = page_size(first)
    after_id = decode_cursor(after, "project", int)[1] if after else None
    if health is not None:
        f = repository.ProjectFilter(**{**f.__dict__, "ids": await _ids_with_health(f, health)})
    rows = await repository.project_page(f, after_id, limit + 1)

    async def count() -> int:
        return await repository.count_projects(f)

    return id_page("project", rows, limit, after, count)


async def list_projects(
    principal: Principal, search: PortfolioSearch, first: int | None, after: str | None
) -> Page[dict[str, Any]]:
    require_staff(principal)
    department_id = None
    if search.department:
        department_id = await departments.department_id(lookup_code(search.department, "department", 20)) or -1
    f = repository.ProjectFilter(
        visibilities=(search.visibility.value,) if search.visibility else _ALL_VISIBILITIES,
        kinds=tuple(k.value for k in search.kinds or ()),
        stages=tuple(s.value for s in search.stages or ()),
        statuses=tuple(s.value for s in search.statuses or ()),
        department_id=department_id,
    )
    return await _page(f, search.health, first, after)


async def get_project(principal: Principal, code: str) -> dict[str, Any] | None:
    require_staff(principal)
    return await repository.project_by_code(lookup_code(code))


async def public_projects(
    principal: Principal, search: PublicSearch, first: int | None, after: str | None
) -> Page[dict[str, Any]]:
    require_scope(principal, Scope.PROJECTS_READ)
    f = repository.ProjectFilter(
        visibilities=(Visibility.PUBLIC.value,),
        kinds=tuple(k.value for k in search.kinds or ()),
        stages=tuple(s.value for s in search.stages or ()),
        statuses=tuple(s.value for s in search.statuses or ()),
    )
    return await _page(f, None, first, after)


async def public_project(principal: Principal, code: str) -> dict[str, Any]:
    """A public project; an internal or unknown one is refused with NOT_FOUND."""
    require_scope(principal, Scope.PROJECTS_READ)
    return require_visible(principal, await repository.project_by_code(lookup_code(code)), "code")


async def _milestone_page(f: repository.DueFilter, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    limit = page_size(first)
    key = decode_cursor(after, "due", str) if after else None
    if key is not None:
        try:
            date.fromisoformat(key[0])
        except ValueError:
            raise ValidationFailed(
                "INVALID_CURSOR", "Con trỏ phân trang không hợp lệ.", "The pagination cursor is not valid.", "after"
            ) from None
    rows = await repository.milestone_page(f, key, limit + 1)
    items = rows[:limit]

    async def count() -> int:
        return await repository.count_milestones(f)

    return Page(
        items=items,
        cursors=[encode_cursor("due", r["due_date"].isoformat(), r["id"]) for r in items],
        has_next_page=len(rows) > limit,
        has_previous_page=after is not None,
        count=count,
    )


async def milestones_due(principal: Principal, days: int, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    """Open milestones due from today to today + days."""
    require_staff(principal)
    if not 0 <= days <= MAX_DAYS_AHEAD:
        raise ValidationFailed(
            "INVALID_DAYS",
            f"Số ngày phải từ 0 đến {MAX_DAYS_AHEAD}.",
            f"Days must be between 0 and {MAX_DAYS_AHEAD}.",
            "days",
        )
    today = clock.local_today()
    f = repository.DueFilter(_OPEN, _ALL_VISIBILITIES, today, today + timedelta(days=days))
    return await _milestone_page(f, first, after)


async def overdue_milestones(principal: Principal, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    """Open milestones whose due date has passed."""
    require_staff(principal)
    f = repository.DueFilter(_OPEN, _ALL_VISIBILITIES, None, clock.local_today() - timedelta(days=1))
    return await _milestone_page(f, first, after)


def is_open(row: dict[str, Any]) -> bool:
    return MilestoneStatus(row["status"]) in OPEN
