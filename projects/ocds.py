"""OCDS 1.1 release package of a public project: a pure mapping of the project's rows.

- ocid = "<OCDS_PREFIX>-<project code>"; one release per package, its id and date from the latest change.
- parties: the sponsoring agency (buyer) and the private partners (supplier, identified by tax code).
- planning: the budget (state + private capital, VND) and the planning milestones
  (preProcurement, approval, assessment, financing, procurement);
  contracts[0].milestones: engagement, contractClose; contracts[0].implementation.milestones:
  delivery, reporting, payment. The tags list the sections present.
- milestone status (closed codelist) from our workflow: accepted -> met; cancelled -> notMet;
  open and due today or later -> scheduled; open and past due -> partiallyMet with some progress,
  notMet without. Our own status is never published.
- dates are date-times: due dates as local midnight (Asia/Ho_Chi_Minh, +07:00), changes in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from projects.enums import MilestoneStatus, MilestoneType, OcdsMilestoneStatus, ProjectStatus

PLANNING_TYPES = frozenset(
    {
        MilestoneType.PRE_PROCUREMENT,
        MilestoneType.APPROVAL,
        MilestoneType.ASSESSMENT,
        MilestoneType.FINANCING,
        MilestoneType.PROCUREMENT,
    }
)
CONTRACT_TYPES = frozenset({MilestoneType.ENGAGEMENT, MilestoneType.CONTRACT_CLOSE})
IMPLEMENTATION_TYPES = frozenset({MilestoneType.DELIVERY, MilestoneType.REPORTING, MilestoneType.PAYMENT})

CONTRACT_STATUS = {
    ProjectStatus.IDENTIFICATION: "pending",
    ProjectStatus.PREPARATION: "pending",
    ProjectStatus.IMPLEMENTATION: "active",
    ProjectStatus.COMPLETION: "active",
    ProjectStatus.COMPLETED: "terminated",
    ProjectStatus.CANCELLED: "cancelled",
}


@dataclass(frozen=True)
class Publication:
    prefix: str
    publisher: str
    base_url: str
    timezone: ZoneInfo
    published_at: datetime
    today: date


def ocds_status(status: MilestoneStatus, due_date: date, progress: int, today: date) -> OcdsMilestoneStatus:
    if status is MilestoneStatus.ACCEPTED:
        return OcdsMilestoneStatus.MET
    if status is MilestoneStatus.CANCELLED:
        return OcdsMilestoneStatus.NOT_MET
    if due_date >= today:
        return OcdsMilestoneStatus.SCHEDULED
    return OcdsMilestoneStatus.PARTIALLY_MET if progress > 0 else OcdsMilestoneStatus.NOT_MET


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def local_midnight(day: date, tz: ZoneInfo) -> str:
    return datetime.combine(day, time(0), tzinfo=tz).isoformat()


def ocid(prefix: str, code: str) -> str:
    return f"{prefix}-{code}"


def _milestone(row: dict[str, Any], code: str, pub: Publication) -> dict[str, Any]:
    status = MilestoneStatus(row["status"])
    out: dict[str, Any] = {
        "id": f"{code}-M{row['id']}",
        "title": row["title_vi"],
        "type": row["type"],
        "dueDate": local_midnight(row["due_date"], pub.timezone),
        "dateModified": utc(row["updated_at"]),
        "status": ocds_status(status, row["due_date"], row["progress"], pub.today).value,
    }
    if row["code"]:
        out["code"] = row["code"]
    if row["deliverables"]:
        out["description"] = row["deliverables"]
    if status is MilestoneStatus.ACCEPTED and row["actual_end"] is not None:
        out["dateMet"] = local_midnight(row["actual_end"], pub.timezone)
    return out


def _party_id(partner: dict[str, Any]) -> str:
    return f"VN-MST-{partner['tax_code']}" if partner.get("tax_code") else f"partner-{partner['id']}"


def release_package(
    project: dict[str, Any],
    milestones: Sequence[dict[str, Any]],
    partners: Sequence[dict[str, Any]],
    pub: Publication,
) -> dict[str, Any]:
    code = project["code"]
    project_ocid = ocid(pub.prefix, code)
    changed = max([project["updated_at"], *(m["updated_at"] for m in milestones)])
    total = int(project["state_capital_amount"]) + int(project["private_capital_amount"])
    sections: dict[str, list[dict[str, Any]]] = {"planning": [], "contract": [], "implementation": []}
    for row in milestones:
        kind = MilestoneType(row["type"])
        section = "planning" if kind in PLANNING_TYPES else "contract" if kind in CONTRACT_TYPES else "implementation"
        sections[section].append(_milestone(row, code, pub))
    buyer = {"id": f"{code}-buyer", "name": project["sponsor_agency"]}
    parties = [{**buyer, "roles": ["buyer", "procuringEntity"]}]
    for partner in partners:
        party: dict[str, Any] = {
            "id": _party_id(partner),
            "name": partner["organization_name"] or partner["full_name"],
            "roles": ["supplier"],
        }
        if partner.get("tax_code"):
            party["identifier"] = {"scheme": "VN-MST", "id": partner["tax_code"]}
        parties.append(party)
    value = {"amount": total, "currency": "VND"}
    planning: dict[str, Any] = {
        "budget": {
            "id": f"{code}-budget",
            "description": (
                f"Vốn nhà nước {int(project['state_capital_amount'])} VND; "
                f"vốn tư nhân {int(project['private_capital_amount'])} VND"
            ),
            "amount": value,
        }
    }
    if project["description_vi"]:
        planning["rationale"] = project["description_vi"]
    if sections["planning"]:
        planning["milestones"] = sections["planning"]
    contract: dict[str, Any] = {
        "id": f"{code}-contract",
        "awardID": f"{code}-award",
        "title": project["name_vi"],
        "status": CONTRACT_STATUS[ProjectStatus(project["status"])],
        "value": value,
        "period": {
            "startDate": local_midnight(project["planned_start"], pub.timezone),
            "endDate": local_midnight(project["planned_end"], pub.timezone),
        },
    }
    if sections["contract"]:
        contract["milestones"] = sections["contract"]
    if sections["implementation"]:
        contract["implementation"] = {"milestones": sections["implementation"]}
    tags = ["planning"] + [tag for tag in ("contract", "implementation") if sections[tag]]
    if tags == ["planning"] and ProjectStatus(project["status"]) not in (
        ProjectStatus.IDENTIFICATION,
        ProjectStatus.PREPARATION,
    ):
        tags.append("contract")
    release = {
        "ocid": project_ocid,
        "id": f"{project_ocid}-{changed.astimezone(UTC).strftime('%Y%m%dT%H%M%S%fZ')}",
        "date": utc(changed),
        "tag": tags,
        "initiationType": "tender",
        "language": "vi",
        "parties": parties,
        "buyer": buyer,
        "planning": planning,
        "contracts": [contract],
    }
    return {
        "uri": f"{pub.base_url.rstrip('/')}/projects/{code}/ocds.json",
        "version": "1.1",
        "publishedDate": utc(pub.published_at),
        "publisher": {"name": pub.publisher},
        "releases": [release],
    }
