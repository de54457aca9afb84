"""Authorization matrix over every requests mutation: anonymous, customer, other customer, catalog
manager (staff without the operator role), operator of another department, operator, admin.
(Partner keys: tests/auth/test_authorization_matrix.py.)"""

from __future__ import annotations

import pytest

from tests.requests.helpers import (
    ADD_STAFF,
    ASSIGN,
    MARK_OVERDUE,
    SET_OVERRIDE,
    TRANSITION,
    People,
    guest_input,
    plan_id,
    snapshot,
    submit,
)
from tests.support import Api

WHO = ["anonymous", "customer", "other_customer", "manager", "other_operator", "operator", "admin"]


def token(people: People, who: str) -> str | None:
    return None if who == "anonymous" else getattr(people, who)


def first_error(payload: dict) -> str | None:  # type: ignore[type-arg]
    return payload["errors"][0]["code"] if payload["errors"] else None


async def _owned_request(client: Api, people: People) -> str:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    base = {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1}
    return (await submit(client, base, token=people.customer)).data["submitServiceRequest"]["request"]["code"]


RECEIVE_EXPECTED = {
    "anonymous": "UNAUTHENTICATED",
    "customer": "FORBIDDEN",
    "other_customer": "FORBIDDEN",
    "manager": "FORBIDDEN",
    "other_operator": "NOT_FOUND",  # another department's request looks like an unknown code
    "operator": None,
    "admin": None,
}

CANCEL_EXPECTED = {
    "anonymous": "UNAUTHENTICATED",
    "customer": None,
    "other_customer": "NOT_FOUND",
    "manager": "FORBIDDEN",
    "other_operator": "FORBIDDEN",
    "operator": "FORBIDDEN",
    "admin": "FORBIDDEN",
}


@pytest.mark.parametrize("who", WHO)
async def test_receive_is_for_operators_of_the_department(client: Api, people: People, who: str) -> None:
    code = await _owned_request(client, people)
    before = await snapshot()
    result = await client.gql(TRANSITION, {"code": code, "action": "RECEIVE"}, token=token(people, who))
    assert first_error(result.data["transitionServiceRequest"]) == RECEIVE_EXPECTED[who]
    if RECEIVE_EXPECTED[who]:
        assert await snapshot() == before


@pytest.mark.parametrize("who", WHO)
async def test_cancel_is_for_the_customer_who_owns_it(client: Api, people: People, who: str) -> None:
    code = await _owned_request(client, people)
    before = await snapshot()
    result = await client.gql(TRANSITION, {"code": code, "action": "CANCEL"}, token=token(people, who))
    assert first_error(result.data["transitionServiceRequest"]) == CANCEL_EXPECTED[who]
    if CANCEL_EXPECTED[who]:
        assert await snapshot() == before


@pytest.mark.parametrize("who", WHO)
async def test_submit_is_for_guests_and_customers(client: Api, people: People, who: str) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    result = await submit(client, guest_input(plan), token=token(people, who))
    expected = None if who in ("anonymous", "customer", "other_customer") else "FORBIDDEN"
    assert first_error(result.data["submitServiceRequest"]) == expected


@pytest.mark.parametrize("who", WHO)
async def test_assign_is_for_operators_of_the_department(client: Api, people: People, who: str) -> None:
    code = await _owned_request(client, people)
    result = await client.gql(ASSIGN, {"code": code, "assigneeId": people.operator_id}, token=token(people, who))
    expected = dict(RECEIVE_EXPECTED, other_customer="FORBIDDEN")
    assert first_error(result.data["assignServiceRequest"]) == expected[who]
    if expected[who] is None:
        assert result.data["assignServiceRequest"]["request"]["assigneeId"] == people.operator_id


async def test_an_assignee_must_work_in_the_department(client: Api, people: People) -> None:
    code = await _owned_request(client, people)
    other_id = (await client.gql("{ me { id } }", token=people.other_operator)).data["me"]["id"]
    result = await client.gql(ASSIGN, {"code": code, "assigneeId": other_id}, token=people.operator)
    assert first_error(result.data["assignServiceRequest"]) == "ASSIGNEE_NOT_IN_DEPARTMENT"


STAFF_ONLY = {
    "anonymous": "UNAUTHENTICATED",
    "customer": "FORBIDDEN",
    "other_customer": "FORBIDDEN",
    "manager": "FORBIDDEN",
    "other_operator": None,
    "operator": None,
    "admin": None,
}
ADMIN_ONLY = dict(STAFF_ONLY, other_operator="FORBIDDEN", operator="FORBIDDEN")


@pytest.mark.parametrize("who", WHO)
async def test_mark_overdue_is_for_operators(client: Api, people: People, who: str) -> None:
    result = await client.gql(MARK_OVERDUE, token=token(people, who))
    assert first_error(result.data["markOverdueRequests"]) == STAFF_ONLY[who]


@pytest.mark.parametrize("who", WHO)
async def test_working_day_overrides_are_for_admins(client: Api, people: People, who: str) -> None:
    variables = {"day": "2026-03-07", "kind": "EXTRA_WORKING_DAY", "note": "Làm bù"}
    result = await client.gql(SET_OVERRIDE, variables, token=token(people, who))
    assert first_error(result.data["setWorkingDayOverride"]) == ADMIN_ONLY[who]
    removed = await client.gql(
        'mutation { removeWorkingDayOverride(day: "2026-03-07") { errors { code } } }', token=token(people, who)
    )
    assert first_error(removed.data["removeWorkingDayOverride"]) == ADMIN_ONLY[who]


@pytest.mark.parametrize("who", WHO)
async def test_department_membership_is_for_admins(client: Api, people: People, who: str) -> None:
    variables = {"accountId": people.operator_id, "departmentCode": "KHTH"}
    result = await client.gql(ADD_STAFF, variables, token=token(people, who))
    assert first_error(result.data["addStaffToDepartment"]) == ADMIN_ONLY[who]


@pytest.mark.parametrize("who", WHO)
async def test_the_queue_and_figures_are_for_operators(client: Api, people: People, who: str) -> None:
    queue = await client.gql("{ requestQueue { totalCount } }", token=token(people, who))
    stats = await client.gql(
        '{ requestStats(from: "2026-01-01", to: "2026-12-31") { received } }', token=token(people, who)
    )
    expected = [STAFF_ONLY[who]] if STAFF_ONLY[who] else []
    assert queue.error_codes == expected
    assert stats.error_codes == expected


@pytest.mark.parametrize("who", WHO)
async def test_resubmit_is_for_the_customer_who_owns_it(client: Api, people: People, who: str) -> None:
    from tests.requests.helpers import RESUBMIT, move

    code = await _owned_request(client, people)
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung")
    before = await snapshot()
    result = await client.gql(RESUBMIT, {"code": code, "comment": "Xong"}, token=token(people, who))
    assert first_error(result.data["resubmitServiceRequest"]) == CANCEL_EXPECTED[who]
    if CANCEL_EXPECTED[who]:
        assert await snapshot() == before


GUEST_STEP_EXPECTED = {
    "anonymous": None,
    "customer": None,
    "other_customer": None,
    "manager": "FORBIDDEN",
    "other_operator": "FORBIDDEN",
    "operator": "FORBIDDEN",
    "admin": "FORBIDDEN",
}
# an allowed guest step is recorded as the guest, whoever holds the link
GUEST_STEP_ACTOR = "guest:hoa@example.vn"


@pytest.mark.parametrize("action", ["CANCEL", "RESUBMIT"])
@pytest.mark.parametrize("who", WHO)
async def test_guest_steps_are_for_whoever_holds_the_link_but_staff(
    client: Api, people: People, who: str, action: str
) -> None:
    from tests.requests.helpers import ONE, guest_cancel, guest_link, guest_resubmit, move

    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"]
    if action == "RESUBMIT":
        await move(client, people.operator, code, "RECEIVE")
        await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung")
    link = await guest_link(code)
    before = await snapshot()
    if action == "CANCEL":
        payload = await guest_cancel(client, link, "Hủy", bearer=token(people, who))
    else:
        payload = await guest_resubmit(client, link, bearer=token(people, who))
    assert first_error(payload) == GUEST_STEP_EXPECTED[who]
    if GUEST_STEP_EXPECTED[who]:
        assert payload["request"] is None
        assert await snapshot() == before
        return
    assert payload["request"]["status"] == {"CANCEL": "CANCELLED", "RESUBMIT": "RESUBMITTED"}[action]
    events = (await client.gql(ONE, {"code": code}, token=people.operator)).data["serviceRequest"]["events"]
    assert (events[-1]["action"], events[-1]["actor"]) == (action.lower(), GUEST_STEP_ACTOR)
