"""What other domains (billing) may know about the project work the center delivers: accepted
milestones and what they are worth. Billing calls these functions and subscribes to MILESTONE_ACCEPTED
(published on the bus when a milestone is accepted); projects never imports billing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from projects import repository, shares
from projects.enums import MilestoneStatus

MILESTONE_ACCEPTED = "projects.milestone_accepted"  # payload: {"project": code}; entity: the milestone


@dataclass(frozen=True)
class Delivery:
    """An accepted milestone as billing sees it: what was delivered and the share of the contract value
    payable on acceptance."""

    milestone_id: int
    milestone_title_vi: str
    milestone_title_en: str
    accepted: bool
    accepted_on: date | None
    share_bp: int  # basis points of the contract value
    amount: int  # that share of the project's total investment, đồng (projects.shares: they sum to the total)
    project_id: int
    project_code: str
    project_name_vi: str
    sponsor_agency: str
    department_id: int
    partner_ids: tuple[int, ...]  # private partners (business accounts), by id


async def delivery(milestone_id: int) -> Delivery | None:
    milestone = await repository.milestone_by_id(milestone_id)
    if milestone is None:
        return None
    project = await repository.project_by_id(milestone["project"])
    assert project is not None
    total = int(project["state_capital_amount"]) + int(project["private_capital_amount"])
    partners = (await repository.people_ids("partner", [project["id"]]))[project["id"]]
    siblings = (await repository.milestones_by_projects([project["id"]]))[project["id"]]
    return Delivery(
        milestone_id=milestone["id"],
        milestone_title_vi=milestone["title_vi"],
        milestone_title_en=milestone["title_en"],
        accepted=milestone["status"] == MilestoneStatus.ACCEPTED.value,
        accepted_on=milestone["actual_end"],
        share_bp=int(milestone["share_bp"]),
        amount=shares.amounts(total, siblings)[milestone["id"]],
        project_id=project["id"],
        project_code=project["code"],
        project_name_vi=project["name_vi"],
        sponsor_agency=project["sponsor_agency"],
        department_id=project["department"],
        partner_ids=tuple(partners),
    )
