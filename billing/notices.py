"""What billing tells customers, through the outbox (sent after commit, retried)."""

from __future__ import annotations

from typing import Any

from app import outbox
from app.money import amount_in_words


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


async def quote_sent(quote: dict[str, Any], recipient: str, request_code: str, link: str | None) -> int | None:
    subject = (
        f"Báo giá cho hồ sơ {request_code} (lần {quote['revision']}) / Quote for request {request_code} "
        f"(revision {quote['revision']})"
    )
    body = (
        f"Mã hồ sơ / Receipt code: {request_code}\n"
        f"Tổng thanh toán / Total: {_money(quote['total_amount'])} ({amount_in_words(quote['total_amount'])})\n"
        f"Hiệu lực đến / Valid until: {quote['valid_until']}\n"
        + (f"\n{quote['note']}\n" if quote["note"] else "")
        + (f"\nChấp nhận hoặc từ chối / Accept or decline: {link}\n" if link else "")
    )
    return await outbox.enqueue("quote", quote["id"], recipient, subject, body)


async def invoice_issued(invoice: dict[str, Any]) -> int | None:
    number = f"{invoice['template']}{invoice['symbol']} số {invoice['number']:08d}"
    subject = f"Hóa đơn {number} / Invoice {invoice['template']}{invoice['symbol']} No. {invoice['number']:08d}"
    body = (
        f"Người mua / Buyer: {invoice['buyer_name']}\n"
        f"Ngày lập / Issued: {invoice['issue_date']}\n"
        f"Tổng thanh toán / Total: {_money(invoice['total_amount'])} ({amount_in_words(invoice['total_amount'])})\n"
        f"Hạn thanh toán / Due: {invoice['due_date']}\n"
        f"Nội dung chuyển khoản / Transfer reference: {invoice['payment_reference']}\n"
    )
    return await outbox.enqueue("invoice", invoice["id"], invoice["buyer_email"], subject, body)


async def invoice_overdue(invoice: dict[str, Any]) -> int | None:
    balance = invoice["total_amount"] - invoice["amount_paid"]
    subject = f"Nhắc thanh toán hóa đơn số {invoice['number']:08d} / Payment reminder: invoice {invoice['number']:08d}"
    body = (
        f"Hạn thanh toán / Due: {invoice['due_date']}\n"
        f"Còn phải trả / Balance: {_money(balance)}\n"
        f"Nội dung chuyển khoản / Transfer reference: {invoice['payment_reference']}\n"
    )
    return await outbox.enqueue("invoice", invoice["id"], invoice["buyer_email"], subject, body)


async def payment_received(invoice: dict[str, Any], payment: dict[str, Any]) -> int | None:
    number = f"{invoice['number']:08d}" if invoice["number"] else "-"
    subject = f"Đã nhận thanh toán hóa đơn số {number} / Payment received for invoice {number}"
    body = (
        f"Số tiền / Amount: {_money(payment['amount'])}\n"
        f"Còn phải trả / Balance: {_money(max(invoice['total_amount'] - invoice['amount_paid'], 0))}\n"
        + (f"Số tiền trả thừa / Overpaid: {_money(payment['overpaid_amount'])}\n" if payment["overpaid_amount"] else "")
    )
    return await outbox.enqueue("invoice", invoice["id"], invoice["buyer_email"], subject, body)


async def refund_made(invoice: dict[str, Any], amount: int, reason: str) -> int | None:
    number = f"{invoice['number']:08d}" if invoice["number"] else "-"
    subject = f"Hoàn tiền hóa đơn số {number} / Refund for invoice {number}"
    body = f"Số tiền hoàn / Refunded: {_money(amount)}\nLý do / Reason: {reason}\n"
    return await outbox.enqueue("invoice", invoice["id"], invoice["buyer_email"], subject, body)
