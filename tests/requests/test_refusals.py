"""Every refusal of the issue: typed error (code + field), and nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from catalog.tables import Service
from tests.requests.helpers import PDF, TRANSITION, People, guest_input, local, move, plan_id, snapshot, submit
from tests.support import Api


def codes_of(result: Any) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in result.data["submitServiceRequest"]["errors"]]


async def refused(client: Api, variables: dict[str, Any], files: Any = None, token: str | None = None) -> list[Any]:
    before = await snapshot()
    result = await submit(client, variables, files, token=token)
    assert result.data["submitServiceRequest"]["request"] is None
    assert await snapshot() == before
    return codes_of(result)


async def test_a_draft_or_retired_service_is_refused(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    for status in ("retired", "draft"):
        await Service.update({Service.status: status}).where(Service.code == "HTS-DC-03")
        assert await refused(client, guest_input(plan)) == [("serviceCode", "SERVICE_NOT_AVAILABLE")]
    assert await refused(client, guest_input(plan, serviceCode="NO-SUCH")) == [("serviceCode", "SERVICE_NOT_AVAILABLE")]


async def test_a_plan_of_another_service_is_refused(client: Api, people: People) -> None:
    other = await plan_id(client, "HTS-HTKT-02", "HOUR")
    assert await refused(client, guest_input(other)) == [("planId", "PLAN_NOT_IN_SERVICE")]
    assert await refused(client, guest_input("not-an-id")) == [("planId", "INVALID_ID")]


@pytest.mark.parametrize("quantity", [0, -3, 100_001, 2_147_483_647])
async def test_quantity_must_be_positive_and_bounded(client: Api, people: People, quantity: int) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    assert await refused(client, guest_input(plan, quantity=quantity)) == [("quantity", "INVALID_QUANTITY")]


async def test_dates_in_the_past_and_reversed_ranges_are_refused(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 13, 10, 0))
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    assert await refused(client, guest_input(plan, desiredStart="2026-03-12", desiredEnd="2026-03-11")) == [
        ("desiredStart", "DATE_IN_PAST"),
        ("desiredEnd", "DATE_IN_PAST"),
        ("desiredEnd", "INVALID_DATE_RANGE"),
    ]


async def test_a_channel_the_service_does_not_offer_is_refused(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    assert await refused(client, guest_input(plan, channel="POST")) == [("channel", "CHANNEL_NOT_OFFERED")]


async def test_a_missing_required_document_is_refused(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    assert await refused(client, guest_input(plan), files=[]) == [("documents", "DOCUMENT_REQUIRED")]
    assert await refused(client, guest_input(plan), files=[(5, "x.pdf", PDF, "application/pdf")]) == [
        ("documents.0.requirement", "INVALID_REQUIREMENT"),
        ("documents", "DOCUMENT_REQUIRED"),
    ]


async def test_too_large_and_forbidden_files_are_refused(
    client: Api, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import get_settings

    monkeypatch.setenv("MAX_UPLOAD_BYTES", "100")
    get_settings.cache_clear()
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    big = PDF + b"0" * 100
    assert await refused(client, guest_input(plan), files=[(0, "big.pdf", big, "application/pdf")]) == [
        ("documents.0.file", "FILE_TOO_LARGE")
    ]
    assert await refused(
        client, guest_input(plan), files=[(0, "x.exe", b"MZ\x90\x00", "application/x-msdownload")]
    ) == [("documents.0.file", "FILE_TYPE_NOT_ALLOWED")]
    # Declared as PDF but not one.
    assert await refused(client, guest_input(plan), files=[(0, "fake.pdf", b"<html>", "application/pdf")]) == [
        ("documents.0.file", "FILE_TYPE_NOT_ALLOWED")
    ]
    monkeypatch.delenv("MAX_UPLOAD_BYTES")
    get_settings.cache_clear()


async def test_a_guest_must_give_name_phone_and_email(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    variables = guest_input(plan, contactName=None, contactPhone="12", contactEmail="not-an-email")
    assert await refused(client, variables) == [
        ("contactName", "REQUIRED"),
        ("contactPhone", "INVALID_PHONE"),
        ("contactEmail", "INVALID_EMAIL"),
    ]


async def test_a_customer_can_neither_read_nor_change_another_customers_request(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    base = {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1}
    code = (await submit(client, base, token=people.customer)).data["submitServiceRequest"]["request"]["code"]
    read = await client.gql("query ($c: String!) { serviceRequest(code: $c) { code } }", {"c": code},
                            token=people.other_customer)  # fmt: skip
    assert read.error_codes == ["NOT_FOUND"]
    before = await snapshot()
    changed = await client.gql(TRANSITION, {"code": code, "action": "CANCEL"}, token=people.other_customer)
    assert [e["code"] for e in changed.data["transitionServiceRequest"]["errors"]] == ["NOT_FOUND"]
    mine = await client.gql("{ myRequests { totalCount } }", token=people.other_customer)
    assert mine.data["myRequests"]["totalCount"] == 0
    assert await snapshot() == before


async def test_staff_of_another_department_cannot_touch_the_request(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"]
    unknown = "TTCNTT-260101-0001-AB"
    before = await snapshot()
    # another department's request answers exactly like an unknown code: its existence is not revealed
    for which in (code, unknown):
        changed = await client.gql(TRANSITION, {"code": which, "action": "RECEIVE"}, token=people.other_operator)
        assert [
            (e["field"], e["code"], e["messageEn"]) for e in changed.data["transitionServiceRequest"]["errors"]
        ] == [("code", "NOT_FOUND", "Request not found.")]
        read = await client.gql("query ($c: String!) { serviceRequest(code: $c) { code } }", {"c": which},
                                token=people.other_operator)  # fmt: skip
        assert read.error_codes == ["NOT_FOUND"]
    queue = await client.gql("{ requestQueue { totalCount } }", token=people.other_operator)
    assert queue.data["requestQueue"]["totalCount"] == 0
    other = await client.gql(
        '{ requestQueue(filter: {departmentCode: "HTS"}) { totalCount } }', token=people.other_operator
    )
    assert other.error_codes == ["NOT_YOUR_DEPARTMENT"]
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("steps", "action", "who"),
    [
        ([], "START", "operator"),
        ([], "COMPLETE", "operator"),
        ([], "RESUBMIT", "customer"),
        (["RECEIVE", "START"], "CANCEL", "customer"),
        (["RECEIVE", "START"], "RECEIVE", "operator"),
        (["REJECT"], "RECEIVE", "operator"),
    ],
)
async def test_a_transition_not_in_the_table_is_refused(
    client: Api, people: People, steps: list[str], action: str, who: str
) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    base = {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1}
    code = (await submit(client, base, token=people.customer)).data["submitServiceRequest"]["request"]["code"]
    for step in steps:
        await move(client, people.operator, code, step, "Lý do")
    before = await snapshot()
    token = people.operator if who == "operator" else people.customer
    result = await client.gql(TRANSITION, {"code": code, "action": action, "comment": "x"}, token=token)
    assert [(e["field"], e["code"]) for e in result.data["transitionServiceRequest"]["errors"]] == [
        ("action", "INVALID_TRANSITION")
    ]
    assert await snapshot() == before


async def test_reject_and_supplement_need_a_reason(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"]
    before = await snapshot()
    for action in ("REJECT", "REQUEST_SUPPLEMENT"):
        result = await client.gql(TRANSITION, {"code": code, "action": action}, token=people.operator)
        assert [e["code"] for e in result.data["transitionServiceRequest"]["errors"]] == (
            ["REASON_REQUIRED"] if action == "REJECT" else ["INVALID_TRANSITION"]
        )
    assert await snapshot() == before
