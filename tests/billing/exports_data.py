"""Invoices written straight into the tables (already issued, with their lines) for the export tests:
the exports read rows, so how the rows were made does not matter, and this is fast."""

from __future__ import annotations

from datetime import date

from app.money import VatRate, vat_amount
from billing.tables import Invoice, InvoiceLine


async def insert_invoice(
    number: int | None, day: date | None, lines: list[tuple[VatRate, int]], *, status: str = "issued",
    kind: str = "original", original: int | None = None, buyer: str = "Công ty TNHH Hồng Đức",
    buyer_kind: str = "organization", citizen_id: str = "", reason: str = "", paid: int = 0,
    line_names: list[str] | None = None,
) -> int:  # fmt: skip
    amount = sum(a for _, a in lines)
    vat = sum(vat_amount(a, r) for r, a in lines)
    values = {
        "kind": kind, "source": "correction" if original else "quote", "status": status, "template": "1",
        "symbol": "C26TAA", "number": number, "issue_date": day, "payment_reference": f"HDT{number or 0}X{len(lines)}",
        "original": original, "reason": reason, "buyer_kind": buyer_kind, "buyer_name": buyer,
        "buyer_tax_code": "0100109106" if buyer_kind == "organization" else "", "buyer_citizen_id": citizen_id,
        "buyer_address": "Số 1 Lê Lợi, TP Thanh Hóa", "amount": amount, "vat_amount": vat,
        "total_amount": amount + vat, "amount_paid": paid,
    }  # fmt: skip
    rows = await Invoice.insert(Invoice(**values)).returning(Invoice.id)
    invoice_id = int(rows[0]["id"])
    await InvoiceLine.insert(
        *[
            InvoiceLine(invoice=invoice_id, position=i, source="manual", name_vi=line_names[i - 1] if line_names else f"Dịch vụ số {i}", unit="gói",
                        quantity=1, unit_amount=a, vat_rate=r.value, amount=a, vat_amount=vat_amount(a, r),
                        total_amount=a + vat_amount(a, r))
            for i, (r, a) in enumerate(lines, start=1)
        ]
    )  # fmt: skip
    return invoice_id
