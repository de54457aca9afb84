"""An accepted milestone is invoiced for its share of the contract value: projects publishes the
acceptance on the bus, billing drafts the invoice to the private partner, finance issues it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.auth.enums import Role
from app.tables import DomainEvent
from billing.tables import Invoice
from catalog.tables import Department
from tests.billing.helpers import DRAFT_FOR_MILESTONE, INVOICE, ISSUE, MY_INVOICES, UPDATE_DRAFT, call, errors_of
from tests.projects.helpers import MOVE_MILESTONE, NOW, People, create_project, make_people
from tests.support import Api


@pytest.fixture
async def project_people(client: Api, frozen_now: Callable[[Any], None]) -> tuple[People, str]:
    frozen_now(NOW)
    await Department.insert(Department(code="HTS", name_vi="Phòng Hạ tầng số", name_en="Digital Infrastructure"))
    return await make_people(client), await client.staff("ke.toan@ttcntt.vn", Role.FINANCE)


async def move(client: Api, token: str, milestone: dict[str, Any], to: str) -> dict[str, Any]:
    result = await client.gql(MOVE_MILESTONE, {"id": milestone["id"], "version": milestone["version"], "to": to,
                                               "comment": "ok"}, token=token)  # fmt: skip
    payload = result.data["moveMilestone"]
    assert payload["errors"] == [], payload["errors"]
    return payload["milestone"]


async def accept(client: Api, people: People, milestone: dict[str, Any]) -> dict[str, Any]:
    started = await move(client, people.manager, milestone, "IN_PROGRESS")
    submitted = await move(client, people.manager, started, "SUBMITTED")
    return await move(client, people.co_manager, submitted, "ACCEPTED")


async def test_an_accepted_milestone_is_invoiced_to_the_partner_for_its_share(
    client: Api, project_people: tuple[People, str]
) -> None:
    people, finance = project_people
    project = await create_project(client, people)
    signing = project["milestones"][1]  # "Ký hợp đồng": 10% of 3 000 billion đồng
    await accept(client, people, signing)
    [event] = await DomainEvent.select()
    assert (event["topic"], event["entity_type"], event["entity_id"], event["status"]) == (
        "projects.milestone_accepted", "milestone", int(signing["id"]), "handled",
    )  # fmt: skip
    [row] = await Invoice.select()
    draft = (await client.gql(INVOICE, {"id": str(row["id"])}, token=finance)).data["invoice"]
    assert (draft["status"], draft["source"], draft["milestoneId"], draft["buyer"]["kind"], draft["buyer"]["name"]) == (
        "DRAFT", "MILESTONE", signing["id"], "ORGANIZATION", "Công ty ABC",
    )  # fmt: skip
    assert [(ln["name"], ln["quantity"], ln["unitAmount"], ln["vatLabel"]) for ln in draft["lines"]] == [
        ("PPP-DC-01 – Ký hợp đồng (10% giá trị hợp đồng)", 1, 300_000_000_000, "10%")
    ]
    assert (draft["amount"], draft["vatAmount"], draft["totalAmount"]) == (
        300_000_000_000,
        30_000_000_000,
        330_000_000_000,
    )
    # finance completes the buyer's address and issues it
    changed = await call(client, UPDATE_DRAFT, {"id": draft["id"], "version": draft["version"],
                                                "input": {"buyer": {"address": "1 Giang Văn Minh, Hà Nội"}}},
                         finance, "updateInvoiceDraft")  # fmt: skip
    issued = await call(
        client, ISSUE, {"id": draft["id"], "version": changed["invoice"]["version"]}, finance, "issueInvoice"
    )
    assert issued["errors"] == []
    assert (issued["invoice"]["number"], issued["invoice"]["buyer"]["taxCode"]) == (1, "0100109106")
    assert issued["invoice"]["amountInWords"] == "Ba trăm ba mươi tỷ đồng"
    # the milestone shows its invoice; the partner sees it among its invoices
    shown = await client.gql(
        'query { project(code: "PPP-DC-01") { milestones { id invoices { number status } } } }', token=people.operator
    )
    by_id = {m["id"]: m["invoices"] for m in shown.data["project"]["milestones"]}
    assert by_id[signing["id"]] == [{"number": 1, "status": "ISSUED"}]
    mine = (await client.gql(MY_INVOICES, token=people.partner_account)).data["myInvoices"]
    assert [e["node"]["totalAmount"] for e in mine["edges"]] == [330_000_000_000]


async def test_a_milestone_is_invoiced_once_and_only_when_accepted(
    client: Api, project_people: tuple[People, str]
) -> None:
    people, finance = project_people
    project = await create_project(client, people)
    planned = project["milestones"][2]
    early = await call(client, DRAFT_FOR_MILESTONE, {"id": planned["id"]}, finance, "draftInvoiceForMilestone")
    assert errors_of(early) == [("milestoneId", "MILESTONE_NOT_ACCEPTED")]
    signing = project["milestones"][1]
    await accept(client, people, signing)
    twice = await call(client, DRAFT_FOR_MILESTONE, {"id": signing["id"]}, finance, "draftInvoiceForMilestone")
    assert errors_of(twice) == [("milestoneId", "ALREADY_INVOICED")]
    assert await Invoice.count() == 1
    # the event handed again (a retry) changes nothing
    from app import bus

    await bus.retry_pending()
    [event] = await DomainEvent.select()
    from billing.invoices import on_milestone_accepted

    await on_milestone_accepted(event)
    assert await Invoice.count() == 1
    unknown = await call(client, DRAFT_FOR_MILESTONE, {"id": "999999"}, finance, "draftInvoiceForMilestone")
    assert errors_of(unknown) == [("milestoneId", "NOT_FOUND")]
    refused = await call(client, DRAFT_FOR_MILESTONE, {"id": signing["id"]}, people.manager, "draftInvoiceForMilestone")
    assert errors_of(refused) == [(None, "FORBIDDEN")]
