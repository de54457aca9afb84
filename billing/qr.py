"""The VietQR code of an invoice: its payload (bank BIN and account from the settings, the balance, the
payment reference as purpose) and its picture as PNG or SVG (segno), for whoever may see the invoice."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import segno

from app.auth.principal import Principal
from app.config import get_settings
from app.errors import Conflict
from app.input import parse_id
from billing import access, repository, vietqr
from billing.enums import InvoiceStatus
from billing.states import OWING
from catalog.requests import orders


def payload_of(invoice: dict[str, Any]) -> str | None:
    """The payload for an invoice with money owed, or None (paid, draft, no bank configured)."""
    settings = get_settings()
    balance = int(invoice["total_amount"]) - int(invoice["amount_paid"])
    if not settings.vietqr_bank_bin or not settings.seller_bank_account:
        return None
    if InvoiceStatus(invoice["status"]) not in OWING or balance <= 0:
        return None
    return vietqr.payload(settings.vietqr_bank_bin, settings.seller_bank_account, balance, invoice["payment_reference"])


def url_of(invoice_id: int, kind: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/billing/invoices/{invoice_id}/vietqr.{kind}"


def _render(text: str, kind: str) -> bytes:
    """CPU work (a few ms): run in a thread."""
    code = segno.make(text, error="m", micro=False)
    out = io.BytesIO()
    if kind == "png":
        code.save(out, kind="png", scale=8, border=4)
    else:
        code.save(out, kind="svg", scale=8, border=4, xmldecl=False)
    return out.getvalue()


async def image(principal: Principal, invoice_ref: object, token: str | None, kind: str) -> tuple[bytes, str]:
    invoice = await repository.invoice_by_id(parse_id(invoice_ref))
    if token:  # a guest through the request's link
        order = await orders.for_guest(token)
        if invoice is None or invoice["request"] != order.id or invoice["number"] is None:
            raise access.invoice_not_found()
    else:
        invoice = access.require_invoice_reader(principal, invoice)
    text = payload_of(invoice)
    if text is None:
        raise Conflict(
            "NO_QR",
            "Hóa đơn không còn khoản phải trả, hoặc chưa cấu hình tài khoản nhận.",
            "The invoice has nothing owed, or no receiving account is configured.",
            "id",
        )
    content = await asyncio.to_thread(_render, text, kind)
    return content, "image/png" if kind == "png" else "image/svg+xml"
