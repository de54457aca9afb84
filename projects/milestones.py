"""Milestone use cases: add, edit (progress, dates with a reason, shares, dependencies), move through
the workflow (one transition table, four-eyes acceptance, evidence on submission).

Writers of one project's milestones are serialised (repository.lock_project) so that the share total
and the dependency graph are checked against what is committed; each milestone edit carries the
version its editor read and a stale one is refused.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app import bus, clock, files
from app.audit import service as audit
from app.auth.principal import Principal
from app.db import transaction
from app.errors import Conflict, ValidationFailed, not_found, reason_required, stale_version
from app.input import clean_optional, parse_id
from app.states import apply_transition
from projects import repository
from projects.access import require_editor, require_editor_role, require_reviewer
from projects.deliveries import MILESTONE_ACCEPTED
from projects.dependencies import has_cycle, with_replaced
from projects.enums import MilestoneAction, MilestoneStatus, ProjectStatus
from projects.inputs import (
    FULL_SHARE_BP,
    MAX_EVIDENCE_PER_MILESTONE,
    MAX_MILESTONES,
    Evidence,
    MilestoneFields,
    clean_evidence,
    clean_milestone_fields,
)
from projects.service import project_at_version, record_event, shares_over, snapshot, too_many_milestones
from projects.states import (
    CLOSED,
    FINAL_PROJECT,
    MILESTONE,
    MILESTONE_LIFECYCLE,
    REASON_REQUIRED,
    REVIEWS,
    STARTS,
)


def _stale() -> Conflict:
    return stale_version(MILESTONE)


async def _milestone_and_project(milestone_id: object) -> tuple[dict[str, Any], dict[str, Any]]:
    milestone = await repository.milestone_by_id(parse_id(milestone_id))
    if milestone is None:
        raise not_found(MILESTONE, "id")
    project = await repository.project_by_id(milestone["project"])
    assert project is not None
    return milestone, project


def _require_open_project(project: dict[str, Any]) -> None:
    if ProjectStatus(project["status"]) in FINAL_PROJECT:
        raise Conflict(
            "PROJECT_CLOSED",
            "Dự án đã kết thúc hoặc bị hủy, không thể thay đổi.",
            "The project is completed or cancelled and cannot change.",
            "id",
        )


async def _check_shares(project_id: int, milestone_id: int | None, share_bp: int) -> None:
    rows = (await repository.milestones_by_projects([project_id]))[project_id]
    others = sum(
        r["share_bp"] for r in rows if r["id"] != milestone_id and r["status"] != MilestoneStatus.CANCELLED.value
    )
    if others + share_bp > FULL_SHARE_BP:
        raise shares_over()


async def _check_dependencies(project_id: int, milestone_id: int | None, predecessors: list[int]) -> None:
    rows = await repository.milestones_by_ids(predecessors)
    if len(rows) != len(predecessors) or any(r["project"] != project_id for r in rows):
        raise ValidationFailed(
            "UNKNOWN_MILESTONE",
            "Mốc phụ thuộc phải là mốc của cùng dự án.",
            "A dependency must be a milestone of the same project.",
            "dependsOn",
        )
    if milestone_id is not None:
        edges = with_replaced(await repository.dependency_edges(project_id), milestone_id, predecessors)
        if has_cycle(edges):
            raise ValidationFailed(
                "DEPENDENCY_CYCLE",
                "Các mốc phụ thuộc lẫn nhau thành vòng.",
                "These dependencies would form a cycle.",
                "dependsOn",
            )


async def add_milestone(principal: Principal, project_code: str, data: MilestoneFields) -> dict[str, Any]:
    require_editor_role(principal)
    project = await project_at_version(project_code, None)
    await require_editor(principal, project)
    _require_open_project(project)
    values = clean_milestone_fields(data, creating=True)
    predecessors = values.pop("depends_on", [])
    now = clock.now()
    async with transaction():
        await repository.lock_project(project["id"])
        if await repository.next_position(project["id"]) > MAX_MILESTONES:
            raise too_many_milestones()
        await _check_shares(project["id"], None, values.get("share_bp", 0))
        await _check_dependencies(project["id"], None, predecessors)
        values.update(
            project=project["id"],
            position=await repository.next_position(project["id"]),
            baseline_due=values["due_date"],
            status=MilestoneStatus.PLANNED.value,
            created_at=now,
            updated_at=now,
        )
        milestone_id = await repository.insert_milestone(values)
        await repository.replace_dependencies(milestone_id, predecessors)
        row = await repository.milestone_by_id(milestone_id)
        assert row is not None
        after = {**snapshot(row), "depends_on": predecessors}
        await record_event(
            principal,
            project["id"],
            "milestone.create",
            milestone_id=milestone_id,
            to_status=row["status"],
            changes=after,
        )
        await audit.record(principal.as_actor(), "milestone.create", "milestone", milestone_id, None, after)
    return row


async def update_milestone(
    principal: Principal, milestone_ref: object, version: int, data: MilestoneFields, comment: str | None
) -> dict[str, Any]:
    require_editor_role(principal)
    milestone, project = await _milestone_and_project(milestone_ref)
    milestone_id = milestone["id"]
    await require_editor(principal, project, not_found(MILESTONE, "id"))
    _require_open_project(project)
    note = clean_optional(comment, "comment", max_length=2000, multiline=True)
    values = clean_milestone_fields(data, creating=False, current=milestone)
    predecessors = values.pop("depends_on", None)
    reason = values.pop("due_date_reason", "")
    async with transaction():
        await repository.lock_project(project["id"])
        before = await repository.milestone_by_id(milestone_id)
        assert before is not None
        if before["version"] != version:
            raise _stale()
        if MilestoneStatus(before["status"]) in CLOSED:
            raise Conflict(
                "MILESTONE_CLOSED",
                "Mốc đã nghiệm thu hoặc đã hủy, không thể sửa.",
                "The milestone is accepted or cancelled and cannot change.",
                "id",
            )
        if "share_bp" in values:
            await _check_shares(project["id"], milestone_id, values["share_bp"])
        if predecessors is not None:
            await _check_dependencies(project["id"], milestone_id, predecessors)
        old_predecessors = (await repository.dependencies_by_milestones([milestone_id]))[milestone_id]
        if not await repository.update_milestone(milestone_id, version, {**values, "updated_at": clock.now()}):
            raise _stale()
        if predecessors is not None:
            await repository.replace_dependencies(milestone_id, predecessors)
        after = await repository.milestone_by_id(milestone_id)
        assert after is not None
        changes: dict[str, Any] = {k: {"from": before[k], "to": after[k]} for k in values if before[k] != after[k]}
        if predecessors is not None and predecessors != old_predecessors:
            changes["depends_on"] = {"from": old_predecessors, "to": predecessors}
        if reason:
            changes["due_date_reason"] = reason
        await record_event(
            principal, project["id"], "milestone.update", milestone_id=milestone_id,
            comment="\n".join(part for part in (reason, note) if part), changes=changes,
        )  # fmt: skip
        await audit.record(
            principal.as_actor(), "milestone.update", "milestone", milestone_id,
            {**snapshot(before), "depends_on": old_predecessors},
            {**snapshot(after), "depends_on": predecessors if predecessors is not None else old_predecessors},
        )  # fmt: skip
    return after


async def move_milestone(
    principal: Principal,
    milestone_ref: object,
    version: int,
    target: MilestoneStatus,
    comment: str | None,
    evidence: list[Evidence] | None = None,
) -> dict[str, Any]:
    require_editor_role(principal)
    milestone, project = await _milestone_and_project(milestone_ref)
    milestone_id = milestone["id"]
    await require_editor(principal, project, not_found(MILESTONE, "id"))
    _require_open_project(project)
    note = clean_optional(comment, "comment", max_length=2000, multiline=True)
    documents = clean_evidence(evidence or [])
    async with transaction():
        before = await repository.milestone_by_id(milestone_id)
        assert before is not None
        if before["version"] != version:
            raise _stale()
        current = MilestoneStatus(before["status"])
        action = apply_transition(MILESTONE_LIFECYCLE, current, target=target, field="to").action
        if action in REVIEWS:
            require_reviewer(principal, before)
        if action in REASON_REQUIRED and not note:
            raise reason_required()
        if documents and action is not MilestoneAction.SUBMIT:
            raise ValidationFailed(
                "EVIDENCE_ONLY_ON_SUBMISSION",
                "Chỉ đính kèm tài liệu khi nộp mốc để nghiệm thu.",
                "Evidence is attached when a milestone is submitted for acceptance.",
                "evidence",
            )
        if action in STARTS:
            await _require_predecessors_accepted(milestone_id)
        values = _transition_values(action, target, before, principal, note)
        if not await repository.update_milestone(milestone_id, version, values):
            raise _stale()
        if documents and await repository.evidence_count(milestone_id) + len(documents) > MAX_EVIDENCE_PER_MILESTONE:
            raise ValidationFailed(
                "TOO_MANY",
                f"Một mốc có tối đa {MAX_EVIDENCE_PER_MILESTONE} tài liệu.",
                f"A milestone holds at most {MAX_EVIDENCE_PER_MILESTONE} documents.",
                "evidence",
            )
        # Files reach the disk only once every check has passed (a refusal leaves no file behind).
        documents = await _store_files(documents)
        await repository.insert_evidence(
            [
                {**doc, "milestone": milestone_id, "added_by": principal.account_id, "added_at": values["updated_at"]}
                for doc in documents
            ]
        )
        after = await repository.milestone_by_id(milestone_id)
        assert after is not None
        await record_event(
            principal, project["id"], f"milestone.{action.value}", milestone_id=milestone_id,
            from_status=current.value, to_status=target.value, comment=note,
            changes={"evidence": documents} if documents else None,
        )  # fmt: skip
        await audit.record(
            principal.as_actor(), f"milestone.{action.value}", "milestone", milestone_id,
            {"status": current.value, "version": version},
            {"status": target.value, "version": after["version"], "comment": note, "evidence": documents},
        )  # fmt: skip
        published = None
        if action is MilestoneAction.ACCEPT:
            # Others react after commit (billing drafts the invoice of its share), without projects knowing them.
            published = await bus.publish(MILESTONE_ACCEPTED, "milestone", milestone_id, {"project": project["code"]})
    await bus.dispatch([published])
    return after


async def _store_files(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Uploaded evidence goes to disk before the transaction (see app.files); links pass through."""
    rows = []
    for doc in documents:
        upload = doc.pop("file", None)
        if upload is not None:
            stored = await asyncio.to_thread(files.store, upload)
            doc |= {
                "filename": stored.filename, "media_type": stored.content_type, "size": stored.size,
                "sha256": stored.sha256, "stored_path": stored.stored_path,
            }  # fmt: skip
        rows.append(doc)
    return rows


async def _require_predecessors_accepted(milestone_id: int) -> None:
    predecessors = (await repository.dependencies_by_milestones([milestone_id]))[milestone_id]
    rows = await repository.milestones_by_ids(predecessors)
    if any(r["status"] != MilestoneStatus.ACCEPTED.value for r in rows):
        raise Conflict(
            "PREDECESSORS_NOT_ACCEPTED",
            "Mốc chỉ bắt đầu khi các mốc trước đã được nghiệm thu.",
            "A milestone starts only once its predecessors are accepted.",
            "to",
        )


def _transition_values(
    action: MilestoneAction, target: MilestoneStatus, before: dict[str, Any], principal: Principal, note: str
) -> dict[str, Any]:
    today = clock.local_today()
    values: dict[str, Any] = {"status": target.value, "updated_at": clock.now()}
    if target is MilestoneStatus.IN_PROGRESS and before["actual_start"] is None:
        values["actual_start"] = today
    if action is MilestoneAction.SUBMIT:
        values["submitted_by"] = principal.account_id
    if action is MilestoneAction.ACCEPT:
        values.update(actual_end=today, progress=100)
    if action in REASON_REQUIRED:
        values["status_reason"] = note
    elif action in (MilestoneAction.RESUME, MilestoneAction.UNBLOCK, MilestoneAction.START):
        values["status_reason"] = ""
    return values
