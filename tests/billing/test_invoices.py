"""Invoices: drafted from an accepted quote, completed and issued by finance with the next number of its
symbol, immutable once issued, visible to the customer billed; totals per VAT rate for a period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from app.tables import OutboxMessage
from billing.tables import Invoice, InvoiceLine
from tests.billing.helpers import (
    ADJUST,
    CANCEL,
    DRAFT_FROM_QUOTE,
    INVOICE,
    ISSUE,
    MY_INVOICES,
    REPLACE,
    UPDATE_DRAFT,
    Billing,
    accepted_quote,
    call,
    errors_of,
    issued_invoice,
    quote,
    received_request,
)
from tests.requests.helpers import local, plan_id, snapshot
from tests.support import Api


async def billing_rows() -> dict[str, Any]:
    return {
        "invoice": await Invoice.select().order_by(Invoice.id),
        "invoice_line": await InvoiceLine.select().order_by(InvoiceLine.id),
        **await snapshot(),
    }


async def test_request_to_quote_to_invoice_visible_to_the_customer(
    client: Api, billing: Billing, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 9, 9, 0))
    people = billing.people
    hour = await plan_id(client, "HTS-HTKT-02", "HOUR")
    accepted = await accepted_quote(client, people, requestDiscountAmount=100_000,
                                    extraLines=[{"planId": hour, "quantity": 5}])  # fmt: skip
    draft = await call(client, DRAFT_FROM_QUOTE, {"id": accepted["id"]}, billing.finance, "draftInvoiceFromQuote")
    assert draft["errors"] == []
    d = draft["invoice"]
    assert (d["status"], d["number"], d["displayNumber"], d["symbol"], d["kind"], d["source"]) == (
        "DRAFT", None, None, "", "ORIGINAL", "QUOTE",
    )  # fmt: skip
    assert d["buyer"] == {"kind": "INDIVIDUAL", "name": "Nguyễn Văn A", "taxCode": "", "citizenId": "038095000123",
                          "address": "", "email": "khach@example.vn"}  # fmt: skip
    assert d["paymentReference"].startswith("HD") and len(d["paymentReference"]) == 12
    # the customer does not see a draft
    assert (await client.gql(INVOICE, {"id": d["id"]}, token=people.customer)).error_codes == ["NOT_FOUND"]
    frozen_now(local(2026, 3, 10, 14, 0))
    issued = await call(client, ISSUE, {"id": d["id"], "version": d["version"]}, billing.finance, "issueInvoice")
    assert issued["errors"] == []
    i = issued["invoice"]
    assert {k: i[k] for k in ("status", "template", "symbol", "number", "displayNumber", "issueDate", "dueDate")} == {
        "status": "ISSUED", "template": "1", "symbol": "C26TAA", "number": 1, "displayNumber": "1C26TAA-00000001",
        "issueDate": "2026-03-10", "dueDate": "2026-03-25",
    }  # fmt: skip
    assert (i["amount"], i["vatAmount"], i["totalAmount"], i["amountPaid"], i["balance"]) == (
        3_300_000, 330_000, 3_630_000, 0, 3_630_000,
    )  # fmt: skip
    assert i["amountInWords"] == "Ba triệu sáu trăm ba mươi nghìn đồng"
    assert i["seller"] == {
        "name": "Trung tâm Công nghệ thông tin và Truyền thông tỉnh Thanh Hóa",
        "taxCode": "2800000027",
    }
    assert [(ln["name"], ln["amount"], ln["vatAmount"]) for ln in i["lines"]] == [
        ("Sao lưu và lưu trữ dữ liệu – Lưu trữ dữ liệu (theo TB)", 2_300_000, 230_000),
        ("Hỗ trợ kỹ thuật từ xa – Theo giờ hỗ trợ", 1_000_000, 100_000),
    ]
    # the customer sees it, in their list too, and is told by e-mail
    seen = (await client.gql(INVOICE, {"id": i["id"]}, token=people.customer)).data["invoice"]
    assert seen["displayNumber"] == "1C26TAA-00000001"
    mine = (await client.gql(MY_INVOICES, token=people.customer)).data["myInvoices"]
    assert [e["node"]["displayNumber"] for e in mine["edges"]] == ["1C26TAA-00000001"]
    [mail] = await OutboxMessage.select().where(OutboxMessage.entity_type == "invoice")
    assert mail["recipient"] == "khach@example.vn" and d["paymentReference"] in mail["body"]
    # another customer does not
    assert (await client.gql(INVOICE, {"id": i["id"]}, token=people.other_customer)).error_codes == ["NOT_FOUND"]
    assert (await client.gql(MY_INVOICES, token=people.other_customer)).data["myInvoices"]["totalCount"] == 0


async def test_numbers_run_per_symbol_and_year_without_gaps(
    client: Api, billing: Billing, frozen_now: Callable[[Any], None]
) -> None:
    from dataclasses import replace

    from app.auth.service import sign_in
    from tests.support import PASSWORD

    async def signed_in_again() -> Billing:  # the frozen clock is past the fixtures' tokens' expiry
        token = {
            e: (await sign_in(e, PASSWORD)).token
            for e in ("mot.cua@ttcntt.vn", "khach@example.vn", "ke.toan@ttcntt.vn")
        }
        people = replace(billing.people, operator=token["mot.cua@ttcntt.vn"], customer=token["khach@example.vn"])
        return Billing(people, token["ke.toan@ttcntt.vn"])

    frozen_now(local(2026, 12, 31, 9, 0))
    first = await issued_invoice(client, await signed_in_again())
    second = await issued_invoice(client, await signed_in_again())
    frozen_now(local(2027, 1, 4, 9, 0))
    third = await issued_invoice(client, await signed_in_again())
    assert [(x["symbol"], x["number"]) for x in (first, second, third)] == [("C26TAA", 1), ("C26TAA", 2), ("C27TAA", 1)]


async def test_a_draft_is_completed_then_frozen_once_issued(client: Api, billing: Billing) -> None:
    accepted = await accepted_quote(client, billing.people)
    draft = (await call(client, DRAFT_FROM_QUOTE, {"id": accepted["id"]}, billing.finance, "draftInvoiceFromQuote"))[
        "invoice"
    ]
    changed = await call(client, UPDATE_DRAFT, {"id": draft["id"], "version": draft["version"], "input": {
        "buyer": {"kind": "ORGANIZATION", "name": "Công ty TNHH Hạc Thành", "taxCode": "0100109106-001",
                  "address": "12 Lê Lợi, Thanh Hóa"},
        "dueDate": "2026-12-31", "paymentTerms": "Chuyển khoản trong 30 ngày"}}, billing.finance, "updateInvoiceDraft")  # fmt: skip
    assert changed["errors"] == []
    c = changed["invoice"]
    assert (c["buyer"]["kind"], c["buyer"]["taxCode"], c["dueDate"], c["version"]) == (
        "ORGANIZATION", "0100109106-001", "2026-12-31", 2,
    )  # fmt: skip
    issued = (await call(client, ISSUE, {"id": c["id"], "version": 2}, billing.finance, "issueInvoice"))["invoice"]
    assert (issued["buyer"]["taxCode"], issued["dueDate"]) == ("0100109106-001", "2026-12-31")
    before = await billing_rows()
    # every mutation that could touch an issued invoice refuses, and nothing changes
    attempts = [
        (UPDATE_DRAFT, {"id": c["id"], "version": issued["version"], "input": {"buyer": {"name": "Khác"}}},
         "updateInvoiceDraft", [("id", "INVOICE_ISSUED")]),
        (ISSUE, {"id": c["id"], "version": issued["version"]}, "issueInvoice", [("action", "INVALID_TRANSITION")]),
        (CANCEL, {"id": c["id"], "version": issued["version"], "reason": "x"}, "cancelInvoiceDraft",
         [("action", "INVALID_TRANSITION")]),
        (DRAFT_FROM_QUOTE, {"id": accepted["id"]}, "draftInvoiceFromQuote", [("quoteId", "ALREADY_INVOICED")]),
    ]  # fmt: skip
    for document, variables, name, expected in attempts:
        payload = await call(client, document, variables, billing.finance, name)
        assert errors_of(payload) == expected, name
    assert await billing_rows() == before


async def test_the_database_itself_refuses_to_change_an_issued_invoice(client: Api, billing: Billing) -> None:
    issued = await issued_invoice(client, billing)
    invoice_id = int(issued["id"])
    with pytest.raises(Exception, match="never changed"):
        await Invoice.update({Invoice.total_amount: 1}).where(Invoice.id == invoice_id)
    with pytest.raises(Exception, match="never changed"):
        await Invoice.update({Invoice.buyer_name: "Khác"}).where(Invoice.id == invoice_id)
    with pytest.raises(Exception, match="never"):
        await InvoiceLine.update({InvoiceLine.amount: 1}).where(InvoiceLine.invoice == invoice_id)
    with pytest.raises(Exception, match="never"):
        await InvoiceLine.delete().where(InvoiceLine.invoice == invoice_id)
    # what may change does: payments and the overdue flag
    await Invoice.update({Invoice.amount_paid: 100, Invoice.overdue: True}).where(Invoice.id == invoice_id)
    row = await Invoice.select(Invoice.total_amount, Invoice.amount_paid).where(Invoice.id == invoice_id).first()
    assert row == {"total_amount": issued["totalAmount"], "amount_paid": 100}


@pytest.mark.parametrize(
    ("buyer", "expected"),
    [
        ({"kind": "ORGANIZATION", "name": "Công ty A", "taxCode": "0100109107", "address": "1 Lê Lợi"},
         [("buyer.taxCode", "INVALID_TAX_CODE")]),
        ({"kind": "ORGANIZATION", "name": "Công ty A", "taxCode": "0100109106", "address": ""},
         [("buyer.address", "REQUIRED")]),
        ({"kind": "INDIVIDUAL", "taxCode": "038095000124"}, []),  # a 12-digit personal tax code (CCCD)
        ({"kind": "INDIVIDUAL", "taxCode": "999095000123"}, [("buyer.taxCode", "INVALID_CITIZEN_ID")]),
        ({"kind": "INDIVIDUAL", "name": " "}, [("buyer.name", "REQUIRED")]),
    ],
)  # fmt: skip
async def test_a_buyer_is_checked_before_issue(
    client: Api, billing: Billing, buyer: dict[str, Any], expected: list[Any]
) -> None:
    accepted = await accepted_quote(client, billing.people)
    draft = (await call(client, DRAFT_FROM_QUOTE, {"id": accepted["id"]}, billing.finance, "draftInvoiceFromQuote"))[
        "invoice"
    ]
    changed = await call(client, UPDATE_DRAFT, {"id": draft["id"], "version": 1, "input": {"buyer": buyer}},
                         billing.finance, "updateInvoiceDraft")  # fmt: skip
    if changed["errors"]:
        assert errors_of(changed) == expected
        return
    before = await billing_rows()
    issued = await call(client, ISSUE, {"id": draft["id"], "version": 2}, billing.finance, "issueInvoice")
    assert errors_of(issued) == expected
    if expected:
        assert await billing_rows() == before


async def test_only_finance_makes_and_issues_invoices(client: Api, billing: Billing) -> None:
    people = billing.people
    accepted = await accepted_quote(client, people)
    before = await billing_rows()
    for token, code in ((None, "UNAUTHENTICATED"), (people.customer, "FORBIDDEN"), (people.operator, "FORBIDDEN"),
                        (people.manager, "FORBIDDEN")):  # fmt: skip
        payload = await call(client, DRAFT_FROM_QUOTE, {"id": accepted["id"]}, token, "draftInvoiceFromQuote")
        assert errors_of(payload) == [(None, code)]
    assert await billing_rows() == before
    admin = await call(client, DRAFT_FROM_QUOTE, {"id": accepted["id"]}, people.admin, "draftInvoiceFromQuote")
    assert admin["errors"] == []


async def test_an_unaccepted_quote_is_not_invoiced(client: Api, billing: Billing) -> None:
    people = billing.people
    code = await received_request(client, people)
    made = await quote(client, people, code)
    before = await billing_rows()
    payload = await call(client, DRAFT_FROM_QUOTE, {"id": made["id"]}, billing.finance, "draftInvoiceFromQuote")
    assert errors_of(payload) == [("quoteId", "QUOTE_NOT_ACCEPTED")]
    unknown = await call(client, DRAFT_FROM_QUOTE, {"id": "999999"}, billing.finance, "draftInvoiceFromQuote")
    assert errors_of(unknown) == [("quoteId", "NOT_FOUND")]
    assert await billing_rows() == before


async def test_a_cancelled_draft_makes_room_for_another(client: Api, billing: Billing) -> None:
    accepted = await accepted_quote(client, billing.people)
    draft = (await call(client, DRAFT_FROM_QUOTE, {"id": accepted["id"]}, billing.finance, "draftInvoiceFromQuote"))[
        "invoice"
    ]
    no_reason = await call(
        client, CANCEL, {"id": draft["id"], "version": 1, "reason": " "}, billing.finance, "cancelInvoiceDraft"
    )
    assert errors_of(no_reason) == [("reason", "REASON_REQUIRED")]
    cancelled = await call(client, CANCEL, {"id": draft["id"], "version": 1, "reason": "Sai người mua"}, billing.finance,
                           "cancelInvoiceDraft")  # fmt: skip
    assert cancelled["invoice"]["status"] == "CANCELLED"
    again = await call(client, DRAFT_FROM_QUOTE, {"id": accepted["id"]}, billing.finance, "draftInvoiceFromQuote")
    assert (again["errors"], again["invoice"]["status"]) == ([], "DRAFT")


async def test_overdue_invoices_are_flagged_and_the_buyer_reminded(
    client: Api, billing: Billing, frozen_now: Callable[[Any], None]
) -> None:
    moment = local(2026, 3, 10, 9, 0)
    frozen_now(moment)
    issued = await issued_invoice(client, billing)
    from app.cli import daily_command

    frozen_now(moment + timedelta(days=15))  # due 2026-03-25: not yet late
    assert (await daily_command("mark-overdue"))["overdue_invoices"] == []
    frozen_now(moment + timedelta(days=16))
    assert (await daily_command("mark-overdue"))["overdue_invoices"] == [int(issued["id"])]
    assert (await daily_command("mark-overdue"))["overdue_invoices"] == []  # idempotent
    seen = (await client.gql(INVOICE, {"id": issued["id"]}, token=billing.people.customer)).data["invoice"]
    assert seen["overdue"] is True
    reminders = await OutboxMessage.select().where(OutboxMessage.subject.like("Nhắc thanh toán%"))
    assert [r["recipient"] for r in reminders] == ["khach@example.vn"]


async def test_period_totals_per_vat_rate_agree_with_the_invoices(
    client: Api, billing: Billing, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 10, 9, 0))
    first = await issued_invoice(client, billing)
    second = await issued_invoice(client, billing, requestDiscountAmount=1)
    query = 'query { invoiceTotals(from: "2026-03-01", to: "2026-03-31") { invoices amount vatAmount totalAmount amountInWords byRate { label amount vatAmount } } }'
    totals = (await client.gql(query, token=billing.finance)).data["invoiceTotals"]
    assert totals["invoices"] == 2
    assert totals["totalAmount"] == first["totalAmount"] + second["totalAmount"] == 2_640_000 + 2_639_999
    assert totals["byRate"] == [{"label": "10%", "amount": 4_799_999, "vatAmount": 480_000}]
    assert totals["amountInWords"] == "Năm triệu hai trăm bảy mươi chín nghìn chín trăm chín mươi chín đồng"
    assert (await client.gql(query, token=billing.people.customer)).error_codes == ["FORBIDDEN"]


async def test_a_decrease_adjustment_and_a_replacement(client: Api, billing: Billing) -> None:
    issued = await issued_invoice(client, billing)
    line = {"nameVi": "Giảm giá do chậm tiến độ", "quantity": 1, "unitAmount": 200_000, "vatRate": "RATE_10"}
    adjusted = await call(client, ADJUST, {"id": issued["id"], "direction": "DECREASE",
                                           "input": {"reason": "Chậm tiến độ 2 ngày", "lines": [line]}},
                          billing.finance, "adjustInvoice")  # fmt: skip
    assert adjusted["errors"] == []
    a = adjusted["invoice"]
    assert (a["kind"], a["number"], a["amount"], a["vatAmount"], a["totalAmount"], a["reason"]) == (
        "ADJUSTMENT", 2, -200_000, -20_000, -220_000, "Chậm tiến độ 2 ngày",
    )  # fmt: skip
    assert a["amountInWords"] == "Âm hai trăm hai mươi nghìn đồng"
    assert a["original"] == {"id": issued["id"], "status": "ISSUED"}
    too_much = await call(client, ADJUST, {"id": issued["id"], "direction": "DECREASE",
                                           "input": {"reason": "x", "lines": [{**line, "unitAmount": 2_200_001}]}},
                          billing.finance, "adjustInvoice")  # fmt: skip
    assert errors_of(too_much) == [("lines", "ADJUSTMENT_TOO_LARGE")]
    replaced = await call(client, REPLACE, {"id": issued["id"], "input": {
        "reason": "Sai tên người mua", "buyer": {"kind": "INDIVIDUAL", "name": "Nguyễn Văn An"}}},
        billing.finance, "replaceInvoice")  # fmt: skip
    assert replaced["errors"] == []
    r = replaced["invoice"]
    assert (r["kind"], r["number"], r["buyer"]["name"], r["totalAmount"], r["original"]["status"]) == (
        "REPLACEMENT", 3, "Nguyễn Văn An", issued["totalAmount"], "REPLACED",
    )  # fmt: skip
    original = (await client.gql(INVOICE, {"id": issued["id"]}, token=billing.finance)).data["invoice"]
    assert [(c["kind"], c["number"]) for c in original["corrections"]] == [("ADJUSTMENT", 2), ("REPLACEMENT", 3)]
    again = await call(
        client, REPLACE, {"id": issued["id"], "input": {"reason": "x"}}, billing.finance, "replaceInvoice"
    )
    assert errors_of(again) == [("id", "NOT_CORRECTABLE")]
