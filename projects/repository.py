"""Every query of the projects domain."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.cache_versions import Scope, changes
from app.db import is_sqlite
from projects.tables import (
    Milestone,
    MilestoneDependency,
    MilestoneEvidence,
    Project,
    ProjectManager,
    ProjectPartner,
)


def _marks(values: list[Any] | tuple[Any, ...]) -> str:
    return ", ".join("{}" for _ in values) or "NULL"


# --- projects -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFilter:
    visibilities: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    department_id: int | None = None
    ids: tuple[int, ...] | None = None  # e.g. the projects of a given health


def _where(f: ProjectFilter) -> tuple[list[str], list[Any]]:
    clauses = [f"p.visibility IN ({_marks(f.visibilities)})"]
    args: list[Any] = list(f.visibilities)
    for column, values in (("kind", f.kinds), ("ppp_stage", f.stages), ("status", f.statuses)):
        if values:
            clauses.append(f"p.{column} IN ({_marks(values)})")
            args.extend(values)
    if f.department_id is not None:
        clauses.append("p.department = {}")
        args.append(f.department_id)
    if f.ids is not None:
        clauses.append(f"p.id IN ({_marks(f.ids)})")
        args.extend(f.ids)
    return clauses, args


async def project_page(f: ProjectFilter, after_id: int | None, limit: int) -> list[dict[str, Any]]:
    """Whole rows in id order (keyset on id)."""
    clauses, args = _where(f)
    if after_id is not None:
        clauses.append("p.id > {}")
        args.append(after_id)
    sql = f"SELECT p.* FROM project p WHERE {' AND '.join(clauses)} ORDER BY p.id LIMIT {{}}"
    return await Project.raw(sql, *args, limit)


async def project_keys(f: ProjectFilter) -> list[dict[str, Any]]:
    """(id, status) of every matching project: the input of a health filter."""
    clauses, args = _where(f)
    return await Project.raw(f"SELECT p.id, p.status FROM project p WHERE {' AND '.join(clauses)}", *args)


async def count_projects(f: ProjectFilter) -> int:
    clauses, args = _where(f)
    rows = await Project.raw(f"SELECT COUNT(*) AS n FROM project p WHERE {' AND '.join(clauses)}", *args)
    return int(rows[0]["n"])


async def project_by_code(code: str) -> dict[str, Any] | None:
    return await Project.select().where(Project.code == code).first()


async def project_by_id(project_id: int) -> dict[str, Any] | None:
    return await Project.select().where(Project.id == project_id).first()


async def projects_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    return await Project.select().where(Project.id.is_in(ids)) if ids else []


async def project_code_taken(code: str) -> bool:
    return await Project.exists().where(Project.code == code)


@changes(Scope.PROJECTS)
async def insert_project(values: dict[str, Any]) -> int:
    rows = await Project.insert(Project(**values)).returning(Project.id)
    return int(rows[0]["id"])


@changes(Scope.PROJECTS)
async def update_project(project_id: int, expected_version: int, values: dict[Any, Any]) -> bool:
    """Optimistic update: applies only if the row still has the version the editor read."""
    rows = await (
        Project.update({**values, Project.version: expected_version + 1})
        .where((Project.id == project_id) & (Project.version == expected_version))
        .returning(Project.id)
    )
    return bool(rows)


async def lock_project(project_id: int) -> None:
    """Serialises writers of one project's milestones (shares, dependencies) inside a transaction.
    SQLite transactions are IMMEDIATE already; PostgreSQL takes the row lock."""
    if not is_sqlite():
        await Project.select(Project.id).where(Project.id == project_id).lock_rows("UPDATE")


# --- people ---------------------------------------------------------------------------------------


async def people_ids(kind: str, project_ids: list[int]) -> dict[int, list[int]]:
    """Account ids of the managers or partners of each project (details: app.auth.directory)."""
    grouped: dict[int, list[int]] = defaultdict(list)
    if not project_ids:
        return grouped
    table = ProjectManager if kind == "manager" else ProjectPartner
    rows = await table.select(table.project, table.account).where(table.project.is_in(project_ids))
    for row in sorted(rows, key=lambda r: r["account"]):
        grouped[row["project"]].append(row["account"])
    return grouped


@changes(Scope.PROJECTS)
async def replace_people(kind: str, project_id: int, account_ids: list[int]) -> None:
    if kind == "manager":
        await ProjectManager.delete().where(ProjectManager.project == project_id)
        if account_ids:
            await ProjectManager.insert(*[ProjectManager(project=project_id, account=a) for a in account_ids])
    else:
        await ProjectPartner.delete().where(ProjectPartner.project == project_id)
        if account_ids:
            await ProjectPartner.insert(*[ProjectPartner(project=project_id, account=a) for a in account_ids])


async def is_manager(project_id: int, account_id: int) -> bool:
    return await ProjectManager.exists().where(
        (ProjectManager.project == project_id) & (ProjectManager.account == account_id)
    )


# --- milestones -----------------------------------------------------------------------------------


async def milestones_by_projects(project_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if project_ids:
        query = (
            Milestone.select().where(Milestone.project.is_in(project_ids)).order_by(Milestone.position, Milestone.id)
        )
        for row in await query:
            grouped[row["project"]].append(row)
    return grouped


async def milestone_by_id(milestone_id: int) -> dict[str, Any] | None:
    return await Milestone.select().where(Milestone.id == milestone_id).first()


async def milestones_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    return await Milestone.select().where(Milestone.id.is_in(ids)) if ids else []


async def next_position(project_id: int) -> int:
    rows = await Milestone.raw("SELECT MAX(position) AS p FROM milestone WHERE project = {}", project_id)
    return int(rows[0]["p"] or 0) + 1


@changes(Scope.PROJECTS)
async def insert_milestone(values: dict[str, Any]) -> int:
    rows = await Milestone.insert(Milestone(**values)).returning(Milestone.id)
    return int(rows[0]["id"])


@changes(Scope.PROJECTS)
async def update_milestone(milestone_id: int, expected_version: int, values: dict[Any, Any]) -> bool:
    """Optimistic update: applies only if the row still has the version the editor read."""
    rows = await (
        Milestone.update({**values, Milestone.version: expected_version + 1})
        .where((Milestone.id == milestone_id) & (Milestone.version == expected_version))
        .returning(Milestone.id)
    )
    return bool(rows)


@dataclass(frozen=True)
class DueFilter:
    statuses: tuple[str, ...]
    visibilities: tuple[str, ...]
    due_from: date | None = None  # inclusive
    due_to: date | None = None  # inclusive


def _due_where(f: DueFilter) -> tuple[list[str], list[Any]]:
    clauses = [f"m.status IN ({_marks(f.statuses)})", f"p.visibility IN ({_marks(f.visibilities)})"]
    args: list[Any] = [*f.statuses, *f.visibilities]
    if f.due_from is not None:
        clauses.append("m.due_date >= {}")
        args.append(f.due_from)
    if f.due_to is not None:
        clauses.append("m.due_date <= {}")
        args.append(f.due_to)
    return clauses, args


async def milestone_page(f: DueFilter, after: tuple[str, int] | None, limit: int) -> list[dict[str, Any]]:
    """Milestones by due date then id (keyset), of projects with the given visibilities."""
    clauses, args = _due_where(f)
    if after is not None:
        clauses.append("(m.due_date > {} OR (m.due_date = {} AND m.id > {}))")
        key = date.fromisoformat(after[0])
        args.extend([key, key, after[1]])
    sql = (
        "SELECT m.* FROM milestone m JOIN project p ON p.id = m.project"
        f" WHERE {' AND '.join(clauses)} ORDER BY m.due_date, m.id LIMIT {{}}"
    )
    return await Milestone.raw(sql, *args, limit)


async def count_milestones(f: DueFilter) -> int:
    clauses, args = _due_where(f)
    sql = f"SELECT COUNT(*) AS n FROM milestone m JOIN project p ON p.id = m.project WHERE {' AND '.join(clauses)}"
    rows = await Milestone.raw(sql, *args)
    return int(rows[0]["n"])


async def dependencies_by_milestones(milestone_ids: list[int]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    if milestone_ids:
        rows = await MilestoneDependency.select().where(MilestoneDependency.milestone.is_in(milestone_ids))
        for row in sorted(rows, key=lambda r: r["predecessor"]):
            grouped[row["milestone"]].append(row["predecessor"])
    return grouped


async def dependency_edges(project_id: int) -> list[tuple[int, int]]:
    """(milestone, predecessor) pairs of a project."""
    rows = await MilestoneDependency.raw(
        "SELECT d.milestone, d.predecessor FROM milestone_dependency d JOIN milestone m ON m.id = d.milestone"
        " WHERE m.project = {}",
        project_id,
    )
    return [(row["milestone"], row["predecessor"]) for row in rows]


@changes(Scope.PROJECTS)
async def replace_dependencies(milestone_id: int, predecessor_ids: list[int]) -> None:
    await MilestoneDependency.delete().where(MilestoneDependency.milestone == milestone_id)
    if predecessor_ids:
        await MilestoneDependency.insert(
            *[MilestoneDependency(milestone=milestone_id, predecessor=p) for p in predecessor_ids]
        )


async def evidence_by_milestones(milestone_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if milestone_ids:
        rows = await (
            MilestoneEvidence.select(
                *MilestoneEvidence.all_columns(), MilestoneEvidence.milestone._.project._.code.as_alias("project_code")
            )
            .where(MilestoneEvidence.milestone.is_in(milestone_ids))
            .order_by(MilestoneEvidence.id)
        )
        for row in rows:
            grouped[row["milestone"]].append(row)
    return grouped


async def evidence_by_id(evidence_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await MilestoneEvidence.select(
            *MilestoneEvidence.all_columns(), MilestoneEvidence.milestone._.project.as_alias("project")
        )
        .where(MilestoneEvidence.id == evidence_id)
        .first()
    )
    return row


async def evidence_count(milestone_id: int) -> int:
    return int(await MilestoneEvidence.count().where(MilestoneEvidence.milestone == milestone_id))


@changes(Scope.PROJECTS)
async def insert_evidence(rows: list[dict[str, Any]]) -> None:
    if rows:
        await MilestoneEvidence.insert(*[MilestoneEvidence(**row) for row in rows])


async def count_rows() -> dict[str, int]:
    """Row count of every table of the domain (tests use it to show a refusal wrote nothing)."""
    tables = (Project, ProjectManager, ProjectPartner, Milestone, MilestoneDependency, MilestoneEvidence)
    return {table._meta.tablename: await table.count() for table in tables}
