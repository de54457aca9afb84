"""Per-request DataLoaders of projects: one query per level of nesting, whatever the number of rows."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from app import events
from app.auth import directory
from projects import repository


async def _projects(keys: list[int]) -> list[dict[str, Any] | None]:
    index = {row["id"]: row for row in await repository.projects_by_ids(keys)}
    return [index.get(key) for key in keys]


async def _milestones(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.milestones_by_projects(keys)
    return [grouped.get(key, []) for key in keys]


async def _people(kind: str, keys: list[int]) -> list[list[dict[str, Any]]]:
    """Managers or partners of each project as account rows, ordered by e-mail (two queries)."""
    ids = await repository.people_ids(kind, keys)
    people = await directory.people([i for key in keys for i in ids.get(key, [])])
    ordered = sorted(people.values(), key=lambda p: (p.email, p.id))
    return [[p.as_row() for p in ordered if p.id in ids.get(key, [])] for key in keys]


async def _managers(keys: list[int]) -> list[list[dict[str, Any]]]:
    return await _people("manager", keys)


async def _partners(keys: list[int]) -> list[list[dict[str, Any]]]:
    return await _people("partner", keys)


async def _dependencies(keys: list[int]) -> list[list[int]]:
    grouped = await repository.dependencies_by_milestones(keys)
    return [grouped.get(key, []) for key in keys]


async def _evidence(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.evidence_by_milestones(keys)
    return [grouped.get(key, []) for key in keys]


async def _milestone_events(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await events.histories("milestone", keys)
    return [grouped.get(key, []) for key in keys]


async def _project_events(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await events.histories("project", keys)
    return [grouped.get(key, []) for key in keys]


class ProjectsLoaders:
    def __init__(self) -> None:
        self.project = DataLoader(load_fn=_projects)
        self.milestones = DataLoader(load_fn=_milestones)
        self.managers = DataLoader(load_fn=_managers)
        self.partners = DataLoader(load_fn=_partners)
        self.dependencies = DataLoader(load_fn=_dependencies)
        self.evidence = DataLoader(load_fn=_evidence)
        self.events = DataLoader(load_fn=_milestone_events)
        self.project_events = DataLoader(load_fn=_project_events)
