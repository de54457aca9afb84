"""Per-request DataLoaders of projects: one query per level of nesting, whatever the number of rows."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from projects import repository


async def _projects(keys: list[int]) -> list[dict[str, Any] | None]:
    index = {row["id"]: row for row in await repository.projects_by_ids(keys)}
    return [index.get(key) for key in keys]


async def _milestones(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.milestones_by_projects(keys)
    return [grouped.get(key, []) for key in keys]


async def _managers(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.people_by_projects("manager", keys)
    return [grouped.get(key, []) for key in keys]


async def _partners(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.people_by_projects("partner", keys)
    return [grouped.get(key, []) for key in keys]


async def _dependencies(keys: list[int]) -> list[list[int]]:
    grouped = await repository.dependencies_by_milestones(keys)
    return [grouped.get(key, []) for key in keys]


async def _evidence(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.evidence_by_milestones(keys)
    return [grouped.get(key, []) for key in keys]


async def _events(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.events_by_milestones(keys)
    return [grouped.get(key, []) for key in keys]


async def _project_events(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.events_by_projects(keys)
    return [grouped.get(key, []) for key in keys]


class ProjectsLoaders:
    def __init__(self) -> None:
        self.project = DataLoader(load_fn=_projects)
        self.milestones = DataLoader(load_fn=_milestones)
        self.managers = DataLoader(load_fn=_managers)
        self.partners = DataLoader(load_fn=_partners)
        self.dependencies = DataLoader(load_fn=_dependencies)
        self.evidence = DataLoader(load_fn=_evidence)
        self.events = DataLoader(load_fn=_events)
        self.project_events = DataLoader(load_fn=_project_events)
