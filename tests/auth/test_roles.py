"""Staff accounts and roles: only an admin creates staff and grants or revokes roles; a change takes
effect on the next request and is audited with the roles before and after."""

from __future__ import annotations

from typing import Any

import pytest

from app.auth.enums import Role
from tests.auth.helpers import (
    ADMIN_EMAIL,
    AUDIT_EVENTS,
    CREATE_STAFF,
    FORBIDDEN,
    GRANT_ROLE,
    REVOKE_ROLE,
    UNAUTHENTICATED,
    account_id,
    audit_rows,
    counts,
    errors_of,
    me,
    sign_in,
    snapshot,
    texts,
    top_level_refusal,
)
from tests.support import PASSWORD, Api

STAFF_EMAIL = "van.hanh@ttcntt.thanhhoa.gov.vn"


def staff_input(email: str = STAFF_EMAIL, **overrides: Any) -> dict[str, Any]:
    return {"email": email, "fullName": "Phạm Thị Dung", "password": PASSWORD, "roles": ["OPERATOR"], **overrides}


async def create_staff(client: Api, token: str | None, values: dict[str, Any], **headers: str) -> dict[str, Any]:
    return (await client.gql(CREATE_STAFF, {"input": values}, token=token, headers=headers or None)).data[
        "createStaffAccount"
    ]


async def grant(client: Api, token: str | None, account: str, role: str, **headers: str) -> dict[str, Any]:
    variables = {"accountId": account, "role": role}
    return (await client.gql(GRANT_ROLE, variables, token=token, headers=headers or None)).data["grantRole"]


async def revoke(client: Api, token: str | None, account: str, role: str, **headers: str) -> dict[str, Any]:
    variables = {"accountId": account, "role": role}
    return (await client.gql(REVOKE_ROLE, variables, token=token, headers=headers or None)).data["revokeRole"]


async def audit_of(client: Api, admin: str, account: str) -> list[dict[str, Any]]:
    result = await client.gql(AUDIT_EVENTS, {"entityType": "account", "entityId": account}, token=admin)
    connection = result.data["auditEvents"]
    assert connection["totalCount"] == len(connection["edges"])
    return [edge["node"] for edge in connection["edges"]]


def refused_with(payload: dict[str, Any]) -> tuple[str, str, str]:
    assert payload["account"] is None
    [error] = payload["errors"]
    return texts(error)


# --- staff accounts ---


async def test_admin_creates_a_staff_account_that_can_sign_in(client: Api, admin: str) -> None:
    # when an admin creates a staff account with two roles (one repeated)
    payload = await create_staff(
        client,
        admin,
        staff_input(
            " Van.Hanh@TTCNTT.thanhhoa.gov.vn", fullName=" Phạm Thị Dung ", roles=["OPERATOR", "FINANCE", "OPERATOR"]
        ),
        **{"X-Request-ID": "taoCanBo01"},
    )
    # then the account is staff with the roles, once each, in alphabetical order
    assert payload["errors"] == []
    account = payload["account"]
    assert account == {
        "id": account["id"],
        "email": STAFF_EMAIL,
        "fullName": "Phạm Thị Dung",
        "phone": "",
        "kind": "STAFF",
        "customerKind": None,
        "citizenId": None,
        "taxCode": None,
        "organizationName": None,
        "roles": ["FINANCE", "OPERATOR"],
    }
    # and it is audited with the admin as actor and this request's id
    [event] = await audit_of(client, admin, account["id"])
    assert {k: v for k, v in event.items() if k != "id"} == {
        "actor": ADMIN_EMAIL,
        "action": "account.create_staff",
        "entityType": "account",
        "entityId": account["id"],
        "before": None,
        "after": {"email": STAFF_EMAIL, "roles": ["finance", "operator"]},
        "requestId": "taoCanBo01",
    }
    # and the new account signs in with its roles
    signed_in = await sign_in(client, STAFF_EMAIL)
    assert signed_in["account"] == account
    assert (await me(client, signed_in["token"])).data["me"]["roles"] == ["FINANCE", "OPERATOR"]


async def test_a_staff_account_may_start_without_roles(client: Api, admin: str) -> None:
    payload = await create_staff(client, admin, staff_input(roles=[]))
    assert (payload["errors"], payload["account"]["roles"]) == ([], [])


async def test_staff_account_refusals_write_nothing(client: Api, admin: str) -> None:
    await client.customer("an@example.vn")
    before = await snapshot()
    # every bad field at once
    payload = await create_staff(client, admin, staff_input("khong-phai-email", fullName="Dung\x1b", password="ngan"))
    assert errors_of(payload) == [
        ("email", "INVALID_EMAIL"),
        ("fullName", "CONTROL_CHARACTERS"),
        ("password", "WEAK_PASSWORD"),
    ]
    assert payload["account"] is None
    # an e-mail already used, by a customer or by staff, in any case
    assert errors_of(await create_staff(client, admin, staff_input("AN@example.vn"))) == [("email", "EMAIL_TAKEN")]
    assert errors_of(await create_staff(client, admin, staff_input(ADMIN_EMAIL.upper()))) == [("email", "EMAIL_TAKEN")]
    assert await snapshot() == before


async def test_only_an_admin_creates_staff(client: Api, admin: str) -> None:
    manager = await client.staff("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER, Role.OPERATOR, Role.FINANCE)
    customer = await client.customer("an@example.vn")
    before = await snapshot()
    assert refused_with(await create_staff(client, None, staff_input())) == UNAUTHENTICATED
    assert refused_with(await create_staff(client, manager, staff_input())) == FORBIDDEN
    assert refused_with(await create_staff(client, customer, staff_input(roles=["ADMIN"]))) == FORBIDDEN
    assert await snapshot() == before


# --- grant and revoke ---


async def test_a_granted_role_takes_effect_on_the_next_request(client: Api, admin: str) -> None:
    # given an operator, who may not read the catalog's audit log
    operator = await client.staff(STAFF_EMAIL, Role.OPERATOR)
    operator_id = await account_id(client, operator)
    catalog_audit = {"entityType": "service"}
    assert top_level_refusal(await client.gql(AUDIT_EVENTS, catalog_audit, token=operator))["code"] == "FORBIDDEN"
    # when an admin grants CATALOG_MANAGER
    payload = await grant(client, admin, operator_id, "CATALOG_MANAGER", **{"X-Request-ID": "capQuyen01"})
    assert payload == {
        "account": {"id": operator_id, "email": STAFF_EMAIL, "roles": ["CATALOG_MANAGER", "OPERATOR"]},
        "errors": [],
    }
    # then the operator's very same token carries it on the next request
    assert (await me(client, operator)).data["me"]["roles"] == ["CATALOG_MANAGER", "OPERATOR"]
    assert (await client.gql(AUDIT_EVENTS, catalog_audit, token=operator)).data["auditEvents"]["totalCount"] == 0
    # and the grant is audited with the roles before and after
    event = (await audit_of(client, admin, operator_id))[0]
    assert {k: v for k, v in event.items() if k != "id"} == {
        "actor": ADMIN_EMAIL,
        "action": "account.grant_role",
        "entityType": "account",
        "entityId": operator_id,
        "before": {"roles": ["operator"]},
        "after": {"roles": ["catalog_manager", "operator"]},
        "requestId": "capQuyen01",
    }
    # when the admin revokes it again
    payload = await revoke(client, admin, operator_id, "CATALOG_MANAGER", **{"X-Request-ID": "thuHoi01"})
    assert payload == {"account": {"id": operator_id, "email": STAFF_EMAIL, "roles": ["OPERATOR"]}, "errors": []}
    # then it is gone on the next request, and audited
    assert (await me(client, operator)).data["me"]["roles"] == ["OPERATOR"]
    assert top_level_refusal(await client.gql(AUDIT_EVENTS, catalog_audit, token=operator))["code"] == "FORBIDDEN"
    newest, granted, created = await audit_of(client, admin, operator_id)
    assert (newest["action"], newest["before"], newest["after"], newest["requestId"]) == (
        "account.revoke_role",
        {"roles": ["catalog_manager", "operator"]},
        {"roles": ["operator"]},
        "thuHoi01",
    )
    assert (granted["action"], created["action"]) == ("account.grant_role", "account.create_staff")


async def test_granting_admin_gives_every_staff_permission(client: Api, admin: str) -> None:
    operator = await client.staff(STAFF_EMAIL, Role.OPERATOR)
    assert top_level_refusal(await client.gql("{ accounts { totalCount } }", token=operator))["code"] == "FORBIDDEN"
    assert (await grant(client, admin, await account_id(client, operator), "ADMIN"))["errors"] == []
    assert (await client.gql("{ accounts { totalCount } }", token=operator)).data["accounts"]["totalCount"] == 2


async def test_granting_a_held_role_or_revoking_a_missing_one_changes_nothing(client: Api, admin: str) -> None:
    operator_id = await account_id(client, await client.staff(STAFF_EMAIL, Role.OPERATOR))
    before = await snapshot()
    assert (await grant(client, admin, operator_id, "OPERATOR"))["account"]["roles"] == ["OPERATOR"]
    assert (await revoke(client, admin, operator_id, "FINANCE"))["account"]["roles"] == ["OPERATOR"]
    assert await snapshot() == before


async def test_roles_are_for_staff_only(client: Api, admin: str) -> None:
    customer_id = await account_id(client, await client.customer("an@example.vn"))
    before = await snapshot()
    for change in (grant, revoke):
        payload = await change(client, admin, customer_id, "OPERATOR")
        assert payload["account"] is None
        assert payload["errors"] == [
            {
                "field": "accountId",
                "code": "NOT_STAFF",
                "message": "Chỉ tài khoản cán bộ mới được cấp vai trò.",
                "messageVi": "Chỉ tài khoản cán bộ mới được cấp vai trò.",
                "messageEn": "Roles can be granted to staff accounts only.",
            }
        ]
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("9999", ("accountId", "NOT_FOUND", "Account not found.")),
        ("abc", ("accountId", "INVALID_ID", "The id is not valid.")),
        ("-5", ("accountId", "INVALID_ID", "The id is not valid.")),
        ("1" * 20, ("accountId", "INVALID_ID", "The id is not valid.")),
        ("", ("accountId", "INVALID_ID", "The id is not valid.")),
    ],
)
async def test_roles_of_an_unknown_account(client: Api, admin: str, target: str, expected: tuple[str, ...]) -> None:
    before = await snapshot()
    for change in (grant, revoke):
        payload = await change(client, admin, target, "OPERATOR")
        assert payload["account"] is None
        assert [(e["field"], e["code"], e["messageEn"]) for e in payload["errors"]] == [expected]
    assert await snapshot() == before


async def test_an_admin_cannot_revoke_their_own_admin_role(client: Api, admin: str) -> None:
    admin_id = await account_id(client, admin)
    before = await snapshot()
    payload = await revoke(client, admin, admin_id, "ADMIN", **{"Accept-Language": "en"})
    assert payload == {
        "account": None,
        "errors": [
            {
                "field": "role",
                "code": "CANNOT_REVOKE_OWN_ADMIN",
                "message": "You cannot revoke your own admin role.",
                "messageVi": "Không thể tự thu hồi quyền quản trị của chính mình.",
                "messageEn": "You cannot revoke your own admin role.",
            }
        ],
    }
    assert await snapshot() == before
    assert (await me(client, admin)).data["me"]["roles"] == ["ADMIN"]


async def test_an_admin_may_revoke_another_admin_and_their_own_other_roles(client: Api, admin: str) -> None:
    admin_id = await account_id(client, admin)
    second = await client.staff("quan.tri.2@ttcntt.vn", Role.ADMIN)
    second_id = await account_id(client, second)
    # their own non-admin role
    assert (await grant(client, admin, admin_id, "FINANCE"))["account"]["roles"] == ["ADMIN", "FINANCE"]
    assert (await revoke(client, admin, admin_id, "FINANCE"))["account"]["roles"] == ["ADMIN"]
    # another admin's admin role
    assert (await revoke(client, admin, second_id, "ADMIN")) == {
        "account": {"id": second_id, "email": "quan.tri.2@ttcntt.vn", "roles": []},
        "errors": [],
    }
    # who then can no longer do it back
    before = await snapshot()
    assert refused_with(await revoke(client, second, admin_id, "ADMIN")) == FORBIDDEN
    assert await snapshot() == before


async def test_only_an_admin_grants_or_revokes(client: Api, admin: str) -> None:
    operator = await client.staff(STAFF_EMAIL, Role.OPERATOR)
    operator_id = await account_id(client, operator)
    manager = await client.staff("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER, Role.PROJECT_MANAGER, Role.FINANCE)
    customer = await client.customer("an@example.vn")
    before = await snapshot()
    for change in (grant, revoke):
        assert refused_with(await change(client, None, operator_id, "OPERATOR")) == UNAUTHENTICATED
        for token in (operator, manager, customer):
            assert refused_with(await change(client, token, operator_id, "ADMIN")) == FORBIDDEN
    # not even to themselves
    assert refused_with(await grant(client, operator, operator_id, "ADMIN")) == FORBIDDEN
    assert await snapshot() == before


async def test_role_changes_add_one_audit_event_each(client: Api, admin: str) -> None:
    operator_id = await account_id(client, await client.staff(STAFF_EMAIL, Role.OPERATOR))
    start = (await counts())["audit_event"]
    for role in ("FINANCE", "PROJECT_MANAGER"):
        await grant(client, admin, operator_id, role)
    await revoke(client, admin, operator_id, "OPERATOR")
    rows = await audit_rows()
    assert len(rows) == start + 3
    assert [(r["action"], r["before"], r["after"]) for r in rows[start:]] == [
        ("account.grant_role", {"roles": ["operator"]}, {"roles": ["finance", "operator"]}),
        (
            "account.grant_role",
            {"roles": ["finance", "operator"]},
            {"roles": ["finance", "operator", "project_manager"]},
        ),
        (
            "account.revoke_role",
            {"roles": ["finance", "operator", "project_manager"]},
            {"roles": ["finance", "project_manager"]},
        ),
    ]
    assert {r["actor_id"] for r in rows[start:]} == {int(await account_id(client, admin))}
