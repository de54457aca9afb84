"""Every staff change of the catalog writes exactly one audit event: who, what, before and after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app import clock
from app.audit.tables import AuditEvent
from app.auth.enums import Role
from tests.catalog import helpers as h
from tests.catalog.helpers import AUDIT, CANCEL, MANAGER_EMAIL, PUBLISH, RETIRE, SCHEDULE, UPDATE_SERVICE
from tests.support import Api


async def events_since(count: int) -> list[dict[str, Any]]:
    rows = await AuditEvent.select().order_by(AuditEvent.id).output(load_json=True)
    return rows[count:]


async def one_new_event(count: int) -> dict[str, Any]:
    [event] = await events_since(count)
    return event


async def test_each_staff_change_writes_one_audit_event(client: Api, catalog: dict[str, int], manager: str) -> None:
    today = clock.local_today()
    later = today + timedelta(days=40)
    n = await AuditEvent.count()

    # create
    created = await h.create_service(client, manager, "AUDIT-01", nameVi="Dịch vụ kiểm toán", tags=["nhat ky"])
    event = await one_new_event(n)
    assert (event["actor_label"], event["action"], event["entity_type"], event["entity_id"]) == (
        MANAGER_EMAIL,
        "service.create",
        "service",
        "AUDIT-01",
    )
    assert event["actor_id"] is not None
    assert event["before"] is None
    assert {k: event["after"][k] for k in ("code", "name_vi", "name_en", "status", "version", "tags", "for_business", "for_citizen")} == {
        "code": "AUDIT-01", "name_vi": "Dịch vụ kiểm toán", "name_en": "Test service AUDIT-01", "status": "draft",
        "version": 1, "tags": ["nhat ky"], "for_business": True, "for_citizen": False,
    }  # fmt: skip
    assert event["after"]["channels"] == [{"channel": "online", "processing_days": 3, "fee_amount": 0}]
    assert "search_text" not in event["after"]

    # update
    n += 1
    changes = {
        "nameVi": "Dịch vụ kiểm toán (sửa)",
        "channels": [{"channel": "POST", "processingDays": 9, "feeAmount": 20_000}],
    }
    result = await client.gql(
        UPDATE_SERVICE, {"code": "AUDIT-01", "version": created["version"], "input": changes}, manager
    )
    assert result.data["updateService"]["errors"] == []
    event = await one_new_event(n)
    assert (event["actor_label"], event["action"], event["entity_id"]) == (MANAGER_EMAIL, "service.update", "AUDIT-01")
    assert (event["before"]["name_vi"], event["after"]["name_vi"]) == ("Dịch vụ kiểm toán", "Dịch vụ kiểm toán (sửa)")
    assert (event["before"]["version"], event["after"]["version"]) == (1, 2)
    assert event["before"]["channels"] == [{"channel": "online", "processing_days": 3, "fee_amount": 0}]
    assert event["after"]["channels"] == [{"channel": "post", "processing_days": 9, "fee_amount": 20_000}]

    # an update without channels says so
    n += 1
    await client.gql(UPDATE_SERVICE, {"code": "AUDIT-01", "version": 2, "input": {"summaryVi": "Tóm tắt"}}, manager)
    event = await one_new_event(n)
    assert (event["before"]["summary_vi"], event["after"]["summary_vi"], event["after"]["channels"]) == (
        "",
        "Tóm tắt",
        "unchanged",
    )

    # plan.create
    n += 1
    plan = await h.add_plan(client, manager, "AUDIT-01", {"amount": 250_000, "vatRate": "RATE_8"}, code="GOI-A")
    event = await one_new_event(n)
    assert (event["action"], event["entity_type"], event["entity_id"], event["before"]) == (
        "plan.create",
        "plan",
        plan["id"],
        None,
    )
    assert event["after"]["code"] == "GOI-A"
    assert event["after"]["price"] == {"amount": 250_000, "vat_rate": "8", "effective_from": today.isoformat()}

    # plan.schedule_price: a new change, then its replacement
    n += 1
    await client.gql(
        SCHEDULE,
        {"planId": plan["id"], "price": {"amount": 300_000, "vatRate": "RATE_10", "effectiveFrom": later.isoformat()}},
        manager,
    )
    event = await one_new_event(n)
    assert (event["action"], event["entity_id"], event["before"]) == ("plan.schedule_price", plan["id"], None)
    assert event["after"] == {"amount": 300_000, "vat_rate": "10", "effective_from": later.isoformat()}
    n += 1
    await client.gql(
        SCHEDULE,
        {"planId": plan["id"], "price": {"amount": 310_000, "vatRate": "RATE_10", "effectiveFrom": later.isoformat()}},
        manager,
    )
    event = await one_new_event(n)
    assert event["before"] == {"amount": 300_000, "vat_rate": "10", "effective_from": later.isoformat()}
    assert event["after"] == {"amount": 310_000, "vat_rate": "10", "effective_from": later.isoformat()}

    # plan.cancel_price
    n += 1
    await client.gql(CANCEL, {"planId": plan["id"], "effectiveFrom": later.isoformat()}, manager)
    event = await one_new_event(n)
    assert (event["action"], event["before"], event["after"]) == (
        "plan.cancel_price", {"amount": 310_000, "vat_rate": "10", "effective_from": later.isoformat()}, None,
    )  # fmt: skip

    # publish and retire
    n += 1
    await h.publish(client, manager, "AUDIT-01", 3)
    event = await one_new_event(n)
    assert (event["action"], event["before"], event["after"]) == (
        "service.publish",
        {"status": "draft", "version": 3},
        {"status": "published", "version": 4},
    )
    n += 1
    await client.gql(RETIRE, {"code": "AUDIT-01", "version": 4}, manager)
    event = await one_new_event(n)
    assert (event["action"], event["before"], event["after"]) == (
        "service.retire",
        {"status": "published", "version": 4},
        {"status": "retired", "version": 5},
    )

    # refusals write nothing
    n += 1
    await client.gql(RETIRE, {"code": "AUDIT-01", "version": 5}, manager)
    await client.gql(PUBLISH, {"code": "AUDIT-01", "version": 1}, manager)
    await client.gql(UPDATE_SERVICE, {"code": "AUDIT-01", "version": 1, "input": {"nameVi": "X"}}, manager)
    assert await events_since(n) == []

    # the catalog manager reads the service's history, newest first
    result = await client.gql(AUDIT, {"entityType": "service", "entityId": "AUDIT-01", "first": 100}, manager)
    log = result.data["auditEvents"]
    assert log["totalCount"] == 5
    assert [e["node"]["action"] for e in log["edges"]] == [
        "service.retire",
        "service.publish",
        "service.update",
        "service.update",
        "service.create",
    ]
    assert {e["node"]["actor"] for e in log["edges"]} == {MANAGER_EMAIL}
    assert {(e["node"]["entityType"], e["node"]["entityId"]) for e in log["edges"]} == {("service", "AUDIT-01")}
    assert log["edges"][2]["node"]["after"]["name_vi"] == "Dịch vụ kiểm toán (sửa)"
    plan_log = await h.audit_events(client, manager, "plan", plan["id"])
    assert [e["action"] for e in plan_log] == [
        "plan.cancel_price",
        "plan.schedule_price",
        "plan.schedule_price",
        "plan.create",
    ]


async def test_the_audit_log_is_not_public(client: Api, catalog: dict[str, int], manager: str) -> None:
    customer = await client.customer("khach@example.vn")
    operator = await client.staff("van.hanh@ttcntt.thanhhoa.gov.vn", Role.OPERATOR)
    variables = {"entityType": "service", "entityId": "HTS-DC-01"}
    for token, code in ((None, "UNAUTHENTICATED"), (customer, "FORBIDDEN"), (operator, "FORBIDDEN")):
        result = await client.gql(AUDIT, variables, token)
        assert result.body["data"] is None
        assert result.error_codes == [code]
    # a catalog manager reads catalog entities only
    assert (await client.gql(AUDIT, {"entityType": "account"}, manager)).error_codes == ["FORBIDDEN"]
    assert (await client.gql(AUDIT, {}, manager)).error_codes == ["FORBIDDEN"]
    assert (await client.gql(AUDIT, variables, manager)).data["auditEvents"]["totalCount"] == 0
