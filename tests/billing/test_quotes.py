"""Quotes: made by the request's operators from its captured price, the channel fee and extra plans,
with discounts; answered by the customer (or a guest through the link); revisions supersede; one accepted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from app.tables import OutboxMessage
from billing.tables import Quote, QuoteLine
from tests.billing.helpers import (
    ACCEPT,
    ACCEPT_AS_GUEST,
    CREATE_QUOTE,
    DECLINE,
    MY_QUOTES,
    Billing,
    call,
    errors_of,
    quote,
    received_request,
)
from tests.requests.helpers import ONE, guest_link, local, move, plan_id, snapshot
from tests.support import Api


async def billing_rows() -> dict[str, Any]:
    return {
        "quote": await Quote.select().order_by(Quote.id),
        "quote_line": await QuoteLine.select().order_by(QuoteLine.id),
        **await snapshot(),
    }


async def test_a_quote_prices_the_request_with_a_discount_and_an_extra_plan(
    client: Api, billing: Billing, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 9, 9, 0))
    people = billing.people
    code = await received_request(client, people)
    hour = await plan_id(client, "HTS-HTKT-02", "HOUR")
    made = await quote(
        client, people, code, requestDiscountAmount=100_000, note="Ưu đãi khách hàng mới",
        extraLines=[{"planId": hour, "quantity": 5}],
    )  # fmt: skip
    assert {k: made[k] for k in ("revision", "status", "validUntil", "note", "requestCode")} == {
        "revision": 1, "status": "SENT", "validUntil": "2026-04-08", "note": "Ưu đãi khách hàng mới", "requestCode": code,
    }  # fmt: skip
    assert [(ln["source"], ln["quantity"], ln["unitAmount"], ln["discountAmount"], ln["amount"], ln["vatAmount"])
            for ln in made["lines"]] == [
        ("REQUEST", 2, 1_200_000, 100_000, 2_300_000, 230_000),
        ("PLAN", 5, 200_000, 0, 1_000_000, 100_000),
    ]  # fmt: skip
    assert [ln["name"] for ln in made["lines"]] == [
        "Sao lưu và lưu trữ dữ liệu – Lưu trữ dữ liệu (theo TB)", "Hỗ trợ kỹ thuật từ xa – Theo giờ hỗ trợ",
    ]  # fmt: skip
    assert (made["amount"], made["vatAmount"], made["totalAmount"], made["discountAmount"]) == (
        3_300_000, 330_000, 3_630_000, 100_000,
    )  # fmt: skip
    assert made["amountInWords"] == "Ba triệu sáu trăm ba mươi nghìn đồng"
    assert made["vatTotals"] == [
        {"vatRate": "RATE_10", "label": "10%", "amount": 3_300_000, "vatAmount": 330_000, "totalAmount": 3_630_000}
    ]
    [message] = await OutboxMessage.select().where(OutboxMessage.entity_type == "quote")
    assert message["recipient"] == "khach@example.vn"
    assert "3.630.000 đồng (Ba triệu sáu trăm ba mươi nghìn đồng)" in message["body"]


async def test_acceptance_starts_the_request_in_the_same_transaction(client: Api, billing: Billing) -> None:
    people = billing.people
    code = await received_request(client, people)
    made = await quote(client, people, code)
    accepted = await call(client, ACCEPT, {"id": made["id"]}, people.customer, "acceptQuote")
    assert (accepted["errors"], accepted["quote"]["status"]) == ([], "ACCEPTED")
    request = (await client.gql(ONE, {"code": code}, token=people.operator)).data["serviceRequest"]
    assert request["status"] == "PROCESSING"
    assert [(e["action"], e["actor"]) for e in request["events"]][-1] == ("start", "khach@example.vn")
    quotes = await client.gql(
        "query ($c: String!) { serviceRequest(code: $c) { quotes { revision status } } }",
        {"c": code},
        token=people.customer,
    )
    assert quotes.data["serviceRequest"]["quotes"] == [{"revision": 1, "status": "ACCEPTED"}]
    # one accepted quote per request: no new revision, and no second acceptance
    again = await call(client, CREATE_QUOTE, {"code": code, "input": {}}, people.operator, "createQuote")
    assert errors_of(again) == [("requestCode", "QUOTE_ALREADY_ACCEPTED")]


async def test_a_revision_supersedes_the_open_quote(client: Api, billing: Billing) -> None:
    people = billing.people
    code = await received_request(client, people)
    first = await quote(client, people, code)
    second = await quote(client, people, code, requestDiscountAmount=200_000)
    assert second["revision"] == 2
    stale = await call(client, ACCEPT, {"id": first["id"]}, people.customer, "acceptQuote")
    assert errors_of(stale) == [("action", "INVALID_TRANSITION")]
    mine = (await client.gql(MY_QUOTES, token=people.customer)).data["myQuotes"]
    assert [(n["node"]["status"], n["node"]["totalAmount"]) for n in mine["edges"]] == [
        ("SENT", 2_420_000), ("SUPERSEDED", 2_640_000),
    ]  # fmt: skip
    declined = await call(client, DECLINE, {"id": second["id"]}, people.customer, "declineQuote")
    assert declined["quote"]["status"] == "DECLINED"


async def test_an_expired_quote_cannot_be_accepted(
    client: Api, billing: Billing, frozen_now: Callable[[Any], None]
) -> None:
    people = billing.people
    moment = local(2026, 3, 9, 9, 0)
    frozen_now(moment)
    code = await received_request(client, people)
    made = await quote(client, people, code, validUntil="2026-03-10")
    frozen_now(moment + timedelta(days=2))
    before = await billing_rows()
    late = await call(client, ACCEPT, {"id": made["id"]}, people.customer, "acceptQuote")
    assert errors_of(late) == [("id", "QUOTE_EXPIRED")]
    assert await billing_rows() == before
    from app.cli import daily_command

    swept = await daily_command("mark-overdue")
    assert swept["expired_quotes"] == [int(made["id"])]
    assert (await Quote.select(Quote.status).first())["status"] == "expired"


async def test_a_guest_answers_a_quote_through_the_link_in_its_e_mail(client: Api, billing: Billing) -> None:
    people = billing.people
    code = await received_request(client, people, customer=False)
    made = await quote(client, people, code)
    [message] = await OutboxMessage.select().where(OutboxMessage.entity_type == "quote")
    assert message["recipient"] == "hoa@example.vn"
    link = message["body"].split("?token=")[1].split()[0]  # the quote's e-mail carries a fresh link
    assert link != await guest_link(code)  # (the receipt's link is another one, still valid)
    accepted = await call(client, ACCEPT_AS_GUEST, {"token": link, "id": made["id"]}, None, "acceptQuoteAsGuest")
    assert (accepted["errors"], accepted["quote"]["status"]) == ([], "ACCEPTED")
    view = await client.gql(
        "query ($t: String!) { guestBilling(token: $t) { quotes { id status } invoices { id } } }", {"t": link}
    )
    assert view.data["guestBilling"] == {"quotes": [{"id": made["id"], "status": "ACCEPTED"}], "invoices": []}


async def test_refusals_write_nothing(client: Api, billing: Billing) -> None:
    people = billing.people
    code = await received_request(client, people)
    hour = await plan_id(client, "HTS-HTKT-02", "HOUR")
    before = await billing_rows()
    cases = [
        # another department's operator: the request looks unknown
        (people.other_operator, code, {}, [("code", "NOT_FOUND")]),
        (people.customer, code, {}, [(None, "FORBIDDEN")]),
        (None, code, {}, [(None, "UNAUTHENTICATED")]),
        (people.operator, code, {"requestDiscountAmount": 2_400_001}, [("requestDiscountAmount", "DISCOUNT_TOO_LARGE")]),
        (people.operator, code, {"requestDiscountAmount": -1}, [("requestDiscountAmount", "NEGATIVE_AMOUNT")]),
        (people.operator, code, {"extraLines": [{"planId": hour, "quantity": 1, "discountAmount": 200_001}]},
         [("extraLines.0.discountAmount", "DISCOUNT_TOO_LARGE")]),
        (people.operator, code, {"extraLines": [{"planId": "¹", "quantity": 1}]}, [("extraLines.0.planId", "INVALID_ID")]),
        (people.operator, code, {"extraLines": [{"planId": "999999", "quantity": 1}]},
         [("extraLines.0.planId", "PLAN_NOT_AVAILABLE")]),
        (people.operator, code, {"extraLines": [{"planId": hour, "quantity": 0}]}, [("extraLines.0.quantity", "INVALID_QUANTITY")]),
        (people.operator, code, {"validUntil": "2020-01-01"}, [("validUntil", "DATE_IN_PAST")]),
        (people.operator, code, {"validUntil": "9999-12-31"}, [("validUntil", "DATE_OUT_OF_RANGE")]),
        (people.operator, code, {"note": "a\x00b"}, [("note", "CONTROL_CHARACTERS")]),
    ]  # fmt: skip
    for token, which, input_, expected in cases:
        payload = await call(client, CREATE_QUOTE, {"code": which, "input": input_}, token, "createQuote")
        assert (payload["quote"], errors_of(payload)) == (None, expected), input_
    assert await billing_rows() == before


@pytest.mark.parametrize("step", ["REJECT", "CANCEL"])
async def test_a_request_that_ended_is_not_quoted(client: Api, billing: Billing, step: str) -> None:
    people = billing.people
    code = await received_request(client, people)
    await move(client, people.customer if step == "CANCEL" else people.operator, code, step, "Không phù hợp")
    before = await billing_rows()
    payload = await call(client, CREATE_QUOTE, {"code": code, "input": {}}, people.operator, "createQuote")
    assert errors_of(payload) == [("requestCode", "REQUEST_NOT_QUOTABLE")]
    assert await billing_rows() == before


async def test_another_customer_cannot_see_or_answer_a_quote(client: Api, billing: Billing) -> None:
    people = billing.people
    code = await received_request(client, people)
    made = await quote(client, people, code)
    before = await billing_rows()
    refused = await call(client, ACCEPT, {"id": made["id"]}, people.other_customer, "acceptQuote")
    assert errors_of(refused) == [("id", "NOT_FOUND")]
    read = await client.gql(
        "query ($id: ID!) { quote(id: $id) { id } }", {"id": made["id"]}, token=people.other_customer
    )
    assert read.error_codes == ["NOT_FOUND"]
    staff = await call(client, ACCEPT, {"id": made["id"]}, people.operator, "acceptQuote")
    assert errors_of(staff) == [(None, "FORBIDDEN")]
    assert await billing_rows() == before
    mine = await client.gql("query ($id: ID!) { quote(id: $id) { id } }", {"id": made["id"]}, token=people.customer)
    assert mine.data["quote"]["id"] == made["id"]
